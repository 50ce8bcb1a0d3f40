//! Writes a large, valid state machine definition to stdout, for benchmarks:
//! `cargo run --release --example generate_definition -- 10000 [rich] > big.json`.
//!
//! The top level is a chain of Task, Pass, Choice and Wait states; every
//! 40th state is a Parallel with two branches and every 40th (offset 20) a
//! Map, each holding a chain of 8 states, nested two levels deep. By default
//! most Tasks are plain, so 10,000 states fit in Step Functions' 1 MiB limit
//! on a definition; `rich` gives every Task parameters, a retrier and a catcher.

use serde_json::{Map, Value, json};

/// Builds the states of one scope; `budget` is how many states remain to make.
fn chain(
    prefix: &str,
    len: usize,
    depth: usize,
    rich: bool,
    budget: &mut usize,
    out: &mut Map<String, Value>,
) -> String {
    let names: Vec<String> = (0..len).map(|i| format!("{prefix}{i}")).collect();
    for (i, name) in names.iter().enumerate() {
        *budget = budget.saturating_sub(1);
        let next = names.get(i + 1);
        let transition = |mut v: Value| {
            match next {
                Some(n) => v["Next"] = json!(n),
                None => v["End"] = json!(true),
            }
            v
        };
        let state = match i % 40 {
            0 if depth < 2 && i > 0 => {
                let mut branches = Vec::new();
                for b in 0..2 {
                    let mut states = Map::new();
                    let start = chain(&format!("{name}b{b}"), 8, depth + 1, rich, budget, &mut states);
                    branches.push(json!({"StartAt": start, "States": states}));
                }
                transition(json!({"Type": "Parallel", "Branches": branches, "ResultPath": "$.parallel"}))
            }
            20 if depth < 2 => {
                let mut states = Map::new();
                let start = chain(&format!("{name}m"), 8, depth + 1, rich, budget, &mut states);
                transition(json!({
                    "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 10,
                    "ItemSelector": {"item.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
                    "ItemProcessor": {"StartAt": start, "States": states}, "ResultPath": "$.mapped"
                }))
            }
            7 if next.is_some() => json!({
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.status", "StringEquals": "DONE", "Next": next},
                    {"And": [{"Variable": "$.count", "NumericGreaterThan": 3}, {"Variable": "$.flag", "IsPresent": true}], "Next": next}
                ],
                "Default": next
            }),
            3 => transition(json!({"Type": "Wait", "SecondsPath": "$.wait"})),
            5 if !rich => transition(json!({"Type": "Pass", "ResultPath": "$.pass"})),
            5 => transition(json!({
                "Type": "Pass",
                "Parameters": {"greeting.$": "States.Format('Hello {}', $.name)", "id.$": "$$.Execution.Id"},
                "ResultPath": "$.pass"
            })),
            _ if !rich && i % 2 == 0 => transition(json!({"Type": "Pass"})),
            _ if !rich && i % 40 != 1 => {
                transition(json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke"}))
            }
            _ => transition(json!({
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:work", "Payload.$": "$"},
                "ResultSelector": {"body.$": "$.Payload"},
                "ResultPath": "$.result",
                "TimeoutSeconds": 60,
                "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": next.cloned().unwrap_or_else(|| name.clone())}]
            })),
        };
        out.insert(name.clone(), state);
    }
    names[0].clone()
}

/// A definition with at least `target` states, as JSON text.
pub fn generate(target: usize, rich: bool) -> String {
    // Each top-level state costs 1, a Parallel 1 + 16 (+ nested), a Map 1 + 8 (+ nested):
    // grow the top-level chain until the total reaches the target.
    let mut top_len = target / 8;
    loop {
        let mut budget = usize::MAX;
        let mut states = Map::new();
        let start = chain("S", top_len, 0, rich, &mut budget, &mut states);
        let total = usize::MAX - budget;
        if total >= target || top_len > target {
            return json!({"Comment": format!("{total} states"), "StartAt": start, "States": states}).to_string();
        }
        top_len += (target - total) / 4 + 1;
    }
}

#[allow(dead_code)] // the benchmarks include this file for `generate` only
fn main() {
    let target: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let rich = std::env::args().nth(2).as_deref() == Some("rich");
    println!("{}", generate(target, rich));
}
