//! Validation: every problem in a definition, each with a code, a JSON
//! pointer and a sentence.
//!
//! Problems local to one state or field are found while parsing (see
//! [`crate::asl`]); the rules here span states: transitions, scopes,
//! reachability, termination and quotas.

mod graph;

use serde_json::Value;

use crate::asl::parse::dom::Node;
use crate::asl::{self, Definition};
use crate::error::{Code, Problem};

/// The largest definition Step Functions accepts, in bytes.
pub const MAX_DEFINITION_BYTES: usize = 1024 * 1024;

/// Validates ASL JSON text. An empty list means the definition is valid.
pub fn validate_str(text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if text.len() > MAX_DEFINITION_BYTES {
        problems.push(Problem::new(
            Code::QuotaExceeded,
            "",
            format!("the definition is {} bytes; Step Functions accepts at most {MAX_DEFINITION_BYTES}", text.len()),
        ));
    }
    match Node::parse(text) {
        Ok((node, duplicates)) => {
            problems.extend(duplicates);
            problems.extend(validate_node(&node));
        }
        Err(e) => problems.push(e),
    }
    problems
}

/// Validates an ASL JSON value.
pub fn validate_value(value: &Value) -> Vec<Problem> {
    validate_node(&Node::from_value(value))
}

fn validate_node(node: &Node<'_>) -> Vec<Problem> {
    let lenient = asl::parse::parse_lenient(node);
    let mut problems = lenient.problems;
    graph::check(&lenient.definition, &lenient.ghosts, &mut problems);
    problems
}

/// Validates a definition built or edited in code. It goes through the same
/// rules as text, so a field set to a value AWS rejects is caught too.
pub fn validate(def: &Definition) -> Vec<Problem> {
    validate_value(&asl::render_value(def))
}

/// Parses and validates ASL JSON text: the definition when nothing is wrong.
pub fn parse_valid(text: &str) -> Result<Definition, crate::Problems> {
    let problems = validate_str(text);
    if !problems.is_empty() {
        return Err(crate::Problems(problems));
    }
    asl::parse_str(text)
}
