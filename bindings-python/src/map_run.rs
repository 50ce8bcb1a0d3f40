//! Map Runs from Python: `describe_map_run`, `list_map_runs` and
//! `list_map_run_executions`, shaped like the Step Functions API calls
//! `DescribeMapRun`, `ListMapRuns` and `ListExecutions` with `mapRunArn`
//! (all logic is in `stepforge::exec::map_run`).

use pyo3::prelude::*;
use stepforge::exec::{ExecError, Status};

use crate::convert::from_json;
use crate::errors::guard;
use crate::exec::PyWorld;

/// `stepforge.ExecutionError(code, message)`.
fn not_found(py: Python<'_>, code: &str, message: String) -> PyErr {
    let made = py
        .import("stepforge._native")
        .and_then(|m| m.getattr("ExecutionError"))
        .and_then(|class| class.call1((code, message)));
    match made {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// The Map Run as `DescribeMapRun` returns it (dates as epoch milliseconds).
/// Raises `ExecutionError` with code `ResourceNotFound` if no Map Run has that ARN.
#[pyfunction]
pub(crate) fn describe_map_run<'py>(
    py: Python<'py>,
    world: PyRef<'py, PyWorld>,
    map_run_arn: &str,
) -> PyResult<Bound<'py, PyAny>> {
    match guard(|| world.world.describe_map_run(map_run_arn))? {
        Some(v) => from_json(py, &v),
        None => Err(not_found(py, "ResourceNotFound", format!("no Map Run has the ARN `{map_run_arn}`"))),
    }
}

/// `{"mapRuns": [...]}`: the Map Runs an execution started, as `ListMapRuns` lists them.
/// Raises `ExecutionError` with code `ExecutionDoesNotExist` for an unknown execution.
#[pyfunction]
pub(crate) fn list_map_runs<'py>(
    py: Python<'py>,
    world: PyRef<'py, PyWorld>,
    execution_arn: &str,
) -> PyResult<Bound<'py, PyAny>> {
    match guard(|| world.world.list_map_runs(execution_arn))? {
        Ok(v) => from_json(py, &v),
        Err(e @ ExecError::ExecutionDoesNotExist(_)) => Err(not_found(py, "ExecutionDoesNotExist", e.to_string())),
        Err(e) => Err(not_found(py, "InvalidArn", e.to_string())),
    }
}

/// `{"executions": [...]}`: a Map Run's child executions, as `ListExecutions`
/// with `mapRunArn` lists them (each with `mapRunArn` and `itemCount`),
/// optionally only those whose status is `status_filter` (`RUNNING`, `SUCCEEDED`…).
#[pyfunction]
#[pyo3(signature = (world, map_run_arn, status_filter = None))]
pub(crate) fn list_map_run_executions<'py>(
    py: Python<'py>,
    world: PyRef<'py, PyWorld>,
    map_run_arn: &str,
    status_filter: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let status = match status_filter {
        None => None,
        Some(s) => Some(Status::from_str_opt(s).ok_or_else(|| {
            not_found(
                py,
                "InvalidParameter",
                format!("status_filter `{s}` is not one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED"),
            )
        })?),
    };
    match guard(|| world.world.list_map_run_executions(map_run_arn, status))? {
        Some(v) => from_json(py, &v),
        None => Err(not_found(py, "ResourceNotFound", format!("no Map Run has the ARN `{map_run_arn}`"))),
    }
}

/// Adds the Map Run functions to `_native`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(describe_map_run, m)?)?;
    m.add_function(wrap_pyfunction!(list_map_runs, m)?)?;
    m.add_function(wrap_pyfunction!(list_map_run_executions, m)?)?;
    Ok(())
}
