//! The Amazon States Language, typed.
//!
//! [`Definition`] is a whole state machine. [`parse`] turns ASL JSON into it,
//! reporting every structural problem with a code and a JSON pointer;
//! [`render`] writes it back as JSON with a stable, readable key order. Paths,
//! intrinsic calls and payload templates are parsed once here, so later stages
//! (the validator, a local executor) never re-parse strings.

pub mod choice;
pub mod intrinsic;
pub mod jsonata;
pub mod limits;
pub(crate) mod parse;
pub mod path;
mod render;
pub mod retry;
pub mod states;
pub mod template;
mod timestamp;

pub use choice::{ChoiceRule, Comparison, Condition, Operand, Operator, Rule};
pub use jsonata::{Jsonata, JsonataTemplate};
pub use parse::{parse, parse_str, parse_value, read_json};
pub use path::{Path, ReferencePath};
pub use render::{render, render_value};
pub use retry::{Catcher, JitterStrategy, Retrier};
pub use states::*;
pub use template::{Expr, Template, TemplateValue};

use indexmap::IndexMap;

/// The states of one scope (the top level, a Parallel branch or a Map item
/// processor), in definition order, keyed by name. Hashed with FxHash:
/// state names are short, and SipHash cost a few percent of validation.
pub type States = IndexMap<String, State, rustc_hash::FxBuildHasher>;

/// Which language a state uses for its data fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryLanguage {
    /// `"JSONPath"`: InputPath, Parameters, ResultSelector, ResultPath, OutputPath.
    JsonPath,
    /// `"JSONata"`: Arguments and Output with `{% %}` expressions.
    Jsonata,
}

impl QueryLanguage {
    /// The ASL spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }

    /// Reads the ASL spelling.
    pub fn from_str_opt(s: &str) -> Option<QueryLanguage> {
        [QueryLanguage::JsonPath, QueryLanguage::Jsonata].into_iter().find(|q| q.as_str() == s)
    }
}

/// A whole state machine definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// `Comment`.
    pub comment: Option<String>,
    /// `QueryLanguage`: the default for every state (JSONPath when absent).
    pub query_language: Option<QueryLanguage>,
    /// `StartAt` and `States`.
    pub graph: Graph,
    /// `TimeoutSeconds` for the whole execution.
    pub timeout_seconds: Option<u64>,
    /// `Version` of the language (only `"1.0"` exists).
    pub version: Option<String>,
}

impl Definition {
    /// The query language states use unless they set their own.
    pub fn default_query_language(&self) -> QueryLanguage {
        self.query_language.unwrap_or(QueryLanguage::JsonPath)
    }
}

/// A scope of states with its entry point: the top level, a Parallel branch,
/// or a Map item processor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    /// `Comment` (branches and item processors may carry one).
    pub comment: Option<String>,
    /// `StartAt`: the first state's name.
    pub start_at: String,
    /// `States`.
    pub states: States,
}

/// A state. Each variant is boxed: the structs are large (a Map state has
/// two dozen optional fields) and a definition holds thousands of states.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Passes its input to its output, optionally injecting data.
    Pass(Box<Pass>),
    /// Does work: a Lambda function, an activity, or a service integration.
    Task(Box<Task>),
    /// Picks the next state from rules over the input.
    Choice(Box<Choice>),
    /// Waits for a duration or until a time.
    Wait(Box<Wait>),
    /// Ends the execution (or branch) successfully.
    Succeed(Box<Succeed>),
    /// Ends the execution (or branch) with an error.
    Fail(Box<Fail>),
    /// Runs branches at the same time.
    Parallel(Box<Parallel>),
    /// Runs an item processor for each item of a list.
    Map(Box<Map>),
}

