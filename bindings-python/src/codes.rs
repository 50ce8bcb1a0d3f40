//! `stepforge.codes()`: the problem codes with their documentation, from the
//! core's one declaration (`stepforge::codes`).

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::guard;

/// One problem code and its documentation.
#[pyclass(frozen, eq, hash, module = "stepforge", name = "CodeInfo")]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PyCodeInfo {
    /// The stable code, e.g. `"MISSING_TRANSITION_TARGET"` (what `Problem.code` holds).
    #[pyo3(get)]
    code: String,
    /// What is wrong, in one sentence.
    #[pyo3(get)]
    summary: String,
    /// Why it matters, then an example.
    #[pyo3(get)]
    doc: String,
}

#[pymethods]
impl PyCodeInfo {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let repr = |s: &str| PyString::new(py, s).repr().map(|r| r.to_string());
        Ok(format!("CodeInfo(code={}, summary={})", repr(&self.code)?, repr(&self.summary)?))
    }
}

/// Every problem code stepforge reports, in a stable order, each with its
/// summary and documentation.
#[pyfunction]
pub(crate) fn codes() -> PyResult<Vec<PyCodeInfo>> {
    guard(|| {
        stepforge::Code::ALL
            .iter()
            .map(|&code| PyCodeInfo {
                code: code.as_str().to_owned(),
                summary: code.summary().to_owned(),
                doc: code.doc(),
            })
            .collect()
    })
}
