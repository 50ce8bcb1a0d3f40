//! Execution history in the shape of Step Functions' `GetExecutionHistory`:
//! numbered events, each naming the event before it, with details under a
//! key derived from the event type (`TaskStateEntered` → `stateEnteredEventDetails`).
//! See <https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html>.

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
}
