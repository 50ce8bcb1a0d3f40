//! An in-memory DynamoDB for the local executor.
//!
//! The engine calls it for the optimized integrations
//! (`arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`) and the
//! SDK integrations (`arn:aws:states:::aws-sdk:dynamodb:<action>`) through
//! [`MemoryDynamoDb::call`], with the request JSON the task passes and the
//! response JSON the integration returns. Expressions (condition, update,
//! projection, key condition, filter) are parsed once per call into a small
//! AST and evaluated by DynamoDB's documented rules; every call is atomic and
//! deterministic (tables and items are kept in key order).
//!
//! Errors are [`ServiceError`]s with DynamoDB's bare exception names
//! (`ConditionalCheckFailedException`, `ValidationException`,
//! `ResourceNotFoundException`, `TransactionCanceledException`); the engine
//! adds the `DynamoDB.` / `DynamoDb.` prefix.
//!
//! What it answers:
//!
//! - **GetItem** (`ProjectionExpression`, `ConsistentRead`), **PutItem**,
//!   **UpdateItem**, **DeleteItem** (`ConditionExpression`,
//!   `UpdateExpression`, `ReturnValues` NONE / ALL_OLD / UPDATED_OLD / ALL_NEW
//!   / UPDATED_NEW as each action allows, `ReturnValuesOnConditionCheckFailure`).
//! - **Query** (`KeyConditionExpression` with `=` on the partition key and
//!   `=`, `<`, `<=`, `>`, `>=`, BETWEEN or `begins_with` on the sort key) and
//!   **Scan** (`Segment` / `TotalSegments`), of the table or an index
//!   (`IndexName`), both with `FilterExpression`,
//!   `ProjectionExpression`, `Select` (ALL_ATTRIBUTES, SPECIFIC_ATTRIBUTES,
//!   COUNT), `Limit` (items read, before the filter), the 1 MB page,
//!   `ExclusiveStartKey` / `LastEvaluatedKey` and Query's `ScanIndexForward`.
//! - **BatchGetItem** (100 keys), **BatchWriteItem** (25 writes), never
//!   leaving anything unprocessed; **TransactWriteItems** (ConditionCheck,
//!   Put, Update, Delete; all or nothing, cancellation reasons in the
//!   message) and **TransactGetItems**.
//! - `ReturnConsumedCapacity` (TOTAL, INDEXES) by DynamoDB's unit rules.
//!
//! The rules it keeps: key attributes present with their types and not
//! empty; items at most 400 KB and 32 levels deep; numbers exact to 38
//! digits within DynamoDB's range; comparisons by type (numbers by value,
//! strings and binaries by bytes, different types never equal or ordered);
//! the reserved words; placeholders defined and used; expressions at most
//! 4 KB; updates that leave key attributes alone and do not overlap.
//!
//! Global secondary indexes ([`MemoryDynamoDb::create_index`]) project every
//! attribute and are read with `IndexName` (no consistent reads, as on AWS).
//!
//! Not modelled: local secondary indexes and index projections other than
//! ALL, the legacy
//! parameters (`Expected`, `AttributeUpdates`, `AttributesToGet`,
//! `KeyConditions`, `QueryFilter`, `ScanFilter`, `ConditionalOperator`,
//! refused rather than ignored), PartiQL, table management beyond
//! [`MemoryDynamoDb::create_table`], TTL and streams. Scan reads partitions in
//! key order rather than DynamoDB's hash order.

mod error;
mod expr;
mod item_json;
mod json_io;
mod key;
mod ops;
mod request;
mod table;
mod value;

use std::collections::BTreeMap;

use serde_json::Value;

pub use error::ServiceError;
pub use item_json::{item_from_json, item_to_json};
use key::KeySchema;
pub use key::KeyType;
use table::Table;

use crate::dynamo::Item;

