//! Map Runs from JavaScript: `World.describeMapRun`, `World.listMapRuns` and
//! `World.listMapRunExecutions`, shaped like the Step Functions API calls
//! `DescribeMapRun`, `ListMapRuns` and `ListExecutions` with `mapRunArn`
//! (all logic is in `stepforge::exec::map_run`).

use napi::Env;
use napi_derive::napi;
use stepforge::exec::Status;

use crate::errors::{guard, value_error};
use crate::exec::{World, stepforge_error};
use crate::value::JsonValue;

#[napi]
impl World {
    /// The Map Run as `DescribeMapRun` returns it (dates as epoch milliseconds).
    /// Throws a `StepforgeError` with code `ResourceNotFound` if no Map Run has that ARN.
    #[napi(ts_return_type = "Record<string, any>")]
    pub fn describe_map_run(&self, env: Env, map_run_arn: String) -> napi::Result<JsonValue> {
        guard(&env, || match self.core(&env)?.describe_map_run(&map_run_arn) {
            Some(v) => Ok(JsonValue(v)),
            None => Err(stepforge_error(&env, "ResourceNotFound", format!("no Map Run has the ARN `{map_run_arn}`"))),
        })
    }

    /// `{mapRuns: [...]}`: the Map Runs an execution started, as `ListMapRuns` lists them.
    /// Throws a `StepforgeError` with code `ExecutionDoesNotExist` for an unknown execution.
    #[napi(ts_return_type = "Record<string, any>")]
    pub fn list_map_runs(&self, env: Env, execution_arn: String) -> napi::Result<JsonValue> {
        guard(&env, || match self.core(&env)?.list_map_runs(&execution_arn) {
            Ok(v) => Ok(JsonValue(v)),
            Err(e) => Err(stepforge_error(&env, "ExecutionDoesNotExist", e.to_string())),
        })
    }

    /// `{executions: [...]}`: a Map Run's child executions, as `ListExecutions`
    /// with `mapRunArn` lists them (each with `mapRunArn` and `itemCount`),
    /// optionally only those whose status is `statusFilter` (`RUNNING`, `SUCCEEDED`…).
    #[napi(ts_return_type = "Record<string, any>")]
    pub fn list_map_run_executions(
        &self,
        env: Env,
        map_run_arn: String,
        status_filter: Option<String>,
    ) -> napi::Result<JsonValue> {
        guard(&env, || {
            let status = match status_filter.as_deref() {
                None => None,
                Some(s) => Some(Status::from_str_opt(s).ok_or_else(|| {
                    value_error(format!(
                        "statusFilter `{s}` is not one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED"
                    ))
                })?),
            };
            match self.core(&env)?.list_map_run_executions(&map_run_arn, status) {
                Some(v) => Ok(JsonValue(v)),
                None => {
                    Err(stepforge_error(&env, "ResourceNotFound", format!("no Map Run has the ARN `{map_run_arn}`")))
                }
            }
        })
    }
}
