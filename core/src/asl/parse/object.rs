//! Reading one JSON object field by field, so that whatever is left over can
//! be reported as an unknown field.

use serde_json::{Map, Number, Value};

use super::fields::kind;
use super::{Cx, join};
use crate::error::Code;

/// A JSON object being read. Every accessor marks its key as known.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    ptr: String,
    taken: Vec<&'static str>,
    /// Fields already reported as misplaced: present, but read as absent.
    blocked: Vec<&'static str>,
}

impl<'a> Obj<'a> {
    /// Wraps `value` if it is an object; otherwise reports that it should be `what`.
    pub fn new(cx: &mut Cx, value: &'a Value, ptr: &str, what: &str) -> Option<Obj<'a>> {
        match value {
            Value::Object(map) => {
                Some(Obj { map, ptr: ptr.to_string(), taken: Vec::with_capacity(map.len()), blocked: Vec::new() })
            }
            other => {
                cx.report(Code::InvalidType, ptr, format!("{what} must be a JSON object, not {}", kind(other)));
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
        self.map.contains_key(key) && !self.blocked.contains(&key)
    }

    /// The field's value, marking it as known.
    pub fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        if self.blocked.contains(&key) {
            return None;
        }
        let value = self.map.get(key)?;
        if !self.taken.contains(&key) {
            self.taken.push(key);
        }
        Some(value)
    }

    /// Like [`Obj::get`], reporting a missing field.
    pub fn required(&mut self, cx: &mut Cx, key: &'static str) -> Option<&'a Value> {
        let value = self.get(key);
        if value.is_none() {
            cx.report(Code::MissingField, self.ptr.clone(), format!("`{key}` is required here"));
        }
        value
    }

    /// Marks a key as known without reading it (a field that was reported otherwise).
    pub fn skip(&mut self, key: &'static str) {
        if self.map.contains_key(key) {
            self.taken.push(key);
        }
    }

    /// A string field.
    pub fn str(&mut self, cx: &mut Cx, key: &'static str) -> Option<&'a str> {
        match self.get(key)? {
            Value::String(s) => Some(s),
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

    /// A boolean field.
    pub fn bool(&mut self, cx: &mut Cx, key: &'static str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
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
    pub fn number(&mut self, cx: &mut Cx, key: &'static str) -> Option<&'a Number> {
        match self.get(key)? {
            Value::Number(n) => Some(n),
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
    pub fn array(&mut self, cx: &mut Cx, key: &'static str) -> Option<&'a Vec<Value>> {
        match self.get(key)? {
            Value::Array(items) => Some(items),
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
            if self.has(key) && !self.taken.contains(key) {
                self.taken.push(key);
                self.blocked.push(key);
                cx.report(code, self.ptr_of(key), why(key));
            }
        }
    }

    /// Reports every field that no accessor asked for.
    pub fn finish(self, cx: &mut Cx, what: &str) {
        if self.taken.len() == self.map.len() {
            return;
        }
        for key in self.map.keys() {
            if !self.taken.iter().any(|t| t == key) {
                cx.report(Code::UnknownField, join(&self.ptr, key), format!("`{key}` is not a field of {what}"));
            }
        }
    }
}

/// Checks a whole number within `min..=max`.
pub(crate) fn uint_value(cx: &mut Cx, value: &Value, ptr: &str, key: &str, min: u64, max: u64) -> Option<u64> {
    let Value::Number(n) = value else {
        cx.report(Code::InvalidType, ptr, format!("`{key}` must be a whole number, not {}", kind(value)));
        return None;
    };
    match n.as_u64() {
        Some(v) if (min..=max).contains(&v) => Some(v),
        Some(_) => {
            cx.report(Code::OutOfRange, ptr, format!("`{key}` is {n}; it must be between {min} and {max}"));
            None
        }
        None if n.as_i64().is_some() => {
            cx.report(Code::OutOfRange, ptr, format!("`{key}` is {n}; it must be between {min} and {max}"));
            None
        }
        None => {
            let why = if n.as_f64().is_some_and(|f| f.fract() != 0.0) {
                "a whole number"
            } else {
                "a whole number without a fraction or exponent"
            };
            cx.report(Code::InvalidType, ptr, format!("`{key}` is {n}; it must be {why}"));
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
