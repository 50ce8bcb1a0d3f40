//! A state machine built from a start state: renders the linked states into
//! ASL, then checks the result with the same parser and validator as any
//! definition text.

use std::collections::{HashMap, VecDeque};

use serde_json::{Map, Value};

use super::chain::Chainable;
use super::node::{Kind, StateRef};
use crate::asl::parse::join;
use crate::asl::{self, Definition, QueryLanguage};
use crate::error::{Code, Problem, Problems};

/// A whole state machine: the start of its definition and its top-level fields.
#[derive(Debug, Clone)]
pub struct StateMachine {
    start: StateRef,
    comment: Option<String>,
    timeout_seconds: Option<u64>,
    query_language: Option<QueryLanguage>,
}

impl StateMachine {
    /// A state machine that starts with `definition`'s start state.
    pub fn new(definition: &dyn Chainable) -> StateMachine {
        StateMachine { start: definition.start_state(), comment: None, timeout_seconds: None, query_language: None }
    }

    /// The state the machine starts with (the bindings wrap it in a host object).
    pub fn start_state(&self) -> StateRef {
        self.start.clone()
    }

    /// Sets the top-level `Comment`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Sets `TimeoutSeconds` for the whole execution.
    pub fn timeout_seconds(mut self, seconds: u64) -> Self {
        self.timeout_seconds = Some(seconds);
        self
    }

    /// Sets the top-level `QueryLanguage`.
    pub fn query_language(mut self, ql: QueryLanguage) -> Self {
        self.query_language = Some(ql);
        self
    }

    /// The typed definition, after every check.
    pub fn to_definition(&self) -> Result<Definition, Problems> {
        crate::validate::parse_valid_value(&self.assemble()?)
    }

    /// The ASL JSON text, in canonical form.
    pub fn render(&self) -> Result<String, Problems> {
        Ok(asl::render(&self.to_definition()?))
    }

    /// The ASL JSON value, in canonical form.
    pub fn to_json(&self) -> Result<Value, Problems> {
        Ok(asl::render_value(&self.to_definition()?))
    }

    /// Walks the linked states into ASL JSON, without validating fields.
    fn assemble(&self) -> Result<Value, Problems> {
        let mut walk = Walk::default();
        let graph = walk.scope(&self.start, "");
        if !walk.problems.is_empty() {
            return Err(Problems(walk.problems));
        }
        let Value::Object(mut graph) = graph else { return Err(internal()) };
        let mut top = Map::new();
        if let Some(c) = &self.comment {
            top.insert("Comment".into(), c.clone().into());
        }
        if let Some(ql) = self.query_language {
            top.insert("QueryLanguage".into(), ql.into());
        }
        top.append(&mut graph);
        if let Some(t) = self.timeout_seconds {
            top.insert("TimeoutSeconds".into(), t.into());
        }
        Ok(Value::Object(top))
    }
}

fn internal() -> Problems {
    Problems::from(Problem::new(Code::Internal, "", "rendering produced a non-object scope"))
}

/// The state of one render: which scope owns each state, which state owns
/// each name, and what went wrong.
#[derive(Default)]
struct Walk {
    /// State id → pointer of the scope that holds it.
    owner: HashMap<usize, String>,
    /// Name → state id, across every scope.
    names: HashMap<String, usize>,
    problems: Vec<Problem>,
    /// How many scopes deep the walk is.
    depth: usize,
}

/// How deep Parallel and Map states may nest in a built state machine: well
/// inside what a definition can hold (128 levels of JSON, about 3 per scope).
const MAX_NESTING: usize = 40;

impl Walk {
    /// Renders the scope that starts at `start` as `{"StartAt", "States"}`.
    /// Every state of the scope is claimed before any nested scope is walked,
    /// so a transition out of a branch is reported at the branch.
    fn scope(&mut self, start: &StateRef, scope_ptr: &str) -> Value {
        self.depth += 1;
        let value = if self.depth > MAX_NESTING {
            let message = format!("Parallel and Map states nest more than {MAX_NESTING} deep here");
            self.problems.push(Problem::new(Code::QuotaExceeded, scope_ptr, message));
            Value::Object(Map::new())
        } else {
            self.scope_states(start, scope_ptr)
        };
        self.depth -= 1;
        value
    }

    fn scope_states(&mut self, start: &StateRef, scope_ptr: &str) -> Value {
        let members = self.claim(start, scope_ptr);
        let mut states = Map::with_capacity(members.len());
        for state in &members {
            let name = state.name();
            let ptr = join(&join(scope_ptr, "States"), &name);
            let value = self.state(state, &ptr);
            states.insert(name, value);
        }
        let mut graph = Map::new();
        graph.insert("StartAt".into(), start.name().into());
        graph.insert("States".into(), Value::Object(states));
        Value::Object(graph)
    }

