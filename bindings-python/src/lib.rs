//! `stepforge._native`: the Python binding of the stepforge core.
//!
//! One file per concept; every piece of logic is in the core crate. The
//! Python package `stepforge` re-exports this module and adds the pure-Python
//! parts (exceptions, constants, `StateMachineFragment`).

mod chain;
mod cli;
mod condition;
mod convert;
mod errors;
mod json_path;
mod machine;
mod states;
mod validate;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", stepforge::VERSION)?;
    m.add_class::<errors::PyProblem>()?;
    m.add_class::<states::PyState>()?;
    m.add_class::<states::PyPass>()?;
    m.add_class::<states::PyTask>()?;
    m.add_class::<states::PyChoice>()?;
    m.add_class::<states::PyWait>()?;
    m.add_class::<states::PySucceed>()?;
    m.add_class::<states::PyFail>()?;
    m.add_class::<states::PyParallel>()?;
    m.add_class::<states::PyMap>()?;
    m.add_class::<chain::PyChain>()?;
    m.add_class::<chain::PyFragment>()?;
    m.add_class::<condition::PyCondition>()?;
    m.add_class::<json_path::PyJsonPath>()?;
    m.add_class::<json_path::PyJsonPathExpr>()?;
    m.add_class::<machine::PyStateMachine>()?;
    m.add_function(wrap_pyfunction!(validate::validate, m)?)?;
    m.add_function(wrap_pyfunction!(validate::format_definition, m)?)?;
    m.add_function(wrap_pyfunction!(cli::run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(condition::_condition_names, m)?)?;
    m.add_function(wrap_pyfunction!(errors::_panic_for_testing, m)?)?;
    Ok(())
}
