//! Running one schedule: at each decision point a chooser picks an
//! alternative, the world takes it, the step's facts are gathered and the
//! every-step invariants checked; at the end, the lease probe runs and the
//! end invariants are checked.

use serde_json::Value;

use super::faults::{Fault, Faults, Injection, dynamodb_action};
use super::invariant::{CheckAt, StepFacts, WorldView, Write, short};
use super::schedule::Alt;
use super::{Explorer, Violation};
use crate::asl::State;
use crate::dynamo::Item;
use crate::exec::Status;
use crate::exec::errors::Failure;
use crate::exec::world::{Event, ExecutionId, Key, Phase, World};

/// Picks one of several alternatives.
pub(crate) trait Chooser {
    /// The index in `alts` (at least two) to take; `step` counts the steps so far.
    fn choose(&mut self, world: &World, alts: &[Alt], step: u64) -> usize;
}

/// Replays a list of picks; past its end, or out of range, alternative 0.
pub(crate) struct Replay<'a> {
    pub(crate) picks: &'a [u32],
    pub(crate) at: usize,
}

impl Chooser for Replay<'_> {
    fn choose(&mut self, _world: &World, alts: &[Alt], _step: u64) -> usize {
        let pick = self.picks.get(self.at).copied().unwrap_or(0) as usize;
        self.at += 1;
        if pick < alts.len() { pick } else { 0 }
    }
}

/// Random mode: a uniformly drawn event, with each fault at its rate.
pub(crate) struct RandomChooser {
    rng: fastrand::Rng,
    faults: Faults,
    /// Per execution and end fault: the step at which it strikes (`None`: spared).
    plans: rustc_hash::FxHashMap<(usize, Fault), Option<u64>>,
}

impl RandomChooser {
    pub(crate) fn new(seed: u64, faults: &Faults) -> RandomChooser {
        RandomChooser {
            rng: fastrand::Rng::with_seed(seed ^ 0x9e37_79b9_7f4a_7c15),
            faults: faults.clone(),
            plans: Default::default(),
        }
    }
}

/// How many steps after an execution is first seen an abort or timeout may strike.
const END_FAULT_WINDOW: u64 = 80;

impl Chooser for RandomChooser {
    fn choose(&mut self, _world: &World, alts: &[Alt], step: u64) -> usize {
        for (i, alt) in alts.iter().enumerate() {
            if let Alt::End(e, f) = alt {
                let rate = self.faults.rate(*f);
                let rng = &mut self.rng;
                let plan = *self
                    .plans
                    .entry((e.0, *f))
                    .or_insert_with(|| (rng.f64() < rate).then(|| step + rng.u64(0..END_FAULT_WINDOW)));
                if plan.is_some_and(|at| at <= step) {
                    self.plans.insert((e.0, *f), None);
                    return i;
                }
            }
        }
        let takes = alts.iter().take_while(|a| matches!(a, Alt::Take(_, None))).count().max(1);
        let j = self.rng.usize(0..takes);
        let Alt::Take(key, _) = &alts[j] else { return j };
        for (i, alt) in alts.iter().enumerate().skip(takes) {
            if let Alt::Take(k, Some(f)) = alt
                && k == key
                && self.rng.f64() < self.faults.rate(*f)
            {
                return i;
            }
        }
        j
    }
}

/// One step as a person reads it (recorded when replaying a counterexample).
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    /// The step's number, from 1.
    pub step: u64,
    /// Virtual milliseconds since the schedule started.
    pub at_ms: i64,
    /// Who acted: an execution's short label (`e1`, `cleanup#1`), `EventBridge`, or `explorer`.
    pub actor: String,
    /// What happened.
    pub what: String,
    /// The fault injected, if any.
    pub fault: Option<Fault>,
    /// The DynamoDB item written: table and the item after (DynamoDB JSON; `null` when deleted).
    pub write: Option<(String, Value)>,
    /// Executions that started or ended in this step: `(label, status)`.
    pub changes: Vec<(String, String)>,
}

/// The outcome of one schedule.
pub(crate) struct RunOutcome {
    pub(crate) picks: Vec<u32>,
    pub(crate) violation: Option<Violation>,
    pub(crate) steps: u64,
    pub(crate) records: Vec<StepRecord>,
    pub(crate) world: World,
}

/// A short label for an execution: its name when short, else machine#n.
pub(crate) fn label(world: &World, e: usize) -> String {
    let exec = &world.executions[e];
    if exec.name().len() <= 16 {
        return exec.name().to_string();
    }
    let n = world.executions[..=e].iter().filter(|x| x.machine.arn == exec.machine.arn).count();
    format!("{}#{n}", exec.machine.name)
}

/// The thread's task resource, without `.sync`/`.waitForTaskToken`.
fn resource_base(resource: &str) -> &str {
    let base = resource.split(".sync").next().unwrap_or(resource);
    base.strip_suffix(".waitForTaskToken").unwrap_or(base)
}

