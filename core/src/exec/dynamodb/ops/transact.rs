//! TransactWriteItems and TransactGetItems: all or nothing. Every action is
//! prepared against the tables as they are; if any condition fails, none is
//! applied and the call fails with `TransactionCanceledException`, giving a
//! reason per action in order, as DynamoDB does.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::batch::item_response;
use super::capacity::{Mode, Usage, read_units, write_units};
use super::item::{WriteKind, plan};
use crate::dynamo::attr::item_size;
use crate::exec::dynamodb::MemoryDynamoDb;
use crate::exec::dynamodb::error::{Result, ServiceError};
use crate::exec::dynamodb::expr::projection;
use crate::exec::dynamodb::request::Request;

/// A transaction holds at most 100 actions.
const MAX_ACTIONS: usize = 100;

fn transact_items(request: &Value) -> Result<&Vec<Value>> {
    match request.get("TransactItems") {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_ACTIONS => Ok(items),
        Some(Value::Array(items)) => Err(ServiceError::validation(format!(
            "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length \
             between 1 and {MAX_ACTIONS} (it has {})",
            items.len()
        ))),
        _ => Err(ServiceError::validation(
            "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
        )),
    }
}

/// TransactWriteItems: `{}` when every action applied.
pub fn write(db: &mut MemoryDynamoDb, request: &Value) -> Result<Value> {
    let entries = transact_items(request)?;
    let capacity = Mode::of(&Request::new(request)?)?;
    let mut usage = Usage::default();
    let mut prepared = Vec::with_capacity(entries.len());
    let mut reasons = Vec::with_capacity(entries.len());
    let mut failed = false;
    let mut touched = BTreeSet::new();
    let mut plans = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let kinds = [
            ("ConditionCheck", WriteKind::Check),
            ("Put", WriteKind::Put),
            ("Update", WriteKind::Update),
            ("Delete", WriteKind::Delete),
        ];
        let mut present = kinds.iter().filter_map(|(member, kind)| entry.get(*member).map(|body| (body, *kind)));
        let (Some((body, kind)), None) = (present.next(), present.next()) else {
            return Err(ServiceError::validation(format!(
                "TransactItems[{i}] must hold exactly one of ConditionCheck, Put, Update and Delete"
            )));
        };
        let req = Request::new(body)?;
        if req.fields.contains_key("ReturnValues") {
            return Err(ServiceError::validation(format!(
                "TransactItems[{i}]: ReturnValues is not accepted in a transaction; use ReturnValuesOnConditionCheckFailure"
            )));
        }
        let name = req.table_name()?;
        let planned = plan(db.table(name)?, name, &req, kind)?;
        if !touched.insert((name.to_string(), planned.key.clone())) {
            return Err(ServiceError::validation("Transaction request cannot include multiple operations on one item"));
        }
        plans.push((name, kind, planned));
    }
    // Then every action against the items as they are; data errors cancel
    // the transaction like failed conditions, each with its reason.
    for (name, kind, planned) in plans {
        match planned.evaluate(db.table(name)?) {
            Ok(p) => {
                // Transactions cost two units for every one a plain write costs.
                usage.write(name, 2.0 * write_units(p.written_bytes));
                reasons.push(json!({"Code": "None"}));
                if kind != WriteKind::Check {
                    prepared.push(p);
                }
            }
            Err(e) if e.code == "ConditionalCheckFailedException" => {
                failed = true;
                let mut reason = json!({"Code": "ConditionalCheckFailed", "Message": e.message});
                if let Some(item) = e.item {
                    reason["Item"] = item;
                }
                reasons.push(reason);
            }
            Err(e) if e.code == "ValidationException" => {
                failed = true;
                reasons.push(json!({"Code": "ValidationError", "Message": e.message}));
            }
            Err(e) => return Err(e),
        }
    }
    if failed {
        let codes: Vec<&str> = reasons.iter().filter_map(|r| r["Code"].as_str()).collect();
        return Err(ServiceError::new(
            "TransactionCanceledException",
            format!(
                "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
                codes.join(", ")
            ),
        ));
    }
    for p in prepared {
        p.apply(db)?;
    }
    let mut response = json!({});
    usage.attach_list(&mut response, capacity);
    Ok(response)
}

/// TransactGetItems: `{"Responses": [{"Item": …} or {}, …]}` in request order.
pub fn get(db: &mut MemoryDynamoDb, request: &Value) -> Result<Value> {
    let entries = transact_items(request)?;
    let capacity = Mode::of(&Request::new(request)?)?;
    let mut usage = Usage::default();
    let mut responses = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let body =
            entry.get("Get").ok_or_else(|| ServiceError::validation(format!("TransactItems[{i}] must hold a Get")))?;
        let req = Request::new(body)?;
        let table = db.table(req.table_name()?)?;
        let key = table.schema.key_of_key(&req.required_item("Key")?)?;
        let paths = req.projection()?;
        req.finish_placeholders(paths.is_some())?;
        let item = table.items.get(&key);
        usage.read(req.table_name()?, 2.0 * read_units(item.map_or(0, item_size), true));
        let shown = match (item, &paths) {
            (Some(item), Some(paths)) => Some(projection::project(item, paths)),
            (item, _) => item.cloned(),
        };
        responses.push(item_response(shown.as_ref()));
    }
    let mut response = json!({"Responses": responses});
    usage.attach_list(&mut response, capacity);
    Ok(response)
}
