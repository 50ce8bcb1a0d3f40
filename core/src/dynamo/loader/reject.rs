//! The reject file: one JSON line per item that could not be written, with
//! the reason, so it can be fixed and loaded again.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use serde_json::{Value, json};

use super::input::Position;

/// Appends rejected items to a file.
pub struct RejectFile {
    path: PathBuf,
    file: Option<File>,
    /// Items already in the file (from an earlier, interrupted run).
    present: HashSet<u64>,
}

impl RejectFile {
    /// A reject file at `path`; when resuming, the items it already holds are
    /// not written again.
    pub fn open(path: PathBuf, resuming: bool) -> Result<RejectFile, String> {
        let mut present = HashSet::new();
        if resuming && path.exists() {
            let file = File::open(&path).map_err(|e| format!("cannot read the reject file {}: {e}", path.display()))?;
            for line in BufReader::new(file).lines() {
                let line = line.map_err(|e| format!("cannot read the reject file {}: {e}", path.display()))?;
                if let Some(seq) = serde_json::from_str::<Value>(&line).ok().and_then(|v| v["seq"].as_u64()) {
                    present.insert(seq);
                }
            }
        } else if path.exists() {
            std::fs::remove_file(&path)
                .map_err(|e| format!("cannot replace the reject file {}: {e}", path.display()))?;
        }
        Ok(RejectFile { path, file: None, present })
    }

    /// Appends one rejected item (`item` as read, or the raw line when it was not JSON).
    pub fn write(
        &mut self,
        seq: u64,
        position: Position,
        reason: &str,
        item: Option<&Value>,
        raw: Option<&str>,
    ) -> Result<(), String> {
        if !self.present.insert(seq) {
            return Ok(());
        }
        let mut entry = json!({"seq": seq, "reason": reason});
        match position {
            Position::Index(i) => entry["index"] = i.into(),
            Position::Line(l) => entry["line"] = l.into(),
        }
        if let Some(item) = item {
            entry["item"] = item.clone();
        }
        if let Some(raw) = raw {
            entry["raw"] = raw.into();
        }
        if self.file.is_none() {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(|e| format!("cannot open the reject file {}: {e}", self.path.display()))?;
            self.file = Some(file);
        }
        let file = self.file.as_mut().ok_or("the reject file is not open")?;
        // One write per line and a flush: a crash leaves whole lines behind.
        file.write_all(format!("{entry}\n").as_bytes())
            .and_then(|()| file.flush())
            .map_err(|e| format!("cannot write the reject file {}: {e}", self.path.display()))
    }
}
