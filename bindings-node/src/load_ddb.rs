//! `loadDdb`: the core's DynamoDB batch loader, as a promise.
//!
//! A path is read by the core as `load-ddb` reads it. Items given in memory
//! are converted here, on the JavaScript thread, by the rules of `marshall`
//! (or, with `inputFormat: 'dynamodb'`, of `unmarshall`'s input), and handed
//! over as the core's attribute values, so BigInts, Uint8Arrays and Sets
//! arrive intact. The
//! load itself runs on a libuv worker thread (`load_blocking`, on a runtime of
//! its own), without signal handlers: the process belongs to Node.

use std::path::PathBuf;

use napi::bindgen_prelude::{FnArgs, JsObjectValue, Unknown};
use napi::{Env, JsValue, Task, ValueType, sys};
use napi_derive::napi;
use stepforge::dynamo::loader::{self, InputFormat, LoadOptions, OptionValue, Source, Summary};
use stepforge::dynamo::walk::Dialect;

use crate::dynamo::Cx;
use crate::errors::{Failure, Result, catch_panic, to_js, type_error, value_error};
use crate::runtime;
use crate::value::{At, JsonValue, Props, describe, own_keys, scalar};

/// How a load ended, on the worker thread.
pub enum Stop {
    /// The core's `LoadError`.
    Load(loader::LoadError),
    /// A panic in the core.
    Panic(String),
}

/// A load, run on a libuv worker thread.
pub struct LoadTask {
    source: Option<Source>,
    options: LoadOptions,
}

impl Task for LoadTask {
    type Output = std::result::Result<Summary, Stop>;
    type JsValue = JsonValue;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let Some(source) = self.source.take() else {
            return Ok(Err(Stop::Panic("the load ran twice".into())));
        };
        let options = &self.options;
        Ok(match catch_panic(|| Ok(loader::load_blocking(source, options))) {
            Ok(Ok(summary)) => Ok(summary),
            Ok(Err(e)) => Err(Stop::Load(e)),
            Err(Failure::Panic(what)) => Err(Stop::Panic(what)),
            Err(_) => Err(Stop::Panic("the load failed".into())),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<JsonValue> {
        match output {
            Ok(summary) => Ok(JsonValue(summary.to_json())),
            Err(Stop::Load(e)) => {
                let summary = e.summary.map(|s| JsonValue(s.to_json()));
                let error = runtime::construct(&env, "LoadError", FnArgs::from((e.message, summary)))?;
                Err(napi::Error::from(error))
            }
            Err(Stop::Panic(what)) => Err(to_js(&env, Failure::Panic(what))),
        }
    }
}

/// An option's value as the core's table reads it (`undefined`: not given).
fn option_value(value: &Unknown) -> Result<Option<OptionValue>> {
    Ok(Some(match value.get_type()? {
        ValueType::Undefined => return Ok(None),
        ValueType::String => OptionValue::Text(scalar(*value, &At::new("loadDdb options"))?),
        ValueType::Number => OptionValue::Number(scalar(*value, &At::new("loadDdb options"))?),
        ValueType::Boolean => OptionValue::Bool(scalar(*value, &At::new("loadDdb options"))?),
        other => OptionValue::Other(describe(value, other)?),
    }))
}

/// The load's options, by the core's table.
fn load_options(env: &Env, table: String, options: Option<Unknown>) -> Result<LoadOptions> {
    let mut load = LoadOptions::new(table);
    if let Some(object) = Props::open(options, "loadDdb options")?.object() {
        for key in own_keys(env, object)? {
            let value = option_value(&object.get_named_property::<Unknown>(&key)?)?;
            load.set(Dialect::JavaScript, &key, value).map_err(|e| match e.wrong_type {
                true => type_error(e.message),
                false => value_error(e.message),
            })?;
        }
    }
    Ok(load)
}

fn prepare(env: &Env, table: Unknown, source: Unknown, options: Option<Unknown>) -> Result<LoadTask> {
    let table: String = scalar(table, &At::new("loadDdb table"))?;
    if table.is_empty() {
        return Err(value_error("`loadDdb table` must name the table"));
    }
    let mut options = load_options(env, table, options)?;
    // The process belongs to Node: no signal handlers.
    options.handle_ctrl_c = false;
    let source = match source.get_type()? {
        ValueType::String => Source::Path(PathBuf::from(scalar::<String>(source, &At::new("loadDdb source"))?)),
        ValueType::Object if source.is_array()? => {
            let typed = options.format == InputFormat::DynamoDb;
            let values = Cx::new(env)?.items(source.raw(), typed, options.skip_undefined)?;
            options.format = InputFormat::DynamoDb;
            Source::Items(values)
        }
        other => {
            return Err(type_error(format!(
                "`loadDdb source` must be a path (a string) or an array of items, not {}",
                describe(&source, other)?
            )));
        }
    };
    Ok(LoadTask { source: Some(source), options })
}

/// A promise rejected with the exception of `failure`.
fn rejected(env: &Env, failure: Failure) -> napi::Result<sys::napi_value> {
    let error = to_js(env, failure);
    let mut pending = false;
    napi::check_status!(unsafe { sys::napi_is_exception_pending(env.raw(), &mut pending) })?;
    let reason = if pending {
        let mut exception = std::ptr::null_mut();
        napi::check_status!(unsafe { sys::napi_get_and_clear_last_exception(env.raw(), &mut exception) })?;
        exception
    } else {
        napi::JsError::from(error).into_unknown(*env).raw()
    };
    let (mut deferred, mut promise) = (std::ptr::null_mut(), std::ptr::null_mut());
    napi::check_status!(unsafe { sys::napi_create_promise(env.raw(), &mut deferred, &mut promise) })?;
    napi::check_status!(unsafe { sys::napi_reject_deferred(env.raw(), deferred, reason) })?;
    Ok(promise)
}

/// Loads items into a DynamoDB table, as the `load-ddb` command does, and
/// resolves to its summary (the object `load-ddb --summary json` prints, with
/// its snake_case keys).
///
/// `source` is a path to a JSON array or JSON Lines file, or an array of
/// items: plain values converted by the rules of `marshall` (BigInt,
/// Uint8Array, Set and `DynamoNumber` included), or attribute values (as
/// `marshall` returns them) with `inputFormat: 'dynamodb'`. Credentials and
/// region come from the standard AWS chain; `region`, `profile` and
/// `endpointUrl` override.
///
/// Items DynamoDB refuses do not reject the promise: they are counted as
/// `rejected` (and written to `rejectFile`), and `succeeded` is false. A load
/// that cannot go on rejects with a `LoadError` (its `summary` says what was
/// done); an item in memory that cannot be converted rejects with a
/// `MarshalError` before anything is written, with a pointer that starts with
/// its index; bad options reject with a `TypeError`. The items are converted
/// before the promise is returned; the load runs on a worker thread and
/// installs no signal handler.
#[napi(
    ts_args_type = "table: string, source: string | ReadonlyArray<object>, options?: LoadDdbOptions",
    ts_return_type = "Promise<LoadSummary>"
)]
pub fn load_ddb<'env>(
    env: &'env Env,
    table: Unknown,
    source: Unknown,
    options: Option<Unknown>,
) -> napi::Result<Unknown<'env>> {
    let promise = match catch_panic(|| prepare(env, table, source, options)) {
        Ok(task) => env.spawn(task)?.promise_object().raw(),
        Err(failure) => rejected(env, failure)?,
    };
    // SAFETY: a value made in this call's handle scope.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), promise) })
}
