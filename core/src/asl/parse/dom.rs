//! A light, borrowed JSON tree for reading definitions fast.
//!
//! `serde_json::Value` with `preserve_order` spends most of its time in the
//! allocator and in hashing keys; a definition is read once, front to back,
//! so objects here are plain vectors and strings borrow from the text. The
//! parser turns only payloads (`Result`, templates) into `Value`s.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::{Code, Problem, escape_token};

/// A JSON value borrowed from the definition text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node<'a> {
    Null,
    Bool(bool),
    /// The number exactly as written.
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// Members in order; a repeated key appears twice (and is reported).
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl<'a> Node<'a> {
    /// Parses text. Syntax errors come back as one `INVALID_JSON` problem;
    /// duplicate keys are returned beside the tree so checking can go on.
    pub fn parse(text: &'a str) -> Result<(Node<'a>, Vec<Problem>), Problem> {
        let mut builder = Builder { path: Vec::new(), dups: Vec::new() };
        let mut de = serde_json::Deserializer::from_str(text);
        let node = (&mut builder)
            .deserialize(&mut de)
            .and_then(|node| de.end().map(|()| node))
            .map_err(|e| Problem::new(Code::InvalidJson, "", format!("not valid JSON: {e}")))?;
        Ok((node, builder.dups))
    }

    /// Borrows a `serde_json::Value`.
    pub fn from_value(value: &'a Value) -> Node<'a> {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Number(Cow::Owned(n.to_string())),
            Value::String(s) => Node::String(Cow::Borrowed(s)),
            Value::Array(items) => Node::Array(items.iter().map(Node::from_value).collect()),
            Value::Object(map) => {
                Node::Object(map.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Node::from_value(v))).collect())
            }
        }
    }

    /// Copies the node into a `serde_json::Value` (numbers keep their text).
    pub fn to_value(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(text) => text.parse::<serde_json::Number>().map(Value::Number).unwrap_or(Value::Null),
            Node::String(s) => Value::String(s.to_string()),
            Node::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Object(members) => {
                Value::Object(members.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect())
            }
        }
    }
}

/// Builds nodes while keeping the current path, so that a duplicate key can
/// be reported with its pointer.
struct Builder<'de> {
    path: Vec<Step<'de>>,
    dups: Vec<Problem>,
}

/// One step of the path to the value being built.
enum Step<'de> {
    Key(Cow<'de, str>),
    Index(usize),
}

impl Builder<'_> {
    /// The JSON pointer to `key` in the object being built.
    fn pointer_to(&self, key: &str) -> String {
        let mut ptr = String::new();
        for step in &self.path {
            ptr.push('/');
            match step {
                Step::Key(k) => ptr.push_str(&escape_token(k)),
                Step::Index(i) => ptr.push_str(&i.to_string()),
            }
        }
        ptr.push('/');
        ptr.push_str(&escape_token(key));
        ptr
    }
}

/// How serde_json (with `arbitrary_precision`, which this crate enables)
/// hands a number to a visitor: a one-entry map under this key, holding the
/// number's text. A test below fails if serde_json ever changes it.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> DeserializeSeed<'de> for &mut Builder<'de> {
    type Value = Node<'de>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Node<'de>, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut Builder<'de> {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node<'de>, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node<'de>, E> {
        Ok(Node::Number(Cow::Owned(v.to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node<'de>, E> {
        Ok(Node::Number(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node<'de>, E> {
        Ok(Node::Number(Cow::Owned(v.to_string())))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node<'de>, E> {
        Ok(Node::String(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            self.path.push(Step::Index(items.len()));
            let item = seq.next_element_seed(&mut *self)?;
            self.path.pop();
            match item {
                Some(node) => items.push(node),
                None => return Ok(Node::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Node<'de>)> = Vec::new();
        // Most objects are small and a linear scan finds duplicates fastest;
        // large ones (`States`) switch to a set.
        let mut seen: Option<rustc_hash::FxHashSet<Cow<'de, str>>> = None;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if members.is_empty() && key == NUMBER_TOKEN {
                let text: Cow<'de, str> = map.next_value_seed(KeySeed)?;
                return Ok(Node::Number(text));
            }
            if members.len() == 16 {
                seen = Some(members.iter().map(|(k, _)| k.clone()).collect());
            }
            let repeated = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => members.iter().any(|(k, _)| *k == key),
            };
            if repeated {
                let message = format!("`{key}` appears more than once in this object; only one can count");
                self.dups.push(Problem::new(Code::DuplicateKey, self.pointer_to(&key), message));
            }
            self.path.push(Step::Key(key.clone()));
            let value = map.next_value_seed(&mut *self)?;
            self.path.pop();
            members.push((key, value));
        }
        Ok(Node::Object(members))
    }
}

/// A key (or a number's text), borrowed from the input when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_exact_text() {
        let (node, _) = Node::parse(r#"[1.50, -0, 12345678901234567890123456789, 1e400]"#).unwrap();
        let Node::Array(items) = node else { panic!("not an array") };
        let texts: Vec<&str> = items.iter().map(|n| if let Node::Number(t) = n { t.as_ref() } else { "?" }).collect();
        // serde_json writes an exponent with its sign; the value is the same.
        assert_eq!(texts, ["1.50", "-0", "12345678901234567890123456789", "1e+400"]);
    }

    #[test]
    fn duplicate_keys_are_reported_with_pointers() {
        let (_, dups) = Node::parse(r#"{"a": {"b/c": 1, "b/c": 2}, "a": [{"x": 1, "x": 1}]}"#).unwrap();
        let pointers: Vec<&str> = dups.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(pointers, ["/a/b~1c", "/a", "/a/0/x"]);
    }

    #[test]
    fn syntax_errors_say_where() {
        let err = Node::parse("{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!(err.code, Code::InvalidJson);
        assert!(err.message.contains("line 3"), "{}", err.message);
        assert!(Node::parse("{} x").is_err());
    }

    #[test]
    fn values_round_trip() {
        let text = r#"{"z": [true, null, "s\u00e9", 1.0], "a": {"b": -2}}"#;
        let (node, _) = Node::parse(text).unwrap();
        let value = node.to_value();
        assert_eq!(Node::from_value(&value), node);
        assert_eq!(value, serde_json::from_str::<Value>(text).unwrap());
    }
}
