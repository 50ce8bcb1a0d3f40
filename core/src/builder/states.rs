//! One builder type per state type, made from the table of
//! [`surface`](super::surface). Options are set with methods named after the
//! ASL field (`result_path` sets `ResultPath`); the same table lets the
//! Python and Node bindings accept them as keyword arguments or options.

use serde_json::{Map as JsonMap, Value};

use super::chain::{Chain, Chainable, EndRef, chain_error, open_ends};
use super::condition::Condition;
use super::json::{PayloadValue, number};
use super::node::{CatchEdge, ChoiceEdge, Kind, StateRef};
use super::surface::{OptionSpec, options};
use crate::asl::{JitterStrategy, ProcessorConfig, QueryLanguage};
use crate::error::{Problem, Problems};

impl From<QueryLanguage> for Value {
    fn from(ql: QueryLanguage) -> Value {
        Value::String(ql.as_str().to_string())
    }
}

/// Makes the builder type of each state type in [`for_each_state!`].
macro_rules! state_types {
    ($(#[doc = $doc:tt] $ty:ident($options_type:tt) [$($ability:ident)*] { $($opt:ident),* $(,)? })*) => {$(
        #[doc = $doc]
        #[derive(Debug, Clone)]
        pub struct $ty(pub(crate) StateRef);

        impl $ty {
            /// A new state with this name.
            pub fn new(name: impl Into<String>) -> Self {
                $ty(StateRef::new(Kind::$ty, name.into()))
            }

            /// The options this type takes, in the order of the table.
            pub const OPTIONS: &'static [OptionSpec] = &[$(options::$opt),*];

            $(
                #[doc = concat!("Sets the `", stringify!($opt), "` option: see [`options::", stringify!($opt), "`].")]
                pub fn $opt(self, value: impl Into<Value>) -> Self {
                    self.0.set_field(options::$opt.key, value.into());
                    self
                }
            )*

            /// The underlying state handle.
            pub fn state(&self) -> &StateRef {
                &self.0
            }

            /// The state's name.
            pub fn name(&self) -> String {
                self.0.name()
            }
        }

        impl Chainable for $ty {
            fn start_state(&self) -> StateRef {
                self.0.clone()
            }
            fn end_states(&self) -> Vec<EndRef> {
                self.0.end_states()
            }
        }

        impl From<$ty> for StateRef {
            fn from(s: $ty) -> StateRef {
                s.0
            }
        }

        impl TryFrom<StateRef> for $ty {
            /// The handle back, when it is a state of another type.
            type Error = StateRef;

            fn try_from(state: StateRef) -> Result<$ty, StateRef> {
                if state.kind() == Kind::$ty { Ok($ty(state)) } else { Err(state) }
            }
        }
    )*};
}

crate::for_each_state!(state_types);

/// The options a state type takes, by its ASL `Type`.
pub fn options_of(kind: Kind) -> &'static [OptionSpec] {
    match kind {
        Kind::Pass => Pass::OPTIONS,
        Kind::Task => Task::OPTIONS,
        Kind::Choice => Choice::OPTIONS,
        Kind::Wait => Wait::OPTIONS,
        Kind::Succeed => Succeed::OPTIONS,
        Kind::Fail => Fail::OPTIONS,
        Kind::Parallel => Parallel::OPTIONS,
        Kind::Map => Map::OPTIONS,
    }
}

/// Sets an option from a payload (what the bindings convert host values
/// to), by name (`result_path` or `resultPath`). Problems in the payload
/// point into the state's field, e.g. `/States/Prepare/Parameters/list/0`.
pub fn set_option_payload(state: &StateRef, name: &str, value: PayloadValue) -> Result<(), Problems> {
    let key = option_key(state, name)?;
    let value = value.into_value().map_err(|problems| {
        let prefix = format!("/States/{}/{key}", crate::error::escape_token(&state.name()));
        Problems(problems.0.into_iter().map(|p| Problem { pointer: format!("{prefix}{}", p.pointer), ..p }).collect())
    })?;
    state.set_field(key, value);
    Ok(())
}

