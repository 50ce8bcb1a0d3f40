//! `load_ddb`: the core's DynamoDB batch loader, from Python.
//!
//! A path is read by the core as `load-ddb` reads it. Items given in memory
//! are converted here, with the GIL held, by the rules of `marshall` (or, with
//! `input_format="dynamodb"`, of `unmarshall`), and handed over as the core's
//! attribute values, so `Decimal`, `bytes` and sets arrive intact: a list or
//! tuple all at once before the load starts (`Source::Items`), any other
//! iterable (a generator) one item at a time on the loader's reader thread,
//! which takes the GIL for each ([`PyItems`], `Source::ItemIter`).
//!
//! The load runs on a thread and a runtime of its own, with the GIL released
//! and no signal handler of its own. The calling thread waits for it in
//! slices, running Python's signal handlers in between ([`run`]): Ctrl-C sets
//! the loader's cancel flag, the load stops cleanly, and the
//! `KeyboardInterrupt` is raised with the summary attached.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyIterator, PyList, PyString, PyTuple};
use stepforge::dynamo::Item;
use stepforge::dynamo::loader::{self, InputFormat, LoadOptions, OptionValue, Source, Summary};
use stepforge::dynamo::walk::{Attr, Dialect, PlainReader, TypedReader};

use crate::convert::from_json;

use crate::dynamo::{Loc, PyHost};
use crate::errors::{InternalError, LoadError, guard};

/// A keyword argument as the core's table reads it (`None`: not given).
fn option_value(value: &Bound<'_, PyAny>) -> PyResult<Option<OptionValue>> {
    Ok(Some(if value.is_none() {
        return Ok(None);
    } else if let Ok(b) = value.cast::<PyBool>() {
        OptionValue::Bool(b.is_true())
    } else if value.cast::<PyInt>().is_ok() || value.cast::<PyFloat>().is_ok() {
        OptionValue::Number(value.extract()?)
    } else if let Ok(s) = value.cast::<PyString>() {
        OptionValue::Text(s.to_cow()?.into_owned())
    } else if value.hasattr(intern!(value.py(), "__fspath__"))? {
        OptionValue::Path(value.extract()?)
    } else {
        OptionValue::Other(format!("a {}", value.get_type().name()?))
    }))
}

/// The load's options from `load_ddb`'s keyword arguments, by the core's table.
fn load_options(table: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<LoadOptions> {
    if table.is_empty() {
        return Err(PyValueError::new_err("table: give the name of the table"));
    }
    let mut load = LoadOptions::new(table);
    for (name, value) in options.into_iter().flat_map(|o| o.iter()) {
        let name = name.cast::<PyString>()?.to_cow()?;
        load.set(Dialect::Python, &name, option_value(&value)?).map_err(|e| match e.wrong_type {
            true => PyTypeError::new_err(e.message),
            false => PyValueError::new_err(e.message),
        })?;
    }
    Ok(load)
}

/// An item of `source`, converted by the rules of `marshall` (or, for
/// `input_format="dynamodb"`, of `unmarshall`). `index` is the item's place
/// in the source, the start of an error's pointer.
fn convert(item: &Bound<'_, PyAny>, index: usize, format: InputFormat) -> PyResult<Item> {
    let at = Loc::Index(&Loc::Root, index);
    let host = PyHost::new(item.py())?;
    match format {
        InputFormat::DynamoDb => TypedReader { host: &host, build: Attr }.item(item, &at),
        InputFormat::Auto | InputFormat::Plain => {
            PlainReader { host: &host, build: Attr, skip_undefined: false }.item(item, &at)
        }
    }
}

/// What a generator (or a conversion of what it yielded) raised, kept for
/// `load_ddb` to raise once the load has stopped.
type Raised = Arc<Mutex<Option<PyErr>>>;

/// Items pulled from a Python iterator one by one, on the loader's reader
/// thread, as the loader needs them: the GIL is taken for each item. An
/// exception (from the iterator, or a conversion error) is kept in `raised`
/// and ends the input there.
struct PyItems {
    iter: Option<Py<PyIterator>>,
    format: InputFormat,
    index: usize,
    raised: Raised,
}

impl PyItems {
    /// Lets go of the iterator: with the GIL, so a generator's `finally`
    /// runs now, on this thread (while the interpreter shuts down, it is left
    /// to pyo3's pool of deferred releases).
    fn close(&mut self) {
        if let Some(iter) = self.iter.take() {
            let _ = Python::try_attach(move |_| drop(iter));
        }
    }
}

impl Iterator for PyItems {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let iter = self.iter.as_ref()?;
        let (index, format) = (self.index, self.format);
        let pulled = Python::try_attach(|py| {
            guard(|| -> PyResult<Option<Item>> {
                match iter.bind(py).clone().next() {
                    None => Ok(None),
                    Some(item) => convert(&item?, index, format).map(Some),
                }
            })
            .and_then(|r| r)
        });
        match pulled {
            Some(Ok(Some(value))) => {
                self.index += 1;
                Some(value)
            }
            Some(Ok(None)) => {
                self.close();
                None
            }
            Some(Err(e)) => {
                if let Ok(mut raised) = self.raised.lock() {
                    raised.get_or_insert(e);
                }
                self.close();
                None
            }
            // The interpreter is shutting down: the input ends.
            None => {
                self.iter = None;
                None
            }
        }
    }
}

