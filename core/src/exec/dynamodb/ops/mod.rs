//! The API actions: each reads its request, works out the outcome against the
//! tables without changing them, and only then applies it, so a failed call
//! changes nothing.

mod batch;
mod capacity;
mod item;
mod query;
mod transact;

use serde_json::{Map, Value};

use super::MemoryDynamoDb;
use super::error::{Result, ServiceError};
use crate::dynamo::Item;
use crate::dynamo::attr::item_to_dynamodb_json;

/// The actions [`call`] answers, in the camelCase of task resources.
pub const ACTIONS: [&str; 10] = [
    "getItem",
    "putItem",
    "updateItem",
    "deleteItem",
    "query",
    "scan",
    "batchGetItem",
    "batchWriteItem",
    "transactGetItems",
    "transactWriteItems",
];

/// Runs one API action.
pub fn call(db: &mut MemoryDynamoDb, action: &str, request: &Value) -> Result<Value> {
    // Task resources spell actions in camelCase; the API itself in PascalCase.
    let mut chars = action.chars();
    let name = chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default();
    match name.as_str() {
        "getItem" => item::get(db, request),
        "putItem" => item::put(db, request),
        "updateItem" => item::update(db, request),
        "deleteItem" => item::delete(db, request),
        "query" => query::query(db, request),
        "scan" => query::scan(db, request),
        "batchGetItem" => batch::get(db, request),
        "batchWriteItem" => batch::write(db, request),
        "transactGetItems" => transact::get(db, request),
        "transactWriteItems" => transact::write(db, request),
        _ => Err(ServiceError::new(
            "UnknownOperationException",
            format!("The in-memory DynamoDB has no action {action:?}; it answers {}", ACTIONS.join(", ")),
        )),
    }
}

/// `{member: <item in DynamoDB JSON>}`, or `{}` when there is no item.
fn response_with(member: &str, item: Option<&Item>) -> Value {
    let mut out = Map::new();
    if let Some(item) = item.filter(|i| !i.is_empty()) {
        out.insert(member.to_string(), item_to_dynamodb_json(item));
    }
    Value::Object(out)
}
