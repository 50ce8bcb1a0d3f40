//! Conversions between stepforge's attribute values and the AWS SDK's.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue as Sdk;

use crate::dynamo::{AttributeValue, Item};

/// An item as the SDK sends it.
pub fn to_sdk_item(item: &Item) -> HashMap<String, Sdk> {
    item.iter().map(|(k, v)| (k.clone(), to_sdk(v))).collect()
}

fn to_sdk(v: &AttributeValue) -> Sdk {
    match v {
        AttributeValue::S(s) => Sdk::S(s.clone()),
        AttributeValue::N(n) => Sdk::N(n.clone()),
        AttributeValue::B(b) => Sdk::B(Blob::new(b.clone())),
        AttributeValue::Bool(b) => Sdk::Bool(*b),
        AttributeValue::Null => Sdk::Null(true),
        AttributeValue::M(m) => Sdk::M(to_sdk_item(m)),
        AttributeValue::L(l) => Sdk::L(l.iter().map(to_sdk).collect()),
        AttributeValue::Ss(s) => Sdk::Ss(s.clone()),
        AttributeValue::Ns(n) => Sdk::Ns(n.clone()),
        AttributeValue::Bs(b) => Sdk::Bs(b.iter().map(|x| Blob::new(x.clone())).collect()),
    }
}

/// The SDK's value back, for reading what a table holds. Unknown variants
/// (added to the SDK later) come back as `None`.
pub fn from_sdk(v: &Sdk) -> Option<AttributeValue> {
    Some(match v {
        Sdk::S(s) => AttributeValue::S(s.clone()),
        Sdk::N(n) => AttributeValue::N(n.clone()),
        Sdk::B(b) => AttributeValue::B(b.as_ref().to_vec()),
        Sdk::Bool(b) => AttributeValue::Bool(*b),
        Sdk::Null(_) => AttributeValue::Null,
        Sdk::M(m) => AttributeValue::M(m.iter().map(|(k, v)| Some((k.clone(), from_sdk(v)?))).collect::<Option<_>>()?),
        Sdk::L(l) => AttributeValue::L(l.iter().map(from_sdk).collect::<Option<_>>()?),
        Sdk::Ss(s) => AttributeValue::Ss(s.clone()),
        Sdk::Ns(n) => AttributeValue::Ns(n.clone()),
        Sdk::Bs(b) => AttributeValue::Bs(b.iter().map(|x| x.as_ref().to_vec()).collect()),
        _ => return None,
    })
}

/// A key (the key attributes of an item) as one comparable string.
pub fn key_string(item: &HashMap<String, Sdk>, key_names: &[String]) -> String {
    let mut key = String::new();
    for name in key_names {
        key.push('\u{0}');
        match item.get(name) {
            Some(Sdk::S(s)) => {
                key.push('S');
                key.push_str(s);
            }
            Some(Sdk::N(n)) => {
                key.push('N');
                // DynamoDB may echo a number in another form than it was sent.
                key.push_str(&crate::dynamo::number::normalize(n).unwrap_or_else(|_| n.clone()));
            }
            Some(Sdk::B(b)) => {
                key.push('B');
                key.push_str(&crate::dynamo::attr::base64(b.as_ref()));
            }
            _ => key.push('?'),
        }
    }
    key
}
