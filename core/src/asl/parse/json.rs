//! Reading JSON text into a `serde_json::Value`, with the checks the
//! definition reader makes: syntax errors with line and column, and keys
//! repeated in one object (which a `Value` would silently collapse).

use serde_json::Value;

use super::dom::Node;
use crate::error::Problems;

/// Parses JSON text into a value. Reports a syntax error with its line and
/// column, and every key that appears twice in one object.
pub fn read_json(text: &str) -> Result<Value, Problems> {
    let (node, duplicates) = Node::parse(text).map_err(Problems::from)?;
    if duplicates.is_empty() { Ok(node.to_value()) } else { Err(Problems(duplicates)) }
}
