//! Seed 004's way of loading a table: `load-ddb --config config.json --json
//! list.json`, where `config.json` names the table and the key, and the list
//! goes into ONE item, `{<partitionKeyName>: <partitionKeyValueField>,
//! "values": <the list>}`, which the sample's state machine reads with
//! GetItem and maps over.

use std::path::Path;

use serde_json::{Map, Value};

/// The `ddb` section of the sample's `config.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedConfig {
    /// `tableName`.
    pub table_name: String,
    /// `partitionKeyName`: the table's string partition key.
    pub partition_key_name: String,
    /// `partitionKeyValueField`: the key value of the item that holds the list.
    pub partition_key_value: String,
}

/// Reads `config.json`. The `ddb` section must have exactly its three fields;
/// other top-level sections (the sample's `stepfunc`) are left to their users.
pub fn read_config(path: &Path) -> Result<SeedConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let ddb = value.get("ddb").and_then(Value::as_object).ok_or_else(|| {
        format!(
            "{}: needs a \"ddb\" object with tableName, partitionKeyName and partitionKeyValueField",
            path.display()
        )
    })?;
    const FIELDS: [&str; 3] = ["tableName", "partitionKeyName", "partitionKeyValueField"];
    if let Some(unknown) = ddb.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "{}: \"ddb\" has an unknown field `{unknown}`; it takes {}",
            path.display(),
            FIELDS.join(", ")
        ));
    }
    let field = |name: &str| -> Result<String, String> {
        match ddb.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(_) => Err(format!("{}: ddb.{name} must be a non-empty string", path.display())),
            None => Err(format!("{}: ddb.{name} is missing", path.display())),
        }
    };
    Ok(SeedConfig {
        table_name: field("tableName")?,
        partition_key_name: field("partitionKeyName")?,
        partition_key_value: field("partitionKeyValueField")?,
    })
}

/// The one item the sample writes: the key, and the whole list under `values`.
pub fn list_item(config: &SeedConfig, list_path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(list_path).map_err(|e| format!("cannot read {}: {e}", list_path.display()))?;
    let list: Value = serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", list_path.display()))?;
    if !list.is_array() {
        return Err(format!("{} must hold a JSON list", list_path.display()));
    }
    let mut item = Map::new();
    item.insert(config.partition_key_name.clone(), Value::String(config.partition_key_value.clone()));
    item.insert("values".to_string(), list);
    Ok(Value::Object(item))
}
