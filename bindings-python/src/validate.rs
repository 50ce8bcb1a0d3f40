//! `validate` and `format_definition` for definitions given as JSON text or
//! as Python data.

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::convert::to_json;
use crate::errors::{PyProblem, check, guard};

/// The definition as JSON text. Python data goes through the same text path
/// as files, so the problems (and the size quota) are those of the CLI.
fn text(definition: &Bound<'_, PyAny>, function: &str) -> PyResult<String> {
    if let Ok(s) = definition.cast::<PyString>() {
        return Ok(s.to_cow()?.to_string());
    }
    let value = to_json(definition, &format!("{function}() definition"))?;
    guard(|| value.to_string())
}

/// Every problem of an ASL definition (JSON text, or a dict); an empty list
/// means it is valid.
#[pyfunction]
pub(crate) fn validate(py: Python<'_>, definition: &Bound<'_, PyAny>) -> PyResult<Vec<PyProblem>> {
    let text = text(definition, "validate")?;
    let problems = py.detach(move || guard(|| stepforge::validate::validate_str(&text)))?;
    Ok(problems.into_iter().map(PyProblem::from).collect())
}

/// The definition (JSON text, or a dict) in canonical form: stable key
/// order, two-space indent. Raises `ValidationError` if it is not valid.
#[pyfunction]
pub(crate) fn format_definition(py: Python<'_>, definition: &Bound<'_, PyAny>) -> PyResult<String> {
    let text = text(definition, "format_definition")?;
    py.detach(move || check(|| stepforge::validate::parse_valid(&text).map(|d| stepforge::asl::render(&d))))
}
