// Seed 000's Example 2: two semaphores in one machine ("life", limit 42, and
// "liberty", limit 7), each around a Lambda job, then a Succeed.
use serde_json::json;
use stepforge::Problems;
use stepforge::builder::*;
use stepforge::fragments::{Semaphore, Semaphores};

fn invoke(name: &str, function: &str) -> Task {
    Task::new(name)
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": function, "Payload.$": "$"}))
}

pub fn build() -> Result<StateMachine, Problems> {
    let contested = invoke("ContestedJobPart1", "cool-function");
    let not_contested = invoke("NotContestedJob", "cooler-function");
    let contested2 = invoke("ContestedJobPart2", "coolest-function");
    let mut semaphores = Semaphores::new();
    let first = semaphores.wrap(&Semaphore::new("life", 42, "SemaphoreTable"), &contested)?;
    let second = semaphores.wrap(&Semaphore::new("liberty", 7, "SemaphoreTable"), &contested2)?;
    let definition = first.next(&not_contested)?.next(&second)?.next(&Succeed::new("Succeed"))?;
    Ok(StateMachine::new(&definition))
}
