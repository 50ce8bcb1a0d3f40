//! DynamoDB attribute values, plain JSON ↔ attribute values, and the
//! "DynamoDB JSON" text form (`{"S": "x"}`) the AWS CLI prints.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::number;
use crate::error::kind_of as kind;

/// How deep DynamoDB lets documents (lists and maps) nest.
pub const MAX_DEPTH: usize = 32;

/// An item: attribute names to values, in order.
pub type Item = IndexMap<String, AttributeValue>;

/// One DynamoDB attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    /// `S`: a string.
    S(String),
    /// `N`: a number, as normalized decimal text.
    N(String),
    /// `B`: binary.
    B(Vec<u8>),
    /// `BOOL`.
    Bool(bool),
    /// `NULL`.
    Null,
    /// `M`: a map.
    M(Item),
    /// `L`: a list.
    L(Vec<AttributeValue>),
    /// `SS`: a set of strings (non-empty, no repeats).
    Ss(Vec<String>),
    /// `NS`: a set of numbers.
    Ns(Vec<String>),
    /// `BS`: a set of binaries.
    Bs(Vec<Vec<u8>>),
}

/// Why a value cannot be an attribute value, and where in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarshalError {
    /// JSON pointer to the offending value, relative to what was marshalled.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl MarshalError {
    /// An error at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        MarshalError { pointer: pointer.into(), message: message.into() }
    }
}

impl fmt::Display for MarshalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for MarshalError {}

/// Builds the pointer of a child without allocating until an error needs it.
#[derive(Clone, Copy)]
pub enum Path<'p> {
    /// The value being marshalled.
    Root,
    /// A member of a map.
    Key(&'p Path<'p>, &'p str),
    /// An element of a list or set.
    Index(&'p Path<'p>, usize),
    /// The type tag of a value in DynamoDB JSON (`/a/L`): part of the
    /// pointer, but not a level of nesting.
    Tag(&'p Path<'p>, &'p str),
}

impl Path<'_> {
    /// The JSON pointer.
    pub fn pointer(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Key(parent, key) => format!("{}/{}", parent.pointer(), crate::error::escape_token(key)),
            Path::Index(parent, i) => format!("{}/{i}", parent.pointer()),
            Path::Tag(parent, tag) => format!("{}/{tag}", parent.pointer()),
        }
    }

    /// How many lists and maps enclose this value.
    pub fn depth(&self) -> usize {
        match self {
            Path::Root => 0,
            Path::Key(parent, _) | Path::Index(parent, _) => parent.depth() + 1,
            Path::Tag(parent, _) => parent.depth(),
        }
    }

    /// An error here.
    pub fn error(&self, message: impl Into<String>) -> MarshalError {
        MarshalError::new(self.pointer(), message)
    }
}

impl AttributeValue {
    /// A number attribute from decimal text, checked and normalized.
    pub fn number(text: &str) -> Result<AttributeValue, String> {
        number::normalize(text).map(AttributeValue::N)
    }

    /// A string set: non-empty, without repeats.
    pub fn string_set(items: Vec<String>) -> Result<AttributeValue, String> {
        check_set(&items, |s| s.clone())?;
        Ok(AttributeValue::Ss(items))
    }

    /// A number set: non-empty, without repeats (after normalizing).
    pub fn number_set(items: &[String]) -> Result<AttributeValue, String> {
        let normalized = items.iter().map(|n| number::normalize(n)).collect::<Result<Vec<_>, _>>()?;
        check_set(&normalized, |s| s.clone())?;
        Ok(AttributeValue::Ns(normalized))
    }

    /// A binary set: non-empty, without repeats.
    pub fn binary_set(items: Vec<Vec<u8>>) -> Result<AttributeValue, String> {
        check_set(&items, |b| b.clone())?;
        Ok(AttributeValue::Bs(items))
    }

    /// The DynamoDB JSON form: `{"S": "x"}`, `{"N": "1"}`, `{"B": "<base64>"}`, …
    pub fn to_dynamodb_json(&self) -> Value {
        let (tag, value) = match self {
            AttributeValue::S(s) => ("S", Value::String(s.clone())),
            AttributeValue::N(n) => ("N", Value::String(n.clone())),
            AttributeValue::B(b) => ("B", Value::String(BASE64.encode(b))),
            AttributeValue::Bool(b) => ("BOOL", Value::Bool(*b)),
            AttributeValue::Null => ("NULL", Value::Bool(true)),
            AttributeValue::M(m) => ("M", item_to_dynamodb_json(m)),
            AttributeValue::L(l) => ("L", Value::Array(l.iter().map(AttributeValue::to_dynamodb_json).collect())),
            AttributeValue::Ss(s) => ("SS", Value::Array(s.iter().cloned().map(Value::String).collect())),
            AttributeValue::Ns(n) => ("NS", Value::Array(n.iter().cloned().map(Value::String).collect())),
            AttributeValue::Bs(b) => ("BS", Value::Array(b.iter().map(|x| Value::String(BASE64.encode(x))).collect())),
        };
        let mut map = Map::with_capacity(1);
        map.insert(tag.to_string(), value);
        Value::Object(map)
    }

