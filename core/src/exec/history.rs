//! Execution history in the shape of Step Functions' `GetExecutionHistory`:
//! numbered events, each naming the event before it, with details under a
//! key derived from the event type (`TaskStateEntered` → `stateEnteredEventDetails`).
//! See <https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html>.
//!
//! An execution records its events compactly ([`History`]): a fixed-size
//! record per event whose state names and input/output JSON text are appended
//! to one byte buffer per execution. A state transition then costs no heap
//! allocation of its own (the buffers grow geometrically); the events become
//! [`HistoryEvent`]s and `GetExecutionHistory` JSON only when read.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value, json};

/// One history event.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    /// 1-based, in order.
    pub id: u64,
    /// The event this one follows from (0 for the first).
    pub previous_event_id: u64,
    /// Virtual time, milliseconds since the Unix epoch.
    pub timestamp: i64,
    /// The event type, e.g. `TaskStateEntered`.
    pub kind: String,
    /// The details object, if the type has one.
    pub details: Option<Value>,
}

impl HistoryEvent {
    /// The event as `GetExecutionHistory` returns it.
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("timestamp".into(), Value::String(format_millis(self.timestamp)));
        obj.insert("type".into(), Value::String(self.kind.clone()));
        obj.insert("id".into(), self.id.into());
        obj.insert("previousEventId".into(), self.previous_event_id.into());
        if let Some(d) = &self.details {
            obj.insert(details_key(&self.kind), d.clone());
        }
        Value::Object(obj)
    }
}

/// The history of one execution as `{"events": [...]}`.
pub fn history_json(events: &[HistoryEvent]) -> Value {
    json!({ "events": events.iter().map(HistoryEvent::to_json).collect::<Vec<_>>() })
}

/// The details of a recorded event, with text kept in [`History`]'s buffer
/// (byte ranges) for the shapes every transition makes.
#[derive(Debug, Clone)]
pub(crate) enum Details {
    /// No details object.
    None,
    /// `ExecutionStarted`: `{"input", "inputDetails": {"truncated": false}, "roleArn", "stateMachineArn"}`.
    Started { input: Range<usize>, role_arn: Range<usize>, state_machine_arn: Range<usize> },
    /// `*StateEntered`: `{"name", "input", "inputDetails": {"truncated": false}}`.
    Entered { name: Range<usize>, input: Range<usize> },
    /// `*StateExited`: `{"name", "output", "outputDetails": {"truncated": false}}`.
    Exited { name: Range<usize>, output: Range<usize> },
    /// `ExecutionSucceeded`: `{"output", "outputDetails": {"truncated": false}}`.
    Output { output: Range<usize> },
    /// `*Failed`, `ExecutionAborted`, `ExecutionTimedOut`…: `{"error", "cause"}`.
    Failed { error: Range<usize>, cause: Range<usize> },
    /// `MapIteration*`: `{"name", "index"}`.
    Iteration { name: Range<usize>, index: u64 },
    /// Any other details object, built when recorded.
    Json(Value),
}

/// One recorded event.
#[derive(Debug, Clone)]
struct Recorded {
    id: u64,
    previous: u64,
    timestamp: i64,
    kind: &'static str,
    details: Details,
}

/// The recorded events and the text they point into.
#[derive(Debug, Clone)]
struct Parts {
    events: Vec<Recorded>,
    /// State names and JSON text the events' [`Details`] point into, back to back.
    text: Vec<u8>,
}

/// An execution's history, recorded compactly and rendered when read.
/// Its parts are shared copy-on-write, so a snapshot of an execution (what
/// the bindings hand out) or a fork of the world copies no event until one
/// side records another.
#[derive(Debug, Clone)]
pub(crate) struct History {
    /// The events and their text, in one shared allocation (one
    /// copy-on-write check per event recorded).
    parts: Arc<Parts>,
    /// The events as [`HistoryEvent`]s, built on the first read after a change.
    rendered: OnceLock<Arc<Vec<HistoryEvent>>>,
}

impl Default for History {
    /// Room for a short execution's events and text, so most grow at most once or twice.
    fn default() -> History {
        History {
            parts: Arc::new(Parts { events: Vec::with_capacity(8), text: Vec::with_capacity(256) }),
            rendered: OnceLock::new(),
        }
    }
}

impl History {
    /// How many events are recorded.
    pub(crate) fn len(&self) -> usize {
        self.parts.events.len()
    }

    /// Appends a state name to the text buffer.
    pub(crate) fn name(&mut self, name: &str) -> Range<usize> {
        let text = &mut Arc::make_mut(&mut self.parts).text;
        let start = text.len();
        text.extend_from_slice(name.as_bytes());
        start..text.len()
    }

    /// Appends the role ARN of [`role_arn`](super::world::role_arn) without building it apart.
    pub(crate) fn role_arn(&mut self, machine_name: &str) -> Range<usize> {
        let text = &mut Arc::make_mut(&mut self.parts).text;
        let start = text.len();
        for part in ["arn:aws:iam::", super::world::ACCOUNT, ":role/StepFunctions-", machine_name, "-role"] {
            text.extend_from_slice(part.as_bytes());
        }
        start..text.len()
    }

