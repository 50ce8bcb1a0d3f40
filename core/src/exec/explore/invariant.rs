//! Invariants: predicates over the world checked after every step (or once
//! at the end of a schedule), built in for the semaphore or written by the
//! user as a closure. A closure takes a [`WorldView`] and returns
//! `Err(message)` when the invariant breaks; a binding wraps a host callable
//! the same way.

use std::sync::Arc;

use crate::dynamo::{AttributeValue, Item};
use crate::exec::dynamodb::MemoryDynamoDb;
use crate::exec::{Execution, Status, World};

/// A DynamoDB item a step wrote: the item before and after the step.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    /// The table.
    pub table: String,
    /// The item's key attributes, as the request gave them.
    pub key: Item,
    /// The item before the step (`None`: absent).
    pub before: Option<Item>,
    /// The item after the step (`None`: absent).
    pub after: Option<Item>,
}

/// What the last step did, as far as invariants care.
#[derive(Debug, Clone, Default)]
pub struct StepFacts {
    /// The execution the step belonged to (ARN), if any.
    pub execution: Option<String>,
    /// The state the execution's thread was in (or entered), if any.
    pub state: Option<String>,
    /// The step entered `state` (a state transition).
    pub entered: bool,
    /// The DynamoDB item the step wrote (single-item writes; `None` otherwise).
    pub write: Option<Write>,
    /// The fault injected at this step, if any.
    pub fault: Option<super::Fault>,
}

/// What an invariant sees: the world after a step, and what the step did.
pub struct WorldView<'a> {
    pub(crate) world: &'a World,
    pub(crate) step: Option<&'a StepFacts>,
    pub(crate) end: bool,
}

impl<'a> WorldView<'a> {
    /// A view of `world` with no step facts (as at the end of a schedule when `end`).
    pub fn new(world: &'a World, end: bool) -> WorldView<'a> {
        WorldView { world, step: None, end }
    }

    /// The whole world (tables, executions, clock; histories and stays only
    /// with [`Explorer::histories`](super::Explorer::histories) or in a replay).
    pub fn world(&self) -> &World {
        self.world
    }

    /// The in-memory DynamoDB.
    pub fn dynamodb(&self) -> &MemoryDynamoDb {
        self.world.dynamodb()
    }

    /// Every execution, in the order they started.
    pub fn executions(&self) -> impl Iterator<Item = &Execution> {
        self.world.executions()
    }

    /// What the last step did (`None` for an end-of-schedule check).
    pub fn step(&self) -> Option<&StepFacts> {
        self.step
    }

    /// Whether this is the end-of-schedule check (everything ran, cleanups and lease probes included).
    pub fn at_end(&self) -> bool {
        self.end
    }

    /// The states an execution's threads are in now (several inside a
    /// Parallel or Map; none once it ended), in thread order.
    pub fn states_of(&self, arn: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for th in self.world.threads.iter().flatten() {
            if self.world.executions[th.exec.0].arn() == arn && !out.contains(&th.state.as_str()) {
                out.push(th.state.as_str());
            }
        }
        out
    }

    /// The ARNs of the running executions that have a thread inside one of `states`.
    pub fn executions_in(&self, states: &[String]) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for th in self.world.threads.iter().flatten() {
            let exec = &self.world.executions[th.exec.0];
            if exec.status == Status::Running && states.contains(&th.state) && !out.contains(&exec.arn()) {
                out.push(exec.arn());
            }
        }
        out
    }
}

/// When an invariant is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckAt {
    /// After every step.
    EveryStep,
    /// Once, when the schedule has run to its end.
    End,
}

/// The body of an invariant.
pub type Check = dyn Fn(&WorldView<'_>) -> Result<(), String> + Send + Sync;

/// A named predicate over the world.
#[derive(Clone)]
pub struct Invariant {
    name: String,
    at: CheckAt,
    check: Arc<Check>,
}

impl std::fmt::Debug for Invariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invariant").field("name", &self.name).field("at", &self.at).finish()
    }
}

impl Invariant {
    /// Checked after every step.
    pub fn every_step(
        name: impl Into<String>,
        check: impl Fn(&WorldView<'_>) -> Result<(), String> + Send + Sync + 'static,
    ) -> Invariant {
        Invariant { name: name.into(), at: CheckAt::EveryStep, check: Arc::new(check) }
    }

    /// Checked once at the end of each schedule.
    pub fn at_end(
        name: impl Into<String>,
        check: impl Fn(&WorldView<'_>) -> Result<(), String> + Send + Sync + 'static,
    ) -> Invariant {
        Invariant { name: name.into(), at: CheckAt::End, check: Arc::new(check) }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it is checked.
    pub fn check_at(&self) -> CheckAt {
        self.at
    }

    /// Checks it. A panic inside the check is caught and reported as a broken
    /// invariant, never passed on.
    pub fn check(&self, view: &WorldView<'_>) -> Result<(), String> {
        crate::error::catch_panic(|| (self.check)(view))
            .unwrap_or_else(|what| Err(format!("the invariant itself failed: {what}")))
    }
}

/// `every execution ended`: at the end, no execution is still running.
pub fn every_execution_ended() -> Invariant {
    Invariant::at_end("every execution ended", |v| {
        let running: Vec<String> = v
            .executions()
            .filter(|e| e.status() == Status::Running)
            .map(|e| {
                let here = v
                    .world
                    .threads
                    .iter()
                    .flatten()
                    .filter(|t| v.world.executions[t.exec.0].arn() == e.arn())
                    .map(|t| format!("`{}`", t.state))
                    .collect::<Vec<_>>();
                format!("{} (in {})", e.name(), here.join(", "))
            })
            .collect();
        if running.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} execution(s) still running when the schedule stopped at its horizon: {}",
                running.len(),
                running.join("; ")
            ))
        }
    })
}

