//! `load_ddb`: the core's DynamoDB batch loader, from Python.
//!
//! A path is read by the core as `load-ddb` reads it. Items given in memory
//! are converted here, with the GIL held, by the rules of `marshall` (or, with
//! `input_format="dynamodb"`, of `unmarshall`), and handed over as DynamoDB
//! JSON, so `Decimal`, `bytes` and sets arrive intact. The load itself runs
//! with the GIL released, on a runtime of its own, without signal handlers.

use std::path::PathBuf;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyString};
use stepforge::dynamo::attr;
use stepforge::dynamo::loader::{self, InputFormat, LoadOptions, Rate, RateUnit, Source};

use crate::convert::from_json;
use crate::dynamo::{Attr, Loc, PlainReader, TypedReader};
use crate::errors::{LoadError, guard};

/// `rate=`: items per second as a number, or the CLI's text (`"500"`, `"200wcu"`).
fn rate(value: &Bound<'_, PyAny>) -> PyResult<Rate> {
    if let Ok(s) = value.cast::<PyString>() {
        return s.to_cow()?.parse::<Rate>().map_err(PyValueError::new_err);
    }
    let is_number = (value.cast::<PyInt>().is_ok() || value.cast::<PyFloat>().is_ok())
        && value.cast::<pyo3::types::PyBool>().is_err();
    if !is_number {
        return Err(PyTypeError::new_err(format!(
            "rate: expected items per second (an int or float) or a str such as \"200wcu\", not {}",
            value.get_type().name()?
        )));
    }
    let per_second: f64 = value.extract()?;
    if !(per_second > 0.0 && per_second.is_finite()) {
        return Err(PyValueError::new_err(format!("rate: {per_second} is not a positive number of items per second")));
    }
    Ok(Rate { per_second, unit: RateUnit::Items })
}

fn input_format(name: &str) -> PyResult<InputFormat> {
    match name {
        "auto" => Ok(InputFormat::Auto),
        "plain" => Ok(InputFormat::Plain),
        "dynamodb" => Ok(InputFormat::DynamoDb),
        other => {
            Err(PyValueError::new_err(format!("input_format={other:?}: expected \"auto\", \"plain\" or \"dynamodb\"")))
        }
    }
}

/// The source: a path, or items in memory converted to DynamoDB JSON.
fn source(value: &Bound<'_, PyAny>, format: InputFormat) -> PyResult<(Source, InputFormat)> {
    if value.cast::<PyString>().is_ok() || value.hasattr("__fspath__")? {
        return Ok((Source::Path(value.extract::<PathBuf>()?), format));
    }
    if value.cast::<PyDict>().is_ok() || value.cast::<PyBytes>().is_ok() || value.cast::<PyByteArray>().is_ok() {
        return Err(PyTypeError::new_err(format!(
            "source: expected a path or a list (or other iterable) of items, not a {}",
            value.get_type().name()?
        )));
    }
    let Ok(items) = value.try_iter() else {
        return Err(PyTypeError::new_err(format!(
            "source: expected a path or a list (or other iterable) of items, not a {}",
            value.get_type().name()?
        )));
    };
    let plain = PlainReader::new(value.py(), Attr)?;
    let typed = TypedReader::new(Attr);
    let mut values = Vec::with_capacity(value.len().unwrap_or(0));
    for (i, item) in items.enumerate() {
        let item = item?;
        let at = Loc::Index(&Loc::Root, i);
        let item = match format {
            InputFormat::DynamoDb => typed.item(&item, &at)?,
            InputFormat::Auto | InputFormat::Plain => plain.item(&item, &at)?,
        };
        values.push(attr::item_to_dynamodb_json(&item));
    }
    Ok((Source::Values(values), InputFormat::DynamoDb))
}

/// Loads items into a DynamoDB table, as the `load-ddb` command does, and
/// returns its summary as a dict.
///
/// `source` is a path (str or os.PathLike) to a JSON array or JSON Lines
/// file, or a list (any iterable) of items: dicts converted by the rules of
/// `marshall` (Decimal, bytes and sets included), or DynamoDB JSON dicts
/// with `input_format="dynamodb"`. For a file, `input_format` is "auto"
/// (DynamoDB JSON when an item looks like it), "plain" or "dynamodb".
///
/// Credentials and region come from the standard AWS chain; `region`,
/// `profile` and `endpoint_url` (DynamoDB Local, moto) override. `concurrency`
/// requests (1 to 256) are in flight at once; `rate` caps the write rate in
/// items per second (an int or float) or as the CLI writes it ("200wcu").
/// `dry_run` checks and counts, writing nothing; `reject_file` receives the
/// items that could not be written, one JSON line each with its reason;
/// `checkpoint` (default: beside the input file) and `resume` continue a
/// load that stopped. `progress` shows a progress bar when stderr is a
/// terminal.
///
/// Items DynamoDB refuses do not raise: they are counted as rejected and
/// the summary's "succeeded" is False. A load that cannot go on raises
/// LoadError (its `summary` says what was done); an item in memory that
/// cannot be converted raises MarshalError before anything is written, with
/// a pointer that starts with its index. The GIL is released while the load
/// runs; no signal handler is installed, so Ctrl-C takes effect when it ends.
#[pyfunction]
#[pyo3(signature = (
    table, source, *, region = None, endpoint_url = None, profile = None, concurrency = 8, rate = None,
    dry_run = false, reject_file = None, resume = false, checkpoint = None, input_format = "auto", progress = false
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn load_ddb<'py>(
    py: Python<'py>,
    table: String,
    source: &Bound<'py, PyAny>,
    region: Option<String>,
    endpoint_url: Option<String>,
    profile: Option<String>,
    concurrency: i64,
    rate: Option<&Bound<'py, PyAny>>,
    dry_run: bool,
    reject_file: Option<PathBuf>,
    resume: bool,
    checkpoint: Option<PathBuf>,
    input_format: &str,
    progress: bool,
) -> PyResult<Bound<'py, PyAny>> {
    if table.is_empty() {
        return Err(PyValueError::new_err("table: give the name of the table"));
    }
    if !(1..=256).contains(&concurrency) {
        return Err(PyValueError::new_err(format!("concurrency: {concurrency} is not between 1 and 256")));
    }
    let mut options = LoadOptions::new(table);
    options.region = region;
    options.endpoint_url = endpoint_url;
    options.profile = profile;
    options.concurrency = concurrency as usize;
    options.rate = rate.map(self::rate).transpose()?;
    options.dry_run = dry_run;
    options.reject_file = reject_file;
    options.resume = resume;
    options.checkpoint = checkpoint;
    options.progress = progress;
    // The process belongs to Python: no signal handlers.
    options.handle_ctrl_c = false;
    let (source, format) = self::source(source, self::input_format(input_format)?)?;
    options.format = format;
    let result = py.detach(move || guard(|| loader::load_blocking(source, &options)))?;
    match result {
        Ok(summary) => from_json(py, &summary.to_json()),
        Err(e) => {
            let summary = match &e.summary {
                Some(s) => Some(from_json(py, &s.to_json())?.unbind()),
                None => None,
            };
            Err(LoadError::new_err((e.message, summary)))
        }
    }
}