    /// Reads the DynamoDB JSON form.
    pub fn from_dynamodb_json(value: &Value) -> Result<AttributeValue, MarshalError> {
        from_typed(value, &Path::Root)
    }

    /// The plain JSON form: maps and lists as objects and arrays, numbers as
    /// JSON numbers with their exact digits, sets as arrays, binary as base64.
    pub fn to_plain_json(&self) -> Value {
        match self {
            AttributeValue::S(s) => Value::String(s.clone()),
            AttributeValue::N(n) => number_value(n),
            AttributeValue::B(b) => Value::String(BASE64.encode(b)),
            AttributeValue::Bool(b) => Value::Bool(*b),
            AttributeValue::Null => Value::Null,
            AttributeValue::M(m) => item_to_plain_json(m),
            AttributeValue::L(l) => Value::Array(l.iter().map(AttributeValue::to_plain_json).collect()),
            AttributeValue::Ss(s) => Value::Array(s.iter().cloned().map(Value::String).collect()),
            AttributeValue::Ns(n) => Value::Array(n.iter().map(|x| number_value(x)).collect()),
            AttributeValue::Bs(b) => Value::Array(b.iter().map(|x| Value::String(BASE64.encode(x))).collect()),
        }
    }

    /// The bytes DynamoDB counts for this value (item size rules).
    pub fn size(&self) -> usize {
        match self {
            AttributeValue::S(s) => s.len(),
            AttributeValue::N(n) => number::size(n),
            AttributeValue::B(b) => b.len(),
            AttributeValue::Bool(_) | AttributeValue::Null => 1,
            AttributeValue::M(m) => 3 + m.iter().map(|(k, v)| k.len() + v.size() + 1).sum::<usize>(),
            AttributeValue::L(l) => 3 + l.iter().map(|v| v.size() + 1).sum::<usize>(),
            AttributeValue::Ss(s) => s.iter().map(String::len).sum(),
            AttributeValue::Ns(n) => n.iter().map(|x| number::size(x)).sum(),
            AttributeValue::Bs(b) => b.iter().map(Vec::len).sum(),
        }
    }

    /// The type tag (`S`, `N`, `M`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::S(_) => "S",
            AttributeValue::N(_) => "N",
            AttributeValue::B(_) => "B",
            AttributeValue::Bool(_) => "BOOL",
            AttributeValue::Null => "NULL",
            AttributeValue::M(_) => "M",
            AttributeValue::L(_) => "L",
            AttributeValue::Ss(_) => "SS",
            AttributeValue::Ns(_) => "NS",
            AttributeValue::Bs(_) => "BS",
        }
    }
}

fn check_set<T: Eq + std::hash::Hash, K: Eq + std::hash::Hash>(
    items: &[T],
    key: impl Fn(&T) -> K,
) -> Result<(), String> {
    if items.is_empty() {
        return Err("DynamoDB sets cannot be empty".into());
    }
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    if items.iter().all(|i| seen.insert(key(i))) {
        Ok(())
    } else {
        Err("a DynamoDB set cannot hold the same value twice".into())
    }
}

/// Standard base64, as DynamoDB JSON writes binary.
pub fn base64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

/// Reads standard base64 (DynamoDB JSON's binary).
pub fn from_base64(text: &str) -> Result<Vec<u8>, String> {
    BASE64.decode(text.as_bytes()).map_err(|e| format!("not valid base64: {e}"))
}

fn number_value(n: &str) -> Value {
    n.parse::<serde_json::Number>().map(Value::Number).unwrap_or_else(|_| Value::String(n.to_string()))
}

/// The bytes DynamoDB counts for an item: names plus values.
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + v.size()).sum()
}

/// An item in DynamoDB JSON: `{"name": {"S": "x"}, …}`.
pub fn item_to_dynamodb_json(item: &Item) -> Value {
    Value::Object(item.iter().map(|(k, v)| (k.clone(), v.to_dynamodb_json())).collect())
}

