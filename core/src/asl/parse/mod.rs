//! ASL JSON → [`Definition`], reporting every structural problem at once.
//!
//! The parser is lenient internally: a broken field is reported and skipped
//! (or replaced by a neutral value) so that the rest of the definition is still
//! read and the validator can check the graph too. The public functions only
//! return a [`Definition`] when nothing was wrong.

mod choice;
pub(crate) mod dom;
mod fields;
mod json;
mod map;
mod object;
mod states;

use std::collections::HashSet;

use serde_json::Value;

use super::{Definition, Graph, QueryLanguage};
use crate::error::{Code, Problem, Problems};
use dom::Node;
use object::Obj;

pub use json::read_json;

/// Parses ASL JSON text. Every problem found is in the error.
pub fn parse_str(text: &str) -> Result<Definition, Problems> {
    let (node, mut problems) = Node::parse(text).map_err(Problems::from)?;
    let lenient = parse_lenient(&node);
    problems.extend(lenient.problems);
    if problems.is_empty() { Ok(lenient.definition) } else { Err(Problems(problems)) }
}

/// Parses an ASL JSON value. Every problem found is in the error.
pub fn parse_value(value: &Value) -> Result<Definition, Problems> {
    if let Some(deep) = super::limits::depth_problem(value) {
        return Err(Problems::from(deep));
    }
    let lenient = parse_lenient(&Node::from_value(value));
    if lenient.problems.is_empty() { Ok(lenient.definition) } else { Err(Problems(lenient.problems)) }
}

/// Parses ASL JSON text (alias of [`parse_str`]).
pub fn parse(text: &str) -> Result<Definition, Problems> {
    parse_str(text)
}

/// What the lenient parser produced: the definition as far as it could be
/// read, the problems, and the states it had to leave out.
pub(crate) struct Lenient {
    pub definition: Definition,
    pub problems: Vec<Problem>,
    /// JSON pointers of scopes (`""`, `/States/P/Branches/0`, …) paired with
    /// the names of states there that could not be read at all (no or bad `Type`).
    /// Graph checks treat those names as existing but opaque.
    pub ghosts: HashSet<(String, String)>,
}

/// Reads as much of the definition as possible.
pub(crate) fn parse_lenient(value: &Node<'_>) -> Lenient {
    let mut cx = Cx { problems: Vec::new(), ghosts: HashSet::new(), default_ql: QueryLanguage::JsonPath };
    let definition = definition(&mut cx, value);
    Lenient { definition, problems: cx.problems, ghosts: cx.ghosts }
}

/// Parsing context: where problems go and what the defaults are.
pub(crate) struct Cx {
    pub problems: Vec<Problem>,
    pub ghosts: HashSet<(String, String)>,
    /// The top-level `QueryLanguage`, inherited by every state.
    pub default_ql: QueryLanguage,
}

impl Cx {
    /// Records a problem.
    pub fn report(&mut self, code: Code, pointer: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(code, pointer, message));
    }
}

/// Stands, in the lenient parse, for a state name that was not given (a
/// missing `Next` or `StartAt`, already reported): the graph checks skip it.
/// No definition can name a state this way in earnest.
pub(crate) const MISSING_NAME: &str = "\u{0}missing";

/// [`MISSING_NAME`], owned.
pub(crate) fn missing_name() -> String {
    MISSING_NAME.to_string()
}

/// The stand-in for a scope that could not be read (already reported).
pub(crate) fn unreadable_graph() -> Graph {
    Graph { start_at: missing_name(), ..Graph::default() }
}

/// Appends a reference token to a pointer.
pub(crate) fn join(ptr: &str, token: &str) -> String {
    let token = crate::error::escape_token(token);
    let mut s = String::with_capacity(ptr.len() + token.len() + 1);
    s.push_str(ptr);
    s.push('/');
    s.push_str(&token);
    s
}

fn definition(cx: &mut Cx, value: &Node<'_>) -> Definition {
    let mut def = Definition {
        comment: None,
        query_language: None,
        graph: unreadable_graph(),
        timeout_seconds: None,
        version: None,
    };
    let Some(mut obj) = Obj::new(cx, value, "", "a state machine definition") else {
        return def;
    };
    def.query_language = fields::query_language(cx, &mut obj);
    if let Some(ql) = def.query_language {
        cx.default_ql = ql;
    }
    def.comment = obj.string(cx, "Comment");
    def.timeout_seconds = obj.uint(cx, "TimeoutSeconds", 1, fields::MAX_SECONDS);
    if let Some(version) = obj.str(cx, "Version") {
        if version != "1.0" {
            cx.report(
                Code::InvalidValue,
                obj.ptr_of("Version"),
                format!("`Version` is \"{version}\"; the only version is \"1.0\""),
            );
        }
        def.version = Some(version.to_string());
    }
    def.graph = graph_body(cx, &mut obj);
    obj.finish(cx, "a state machine definition");
    def
}

/// Reads `StartAt` and `States` of a scope from `obj` (callers read `Comment`).
pub(crate) fn graph_body(cx: &mut Cx, obj: &mut Obj<'_>) -> Graph {
    let mut graph =
        Graph { start_at: obj.required_string(cx, "StartAt").unwrap_or_else(missing_name), ..Graph::default() };
    let states_ptr = obj.ptr_of("States");
    match obj.required(cx, "States") {
        Some(Node::Object(map)) => {
            if map.is_empty() {
                cx.report(Code::EmptyList, states_ptr.clone(), "`States` has no states");
            }
            graph.states.reserve(map.len());
            for (name, state_value) in map {
                let ptr = join(&states_ptr, name);
                states::check_name(cx, name, &ptr);
                match states::state(cx, state_value, ptr) {
                    Some(state) => {
                        graph.states.insert(name.to_string(), state);
                    }
                    None => {
                        cx.ghosts.insert((obj.ptr().to_string(), name.to_string()));
                    }
                }
            }
        }
        Some(other) => {
            cx.report(
                Code::InvalidType,
                states_ptr,
                format!("`States` must be an object of states, not {}", fields::kind(other)),
            );
            // The scope cannot be read: graph checks skip it.
            cx.ghosts.insert((obj.ptr().to_string(), String::new()));
        }
        None => {}
    }
    graph
}