/// An in-memory DynamoDB: named tables with key schemas, seedable and readable
/// from code, answering DynamoDB API calls.
///
/// ```
/// use serde_json::json;
/// use stepforge::exec::dynamodb::{KeyType, MemoryDynamoDb};
///
/// let mut db = MemoryDynamoDb::new();
/// db.create_table("Counters", ("id", KeyType::S), None).unwrap();
/// let add_one = json!({
///     "TableName": "Counters",
///     "Key": {"id": {"S": "visits"}},
///     "UpdateExpression": "SET #n = if_not_exists(#n, :zero) + :one",
///     "ConditionExpression": "attribute_not_exists(#n) OR #n < :max",
///     "ExpressionAttributeNames": {"#n": "n"},
///     "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}, ":max": {"N": "2"}},
///     "ReturnValues": "UPDATED_NEW"
/// });
/// assert_eq!(db.call("updateItem", &add_one).unwrap(), json!({"Attributes": {"n": {"N": "1"}}}));
/// db.call("updateItem", &add_one).unwrap();
/// let err = db.call("updateItem", &add_one).unwrap_err();
/// assert_eq!(err.code, "ConditionalCheckFailedException");
/// assert_eq!(db.items("Counters").len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryDynamoDb {
    tables: BTreeMap<String, Table>,
}