/// The table and key a single-item DynamoDB request touches.
fn touched(params: &Value) -> Option<(String, Item)> {
    let table = params.get("TableName")?.as_str()?;
    let table = table.rsplit("table/").next().unwrap_or(table).to_string();
    let key = match params.get("Key") {
        Some(k) => crate::dynamo::attr::item_from_dynamodb_json(k).ok()?,
        None => crate::dynamo::attr::item_from_dynamodb_json(params.get("Item")?).ok()?,
    };
    Some((table, key))
}

/// Before the step: the facts known from the event, the write target, and
/// (when recording) a sentence.
fn before_step(
    world: &World,
    key: &Key,
    fault: Option<Fault>,
    describe: bool,
) -> (StepFacts, Option<(String, Item)>, String) {
    let mut facts = StepFacts { fault, ..StepFacts::default() };
    let Some(event) = world.queue.get(key) else { return (facts, None, String::new()) };
    let thread = match event {
        Event::Enter(t)
        | Event::WaitOver(t)
        | Event::Invoke(t)
        | Event::TaskDone(t, _)
        | Event::TaskTimeout(t, _)
        | Event::Retry(t)
        | Event::FanoutDone(t) => world.threads.get(t.0).and_then(Option::as_ref),
        _ => None,
    };
    if let Some(th) = thread {
        facts.execution = Some(world.executions[th.exec.0].arn.to_string());
        facts.state = Some(th.state.clone());
    }
    let mut target = None;
    let mut what = String::new();
    match event {
        Event::Enter(_) => {
            facts.entered = true;
            if describe {
                what = format!("enters `{}`", facts.state.as_deref().unwrap_or("?"));
            }
        }
        Event::Invoke(_) => {
            if let Some(th) = thread {
                let def = &world.executions[th.exec.0].machine.definition;
                if let Some(State::Task(task)) = World::state_in(def, th) {
                    let base = resource_base(&task.resource);
                    if let (Some((op, _)), Phase::Task(run)) = (dynamodb_action(base), &th.phase) {
                        target = touched(&run.params);
                        if describe {
                            what = format!("`{}`: DynamoDB {op}", th.state);
                            if let Some(c) = run.params.get("ConditionExpression").and_then(Value::as_str) {
                                what.push_str(&format!(" if {c}"));
                            }
                        }
                    } else if describe {
                        what = format!("`{}`: calls {}", th.state, base.rsplit(':').next().unwrap_or(base));
                    }
                }
            }
        }
        Event::LateWrite(e, action, request) => {
            facts.execution = Some(world.executions[e.0].arn.to_string());
            target = touched(request);
            if describe {
                what = format!(
                    "its in-flight DynamoDB {action} lands (the execution is {})",
                    world.executions[e.0].status.as_str()
                );
            }
        }
        Event::TaskDone(_, result) if describe => {
            what = match result {
                Ok(_) => format!("`{}` succeeds", facts.state.as_deref().unwrap_or("?")),
                Err(f) => format!("`{}` fails: {}", facts.state.as_deref().unwrap_or("?"), f.error),
            };
        }
        Event::TaskTimeout(_, name) if describe => {
            what = format!("`{}` times out ({name})", facts.state.as_deref().unwrap_or("?"))
        }
        Event::WaitOver(_) if describe => {
            what = format!("`{}`: the wait is over", facts.state.as_deref().unwrap_or("?"))
        }
        Event::Retry(_) if describe => what = format!("`{}`: retries", facts.state.as_deref().unwrap_or("?")),
        Event::FanoutDone(_) if describe => {
            what = format!("`{}`: every branch ended", facts.state.as_deref().unwrap_or("?"))
        }
        Event::ExecutionTimeout(_) if describe => what = "the execution's TimeoutSeconds ran out".into(),
        Event::Deliver(rule, payload) if describe => {
            let target = world.rules.get(*rule).map(|r| r.target.as_str()).unwrap_or("?");
            let target = target.rsplit(':').next().unwrap_or(target);
            let of = payload["detail"]["executionArn"].as_str().map(short).unwrap_or("?");
            let status = payload["detail"]["status"].as_str().unwrap_or("?");
            what = format!("delivers {of}'s {status} event to {target}");
        }
        _ => {}
    }
    (facts, target, what)
}

impl Explorer {
    /// Runs one schedule from the initial world with `seed`, picks chosen by `chooser`.
    pub(crate) fn run_schedule(&self, seed: u64, chooser: &mut dyn Chooser, record: bool) -> RunOutcome {
        self.run_schedule_sized(seed, chooser, record, 0)
    }

