//! One table: its key schema and its items in primary-key order.

use std::collections::BTreeMap;

use super::error::{Result, ServiceError};
use super::key::{KeySchema, PrimaryKey};
use crate::dynamo::Item;
use crate::dynamo::attr::item_size;

/// The largest item DynamoDB stores: 400 KB, names and values counted.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// A table: key schema and items.
#[derive(Debug, Clone)]
pub struct Table {
    /// Which attributes make the primary key.
    pub schema: KeySchema,
    /// The items, by primary key.
    pub items: BTreeMap<PrimaryKey, Item>,
}

impl Table {
    /// An empty table.
    pub fn new(schema: KeySchema) -> Self {
        Table { schema, items: BTreeMap::new() }
    }

    /// Checks an item about to be stored (key and size) and returns its key.
    pub fn check_item(&self, item: &Item, too_large: &str) -> Result<PrimaryKey> {
        let key = self.schema.key_of_item(item)?;
        if item_size(item) > MAX_ITEM_BYTES {
            return Err(ServiceError::validation(too_large));
        }
        Ok(key)
    }
}
