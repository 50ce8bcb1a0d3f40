//! Problems found in a definition, and the error type that carries them.
//!
//! Every check in stepforge (parsing, validation, rendering a builder graph)
//! reports the same [`Problem`]: a stable [`Code`], a JSON pointer (RFC 6901)
//! into the definition, and a sentence for a person.

use std::fmt;

/// What kind of problem was found. The string form ([`Code::as_str`]) is stable:
/// tools may match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Code {
    /// The text is not JSON (or not UTF-8).
    InvalidJson,
    /// An object has the same key twice.
    DuplicateKey,
    /// A field has the wrong JSON type.
    InvalidType,
    /// A required field is absent.
    MissingField,
    /// A field that this object (state type, query language) does not allow.
    UnknownField,
    /// A field's value is not one of the allowed values.
    InvalidValue,
    /// Two fields that exclude each other are both present.
    FieldConflict,
    /// A number outside the range AWS allows.
    OutOfRange,
    /// A list that must not be empty is empty.
    EmptyList,
    /// `Type` is not one of the eight state types.
    UnknownStateType,
    /// A state name is empty or longer than 80 characters.
    InvalidStateName,
    /// A state has both `Next` and `End`.
    NextAndEnd,
    /// A state that must transition has neither `Next` nor `End: true`.
    MissingTransition,
    /// A Succeed, Fail or Choice state has `Next` or `End`.
    TerminalStateWithTransition,
    /// `Next`, `Default`, `StartAt` or a Catch `Next` names no state in its scope.
    MissingTransitionTarget,
    /// A transition leaves its Parallel branch or Map item processor, or enters another.
    TransitionOutOfScope,
    /// Two states anywhere in the definition share a name.
    DuplicateStateName,
    /// No path from `StartAt` reaches this state.
    UnreachableState,
    /// A state machine or branch has no Succeed, Fail or `End: true` state.
    MissingTerminalState,
    /// From this state no terminal state can be reached: an execution that gets here never ends.
    NoPathToEnd,
    /// `States.ALL` shares its `ErrorEquals` with other names, or is not in the last retrier or catcher.
    StatesAllPosition,
    /// An error name starting with `States.` that AWS does not define.
    UnknownPredefinedError,
    /// A string that must be a reference path (one node: `$.a.b[0]`) is not one.
    InvalidReferencePath,
    /// A string that must be a JSONPath is not valid JSONPath.
    InvalidJsonPath,
    /// An intrinsic function call (`States.Format(...)`) is malformed or misused.
    InvalidIntrinsic,
    /// A `.$` field whose value is not a path or an intrinsic function call.
    InvalidDynamicValue,
    /// A payload template has both `x` and `x.$`.
    DuplicateTemplateField,
    /// A JSONata field is not a `{% expression %}` string, or the expression is malformed.
    InvalidJsonata,
    /// A field of one query language used in a state that uses the other.
    QueryLanguageMismatch,
    /// A Choice rule has no comparison operator.
    ChoiceRuleNoComparison,
    /// A Choice rule has more than one comparison operator.
    ChoiceRuleMultipleComparisons,
    /// A timestamp that is not RFC 3339 as Step Functions accepts it.
    InvalidTimestamp,
    /// `HeartbeatSeconds` is not smaller than `TimeoutSeconds`.
    HeartbeatNotLessThanTimeout,
    /// A Task `Resource` that is not an ARN.
    InvalidResource,
    /// A Map field that only distributed mode allows, used in inline mode (or the reverse).
    MapModeMismatch,
    /// The definition exceeds a Step Functions quota (size, nesting).
    QuotaExceeded,
    /// States were linked in a way that cannot work (a second `next`, `next` after Succeed, …).
    InvalidChain,
    /// An internal error: a bug in stepforge, reported instead of crashing.
    Internal,
}

