//! The engine's side of data evaluation: the JSONPath pipeline (InputPath →
//! Parameters → task → ResultSelector → ResultPath → OutputPath) and the
//! JSONata fields (Arguments, Output, Assign), over [`super::eval`].
//! <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html>

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::errors::Failure;
use super::eval::{self, EvalError, JsonataEnv, Scope};
use crate::asl::{Dynamic, Jsonata, JsonataTemplate, Path, PathOrNull, Payload, ReferencePath, TemplateValue};

/// Everything a state's fields can see besides its input.
pub(crate) struct View<'a> {
    /// The context object (`$$`, `$states.context`).
    pub context: &'a Value,
    /// Workflow variables.
    pub vars: &'a Map<String, Value>,
    /// The virtual clock, for `$now()`.
    pub now: i64,
}

impl<'a> View<'a> {
    fn scope(&self) -> Scope<'a> {
        Scope::new(self.context, self.vars)
    }

    fn env<'b>(
        &'b self,
        input: &'b Value,
        result: Option<&'b Value>,
        error_output: Option<&'b Value>,
    ) -> JsonataEnv<'b> {
        JsonataEnv { input, result, error_output, context: self.context, variables: self.vars, now_millis: self.now }
    }
}

pub(crate) fn fail(e: EvalError) -> Failure {
    Failure::new(e.error, e.cause)
}

/// `InputPath` (and `OutputPath`): absent keeps the value, `null` gives `{}`.
pub(crate) fn filter_path(p: Option<&PathOrNull<Path>>, value: &Value, view: &View) -> Result<Value, Failure> {
    match p {
        None => Ok(value.clone()),
        Some(PathOrNull::Null) => Ok(json!({})),
        Some(PathOrNull::Path(p)) => eval::select(p, value, &view.scope()).map_err(fail),
    }
}

/// [`filter_path`] without a copy when the path is absent: the value itself.
pub(crate) fn filter_path_cow<'v>(
    p: Option<&PathOrNull<Path>>,
    value: &'v Value,
    view: &View,
) -> Result<Cow<'v, Value>, Failure> {
    match p {
        None => Ok(Cow::Borrowed(value)),
        Some(_) => filter_path(p, value, view).map(Cow::Owned),
    }
}

/// [`filter_path`] of a value the caller gives up: absent moves it through.
pub(crate) fn filter_path_owned(p: Option<&PathOrNull<Path>>, value: Value, view: &View) -> Result<Value, Failure> {
    match p {
        None => Ok(value),
        Some(_) => filter_path(p, &value, view),
    }
}

/// [`result_path`] reading the raw input by reference: only a `ResultPath`
/// that keeps or extends the input copies it (the default `$` does not).
pub(crate) fn result_path_ref(
    p: Option<&PathOrNull<ReferencePath>>,
    input: &Value,
    result: Value,
) -> Result<Value, Failure> {
    match p {
        None => Ok(result),
        Some(_) => result_path(p, input.clone(), result),
    }
}

/// A JSONPath payload template (`Parameters`, `ResultSelector`, `ItemSelector`).
pub(crate) fn template(
    t: &TemplateValue,
    input: &Value,
    view: &View,
    rng: &mut fastrand::Rng,
) -> Result<Value, Failure> {
    eval::apply_template(t, input, &view.scope(), rng).map_err(fail)
}

/// `ResultPath`: where the result goes in the raw state input.
pub(crate) fn result_path(
    p: Option<&PathOrNull<ReferencePath>>,
    input: Value,
    result: Value,
) -> Result<Value, Failure> {
    eval::place_result(p, input, result).map_err(fail)
}

/// A JSONata template (`Arguments`, `Output`, `Items`, `ItemSelector`).
pub(crate) fn jsonata_value(
    t: &JsonataTemplate,
    view: &View,
    input: &Value,
    result: Option<&Value>,
    error_output: Option<&Value>,
    rng: &mut fastrand::Rng,
) -> Result<Value, Failure> {
    eval::jsonata_template(t, &view.env(input, result, error_output), rng).map_err(fail)
}

