//! Validation and canonical formatting of definition text or objects.

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{Failure, Problem, Result, guard, problems, type_error};
use crate::value::{At, describe, to_json};

/// A definition as the caller gave it.
enum Definition {
    Text(String),
    Value(Value),
}

fn definition(env: &Env, value: Unknown) -> Result<Definition> {
    match value.get_type()? {
        ValueType::String => Ok(Definition::Text(value.coerce_to_string()?.into_utf8()?.into_owned()?)),
        ValueType::Object => Ok(Definition::Value(to_json(env, value, &At::new("definition"))?)),
        ty => {
            Err(type_error(format!("the definition must be ASL JSON text or an object, not {}", describe(&value, ty)?)))
        }
    }
}

/// Every problem in a definition (ASL JSON text, or the parsed object); an
/// empty array when Step Functions would accept it.
#[napi(ts_args_type = "definition: string | object")]
pub fn validate(env: Env, definition: Unknown) -> napi::Result<Vec<Problem>> {
    guard(&env, || {
        let found = match self::definition(&env, definition) {
            Ok(Definition::Text(text)) => stepforge::validate::validate_str(&text),
            Ok(Definition::Value(value)) => stepforge::validate::validate_value(&value),
            // A JsonPathExpr where none can go is a problem of the definition too.
            Err(Failure::Invalid(p)) => p.0,
            Err(other) => return Err(other),
        };
        Ok(problems(&found))
    })
}

/// The definition in canonical form: stable key order, two-space indent, the
/// same bytes every stepforge binding writes. Throws a `ValidationError` when
/// the definition has problems.
#[napi(ts_args_type = "definition: string | object")]
pub fn format_definition(env: Env, definition: Unknown) -> napi::Result<String> {
    guard(&env, || {
        let text = match self::definition(&env, definition)? {
            Definition::Text(text) => text,
            Definition::Value(value) => value.to_string(),
        };
        Ok(stepforge::asl::render(&stepforge::validate::parse_valid(&text)?))
    })
}