impl Code {
    /// Every code, in declaration order.
    pub const ALL: &'static [Code] = &[
        Code::InvalidJson,
        Code::DuplicateKey,
        Code::InvalidType,
        Code::MissingField,
        Code::UnknownField,
        Code::InvalidValue,
        Code::FieldConflict,
        Code::OutOfRange,
        Code::EmptyList,
        Code::UnknownStateType,
        Code::InvalidStateName,
        Code::NextAndEnd,
        Code::MissingTransition,
        Code::TerminalStateWithTransition,
        Code::MissingTransitionTarget,
        Code::TransitionOutOfScope,
        Code::DuplicateStateName,
        Code::UnreachableState,
        Code::MissingTerminalState,
        Code::NoPathToEnd,
        Code::StatesAllPosition,
        Code::UnknownPredefinedError,
        Code::InvalidReferencePath,
        Code::InvalidJsonPath,
        Code::InvalidIntrinsic,
        Code::InvalidDynamicValue,
        Code::DuplicateTemplateField,
        Code::InvalidJsonata,
        Code::QueryLanguageMismatch,
        Code::ChoiceRuleNoComparison,
        Code::ChoiceRuleMultipleComparisons,
        Code::InvalidTimestamp,
        Code::HeartbeatNotLessThanTimeout,
        Code::InvalidResource,
        Code::MapModeMismatch,
        Code::QuotaExceeded,
        Code::InvalidChain,
        Code::Internal,
    ];

    /// The stable string form, `UPPER_SNAKE_CASE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidJson => "INVALID_JSON",
            Code::DuplicateKey => "DUPLICATE_KEY",
            Code::InvalidType => "INVALID_TYPE",
            Code::MissingField => "MISSING_FIELD",
            Code::UnknownField => "UNKNOWN_FIELD",
            Code::InvalidValue => "INVALID_VALUE",
            Code::FieldConflict => "FIELD_CONFLICT",
            Code::OutOfRange => "OUT_OF_RANGE",
            Code::EmptyList => "EMPTY_LIST",
            Code::UnknownStateType => "UNKNOWN_STATE_TYPE",
            Code::InvalidStateName => "INVALID_STATE_NAME",
            Code::NextAndEnd => "NEXT_AND_END",
            Code::MissingTransition => "MISSING_TRANSITION",
            Code::TerminalStateWithTransition => "TERMINAL_STATE_WITH_TRANSITION",
            Code::MissingTransitionTarget => "MISSING_TRANSITION_TARGET",
            Code::TransitionOutOfScope => "TRANSITION_OUT_OF_SCOPE",
            Code::DuplicateStateName => "DUPLICATE_STATE_NAME",
            Code::UnreachableState => "UNREACHABLE_STATE",
            Code::MissingTerminalState => "MISSING_TERMINAL_STATE",
            Code::NoPathToEnd => "NO_PATH_TO_END",
            Code::StatesAllPosition => "STATES_ALL_POSITION",
            Code::UnknownPredefinedError => "UNKNOWN_PREDEFINED_ERROR",
            Code::InvalidReferencePath => "INVALID_REFERENCE_PATH",
            Code::InvalidJsonPath => "INVALID_JSONPATH",
            Code::InvalidIntrinsic => "INVALID_INTRINSIC",
            Code::InvalidDynamicValue => "INVALID_DYNAMIC_VALUE",
            Code::DuplicateTemplateField => "DUPLICATE_TEMPLATE_FIELD",
            Code::InvalidJsonata => "INVALID_JSONATA",
            Code::QueryLanguageMismatch => "QUERY_LANGUAGE_MISMATCH",
            Code::ChoiceRuleNoComparison => "CHOICE_RULE_NO_COMPARISON",
            Code::ChoiceRuleMultipleComparisons => "CHOICE_RULE_MULTIPLE_COMPARISONS",
            Code::InvalidTimestamp => "INVALID_TIMESTAMP",
            Code::HeartbeatNotLessThanTimeout => "HEARTBEAT_NOT_LESS_THAN_TIMEOUT",
            Code::InvalidResource => "INVALID_RESOURCE",
            Code::MapModeMismatch => "MAP_MODE_MISMATCH",
            Code::QuotaExceeded => "QUOTA_EXCEEDED",
            Code::InvalidChain => "INVALID_CHAIN",
            Code::Internal => "INTERNAL",
        }
    }

    /// Looks a code up by its string form.
    pub fn from_str_opt(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
