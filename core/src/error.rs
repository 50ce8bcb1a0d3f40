//! Problems found in a definition, and the error type that carries them.
//!
//! Every check in stepforge (parsing, validation, rendering a builder graph)
//! reports the same [`Problem`]: a stable [`Code`], a JSON pointer (RFC 6901)
//! into the definition, and a sentence for a person.

use std::fmt;

pub use crate::codes::Code;

/// One problem: what, where (a JSON pointer into the definition) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The kind of problem.
    pub code: Code,
    /// RFC 6901 pointer to the offending value; `""` is the whole document.
    pub pointer: String,
    /// A sentence for a person.
    pub message: String,
}

impl Problem {
    /// Makes a problem.
    pub fn new(code: Code, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { code, pointer: pointer.into(), message: message.into() }
    }

    /// The problem as a JSON object `{"code", "pointer", "message"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code.as_str(),
            "pointer": self.pointer,
            "message": self.message,
        })
    }
}

impl fmt::Display for Problem {
    /// `CODE POINTER: message`, the CLI's line format (`CODE: message` for
    /// a problem with the whole document, whose pointer is empty).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}: {}", self.code, self.message)
        } else {
            write!(f, "{} {}: {}", self.code, self.pointer, self.message)
        }
    }
}

/// A non-empty list of problems: the error of parsing, validating or rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// The problems as a JSON array.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(self.0.iter().map(Problem::to_json).collect())
    }

    /// Iterates over the problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.0.iter()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.len() {
            0 => f.write_str("no problems"),
            1 => write!(f, "{}", self.0[0]),
            n => {
                write!(f, "{n} problems:")?;
                for p in &self.0 {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Problems {}

impl From<Problem> for Problems {
    fn from(p: Problem) -> Self {
        Problems(vec![p])
    }
}

/// Escapes one JSON pointer reference token (RFC 6901: `~` as `~0`, `/` as `~1`).
pub fn escape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// "a string", "an object", …: a JSON value's kind, for messages.
pub(crate) fn kind_of(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Runs `body`; a panic in it (a bug in stepforge, or in a caller's Rust
/// closure) comes back as `Err` with the panic's message instead of
/// unwinding further, so the bindings never let one cross into their host.
pub fn catch_panic<T>(body: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}