    /// Appends a value's compact JSON text to the text buffer.
    pub(crate) fn json_text(&mut self, value: &Value) -> Range<usize> {
        let text = &mut Arc::make_mut(&mut self.parts).text;
        let start = text.len();
        // Writing JSON into a Vec<u8> cannot fail (serde_json's map keys are strings).
        if serde_json::to_writer(&mut *text, value).is_err() {
            text.truncate(start);
        }
        start..text.len()
    }

    /// Appends an event whose details `details` writes through one borrow of
    /// the text buffer (one copy-on-write check per event, not one per piece).
    pub(crate) fn record(
        &mut self,
        id: u64,
        previous: u64,
        timestamp: i64,
        kind: &'static str,
        details: impl FnOnce(&mut TextWriter) -> Details,
    ) {
        if self.rendered.get().is_some() {
            self.rendered = OnceLock::new();
        }
        let parts = Arc::make_mut(&mut self.parts);
        let details = details(&mut TextWriter { text: &mut parts.text });
        parts.events.push(Recorded { id, previous, timestamp, kind, details });
    }

    /// Appends an event.
    pub(crate) fn push(&mut self, id: u64, previous: u64, timestamp: i64, kind: &'static str, details: Details) {
        if self.rendered.get().is_some() {
            self.rendered = OnceLock::new();
        }
        Arc::make_mut(&mut self.parts).events.push(Recorded { id, previous, timestamp, kind, details });
    }

    /// The JSON value whose text [`History::json_text`] wrote at `range`.
    pub(crate) fn json_at(&self, range: &Range<usize>) -> Option<Value> {
        serde_json::from_slice(self.parts.text.get(range.clone())?).ok()
    }

    /// The id of the last `*StateEntered` event of the state `name`, if any.
    pub(crate) fn last_entered(&self, name: &str) -> Option<u64> {
        let Parts { events, text } = &*self.parts;
        events.iter().rev().find_map(|e| match &e.details {
            Details::Entered { name: n, .. } if &text[n.clone()] == name.as_bytes() => Some(e.id),
            _ => None,
        })
    }

    /// The kind of the last event, if any.
    pub(crate) fn last_kind(&self) -> Option<&'static str> {
        self.parts.events.last().map(|e| e.kind)
    }

    /// The events in their public form.
    pub(crate) fn events(&self) -> &[HistoryEvent] {
        self.rendered.get_or_init(|| Arc::new(self.parts.events.iter().map(|e| self.render(e)).collect()))
    }

    fn str(&self, range: &Range<usize>) -> &str {
        // Only whole `&str`s and serde_json's UTF-8 output are ever appended.
        std::str::from_utf8(self.parts.text.get(range.clone()).unwrap_or_default()).unwrap_or_default()
    }

    fn render(&self, e: &Recorded) -> HistoryEvent {
        let details = match &e.details {
            Details::None => None,
            Details::Started { input, role_arn, state_machine_arn } => Some(json!({
                "input": self.str(input),
                "inputDetails": {"truncated": false},
                "roleArn": self.str(role_arn),
                "stateMachineArn": self.str(state_machine_arn),
            })),
            Details::Entered { name, input } => Some(json!({
                "name": self.str(name), "input": self.str(input), "inputDetails": {"truncated": false}
            })),
            Details::Exited { name, output } => Some(json!({
                "name": self.str(name), "output": self.str(output), "outputDetails": {"truncated": false}
            })),
            Details::Output { output } => {
                Some(json!({"output": self.str(output), "outputDetails": {"truncated": false}}))
            }
            Details::Failed { error, cause } => Some(json!({"error": self.str(error), "cause": self.str(cause)})),
            Details::Iteration { name, index } => Some(json!({"name": self.str(name), "index": index})),
            Details::Json(v) => Some(v.clone()),
        };
        HistoryEvent {
            id: e.id,
            previous_event_id: e.previous,
            timestamp: e.timestamp,
            kind: e.kind.to_string(),
            details,
        }
    }
}

/// Writes an event's state names and JSON text into a [`History`]'s buffer
/// (see [`History::record`]); each call returns where its text sits.
pub(crate) struct TextWriter<'a> {
    text: &'a mut Vec<u8>,
}

impl TextWriter<'_> {
    /// Appends a state name.
    pub(crate) fn name(&mut self, name: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.extend_from_slice(name.as_bytes());
        start..self.text.len()
    }

    /// Appends a value's compact JSON text.
    pub(crate) fn json_text(&mut self, value: &Value) -> Range<usize> {
        let start = self.text.len();
        // Writing JSON into a Vec<u8> cannot fail (serde_json's map keys are strings).
        if serde_json::to_writer(&mut *self.text, value).is_err() {
            self.text.truncate(start);
        }
        start..self.text.len()
    }
}

