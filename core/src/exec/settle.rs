//! Answering a task whose handler handed back host work (a Python coroutine,
//! a JavaScript Promise): the bindings await it on their own event loop and
//! settle the task here, by one rule for every host.

use super::handler::TaskOutcome;
use super::world::World;

/// The error a task fails with when its handler's answer cannot be used.
pub const INVALID_HANDLER_RESULT: &str = "stepforge.InvalidHandlerResult";

impl World {
    /// Settles the task waiting on `token` with what its host work gave:
    /// success, or failure. A result that asks for virtual time fails the
    /// task with `delayed_cause` (worded for the host's users), since the
    /// work already took real time. A task that ended meanwhile (its
    /// timeout fired, its execution stopped) has nobody to answer, so that
    /// refusal is dropped: the host's work simply came too late.
    pub fn settle_host_work(&mut self, token: &str, outcome: TaskOutcome, delayed_cause: &str) {
        let answered = match outcome {
            TaskOutcome::Succeed { output, after } if after.is_zero() => self.send_task_success(token, output),
            TaskOutcome::Succeed { .. } => self.send_task_failure(token, INVALID_HANDLER_RESULT, delayed_cause),
            TaskOutcome::Fail { error, cause } => self.send_task_failure(token, &error, &cause),
            TaskOutcome::Pending => Ok(()),
        };
        drop(answered);
    }

    /// Seconds of virtual time until the next timer is due (0 when one is
    /// due now), or `None` when nothing is scheduled: how long a host's
    /// event loop may wait on host work before the clock must move.
    pub fn next_due_seconds(&self) -> Option<f64> {
        self.next_due_millis().map(|due| (due - self.now_millis()).max(0) as f64 / 1000.0)
    }
}
