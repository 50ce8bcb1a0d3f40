//! Counterexamples for people: a timeline (who did what, the table after
//! each write, faults marked) and a Mermaid sequence diagram.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Counterexample, Report, StepRecord};
use crate::dynamo::attr::item_from_dynamodb_json;

/// An item in one line: `{LockName: life, currentlockcount: 2, e1: 2024-…}`.
fn item_line(item: &Value) -> String {
    if item.is_null() {
        return "(deleted)".into();
    }
    match item_from_dynamodb_json(item) {
        Ok(item) => {
            let parts: Vec<String> = item
                .iter()
                .map(|(k, v)| {
                    let k = super::invariant::short(k);
                    let v = match v.to_plain_json() {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    format!("{k}: {v}")
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Err(_) => item.to_string(),
    }
}

fn seconds(ms: i64) -> String {
    if ms % 1000 == 0 { format!("{}s", ms / 1000) } else { format!("{:.3}s", ms as f64 / 1000.0) }
}

/// The timeline: one line per step, the table after each write indented below it.
pub fn timeline_text(records: &[StepRecord]) -> String {
    let mut out = String::new();
    let width = records.iter().map(|r| r.actor.len()).max().unwrap_or(5).max(5);
    for r in records {
        let _ = writeln!(out, "{:>4}  +{:<8} {:<width$}  {}", r.step, seconds(r.at_ms), r.actor, r.what);
        if let Some((table, item)) = &r.write {
            let _ = writeln!(out, "{:>4}  {:<9} {:<width$}    {table} = {}", "", "", "", item_line(item));
        }
        for (who, what) in &r.changes {
            let _ = writeln!(out, "{:>4}  {:<9} {:<width$}    {who}: {what}", "", "", "");
        }
    }
    out
}

fn mermaid_id(actor: &str) -> String {
    actor.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

fn mermaid_text(text: &str) -> String {
    text.replace(';', ",").replace('#', "").replace('\n', " ").replace('`', "'")
}

/// A Mermaid sequence diagram of the steps that matter: DynamoDB writes and
/// calls, faults, deliveries, executions starting and ending.
pub fn mermaid(records: &[StepRecord]) -> String {
    let mut out = String::from("sequenceDiagram\n");
    let mut actors: Vec<String> = Vec::new();
    for r in records {
        if !actors.contains(&r.actor) {
            actors.push(r.actor.clone());
        }
    }
    for a in &actors {
        let _ = writeln!(out, "    participant {} as {}", mermaid_id(a), mermaid_text(a));
    }
    out.push_str("    participant DynamoDB\n");
    for r in records {
        let who = mermaid_id(&r.actor);
        let important = r.write.is_some() || r.fault.is_some() || !r.changes.is_empty() || r.what.contains("DynamoDB");
        if !important {
            continue;
        }
        if r.what.contains("DynamoDB") {
            let _ = writeln!(out, "    {who}->>DynamoDB: +{} {}", seconds(r.at_ms), mermaid_text(&r.what));
            match &r.write {
                Some((table, item)) => {
                    let _ = writeln!(
                        out,
                        "    DynamoDB-->>{who}: {} = {}",
                        mermaid_text(table),
                        mermaid_text(&item_line(item))
                    );
                }
                None => {
                    let _ = writeln!(out, "    DynamoDB-->>{who}: no change");
                }
            }
        } else {
            let _ = writeln!(out, "    Note over {who}: +{} {}", seconds(r.at_ms), mermaid_text(&r.what));
        }
        for (w, what) in &r.changes {
            let _ = writeln!(out, "    Note over {}: {}", mermaid_id(w), mermaid_text(what));
        }
    }
    out
}

impl Counterexample {
    /// The counterexample in words: what broke, the schedule to replay, the timeline.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "invariant broken: {}", self.violation.invariant);
        let _ = writeln!(out, "  {}", self.violation.message);
        let _ = writeln!(out, "after step {} of {}", self.violation.step, self.steps);
        let _ = writeln!(out, "replay: --replay {}", self.schedule);
        let _ = writeln!(out, "\ntimeline:");
        out.push_str(&timeline_text(&self.timeline));
        out
    }

    /// The Mermaid sequence diagram.
    pub fn mermaid(&self) -> String {
        mermaid(&self.timeline)
    }
}

impl Report {
    /// One paragraph: mode, counts, rates.
    pub fn summary(&self) -> String {
        let mut out =
            format!("{} exploration: {} schedules, {} transitions", self.mode, self.schedules, self.transitions);
        if self.mode == "exhaustive" {
            let _ = write!(out, ", {} distinct states, {} paths pruned at a known state", self.states, self.pruned);
        }
        let _ = write!(
            out,
            " in {:.2} s ({:.0} schedules/s, {:.0} transitions/s)",
            self.elapsed.as_secs_f64(),
            self.schedules_per_second(),
            self.transitions_per_second()
        );
        out.push_str(match (&self.counterexample, self.complete) {
            (Some(_), _) => ": an invariant broke",
            (None, true) => ": every invariant held",
            (None, false) => ": incomplete",
        });
        out
    }
}
