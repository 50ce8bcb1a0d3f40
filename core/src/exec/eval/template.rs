//! JSONPath payload templates (`Parameters`, `ResultSelector`, `ItemSelector`,
//! `Assign`): `.$` fields take their value from a path or an intrinsic call.

use serde_json::{Map, Value};

use super::intrinsic::call_intrinsic;
use super::select::{root_value, select_in};
use super::{Entropy, EvalError, Scope, show};
use crate::asl::template::{Expr, Template, TemplateValue};

/// Builds the value of a payload template: static parts are copied, each `.$`
/// field is replaced (under its name without `.$`) by what its path selects
/// from `input` (`$`), the context object (`$$`) or a variable (`$name`), or by
/// its intrinsic call's result.
///
/// A path that selects nothing fails with `States.Runtime` and AWS's cause:
/// "The JSONPath '$.x' specified for the field 'y.$' could not be found in the
/// input '{…}'".
pub fn apply_template(
    t: &TemplateValue,
    input: &Value,
    scope: &Scope,
    rng: &mut dyn Entropy,
) -> Result<Value, EvalError> {
    value(t, "", input, scope, rng)
}

/// One template value; `key` is the field it sits in, for messages.
fn value(
    t: &TemplateValue,
    key: &str,
    input: &Value,
    scope: &Scope,
    rng: &mut dyn Entropy,
) -> Result<Value, EvalError> {
    match t {
        TemplateValue::Literal(v) => Ok(v.clone()),
        TemplateValue::Expr(expr) => expression(expr, key, input, scope, rng),
        TemplateValue::Object(template) => object(template, input, scope, rng),
        TemplateValue::Array(items) => items
            .iter()
            .map(|item| value(item, key, input, scope, rng))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
    }
}

fn object(template: &Template, input: &Value, scope: &Scope, rng: &mut dyn Entropy) -> Result<Value, EvalError> {
    let mut out = Map::with_capacity(template.fields.len());
    for (key, field) in &template.fields {
        out.insert(key.clone(), value(field, key, input, scope, rng)?);
    }
    Ok(Value::Object(out))
}

fn expression(expr: &Expr, key: &str, input: &Value, scope: &Scope, rng: &mut dyn Entropy) -> Result<Value, EvalError> {
    match expr {
        Expr::Path(path) => {
            let root = root_value(path, input, scope)?;
            select_in(path, root).map_err(|_| {
                EvalError::runtime(format!(
                    "The JSONPath '{}' specified for the field '{key}.$' could not be found in the input '{}'",
                    path.as_str(),
                    show(root)
                ))
            })
        }
        Expr::Intrinsic(call) => call_intrinsic(call, input, scope, rng),
    }
}
