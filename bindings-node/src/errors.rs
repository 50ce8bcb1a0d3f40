//! Errors, mapped once: every exported function runs its body in [`guard`],
//! which turns
//!
//! - [`stepforge::Problems`] into a `ValidationError` with all problems (a
//!   `ChainError` when they are all `INVALID_CHAIN`),
//! - bad arguments into a `TypeError` with a Node-style `code`,
//! - a value DynamoDB cannot store into a `MarshalError` with its pointer,
//! - a Rust panic into an `InternalError` (never an aborted process).
//!
//! The error classes are JavaScript classes (see `runtime.js`): `instanceof`
//! works and subclasses of `Error` keep their stack traces.

use napi::bindgen_prelude::{FnArgs, JsTypeError};
use napi::{Env, Status};
use napi_derive::napi;
use stepforge::Code;

use crate::runtime::{self, js_class};

/// One problem in a state machine definition.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Problem {
    /// A stable code such as `MISSING_TRANSITION_TARGET`.
    pub code: String,
    /// A JSON pointer (RFC 6901) into the definition; `""` is the whole document.
    pub pointer: String,
    /// A sentence that explains the problem.
    pub message: String,
}

impl From<&stepforge::Problem> for Problem {
    fn from(p: &stepforge::Problem) -> Self {
        Problem { code: p.code.as_str().to_string(), pointer: p.pointer.clone(), message: p.message.clone() }
    }
}

/// Converts the core's problems for JavaScript.
pub fn problems(list: &[stepforge::Problem]) -> Vec<Problem> {
    list.iter().map(Problem::from).collect()
}

js_class!(
    /// The constructor of [`StepforgeError`] (declared in `header.d.ts`).
    StepforgeErrorConstructor => "StepforgeError"
);
js_class!(
    /// The constructor of [`ValidationError`] (declared in `header.d.ts`).
    ValidationErrorConstructor => "ValidationError"
);
js_class!(
    /// The constructor of [`ChainError`] (declared in `header.d.ts`).
    ChainErrorConstructor => "ChainError"
);
js_class!(
    /// The constructor of [`InternalError`] (declared in `header.d.ts`).
    InternalErrorConstructor => "InternalError"
);
js_class!(
    /// The constructor of [`MarshalError`] (declared in `header.d.ts`).
    MarshalErrorConstructor => "MarshalError"
);
js_class!(
    /// The constructor of [`LoadError`] (declared in `header.d.ts`).
    LoadErrorConstructor => "LoadError"
);

/// The base class of the errors stepforge throws; `code` says what went wrong.
#[napi]
#[allow(non_upper_case_globals)]
pub const StepforgeError: StepforgeErrorConstructor = StepforgeErrorConstructor;

/// A definition (or a builder graph) has problems: `problems` lists them all,
/// `code` is the first one's code, and the message has one line per problem.
#[napi]
#[allow(non_upper_case_globals)]
pub const ValidationError: ValidationErrorConstructor = ValidationErrorConstructor;

/// States were linked in a way that cannot work (a second `next`, a
/// transition after a Succeed state…): a `ValidationError` whose problems are
/// all `INVALID_CHAIN`, thrown by the linking call.
#[napi]
#[allow(non_upper_case_globals)]
pub const ChainError: ChainErrorConstructor = ChainErrorConstructor;

/// A bug in stepforge (a Rust panic), reported instead of crashing Node.
#[napi]
#[allow(non_upper_case_globals)]
pub const InternalError: InternalErrorConstructor = InternalErrorConstructor;

/// A value DynamoDB cannot store (`marshall`, `unmarshall`, the items given
/// to `loadDdb`): `pointer` is the JSON pointer to it in what was given, and
/// `code` is `MARSHAL`.
#[napi]
#[allow(non_upper_case_globals)]
pub const MarshalError: MarshalErrorConstructor = MarshalErrorConstructor;

