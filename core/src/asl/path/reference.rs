//! Evaluating a reference path against a JSON value: read the node it names
//! ([`ReferencePath::get`]) or write one there with `ResultPath` semantics
//! ([`ReferencePath::set`]).

use serde_json::{Map, Value};

use super::{ReferencePath, Root, Segment};
use crate::error::kind_of;

impl ReferencePath {
    /// The node this path names in `root`, if present. Negative indexes count
    /// from the end. The root kind is ignored: callers pass the input, the
    /// context object or the variable's value as `root` themselves.
    pub fn get<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        self.0.segments().iter().try_fold(root, |node, segment| match segment {
            Segment::Field(name) => node.as_object()?.get(name),
            Segment::Index(index) => {
                let items = node.as_array()?;
                items.get(resolve_index(*index, items.len())?)
            }
            _ => None,
        })
    }

    /// Writes `value` at this path inside `root` with `ResultPath` semantics:
    /// missing fields are created as objects on the way, `$` replaces `root`.
    /// Fails if the way passes through a value that is not an object (for a
    /// field) or an array (for an index), or an index is out of range.
    pub fn set(&self, root: &mut Value, value: Value) -> Result<(), String> {
        let segments = self.0.segments();
        let Some((last, parents)) = segments.split_last() else {
            *root = value;
            return Ok(());
        };
        let mut node = root;
        for (depth, segment) in parents.iter().enumerate() {
            node = self.child_mut(node, segment, depth)?;
        }
        let depth = parents.len();
        match last {
            Segment::Field(name) => {
                self.object_mut(node, depth)?.insert(name.clone(), value);
            }
            _ => *self.child_mut(node, last, depth)? = value,
        }
        Ok(())
    }

    /// The child of `node` for `segment`, creating a missing field as `{}`.
    fn child_mut<'v>(&self, node: &'v mut Value, segment: &Segment, depth: usize) -> Result<&'v mut Value, String> {
        match segment {
            Segment::Field(name) => {
                let object = self.object_mut(node, depth)?;
                if !object.contains_key(name) && self.index_follows(depth) {
                    // Refuse before creating anything, so a failed write changes nothing.
                    return Err(format!(
                        "cannot write `{}`: `{}` does not exist, and only objects are created on the way",
                        self.as_str(),
                        self.prefix(depth + 1),
                    ));
                }
                Ok(object.entry(name.clone()).or_insert_with(|| Value::Object(Map::new())))
            }
            Segment::Index(index) => {
                let Value::Array(items) = node else {
                    return Err(self.set_error(depth, kind_of(node), "an array"));
                };
                let len = items.len();
                match resolve_index(*index, len).and_then(|i| items.get_mut(i)) {
                    Some(item) => Ok(item),
                    None => Err(format!(
                        "cannot write `{}`: index {index} is out of range for `{}`, which has {len} item{}",
                        self.as_str(),
                        self.prefix(depth),
                        plural(len),
                    )),
                }
            }
            _ => Err(format!("cannot write `{}`: not a reference path", self.as_str())),
        }
    }

    /// Whether an index comes after the segment at `depth`.
    fn index_follows(&self, depth: usize) -> bool {
        let rest = self.0.segments().get(depth + 1..).unwrap_or_default();
        rest.iter().any(|s| matches!(s, Segment::Index(_)))
    }

    fn object_mut<'v>(&self, node: &'v mut Value, depth: usize) -> Result<&'v mut Map<String, Value>, String> {
        match node {
            Value::Object(map) => Ok(map),
            other => Err(self.set_error(depth, kind_of(other), "an object")),
        }
    }

    fn set_error(&self, depth: usize, found: &str, wanted: &str) -> String {
        format!("cannot write `{}`: `{}` is {found}, not {wanted}", self.as_str(), self.prefix(depth))
    }

    /// The path's first `depth` segments as text, for error messages.
    fn prefix(&self, depth: usize) -> String {
        let mut out = match &self.0.root {
            Root::Input => "$".to_owned(),
            Root::Context => "$$".to_owned(),
            Root::Variable(name) => format!("${name}"),
        };
        for segment in self.0.segments().iter().take(depth) {
            match segment {
                Segment::Field(name) if is_plain_name(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                Segment::Field(name) => out.push_str(&format!("[{}]", Value::from(name.as_str()))),
                Segment::Index(index) => out.push_str(&format!("[{index}]")),
                _ => {}
            }
        }
        out
    }
}

/// A position in `0..len` for a Jayway index (negative counts from the end).
fn resolve_index(index: i64, len: usize) -> Option<usize> {
    if index >= 0 {
        usize::try_from(index).ok().filter(|&i| i < len)
    } else {
        len.checked_sub(usize::try_from(index.unsigned_abs()).ok()?)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
