//! The `stepforge._native` extension module (being written).
use pyo3::prelude::*;

#[pyfunction]
fn validate_text(text: &str) -> Vec<(String, String, String)> {
    stepforge::validate::validate_str(text)
        .into_iter()
        .map(|p| (p.code.as_str().to_string(), p.pointer, p.message))
        .collect()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", stepforge::VERSION)?;
    m.add_function(wrap_pyfunction!(validate_text, m)?)?;
    Ok(())
}
