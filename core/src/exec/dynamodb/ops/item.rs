//! GetItem, PutItem, UpdateItem and DeleteItem. Each write is first
//! *prepared* (key checked, condition evaluated, new item computed) and then
//! applied; TransactWriteItems prepares several before applying any.

use serde_json::Value;

use super::capacity::{Mode, Usage, read_units, write_units};
use super::response_with;
use crate::dynamo::Item;
use crate::dynamo::attr::{item_size, item_to_dynamodb_json};
use crate::exec::dynamodb::MemoryDynamoDb;
use crate::exec::dynamodb::error::{Result, ServiceError};
use crate::exec::dynamodb::expr::ast::{Condition, ExprKind, UpdateAction};
use crate::exec::dynamodb::expr::{eval, projection, update as apply_update};
use crate::exec::dynamodb::key::PrimaryKey;
use crate::exec::dynamodb::request::Request;
use crate::exec::dynamodb::table::Table;

/// A write worked out but not yet applied.
pub struct Prepared {
    /// The table written.
    pub table: String,
    /// The item's key.
    pub key: PrimaryKey,
    /// The item afterwards; `None` deletes it.
    pub new: Option<Item>,
    /// The response to return once applied.
    pub response: Value,
    /// The larger of the old and the new item's size (what a write consumes).
    pub written_bytes: usize,
}

impl Prepared {
    /// Applies the write.
    pub fn apply(self, db: &mut MemoryDynamoDb) -> Result<Value> {
        let table = db.table_mut(&self.table)?;
        match self.new {
            Some(item) => {
                table.items.insert(self.key, item);
            }
            None => {
                table.items.remove(&self.key);
            }
        }
        Ok(self.response)
    }
}

/// Which operation a write is, for the ReturnValues it accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// PutItem / Put.
    Put,
    /// UpdateItem / Update.
    Update,
    /// DeleteItem / Delete.
    Delete,
    /// A transaction's ConditionCheck.
    Check,
}

/// GetItem: `{"Item": …}` or `{}`.
pub fn get(db: &mut MemoryDynamoDb, request: &Value) -> Result<Value> {
    let req = Request::new(request)?;
    let table = db.table(req.table_name()?)?;
    let key = req.required_item("Key")?;
    let projection = req.projection()?;
    let consistent = req.boolean("ConsistentRead")?.unwrap_or(false);
    let capacity = Mode::of(&req)?;
    req.finish_placeholders(projection.is_some())?;
    let key = table.schema.key_of_key(&key)?;
    let item = table.items.get(&key);
    let mut response = match (item, projection) {
        (Some(item), Some(paths)) => {
            let projected = projection::project(item, &paths);
            // A projection that matches nothing still returns an (empty) Item.
            serde_json::json!({ "Item": item_to_dynamodb_json(&projected) })
        }
        (item, _) => response_with("Item", item),
    };
    let mut usage = Usage::default();
    usage.read(req.table_name()?, read_units(item.map_or(0, item_size), consistent));
    usage.attach_one(&mut response, capacity);
    Ok(response)
}

/// PutItem.
pub fn put(db: &mut MemoryDynamoDb, request: &Value) -> Result<Value> {
    let req = Request::new(request)?;
    let capacity = Mode::of(&req)?;
    let prepared = prepare(db.table(req.table_name()?)?, req.table_name()?, &req, WriteKind::Put)?;
    let mut usage = Usage::default();
    usage.write(&prepared.table, write_units(prepared.written_bytes));
    let mut response = prepared.apply(db)?;
    usage.attach_one(&mut response, capacity);
    Ok(response)
}

/// UpdateItem.
pub fn update(db: &mut MemoryDynamoDb, request: &Value) -> Result<Value> {
    let req = Request::new(request)?;
    let capacity = Mode::of(&req)?;
    let prepared = prepare(db.table(req.table_name()?)?, req.table_name()?, &req, WriteKind::Update)?;
    let mut usage = Usage::default();
    usage.write(&prepared.table, write_units(prepared.written_bytes));
    let mut response = prepared.apply(db)?;
    usage.attach_one(&mut response, capacity);
    Ok(response)
}

/// DeleteItem.
pub fn delete(db: &mut MemoryDynamoDb, request: &Value) -> Result<Value> {
    let req = Request::new(request)?;
    let capacity = Mode::of(&req)?;
    let prepared = prepare(db.table(req.table_name()?)?, req.table_name()?, &req, WriteKind::Delete)?;
    let mut usage = Usage::default();
    usage.write(&prepared.table, write_units(prepared.written_bytes));
    let mut response = prepared.apply(db)?;
    usage.attach_one(&mut response, capacity);
    Ok(response)
}

/// Works out a write: [`plan`] then [`Plan::evaluate`].
pub fn prepare(table: &Table, table_name: &str, req: &Request<'_>, kind: WriteKind) -> Result<Prepared> {
    plan(table, table_name, req, kind)?.evaluate(table)
}

/// A write checked against the request rules and the key schema, not yet
/// evaluated against the item.
pub struct Plan {
    table: String,
    kind: WriteKind,
    /// The item's key.
    pub key: PrimaryKey,
    /// The key attributes (an UpdateItem of a missing item starts from them).
    key_item: Item,
    /// PutItem's item.
    put_item: Option<Item>,
    condition: Option<Condition>,
    actions: Option<Vec<UpdateAction>>,
    return_values: String,
    old_on_failure: bool,
}

