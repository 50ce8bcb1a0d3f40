//! The cleanup machine: gives back the semaphore slots of an execution that
//! FAILED, TIMED_OUT or was ABORTED, started by EventBridge with the Step
//! Functions execution status-change event (as in seed 001).
//!
//! Its input is the event; for each `(table, lock)` the semaphores use, one
//! conditional UpdateItem removes the execution's owner entry and decrements
//! the count, only if the entry is there (so it never gives back a slot
//! twice). A read before it, as seed 001 does, would add nothing: the
//! condition is the check. An acquire that lands after this cleanup leaves
//! an entry that the semaphore's lease reclaims.

use serde_json::{Value, json};

use super::iam::PolicyStatement;
use super::option_error;
use super::semaphore::{CONDITION_FAILED, COUNT_ATTRIBUTE, LOCK_KEY, TRANSIENT_ERRORS};
use crate::builder::{Catch, Chainable, Map, Pass, Retry, StateMachine, Succeed, Task};
use crate::error::{Code, Problems};

/// The execution statuses that leave slots behind.
pub const CLEANUP_STATUSES: &[&str] = &["FAILED", "TIMED_OUT", "ABORTED"];

/// The cleanup machine for `locks`, each `(table name, lock name)`.
pub fn cleanup_machine(locks: &[(String, String)]) -> Result<StateMachine, Problems> {
    if locks.is_empty() {
        return Err(option_error(Code::EmptyList, "/locks", "the cleanup machine needs at least one lock to clean up"));
    }
    let list: Vec<Value> = locks.iter().map(|(table, lock)| json!({"table": table, "lock": lock})).collect();
    let find = Pass::new("List Locks")
        .comment("The locks the failed execution may hold a slot of.")
        .parameters(json!({"executionArn.$": "$.detail.executionArn", "locks": list}));
    let release = Task::new("Release Slot")
        .comment("Removes the execution's owner entry and gives its slot back, if it holds one.")
        .resource("arn:aws:states:::dynamodb:updateItem")
        .parameters(json!({
            "TableName.$": "$.table",
            "Key": { LOCK_KEY: {"S.$": "$.lock"} },
            "ExpressionAttributeNames": {"#currentlockcount": COUNT_ATTRIBUTE, "#lockownerid.$": "$.executionArn"},
            "ExpressionAttributeValues": {":decrease": {"N": "1"}},
            "UpdateExpression": "SET #currentlockcount = #currentlockcount - :decrease REMOVE #lockownerid",
            "ConditionExpression": "attribute_exists(#lockownerid)",
        }))
        .result_path(Value::Null)
        // Cleanup must not give up early: 20 attempts from 5 s, as seed 001.
        .add_retry(Retry {
            errors: TRANSIENT_ERRORS.iter().map(|e| e.to_string()).collect(),
            interval_seconds: Some(5),
            max_attempts: Some(20),
            backoff_rate: Some(1.4),
            max_delay_seconds: Some(300),
            jitter_strategy: Some(crate::asl::JitterStrategy::Full),
            comment: None,
        });
    let not_held = Pass::new("Slot Not Held").comment("The execution held no slot of this lock.");
    let release = release.add_catch(
        &not_held,
        Catch { errors: vec![CONDITION_FAILED.into()], result_path: Some(Value::Null), ..Catch::default() },
    );
    let each = Map::new("Release Each Lock")
        .items_path("$.locks")
        .item_selector(json!({
            "table.$": "$$.Map.Item.Value.table",
            "lock.$": "$$.Map.Item.Value.lock",
            "executionArn.$": "$.executionArn"
        }))
        .result_path(Value::Null)
        .item_processor(&release, None);
    let done = Succeed::new("Slots Released");
    find.next(&each)?.next(&done)?;
    Ok(StateMachine::new(&find)
        .comment("Gives back the semaphore slots of an execution that failed, timed out or was aborted."))
}

/// The EventBridge rule's event pattern: status changes to FAILED,
/// TIMED_OUT or ABORTED of the given state machines.
pub fn cleanup_event_pattern(state_machine_arns: &[String]) -> Value {
    json!({
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "detail": {
            "status": CLEANUP_STATUSES,
            "stateMachineArn": state_machine_arns,
        }
    })
}

/// The permissions of the cleanup machine, on `table_arn`.
pub fn cleanup_iam(table_arn: &str) -> Vec<PolicyStatement> {
    vec![PolicyStatement::new(&["dynamodb:UpdateItem"], vec![table_arn.to_string()])]
}
