//! Key schemas and primary keys: which attributes identify an item, their
//! types, and the order items are kept in.

use std::str::FromStr;

use bigdecimal::BigDecimal;

use super::error::{Result, ServiceError};
use crate::dynamo::{AttributeValue, Item};

/// The type of a key attribute: string, number or binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// `S`.
    S,
    /// `N`.
    N,
    /// `B`.
    B,
}

impl KeyType {
    /// The DynamoDB type tag: `S`, `N` or `B`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::S => "S",
            KeyType::N => "N",
            KeyType::B => "B",
        }
    }

    /// Reads a type tag (`S`, `N` or `B`).
    pub fn parse(text: &str) -> Option<KeyType> {
        match text {
            "S" => Some(KeyType::S),
            "N" => Some(KeyType::N),
            "B" => Some(KeyType::B),
            _ => None,
        }
    }
}

/// A key attribute's value, ordered as DynamoDB orders sort keys: numbers by
/// value, strings and binaries by their bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyValue {
    /// A number, exact.
    N(BigDecimal),
    /// A string (ordered by its UTF-8 bytes, which is `String`'s order).
    S(String),
    /// Bytes.
    B(Vec<u8>),
}

impl KeyValue {
    /// The key value of an attribute value of the right type, if it is one.
    fn of(value: &AttributeValue, want: KeyType) -> Option<KeyValue> {
        match (value, want) {
            (AttributeValue::S(s), KeyType::S) => Some(KeyValue::S(s.clone())),
            (AttributeValue::N(n), KeyType::N) => BigDecimal::from_str(n).ok().map(KeyValue::N),
            (AttributeValue::B(b), KeyType::B) => Some(KeyValue::B(b.clone())),
            _ => None,
        }
    }

    fn is_empty(value: &AttributeValue) -> bool {
        matches!(value, AttributeValue::S(s) if s.is_empty()) || matches!(value, AttributeValue::B(b) if b.is_empty())
    }
}

/// An item's primary key: partition key, then sort key if the table has one.
/// Items are kept in this order (partition keys by value rather than by hash,
/// so that scans are deterministic and readable).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PrimaryKey {
    /// The partition key's value.
    pub hash: KeyValue,
    /// The sort key's value, if the table has a sort key.
    pub range: Option<KeyValue>,
}

/// A table's key schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySchema {
    /// The partition key: name and type.
    pub hash: (String, KeyType),
    /// The sort key, if any.
    pub range: Option<(String, KeyType)>,
}

impl KeySchema {
    /// The key attributes: partition key, then sort key.
    pub fn attributes(&self) -> impl Iterator<Item = &(String, KeyType)> {
        std::iter::once(&self.hash).chain(self.range.as_ref())
    }

    /// Whether `name` is one of the key attributes.
    pub fn is_key(&self, name: &str) -> bool {
        self.attributes().any(|(n, _)| n == name)
    }

    /// The primary key of an item being written (PutItem): every key
    /// attribute present with its type; other attributes are the item's own.
    pub fn key_of_item(&self, item: &Item) -> Result<PrimaryKey> {
        let one = |(name, want): &(String, KeyType)| -> Result<KeyValue> {
            let value = item.get(name).ok_or_else(|| {
                ServiceError::validation(format!(
                    "One or more parameter values were invalid: Missing the key {name} in the item"
                ))
            })?;
            check_not_empty(name, value)?;
            KeyValue::of(value, *want).ok_or_else(|| {
                ServiceError::validation(format!(
                    "One or more parameter values were invalid: Type mismatch for key {name} expected: {} actual: {}",
                    want.as_str(),
                    value.type_name()
                ))
            })
        };
        Ok(PrimaryKey { hash: one(&self.hash)?, range: self.range.as_ref().map(one).transpose()? })
    }

    /// The primary key given as a request's `Key`: exactly the key
    /// attributes, with their types.
    pub fn key_of_key(&self, key: &Item) -> Result<PrimaryKey> {
        let mismatch = || ServiceError::validation("The provided key element does not match the schema");
        if key.len() != self.attributes().count() {
            return Err(mismatch());
        }
        let one = |(name, want): &(String, KeyType)| -> Result<KeyValue> {
            let value = key.get(name).ok_or_else(mismatch)?;
            check_not_empty(name, value)?;
            KeyValue::of(value, *want).ok_or_else(mismatch)
        };
        Ok(PrimaryKey { hash: one(&self.hash)?, range: self.range.as_ref().map(one).transpose()? })
    }

    /// The key attributes of an item, as an item (what `LastEvaluatedKey`
    /// and `UnprocessedKeys` hold).
    pub fn key_item(&self, item: &Item) -> Item {
        self.attributes().filter_map(|(name, _)| item.get(name).map(|v| (name.clone(), v.clone()))).collect()
    }
}

fn check_not_empty(name: &str, value: &AttributeValue) -> Result<()> {
    if KeyValue::is_empty(value) {
        let kind = if matches!(value, AttributeValue::S(_)) { "string" } else { "binary" };
        return Err(ServiceError::validation(format!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {name}"
        )));
    }
    Ok(())
}