/// Checks a write request: members, expressions, placeholders, key, and that
/// an update leaves the key alone. Nothing here depends on the stored item.
pub fn plan(table: &Table, table_name: &str, req: &Request<'_>, kind: WriteKind) -> Result<Plan> {
    let allowed: &[&str] = match kind {
        WriteKind::Update => &["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"],
        WriteKind::Put | WriteKind::Delete => &["NONE", "ALL_OLD"],
        WriteKind::Check => &["NONE"],
    };
    let return_values = match req.string("ReturnValues")? {
        Some(rv) if !allowed.contains(&rv) => {
            let known = ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"];
            return Err(if known.contains(&rv) {
                ServiceError::validation(format!(
                    "ReturnValues can only be {} for this operation",
                    allowed.join(" or ")
                ))
            } else {
                crate::exec::dynamodb::request::constraint(
                    "ReturnValues",
                    &Value::String(rv.into()),
                    "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]",
                )
            });
        }
        rv => rv.unwrap_or("NONE"),
    };
    let on_failure = req.one_of("ReturnValuesOnConditionCheckFailure", &["ALL_OLD", "NONE"])?.unwrap_or("NONE");
    req.one_of("ReturnItemCollectionMetrics", &["SIZE", "NONE"])?;

    // Parse every expression before judging placeholders.
    let condition = req.condition("ConditionExpression", ExprKind::Condition)?;
    if kind == WriteKind::Check && condition.is_none() {
        return Err(ServiceError::validation("A ConditionCheck requires a ConditionExpression"));
    }
    let actions = if kind == WriteKind::Update { req.update()? } else { None };
    req.finish_placeholders(condition.is_some() || actions.is_some())?;

    let (key, key_item, put_item) = if kind == WriteKind::Put {
        let item = req.required_item("Item")?;
        let key = table.check_item(&item, "Item size has exceeded the maximum allowed size")?;
        (key, table.schema.key_item(&item), Some(item))
    } else {
        let key_item = req.required_item("Key")?;
        (table.schema.key_of_key(&key_item)?, key_item, None)
    };
    if let Some(actions) = &actions {
        check_no_key_updates(table, actions)?;
    }
    Ok(Plan {
        table: table_name.to_string(),
        kind,
        key,
        key_item,
        put_item,
        condition,
        actions,
        return_values: return_values.to_string(),
        old_on_failure: on_failure == "ALL_OLD",
    })
}

impl Plan {
    /// Evaluates the condition against the stored item, computes the new
    /// item and the response. Fails with `ConditionalCheckFailedException`,
    /// or a `ValidationException` the item causes (an update adding to an
    /// attribute it lacks, an item grown past 400 KB).
    pub fn evaluate(self, table: &Table) -> Result<Prepared> {
        let old = table.items.get(&self.key);
        check_condition(old, self.condition.as_ref(), if self.old_on_failure { "ALL_OLD" } else { "NONE" })?;
        let new = match self.kind {
            WriteKind::Update => {
                let mut item = old.cloned().unwrap_or_else(|| self.key_item.clone());
                if let Some(actions) = &self.actions {
                    apply_update::apply(&mut item, actions)?;
                }
                table.check_index_keys(&item)?;
                if item_size(&item) > crate::exec::dynamodb::table::MAX_ITEM_BYTES {
                    return Err(ServiceError::validation("Item size to update has exceeded the maximum allowed size"));
                }
                Some(item)
            }
            WriteKind::Delete => None,
            WriteKind::Check => old.cloned(),
            WriteKind::Put => self.put_item,
        };
        let response = match self.return_values.as_str() {
            "ALL_OLD" => response_with("Attributes", old),
            "ALL_NEW" => response_with("Attributes", new.as_ref()),
            which @ ("UPDATED_OLD" | "UPDATED_NEW") => {
                let paths: Vec<_> = self.actions.iter().flatten().map(|a| a.path().clone()).collect();
                let source = if which == "UPDATED_OLD" { old } else { new.as_ref() };
                let projected = source.map(|item| projection::project(item, &paths));
                response_with("Attributes", projected.as_ref())
            }
            _ => serde_json::json!({}),
        };
        let written_bytes = old.map_or(0, item_size).max(new.as_ref().map_or(0, item_size));
        Ok(Prepared { table: self.table, key: self.key, new, response, written_bytes })
    }
}

/// Evaluates a write's condition against the item as it is (an empty item
/// when there is none).
pub fn check_condition(old: Option<&Item>, condition: Option<&Condition>, on_failure: &str) -> Result<()> {
    let Some(condition) = condition else { return Ok(()) };
    let empty = Item::new();
    if eval::holds(old.unwrap_or(&empty), condition)? {
        return Ok(());
    }
    let item = if on_failure == "ALL_OLD" { old.map(item_to_dynamodb_json) } else { None };
    Err(ServiceError::condition_failed(item))
}

/// UpdateItem may not change key attributes.
fn check_no_key_updates(table: &Table, actions: &[UpdateAction]) -> Result<()> {
    for action in actions {
        let top = action.path().top();
        if table.schema.is_key(top) {
            return Err(ServiceError::validation(format!(
                "One or more parameter values were invalid: Cannot update attribute {top}. This attribute is part of the key"
            )));
        }
    }
    Ok(())
}
