//! Seed 000's Example 2 — a machine with two semaphores, `life` (42 at once)
//! around one job and `liberty` (7 at once) around another, with a job
//! nobody contends for in between — built with stepforge's semaphore
//! fragment, checked by the validator, then run locally: 100 executions at
//! once on the virtual clock, with the in-memory DynamoDB as the lock table.
//! Prints the states, and how many executions were ever inside each job.
//!
//! `cargo run -p stepforge-examples --bin seed000_semaphore`

use std::time::Duration;

use serde_json::json;
use stepforge::builder::*;
use stepforge::exec::dynamodb::KeyType;
use stepforge::exec::{Status, TaskCall, TaskOutcome, World};
use stepforge::fragments::{Semaphore, Semaphores};

const TABLE: &str = "StateMachineSemaphoreTable";

/// A Lambda invoke of `function`, its payload as the state's output.
fn invoke(name: &str, function: &str) -> Task {
    Task::new(name)
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": function, "Payload.$": "$"}))
        .output_path("$.Payload")
}

fn build() -> Result<String, stepforge::Problems> {
    let mut semaphores = Semaphores::new();
    let life = semaphores.wrap(&Semaphore::new("life", 42, TABLE), &invoke("ContestedJobPart1", "cool-function"))?;
    let liberty =
        semaphores.wrap(&Semaphore::new("liberty", 7, TABLE), &invoke("ContestedJobPart2", "coolest-function"))?;
    let definition =
        Chain::sequence(&[&life, &invoke("NotContestedJob", "cooler-function"), &liberty, &Succeed::new("Succeed")])?;
    StateMachine::new(&definition).timeout_seconds(3600).render()
}

fn main() {
    let text = match build() {
        Ok(text) => text,
        Err(problems) => {
            eprintln!("{problems}");
            std::process::exit(1);
        }
    };
    let definition: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let names: Vec<&String> = definition["States"].as_object().map(|s| s.keys().collect()).unwrap_or_default();
    println!(
        "seed 000, example 2: {} top-level states: {}",
        names.len(),
        names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(" → ")
    );

    let mut w = World::new(2026);
    let setup = w.dynamodb_mut().create_table(TABLE, ("LockName", KeyType::S), None);
    let arn =
        setup.map_err(|e| e.to_string()).and_then(|()| w.register_json("Example2", &text).map_err(|e| e.to_string()));
    let arn = match arn {
        Ok(arn) => arn,
        Err(e) => {
            eprintln!("seed000_semaphore: {e}");
            std::process::exit(1);
        }
    };
    for function in ["cool-function", "cooler-function", "coolest-function"] {
        w.handle(function, |c: &TaskCall| TaskOutcome::Succeed {
            output: json!({"ok": true}),
            after: Duration::from_millis(2000 + c.random % 20_000),
        });
    }
    for i in 0..100 {
        if let Err(e) = w.start_execution(&arn, json!({"order": i}), None) {
            eprintln!("seed000_semaphore: {e}");
            std::process::exit(1);
        }
    }
    w.run_until_idle();
    let succeeded = w.executions().filter(|e| e.status() == Status::Succeeded).count();
    let life = w.peak_occupancy(&["ContestedJobPart1"]).count;
    let liberty = w.peak_occupancy(&["ContestedJobPart2"]).count;
    println!("  100 executions: {succeeded} succeeded");
    println!("  inside ContestedJobPart1 (lock life, limit 42): at most {life} at once");
    println!("  inside ContestedJobPart2 (lock liberty, limit 7): at most {liberty} at once");
    if succeeded != 100 || life > 42 || liberty > 7 {
        eprintln!("seed000_semaphore: the semaphores did not hold");
        std::process::exit(1);
    }
}
