//! The executor's conformance suite: every `*.json` under `exec_conformance/`
//! is a definition, an input, scripted task results, and the outcome the AWS
//! documentation gives (`source` names the page). The Python and Node
//! bindings read the same files.
//!
//! A case:
//! ```json
//! {"description": "...", "source": "https://docs.aws.amazon.com/...",
//!  "definition": {...}, "input": {...},
//!  "handlers": {"<resource or function ARN>": [{"output": ..., "afterSeconds": 1} | {"error": "E", "cause": "C"}]},
//!  "expected": {"status": "SUCCEEDED", "output": ...} | {"status": "FAILED", "error": "...", "cause": "..."},
//!  "expectedSeconds": 12}
//! ```
//! Scripted results are used in order, the last one repeating. `cause` and
//! `expectedSeconds` (virtual time from start to stop) are checked when present.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;
use stepforge::exec::{TaskCall, TaskOutcome, World};

fn outcome(v: &Value) -> TaskOutcome {
    match v.get("error") {
        Some(e) => TaskOutcome::fail(e.as_str().unwrap_or_default(), v["cause"].as_str().unwrap_or_default()),
        None => TaskOutcome::Succeed {
            output: v.get("output").cloned().unwrap_or(Value::Null),
            after: Duration::from_secs_f64(v.get("afterSeconds").and_then(Value::as_f64).unwrap_or(0.0)),
        },
    }
}

/// Runs one case; a description of every mismatch.
fn check(path: &PathBuf) -> Vec<String> {
    let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut problems = Vec::new();
    for field in ["description", "source", "definition", "expected"] {
        if case.get(field).is_none() {
            problems.push(format!("missing `{field}`"));
        }
    }
    if !case["source"].as_str().is_some_and(|s| s.starts_with("https://")) {
        problems.push("`source` must be the URL the expected value comes from".into());
    }
    let mut world = World::new(case.get("seed").and_then(Value::as_u64).unwrap_or(0));
    if let Some(handlers) = case.get("handlers").and_then(Value::as_object) {
        for (resource, script) in handlers {
            let script: Vec<Value> = script.as_array().cloned().unwrap_or_default();
            let next = AtomicUsize::new(0);
            world.handle(resource, move |_: &TaskCall| {
                let i = next.fetch_add(1, Ordering::SeqCst).min(script.len().saturating_sub(1));
                script.get(i).map(outcome).unwrap_or_else(|| TaskOutcome::fail("NoScript", "empty script"))
            });
        }
    }
    if let Err(e) = world.register_json("conformance", &case["definition"].to_string()) {
        problems.push(format!("does not register: {e}"));
        return problems;
    }
    let input = case.get("input").cloned().unwrap_or(serde_json::json!({}));
    let arn = world.start_execution("conformance", input, Some("case")).unwrap();
    world.run_until_idle();
    let e = world.execution(&arn).unwrap();
    let want = &case["expected"];
    if want["status"] != e.status().as_str() {
        problems.push(format!(
            "status {} (error {:?}, cause {:?}), expected {}",
            e.status().as_str(),
            e.error(),
            e.cause(),
            want["status"]
        ));
    }
    if let Some(output) = want.get("output")
        && e.output() != Some(output)
    {
        problems.push(format!("output {:?}, expected {output}", e.output()));
    }
    if let Some(error) = want.get("error")
        && e.error() != error.as_str()
    {
        problems.push(format!("error {:?} (cause {:?}), expected {error}", e.error(), e.cause()));
    }
    if let Some(cause) = want.get("cause")
        && e.cause() != cause.as_str()
    {
        problems.push(format!("cause {:?}, expected {cause}", e.cause()));
    }
    if let Some(seconds) = case.get("expectedSeconds").and_then(Value::as_f64) {
        let took = e.stop_millis().map(|s| (s - e.start_millis()) as f64 / 1000.0);
        if took != Some(seconds) {
            problems.push(format!("took {took:?} virtual seconds, expected {seconds}"));
        }
    }
    problems
}

#[test]
fn conformance_suite() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/exec_conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "the suite has {} cases", files.len());
    let failures: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            check(f).into_iter().map(move |p| format!("{name}: {p}"))
        })
        .collect();
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}
