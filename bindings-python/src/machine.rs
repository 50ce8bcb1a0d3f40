//! `StateMachine`: a definition (any chainable) and its top-level fields,
//! rendered to canonical ASL JSON by the core.

use pyo3::prelude::*;
use pyo3::types::PyString;
use stepforge::builder::surface::{self, QUERY_LANGUAGES};
use stepforge::builder::{Chainable, StateMachine, StateRef};

use crate::chain::Linkable;
use crate::convert::from_json;
use crate::errors::{PyProblem, check, guard};
use crate::states::{count, one_of};

/// A whole state machine: it starts with `definition`'s start state.
///
/// `to_json()` renders it (and raises `ValidationError` with every problem
/// when it is not valid); `validate()` returns the problems instead.
#[pyclass(frozen, module = "stepforge", name = "StateMachine")]
pub struct PyStateMachine {
    inner: StateMachine,
    start: StateRef,
}

#[pymethods]
impl PyStateMachine {
    /// `definition` is a state, chain or fragment; `query_language` is
    /// `"JSONPath"` or `"JSONata"` (see `QueryLanguage`).
    #[new]
    #[pyo3(signature = (definition, *, timeout_seconds = None, comment = None, query_language = None))]
    fn new(
        definition: &Bound<'_, PyAny>,
        timeout_seconds: Option<&Bound<'_, PyAny>>,
        comment: Option<String>,
        query_language: Option<&str>,
    ) -> PyResult<Self> {
        let link = Linkable::extract(definition, "StateMachine() definition")?;
        let mut inner = StateMachine::new(&link);
        if let Some(t) = count(timeout_seconds, "StateMachine", "timeout_seconds")? {
            inner = inner.timeout_seconds(t);
        }
        if let Some(c) = comment {
            inner = inner.comment(c);
        }
        let ql = one_of(query_language, QUERY_LANGUAGES, surface::query_language, "StateMachine", "query_language")?;
        if let Some(ql) = ql {
            inner = inner.query_language(ql);
        }
        Ok(PyStateMachine { inner, start: link.start_state() })
    }

    /// The definition as canonical ASL JSON text (stable key order, two-space
    /// indent, no trailing newline): the same bytes from Rust, Python and Node.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let machine = self.inner.clone();
        py.detach(move || check(|| machine.render()))
    }

    /// The definition as a dict (the same content as `to_json()`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let machine = self.inner.clone();
        let value = py.detach(move || check(|| machine.to_json()))?;
        from_json(py, &value)
    }

    /// Every problem of the definition; empty when it is valid.
    fn validate(&self, py: Python<'_>) -> PyResult<Vec<PyProblem>> {
        let machine = self.inner.clone();
        let problems = py.detach(move || guard(|| machine.to_definition().err()))?;
        Ok(problems.map(|p| p.0.into_iter().map(PyProblem::from).collect()).unwrap_or_default())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("StateMachine(start={})", PyString::new(py, &self.start.name()).repr()?))
    }
}
