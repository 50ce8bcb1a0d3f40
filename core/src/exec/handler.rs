//! Task handlers supplied by the caller: the work behind a Task state's
//! `Resource` (a Lambda function, an activity, any integration stepforge does
//! not run itself).

use std::sync::Arc;

use serde_json::Value;

/// What a handler is asked to do: one attempt of one Task state.
#[derive(Debug, Clone)]
pub struct TaskCall {
    /// The resource the handler was found for: the Task's `Resource` without
    /// its `.sync`/`.waitForTaskToken` suffix, or, for `lambda:invoke`, the
    /// `FunctionName`.
    pub resource: String,
    /// The effective input: the state input after `InputPath` and
    /// `Parameters` (or `Arguments`); for `lambda:invoke`, the `Payload`.
    pub input: Value,
    /// The task token, for `.waitForTaskToken` resources.
    pub token: Option<String>,
    /// The execution's ARN.
    pub execution_arn: String,
    /// The Task state's name.
    pub state_name: String,
    /// How many times this state has been retried so far (0 on the first attempt).
    pub retry_count: u64,
    /// A number drawn from the world's seeded generator for this call, so a
    /// handler that behaves randomly (fails 10% of the time) is reproducible.
    pub random: u64,
    /// The virtual time of the call, in milliseconds since the Unix epoch.
    pub now_millis: i64,
}

/// How a task attempt ends.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskOutcome {
    /// The task produced `output` after `after` of virtual time.
    Succeed {
        /// The task's result.
        output: Value,
        /// Virtual time the work takes.
        after: std::time::Duration,
    },
    /// The task failed with a named error.
    Fail {
        /// The error name (`ErrorEquals` matches it).
        error: String,
        /// A human-readable cause.
        cause: String,
    },
    /// The host finishes it later with `send_task_success`/`send_task_failure`
    /// (a JavaScript Promise, a `.waitForTaskToken` callback).
    Pending,
}

impl TaskOutcome {
    /// Succeeds at once with `output`.
    pub fn ok(output: Value) -> Self {
        TaskOutcome::Succeed { output, after: std::time::Duration::ZERO }
    }

    /// Fails with `error` and `cause`.
    pub fn fail(error: impl Into<String>, cause: impl Into<String>) -> Self {
        TaskOutcome::Fail { error: error.into(), cause: cause.into() }
    }
}

/// The work behind a resource. Closures `Fn(&TaskCall) -> TaskOutcome` implement it.
pub trait TaskHandler: Send + Sync {
    /// Runs one attempt.
    fn call(&self, call: &TaskCall) -> TaskOutcome;
}

impl<F> TaskHandler for F
where
    F: Fn(&TaskCall) -> TaskOutcome + Send + Sync,
{
    fn call(&self, call: &TaskCall) -> TaskOutcome {
        self(call)
    }
}

/// Handlers by resource: exact names first, then `*` patterns in the order
/// they were registered.
#[derive(Clone, Default)]
pub(crate) struct Handlers {
    exact: rustc_hash::FxHashMap<String, Arc<dyn TaskHandler>>,
    patterns: Vec<(String, Arc<dyn TaskHandler>)>,
}

impl Handlers {
    pub(crate) fn add(&mut self, resource: &str, handler: Arc<dyn TaskHandler>) {
        if resource.contains('*') {
            self.patterns.retain(|(p, _)| p != resource);
            self.patterns.push((resource.to_string(), handler));
        } else {
            self.exact.insert(resource.to_string(), handler);
        }
    }

    /// The handler registered for exactly one of `names` (no patterns).
    pub(crate) fn find_exact(&self, names: &[&str]) -> Option<(String, Arc<dyn TaskHandler>)> {
        names.iter().find_map(|n| self.exact.get(*n).map(|h| (n.to_string(), h.clone())))
    }

    /// The handler for the first of `names` that has one.
    pub(crate) fn find(&self, names: &[&str]) -> Option<(String, Arc<dyn TaskHandler>)> {
        for name in names {
            if let Some(h) = self.exact.get(*name) {
                return Some((name.to_string(), h.clone()));
            }
        }
        for name in names {
            if let Some((_, h)) = self.patterns.iter().find(|(p, _)| wildcard_match(p, name)) {
                return Some((name.to_string(), h.clone()));
            }
        }
        None
    }
}

/// `*` matches any run of characters (including none); everything else is literal.
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("arn:aws:lambda:*:function:Log*", "arn:aws:lambda:us-east-1:function:LogItem"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("a*b*c", "abc"));
        assert!(!wildcard_match("a*b*c", "acb"));
        assert!(!wildcard_match("ab*ba", "aba"));
        assert!(wildcard_match("exact", "exact"));
        assert!(!wildcard_match("exact", "exactly"));
    }
}