impl MemoryDynamoDb {
    /// No tables.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates a table with a partition key and an optional sort key.
    /// Fails with `ResourceInUseException` if the table exists, or
    /// `ValidationException` for an empty name or a sort key named like the partition key.
    pub fn create_table(
        &mut self,
        name: &str,
        hash: (&str, KeyType),
        range: Option<(&str, KeyType)>,
    ) -> Result<(), ServiceError> {
        if !(3..=255).contains(&name.len())
            || !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: \
                 Member must be 3 to 255 characters of [a-zA-Z0-9_.-]"
            )));
        }
        if hash.0.is_empty() || range.is_some_and(|r| r.0.is_empty()) {
            return Err(ServiceError::validation("Key attribute names cannot be empty"));
        }
        if range.is_some_and(|r| r.0 == hash.0) {
            return Err(ServiceError::validation(
                "Both the Hash Key and the Range Key element in the KeySchema have the same name",
            ));
        }
        if self.tables.contains_key(name) {
            return Err(ServiceError::new("ResourceInUseException", format!("Table already exists: {name}")));
        }
        let schema = KeySchema { hash: (hash.0.to_string(), hash.1), range: range.map(|(n, t)| (n.to_string(), t)) };
        self.tables.insert(name.to_string(), Table::new(schema));
        Ok(())
    }

    /// Adds a global secondary index to a table: partition key, optional sort
    /// key, every attribute projected. Items without the index's key
    /// attributes are not in it; Query and Scan read it with `IndexName`.
    /// Fails with `ResourceNotFoundException` for a missing table and
    /// `ValidationException` for a name in use or an item whose index key
    /// attributes have other types.
    pub fn create_index(
        &mut self,
        table: &str,
        index: &str,
        hash: (&str, KeyType),
        range: Option<(&str, KeyType)>,
    ) -> Result<(), ServiceError> {
        let t = self.table_mut(table)?;
        if !(3..=255).contains(&index.len())
            || !index.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{index}' at 'indexName' failed to satisfy constraint: \
                 Member must be 3 to 255 characters of [a-zA-Z0-9_.-]"
            )));
        }
        if range.is_some_and(|r| r.0 == hash.0) {
            return Err(ServiceError::validation(
                "Both the Hash Key and the Range Key element in the KeySchema have the same name",
            ));
        }
        if t.indexes.contains_key(index) {
            return Err(ServiceError::validation(format!(
                "Attempting to create an index which already exists: {index}"
            )));
        }
        let schema = KeySchema { hash: (hash.0.to_string(), hash.1), range: range.map(|(n, k)| (n.to_string(), k)) };
        let mut with_index = t.clone();
        with_index.indexes.insert(index.to_string(), schema);
        for item in with_index.items.values() {
            with_index.check_index_keys(item)?;
        }
        *t = with_index;
        Ok(())
    }

    /// Stores an item (replacing any with the same key), checked like a
    /// PutItem: key attributes present with their types, at most 400 KB.
    pub fn put(&mut self, table: &str, item: Item) -> Result<(), ServiceError> {
        let t = self.table_mut(table)?;
        let key = t.check_item(&item, "Item size has exceeded the maximum allowed size")?;
        t.items.insert(key, item);
        Ok(())
    }

    /// The item with the key attributes found in `key` (other attributes of
    /// `key` are ignored, so an item can be passed), or `None`.
    pub fn get(&self, table: &str, key: &Item) -> Option<&Item> {
        let t = self.tables.get(table)?;
        let key = t.schema.key_of_item(key).ok()?;
        t.items.get(&key)
    }

    /// A table's items in key order (empty for a table that does not exist).
    pub fn items(&self, table: &str) -> Vec<&Item> {
        self.tables.get(table).map(|t| t.items.values().collect()).unwrap_or_default()
    }

    /// The tables' names, in order.
    pub fn table_names(&self) -> Vec<&str> {
        self.tables.keys().map(String::as_str).collect()
    }

    /// One API call. `action` is the API name in camelCase as in the task
    /// Resource (`getItem`, `putItem`, `updateItem`, `deleteItem`, `query`,
    /// `scan`, `batchGetItem`, `batchWriteItem`, `transactWriteItems`,
    /// `transactGetItems`; PascalCase is accepted too); `request` is the
    /// request JSON as the task passes it (the evaluated Parameters:
    /// `TableName`, `Key`/`Item` in DynamoDB JSON, expressions,
    /// `ExpressionAttributeNames/Values`, `ReturnValues`, …). Returns the
    /// response JSON as the integration returns it (`{"Item": {...}}`,
    /// `{"Attributes": {...}}`, `{}`; Query/Scan `Items`, `Count`,
    /// `ScannedCount`, `LastEvaluatedKey`). The call is atomic: on error
    /// nothing has changed.
    pub fn call(&mut self, action: &str, request: &Value) -> Result<Value, ServiceError> {
        ops::call(self, action, request)
    }

    /// Reads tables and items from JSON (`--dynamodb FILE`):
    /// `{"tables": [{"name", "partitionKey": {"name", "type"}, "sortKey"?: {...},
    /// "items": [<DynamoDB JSON or plain JSON items>]}]}`. A key's `type` is
    /// `S`, `N` or `B` (`S` when left out); each item is read as DynamoDB JSON
    /// when every attribute looks like a typed value, else as plain JSON.
    /// Errors say which table and item, and what is wrong.
    pub fn from_json(v: &Value) -> Result<Self, String> {
        json_io::from_json(v)
    }

    /// Tables and items as JSON in the shape [`from_json`](Self::from_json)
    /// reads, items in DynamoDB JSON (lossless: sets, binary, exact numbers).
    pub fn to_json(&self) -> Value {
        json_io::to_json(self)
    }

    fn table(&self, name: &str) -> Result<&Table, ServiceError> {
        self.tables.get(table_name(name)).ok_or_else(|| ServiceError::table_not_found(name))
    }

    fn table_mut(&mut self, name: &str) -> Result<&mut Table, ServiceError> {
        self.tables.get_mut(table_name(name)).ok_or_else(|| ServiceError::table_not_found(name))
    }
}

/// A request names a table by its name or by its ARN
/// (`arn:aws:dynamodb:us-east-1:123456789012:table/Name`), as DynamoDB accepts both.
fn table_name(name_or_arn: &str) -> &str {
    let mut parts = name_or_arn.splitn(6, ':');
    match (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("arn"), Some(_), Some("dynamodb"), Some(_), Some(_), Some(resource)) => {
            resource.strip_prefix("table/").filter(|t| !t.contains('/')).unwrap_or(name_or_arn)
        }
        _ => name_or_arn,
    }
}
