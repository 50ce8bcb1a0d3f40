//! Determinism across languages: `exec_determinism/case.json` run with its
//! seed gives the histories in `exec_determinism/histories.jsonl` (one line
//! per execution: the `GetExecutionHistory` events as compact JSON), byte for
//! byte. The Python and Node suites run the same case and compare with the
//! same file. `STEPFORGE_BLESS=1 cargo test --test exec_determinism` rewrites
//! it after a deliberate change.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use stepforge::exec::{TaskCall, TaskOutcome, World};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/exec_determinism")
}

/// The handler rule the case describes.
fn flaky(c: &TaskCall) -> TaskOutcome {
    let r = c.random;
    if r % 4 == 0 {
        TaskOutcome::fail("Flaky", "r % 4 == 0")
    } else {
        TaskOutcome::Succeed { output: json!({"item": c.input, "r": r % 1000}), after: Duration::from_millis(r % 3000) }
    }
}

fn histories() -> String {
    let case: Value = serde_json::from_str(&std::fs::read_to_string(dir().join("case.json")).unwrap()).unwrap();
    let mut w = World::new(case["seed"].as_u64().unwrap());
    w.register_json("determinism", &case["definition"].to_string()).unwrap();
    w.handle(case["handler"].as_str().unwrap(), flaky);
    let arns: Vec<String> = case["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| w.start_execution("determinism", e["input"].clone(), e["name"].as_str()).unwrap())
        .collect();
    let idle = w.run_until_idle();
    assert_eq!(idle.running, 0);
    arns.iter().map(|a| w.execution(a).unwrap().history_json().to_string() + "\n").collect()
}

#[test]
fn same_seed_same_history_bytes() {
    let got = histories();
    assert_eq!(got, histories(), "two runs with one seed differ");
    let path = dir().join("histories.jsonl");
    if std::env::var_os("STEPFORGE_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).expect("histories.jsonl (STEPFORGE_BLESS=1 writes it)");
    assert_eq!(got, want, "the histories differ from {}", path.display());
    // The case exercises what it says: retries happened, and some attempt failed for good.
    assert!(got.contains("\"Flaky\"") && got.contains("MapIterationSucceeded"));
}