impl State {
    /// The ASL `Type` string.
    pub fn type_name(&self) -> &'static str {
        match self {
            State::Pass(_) => "Pass",
            State::Task(_) => "Task",
            State::Choice(_) => "Choice",
            State::Wait(_) => "Wait",
            State::Succeed(_) => "Succeed",
            State::Fail(_) => "Fail",
            State::Parallel(_) => "Parallel",
            State::Map(_) => "Map",
        }
    }

    /// The state's `Comment`.
    pub fn comment(&self) -> Option<&str> {
        match self {
            State::Pass(s) => s.comment.as_deref(),
            State::Task(s) => s.comment.as_deref(),
            State::Choice(s) => s.comment.as_deref(),
            State::Wait(s) => s.comment.as_deref(),
            State::Succeed(s) => s.comment.as_deref(),
            State::Fail(s) => s.comment.as_deref(),
            State::Parallel(s) => s.comment.as_deref(),
            State::Map(s) => s.comment.as_deref(),
        }
    }

    /// The state's own `QueryLanguage`, if it sets one.
    pub fn query_language(&self) -> Option<QueryLanguage> {
        match self {
            State::Pass(s) => s.query_language,
            State::Task(s) => s.query_language,
            State::Choice(s) => s.query_language,
            State::Wait(s) => s.query_language,
            State::Succeed(s) => s.query_language,
            State::Fail(s) => s.query_language,
            State::Parallel(s) => s.query_language,
            State::Map(s) => s.query_language,
        }
    }

    /// `Next`/`End` for the states that have one (not Choice, Succeed, Fail).
    pub fn transition(&self) -> Option<&Transition> {
        match self {
            State::Pass(s) => Some(&s.transition),
            State::Task(s) => Some(&s.transition),
            State::Wait(s) => Some(&s.transition),
            State::Parallel(s) => Some(&s.transition),
            State::Map(s) => Some(&s.transition),
            State::Choice(_) | State::Succeed(_) | State::Fail(_) => None,
        }
    }

    /// Whether reaching this state can end its scope: Succeed, Fail, or `End: true`.
    pub fn is_terminal(&self) -> bool {
        matches!(self, State::Succeed(_) | State::Fail(_)) || matches!(self.transition(), Some(Transition::End))
    }

    /// Every state name this state can move to within its own scope, and
    /// the field that names it: `Next`, each Choice rule's `Next`, `Default`,
    /// each Catch `Next`.
    pub fn targets(&self) -> Vec<(Via, &str)> {
        let mut out = Vec::new();
        self.for_each_target(|via, name| out.push((via, name)));
        out
    }

    /// Calls `f` for each target of [`State::targets`], without allocating.
    pub fn for_each_target<'s>(&'s self, mut f: impl FnMut(Via, &'s str)) {
        if let Some(Transition::Next(n)) = self.transition() {
            f(Via::Next, n);
        }
        let catch = match self {
            State::Choice(c) => {
                for (i, rule) in c.choices.iter().enumerate() {
                    f(Via::Choice(i), &rule.next);
                }
                if let Some(d) = &c.default {
                    f(Via::Default, d);
                }
                return;
            }
            State::Task(t) => &t.catch,
            State::Parallel(p) => &p.catch,
            State::Map(m) => &m.catch,
            _ => return,
        };
        for (i, c) in catch.iter().flatten().enumerate() {
            f(Via::Catch(i), &c.next);
        }
    }

    /// The nested scopes of a Parallel (its branches) or Map (its item
    /// processor), with the pointer suffix of each.
    pub fn child_graphs(&self) -> Vec<(String, &Graph)> {
        match self {
            State::Parallel(p) => p.branches.iter().enumerate().map(|(i, b)| (format!("/Branches/{i}"), b)).collect(),
            State::Map(m) => vec![(format!("/{}", m.processor_key.as_str()), &m.item_processor.graph)],
            _ => Vec::new(),
        }
    }
}

/// The field through which a state names another (see [`State::targets`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// `Next`.
    Next,
    /// `Choices[i].Next`.
    Choice(usize),
    /// `Default`.
    Default,
    /// `Catch[i].Next`.
    Catch(usize),
}

impl Via {
    /// The JSON pointer of the field, relative to the state.
    pub fn pointer_suffix(self) -> String {
        match self {
            Via::Next => "/Next".to_string(),
            Via::Choice(i) => format!("/Choices/{i}/Next"),
            Via::Default => "/Default".to_string(),
            Via::Catch(i) => format!("/Catch/{i}/Next"),
        }
    }
}

/// Where a non-terminal state goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// `"Next": name`.
    Next(String),
    /// `"End": true`.
    End,
}
