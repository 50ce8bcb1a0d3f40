//! `ReturnConsumedCapacity`: the capacity units a call would consume, by the
//! rules in the DynamoDB developer guide: a read unit per 4 KB read (half for
//! an eventually consistent read, at least one unit even for nothing), a
//! write unit per 1 KB of the larger of the old and new item, twice that in
//! a transaction.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::exec::dynamodb::error::Result;
use crate::exec::dynamodb::request::Request;

/// What `ReturnConsumedCapacity` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `NONE` or absent: no `ConsumedCapacity` in the response.
    None,
    /// `TOTAL`: the units per table.
    Total,
    /// `INDEXES`: the units per table, with the table's own share (the
    /// in-memory tables have no indexes).
    Indexes,
}

impl Mode {
    /// Reads `ReturnConsumedCapacity`.
    pub fn of(req: &Request<'_>) -> Result<Mode> {
        Ok(match req.one_of("ReturnConsumedCapacity", &["INDEXES", "TOTAL", "NONE"])? {
            Some("TOTAL") => Mode::Total,
            Some("INDEXES") => Mode::Indexes,
            _ => Mode::None,
        })
    }
}

/// Read units for `bytes` read in one request.
pub fn read_units(bytes: usize, consistent: bool) -> f64 {
    let units = bytes.div_ceil(4096).max(1) as f64;
    if consistent { units } else { units / 2.0 }
}

/// Write units for writing an item of `bytes` (the larger of old and new).
pub fn write_units(bytes: usize) -> f64 {
    bytes.div_ceil(1024).max(1) as f64
}

/// Units consumed per table, read and write.
#[derive(Debug, Default)]
pub struct Usage {
    tables: BTreeMap<String, (f64, f64)>,
}

impl Usage {
    /// Counts read units against a table.
    pub fn read(&mut self, table: &str, units: f64) {
        self.tables.entry(table.to_string()).or_default().0 += units;
    }

    /// Counts write units against a table.
    pub fn write(&mut self, table: &str, units: f64) {
        self.tables.entry(table.to_string()).or_default().1 += units;
    }

    fn entries(&self, mode: Mode) -> Vec<Value> {
        self.tables
            .iter()
            .map(|(table, (read, write))| {
                let mut out = Map::new();
                out.insert("TableName".into(), json!(table));
                out.insert("CapacityUnits".into(), json!(read + write));
                if *read > 0.0 {
                    out.insert("ReadCapacityUnits".into(), json!(read));
                }
                if *write > 0.0 {
                    out.insert("WriteCapacityUnits".into(), json!(write));
                }
                if mode == Mode::Indexes {
                    out.insert("Table".into(), json!({"CapacityUnits": read + write}));
                }
                Value::Object(out)
            })
            .collect()
    }

    /// Adds `ConsumedCapacity` for a single-table call (an object).
    pub fn attach_one(&self, response: &mut Value, mode: Mode) {
        if mode != Mode::None
            && let (Some(entry), Value::Object(out)) = (self.entries(mode).into_iter().next(), response)
        {
            out.insert("ConsumedCapacity".into(), entry);
        }
    }

    /// Adds `ConsumedCapacity` for a multi-table call (a list).
    pub fn attach_list(&self, response: &mut Value, mode: Mode) {
        if mode != Mode::None
            && let Value::Object(out) = response
        {
            out.insert("ConsumedCapacity".into(), Value::Array(self.entries(mode)));
        }
    }
}