/// The option names of a state type as a binding spells them: snake_case,
/// or camelCase when `camel`.
pub fn option_names(kind: Kind, camel: bool) -> Vec<String> {
    options_of(kind).iter().map(|o| if camel { o.js_name() } else { o.name.to_string() }).collect()
}

/// `result_path` → `resultPath`: an option name as JavaScript spells it.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The ASL field an option name (snake_case or camelCase) sets.
fn option_key(state: &StateRef, name: &str) -> Result<&'static str, Problems> {
    let kind = state.kind();
    let snake = to_snake_case(name);
    match options_of(kind).iter().find(|o| o.name == snake) {
        Some(o) => Ok(o.key),
        None => {
            let names = option_names(kind, name.contains(|c: char| c.is_ascii_uppercase()));
            let message =
                format!("`{name}` is not an option of a {} state; its options are {}", kind.as_str(), names.join(", "));
            Err(chain_error(&state.name(), message))
        }
    }
}

/// Sets an option by name (`result_path` or `resultPath`), for the bindings.
pub fn set_option(state: &StateRef, name: &str, value: Value) -> Result<(), Problems> {
    state.set_field(option_key(state, name)?, value);
    Ok(())
}

/// `resultPath` → `result_path`; snake_case passes through.
fn to_snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A retrier to add with `add_retry`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Retry {
    /// `ErrorEquals` (`["States.ALL"]` when empty).
    pub errors: Vec<String>,
    /// `IntervalSeconds`.
    pub interval_seconds: Option<u64>,
    /// `MaxAttempts`.
    pub max_attempts: Option<u64>,
    /// `BackoffRate`.
    pub backoff_rate: Option<f64>,
    /// `MaxDelaySeconds`.
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy`.
    pub jitter_strategy: Option<JitterStrategy>,
    /// `Comment`.
    pub comment: Option<String>,
}

impl Retry {
    fn to_value(&self) -> Value {
        let mut o = JsonMap::new();
        if let Some(c) = &self.comment {
            o.insert("Comment".into(), c.clone().into());
        }
        o.insert("ErrorEquals".into(), error_list(&self.errors));
        if let Some(v) = self.interval_seconds {
            o.insert("IntervalSeconds".into(), v.into());
        }
        if let Some(v) = self.max_attempts {
            o.insert("MaxAttempts".into(), v.into());
        }
        if let Some(v) = self.backoff_rate {
            // NaN and infinities have no JSON form: null, which rendering reports.
            o.insert("BackoffRate".into(), number(v).unwrap_or(Value::Null));
        }
        if let Some(v) = self.max_delay_seconds {
            o.insert("MaxDelaySeconds".into(), v.into());
        }
        if let Some(j) = self.jitter_strategy {
            o.insert("JitterStrategy".into(), j.as_str().into());
        }
        Value::Object(o)
    }
}

/// A catcher to add with `add_catch`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catch {
    /// `ErrorEquals` (`["States.ALL"]` when empty).
    pub errors: Vec<String>,
    /// `ResultPath` (`Value::Null` discards the error).
    pub result_path: Option<Value>,
    /// `Output` (JSONata).
    pub output: Option<Value>,
    /// `Assign`.
    pub assign: Option<Value>,
    /// `Comment`.
    pub comment: Option<String>,
}

fn error_list(errors: &[String]) -> Value {
    if errors.is_empty() {
        Value::Array(vec!["States.ALL".into()])
    } else {
        Value::Array(errors.iter().cloned().map(Value::String).collect())
    }
}

/// Retry and Catch, for Task, Parallel and Map.
macro_rules! error_handling {
    ($($ty:ident),*) => {$(
        impl $ty {
            /// Adds a retrier (they are tried in the order added).
            pub fn add_retry(self, retry: Retry) -> Self {
                self.0.lock().retries.push(retry.to_value());
                self
            }

            /// Adds a catcher that moves on to `handler` (they are tried in the order added).
            pub fn add_catch(self, handler: &dyn Chainable, catch: Catch) -> Self {
                let mut fields = JsonMap::new();
                if let Some(c) = catch.comment {
                    fields.insert("Comment".into(), c.into());
                }
                fields.insert("ErrorEquals".into(), error_list(&catch.errors));
                if let Some(v) = catch.result_path {
                    fields.insert("ResultPath".into(), v);
                }
                if let Some(v) = catch.output {
                    fields.insert("Output".into(), v);
                }
                if let Some(v) = catch.assign {
                    fields.insert("Assign".into(), v);
                }
                self.0.lock().catches.push(CatchEdge { fields, target: handler.start_state() });
                self
            }
        }
    )*};
}

error_handling!(Task, Parallel, Map);

/// Optional fields of a Choice rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WhenOptions {
    /// `Comment`.
    pub comment: Option<String>,
    /// `Assign` when the rule is taken.
    pub assign: Option<Value>,
    /// `Output` when the rule is taken (JSONata).
    pub output: Option<Value>,
}

impl Choice {
    /// Adds a rule: when `condition` holds, go to `next`.
    pub fn when(self, condition: Condition, next: &dyn Chainable) -> Self {
        self.when_with(condition, next, WhenOptions::default())
    }

    /// [`Choice::when`] with a comment, `Assign` or `Output`.
    pub fn when_with(self, condition: Condition, next: &dyn Chainable, options: WhenOptions) -> Self {
        let mut rule = JsonMap::new();
        if let Some(c) = options.comment {
            rule.insert("Comment".into(), c.into());
        }
        rule.extend(condition.into_rule());
        if let Some(v) = options.output {
            rule.insert("Output".into(), v);
        }
        if let Some(v) = options.assign {
            rule.insert("Assign".into(), v);
        }
        self.0.lock().choices.push(ChoiceEdge { rule, target: next.start_state() });
        self
    }

    /// Where to go when no rule holds (`Default`).
    pub fn otherwise(self, next: &dyn Chainable) -> Result<Self, Problems> {
        EndRef::Default(self.0.clone()).attach(&next.start_state())?;
        Ok(self)
    }

    /// A chain from this Choice to the open ends of all its branches, so that
    /// `choice.afterwards().next(x)` joins them again. With
    /// `include_otherwise`, the Choice's missing `Default` is one of the ends.
    pub fn afterwards(&self, include_otherwise: bool) -> Result<Chain, Problems> {
        let mut ends = open_ends(&self.0);
        if include_otherwise {
            if self.0.lock().default.is_some() {
                let name = self.name();
                return Err(chain_error(
                    &name,
                    format!("`{name}` already has an otherwise state, so `include_otherwise` has nothing to add"),
                ));
            }
            ends.push(EndRef::Default(self.0.clone()));
        }
        Ok(Chain::custom(self.0.clone(), ends))
    }
}

impl Parallel {
    /// Adds a branch.
    pub fn branch(self, branch: &dyn Chainable) -> Self {
        self.0.lock().branches.push(branch.start_state());
        self
    }
}

impl Map {
    /// Sets the states run for each item, and how (`ProcessorConfig`).
    pub fn item_processor(self, processor: &dyn Chainable, config: Option<ProcessorConfig>) -> Self {
        let config = config.map(|c| {
            let mut o = JsonMap::new();
            if let Some(m) = c.mode {
                o.insert("Mode".into(), m.as_str().into());
            }
            if let Some(t) = c.execution_type {
                o.insert("ExecutionType".into(), t.as_str().into());
            }
            Value::Object(o)
        });
        self.0.lock().processor = Some((processor.start_state(), config));
        self
    }
}
