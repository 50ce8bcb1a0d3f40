//! `stepforge._native`: the Python binding of the stepforge core.
//!
//! One file per concept; every piece of logic is in the core crate. The
//! Python package `stepforge` re-exports this module and adds the pure-Python
//! parts (exceptions, constants, `StateMachineFragment`).
//!
//! The DynamoDB part: `dynamo` (marshall/unmarshall) and `load_ddb` (the
//! batch loader); `cli` runs both command lines.

mod chain;
mod cli;
mod codes;
mod condition;
mod convert;
mod dynamo;
mod errors;
mod exec;
mod explore;
mod fragments;
mod json_path;
mod load_ddb;
mod machine;
mod map_run;
mod states;
mod validate;

use pyo3::prelude::*;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", stepforge::VERSION)?;
    m.add_class::<errors::PyProblem>()?;
    m.add_class::<codes::PyCodeInfo>()?;
    states::register(m)?;
    m.add_class::<chain::PyChain>()?;
    m.add_class::<chain::PyFragment>()?;
    m.add_class::<condition::PyCondition>()?;
    m.add_class::<json_path::PyJsonPath>()?;
    m.add_class::<json_path::PyJsonPathExpr>()?;
    m.add_class::<machine::PyStateMachine>()?;
    m.add_class::<fragments::PySemaphore>()?;
    m.add_class::<fragments::PySemaphores>()?;
    m.add_class::<fragments::PyDynamoDbListMap>()?;
    m.add_class::<fragments::PyPhasedJob>()?;
    m.add_function(wrap_pyfunction!(fragments::cleanup_machine, m)?)?;
    m.add_function(wrap_pyfunction!(fragments::cleanup_event_pattern, m)?)?;
    m.add_function(wrap_pyfunction!(fragments::cleanup_iam, m)?)?;
    m.add_function(wrap_pyfunction!(fragments::map_over_dynamodb, m)?)?;
    m.add_function(wrap_pyfunction!(validate::validate, m)?)?;
    m.add_function(wrap_pyfunction!(validate::format_definition, m)?)?;
    m.add_function(wrap_pyfunction!(codes::codes, m)?)?;
    m.add_function(wrap_pyfunction!(dynamo::marshall, m)?)?;
    m.add_function(wrap_pyfunction!(dynamo::marshall_value, m)?)?;
    m.add_function(wrap_pyfunction!(dynamo::unmarshall, m)?)?;
    m.add_function(wrap_pyfunction!(dynamo::unmarshall_value, m)?)?;
    m.add_function(wrap_pyfunction!(load_ddb::load_ddb, m)?)?;
    m.add_function(wrap_pyfunction!(cli::run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(cli::run_load_ddb, m)?)?;
    m.add_function(wrap_pyfunction!(condition::_condition_names, m)?)?;
    m.add_function(wrap_pyfunction!(errors::_panic_for_testing, m)?)?;
    exec::register(m)?;
    explore::register(m)?;
    map_run::register(m)?;
    Ok(())
}
