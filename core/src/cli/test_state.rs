//! `stepforge test-state --definition FILE`: one state run once, locally, as
//! Step Functions' TestState API runs it; prints the response JSON.

use std::io::Write;

use clap::Args;
use serde_json::{Map, Value, json};

/// The options of `stepforge test-state`.
#[derive(Args, Debug, Clone)]
pub struct TestStateArgs {
    /// A state's or a whole state machine's ASL JSON (`-` for standard input).
    #[arg(long)]
    pub definition: String,
    /// The state to test, when the definition is a whole state machine (default: its StartAt).
    #[arg(long)]
    pub state_name: Option<String>,
    /// The state input, as JSON text.
    #[arg(long, default_value = "{}")]
    pub input: String,
    /// Workflow variables in scope, as a JSON object.
    #[arg(long)]
    pub variables: Option<String>,
    /// The context object, as JSON text.
    #[arg(long)]
    pub context: Option<String>,
    /// The mocked result of the Task, Parallel or Map state, as JSON text.
    #[arg(long, conflicts_with = "mock_error")]
    pub mock_result: Option<String>,
    /// The mocked error of the Task, Parallel or Map state.
    #[arg(long)]
    pub mock_error: Option<String>,
    /// The mocked error's cause.
    #[arg(long, requires = "mock_error")]
    pub mock_cause: Option<String>,
    /// How many retries the matching retrier has already made.
    #[arg(long)]
    pub retrier_retry_count: Option<u64>,
    /// The state inside the Parallel or Map that raised the mocked error.
    #[arg(long)]
    pub error_caused_by_state: Option<String>,
    /// How many Map iterations failed.
    #[arg(long)]
    pub map_iteration_failure_count: Option<u64>,
    /// INFO, DEBUG or TRACE (DEBUG and TRACE add inspectionData).
    #[arg(long, default_value = "INFO")]
    pub inspection_level: String,
}

/// Runs `stepforge test-state`; exit 0 when the request ran (whatever the
/// state's status), 2 when it was refused.
pub fn run(args: &TestStateArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let mut request = json!({
        "definition": super::read(&args.definition)?,
        "input": args.input,
        "inspectionLevel": args.inspection_level,
    });
    if let Some(name) = &args.state_name {
        request["stateName"] = name.clone().into();
    }
    if let Some(v) = &args.variables {
        request["variables"] = v.clone().into();
    }
    if let Some(c) = &args.context {
        request["context"] = c.clone().into();
    }
    if let Some(r) = &args.mock_result {
        request["mock"] = json!({"result": r});
    }
    if let Some(e) = &args.mock_error {
        request["mock"] = json!({"errorOutput": {"error": e, "cause": args.mock_cause.clone().unwrap_or_default()}});
    }
    let mut config = Map::new();
    if let Some(n) = args.retrier_retry_count {
        config.insert("retrierRetryCount".into(), n.into());
    }
    if let Some(s) = &args.error_caused_by_state {
        config.insert("errorCausedByState".into(), s.clone().into());
    }
    if let Some(n) = args.map_iteration_failure_count {
        config.insert("mapIterationFailureCount".into(), n.into());
    }
    if !config.is_empty() {
        request["stateConfiguration"] = Value::Object(config);
    }
    match crate::exec::test_state(&request) {
        Ok(response) => {
            writeln!(out, "{}", serde_json::to_string_pretty(&response).unwrap_or_default())?;
            Ok(0)
        }
        Err(e) => {
            writeln!(err, "stepforge: {e}")?;
            Ok(2)
        }
    }
}
