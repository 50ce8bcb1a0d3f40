//! Seed 002's job graph — phases of steps, each step's jobs in parallel,
//! `waitFor` before the next phase — compiled into a state machine by the
//! phased-job fragment and run locally: each job is a Lambda that takes a
//! second of virtual time (`drink_beer` five). Prints when each job started.
//!
//! `cargo run -p stepforge-examples --bin seed002_phased_job [graph.json]`

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use stepforge::exec::{Status, TaskCall, TaskOutcome, World};
use stepforge::fragments::PhasedJob;

fn run(path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let graph = PhasedJob::from_text(&text).map_err(|p| p.to_string())?;
    let machine = graph.state_machine().and_then(|m| m.render()).map_err(|p| p.to_string())?;
    let mut w = World::new(2);
    let t0 = w.now_millis();
    w.register_json("catch_the_fish", &machine).map_err(|e| e.to_string())?;
    let started = Arc::new(Mutex::new(Vec::new()));
    let log = started.clone();
    w.handle("*", move |c: &TaskCall| {
        if let Ok(mut log) = log.lock() {
            log.push((c.now_millis - c.now_millis % 1000, c.state_name.clone()));
        }
        let seconds = if c.state_name.contains("drink_beer") { 5 } else { 1 };
        TaskOutcome::Succeed { output: json!({}), after: Duration::from_secs(seconds) }
    });
    let run = w.start_execution("catch_the_fish", json!({"who": "me"}), None).map_err(|e| e.to_string())?;
    w.run_until_idle();
    let execution = w.execution(&run).ok_or("the execution is gone")?;
    println!("seed 002, catch_the_fish: {}", execution.status().as_str());
    let mut started = started.lock().map_err(|_| "the log is poisoned")?.clone();
    started.sort();
    for (at, job) in started {
        println!("  +{:>2} s  {job}", (at - t0) / 1000);
    }
    if execution.status() != Status::Succeeded {
        return Err(format!("{:?}: {:?}", execution.error(), execution.cause()));
    }
    Ok(())
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../seed002-phased-jobs/catch_the_fish.json").to_string()
    });
    if let Err(e) = run(&path) {
        eprintln!("seed002_phased_job: {e}");
        std::process::exit(1);
    }
}
