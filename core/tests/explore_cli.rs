//! `stepforge explore` from the command line: the fragment passes, seed 001's
//! sample fails with a counterexample that replays, bad input is exit 2.

mod cli_run;

/// Runs `stepforge explore ARGS…`; (exit code, stdout, stderr).
fn explore(args: &[&str]) -> (i32, String, String) {
    cli_run::cli(&[&["explore"], args].concat())
}

fn example(file: &str) -> String {
    format!("{}/../examples/seed001-concurrency-controller/expected/{file}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_fragment_passes_random_schedules_with_faults() {
    let (code, out, err) = explore(&[
        "--semaphore",
        "--cleanup",
        "--lease",
        "60",
        "--limit",
        "2",
        "--executions",
        "4",
        "--schedules",
        "20",
        "--faults",
        "all",
        "--fault-rate",
        "0.05",
        "--seed",
        "3",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("random exploration: 20 schedules") && out.contains("every invariant held"), "{out}");
}

#[test]
fn seed_001s_sample_fails_and_its_counterexample_replays() {
    let (main, cleanup) = (example("semaphore.json"), example("cleanup.json"));
    let base = [
        main.as_str(),
        "--cleanup",
        cleanup.as_str(),
        "--table",
        "CC-locktable",
        "--lock",
        "MySemaphore",
        "--limit",
        "5",
        "--job-state",
        "Do Work",
        "--executions",
        "2",
        "--faults",
        "late-write=0.3",
        "--lock-item",
        r#"{"LockName": {"S": "MySemaphore"}, "currentlockcount": {"N": "0"}}"#,
    ];
    let (code, out, err) = explore(&[&base[..], &["--schedules", "100"]].concat());
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("invariant broken: no slot held at the end"), "{out}");
    let schedule = out.lines().find_map(|l| l.strip_prefix("replay: --replay ")).expect("a replay line").to_string();
    let mermaid = std::env::temp_dir().join(format!("stepforge-explore-{}.mmd", std::process::id()));
    let (code, out, _) =
        explore(&[&base[..], &["--replay", &schedule, "--mermaid", mermaid.to_str().unwrap()]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("its in-flight DynamoDB updateItem lands"), "{out}");
    let diagram = std::fs::read_to_string(&mermaid).unwrap();
    std::fs::remove_file(&mermaid).ok();
    assert!(diagram.starts_with("sequenceDiagram"), "{diagram}");
}

#[test]
fn bad_input_is_a_clear_error() {
    let (code, _, err) = explore(&["--semaphore", "--faults", "meteor"]);
    assert_eq!(code, 2);
    assert!(err.contains("`meteor` is not a fault"), "{err}");
    let (code, _, err) = explore(&["--semaphore", "--limit", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("the limit is 0"), "{err}");
    let dir = std::env::temp_dir().join(format!("stepforge-explore-bad-{}.json", std::process::id()));
    std::fs::write(&dir, r#"{"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "End": true}}}"#).unwrap();
    let (code, _, err) = explore(&[dir.to_str().unwrap(), "--job-state", "A"]);
    std::fs::remove_file(&dir).ok();
    assert_eq!(code, 2);
    assert!(err.contains("the main machine") && err.contains("does not validate"), "{err}");
    let (code, _, err) = explore(&["--semaphore", "--replay", "x:1"]);
    assert_eq!(code, 2);
    assert!(err.contains("seed"), "{err}");
    // Exhaustive mode states its bound and stops there.
    let (code, _, err) = explore(&["--semaphore", "--exhaustive", "--executions", "4", "--max-states", "500"]);
    assert_eq!(code, 2);
    assert!(err.contains("bound of 500 distinct states"), "{err}");
}
