//! Schedules: at each decision point (a step with more than one thing that
//! could happen next) the explorer picks one alternative; a schedule is the
//! world's seed and the list of picks. Alternative 0 is always the oldest
//! enabled event without a fault, so a list cut short, or a pick out of
//! range, falls back to first-in-first-out without faults.
//!
//! The text form is `SEED:PICKS`: picks in base 36 separated by `.`, a run
//! of equal picks written `pick*count` (`7:0*12.2.0*40.1`).

use std::fmt;

use super::faults::{Fault, Faults, dynamodb_action, writes};
use crate::asl::State;
use crate::exec::world::{Event, Key, World};
use crate::exec::{Status, world::ExecutionId};

/// A seed and the picks made at each decision point: replays one run exactly.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schedule {
    /// The world's seed (task tokens, jitter, handlers' random numbers).
    pub seed: u64,
    /// The alternative taken at each decision point.
    pub picks: Vec<u32>,
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.seed)?;
        let mut i = 0;
        let mut first = true;
        while i < self.picks.len() {
            let p = self.picks[i];
            let mut n = 1;
            while i + n < self.picks.len() && self.picks[i + n] == p {
                n += 1;
            }
            if !first {
                f.write_str(".")?;
            }
            first = false;
            f.write_str(&base36(p))?;
            if n > 1 {
                write!(f, "*{n}")?;
            }
            i += n;
        }
        Ok(())
    }
}

fn base36(mut n: u32) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl std::str::FromStr for Schedule {
    type Err = String;

    /// Reads the text form; errors say which part is wrong.
    fn from_str(text: &str) -> Result<Schedule, String> {
        let text = text.trim();
        let (seed, rest) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}` is not a schedule: expected SEED:PICKS, e.g. `7:0*12.2.1`"))?;
        let seed: u64 = seed.parse().map_err(|_| format!("the schedule's seed `{seed}` is not a whole number"))?;
        let mut picks = Vec::new();
        for part in rest.split('.').filter(|p| !p.is_empty()) {
            let (pick, count) = match part.split_once('*') {
                Some((p, c)) => (p, c.parse::<usize>().map_err(|_| format!("`{part}`: `{c}` is not a count"))?),
                None => (part, 1),
            };
            let pick =
                u32::from_str_radix(pick, 36).map_err(|_| format!("`{part}`: `{pick}` is not a base-36 pick"))?;
            if count > 10_000_000 {
                return Err(format!("`{part}`: a run of {count} picks is more than a schedule holds"));
            }
            picks.extend(std::iter::repeat_n(pick, count));
        }
        Ok(Schedule { seed, picks })
    }
}

/// One thing that may happen at a decision point.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Alt {
    /// The enabled event with this key happens, with a fault or not.
    Take(Key, Option<Fault>),
    /// An execution is stopped, or times out, now.
    End(ExecutionId, Fault),
}

impl Alt {
    pub(crate) fn fault(&self) -> Option<Fault> {
        match self {
            Alt::Take(_, f) => *f,
            Alt::End(_, f) => Some(*f),
        }
    }
}

/// Which faults a task call admits.
fn call_faults(world: &World, event: &Event, targets: &[String]) -> &'static [Fault] {
    let Event::Invoke(tid) = event else { return &[] };
    let Some(th) = world.threads.get(tid.0).and_then(Option::as_ref) else { return &[] };
    let exec = &world.executions[th.exec.0];
    let Some(State::Task(task)) = World::state_in(&exec.machine.definition, th) else { return &[] };
    let target = targets.iter().any(|t| *t == exec.machine.arn);
    let base = task.resource.split(".sync").next().unwrap_or(&task.resource);
    let base = base.strip_suffix(".waitForTaskToken").unwrap_or(base);
    if let Some((op, _)) = dynamodb_action(base) {
        if !writes(op) {
            return &[Fault::Throttle, Fault::ErrorBeforeWrite];
        }
        if target {
            return &[Fault::Throttle, Fault::ErrorBeforeWrite, Fault::ErrorAfterWrite, Fault::LateWrite];
        }
        return &[Fault::Throttle, Fault::ErrorBeforeWrite, Fault::ErrorAfterWrite];
    }
    if base.starts_with("arn:aws:states:::") && !base.starts_with("arn:aws:states:::lambda:") {
        return &[];
    }
    if target { &[Fault::JobFail, Fault::JobTimeout] } else { &[] }
}

/// Everything that may happen next: the enabled events in the order they
/// were queued (alternative 0 is the oldest), then the faults each admits,
/// then the executions that may be aborted or time out now.
pub(crate) fn alternatives(world: &World, faults: &Faults, targets: &[String]) -> Vec<Alt> {
    let current = world.queue.current();
    if !faults.any() {
        return current.iter().map(|(k, _)| Alt::Take(*k, None)).collect();
    }
    // Room for the usual case (a few faults per event, a few executions to
    // end) without growing the vector at every decision point.
    let mut alts: Vec<Alt> = Vec::with_capacity(current.len() * 5 + 2 * world.executions.len());
    alts.extend(current.iter().map(|(k, _)| Alt::Take(*k, None)));
    for (key, event) in &current {
        let admitted: &[Fault] = match event {
            Event::Deliver(..) => &[Fault::LateDelivery, Fault::DuplicateDelivery],
            other => call_faults(world, other, targets),
        };
        for f in admitted {
            if faults.enabled(*f) {
                alts.push(Alt::Take(*key, Some(*f)));
            }
        }
    }
    if !current.is_empty() {
        for fault in [Fault::Abort, Fault::ExecutionTimeout] {
            if !faults.enabled(fault) {
                continue;
            }
            for (i, e) in world.executions.iter().enumerate() {
                if e.status == Status::Running && targets.iter().any(|t| *t == e.machine.arn) {
                    alts.push(Alt::End(ExecutionId(i), fault));
                }
            }
        }
    }
    alts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_read_back_what_they_write() {
        let s = Schedule { seed: 42, picks: vec![0, 0, 0, 37, 1, 1, 0] };
        let text = s.to_string();
        assert_eq!(text, "42:0*3.11.1*2.0");
        assert_eq!(text.parse::<Schedule>().unwrap(), s);
        assert_eq!("5:".parse::<Schedule>().unwrap(), Schedule { seed: 5, picks: vec![] });
        assert!("x:1".parse::<Schedule>().unwrap_err().contains("seed"));
        assert!("1:0.%".parse::<Schedule>().unwrap_err().contains("base-36"));
        assert!("nothing".parse::<Schedule>().unwrap_err().contains("SEED:PICKS"));
    }
}