    /// [`Explorer::run_schedule`] with room for `threads` thread slots made
    /// up front: the slab only grows, and growing it step by step copies it
    /// again and again (random mode passes the size its last schedule reached).
    pub(crate) fn run_schedule_sized(
        &self,
        seed: u64,
        chooser: &mut dyn Chooser,
        record: bool,
        threads: usize,
    ) -> RunOutcome {
        let mut w = self.world.clone();
        w.threads.reserve(threads.saturating_sub(w.threads.len()));
        w.rng = fastrand::Rng::with_seed(seed);
        w.trace = record || self.histories;
        let start = w.now;
        let mut out =
            RunOutcome { picks: Vec::new(), violation: None, steps: 0, records: Vec::new(), world: World::new(0) };
        let mut stuck = false;
        let mut faults_used = 0u32;
        loop {
            if out.steps >= self.max_steps || w.queue.earliest_due().is_some_and(|d| d > start + self.horizon_ms) {
                stuck = w.queue.earliest_due().is_some();
                break;
            }
            let alts = super::schedule::alternatives(&w, &self.faults, &self.targets);
            if alts.is_empty() {
                break;
            }
            let pick = if alts.len() == 1 {
                0
            } else {
                let mut p = chooser.choose(&w, &alts, out.steps).min(alts.len() - 1);
                // Past the fault budget a fault pick means the oldest event, in every mode alike.
                if alts[p].fault().is_some() && faults_used >= self.faults.max_per_schedule {
                    p = 0;
                }
                out.picks.push(p as u32);
                p
            };
            faults_used += u32::from(alts[pick].fault().is_some());
            out.steps += 1;
            if let Some(v) = self.take_step(&mut w, &alts[pick], out.steps, start, record.then_some(&mut out.records)) {
                out.violation = Some(v);
                out.world = w;
                return out;
            }
        }
        out.violation = self.finish(&mut w, start, &mut out.steps, stuck, record.then_some(&mut out.records));
        out.world = w;
        out
    }

    /// The end of a schedule: the lease probe (unless stuck), then the end invariants.
    pub(crate) fn finish(
        &self,
        w: &mut World,
        start: i64,
        steps: &mut u64,
        stuck: bool,
        mut records: Option<&mut Vec<StepRecord>>,
    ) -> Option<Violation> {
        if !stuck && let Some(probe) = &self.probe {
            w.now += probe.after_ms;
            let probe_start = w.now;
            for i in 1..=probe.executions {
                let name = format!("probe{i}");
                if let Err(e) = w.start_execution(&probe.machine, probe.input.clone(), Some(&name)) {
                    let message = format!("the lease probe could not start: {e}");
                    return Some(Violation { invariant: "lease probe".into(), message, step: *steps });
                }
                if let Some(r) = records.as_deref_mut() {
                    r.push(StepRecord {
                        step: *steps,
                        at_ms: w.now - start,
                        actor: "explorer".into(),
                        what: format!("{} s later (past the lease), starts {name}", probe.after_ms / 1000),
                        fault: None,
                        write: None,
                        changes: vec![],
                    });
                }
            }
            let limit = *steps + self.max_steps;
            while *steps < limit && w.queue.earliest_due().is_some_and(|d| d <= probe_start + self.horizon_ms) {
                let Some(key) = w.queue.current().first().map(|(k, _)| *k) else { break };
                *steps += 1;
                if let Some(v) = self.take_step(w, &Alt::Take(key, None), *steps, start, records.as_deref_mut()) {
                    return Some(v);
                }
            }
        }
        let view = WorldView::new(w, true);
        for inv in self.invariants.iter().filter(|i| i.check_at() == CheckAt::End) {
            if let Err(message) = inv.check(&view) {
                return Some(Violation { invariant: inv.name().to_string(), message, step: *steps });
            }
        }
        None
    }

    /// Takes one alternative and checks the every-step invariants.
    pub(crate) fn take_step(
        &self,
        w: &mut World,
        alt: &Alt,
        step: u64,
        start: i64,
        records: Option<&mut Vec<StepRecord>>,
    ) -> Option<Violation> {
        let describe = records.is_some();
        let statuses: Vec<Status> = if describe { w.executions.iter().map(|e| e.status).collect() } else { Vec::new() };
        let (facts, what) = apply(w, alt, &self.faults, describe);
        if let Some(records) = records {
            let actor = facts
                .execution
                .as_ref()
                .and_then(|arn| w.exec_by_arn.get(arn.as_str()).map(|id| label(w, id.0)))
                .unwrap_or_else(|| if matches!(alt, Alt::Take(..)) { "EventBridge".into() } else { "explorer".into() });
            let mut changes = Vec::new();
            for (i, e) in w.executions.iter().enumerate() {
                match statuses.get(i) {
                    None => changes.push((label(w, i), format!("starts ({})", e.machine.name))),
                    Some(s) if *s != e.status => changes.push((label(w, i), e.status.as_str().to_string())),
                    _ => {}
                }
            }
            let write = facts.write.as_ref().map(|wr| {
                let after = wr.after.as_ref().map_or(Value::Null, crate::dynamo::attr::item_to_dynamodb_json);
                (wr.table.clone(), after)
            });
            records.push(StepRecord { step, at_ms: w.now - start, actor, what, fault: facts.fault, write, changes });
        }
        let view = WorldView { world: w, step: Some(&facts), end: false };
        for inv in self.invariants.iter().filter(|i| i.check_at() == CheckAt::EveryStep) {
            if let Err(message) = inv.check(&view) {
                return Some(Violation { invariant: inv.name().to_string(), message, step });
            }
        }
        None
    }
}

