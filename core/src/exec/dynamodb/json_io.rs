//! Tables and items as a JSON document, for `--dynamodb FILE` and
//! `--dump-dynamodb FILE`.

use serde_json::{Map, Value, json};

use super::{KeyType, MemoryDynamoDb};
use crate::dynamo::attr::{item_from_dynamodb_json, item_to_dynamodb_json, looks_like_dynamodb_json, marshall_item};

/// Reads `{"tables": [{"name", "partitionKey": {"name","type"}, "sortKey"?,
/// "indexes"?: [{"name", "partitionKey", "sortKey"?}], "items"?}]}`.
pub fn from_json(v: &Value) -> Result<MemoryDynamoDb, String> {
    let tables = v
        .get("tables")
        .and_then(Value::as_array)
        .ok_or("expected an object with a \"tables\" array: {\"tables\": [{\"name\": …, \"partitionKey\": …}]}")?;
    let mut db = MemoryDynamoDb::new();
    for (i, table) in tables.iter().enumerate() {
        let at = format!("/tables/{i}");
        let obj = table.as_object().ok_or_else(|| format!("{at}: a table is an object"))?;
        let name = obj.get("name").and_then(Value::as_str).ok_or_else(|| format!("{at}/name: a string is required"))?;
        let hash = key_attribute(obj, "partitionKey", &at)?.ok_or_else(|| format!("{at}/partitionKey is required"))?;
        let range = key_attribute(obj, "sortKey", &at)?;
        db.create_table(name, (&hash.0, hash.1), range.as_ref().map(|(n, t)| (n.as_str(), *t)))
            .map_err(|e| format!("{at}: {}", e.message))?;
        match obj.get("indexes") {
            None => {}
            Some(Value::Array(indexes)) => {
                for (k, index) in indexes.iter().enumerate() {
                    let at = format!("{at}/indexes/{k}");
                    let spec = index.as_object().ok_or_else(|| format!("{at}: an index is an object"))?;
                    let index_name = spec
                        .get("name")
                        .and_then(Value::as_str)
                        .ok_or_else(|| format!("{at}/name: a string is required"))?;
                    let hash = key_attribute(spec, "partitionKey", &at)?
                        .ok_or_else(|| format!("{at}/partitionKey is required"))?;
                    let range = key_attribute(spec, "sortKey", &at)?;
                    db.create_index(name, index_name, (&hash.0, hash.1), range.as_ref().map(|(n, t)| (n.as_str(), *t)))
                        .map_err(|e| format!("{at}: {}", e.message))?;
                }
            }
            Some(_) => return Err(format!("{at}/indexes: an array of indexes is required")),
        }
        let items = match obj.get("items") {
            None => continue,
            Some(Value::Array(items)) => items,
            Some(_) => return Err(format!("{at}/items: an array of items is required")),
        };
        for (j, item) in items.iter().enumerate() {
            let at = format!("{at}/items/{j}");
            let parsed =
                if looks_like_dynamodb_json(item) { item_from_dynamodb_json(item) } else { marshall_item(item) }
                    .map_err(|e| format!("{at}{}: {}", e.pointer, e.message))?;
            db.put(name, parsed).map_err(|e| format!("{at}: {}", e.message))?;
        }
    }
    Ok(db)
}

fn key_attribute(table: &Map<String, Value>, field: &str, at: &str) -> Result<Option<(String, KeyType)>, String> {
    let Some(spec) = table.get(field) else { return Ok(None) };
    let name =
        spec.get("name").and_then(Value::as_str).ok_or_else(|| format!("{at}/{field}/name: a string is required"))?;
    let kind = spec.get("type").and_then(Value::as_str).unwrap_or("S");
    let kind =
        KeyType::parse(kind).ok_or_else(|| format!("{at}/{field}/type: {kind:?} is not a key type (S, N or B)"))?;
    Ok(Some((name.to_string(), kind)))
}

/// Writes every table, items in key order and in DynamoDB JSON.
pub fn to_json(db: &MemoryDynamoDb) -> Value {
    let key = |(name, kind): &(String, KeyType)| json!({"name": name, "type": kind.as_str()});
    let tables = db
        .tables
        .iter()
        .map(|(name, table)| {
            let mut out = Map::new();
            out.insert("name".into(), Value::String(name.clone()));
            out.insert("partitionKey".into(), key(&table.schema.hash));
            if let Some(range) = &table.schema.range {
                out.insert("sortKey".into(), key(range));
            }
            if !table.indexes.is_empty() {
                let indexes = table
                    .indexes
                    .iter()
                    .map(|(index, schema)| {
                        let mut spec = Map::new();
                        spec.insert("name".into(), Value::String(index.clone()));
                        spec.insert("partitionKey".into(), key(&schema.hash));
                        if let Some(range) = &schema.range {
                            spec.insert("sortKey".into(), key(range));
                        }
                        Value::Object(spec)
                    })
                    .collect();
                out.insert("indexes".into(), Value::Array(indexes));
            }
            out.insert("items".into(), Value::Array(table.items.values().map(item_to_dynamodb_json).collect()));
            Value::Object(out)
        })
        .collect();
    json!({ "tables": Value::Array(tables) })
}
