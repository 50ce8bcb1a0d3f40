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

/// Calls `$callback!` with the `JsonPath` helpers of the bindings: the
/// context-object constants, the path helpers (`string_at(path)`), and the
/// intrinsic helpers of fixed arity, `name(params) => "Intrinsic", "doc";`.
/// (`format`, `array`, `json_merge` and `math_random`, whose arguments vary,
/// are written by each binding.)
#[macro_export]
#[doc(hidden)]
macro_rules! for_each_json_path_helper {
    ($callback:ident) => {
        $callback! {
            constants: [
                ENTIRE_PAYLOAD, "The whole state input, `$`.";
                TASK_TOKEN, "The task token, `$$.Task.Token`.";
                EXECUTION_ID, "The execution ARN, `$$.Execution.Id`.";
                EXECUTION_NAME, "The execution name, `$$.Execution.Name`.";
                EXECUTION_INPUT, "The execution input, `$$.Execution.Input`.";
                EXECUTION_START_TIME, "The execution start time, `$$.Execution.StartTime`.";
                STATE_NAME, "The state's name, `$$.State.Name`.";
                STATE_ENTERED_TIME, "When the state was entered, `$$.State.EnteredTime`.";
                STATE_RETRY_COUNT, "The retry count, `$$.State.RetryCount`.";
                MAP_ITEM_INDEX, "The Map item's index, `$$.Map.Item.Index`.";
                MAP_ITEM_VALUE, "The Map item's value, `$$.Map.Item.Value`.";
            ],
            paths: [
                string_at, "A string taken from `path` (`$.name`, `$$.Execution.Id`).";
                number_at, "A number taken from `path`.";
                list_at, "A list taken from `path`.";
                object_at, "An object taken from `path`.";
                json_path_at, "Any value taken from `path`.";
            ],
            intrinsics: [
                array_partition(array, chunk_size) => "ArrayPartition", "`States.ArrayPartition`: `array` in chunks of `chunk_size`.";
                array_contains(array, value) => "ArrayContains", "`States.ArrayContains`: whether `array` holds `value`.";
                array_range(start, end, step) => "ArrayRange", "`States.ArrayRange`: the numbers from `start` to `end` (inclusive) by `step`.";
                array_get_item(array, index) => "ArrayGetItem", "`States.ArrayGetItem`: the element of `array` at `index`.";
                array_length(array) => "ArrayLength", "`States.ArrayLength`: the length of `array`.";
                array_unique(array) => "ArrayUnique", "`States.ArrayUnique`: `array` without duplicates.";
                base64_encode(input) => "Base64Encode", "`States.Base64Encode`.";
                base64_decode(base64) => "Base64Decode", "`States.Base64Decode`.";
                hash(data, algorithm) => "Hash", "`States.Hash`: `algorithm` is MD5, SHA-1, SHA-256, SHA-384 or SHA-512.";
                math_add(num1, num2) => "MathAdd", "`States.MathAdd`.";
                string_split(input, delimiter) => "StringSplit", "`States.StringSplit`: `input` split at each of the characters of `delimiter`.";
                uuid() => "UUID", "`States.UUID`: a random version 4 UUID.";
                string_to_json(json_string) => "StringToJson", "`States.StringToJson`: parses a JSON string.";
                json_to_string(value) => "JsonToString", "`States.JsonToString`: writes a value as a JSON string.";
            ],
        }
    };
}

macro_rules! helper_tables {
    (
        constants: [$($constant:ident, $cdoc:tt;)*],
        paths: [$($path:ident, $pdoc:tt;)*],
        intrinsics: [$($helper:ident($($param:ident),*) => $intrinsic:tt, $idoc:tt;)*] $(,)?
    ) => {
        /// The names of the context-object constants of [`for_each_json_path_helper!`].
        pub const JSON_PATH_CONSTANTS: &[&str] = &[$(stringify!($constant)),*];
        /// The path helpers of [`for_each_json_path_helper!`].
        pub const JSON_PATH_PATHS: &[&str] = &[$(stringify!($path)),*];
        /// The fixed-arity intrinsic helpers of [`for_each_json_path_helper!`]:
        /// name, parameters, intrinsic.
        pub const INTRINSIC_HELPERS: &[(&str, &[&str], &str)] =
            &[$((stringify!($helper), &[$(stringify!($param)),*], $intrinsic)),*];
    };
}

crate::for_each_json_path_helper!(helper_tables);
