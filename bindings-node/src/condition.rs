//! `Condition`: the tests of Choice rules, named as in the CDK. Every helper
//! goes through `stepforge::builder::Condition::by_name`, so the operators
//! live in the core's `COMPARISONS` and `TYPE_TESTS` tables; a compile-time
//! check keeps the list below equal to those tables.

use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use serde_json::Value;
use stepforge::builder::{self, COMPARISONS, TYPE_TESTS, camel_case, number};

use crate::chain::elements;
use crate::errors::{Result, guard, type_error};
use crate::value::{At, JsonValue, describe, native, same_text, scalar};

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

/// The operand of a helper: its argument as JSON, or `true` for a type test.
macro_rules! operand {
    () => {
        Value::Bool(true)
    };
    ($value:ident => $json:expr) => {
        $json($value)
    };
}

/// Declares the helpers: `name(variable, operand: type)` calls the core's
/// helper of that name (the operand is `true` for the type tests).
macro_rules! helpers {
    ($($(#[doc = $doc:tt])* $name:ident($($operand:ident: $ty:ty as $ts:tt => $json:expr)?);)*) => {
        #[napi]
        impl Condition {
            $(
                $(#[doc = $doc])*
                #[napi]
                pub fn $name(
                    env: Env,
                    #[napi(ts_arg_type = "string")] variable: Unknown,
                    $(#[napi(ts_arg_type = $ts)] $operand: Unknown,)?
                ) -> napi::Result<Condition> {
                    guard(&env, || {
                        let at = |param: &str| At::new(format!("Condition.{} {param}", camel_case(stringify!($name))));
                        let variable: String = scalar(variable, &at("variable"))?;
                        $(let $operand: $ty = scalar($operand, &at(stringify!($operand)))?;)?
                        let operand = operand!($($operand => $json)?);
                        Ok(Condition { inner: builder::Condition::by_name(stringify!($name), &variable, operand)? })
                    })
                }
            )*
        }

        const HELPERS: &[&str] = &[$(stringify!($name)),*];
    };
}

fn text(s: String) -> Value {
    Value::String(s)
}

/// A finite number (the only kind a `number` argument takes) as JSON.
fn numeric(f: f64) -> Value {
    number(f).unwrap_or(Value::Null)
}

fn boolean(b: bool) -> Value {
    Value::Bool(b)
}

helpers! {
    #[doc = "`StringEquals`: the string at `variable` equals `value`."]
    string_equals(value: String as "string" => text);
    #[doc = "`StringEqualsPath`: the string at `variable` equals the one at `path`."]
    string_equals_json_path(path: String as "string" => text);
    #[doc = "`StringLessThan`."]
    string_less_than(value: String as "string" => text);
    #[doc = "`StringLessThanPath`."]
    string_less_than_json_path(path: String as "string" => text);
    #[doc = "`StringGreaterThan`."]
    string_greater_than(value: String as "string" => text);
    #[doc = "`StringGreaterThanPath`."]
    string_greater_than_json_path(path: String as "string" => text);
    #[doc = "`StringLessThanEquals`."]
    string_less_than_equals(value: String as "string" => text);
    #[doc = "`StringLessThanEqualsPath`."]
    string_less_than_equals_json_path(path: String as "string" => text);
    #[doc = "`StringGreaterThanEquals`."]
    string_greater_than_equals(value: String as "string" => text);
    #[doc = "`StringGreaterThanEqualsPath`."]
    string_greater_than_equals_json_path(path: String as "string" => text);
    #[doc = "`StringMatches`: `pattern` may use `*` as a wildcard (`\\\\*` for a literal star)."]
    string_matches(pattern: String as "string" => text);
    #[doc = "`NumericEquals`."]
    number_equals(value: f64 as "number" => numeric);
    #[doc = "`NumericEqualsPath`."]
    number_equals_json_path(path: String as "string" => text);
    #[doc = "`NumericLessThan`."]
    number_less_than(value: f64 as "number" => numeric);
    #[doc = "`NumericLessThanPath`."]
    number_less_than_json_path(path: String as "string" => text);
    #[doc = "`NumericGreaterThan`."]
    number_greater_than(value: f64 as "number" => numeric);
    #[doc = "`NumericGreaterThanPath`."]
    number_greater_than_json_path(path: String as "string" => text);
    #[doc = "`NumericLessThanEquals`."]
    number_less_than_equals(value: f64 as "number" => numeric);
    #[doc = "`NumericLessThanEqualsPath`."]
    number_less_than_equals_json_path(path: String as "string" => text);
    #[doc = "`NumericGreaterThanEquals`."]
    number_greater_than_equals(value: f64 as "number" => numeric);
    #[doc = "`NumericGreaterThanEqualsPath`."]
    number_greater_than_equals_json_path(path: String as "string" => text);
    #[doc = "`BooleanEquals`."]
    boolean_equals(value: bool as "boolean" => boolean);
    #[doc = "`BooleanEqualsPath`."]
    boolean_equals_json_path(path: String as "string" => text);
    #[doc = "`TimestampEquals` (`value` is an RFC 3339 timestamp)."]
    timestamp_equals(value: String as "string" => text);
    #[doc = "`TimestampEqualsPath`."]
    timestamp_equals_json_path(path: String as "string" => text);
    #[doc = "`TimestampLessThan`."]
    timestamp_less_than(value: String as "string" => text);
    #[doc = "`TimestampLessThanPath`."]
    timestamp_less_than_json_path(path: String as "string" => text);
    #[doc = "`TimestampGreaterThan`."]
    timestamp_greater_than(value: String as "string" => text);
    #[doc = "`TimestampGreaterThanPath`."]
    timestamp_greater_than_json_path(path: String as "string" => text);
    #[doc = "`TimestampLessThanEquals`."]
    timestamp_less_than_equals(value: String as "string" => text);
    #[doc = "`TimestampLessThanEqualsPath`."]
    timestamp_less_than_equals_json_path(path: String as "string" => text);
    #[doc = "`TimestampGreaterThanEquals`."]
    timestamp_greater_than_equals(value: String as "string" => text);
    #[doc = "`TimestampGreaterThanEqualsPath`."]
    timestamp_greater_than_equals_json_path(path: String as "string" => text);
    #[doc = "`IsPresent: true`: `variable` exists in the input."]
    is_present();
    #[doc = "`IsPresent: false`."]
    is_not_present();
    #[doc = "`IsNull: true`."]
    is_null();
    #[doc = "`IsNull: false`."]
    is_not_null();
    #[doc = "`IsString: true`."]
    is_string();
    #[doc = "`IsString: false`."]
    is_not_string();
    #[doc = "`IsNumeric: true`."]
    is_numeric();
    #[doc = "`IsNumeric: false`."]
    is_not_numeric();
    #[doc = "`IsBoolean: true`."]
    is_boolean();
    #[doc = "`IsBoolean: false`."]
    is_not_boolean();
    #[doc = "`IsTimestamp: true`."]
    is_timestamp();
    #[doc = "`IsTimestamp: false`."]
    is_not_timestamp();
}

/// Whether `HELPERS` is exactly the core's tables, in order, at compile time.
const fn covers_core_tables() -> bool {
    if HELPERS.len() != COMPARISONS.len() + TYPE_TESTS.len() {
        return false;
    }
    let mut i = 0;
    while i < HELPERS.len() {
        let core = if i < COMPARISONS.len() { COMPARISONS[i].0 } else { TYPE_TESTS[i - COMPARISONS.len()].0 };
        if !same_text(HELPERS[i], core) {
            return false;
        }
        i += 1;
    }
    true
}

const _: () =
    assert!(covers_core_tables(), "Condition helpers must match stepforge::builder::COMPARISONS and TYPE_TESTS");

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
