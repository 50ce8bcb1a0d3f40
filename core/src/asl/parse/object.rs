//! Reading one JSON object field by field, so that whatever is left over can
//! be reported as an unknown field.

use std::borrow::Cow;

use serde_json::Number;

use super::dom::Node;
use super::fields::kind;
use super::{Cx, join};
use crate::error::Code;

/// A JSON object being read. Every accessor marks its member as known.
pub(crate) struct Obj<'a> {
    members: &'a [(Cow<'a, str>, Node<'a>)],
    ptr: String,
    /// Members read so far, by index (a definition is read once, so this is
    /// a small set: bits for the first 64 members, a list beyond).
    taken: Marks,
    /// Members already reported as misplaced: present, but read as absent.
    blocked: Marks,
}

/// A set of member indexes.
#[derive(Default)]
struct Marks {
    low: u64,
    high: Vec<usize>,
}

impl Marks {
    fn insert(&mut self, i: usize) {
        if i < 64 {
            self.low |= 1 << i;
        } else if !self.high.contains(&i) {
            self.high.push(i);
        }
    }

    fn contains(&self, i: usize) -> bool {
        if i < 64 { self.low & (1 << i) != 0 } else { self.high.contains(&i) }
    }
}

impl<'a> Obj<'a> {
    /// Wraps `value` if it is an object; otherwise reports that it should be `what`.
    pub fn new(cx: &mut Cx, value: &'a Node<'a>, ptr: impl Into<String>, what: &str) -> Option<Obj<'a>> {
        match value {
            Node::Object(members) => {
                Some(Obj { members, ptr: ptr.into(), taken: Marks::default(), blocked: Marks::default() })
            }
            other => {
                cx.report(Code::InvalidType, ptr, format!("{what} must be a JSON object, not {}", describe(other)));
                None
            }
        }
    }

    /// The pointer to this object.
    pub fn ptr(&self) -> &str {
        &self.ptr
    }

    /// The pointer to one of its fields.
    pub fn ptr_of(&self, key: &str) -> String {
        join(&self.ptr, key)
    }

    /// Whether the object has `key` (without marking it).
    pub fn has(&self, key: &str) -> bool {
        self.index_of(key).is_some_and(|i| !self.blocked.contains(i))
    }

    fn index_of(&self, key: &str) -> Option<usize> {
        // Most lookups miss (a state has a few of the fields its type allows):
        // compare lengths and first bytes before the strings.
        let (len, first) = (key.len(), key.as_bytes().first());
        // The last occurrence counts, as in `serde_json::Value` (a repeated key
        // is reported when the text is read).
        self.members.iter().rposition(|(k, _)| k.len() == len && k.as_bytes().first() == first && k == key)
    }

    /// The field's value, marking it as known.
    pub fn get(&mut self, key: &str) -> Option<&'a Node<'a>> {
        let i = self.index_of(key)?;
        if self.blocked.contains(i) {
            return None;
        }
        self.taken.insert(i);
        Some(&self.members[i].1)
    }

    /// Like [`Obj::get`], reporting a missing field.
    pub fn required(&mut self, cx: &mut Cx, key: &'static str) -> Option<&'a Node<'a>> {
        let value = self.get(key);
        if value.is_none() {
            cx.report(Code::MissingField, self.ptr.clone(), format!("`{key}` is required here"));
        }
        value
    }

    /// Marks a key as known without reading it (a field that was reported otherwise).
    pub fn skip(&mut self, key: &str) {
        if let Some(i) = self.index_of(key) {
            self.taken.insert(i);
        }
    }

    /// A string field.
    pub fn str(&mut self, cx: &mut Cx, key: &'static str) -> Option<&'a str> {
        match self.get(key)? {
            Node::String(s) => Some(s),
            other => {
                cx.report(
                    Code::InvalidType,
                    self.ptr_of(key),
                    format!("`{key}` must be a string, not {}", kind(other)),
                );
                None
            }
        }
    }

    /// A string field, owned.
    pub fn string(&mut self, cx: &mut Cx, key: &'static str) -> Option<String> {
        self.str(cx, key).map(str::to_string)
    }

    /// A required string field.
    pub fn required_string(&mut self, cx: &mut Cx, key: &'static str) -> Option<String> {
        if !self.has(key) {
            cx.report(Code::MissingField, self.ptr.clone(), format!("`{key}` is required here"));
            return None;
        }
        self.string(cx, key)
    }

    /// Marks a field as known and read as absent, without a report (one was made already).
    pub fn block(&mut self, key: &str) {
        if let Some(i) = self.index_of(key) {
            self.taken.insert(i);
            self.blocked.insert(i);
        }
    }

    /// A boolean field.
    pub fn bool(&mut self, cx: &mut Cx, key: &'static str) -> Option<bool> {
        match self.get(key)? {
            Node::Bool(b) => Some(*b),
            other => {
                cx.report(
                    Code::InvalidType,
                    self.ptr_of(key),
                    format!("`{key}` must be true or false, not {}", kind(other)),
                );
                None
            }
        }
    }

    /// A whole-number field within `min..=max`.
    pub fn uint(&mut self, cx: &mut Cx, key: &'static str, min: u64, max: u64) -> Option<u64> {
        let value = self.get(key)?;
        uint_value(cx, value, &self.ptr_of(key), key, min, max)
    }

    /// A number field (kept as written).
    pub fn number(&mut self, cx: &mut Cx, key: &'static str) -> Option<Number> {
        match self.get(key)? {
            Node::Number(n) => n.parse().ok(),
            other => {
                cx.report(
                    Code::InvalidType,
                    self.ptr_of(key),
                    format!("`{key}` must be a number, not {}", kind(other)),
                );
                None
            }
        }
    }

    /// An array field.
    pub fn array(&mut self, cx: &mut Cx, key: &'static str) -> Option<&'a [Node<'a>]> {
        match self.get(key)? {
            Node::Array(items) => Some(items),
            other => {
                cx.report(
                    Code::InvalidType,
                    self.ptr_of(key),
                    format!("`{key}` must be an array, not {}", kind(other)),
                );
                None
            }
        }
    }

    /// A string field that must be one of `allowed`.
    pub fn one_of(&mut self, cx: &mut Cx, key: &'static str, allowed: &[&str]) -> Option<String> {
        let s = self.str(cx, key)?;
        if allowed.contains(&s) {
            Some(s.to_string())
        } else {
            cx.report(
                Code::InvalidValue,
                self.ptr_of(key),
                format!("`{key}` is \"{s}\"; it must be one of {}", quoted_list(allowed)),
            );
            None
        }
    }

    /// Reports each of `keys` that is present; they then count as known but read as absent.
    pub fn reject(&mut self, cx: &mut Cx, keys: &[&'static str], code: Code, why: impl Fn(&str) -> String) {
        for key in keys {
            if let Some(i) = self.index_of(key).filter(|&i| !self.taken.contains(i)) {
                self.taken.insert(i);
                self.blocked.insert(i);
                cx.report(code, self.ptr_of(key), why(key));
            }
        }
    }

    /// Reports every field that no accessor asked for.
    pub fn finish(self, cx: &mut Cx, what: &str) {
        for (i, (key, _)) in self.members.iter().enumerate() {
            // An earlier occurrence of a repeated key is never read (the last
            // counts) and was reported when the text was read.
            if !self.taken.contains(i) && !self.members[i + 1..].iter().any(|(k, _)| k == key) {
                cx.report(Code::UnknownField, join(&self.ptr, key), format!("`{key}` is not a field of {what}"));
            }
        }
    }
}

/// "a string (\"oops\")": the kind of a value and, for scalars, the value, shortened.
pub(crate) fn describe(value: &Node<'_>) -> String {
    let shown = match value {
        Node::String(s) => format!("{s:?}"),
        Node::Number(n) => n.to_string(),
        Node::Bool(b) => b.to_string(),
        _ => return kind(value).to_string(),
    };
    let shown: String =
        if shown.chars().count() > 40 { shown.chars().take(37).chain("...".chars()).collect() } else { shown };
    format!("{} ({shown})", kind(value))
}

/// Checks a whole number within `min..=max`.
pub(crate) fn uint_value(cx: &mut Cx, value: &Node<'_>, ptr: &str, key: &str, min: u64, max: u64) -> Option<u64> {
    let Node::Number(text) = value else {
        cx.report(Code::InvalidType, ptr, format!("`{key}` must be a whole number, not {}", kind(value)));
        return None;
    };
    let whole = text.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'));
    match text.parse::<u64>() {
        Ok(v) if (min..=max).contains(&v) => Some(v),
        _ if whole => {
            cx.report(Code::OutOfRange, ptr, format!("`{key}` is {text}; it must be between {min} and {max}"));
            None
        }
        _ => {
            let fraction = text.parse::<f64>().is_ok_and(|f| f.fract() != 0.0);
            let why = if fraction { "a whole number" } else { "a whole number without a fraction or exponent" };
            cx.report(Code::InvalidType, ptr, format!("`{key}` is {text}; it must be {why}"));
            None
        }
    }
}

/// `"A", "B" or "C"`.
pub(crate) fn quoted_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("\"{one}\""),
        [rest @ .., last] => {
            let head: Vec<String> = rest.iter().map(|s| format!("\"{s}\"")).collect();
            format!("{} or \"{last}\"", head.join(", "))
        }
    }
}