    /// The states of a scope in breadth-first order from its start.
    fn claim(&mut self, start: &StateRef, scope_ptr: &str) -> Vec<StateRef> {
        let mut members = Vec::new();
        let mut queue = VecDeque::from([(start.clone(), join(scope_ptr, "StartAt"))]);
        while let Some((state, via)) = queue.pop_front() {
            match self.owner.get(&state.id()) {
                Some(owner) if owner == scope_ptr => continue,
                Some(owner) => {
                    let message = format!(
                        "`{}` belongs to {}; a transition cannot leave or enter a Parallel branch or Map item processor",
                        state.name(),
                        if owner.is_empty() { "the top level".to_string() } else { format!("the scope at {owner}") }
                    );
                    self.problems.push(Problem::new(Code::TransitionOutOfScope, via, message));
                    continue;
                }
                None => {}
            }
            let name = state.name();
            let ptr = join(&join(scope_ptr, "States"), &name);
            if let Some(&other) = self.names.get(&name) {
                if other != state.id() {
                    self.problems.push(Problem::new(
                        Code::DuplicateStateName,
                        ptr.clone(),
                        format!(
                            "two different states are named `{name}`; give each state its own name (or use `{}` on reused fragments)",
                            super::naming::api("prefix_states")
                        ),
                    ));
                    continue;
                }
            }
            self.names.insert(name, state.id());
            self.owner.insert(state.id(), scope_ptr.to_string());
            for (suffix, next) in transitions(&state) {
                queue.push_back((next, format!("{ptr}{suffix}")));
            }
            members.push(state);
        }
        members
    }

    /// One state's ASL object.
    fn state(&mut self, state: &StateRef, ptr: &str) -> Value {
        let (kind, fields, next, choices, default, retries, catches, branches, processor) = {
            let n = state.lock();
            (
                n.kind,
                n.fields.clone(),
                n.next.clone(),
                n.choices.clone(),
                n.default.clone(),
                n.retries.clone(),
                n.catches.clone(),
                n.branches.clone(),
                n.processor.clone(),
            )
        };
        let mut o = Map::new();
        o.insert("Type".into(), kind.as_str().into());
        o.extend(fields);
        if kind == Kind::Choice {
            let rules = choices
                .into_iter()
                .map(|c| {
                    let mut rule = c.rule;
                    rule.insert("Next".into(), c.target.name().into());
                    Value::Object(rule)
                })
                .collect();
            o.insert("Choices".into(), Value::Array(rules));
            if let Some(d) = default {
                o.insert("Default".into(), d.name().into());
            }
        }
        if kind == Kind::Parallel {
            let rendered =
                branches.iter().enumerate().map(|(i, b)| self.scope(b, &format!("{ptr}/Branches/{i}"))).collect();
            o.insert("Branches".into(), Value::Array(rendered));
        }
        if let Some((start, config)) = processor {
            let mut p = match self.scope(&start, &join(ptr, "ItemProcessor")) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            if let Some(c) = config {
                let mut with_config = Map::new();
                with_config.insert("ProcessorConfig".into(), c);
                with_config.append(&mut p);
                p = with_config;
            }
            o.insert("ItemProcessor".into(), Value::Object(p));
        }
        if kind.handles_errors() {
            if !retries.is_empty() {
                o.insert("Retry".into(), Value::Array(retries));
            }
            if !catches.is_empty() {
                let rendered = catches
                    .into_iter()
                    .map(|c| {
                        let mut f = c.fields;
                        f.insert("Next".into(), c.target.name().into());
                        Value::Object(f)
                    })
                    .collect();
                o.insert("Catch".into(), Value::Array(rendered));
            }
        }
        if kind.has_next() {
            match next {
                Some(n) => o.insert("Next".into(), n.name().into()),
                None => o.insert("End".into(), true.into()),
            };
        }
        Value::Object(o)
    }
}

/// A state's outgoing transitions with the pointer suffix of each.
fn transitions(state: &StateRef) -> Vec<(String, StateRef)> {
    let n = state.lock();
    let mut out = Vec::new();
    if let Some(next) = &n.next {
        out.push(("/Next".to_string(), next.clone()));
    }
    for (i, c) in n.choices.iter().enumerate() {
        out.push((format!("/Choices/{i}/Next"), c.target.clone()));
    }
    if let Some(d) = &n.default {
        out.push(("/Default".to_string(), d.clone()));
    }
    for (i, c) in n.catches.iter().enumerate() {
        out.push((format!("/Catch/{i}/Next"), c.target.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{Fragment, Pass, Succeed};

    #[test]
    fn a_reused_name_points_at_prefix_states() {
        let first = Pass::new("Step");
        let second = Pass::new("Step");
        let chain = first.next(&second).and_then(|c| c.next(&Succeed::new("Done"))).expect("links");
        let problems = StateMachine::new(&chain).render().expect_err("two states share a name").0;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, Code::DuplicateStateName);
        assert_eq!(problems[0].pointer, "/States/Step");
        assert!(
            problems[0].message.contains("(or use `prefix_states` on reused fragments)"),
            "{}",
            problems[0].message
        );
        // What the message suggests works.
        let renamed = Fragment::from_chainable(&second).prefix_states("Second ");
        assert_eq!(renamed.states()[0].name(), "Second Step");
        assert!(StateMachine::new(&chain).render().is_ok());
    }
}
