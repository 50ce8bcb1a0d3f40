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

use napi::bindgen_prelude::{FnArgs, Unknown};
use napi::{Env, JsValue, Task, ValueType, sys};
use napi_derive::napi;
use stepforge::dynamo::Item;
use stepforge::dynamo::loader::{self, InputFormat, LoadOptions, Rate, RateUnit, Source, Summary};

use crate::dynamo::{Attr, Cx, Loc, PlainReader, TypedReader};
use crate::errors::{Failure, Result, catch_panic, to_js, type_error, value_error};
use crate::runtime;
use crate::value::{At, JsonValue, Props, describe, scalar};

/// Options of `loadDdb`: the `load-ddb` command's, in camelCase.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct LoadDdbOptions {
    /// The AWS region (else the standard chain: `AWS_REGION`, the profile).
    #[napi(ts_type = "string")]
    pub region: Option<()>,
    /// A DynamoDB-compatible endpoint (DynamoDB Local, moto): `http://127.0.0.1:8000`.
    #[napi(ts_type = "string")]
    pub endpoint_url: Option<()>,
    /// A named profile from the AWS config files.
    #[napi(ts_type = "string")]
    pub profile: Option<()>,
    /// `BatchWriteItem` requests in flight at once, 1 to 256 (default 8).
    #[napi(ts_type = "number")]
    pub concurrency: Option<()>,
    /// A cap on the write rate: items per second (`500`), or write units as the CLI writes them (`'200wcu'`).
    #[napi(ts_type = "number | string")]
    pub rate: Option<()>,
    /// Check and count every item; write nothing.
    #[napi(ts_type = "boolean")]
    pub dry_run: Option<()>,
    /// Where to write the items that could not be written: JSON Lines, each with its reason.
    #[napi(ts_type = "string")]
    pub reject_file: Option<()>,
    /// Continue a load that stopped, from its checkpoint.
    #[napi(ts_type = "boolean")]
    pub resume: Option<()>,
    /// Where to keep the checkpoint (default: beside the input file; items in memory need one to resume).
    #[napi(ts_type = "string")]
    pub checkpoint: Option<()>,
    /// How items are written: for a file, `'auto'` (the default: DynamoDB JSON when an item looks like it),
    /// `'plain'` or `'dynamodb'`; items in memory are plain values (as `marshall` takes) unless `'dynamodb'`
    /// (attribute values, as `marshall` returns).
    #[napi(ts_type = "'auto' | 'plain' | 'dynamodb'")]
    pub input_format: Option<()>,
    /// Leave out `undefined` in items given in memory, as `marshall` does with this option.
    #[napi(ts_type = "boolean")]
    pub remove_undefined_values: Option<()>,
    /// A progress bar on stderr, when it is a terminal.
    #[napi(ts_type = "boolean")]
    pub progress: Option<()>,
}

const KEYS: &[&str] = &[
    "region",
    "endpointUrl",
    "profile",
    "concurrency",
    "rate",
    "dryRun",
    "rejectFile",
    "resume",
    "checkpoint",
    "inputFormat",
    "removeUndefinedValues",
    "progress",
];

/// Retries counted in a `LoadSummary`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct LoadRetries {
    /// Items resent after DynamoDB returned them unprocessed.
    #[napi(js_name = "unprocessed_items", ts_type = "number")]
    pub unprocessed_items: (),
    /// Requests retried after throttling.
    #[napi(js_name = "throttled_requests", ts_type = "number")]
    pub throttled_requests: (),
    /// Requests retried after other errors.
    #[napi(js_name = "failed_requests", ts_type = "number")]
    pub failed_requests: (),
}

/// What a load did: the object `load-ddb --summary json` prints and Python's
/// `load_ddb` returns, with the same snake_case keys.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct LoadSummary {
    /// Items read from the input in this run (not counting `skipped`).
    #[napi(ts_type = "number")]
    pub read: (),
    /// Items written.
    #[napi(ts_type = "number")]
    pub written: (),
    /// Items that could not be written (in the reject file), this run.
    #[napi(ts_type = "number")]
    pub rejected: (),
    /// Items rejected by an earlier run that this one resumed.
    #[napi(js_name = "rejected_before", ts_type = "number")]
    pub rejected_before: (),
    /// Items that shared a key with an earlier item still pending (the later one wins).
    #[napi(ts_type = "number")]
    pub duplicates: (),
    /// Items done by an earlier run and skipped on resume.
    #[napi(ts_type = "number")]
    pub skipped: (),
    /// `BatchWriteItem` requests sent.
    #[napi(ts_type = "number")]
    pub requests: (),
    /// Retries, by cause.
    #[napi(ts_type = "LoadRetries")]
    pub retried: (),
    /// Wall time, in seconds.
    #[napi(ts_type = "number")]
    pub seconds: (),
    /// Items written (checked, in a dry run) per second.
    #[napi(js_name = "items_per_second", ts_type = "number")]
    pub items_per_second: (),
    /// Nothing was written (`dryRun`).
    #[napi(js_name = "dry_run", ts_type = "boolean")]
    pub dry_run: (),
    /// Stopped before the end (only the command line stops on Ctrl-C).
    #[napi(ts_type = "boolean")]
    pub interrupted: (),
    /// Every item of the input is in the table (or would be, in a dry run).
    #[napi(ts_type = "boolean")]
    pub succeeded: (),
    /// The reject file, if any items went there.
    #[napi(js_name = "reject_file", ts_type = "string | null")]
    pub reject_file: (),
    /// The checkpoint to resume from, if the load did not finish.
    #[napi(ts_type = "string | null")]
    pub checkpoint: (),
}

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

