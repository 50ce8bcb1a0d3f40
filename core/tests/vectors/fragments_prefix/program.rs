// Seed 003's fragments: one job written once, used three times in a Parallel
// state, its states prefixed so every name stays unique.
use serde_json::json;
use stepforge::Problems;
use stepforge::builder::*;

fn my_job(flavor: &str) -> Result<Fragment, Problems> {
    let first = Task::new("First")
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": "first", "Payload": {"flavor": flavor}}));
    let last = Task::new("Last")
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": "last", "Payload.$": "$"}));
    first.next(&last)?;
    Ok(Fragment::new(&first, last.end_states()))
}

pub fn build() -> Result<StateMachine, Problems> {
    let all = Parallel::new("All jobs")
        .branch(&my_job("quick")?.prefix_states("Quick: "))
        .branch(&my_job("medium")?.prefix_states("Medium: "))
        .branch(&my_job("slow")?.prefix_states("Slow: "));
    let done = Succeed::new("Done");
    let definition = all.next(&done)?;
    Ok(StateMachine::new(&definition))
}
