//! Validation: every problem in a definition, each with a code, a JSON
//! pointer and a sentence.
//!
//! Problems local to one state or field are found while parsing (see
//! [`crate::asl`]); the rules here span states: transitions, scopes,
//! reachability, termination and quotas. The codes and their documentation
//! are in [`crate::codes`].

mod graph;
pub mod suggest;

use serde_json::Value;

use crate::asl::limits::{depth_problem, json_len, size_problem};
use crate::asl::parse::dom::Node;
use crate::asl::{self, Definition};
use crate::error::{Code, Problem, Problems};

pub use crate::asl::limits::{MAX_DEFINITION_BYTES, MAX_JSON_DEPTH, json_depth};

/// Validates ASL JSON text. An empty list means the definition is valid.
pub fn validate_str(text: &str) -> Vec<Problem> {
    check_str(text).problems
}

/// Validates an ASL JSON value (with the same size and depth limits as text).
pub fn validate_value(value: &Value) -> Vec<Problem> {
    check_value(value).problems
}

/// Validates a definition built or edited in code. It goes through the same
/// rules as text, so a field set to a value AWS rejects is caught too.
pub fn validate(def: &Definition) -> Vec<Problem> {
    validate_value(&asl::render_value(def))
}

/// Parses and validates ASL JSON text: the definition when nothing is wrong.
pub fn parse_valid(text: &str) -> Result<Definition, Problems> {
    check_str(text).into_result()
}

/// Parses and validates an ASL JSON value: the definition when nothing is wrong.
pub fn parse_valid_value(value: &Value) -> Result<Definition, Problems> {
    check_value(value).into_result()
}

/// What one pass over a definition found: every problem and, when the JSON
/// could be read, the definition as far as it could be parsed. The parse that
/// validation needs is the one whose result is returned: nothing is read twice.
struct Checked {
    problems: Vec<Problem>,
    definition: Option<Definition>,
}

impl Checked {
    fn into_result(self) -> Result<Definition, Problems> {
        match self.definition {
            Some(definition) if self.problems.is_empty() => Ok(definition),
            _ if !self.problems.is_empty() => Err(Problems(self.problems)),
            // Unreadable JSON always comes with a problem; this is a bug if reached.
            _ => Err(Problems::from(Problem::new(Code::Internal, "", "a definition without problems was not read"))),
        }
    }
}

fn check_str(text: &str) -> Checked {
    let mut problems: Vec<Problem> = size_problem(text.len()).into_iter().collect();
    match Node::parse(text) {
        Ok((node, duplicates)) => {
            problems.extend(duplicates);
            let definition = check_node(&node, &mut problems);
            Checked { problems, definition: Some(definition) }
        }
        Err(e) => {
            problems.push(e);
            Checked { problems, definition: None }
        }
    }
}

fn check_value(value: &Value) -> Checked {
    if let Some(deep) = depth_problem(value) {
        return Checked { problems: vec![deep], definition: None };
    }
    let mut problems: Vec<Problem> = size_problem(json_len(value)).into_iter().collect();
    let definition = check_node(&Node::from_value(value), &mut problems);
    Checked { problems, definition: Some(definition) }
}

/// Parses leniently and checks the graph; the problems go to `problems`.
fn check_node(node: &Node<'_>, problems: &mut Vec<Problem>) -> Definition {
    let lenient = asl::parse::parse_lenient(node);
    problems.extend(lenient.problems);
    graph::check(&lenient.definition, &lenient.ghosts, problems);
    lenient.definition
}
