//! BatchGetItem and BatchWriteItem. The in-memory tables never throttle, so
//! `UnprocessedKeys` / `UnprocessedItems` are always empty; a batch is checked
//! whole before any of it is written.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::capacity::{Mode, Usage, read_units, write_units};
use super::response_with;
use crate::dynamo::Item;
use crate::dynamo::attr::{item_size, item_to_dynamodb_json};
use crate::exec::dynamodb::MemoryDynamoDb;
use crate::exec::dynamodb::error::{Result, ServiceError};
use crate::exec::dynamodb::expr::projection;
use crate::exec::dynamodb::key::PrimaryKey;
use crate::exec::dynamodb::request::{Request, item_member};

/// BatchGetItem reads at most 100 keys.
const MAX_GET: usize = 100;
/// BatchWriteItem writes at most 25 items.
const MAX_WRITE: usize = 25;

fn request_items(request: &Value) -> Result<&Map<String, Value>> {
    match request.get("RequestItems") {
        Some(Value::Object(m)) if !m.is_empty() => Ok(m),
        Some(Value::Object(_)) => Err(ServiceError::validation(
            "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
        )),
        _ => Err(ServiceError::validation(
            "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null",
        )),
    }
}

fn duplicates() -> ServiceError {
    ServiceError::validation("Provided list of item keys contains duplicates")
}

/// BatchGetItem: `{"Responses": {table: [items]}, "UnprocessedKeys": {}}`.
pub fn get(db: &mut MemoryDynamoDb, request: &Value) -> Result<Value> {
    let tables = request_items(request)?;
    let total: usize = tables.values().map(|t| t.get("Keys").and_then(Value::as_array).map_or(0, Vec::len)).sum();
    if total > MAX_GET {
        return Err(ServiceError::validation("Too many items requested for the BatchGetItem call"));
    }
    let capacity = Mode::of(&Request::new(request)?)?;
    let mut usage = Usage::default();
    let mut responses = Map::new();
    for (name, spec) in tables {
        let table = db.table(name)?;
        let req = Request::new(spec)?;
        let keys = match spec.get("Keys") {
            Some(Value::Array(keys)) if !keys.is_empty() => keys,
            _ => {
                return Err(ServiceError::validation(format!(
                    "RequestItems.{name}.Keys: a non-empty array of keys is required"
                )));
            }
        };
        let projection = req.projection()?;
        let consistent = req.boolean("ConsistentRead")?.unwrap_or(false);
        req.finish_placeholders(projection.is_some())?;
        let mut seen = BTreeSet::new();
        let mut found = Vec::new();
        for key in keys {
            let key = table.schema.key_of_key(&item_member("Keys", key)?)?;
            if !seen.insert(key.clone()) {
                return Err(duplicates());
            }
            let item = table.items.get(&key);
            usage.read(name, read_units(item.map_or(0, item_size), consistent));
            if let Some(item) = item {
                let shown = match &projection {
                    Some(paths) => item_to_dynamodb_json(&projection::project(item, paths)),
                    None => item_to_dynamodb_json(item),
                };
                found.push(shown);
            }
        }
        responses.insert(name.clone(), Value::Array(found));
    }
    let mut response = json!({"Responses": responses, "UnprocessedKeys": {}});
    usage.attach_list(&mut response, capacity);
    Ok(response)
}

/// BatchWriteItem: puts and deletes, `{"UnprocessedItems": {}}`.
pub fn write(db: &mut MemoryDynamoDb, request: &Value) -> Result<Value> {
    let tables = request_items(request)?;
    let capacity = Mode::of(&Request::new(request)?)?;
    let mut usage = Usage::default();
    let mut writes: Vec<(String, PrimaryKey, Option<Item>)> = Vec::new();
    for (name, list) in tables {
        let table = db.table(name)?;
        let Value::Array(list) = list else {
            return Err(ServiceError::validation(format!(
                "RequestItems.{name}: an array of write requests is required"
            )));
        };
        if list.is_empty() {
            return Err(ServiceError::validation(format!("RequestItems.{name}: the list of write requests is empty")));
        }
        for (i, entry) in list.iter().enumerate() {
            match (entry.get("PutRequest"), entry.get("DeleteRequest")) {
                (Some(put), None) => {
                    let item = item_member("PutRequest.Item", put.get("Item").unwrap_or(&Value::Null))?;
                    let key = table.check_item(&item, "Item size has exceeded the maximum allowed size")?;
                    writes.push((name.clone(), key, Some(item)));
                }
                (None, Some(delete)) => {
                    let key = item_member("DeleteRequest.Key", delete.get("Key").unwrap_or(&Value::Null))?;
                    writes.push((name.clone(), table.schema.key_of_key(&key)?, None));
                }
                _ => {
                    return Err(ServiceError::validation(format!(
                        "RequestItems.{name}[{i}]: a write request holds exactly one of PutRequest and DeleteRequest"
                    )));
                }
            }
        }
    }
    if writes.len() > MAX_WRITE {
        return Err(ServiceError::validation(format!(
            "Too many items requested for the BatchWriteItem call: {} (at most {MAX_WRITE})",
            writes.len()
        )));
    }
    let mut seen = BTreeSet::new();
    if !writes.iter().all(|(t, k, _)| seen.insert((t.clone(), k.clone()))) {
        return Err(duplicates());
    }
    for (name, key, item) in writes {
        let table = db.table_mut(&name)?;
        let old = table.items.get(&key).map_or(0, item_size);
        usage.write(&name, write_units(old.max(item.as_ref().map_or(0, item_size))));
        match item {
            Some(item) => {
                table.items.insert(key, item);
            }
            None => {
                table.items.remove(&key);
            }
        }
    }
    let mut response = json!({"UnprocessedItems": {}});
    usage.attach_list(&mut response, capacity);
    Ok(response)
}

/// `{"Item": …}` or `{}` for one TransactGetItems entry.
pub fn item_response(item: Option<&Item>) -> Value {
    response_with("Item", item)
}
