//! Core errors → Python exceptions, in one place.
//!
//! Every problem the core reports is a [`stepforge::Problem`]; here it becomes
//! a [`PyProblem`] and a list of them becomes one exception:
//!
//! - `ChainError` when every problem is `INVALID_CHAIN` (states linked in a way
//!   that cannot work), raised by the linking call itself;
//! - `InternalError` when the core reports `INTERNAL` or panics;
//! - `ValidationError` for everything else.
//!
//! The DynamoDB part has two more: `MarshalError` (a value that cannot be an
//! attribute value, with the JSON pointer to it) and `LoadError` (a load that
//! could not go on, with the summary of what was done).
//!
//! The classes are written in Python (`stepforge/_errors.py`): `ValidationError`
//! derives from both `StepforgeError` and `ValueError`, which a class made in
//! Rust cannot do. They are imported on first use.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use stepforge::{Code, Problem, Problems};

pyo3::import_exception!(stepforge._errors, ValidationError);
pyo3::import_exception!(stepforge._errors, ChainError);
pyo3::import_exception!(stepforge._errors, InternalError);
pyo3::import_exception!(stepforge._errors, MarshalError);
pyo3::import_exception!(stepforge._errors, LoadError);

/// One problem in a definition: what kind (`code`), where (`pointer`, an
/// RFC 6901 JSON pointer into the definition; `""` is the whole document) and
/// why (`message`, a sentence for a person).
#[pyclass(frozen, eq, hash, module = "stepforge", name = "Problem")]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PyProblem {
    /// The stable code, e.g. `"MISSING_TRANSITION_TARGET"`.
    #[pyo3(get)]
    code: String,
    /// The JSON pointer to the offending value.
    #[pyo3(get)]
    pointer: String,
    /// What is wrong, for a person.
    #[pyo3(get)]
    message: String,
}

impl From<Problem> for PyProblem {
    fn from(p: Problem) -> Self {
        PyProblem { code: p.code.as_str().to_string(), pointer: p.pointer, message: p.message }
    }
}

#[pymethods]
impl PyProblem {
    /// A problem; `code` must be one of stepforge's codes.
    #[new]
    fn new(code: String, pointer: String, message: String) -> PyResult<Self> {
        if Code::from_str_opt(&code).is_none() {
            return Err(pyo3::exceptions::PyValueError::new_err(format!("`{code}` is not a stepforge problem code")));
        }
        Ok(PyProblem { code, pointer, message })
    }

    /// The problem as `{"code": ..., "pointer": ..., "message": ...}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("code", &self.code)?;
        d.set_item("pointer", &self.pointer)?;
        d.set_item("message", &self.message)?;
        Ok(d)
    }

    fn __getnewargs__(&self) -> (String, String, String) {
        (self.code.clone(), self.pointer.clone(), self.message.clone())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let repr = |s: &str| PyString::new(py, s).repr().map(|r| r.to_string());
        Ok(format!(
            "Problem(code={}, pointer={}, message={})",
            repr(&self.code)?,
            repr(&self.pointer)?,
            repr(&self.message)?
        ))
    }

    /// `CODE POINTER: message`, the command line's format.
    fn __str__(&self) -> String {
        if self.pointer.is_empty() {
            format!("{}: {}", self.code, self.message)
        } else {
            format!("{} {}: {}", self.code, self.pointer, self.message)
        }
    }
}

/// The exception for problems reported by the core.
pub(crate) fn problems_error(problems: Problems) -> PyErr {
    let message = problems.to_string();
    if problems.iter().any(|p| p.code == Code::Internal) {
        return InternalError::new_err(message);
    }
    let all_chain = problems.iter().all(|p| p.code == Code::InvalidChain);
    let list: Vec<PyProblem> = problems.0.into_iter().map(PyProblem::from).collect();
    if all_chain { ChainError::new_err((message, list)) } else { ValidationError::new_err((message, list)) }
}

/// `MarshalError(pointer, message)` for the core's marshalling error.
pub(crate) fn marshal_error(e: stepforge::dynamo::MarshalError) -> PyErr {
    MarshalError::new_err((e.pointer, e.message))
}

/// Runs a call into the core. A panic (a bug in stepforge) becomes
/// `InternalError` instead of unwinding into the interpreter.
pub(crate) fn guard<T>(f: impl FnOnce() -> T) -> PyResult<T> {
    stepforge::error::catch_panic(f)
        .map_err(|what| InternalError::new_err(format!("internal error in stepforge (please report it): {what}")))
}

/// [`guard`] for core calls that report problems.
pub(crate) fn check<T>(f: impl FnOnce() -> Result<T, Problems>) -> PyResult<T> {
    guard(f)?.map_err(problems_error)
}

/// Panics inside [`guard`], so tests can check that a panic in the core
/// becomes `InternalError` rather than aborting the interpreter.
#[pyfunction]
pub(crate) fn _panic_for_testing() -> PyResult<()> {
    guard(|| panic!("a panic raised on purpose by _panic_for_testing"))
}