/// What the semaphore invariants need to know: where the lock lives, its
/// limit, and which states are the job it guards.
#[derive(Debug, Clone, PartialEq)]
pub struct SemaphoreSpec {
    /// The lock table.
    pub table: String,
    /// The lock item's `LockName`.
    pub lock: String,
    /// How many may hold the lock at once.
    pub limit: i64,
    /// The states of the job the lock guards.
    pub job_states: Vec<String>,
}

/// The lock item's count and its owner entries (string attributes other than the key and the count).
pub fn lock_state(item: &Item) -> (Option<i64>, Vec<&str>) {
    let count = match item.get(crate::fragments::semaphore::COUNT_ATTRIBUTE) {
        Some(AttributeValue::N(n)) => n.parse::<i64>().ok(),
        _ => None,
    };
    let owners = item
        .iter()
        .filter(|(k, v)| {
            k.as_str() != crate::fragments::semaphore::LOCK_KEY
                && k.as_str() != crate::fragments::semaphore::COUNT_ATTRIBUTE
                && matches!(v, AttributeValue::S(_))
        })
        .map(|(k, _)| k.as_str())
        .collect();
    (count, owners)
}

fn lock_item<'w>(db: &'w MemoryDynamoDb, spec: &SemaphoreSpec) -> Option<&'w Item> {
    let mut key = Item::new();
    key.insert(crate::fragments::semaphore::LOCK_KEY.to_string(), AttributeValue::S(spec.lock.clone()));
    db.get(&spec.table, &key)
}

fn is_lock_write<'s>(step: Option<&'s StepFacts>, spec: &SemaphoreSpec) -> Option<&'s Write> {
    let w = step?.write.as_ref()?;
    let key_ok =
        matches!(w.key.get(crate::fragments::semaphore::LOCK_KEY), Some(AttributeValue::S(l)) if *l == spec.lock);
    (w.table == spec.table && key_ok).then_some(w)
}

/// The semaphore's invariants:
///
/// - *count never above the limit*: no write raises the lock's count above the limit;
/// - *count equals owners*: after every write of the lock item, its count is the number of owner entries;
/// - *job within limit*: never more than the limit of executions inside the job's states;
/// - *every execution ended* (checked first at the end: a stuck execution explains a held slot);
/// - *no slot held at the end*: after cleanups and lease probes, the count is 0 and no owner entry is left.
pub fn semaphore_invariants(spec: &SemaphoreSpec) -> Vec<Invariant> {
    let s1 = spec.clone();
    let count_within = Invariant::every_step("count never above the limit", move |v| {
        let Some(w) = is_lock_write(v.step(), &s1) else { return Ok(()) };
        let before = w.before.as_ref().and_then(|i| lock_state(i).0).unwrap_or(0);
        let after = w.after.as_ref().and_then(|i| lock_state(i).0).unwrap_or(0);
        if after > s1.limit && after > before {
            return Err(format!(
                "a write raised the count of `{}` from {before} to {after}, above the limit {}",
                s1.lock, s1.limit
            ));
        }
        Ok(())
    });
    let s2 = spec.clone();
    let count_matches = Invariant::every_step("count equals the owner entries", move |v| {
        let Some(w) = is_lock_write(v.step(), &s2) else { return Ok(()) };
        let Some(item) = &w.after else { return Ok(()) };
        let (count, owners) = lock_state(item);
        let count = count.unwrap_or(0);
        if count != owners.len() as i64 {
            return Err(format!(
                "the count of `{}` is {count} but {} owner entr{} held: {}",
                s2.lock,
                owners.len(),
                if owners.len() == 1 { "y is" } else { "ies are" },
                owners.iter().map(|o| short(o)).collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(())
    });
    let s3 = spec.clone();
    let job_within = Invariant::every_step("never more than the limit inside the job", move |v| {
        let entered =
            v.step().is_some_and(|s| s.entered && s.state.as_ref().is_some_and(|st| s3.job_states.contains(st)));
        if !entered {
            return Ok(());
        }
        let inside = v.executions_in(&s3.job_states);
        if inside.len() as i64 > s3.limit {
            return Err(format!(
                "{} executions inside the job at once (limit {}): {}",
                inside.len(),
                s3.limit,
                inside.iter().map(|a| short(a)).collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(())
    });
    let s4 = spec.clone();
    let none_held = Invariant::at_end("no slot held at the end", move |v| {
        let Some(item) = lock_item(v.dynamodb(), &s4) else { return Ok(()) };
        let (count, owners) = lock_state(item);
        let count = count.unwrap_or(0);
        if count == 0 && owners.is_empty() {
            return Ok(());
        }
        let who: Vec<String> = owners
            .iter()
            .map(|o| match v.world().execution(o) {
                Some(e) => format!("{} ({})", e.name(), e.status().as_str()),
                None => short(o).to_string(),
            })
            .collect();
        Err(format!(
            "after every execution, cleanup and lease, `{}` still counts {count} slot(s) held; owner entries: {}",
            s4.lock,
            if who.is_empty() { "none".to_string() } else { who.join(", ") }
        ))
    });
    vec![count_within, count_matches, job_within, every_execution_ended(), none_held]
}

/// The execution name at the end of an execution ARN.
pub(crate) fn short(arn: &str) -> &str {
    if arn.contains(":execution:") { arn.rsplit(':').next().unwrap_or(arn) } else { arn }
}