/// An item as plain JSON.
pub fn item_to_plain_json(item: &Item) -> Value {
    Value::Object(item.iter().map(|(k, v)| (k.clone(), v.to_plain_json())).collect())
}

/// Plain JSON → attribute value: strings, exact numbers, booleans, null,
/// arrays as lists, objects as maps. (Sets and binary need DynamoDB JSON or
/// a host language that has them.)
pub fn marshall(value: &Value) -> Result<AttributeValue, MarshalError> {
    plain(value, &Path::Root)
}

/// Plain JSON object → item.
pub fn marshall_item(value: &Value) -> Result<Item, MarshalError> {
    match value {
        Value::Object(map) => plain_map(map, &Path::Root),
        other => Err(MarshalError::new("", format!("an item must be a JSON object, not {}", kind(other)))),
    }
}

/// DynamoDB JSON object → item.
pub fn item_from_dynamodb_json(value: &Value) -> Result<Item, MarshalError> {
    match value {
        Value::Object(map) => typed_map(map, &Path::Root),
        other => Err(MarshalError::new("", format!("an item must be a JSON object, not {}", kind(other)))),
    }
}

/// Whether a JSON object looks like an item in DynamoDB JSON: every value an
/// object with one key that looks like a type tag (one to four capitals), so
/// that a misspelt tag is reported as such rather than read as plain JSON.
pub fn looks_like_dynamodb_json(value: &Value) -> bool {
    let tag_like = |k: &str| (1..=4).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_uppercase());
    match value {
        Value::Object(map) if !map.is_empty() => map.values().all(|v| match v {
            Value::Object(inner) => inner.len() == 1 && inner.keys().all(|k| tag_like(k)),
            _ => false,
        }),
        _ => false,
    }
}

fn plain(value: &Value, path: &Path<'_>) -> Result<AttributeValue, MarshalError> {
    Ok(match value {
        Value::Null => AttributeValue::Null,
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => {
            let text = n.to_string();
            AttributeValue::N(number::normalize_cow(&text).map_err(|e| path.error(e))?.into_owned())
        }
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(items) => {
            check_depth(path)?;
            AttributeValue::L(
                items.iter().enumerate().map(|(i, v)| plain(v, &Path::Index(path, i))).collect::<Result<_, _>>()?,
            )
        }
        Value::Object(map) => {
            check_depth(path)?;
            AttributeValue::M(plain_map(map, path)?)
        }
    })
}

fn plain_map(map: &Map<String, Value>, path: &Path<'_>) -> Result<Item, MarshalError> {
    let mut item = Item::with_capacity(map.len());
    for (k, v) in map {
        item.insert(k.clone(), plain(v, &Path::Key(path, k))?);
    }
    Ok(item)
}

/// Lists and maps may nest 32 deep.
pub fn check_depth(path: &Path<'_>) -> Result<(), MarshalError> {
    if path.depth() >= MAX_DEPTH {
        Err(path.error(format!("documents nest at most {MAX_DEPTH} levels deep in DynamoDB")))
    } else {
        Ok(())
    }
}

