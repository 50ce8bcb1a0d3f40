//! Checks of the arguments the bindings take for the executor, declared once:
//! each binding passes the name as its users spell it (`time_scale` in
//! Python, `timeScale` in JavaScript), so the message names what they wrote.

use std::time::Duration;

use super::StatusRule;
use super::dynamodb::KeyType;
use super::world::Status;
use crate::fragments::CLEANUP_STATUSES;

/// `seconds` if it is a finite number >= 0 (a real-time scale, a task's
/// virtual duration), else the message naming `what`.
pub fn non_negative(seconds: f64, what: &str) -> Result<f64, String> {
    if seconds.is_finite() && seconds >= 0.0 {
        Ok(seconds)
    } else {
        Err(format!("{what} must be a finite number >= 0, not {seconds}"))
    }
}

/// `seconds` if it is a number > 0 (how long a handler's host work may take).
pub fn positive(seconds: f64, what: &str) -> Result<f64, String> {
    if seconds.is_finite() && seconds > 0.0 {
        Ok(seconds)
    } else {
        Err(format!("{what} must be a number > 0, not {seconds}"))
    }
}

/// The virtual time a handler's result takes (`TaskResult`'s `after_seconds`).
pub fn task_delay(seconds: f64, what: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(non_negative(seconds, what)?)
        .map_err(|_| format!("{what} must be a finite number >= 0, not {seconds}"))
}

/// A key attribute's type tag (`S`, `N` or `B`), for `create_table`.
pub fn key_type(tag: &str, what: &str) -> Result<KeyType, String> {
    KeyType::parse(tag).ok_or_else(|| format!("{what}: {tag:?} is not a key type (S, N or B)"))
}

impl StatusRule {
    /// The rule that starts `target` when an execution of `source` (any
    /// machine when `None`) reaches one of `statuses`, named as the API
    /// spells them; by default FAILED, TIMED_OUT and ABORTED, the statuses
    /// a cleanup machine listens for. `what` names the call in the message.
    pub fn from_names(
        target: String,
        source: Option<String>,
        statuses: Option<&[String]>,
        what: &str,
    ) -> Result<StatusRule, String> {
        let named = |s: &str| {
            Status::from_str_opt(s).ok_or_else(|| {
                format!("{what}: {s:?} is not a status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED)")
            })
        };
        let statuses = match statuses {
            Some(names) => names.iter().map(|s| named(s)).collect::<Result<Vec<_>, _>>()?,
            None => CLEANUP_STATUSES.iter().map(|s| named(s)).collect::<Result<Vec<_>, _>>()?,
        };
        Ok(StatusRule { source, statuses, target })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked_with_the_hosts_name() {
        assert_eq!(non_negative(0.0, "time_scale"), Ok(0.0));
        assert_eq!(non_negative(-1.0, "timeScale").unwrap_err(), "timeScale must be a finite number >= 0, not -1");
        assert!(non_negative(f64::NAN, "x").is_err());
        assert_eq!(positive(0.0, "handler_timeout").unwrap_err(), "handler_timeout must be a number > 0, not 0");
        assert_eq!(task_delay(1.5, "after").unwrap(), Duration::from_millis(1500));
        assert!(task_delay(f64::INFINITY, "after").is_err());
        assert_eq!(key_type("N", "sort_key"), Ok(KeyType::N));
        assert_eq!(key_type("X", "sort_key").unwrap_err(), "sort_key: \"X\" is not a key type (S, N or B)");
    }

    #[test]
    fn status_rules_default_to_the_cleanup_statuses() {
        let rule = StatusRule::from_names("t".into(), None, None, "on").unwrap();
        assert_eq!(rule.statuses, [Status::Failed, Status::TimedOut, Status::Aborted]);
        let rule = StatusRule::from_names("t".into(), Some("s".into()), Some(&["SUCCEEDED".into()]), "on").unwrap();
        assert_eq!((rule.source.as_deref(), rule.statuses.as_slice()), (Some("s"), &[Status::Succeeded][..]));
        let err = StatusRule::from_names("t".into(), None, Some(&["DONE".into()]), "onStatusChange").unwrap_err();
        assert!(err.starts_with("onStatusChange: \"DONE\" is not a status"), "{err}");
    }
}
