//! `JsonPath`: paths, the context object and intrinsic function calls, as
//! `JsonPathExpr` values (the namespace mirrors the CDK's `JsonPath` class).
//! The text of every call is written by `stepforge::builder::JsonPath`.

use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use serde_json::Value;
use stepforge::builder::{self, Arg, PayloadValue, camel_case};

use crate::chain::elements;
use crate::errors::{Result, guard, type_error};
use crate::value::{At, JsonPathExpr, scalar, to_payload};

/// An intrinsic argument: a `JsonPathExpr` or a string starting with `$` is
/// an expression, any other scalar a literal.
fn arg(env: &Env, value: Unknown, at: &At) -> Result<Arg> {
    match to_payload(env, value, at)? {
        PayloadValue::Expr(e) => Ok(Arg::Expr(e)),
        PayloadValue::Json(Value::String(s)) => Ok(Arg::from(s.as_str())),
        PayloadValue::Json(v @ (Value::Null | Value::Bool(_) | Value::Number(_))) => Ok(Arg::Literal(v)),
        _ => Err(type_error(format!(
            "`{at}` must be a JsonPathExpr, a string, a number, a boolean or null: intrinsic functions take no objects or arrays"
        ))),
    }
}

fn args(env: &Env, values: Unknown, what: &str) -> Result<Vec<Arg>> {
    elements(values, &At::new(what))?
        .into_iter()
        .enumerate()
        .map(|(i, v)| arg(env, v, &At::new(format!("{what} argument {}", i + 1))))
        .collect()
}

fn call(name: &str, args: &[Arg]) -> Result<JsonPathExpr> {
    Ok(builder::JsonPath::call(name, args).map_err(type_error)?.into())
}

/// The helpers of the core's table (`stepforge::for_each_json_path_helper!`).
macro_rules! helpers {
    (
        constants: [$($constant:ident, $cdoc:tt;)*],
        paths: [$($path:ident, $pdoc:tt;)*],
        intrinsics: [$($helper:ident($($param:ident),*) => $intrinsic:tt, $idoc:tt;)*] $(,)?
    ) => {
        $(
            #[doc = $cdoc]
            #[napi(namespace = "JsonPath")]
            pub const $constant: JsonPathExpr = JsonPathExpr::constant(builder::JsonPath::$constant);
        )*
        $(
            #[doc = $pdoc]
            #[napi(namespace = "JsonPath")]
            pub fn $path(env: Env, #[napi(ts_arg_type = "string")] path: Unknown) -> napi::Result<JsonPathExpr> {
                guard(&env, || {
                    let path: String = scalar(path, &param_at(stringify!($path), "path"))?;
                    Ok(builder::JsonPath::at(&path).into())
                })
            }
        )*
        $(
            #[doc = $idoc]
            #[napi(namespace = "JsonPath")]
            pub fn $helper(env: Env $(, #[napi(ts_arg_type = "JsonPathArg")] $param: Unknown)*) -> napi::Result<JsonPathExpr> {
                guard(&env, || {
                    let args = vec![$(arg(&env, $param, &param_at(stringify!($helper), stringify!($param)))?),*];
                    call($intrinsic, &args)
                })
            }
        )*
    };
}

stepforge::for_each_json_path_helper!(helpers);

/// `States.Format(template, ...args)`: `template` keeps its `{}` placeholders.
#[napi(namespace = "JsonPath", ts_args_type = "template: string, ...args: JsonPathArg[]")]
pub fn format(env: Env, template: Unknown, values: Unknown) -> napi::Result<JsonPathExpr> {
    guard(&env, || {
        let template: String = scalar(template, &At::new("JsonPath.format template"))?;
        let args = args(&env, values, "JsonPath.format")?;
        Ok(builder::JsonPath::format(&template, &args).map_err(type_error)?.into())
    })
}

/// `States.Array(...args)`.
#[napi(namespace = "JsonPath", ts_args_type = "...args: JsonPathArg[]")]
pub fn array(env: Env, values: Unknown) -> napi::Result<JsonPathExpr> {
    guard(&env, || call("Array", &args(&env, values, "JsonPath.array")?))
}

/// Where an argument of a helper is, for errors: `JsonPath.arrayPartition chunkSize`.
fn param_at(helper: &str, param: &str) -> At {
    At::new(format!("JsonPath.{} {}", camel_case(helper), camel_case(param)))
}

/// `States.JsonMerge(value1, value2, false)`: a shallow merge (the only kind
/// Step Functions supports).
#[napi(namespace = "JsonPath")]
pub fn json_merge(
    env: Env,
    #[napi(ts_arg_type = "JsonPathArg")] value1: Unknown,
    #[napi(ts_arg_type = "JsonPathArg")] value2: Unknown,
) -> napi::Result<JsonPathExpr> {
    guard(&env, || {
        let a = arg(&env, value1, &At::new("JsonPath.jsonMerge value1"))?;
        let b = arg(&env, value2, &At::new("JsonPath.jsonMerge value2"))?;
        call("JsonMerge", &[a, b, Arg::Literal(Value::Bool(false))])
    })
}

/// `States.MathRandom`: a random integer from `start` (inclusive) to `end` (exclusive).
#[napi(namespace = "JsonPath")]
pub fn math_random(
    env: Env,
    #[napi(ts_arg_type = "JsonPathArg")] start: Unknown,
    #[napi(ts_arg_type = "JsonPathArg")] end: Unknown,
    #[napi(ts_arg_type = "JsonPathArg")] seed: Option<Unknown>,
) -> napi::Result<JsonPathExpr> {
    guard(&env, || {
        let mut args = vec![
            arg(&env, start, &At::new("JsonPath.mathRandom start"))?,
            arg(&env, end, &At::new("JsonPath.mathRandom end"))?,
        ];
        if let Some(seed) = seed {
            args.push(arg(&env, seed, &At::new("JsonPath.mathRandom seed"))?);
        }
        call("MathRandom", &args)
    })
}