/// `rate`: items per second, or the CLI's text (`'500'`, `'200wcu'`).
fn rate(p: &Props) -> Result<Option<Rate>> {
    let Some(value) = p.get("rate")? else { return Ok(None) };
    let at = At::new("loadDdb options").key("rate");
    match value.get_type()? {
        ValueType::String => {
            let text: String = scalar(value, &at)?;
            Ok(Some(text.parse::<Rate>().map_err(|e| value_error(format!("`{at}`: {e}")))?))
        }
        ValueType::Number => {
            let n: f64 = scalar(value, &at)?;
            if n > 0.0 {
                Ok(Some(Rate { per_second: n, unit: RateUnit::Items }))
            } else {
                Err(value_error(format!("`{at}` must be a positive number of items per second, not {n}")))
            }
        }
        other => Err(type_error(format!(
            "`{at}` must be items per second (a number) or a string such as '200wcu', not {}",
            describe(&value, other)?
        ))),
    }
}

/// Items in memory, as attribute values for `Source::Items`.
fn items(env: &Env, array: Unknown, typed: bool, remove_undefined: bool) -> Result<Vec<Item>> {
    let cx = Cx::new(env)?;
    // Fetched once out here: an item's handle scope would take them with it.
    cx.fetch_all()?;
    let js = cx.js();
    let n = array.raw();
    let len = {
        let mut len = 0;
        napi::check_status!(unsafe { sys::napi_get_array_length(env.raw(), n, &mut len) })?;
        len
    };
    let mut values = Vec::with_capacity(len as usize);
    let (mut plain, mut typed_reader) = if typed {
        (None, Some(TypedReader { host: &cx, build: Attr }))
    } else {
        (Some(PlainReader { host: &cx, build: Attr, skip_undefined: remove_undefined }), None)
    };
    for i in 0..len {
        let scope = js.open_scope()?;
        let item = (|| {
            let mut v = std::ptr::null_mut();
            napi::check_status!(unsafe { sys::napi_get_element(env.raw(), n, i, &mut v) })?;
            let at = Loc::Index(&Loc::Root, i as usize);
            match (&mut plain, &mut typed_reader) {
                (Some(reader), _) => reader.item(&v, &at),
                (_, Some(reader)) => reader.item(&v, &at),
                _ => unreachable!("one reader is made"),
            }
        })();
        js.close_scope(scope)?;
        values.push(item?);
    }
    Ok(values)
}

fn prepare(env: &Env, table: Unknown, source: Unknown, options: Option<Unknown>) -> Result<LoadTask> {
    let table: String = scalar(table, &At::new("loadDdb table"))?;
    if table.is_empty() {
        return Err(value_error("`loadDdb table` must name the table"));
    }
    let p = Props::new(env, options, "loadDdb options", KEYS)?;
    let mut options = LoadOptions::new(table);
    options.region = p.string("region")?;
    options.endpoint_url = p.string("endpointUrl")?;
    options.profile = p.string("profile")?;
    if let Some(c) = p.count("concurrency")? {
        if !(1..=256).contains(&c) {
            return Err(value_error(format!("`loadDdb options.concurrency` must be between 1 and 256, not {c}")));
        }
        options.concurrency = c as usize;
    }
    options.rate = rate(&p)?;
    options.dry_run = p.bool("dryRun")?.unwrap_or(false);
    options.reject_file = p.string("rejectFile")?.map(PathBuf::from);
    options.resume = p.bool("resume")?.unwrap_or(false);
    options.checkpoint = p.string("checkpoint")?.map(PathBuf::from);
    options.format = match p.one_of("inputFormat", &["auto", "plain", "dynamodb"])?.as_deref() {
        Some("plain") => InputFormat::Plain,
        Some("dynamodb") => InputFormat::DynamoDb,
        _ => InputFormat::Auto,
    };
    options.progress = p.bool("progress")?.unwrap_or(false);
    // The process belongs to Node: no signal handlers.
    options.handle_ctrl_c = false;
    let remove_undefined = p.bool("removeUndefinedValues")?.unwrap_or(false);
    let source = match source.get_type()? {
        ValueType::String => Source::Path(PathBuf::from(scalar::<String>(source, &At::new("loadDdb source"))?)),
        ValueType::Object if source.is_array()? => {
            let typed = options.format == InputFormat::DynamoDb;
            let values = items(env, source, typed, remove_undefined)?;
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
