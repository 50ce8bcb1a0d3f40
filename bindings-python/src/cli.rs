//! `python -m stepforge` and the `stepforge` and `load-ddb` scripts: the core's command lines,
//! run with the GIL released and writing through `sys.stdout`/`sys.stderr`, so
//! that its output interleaves with Python's own and follows redirections such
//! as pytest's capture.

use std::io::{self, Write};

use pyo3::intern;
use pyo3::prelude::*;

use crate::errors::guard;

/// A writer into a Python text stream. Bytes are passed on as soon as they
/// form whole UTF-8 characters; each write takes the GIL for its duration.
struct PyStream {
    stream: Option<Py<PyAny>>,
    pending: Vec<u8>,
}

impl PyStream {
    /// `sys.<name>` as it is now (it may have been replaced); none when it is `None`.
    fn new(py: Python<'_>, name: &str) -> Self {
        let stream = py.import("sys").and_then(|sys| sys.getattr(name)).ok().filter(|s| !s.is_none());
        PyStream { stream: stream.map(Bound::unbind), pending: Vec::new() }
    }

    /// `stream.write(text)`, or `stream.flush()` without text.
    fn call(&self, text: Option<String>) -> io::Result<()> {
        let Some(stream) = &self.stream else { return Ok(()) };
        Python::attach(|py| {
            let stream = stream.bind(py);
            let result = match text {
                Some(text) => stream.call_method1(intern!(py, "write"), (text,)),
                None => stream.call_method0(intern!(py, "flush")),
            };
            result.map(drop).map_err(|e| io::Error::other(e.to_string()))
        })
    }
}

impl Write for PyStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let whole = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.pending.len(), // not UTF-8 at all: replaced below rather than held forever
        };
        if whole > 0 {
            let text = String::from_utf8_lossy(&self.pending[..whole]).into_owned();
            self.pending.drain(..whole);
            self.call(Some(text))?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.call(None)
    }
}

/// Runs a command line with the GIL released; returns its exit code.
fn run(
    py: Python<'_>,
    argv: Vec<String>,
    main: fn(Vec<String>, &mut dyn Write, &mut dyn Write) -> i32,
) -> PyResult<i32> {
    let mut out = PyStream::new(py, "stdout");
    let mut err = PyStream::new(py, "stderr");
    py.detach(|| {
        let code = guard(|| main(argv, &mut out, &mut err));
        // Best effort, as at interpreter exit: a closed pipe is not a new error.
        let _ = out.flush();
        let _ = err.flush();
        code
    })
}

/// Runs the `stepforge` command line with `argv` (the program name first) and
/// returns its exit code: 0 valid, 1 problems found, 2 usage or I/O error.
#[pyfunction]
pub(crate) fn run_cli(py: Python<'_>, argv: Vec<String>) -> PyResult<i32> {
    run(py, argv, stepforge::cli::run)
}

/// Runs the `load-ddb` command line with `argv` (the program name first) and
/// returns its exit code: 0 every item written, 1 some were not, 2 usage
/// error or a load that could not run.
#[pyfunction]
pub(crate) fn run_load_ddb(py: Python<'_>, argv: Vec<String>) -> PyResult<i32> {
    run(py, argv, stepforge::cli::load_ddb::run)
}
