//! Reading items as a stream: a JSON array or JSON Lines, from a file, from
//! standard input, or from values already in memory. A blocking thread
//! parses and hands items over a bounded channel, so memory stays flat
//! whatever the size of the input.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::dynamo::attr::{self, Item};

/// Where the items come from.
pub enum Source {
    /// A file holding a JSON array of items or JSON Lines (one item per line).
    Path(PathBuf),
    /// Standard input, in either form.
    Stdin,
    /// Items already in memory.
    Values(Vec<Value>),
    /// Items produced one by one (a host-language generator), read on the
    /// reader thread as the loader needs them.
    Iter(Box<dyn Iterator<Item = Value> + Send>),
    /// Items a host binding has already made into attribute values (its
    /// `marshall` rules): nothing to parse or marshal again.
    Items(Vec<Item>),
    /// Such items produced one by one, as [`Source::Iter`].
    ItemIter(Box<dyn Iterator<Item = Item> + Send>),
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Source({self})")
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Path(p) => write!(f, "{}", p.display()),
            Source::Stdin => f.write_str("standard input"),
            Source::Values(v) => write!(f, "{} items in memory", v.len()),
            Source::Items(v) => write!(f, "{} items in memory", v.len()),
            Source::Iter(_) | Source::ItemIter(_) => f.write_str("items from an iterator"),
        }
    }
}

/// Where an item was in the input, for messages and the reject file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Element `n` (0-based) of a JSON array.
    Index(u64),
    /// Line `n` (1-based) of a JSON Lines input.
    Line(u64),
}

/// One input item: JSON to marshal (by the input format), or an item made already.
#[derive(Debug)]
pub enum Entry {
    /// A JSON value, plain or DynamoDB JSON.
    Json(Value),
    /// Attribute values, from a host binding.
    Item(Item),
}

impl Entry {
    /// The entry as JSON, for the reject file: an item as DynamoDB JSON.
    pub fn to_json(&self) -> Value {
        match self {
            Entry::Json(v) => v.clone(),
            Entry::Item(item) => attr::item_to_dynamodb_json(item),
        }
    }
}

/// One item read from the input, numbered in input order (`seq`, 0-based).
#[derive(Debug)]
pub struct Record {
    /// The item's number: stable across runs on the same input, so a resumed load skips what was done.
    pub seq: u64,
    /// Where it was.
    pub position: Position,
    /// The item, or why the line could not be read (JSON Lines only: a broken
    /// line is rejected and the load goes on).
    pub body: Result<Entry, (String, String)>,
}

/// Reads `source` on a blocking thread and sends its records. Returns how
/// many were read, or an error that ends the input (unreadable file, an
/// array that stops being valid JSON).
pub fn spawn(source: Source, tx: mpsc::Sender<Record>) -> tokio::task::JoinHandle<Result<u64, String>> {
    tokio::task::spawn_blocking(move || match source {
        Source::Values(values) => Ok(send_all(values.into_iter().map(Entry::Json), &tx)),
        Source::Iter(values) => Ok(send_all(values.map(Entry::Json), &tx)),
        Source::Items(items) => Ok(send_all(items.into_iter().map(Entry::Item), &tx)),
        Source::ItemIter(items) => Ok(send_all(items.map(Entry::Item), &tx)),
        Source::Path(path) => {
            let file = File::open(&path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            read(BufReader::with_capacity(1 << 16, file), &tx)
        }
        Source::Stdin => read(BufReader::with_capacity(1 << 16, std::io::stdin()), &tx),
    })
}

/// Sends values in order; stops early when the loader stops listening.
fn send_all(values: impl Iterator<Item = Entry>, tx: &mpsc::Sender<Record>) -> u64 {
    let mut n = 0;
    for v in values {
        if tx.blocking_send(Record { seq: n, position: Position::Index(n), body: Ok(v) }).is_err() {
            break;
        }
        n += 1;
    }
    n
}

/// Picks the form from the first non-blank character: `[` is an array.
fn read<R: Read>(mut reader: BufReader<R>, tx: &mpsc::Sender<Record>) -> Result<u64, String> {
    let first = loop {
        let buf = reader.fill_buf().map_err(|e| format!("cannot read the input: {e}"))?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None if buf.is_empty() => break None,
            None => {
                let len = buf.len();
                reader.consume(len);
            }
        }
    };
    match first {
        None => Ok(0),
        Some(b'[') => read_array(reader, tx),
        Some(_) => read_lines(reader, tx),
    }
}

fn read_lines<R: Read>(reader: BufReader<R>, tx: &mpsc::Sender<Record>) -> Result<u64, String> {
    let mut seq = 0;
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("cannot read line {}: {e}", i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let body = serde_json::from_str::<Value>(&line)
            .map(Entry::Json)
            .map_err(|e| (format!("line {} is not JSON: {e}", i + 1), line));
        if tx.blocking_send(Record { seq, position: Position::Line(i as u64 + 1), body }).is_err() {
            break;
        }
        seq += 1;
    }
    Ok(seq)
}

fn read_array<R: Read>(reader: BufReader<R>, tx: &mpsc::Sender<Record>) -> Result<u64, String> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let count = Elements { tx }.deserialize(&mut de).map_err(|e| format!("the input array is not valid JSON: {e}"))?;
    de.end().map_err(|e| format!("the input has more after its array: {e}"))?;
    Ok(count)
}

/// Sends each array element as it is parsed.
struct Elements<'t> {
    tx: &'t mpsc::Sender<Record>,
}

impl<'de> DeserializeSeed<'de> for Elements<'_> {
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<u64, D::Error> {
        de.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut n = 0u64;
        while let Some(value) = seq.next_element::<Value>()? {
            if self
                .tx
                .blocking_send(Record { seq: n, position: Position::Index(n), body: Ok(Entry::Json(value)) })
                .is_err()
            {
                break;
            }
            n += 1;
        }
        Ok(n)
    }
}
