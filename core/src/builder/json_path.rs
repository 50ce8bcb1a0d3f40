//! Helpers that write paths and intrinsic function calls, like the CDK's
//! `JsonPath`: `JsonPath::string_at("$.a")`, `JsonPath::format("Hi {}", [..])`.
//! Each returns the expression text; put it in a payload as a
//! [`PayloadValue::Expr`](super::PayloadValue::Expr).

use serde_json::Value;

/// An argument of an intrinsic function helper.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A path or a nested intrinsic call, written as is.
    Expr(String),
    /// A literal: string, number, boolean or null.
    Literal(Value),
}

impl From<&str> for Arg {
    /// A string starting with `$` or `States.` is an expression; any other is a literal.
    fn from(s: &str) -> Arg {
        if s.starts_with('$') || s.starts_with("States.") { Arg::Expr(s.to_string()) } else { Arg::Literal(s.into()) }
    }
}

impl From<Value> for Arg {
    fn from(v: Value) -> Arg {
        Arg::Literal(v)
    }
}

/// A scalar as an intrinsic-function literal; `None` for objects and arrays.
pub fn literal(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(quote(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("null".into()),
        _ => None,
    }
}

/// A single-quoted intrinsic string with `' { } \` escaped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if matches!(c, '\'' | '{' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Builds paths and intrinsic calls.
pub struct JsonPath;

impl JsonPath {
    /// The whole state input, `$`.
    pub const ENTIRE_PAYLOAD: &'static str = "$";
    /// The task token, `$$.Task.Token`.
    pub const TASK_TOKEN: &'static str = "$$.Task.Token";
    /// The execution ARN, `$$.Execution.Id`.
    pub const EXECUTION_ID: &'static str = "$$.Execution.Id";
    /// The execution name, `$$.Execution.Name`.
    pub const EXECUTION_NAME: &'static str = "$$.Execution.Name";
    /// The execution input, `$$.Execution.Input`.
    pub const EXECUTION_INPUT: &'static str = "$$.Execution.Input";
    /// The execution start time, `$$.Execution.StartTime`.
    pub const EXECUTION_START_TIME: &'static str = "$$.Execution.StartTime";
    /// The state's name, `$$.State.Name`.
    pub const STATE_NAME: &'static str = "$$.State.Name";
    /// When the state was entered, `$$.State.EnteredTime`.
    pub const STATE_ENTERED_TIME: &'static str = "$$.State.EnteredTime";
    /// The retry count, `$$.State.RetryCount`.
    pub const STATE_RETRY_COUNT: &'static str = "$$.State.RetryCount";
    /// The Map item's index, `$$.Map.Item.Index`.
    pub const MAP_ITEM_INDEX: &'static str = "$$.Map.Item.Index";
    /// The Map item's value, `$$.Map.Item.Value`.
    pub const MAP_ITEM_VALUE: &'static str = "$$.Map.Item.Value";

    /// A value taken from `path` (any type: `string_at`, `number_at`, `list_at`
    /// and `object_at` in the bindings all write this).
    pub fn at(path: &str) -> String {
        path.to_string()
    }

    /// An intrinsic function call: `States.<name>(args…)`.
    pub fn call(name: &str, args: &[Arg]) -> Result<String, String> {
        let mut rendered = Vec::with_capacity(args.len());
        for arg in args {
            rendered.push(match arg {
                Arg::Expr(e) => e.clone(),
                Arg::Literal(v) => literal(v).ok_or_else(|| {
                    format!("States.{name} takes strings, numbers, booleans, null, paths or intrinsic calls, not {v}")
                })?,
            });
        }
        Ok(format!("States.{name}({})", rendered.join(", ")))
    }

    /// `States.Format(template, args…)`. The template keeps its `{}`
    /// placeholders; quotes and backslashes in it are escaped.
    pub fn format(template: &str, args: &[Arg]) -> Result<String, String> {
        let mut quoted = String::from("'");
        for c in template.chars() {
            if c == '\'' {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('\'');
        let mut all = vec![Arg::Expr(quoted)];
        all.extend_from_slice(args);
        JsonPath::call("Format", &all)
    }
}