/// Applies an alternative to the world; the step's facts and (when asked) a sentence.
pub(crate) fn apply(w: &mut World, alt: &Alt, faults: &Faults, describe: bool) -> (StepFacts, String) {
    match alt {
        Alt::End(e, fault) => {
            let arn = w.executions[e.0].arn.to_string();
            let facts = StepFacts { execution: Some(arn.clone()), fault: Some(*fault), ..StepFacts::default() };
            end_execution(w, *e, *fault);
            let what = if describe { fault.describe().to_string() } else { String::new() };
            (facts, what)
        }
        Alt::Take(key, fault) => {
            let (mut facts, target, mut what) = before_step(w, key, *fault, describe);
            let before = target.as_ref().map(|(t, k)| w.db.get(t, k).cloned());
            match fault {
                None => {
                    w.step_event(key.1);
                }
                Some(f @ (Fault::LateDelivery | Fault::DuplicateDelivery)) => {
                    if let Some(event) = w.queue.take(key) {
                        if *f == Fault::LateDelivery {
                            let at = w.now + faults.late_delivery_ms.max(1);
                            w.push_event(at, event);
                        } else {
                            let copy = event.clone();
                            w.now = w.now.max(key.0);
                            w.dispatch(event);
                            w.push_event(w.now, copy);
                        }
                    }
                }
                Some(f) => {
                    let exec = facts.execution.clone();
                    w.injection = Injection::for_fault(*f, faults);
                    w.step_event(key.1);
                    w.injection = None;
                    if *f == Fault::LateWrite
                        && let Some(id) = exec.and_then(|a| w.exec_by_arn.get(a.as_str()).copied())
                    {
                        end_execution(w, id, Fault::Abort);
                    }
                }
            }
            if let (Some((table, key)), Some(before)) = (target, before) {
                let after = w.db.get(&table, &key).cloned();
                if after != before {
                    facts.write = Some(Write { table, key, before, after });
                }
            }
            if describe && let Some(f) = fault {
                what = format!("{what} — FAULT: {}", f.describe());
            }
            (facts, what)
        }
    }
}

/// Stops (ABORTED) or times out (TIMED_OUT) a running execution.
fn end_execution(w: &mut World, e: ExecutionId, fault: Fault) {
    if w.executions[e.0].status != Status::Running {
        return;
    }
    let (status, failure) = if fault == Fault::ExecutionTimeout {
        (Status::TimedOut, Failure::new("States.Timeout", "the execution timed out (injected by the explorer)"))
    } else {
        (Status::Aborted, Failure::new("Explore.Aborted", "StopExecution (injected by the explorer)"))
    };
    w.end_execution(e, status, Err(failure), None);
}

#[cfg(test)]
mod tests {
    use super::super::{Faults, SemaphoreScenario};
    use super::*;

    /// Searching without histories must not change a single step: same
    /// picks, same steps, same tables, same error causes in the executions.
    #[test]
    fn searching_without_histories_changes_nothing() {
        let ex = SemaphoreScenario::fragment(2, 4, true, Some(60)).explorer().unwrap().faults(Faults::all(0.05));
        let traced = ex.clone().histories(true);
        for i in 0..12 {
            let seed = super::super::schedule_seed(3, i);
            let a = ex.run_schedule(seed, &mut RandomChooser::new(seed, &ex.faults), false);
            let b = traced.run_schedule(seed, &mut RandomChooser::new(seed, &traced.faults), false);
            assert_eq!((&a.picks, a.steps, &a.violation), (&b.picks, b.steps, &b.violation));
            assert_eq!(a.world.db.to_json(), b.world.db.to_json());
            assert!(a.world.executions.iter().all(|e| e.history.len() <= 1));
            assert!(b.world.executions.iter().all(|e| e.history.len() as u64 == e.events));
            let ends = |w: &World| -> Vec<(Status, Option<Value>, Option<String>)> {
                w.executions
                    .iter()
                    .map(|e| (e.status, e.output.clone(), e.failure.as_ref().map(|f| f.cause.clone())))
                    .collect()
            };
            assert_eq!(ends(&a.world), ends(&b.world));
        }
    }
}