impl Drop for PyItems {
    fn drop(&mut self) {
        self.close();
    }
}

/// The source: a path; a list or tuple of items, converted here and now; or
/// any other iterable, whose items are pulled and converted as the load goes.
fn source(value: &Bound<'_, PyAny>, format: InputFormat, raised: &Raised) -> PyResult<(Source, InputFormat)> {
    if value.cast::<PyString>().is_ok() || value.hasattr("__fspath__")? {
        return Ok((Source::Path(value.extract::<PathBuf>()?), format));
    }
    let not_a_source = || -> PyResult<PyErr> {
        Ok(PyTypeError::new_err(format!(
            "source: expected a path or a list (or other iterable) of items, not a {}",
            value.get_type().name()?
        )))
    };
    if value.cast::<PyDict>().is_ok() || value.cast::<PyBytes>().is_ok() || value.cast::<PyByteArray>().is_ok() {
        return Err(not_a_source()?);
    }
    let format = match format {
        InputFormat::DynamoDb => InputFormat::DynamoDb,
        InputFormat::Auto | InputFormat::Plain => InputFormat::Plain,
    };
    if value.cast::<PyList>().is_ok() || value.cast::<PyTuple>().is_ok() {
        let mut values = Vec::with_capacity(value.len()?);
        for (i, item) in value.try_iter()?.enumerate() {
            values.push(convert(&item?, i, format)?);
        }
        return Ok((Source::Items(values), InputFormat::DynamoDb));
    }
    let Ok(iter) = value.try_iter() else {
        return Err(not_a_source()?);
    };
    let items = PyItems { iter: Some(iter.unbind()), format, index: 0, raised: raised.clone() };
    Ok((Source::ItemIter(Box::new(items)), InputFormat::DynamoDb))
}

/// How long the calling thread waits, with the GIL released, between two
/// looks at Python's signals.
const SLICE: Duration = Duration::from_millis(100);

