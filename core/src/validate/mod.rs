//! Validation: every problem in a definition, each with a code, a JSON
//! pointer and a sentence.
//!
//! Problems local to one state or field are found while parsing (see
//! [`crate::asl`]); the rules here span states: transitions, scopes,
//! reachability, termination and quotas.

mod graph;
pub mod suggest;

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
        problems.push(size_problem(text.len()));
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

/// How deep JSON may nest: the limit `serde_json` puts on text, applied to
/// values built in code too, so no input can exhaust the stack.
pub const MAX_JSON_DEPTH: usize = 128;

/// Validates an ASL JSON value (with the same size and depth limits as text).
pub fn validate_value(value: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let depth = json_depth(value);
    if depth > MAX_JSON_DEPTH {
        let message = format!("the definition nests {depth} levels deep; at most {MAX_JSON_DEPTH} can be read");
        return vec![Problem::new(Code::QuotaExceeded, "", message)];
    }
    let bytes = json_len(value);
    if bytes > MAX_DEFINITION_BYTES {
        problems.push(size_problem(bytes));
    }
    problems.extend(validate_node(&Node::from_value(value)));
    problems
}

fn size_problem(bytes: usize) -> Problem {
    Problem::new(
        Code::QuotaExceeded,
        "",
        format!("the definition is {bytes} bytes; Step Functions accepts at most {MAX_DEFINITION_BYTES}"),
    )
}

/// How many arrays and objects enclose the deepest value (without recursion).
pub fn json_depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    deepest
}

/// The length of the value's compact JSON text, without building it.
fn json_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
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
