//! One table: its key schema and its items in primary-key order.

use std::collections::BTreeMap;

use super::error::{Result, ServiceError};
use super::key::{KeySchema, PrimaryKey};
use crate::dynamo::attr::item_size;
use crate::dynamo::{AttributeValue, Item};

/// The largest item DynamoDB stores: 400 KB, names and values counted.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// A table: key schema, global secondary indexes and items.
#[derive(Debug, Clone)]
pub struct Table {
    /// Which attributes make the primary key.
    pub schema: KeySchema,
    /// Global secondary indexes by name, each projecting every attribute.
    /// An index holds the items that have its key attributes.
    pub indexes: BTreeMap<String, KeySchema>,
    /// The items, by primary key.
    pub items: BTreeMap<PrimaryKey, Item>,
}

impl Table {
    /// An empty table.
    pub fn new(schema: KeySchema) -> Self {
        Table { schema, indexes: BTreeMap::new(), items: BTreeMap::new() }
    }

    /// Checks an item about to be stored (key, index keys and size) and returns its key.
    pub fn check_item(&self, item: &Item, too_large: &str) -> Result<PrimaryKey> {
        let key = self.schema.key_of_item(item)?;
        self.check_index_keys(item)?;
        if item_size(item) > MAX_ITEM_BYTES {
            return Err(ServiceError::validation(too_large));
        }
        Ok(key)
    }

    /// An item may lack an index's key attributes (it is then not in the
    /// index), but those it has must have the index's types and not be empty.
    pub fn check_index_keys(&self, item: &Item) -> Result<()> {
        for (index, schema) in &self.indexes {
            for (name, want) in schema.attributes() {
                let Some(value) = item.get(name) else { continue };
                if value.type_name() != want.as_str() {
                    return Err(ServiceError::validation(format!(
                        "One or more parameter values were invalid: Type mismatch for Index Key {name} Expected: {} Actual: {} IndexName: {index}",
                        want.as_str(),
                        value.type_name()
                    )));
                }
                if matches!(value, AttributeValue::S(s) if s.is_empty())
                    || matches!(value, AttributeValue::B(b) if b.is_empty())
                {
                    return Err(ServiceError::validation(format!(
                        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: {index}, IndexKey: {name}"
                    )));
                }
            }
        }
        Ok(())
    }
}
