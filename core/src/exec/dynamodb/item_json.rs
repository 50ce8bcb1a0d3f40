//! Items as the bindings and the CLI take and give them: plain JSON data
//! (marshalled as `marshall` does) or DynamoDB JSON (`{"S": "..."}`), chosen
//! by one flag, so every host reads a key and writes an item by one rule.

use serde_json::Value;

use super::MemoryDynamoDb;
use crate::dynamo::attr::{
    Item, MarshalError, item_from_dynamodb_json, item_to_dynamodb_json, item_to_plain_json, marshall_item,
};

/// An item (or a key) from JSON: DynamoDB JSON when `dynamodb_json`, else
/// plain data marshalled by DynamoDB's type rules.
pub fn item_from_json(value: &Value, dynamodb_json: bool) -> Result<Item, MarshalError> {
    if dynamodb_json { item_from_dynamodb_json(value) } else { marshall_item(value) }
}

/// An item as JSON: DynamoDB JSON when `dynamodb_json`, else plain data.
pub fn item_to_json(item: &Item, dynamodb_json: bool) -> Value {
    if dynamodb_json { item_to_dynamodb_json(item) } else { item_to_plain_json(item) }
}

impl MemoryDynamoDb {
    /// The item of `table` with `key` (both in the form `dynamodb_json`
    /// says), or `None`; a key that does not marshal is the error.
    pub fn get_json(&self, table: &str, key: &Value, dynamodb_json: bool) -> Result<Option<Value>, MarshalError> {
        let key = item_from_json(key, dynamodb_json)?;
        Ok(self.get(table, &key).map(|item| item_to_json(item, dynamodb_json)))
    }

    /// Every item of `table` in key order, in the form `dynamodb_json` says
    /// (none for a table that does not exist).
    pub fn items_json(&self, table: &str, dynamodb_json: bool) -> Vec<Value> {
        self.items(table).into_iter().map(|item| item_to_json(item, dynamodb_json)).collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::exec::dynamodb::KeyType;

    #[test]
    fn one_flag_picks_plain_or_dynamodb_json() {
        let mut db = MemoryDynamoDb::new();
        db.create_table("Things", ("id", KeyType::S), None).unwrap();
        db.put("Things", item_from_json(&json!({"id": {"S": "a"}, "n": {"N": "2"}}), true).unwrap()).unwrap();
        assert_eq!(db.get_json("Things", &json!({"id": "a"}), false).unwrap(), Some(json!({"id": "a", "n": 2})));
        assert_eq!(
            db.get_json("Things", &json!({"id": {"S": "a"}}), true).unwrap(),
            Some(json!({"id": {"S": "a"}, "n": {"N": "2"}}))
        );
        assert_eq!(db.get_json("Things", &json!({"id": "b"}), false).unwrap(), None);
        assert_eq!(db.items_json("Things", false), [json!({"id": "a", "n": 2})]);
        assert!(db.items_json("missing", true).is_empty());
        assert!(db.get_json("Things", &json!({"id": {"Q": 1}}), true).is_err());
    }
}
