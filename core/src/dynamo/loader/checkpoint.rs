//! Which items are done (written, or rejected into the reject file), kept in
//! a file so that a load stopped by a crash or Ctrl-C can resume without
//! sending any finished item again.
//!
//! Items finish out of order (several batches are in flight), so the record
//! is a watermark (every item below it is done) plus the finished items above it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// Identifies the input a checkpoint belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputId {
    /// The input file (or `-`).
    pub name: String,
    /// Its size in bytes, when known.
    pub bytes: Option<u64>,
    /// The target table.
    pub table: String,
}

/// Finished items, and where to save them.
#[derive(Debug)]
pub struct Checkpoint {
    id: InputId,
    path: Option<PathBuf>,
    done_below: u64,
    done_above: BTreeSet<u64>,
    /// Done items that were rejected rather than written.
    rejected: BTreeSet<u64>,
}

impl Checkpoint {
    /// A fresh record, saved to `path` (if any).
    pub fn new(id: InputId, path: Option<PathBuf>) -> Checkpoint {
        Checkpoint { id, path, done_below: 0, done_above: BTreeSet::new(), rejected: BTreeSet::new() }
    }

    /// Loads a saved record; refuses one made for another input or table.
    pub fn resume(id: InputId, path: PathBuf) -> Result<Checkpoint, String> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the checkpoint {}: {e}", path.display()))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| format!("the checkpoint {} is damaged: {e}", path.display()))?;
        let saved = InputId {
            name: v["input"].as_str().unwrap_or_default().to_string(),
            bytes: v["input_bytes"].as_u64(),
            table: v["table"].as_str().unwrap_or_default().to_string(),
        };
        if saved != id {
            return Err(format!(
                "the checkpoint {} is for {} ({} bytes) into table {}, not {} ({} bytes) into {}",
                path.display(),
                saved.name,
                saved.bytes.map_or("?".into(), |b| b.to_string()),
                saved.table,
                id.name,
                id.bytes.map_or("?".into(), |b| b.to_string()),
                id.table
            ));
        }
        let done_below =
            v["done_below"].as_u64().ok_or_else(|| format!("the checkpoint {} is damaged", path.display()))?;
        let list = |key: &str| -> BTreeSet<u64> {
            v[key].as_array().map(|a| a.iter().filter_map(Value::as_u64).collect()).unwrap_or_default()
        };
        Ok(Checkpoint { id, path: Some(path), done_below, done_above: list("done"), rejected: list("rejected") })
    }

    /// Whether item `seq` is done.
    pub fn is_done(&self, seq: u64) -> bool {
        seq < self.done_below || self.done_above.contains(&seq)
    }

    /// Records item `seq` as rejected (and so done).
    pub fn mark_rejected(&mut self, seq: u64) {
        self.rejected.insert(seq);
        self.mark(seq);
    }

    /// How many done items were rejected.
    pub fn rejected_count(&self) -> u64 {
        self.rejected.len() as u64
    }

    /// Records item `seq` as done.
    pub fn mark(&mut self, seq: u64) {
        if seq < self.done_below {
            return;
        }
        self.done_above.insert(seq);
        while self.done_above.remove(&self.done_below) {
            self.done_below += 1;
        }
    }

    /// Writes the record atomically: to a temporary file, then renamed over the old one.
    pub fn save(&mut self) -> Result<(), String> {
        let Some(path) = &self.path else { return Ok(()) };
        let body = json!({
            "version": 1,
            "input": self.id.name,
            "input_bytes": self.id.bytes,
            "table": self.id.table,
            "done_below": self.done_below,
            "done": self.done_above.iter().collect::<Vec<_>>(),
            "rejected": self.rejected.iter().collect::<Vec<_>>(),
        });
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, body.to_string())
            .map_err(|e| format!("cannot write the checkpoint {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, path).map_err(|e| format!("cannot write the checkpoint {}: {e}", path.display()))
    }

    /// Removes the file once the load has finished.
    pub fn remove(&self) -> Result<(), String> {
        match &self.path {
            Some(p) if p.exists() => std::fs::remove_file(p).map_err(|e| format!("cannot remove {}: {e}", p.display())),
            _ => Ok(()),
        }
    }

    /// Where it is saved.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watermark_advances_over_out_of_order_marks() {
        let id = InputId { name: "x".into(), bytes: Some(1), table: "t".into() };
        let mut c = Checkpoint::new(id.clone(), None);
        for seq in [2, 0, 5, 1] {
            c.mark(seq);
        }
        assert!(c.is_done(0) && c.is_done(1) && c.is_done(2) && c.is_done(5));
        assert!(!c.is_done(3) && !c.is_done(4));
        assert_eq!(c.done_below, 3);
    }

    #[test]
    fn saves_and_resumes_only_for_the_same_input() {
        let dir = std::env::temp_dir().join(format!("sf-ckpt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.json");
        let id = InputId { name: "in.jsonl".into(), bytes: Some(10), table: "t".into() };
        let mut c = Checkpoint::new(id.clone(), Some(path.clone()));
        c.mark(0);
        c.mark(7);
        c.save().unwrap();
        let back = Checkpoint::resume(id.clone(), path.clone()).unwrap();
        assert!(back.is_done(0) && back.is_done(7) && !back.is_done(1));
        let other = InputId { bytes: Some(11), ..id };
        assert!(Checkpoint::resume(other, path).unwrap_err().contains("11 bytes"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
