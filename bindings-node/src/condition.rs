//! `Condition`: the tests of Choice rules, named as in the CDK. The helpers
//! are made from the core's table (`stepforge::for_each_condition!`) and go
//! through `stepforge::builder::Condition::by_name`.

use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use serde_json::Value;
use stepforge::builder::{self, camel_case, number};

use crate::chain::elements;
use crate::errors::{Result, guard, type_error};
use crate::value::{At, JsonValue, describe, native, scalar};

/// A Choice rule's test. Make one with the static helpers:
/// `Condition.stringEquals('$.color', 'BLUE')`,
/// `Condition.and(Condition.isPresent('$.a'), Condition.numberGreaterThan('$.a', 1))`.
#[napi]
pub struct Condition {
    pub(crate) inner: builder::Condition,
}

/// The core condition of a `Condition` argument.
pub fn condition(env: &Env, value: Unknown, at: &At) -> Result<builder::Condition> {
    match native::<Condition>(env, &value)? {
        Some(c) => Ok(c.inner.clone()),
        None => Err(type_error(format!("`{at}` must be a Condition, not {}", describe(&value, value.get_type()?)?))),
    }
}

/// One comparison helper; the arm of its operand kind in the core's table
/// gives the TypeScript type and how the operand becomes JSON.
macro_rules! compare {
    (text $($rest:tt)*) => { compare!(@emit "string", String, Value::String, $($rest)*); };
    (path $($rest:tt)*) => { compare!(@emit "string", String, Value::String, $($rest)*); };
    // A finite number (the only kind a `number` argument takes).
    (number $($rest:tt)*) => { compare!(@emit "number", f64, finite, $($rest)*); };
    (boolean $($rest:tt)*) => { compare!(@emit "boolean", bool, Value::Bool, $($rest)*); };
    (@emit $ts:tt, $ty:ty, $json:expr, $name:ident, $param:ident, $doc:tt) => {
        #[napi]
        impl Condition {
            #[doc = $doc]
            #[napi]
            pub fn $name(
                env: Env,
                #[napi(ts_arg_type = "string")] variable: Unknown,
                #[napi(ts_arg_type = $ts)] $param: Unknown,
            ) -> napi::Result<Condition> {
                guard(&env, || {
                    let variable: String = scalar(variable, &at(stringify!($name), "variable"))?;
                    let operand: $ty = scalar($param, &at(stringify!($name), stringify!($param)))?;
                    Ok(Condition { inner: builder::Condition::by_name(stringify!($name), &variable, $json(operand))? })
                })
            }
        }
    };
}

fn finite(f: f64) -> Value {
    number(f).unwrap_or(Value::Null)
}

/// Declares the helpers of the core's table (`stepforge::for_each_condition!`):
/// `name(variable, operand)` calls the core's helper of that name; the type
/// tests take only `variable`.
macro_rules! helpers {
    (
        compare: [$($name:ident($param:ident: $kind:ident) => $op:ident, $doc:tt;)*],
        type_tests: [$($test:ident => $test_op:ident, $holds:tt, $test_doc:tt;)*] $(,)?
    ) => {
        $(compare!($kind $name, $param, $doc);)*

        #[napi]
        impl Condition {
            $(
                #[doc = $test_doc]
                #[napi]
                pub fn $test(env: Env, #[napi(ts_arg_type = "string")] variable: Unknown) -> napi::Result<Condition> {
                    guard(&env, || {
                        let variable: String = scalar(variable, &at(stringify!($test), "variable"))?;
                        Ok(Condition { inner: builder::Condition::by_name(stringify!($test), &variable, Value::Bool(true))? })
                    })
                }
            )*
        }
    };
}

/// Where an argument of a helper is, for errors: `Condition.numberEquals value`.
fn at(helper: &str, param: &str) -> At {
    At::new(format!("Condition.{} {param}", camel_case(helper)))
}

stepforge::for_each_condition!(helpers);

#[napi]
impl Condition {
    /// Every condition holds (`And`).
    #[napi(configurable, js_name = "and", ts_args_type = "...conditions: Condition[]")]
    pub fn all(env: Env, conditions: Unknown) -> napi::Result<Condition> {
        guard(&env, || Ok(Condition { inner: builder::Condition::and(list(&env, conditions, "Condition.and")?) }))
    }

    /// At least one condition holds (`Or`).
    #[napi(configurable, js_name = "or", ts_args_type = "...conditions: Condition[]")]
    pub fn any(env: Env, conditions: Unknown) -> napi::Result<Condition> {
        guard(&env, || Ok(Condition { inner: builder::Condition::or(list(&env, conditions, "Condition.or")?) }))
    }

    /// The condition does not hold (`Not`).
    #[napi(js_name = "not")]
    pub fn negate(env: Env, #[napi(ts_arg_type = "Condition")] condition: Unknown) -> napi::Result<Condition> {
        guard(&env, || {
            Ok(Condition {
                inner: builder::Condition::not(self::condition(&env, condition, &At::new("Condition.not argument"))?),
            })
        })
    }

    /// A JSONata condition (`"{% $x > 1 %}"`), for JSONata Choice states.
    #[napi]
    pub fn jsonata(env: Env, #[napi(ts_arg_type = "string")] expression: Unknown) -> napi::Result<Condition> {
        guard(&env, || {
            let expression: String = scalar(expression, &At::new("Condition.jsonata expression"))?;
            Ok(Condition { inner: builder::Condition::jsonata(&expression) })
        })
    }

    /// The Choice rule this condition renders to, without `Next`
    /// (`JSON.stringify(condition)` writes it).
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self, env: Env) -> napi::Result<JsonValue> {
        guard(&env, || Ok(JsonValue(self.inner.to_json())))
    }
}

fn list(env: &Env, conditions: Unknown, what: &str) -> Result<Vec<builder::Condition>> {
    elements(conditions, &At::new(what))?
        .into_iter()
        .enumerate()
        .map(|(i, c)| condition(env, c, &At::new(format!("{what} argument {}", i + 1))))
        .collect()
}
