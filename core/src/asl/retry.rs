//! `Retry` and `Catch`: what a Task, Parallel or Map state does when it fails.

use serde_json::Number;

use super::jsonata::JsonataTemplate;
use super::path::ReferencePath;
use super::states::{PathOrNull, Payload};

/// Error names Step Functions itself raises; any other `States.` name is a mistake.
pub const PREDEFINED_ERRORS: &[&str] = &[
    "States.ALL",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.QueryEvaluationError",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
    "States.BranchFailed",
];

/// `JitterStrategy` of a retrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JitterStrategy {
    /// `FULL`: each interval is drawn uniformly from zero to the backoff value.
    Full,
    /// `NONE`: exact backoff.
    None,
}

impl JitterStrategy {
    /// The ASL spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JitterStrategy::Full => "FULL",
            JitterStrategy::None => "NONE",
        }
    }

    /// Reads the ASL spelling.
    pub fn from_str_opt(s: &str) -> Option<JitterStrategy> {
        [JitterStrategy::Full, JitterStrategy::None].into_iter().find(|j| j.as_str() == s)
    }
}

/// One entry of `Retry`.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    /// `Comment`.
    pub comment: Option<String>,
    /// `ErrorEquals`: the error names this retrier handles.
    pub error_equals: Vec<String>,
    /// `IntervalSeconds` before the first retry (AWS default 1).
    pub interval_seconds: Option<u64>,
    /// `MaxAttempts` (AWS default 3; 0 never retries).
    pub max_attempts: Option<u64>,
    /// `BackoffRate`, at least 1.0 (AWS default 2.0). Kept as written.
    pub backoff_rate: Option<Number>,
    /// `MaxDelaySeconds`: a cap on any one interval.
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy`.
    pub jitter_strategy: Option<JitterStrategy>,
}

impl Retrier {
    /// A retrier for the given errors with AWS's defaults.
    pub fn new(errors: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Retrier {
            comment: None,
            error_equals: errors.into_iter().map(Into::into).collect(),
            interval_seconds: None,
            max_attempts: None,
            backoff_rate: None,
            max_delay_seconds: None,
            jitter_strategy: None,
        }
    }
}

/// One entry of `Catch`.
#[derive(Debug, Clone, PartialEq)]
pub struct Catcher {
    /// `Comment`.
    pub comment: Option<String>,
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `Next`: the state to go to.
    pub next: String,
    /// `ResultPath`: where the error output goes in the input (JSONPath).
    pub result_path: Option<PathOrNull<ReferencePath>>,
    /// `Output` (JSONata).
    pub output: Option<JsonataTemplate>,
    /// `Assign`.
    pub assign: Option<Payload>,
}
