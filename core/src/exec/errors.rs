//! Error names, `ErrorEquals` matching and retry intervals, as documented in
//! <https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html>.

use crate::asl::{JitterStrategy, Retrier};

/// An error raised inside an execution: a name `ErrorEquals` matches, and a cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The error name, e.g. `States.TaskFailed` or `DynamoDB.ConditionalCheckFailedException`.
    pub error: String,
    /// The human-readable cause.
    pub cause: String,
}

impl Failure {
    /// A failure named `error`.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Failure { error: error.into(), cause: cause.into() }
    }

    /// The `{"Error", "Cause"}` object a Catcher's ResultPath receives.
    pub fn to_output(&self) -> serde_json::Value {
        serde_json::json!({ "Error": self.error, "Cause": self.cause })
    }
}

/// Errors no Retrier or Catcher can handle: `States.ALL` does not catch them
/// (the documentation's `States.DataLimitExceeded` and `States.Runtime` notes).
pub fn is_terminal(error: &str) -> bool {
    matches!(error, "States.Runtime" | "States.DataLimitExceeded")
}

/// Whether an `ErrorEquals` list matches `error`. `States.ALL` matches any
/// error but the terminal ones; `States.TaskFailed` matches any of those
/// except `States.Timeout`.
pub fn matches(error_equals: &[String], error: &str) -> bool {
    error_equals.iter().any(|name| match name.as_str() {
        "States.ALL" => !is_terminal(error),
        "States.TaskFailed" => !is_terminal(error) && error != "States.Timeout",
        other => other == error,
    })
}

/// The wait before retry number `attempt` (0-based) under `retrier`, in
/// milliseconds: `IntervalSeconds × BackoffRate^attempt`, capped by
/// `MaxDelaySeconds`; with `JitterStrategy: FULL`, a uniform draw between
/// zero and that value (`draw` gives a number in `[0, 1)`).
pub fn retry_delay_millis(retrier: &Retrier, attempt: u64, draw: impl FnOnce() -> f64) -> i64 {
    let interval = retrier.interval_seconds.unwrap_or(1) as f64;
    let rate = retrier.backoff_rate.as_ref().and_then(|n| n.as_f64()).unwrap_or(2.0);
    let exponent = i32::try_from(attempt).unwrap_or(i32::MAX);
    let mut seconds = interval * rate.powi(exponent);
    if let Some(max) = retrier.max_delay_seconds {
        seconds = seconds.min(max as f64);
    }
    // A year is far beyond any real interval; it keeps the arithmetic finite.
    seconds = seconds.clamp(0.0, 365.0 * 86_400.0);
    if retrier.jitter_strategy == Some(JitterStrategy::Full) {
        seconds *= draw();
    }
    (seconds * 1000.0).round() as i64
}

/// How many retries a retrier allows (AWS's default is 3).
pub fn max_attempts(retrier: &Retrier) -> u64 {
    retrier.max_attempts.unwrap_or(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn wildcards_follow_the_documentation() {
        assert!(matches(&names(&["States.ALL"]), "Custom"));
        assert!(!matches(&names(&["States.ALL"]), "States.Runtime"));
        assert!(matches(&names(&["States.TaskFailed"]), "Lambda.Unknown"));
        assert!(!matches(&names(&["States.TaskFailed"]), "States.Timeout"));
        assert!(matches(&names(&["States.TaskFailed"]), "States.HeartbeatTimeout"));
        assert!(matches(&names(&["A", "B"]), "B"));
    }

    #[test]
    fn backoff_and_cap() {
        let mut r = Retrier::new(["States.ALL"]);
        r.interval_seconds = Some(3);
        r.backoff_rate = serde_json::Number::from_f64(2.0);
        assert_eq!(retry_delay_millis(&r, 0, || 0.5), 3000);
        assert_eq!(retry_delay_millis(&r, 2, || 0.5), 12000);
        r.max_delay_seconds = Some(5);
        assert_eq!(retry_delay_millis(&r, 2, || 0.5), 5000);
        r.jitter_strategy = Some(JitterStrategy::Full);
        assert_eq!(retry_delay_millis(&r, 2, || 0.5), 2500);
    }
}
