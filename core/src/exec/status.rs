//! Execution status-change events, delivered as an EventBridge rule would:
//! an execution of one state machine ending (or starting) starts another
//! with the event as its input. Shape of the event:
//! <https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html>.

use serde_json::{Value, json};

use super::world::{ACCOUNT, Execution, REGION, Status};

/// A rule: when an execution of `source` (any state machine when `None`)
/// reaches one of `statuses`, start `target` with the event as input.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRule {
    /// The state machine (ARN or name) whose executions are watched; `None` for all.
    pub source: Option<String>,
    /// The statuses that fire the rule.
    pub statuses: Vec<Status>,
    /// The state machine (ARN or name) to start.
    pub target: String,
}

impl StatusRule {
    /// Whether the rule fires for this execution now in `status`.
    pub(crate) fn fires(&self, exec: &Execution, status: Status) -> bool {
        let source_ok = match &self.source {
            None => true,
            Some(s) => s == &exec.machine.arn || s == &exec.machine.name,
        };
        // An execution of the target itself does not start the target again
        // unless the rule names it as the source: no accidental loops.
        let not_self = self.source.is_some() || (self.target != exec.machine.arn && self.target != exec.machine.name);
        // A Map Run's child executions are the parent's work, not executions the rules watch.
        let not_child = exec.map_run.is_none();
        source_ok && not_self && not_child && self.statuses.contains(&status)
    }
}

/// The "Step Functions Execution Status Change" event for an execution.
pub(crate) fn event(exec: &Execution, id: String, now_text: String) -> Value {
    let text = |v: &Value| Value::String(super::history::text(v));
    json!({
        "version": "0",
        "id": id,
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "account": ACCOUNT,
        "time": now_text,
        "region": REGION,
        "resources": [exec.arn()],
        "detail": {
            "executionArn": exec.arn(),
            "stateMachineArn": exec.machine.arn,
            "name": exec.name(),
            "status": exec.status.as_str(),
            "startDate": exec.start,
            "stopDate": exec.stop,
            "input": text(exec.input()),
            "output": exec.output.as_ref().map(text),
            "inputDetails": {"included": true},
            "outputDetails": exec.output.as_ref().map(|_| json!({"included": true})),
            "error": exec.failure.as_ref().map(|f| f.error.clone()),
            "cause": exec.failure.as_ref().map(|f| f.cause.clone()),
        }
    })
}