/// `PassStateEntered`, `TaskStateEntered`… for a state type name.
pub(crate) fn entered_kind(type_name: &str) -> &'static str {
    match type_name {
        "Pass" => "PassStateEntered",
        "Task" => "TaskStateEntered",
        "Choice" => "ChoiceStateEntered",
        "Wait" => "WaitStateEntered",
        "Succeed" => "SucceedStateEntered",
        "Fail" => "FailStateEntered",
        "Parallel" => "ParallelStateEntered",
        "Map" => "MapStateEntered",
        _ => "StateEntered",
    }
}

/// `PassStateExited`, `TaskStateExited`… for a state type name.
pub(crate) fn exited_kind(type_name: &str) -> &'static str {
    match type_name {
        "Pass" => "PassStateExited",
        "Task" => "TaskStateExited",
        "Choice" => "ChoiceStateExited",
        "Wait" => "WaitStateExited",
        "Succeed" => "SucceedStateExited",
        "Fail" => "FailStateExited",
        "Parallel" => "ParallelStateExited",
        "Map" => "MapStateExited",
        _ => "StateExited",
    }
}

/// The key of an event type's details: `stateEnteredEventDetails` for every
/// `*StateEntered`, `stateExitedEventDetails` for every `*StateExited`, else
/// the type in lower camel case plus `EventDetails`.
pub fn details_key(kind: &str) -> String {
    if kind.ends_with("StateEntered") {
        return "stateEnteredEventDetails".into();
    }
    if kind.ends_with("StateExited") {
        return "stateExitedEventDetails".into();
    }
    let mut out = String::with_capacity(kind.len() + 12);
    let mut chars = kind.chars();
    if let Some(c) = chars.next() {
        out.push(c.to_ascii_lowercase());
    }
    out.extend(chars);
    out.push_str("EventDetails");
    out
}

/// `2024-01-01T00:00:00.000Z`: RFC 3339 in UTC with milliseconds.
pub fn format_millis(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Err(_) => ms.to_string(),
    }
}

/// Reads an RFC 3339 timestamp into milliseconds since the Unix epoch.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    text.parse::<jiff::Timestamp>().ok().map(|t| t.as_millisecond())
}

/// JSON text of a value, as history details carry inputs and outputs.
pub(crate) fn text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_times() {
        assert_eq!(details_key("TaskStateEntered"), "stateEnteredEventDetails");
        assert_eq!(details_key("MapStateExited"), "stateExitedEventDetails");
        assert_eq!(details_key("TaskScheduled"), "taskScheduledEventDetails");
        assert_eq!(details_key("MapIterationStarted"), "mapIterationStartedEventDetails");
        assert_eq!(format_millis(1_704_067_200_123), "2024-01-01T00:00:00.123Z");
        assert_eq!(parse_timestamp("2024-01-01T00:00:01Z"), Some(1_704_067_201_000));
        assert_eq!(parse_timestamp("2024-01-01T02:00:01+02:00"), Some(1_704_067_201_000));
    }

    #[test]
    fn compact_events_render_in_aws_shape_and_rerender_after_a_change() {
        let mut h = History::default();
        let (name, input) = (h.name("Check"), h.json_text(&json!({"i": 1, "s": "é\""})));
        h.push(2, 1, 0, entered_kind("Choice"), Details::Entered { name, input });
        let (name, output) = (h.name("Check"), h.json_text(&json!([1, 2])));
        h.push(3, 2, 5, exited_kind("Choice"), Details::Exited { name, output });
        let name = h.name("Each");
        h.push(4, 3, 5, "MapIterationStarted", Details::Iteration { name, index: 7 });
        let events = h.events().to_vec();
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].kind, "ChoiceStateEntered");
        assert_eq!(
            events[0].details,
            Some(json!({"name": "Check", "input": r#"{"i":1,"s":"é\""}"#, "inputDetails": {"truncated": false}}))
        );
        assert_eq!(
            events[1].to_json().to_string(),
            r#"{"timestamp":"1970-01-01T00:00:00.005Z","type":"ChoiceStateExited","id":3,"previousEventId":2,"stateExitedEventDetails":{"name":"Check","output":"[1,2]","outputDetails":{"truncated":false}}}"#
        );
        assert_eq!(events[2].details, Some(json!({"name": "Each", "index": 7})));
        assert_eq!(h.last_entered("Check"), Some(2));
        assert_eq!(h.last_entered("Each"), None);
        // A read renders once; a later event is seen by the next read.
        let output = h.json_text(&json!({"done": true}));
        h.push(5, 4, 6, "ExecutionSucceeded", Details::Output { output });
        assert_eq!(h.events().len(), 4);
        assert_eq!(
            h.events()[3].details,
            Some(json!({"output": r#"{"done":true}"#, "outputDetails": {"truncated": false}}))
        );
        assert_eq!(h.last_kind(), Some("ExecutionSucceeded"));
    }
}
