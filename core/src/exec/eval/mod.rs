//! Data evaluation for the local executor: paths, payload templates, intrinsic
//! functions, `ResultPath`, Choice rules, JSONata.
//!
//! Everything here is a pure function of the parsed model ([`crate::asl`]) and
//! the values it is applied to: nothing is re-parsed at run time except JSONata
//! text, which `jsonata-rs` needs as text. Randomness comes from the caller
//! ([`Entropy`]) and time from the caller ([`JsonataEnv::now_millis`]), so the
//! executor's runs are reproducible.
//!
//! Errors are [`EvalError`]s carrying Step Functions' error names
//! (`States.Runtime`, `States.IntrinsicFailure`, `States.ResultPathMatchFailure`,
//! `States.QueryEvaluationError`) and a cause worded like AWS's; the engine adds
//! the state name and event id in front of the cause as AWS does.

mod choice;
mod intrinsic;
mod json;
mod jsonata;
mod result_path;
mod select;
mod template;

pub use choice::choose;
pub use intrinsic::call_intrinsic;
pub use jsonata::{JsonataEnv, jsonata, jsonata_condition, jsonata_template};
pub use result_path::place_result;
pub use select::{select, select_reference};
pub use template::apply_template;

use std::fmt;

use serde_json::{Map, Value};

/// Step Functions' error names that evaluation raises.
pub mod errors {
    /// A run-time failure: a path that matches nothing, a bad Choice operand, …
    pub const RUNTIME: &str = "States.Runtime";
    /// An intrinsic function called with arguments it cannot take.
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    /// `ResultPath` cannot be applied to the state's input.
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    /// A JSONata expression failed, or returned what the field cannot take.
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
}

/// An error raised while evaluating: a Step Functions error name and a cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// The error name, e.g. `States.Runtime`.
    pub error: String,
    /// What went wrong, worded like AWS's cause.
    pub cause: String,
}

impl EvalError {
    /// An error with any name.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> EvalError {
        EvalError { error: error.into(), cause: cause.into() }
    }

    /// `States.Runtime`.
    pub fn runtime(cause: impl Into<String>) -> EvalError {
        EvalError::new(errors::RUNTIME, cause)
    }

    /// `States.IntrinsicFailure`.
    pub fn intrinsic(cause: impl Into<String>) -> EvalError {
        EvalError::new(errors::INTRINSIC_FAILURE, cause)
    }

    /// `States.ResultPathMatchFailure`.
    pub fn result_path(cause: impl Into<String>) -> EvalError {
        EvalError::new(errors::RESULT_PATH_MATCH_FAILURE, cause)
    }

    /// `States.QueryEvaluationError`.
    pub fn query(cause: impl Into<String>) -> EvalError {
        EvalError::new(errors::QUERY_EVALUATION_ERROR, cause)
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for EvalError {}

/// What `$$` (JSONPath) and workflow variables (`$name`) see while a state's
/// fields are evaluated.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The context object (`$$`).
    pub context: &'a Value,
    /// The workflow variables visible here, by name without `$`.
    pub variables: &'a Map<String, Value>,
}

impl<'a> Scope<'a> {
    /// A scope with a context object and variables.
    pub fn new(context: &'a Value, variables: &'a Map<String, Value>) -> Scope<'a> {
        Scope { context, variables }
    }
}

/// Randomness and ids come from the caller (the executor's seeded generator),
/// so that runs are reproducible.
pub trait Entropy {
    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64;
}

impl Entropy for fastrand::Rng {
    fn next_u64(&mut self) -> u64 {
        self.u64(..)
    }
}

impl<E: Entropy + ?Sized> Entropy for &mut E {
    fn next_u64(&mut self) -> u64 {
        (**self).next_u64()
    }
}

/// The longest JSON text a cause quotes: AWS limits a cause to 32,768
/// characters, and a cause quoting a large input would otherwise be huge.
const MAX_SHOWN: usize = 30_000;

/// A JSON value as AWS shows it in a cause: compact JSON, cut short (with
/// `…`) past [`MAX_SHOWN`] bytes.
pub(crate) fn show(value: &Value) -> String {
    let mut text = value.to_string();
    if text.len() > MAX_SHOWN {
        let mut cut = MAX_SHOWN;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}