/// Runs the load on a thread of its own and waits for it with the GIL
/// released, in slices, running Python's signal handlers in between. When a
/// handler raises (Ctrl-C's `KeyboardInterrupt`), the load is told to stop
/// (in-flight batches finish, the checkpoint is saved) and waited for; the
/// exception is returned with the load's result.
fn run(
    py: Python<'_>,
    source: Source,
    options: LoadOptions,
    cancel: Arc<AtomicBool>,
) -> PyResult<(Result<Summary, loader::LoadError>, Option<PyErr>)> {
    let (tx, mut rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("stepforge-load-ddb".into())
        .spawn(move || {
            let _ = tx.send(guard(|| loader::load_blocking(source, &options)));
        })
        .map_err(|e| LoadError::new_err((format!("cannot start the load's thread: {e}"), py.None())))?;
    let mut signal: Option<PyErr> = None;
    let result = loop {
        let (got, back) = py.detach(move || (rx.recv_timeout(SLICE), rx));
        rx = back;
        match got {
            Ok(result) => break result,
            Err(RecvTimeoutError::Disconnected) => break Err(InternalError::new_err("the load's thread ended early")),
            Err(RecvTimeoutError::Timeout) => {}
        }
        // Once told to stop, the load is only waited for: a second Ctrl-C is
        // seen by Python after `load_ddb` has raised the first.
        if signal.is_none()
            && let Err(e) = py.check_signals()
        {
            cancel.store(true, Ordering::Relaxed);
            signal = Some(e);
        }
    };
    let _ = py.detach(move || thread.join());
    Ok((result?, signal))
}

/// Attaches `summary` to an exception as its `summary` attribute (skipped
/// for an exception that takes no attributes), and `context` as its
/// `__context__` (what else went wrong meanwhile).
fn attach(py: Python<'_>, e: &PyErr, summary: Option<&Summary>, context: Option<PyErr>) -> PyResult<()> {
    let value = e.value(py);
    let summary = match summary {
        Some(s) => from_json(py, &s.to_json())?.unbind(),
        None => py.None(),
    };
    if value.setattr(intern!(py, "summary"), summary).is_err() {
        let _ = PyErr::take(py);
    }
    if let Some(context) = context {
        let _ = value.setattr(intern!(py, "__context__"), context.value(py));
    }
    Ok(())
}

/// Loads items into a DynamoDB table, as the `load-ddb` command does, and
/// returns its summary as a dict.
///
/// `source` is a path (str or os.PathLike) to a JSON array or JSON Lines
/// file, or items: dicts converted by the rules of `marshall` (Decimal, bytes
/// and sets included), or DynamoDB JSON dicts with `input_format="dynamodb"`.
/// A list or tuple is converted before the load starts; any other iterable
/// (a generator) is read one item at a time as the load needs them, so
/// memory stays flat. For a file, `input_format` is "auto" (DynamoDB JSON
/// when an item looks like it), "plain" or "dynamodb".
///
/// The options (keyword arguments) are the `load-ddb` command's, in the
/// core's table (`stepforge::dynamo::load_surface`, typed in the stub):
/// `region`, `endpoint_url`, `profile` override the standard AWS chain;
/// `concurrency` (1 to 256), `rate` (items per second, or "200wcu"),
/// `dry_run`, `reject_file`, `resume`, `checkpoint`, `input_format`,
/// `progress`.
///
/// Items DynamoDB refuses do not raise: they are counted as rejected and
/// the summary's "succeeded" is False. A load that cannot go on raises
/// LoadError (its `summary` says what was done). An item of a list or tuple
/// that cannot be converted raises MarshalError before anything is written,
/// with a pointer that starts with its index. When a generator raises, or
/// yields an item that cannot be converted, its input ends there: the items
/// it yielded before are loaded, then that exception (MarshalError for a
/// conversion) is raised with the load's summary as its `summary` attribute.
///
/// The GIL is released while the load runs. Ctrl-C (any exception a signal
/// handler raises) stops the load cleanly: the batches in flight finish, the
/// checkpoint is saved, and the KeyboardInterrupt is raised with the
/// summary (`"interrupted": True`) as its `summary` attribute; `resume=True`
/// continues from the checkpoint.
#[pyfunction]
#[pyo3(signature = (table, source, **options))]
pub(crate) fn load_ddb<'py>(
    py: Python<'py>,
    table: String,
    source: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut options = load_options(table, options)?;
    // The process belongs to Python: no signal handlers; Ctrl-C reaches the
    // load through the cancel flag.
    options.handle_ctrl_c = false;
    let cancel = Arc::new(AtomicBool::new(false));
    options.cancel = Some(cancel.clone());
    let raised = Raised::default();
    let (source, format) = self::source(source, options.format, &raised)?;
    options.format = format;
    let (result, signal) = run(py, source, options, cancel)?;
    let raised = raised.lock().ok().and_then(|mut r| r.take());
    let (summary, failure) = match result {
        Ok(summary) => (Some(summary), None),
        Err(e) => {
            let summary = e.summary.map(|s| *s);
            let failure = match &summary {
                Some(s) => LoadError::new_err((e.message, from_json(py, &s.to_json())?.unbind())),
                None => LoadError::new_err((e.message, py.None())),
            };
            (summary, Some(failure))
        }
    };
    // Ctrl-C first (the caller asked to stop), then what the generator raised
    // (the reason the input ended), each with the summary; what else went
    // wrong is its context.
    if let Some(e) = signal {
        attach(py, &e, summary.as_ref(), raised.or(failure))?;
        return Err(e);
    }
    if let Some(e) = raised {
        attach(py, &e, summary.as_ref(), failure)?;
        return Err(e);
    }
    match (summary, failure) {
        (_, Some(failure)) => Err(failure),
        (Some(summary), None) => from_json(py, &summary.to_json()),
        (None, None) => Err(InternalError::new_err("the load ended without a summary")),
    }
}