fn from_typed(value: &Value, path: &Path<'_>) -> Result<AttributeValue, MarshalError> {
    let Value::Object(map) = value else {
        return Err(path.error(format!("expected a typed value like {{\"S\": \"text\"}}, not {}", kind(value))));
    };
    let mut entries = map.iter();
    let (Some((tag, inner)), None) = (entries.next(), entries.next()) else {
        return Err(path.error("a typed value has exactly one type tag, like {\"S\": \"text\"}"));
    };
    let here = Path::Tag(path, tag);
    let string = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(here.error(format!("`{tag}` holds a string, not {}", kind(other)))),
    };
    let strings = |v: &Value| match v {
        Value::Array(items) => items.iter().map(string).collect::<Result<Vec<_>, _>>(),
        other => Err(here.error(format!("`{tag}` holds an array of strings, not {}", kind(other)))),
    };
    let binary =
        |s: String| BASE64.decode(s.as_bytes()).map_err(|e| here.error(format!("`{tag}` is not valid base64: {e}")));
    Ok(match tag.as_str() {
        "S" => AttributeValue::S(string(inner)?),
        "N" => AttributeValue::N(number::normalize(&string(inner)?).map_err(|e| here.error(e))?),
        "B" => AttributeValue::B(binary(string(inner)?)?),
        "BOOL" => match inner {
            Value::Bool(b) => AttributeValue::Bool(*b),
            other => return Err(here.error(format!("`BOOL` holds true or false, not {}", kind(other)))),
        },
        "NULL" => match inner {
            Value::Bool(true) => AttributeValue::Null,
            _ => return Err(here.error("`NULL` must be true")),
        },
        "M" => match inner {
            Value::Object(m) => {
                check_depth(path)?;
                AttributeValue::M(typed_map(m, &here)?)
            }
            other => return Err(here.error(format!("`M` holds an object, not {}", kind(other)))),
        },
        "L" => match inner {
            Value::Array(items) => {
                check_depth(path)?;
                AttributeValue::L(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| from_typed(v, &Path::Index(&here, i)))
                        .collect::<Result<_, _>>()?,
                )
            }
            other => return Err(here.error(format!("`L` holds an array, not {}", kind(other)))),
        },
        "SS" => AttributeValue::string_set(strings(inner)?).map_err(|e| here.error(e))?,
        "NS" => AttributeValue::number_set(&strings(inner)?).map_err(|e| here.error(e))?,
        "BS" => {
            let decoded = strings(inner)?.into_iter().map(binary).collect::<Result<Vec<_>, _>>()?;
            AttributeValue::binary_set(decoded).map_err(|e| here.error(e))?
        }
        other => {
            return Err(
                path.error(format!("`{other}` is not a DynamoDB type; use S, N, B, BOOL, NULL, M, L, SS, NS or BS"))
            );
        }
    })
}

fn typed_map(map: &Map<String, Value>, path: &Path<'_>) -> Result<Item, MarshalError> {
    let mut item = Item::with_capacity(map.len());
    for (k, v) in map {
        item.insert(k.clone(), from_typed(v, &Path::Key(path, k))?);
    }
    Ok(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_round_trip_keeps_exact_numbers() {
        let text =
            r#"{"id": "a", "n": 12345678901234567890123456789012345678, "f": 0.1, "l": [1, true, null, {"x": "y"}]}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let item = marshall_item(&value).unwrap();
        assert_eq!(item["n"], AttributeValue::N("12345678901234567890123456789012345678".into()));
        assert_eq!(item_to_plain_json(&item), value);
        let typed = item_to_dynamodb_json(&item);
        assert_eq!(typed["l"]["L"][3]["M"]["x"], json!({"S": "y"}));
        assert_eq!(item_from_dynamodb_json(&typed).unwrap(), item);
        assert!(looks_like_dynamodb_json(&typed));
        assert!(!looks_like_dynamodb_json(&value));
    }

    #[test]
    fn errors_say_where() {
        let err = marshall(&json!({"a": [1, {"b": 1e200}]})).unwrap_err();
        assert_eq!(err.pointer, "/a/1/b");
        let mut deep = json!(1);
        for _ in 0..40 {
            deep = json!([deep]);
        }
        assert!(marshall(&deep).unwrap_err().message.contains("32 levels"));
        let err = item_from_dynamodb_json(&json!({"s": {"SS": []}})).unwrap_err();
        assert_eq!((err.pointer.as_str(), err.message.as_str()), ("/s/SS", "DynamoDB sets cannot be empty"));
        assert!(item_from_dynamodb_json(&json!({"s": {"NS": ["1", "1.0"]}})).is_err());
        assert!(item_from_dynamodb_json(&json!({"s": {"X": "1"}})).is_err());
    }

    #[test]
    fn typed_json_nests_as_deep_as_plain() {
        // 31 levels of lists inside the item's attribute: allowed in both forms.
        let mut plain = json!(1);
        let mut typed = json!({"N": "1"});
        for _ in 0..31 {
            plain = json!([plain]);
            typed = json!({"L": [typed]});
        }
        let from_plain = marshall_item(&json!({"a": plain})).unwrap();
        let from_typed = item_from_dynamodb_json(&json!({"a": typed})).unwrap();
        assert_eq!(from_plain, from_typed);
        let err = item_from_dynamodb_json(&json!({"a": {"L": [typed]}})).unwrap_err();
        assert!(err.message.contains("32 levels"), "{err}");
    }

    #[test]
    fn sizes_follow_dynamodb_rules() {
        let item = marshall_item(&json!({"id": "abc", "n": 123, "m": {"k": true}})).unwrap();
        // "id" 2 + "abc" 3; "n" 1 + (3 digits -> 2) + 1; "m" 1 + 3 + ("k" 1 + 1 + 1).
        assert_eq!(item_size(&item), 5 + 4 + 1 + 3 + 3);
    }
}