/// A load that could not go on at all (no such table, no credentials, an
/// unreadable file…): `loadDdb` rejects with it. `summary` is what was done
/// before it stopped, or `null`; `code` is `LOAD`. Items DynamoDB refuses are
/// not a `LoadError`: they are counted in the summary.
#[napi]
#[allow(non_upper_case_globals)]
pub const LoadError: LoadErrorConstructor = LoadErrorConstructor;

/// Why a call failed, before it becomes a JavaScript exception.
#[derive(Debug)]
pub enum Failure {
    /// Problems in a definition: a `ValidationError` (or `ChainError`).
    Invalid(stepforge::Problems),
    /// A bad argument: a `TypeError` whose `code` is a Node.js code
    /// (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`).
    Type { code: &'static str, message: String },
    /// A value DynamoDB cannot store: a `MarshalError`.
    Marshal(stepforge::dynamo::MarshalError),
    /// An exception napi-rs or JavaScript code already raised: rethrown as is.
    Js(napi::Error),
    /// A Rust panic: an `InternalError`.
    Panic(String),
}

impl Failure {
    /// Prefixes an argument error with what it is about (`Pass \`P\`: …`).
    pub fn context(self, what: &str) -> Failure {
        match self {
            Failure::Type { code, message } => Failure::Type { code, message: format!("{what}: {message}") },
            other => other,
        }
    }
}

/// The result of the binding's own functions.
pub type Result<T> = std::result::Result<T, Failure>;

impl From<stepforge::Problems> for Failure {
    fn from(p: stepforge::Problems) -> Self {
        Failure::Invalid(p)
    }
}

impl From<napi::Error> for Failure {
    fn from(e: napi::Error) -> Self {
        Failure::Js(e)
    }
}

/// A `TypeError` for an argument of the wrong type.
pub fn type_error(message: impl Into<String>) -> Failure {
    Failure::Type { code: "ERR_INVALID_ARG_TYPE", message: message.into() }
}

/// A `TypeError` for an argument of the right type with a value that is not allowed.
pub fn value_error(message: impl Into<String>) -> Failure {
    Failure::Type { code: "ERR_INVALID_ARG_VALUE", message: message.into() }
}

/// Runs an exported function's body: errors become JavaScript exceptions, and
/// a panic becomes an `InternalError` instead of unwinding into Node.
pub fn guard<T>(env: &Env, body: impl FnOnce() -> Result<T>) -> napi::Result<T> {
    catch_panic(body).map_err(|failure| to_js(env, failure))
}

/// Runs `body`, turning a panic into [`Failure::Panic`] (also for code that
/// runs off the JavaScript thread).
pub fn catch_panic<T>(body: impl FnOnce() -> Result<T>) -> Result<T> {
    stepforge::error::catch_panic(body).unwrap_or_else(|what| Err(Failure::Panic(what)))
}

/// Builds the JavaScript exception for a failure.
pub fn to_js(env: &Env, failure: Failure) -> napi::Error {
    let (built, message) = match failure {
        Failure::Js(e) => return e,
        Failure::Type { code, message } => {
            let error = JsTypeError::from(napi::Error::new(code, message)).into_unknown(*env);
            return napi::Error::from(error);
        }
        Failure::Invalid(problems) => {
            let message = problems.to_string();
            let chain = problems.iter().all(|p| p.code == Code::InvalidChain);
            let class = if chain { "ChainError" } else { "ValidationError" };
            let list = self::problems(&problems.0);
            (runtime::construct(env, class, FnArgs::from((message.clone(), list))), message)
        }
        Failure::Marshal(error) => {
            let message = error.to_string();
            (runtime::construct(env, "MarshalError", FnArgs::from((message.clone(), error.pointer))), message)
        }
        Failure::Panic(what) => {
            let message = format!("internal error in stepforge (please report it): {what}");
            (runtime::construct(env, "InternalError", message.clone()), message)
        }
    };
    match built {
        Ok(error) => napi::Error::from(error),
        // Only when JavaScript itself is failing (the environment is shutting down).
        Err(_) => napi::Error::new(Status::GenericFailure, message),
    }
}
