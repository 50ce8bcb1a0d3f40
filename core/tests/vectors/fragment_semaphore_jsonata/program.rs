// The semaphore in a JSONata machine (issue 14): a JSONata Lambda job under
// the "life" lock (limit 3), the machine's 300 s timeout as the lease.
use serde_json::json;
use stepforge::Problems;
use stepforge::asl::QueryLanguage;
use stepforge::builder::*;
use stepforge::fragments::Semaphore;

pub fn build() -> Result<StateMachine, Problems> {
    let job = Task::new("Do Work")
        .query_language("JSONata")
        .resource("arn:aws:states:::lambda:invoke")
        .arguments(json!({"FunctionName": "work", "Payload": "{% $states.input %}"}))
        .output("{% $states.result.Payload %}");
    let semaphore = Semaphore::new("life", 3, "Locks").query_language(QueryLanguage::Jsonata);
    semaphore.timeout_seconds(300).state_machine(&job)
}