/// One JSONata expression.
pub(crate) fn jsonata_expr(j: &Jsonata, view: &View, input: &Value, rng: &mut fastrand::Rng) -> Result<Value, Failure> {
    eval::jsonata(j, &view.env(input, None, None), rng).map_err(fail)
}

/// A Choice rule's JSONata `Condition`, which must give a boolean.
pub(crate) fn jsonata_condition(
    j: &Jsonata,
    view: &View,
    input: &Value,
    rng: &mut fastrand::Rng,
) -> Result<bool, Failure> {
    match jsonata_expr(j, view, input, rng)? {
        Value::Bool(b) => Ok(b),
        other => Err(Failure::new(
            eval::errors::QUERY_EVALUATION_ERROR,
            format!("The Condition field's expression {} returned {}, not a boolean", j.as_str(), other),
        )),
    }
}

/// A JSONPath Choice rule.
pub(crate) fn choose(c: &crate::asl::Condition, input: &Value, view: &View) -> Result<bool, Failure> {
    eval::choose(c, input, &view.scope()).map_err(fail)
}

/// `Assign`: the variables to set. In JSONPath states `$` is `assign_input`
/// (the state's result, or its input for Choice and Wait); in JSONata states
/// `$states.input` and `$states.result` are both visible.
pub(crate) fn assign(
    p: &Payload,
    view: &View,
    assign_input: &Value,
    state_input: &Value,
    result: Option<&Value>,
    error_output: Option<&Value>,
    rng: &mut fastrand::Rng,
) -> Result<Map<String, Value>, Failure> {
    let value = match p {
        Payload::Template(t) => template(t, assign_input, view, rng)?,
        Payload::Jsonata(t) => jsonata_value(t, view, state_input, result, error_output, rng)?,
    };
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Failure::new("States.Runtime", format!("Assign must give an object, not {other}"))),
    }
}

/// A whole number of seconds (or items) from a literal, a `…Path` or a JSONata expression.
pub(crate) fn dynamic_count(
    d: &Dynamic<u64>,
    field: &str,
    input: &Value,
    view: &View,
    rng: &mut fastrand::Rng,
) -> Result<u64, Failure> {
    let value = match d {
        Dynamic::Value(n) => return Ok(*n),
        Dynamic::Path(p) => eval::select_reference(p, input, &view.scope()).map_err(fail)?,
        Dynamic::Jsonata(j) => jsonata_expr(j, view, input, rng)?,
    };
    let error = if matches!(d, Dynamic::Jsonata(_)) { eval::errors::QUERY_EVALUATION_ERROR } else { "States.Runtime" };
    value
        .as_u64()
        .or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64))
        .ok_or_else(|| Failure::new(error, format!("{field} must be a non-negative whole number, not {value}")))
}

/// A non-negative number (ToleratedFailurePercentage).
pub(crate) fn dynamic_number(
    d: &Dynamic<serde_json::Number>,
    field: &str,
    input: &Value,
    view: &View,
    rng: &mut fastrand::Rng,
) -> Result<f64, Failure> {
    let value = match d {
        Dynamic::Value(n) => Value::Number(n.clone()),
        Dynamic::Path(p) => eval::select_reference(p, input, &view.scope()).map_err(fail)?,
        Dynamic::Jsonata(j) => jsonata_expr(j, view, input, rng)?,
    };
    value
        .as_f64()
        .filter(|f| *f >= 0.0)
        .ok_or_else(|| Failure::new("States.Runtime", format!("{field} must be a non-negative number, not {value}")))
}

/// A Fail state's `Error`/`Cause` (literal, `…Path` or JSONata).
pub(crate) fn fail_text(
    t: &crate::asl::FailText,
    input: &Value,
    view: &View,
    rng: &mut fastrand::Rng,
) -> Result<String, Failure> {
    let value = match t {
        crate::asl::FailText::Value(s) => return Ok(s.clone()),
        crate::asl::FailText::Path(expr) => template(&TemplateValue::Expr(expr.clone()), input, view, rng)?,
        crate::asl::FailText::Jsonata(j) => jsonata_expr(j, view, input, rng)?,
    };
    match value {
        Value::String(s) => Ok(s),
        other => {
            Err(Failure::new("States.Runtime", format!("an ErrorPath or CausePath must give a string, not {other}")))
        }
    }
}
