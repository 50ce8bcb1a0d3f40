//! The `stepforge._native` extension module.
use pyo3::prelude::*;

#[pyfunction]
fn format_json(text: &str) -> PyResult<String> {
    stepforge::format_json(text).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", stepforge::VERSION)?;
    m.add_function(wrap_pyfunction!(format_json, m)?)?;
    Ok(())
}
