//! Map Runs: what a distributed Map state starts, as Step Functions runs it.
//!
//! A `Map` whose `ItemProcessor.ProcessorConfig.Mode` is `DISTRIBUTED` creates
//! a Map Run resource and runs each item (or batch) as a child workflow
//! execution with its own ARN, history, status, input and output
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html>).
//! The parent's history gets `MapRunStarted` (with the Map Run's ARN) and then
//! `MapRunSucceeded`, `MapRunFailed` (error and cause) or `MapRunAborted`
//! (<https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html>),
//! in place of the inline Map's `MapIteration*` events.
//!
//! ARNs follow the documented shapes: the Map Run is
//! `arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:UUID`, its child
//! executions run the labelled state machine `…:stateMachine:MACHINE/LABEL`
//! and are named `…:execution:MACHINE/LABEL:UUID` (`express:` for EXPRESS
//! children). Without a `Label`, a UUID stands in for it, as in the labelled
//! state machine ARN of the Map Run's metrics.
//!
//! [`World::describe_map_run`], [`World::list_map_runs`] and
//! [`World::list_map_run_executions`] answer like `DescribeMapRun`,
//! `ListMapRuns` and `ListExecutions` with `mapRunArn`.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde_json::{Map, Value, json};

use super::World;
use super::errors::Failure;
use super::history::{Details, History};
use super::world::Event;
use super::world::{ACCOUNT, ExecError, Execution, ExecutionId, Hop, Machine, REGION, Status, Thread, ThreadId};

/// A Map Run's status, as `DescribeMapRun` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MapRunStatus {
    /// Child executions are still running or waiting to start.
    Running,
    /// Every child execution ended and the failures stayed within the tolerated threshold.
    Succeeded,
    /// More child executions failed than tolerated.
    Failed,
    /// Stopped from outside: the parent execution ended or its Map state was stopped.
    Aborted,
}

impl MapRunStatus {
    /// `RUNNING`, `SUCCEEDED`, `FAILED` or `ABORTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            MapRunStatus::Running => "RUNNING",
            MapRunStatus::Succeeded => "SUCCEEDED",
            MapRunStatus::Failed => "FAILED",
            MapRunStatus::Aborted => "ABORTED",
        }
    }
}

/// Counts per processing status, as `MapRunItemCounts` and
/// `MapRunExecutionCounts` give them (no redrive here, so the redrive counts are 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MapRunCounts {
    /// Not started yet.
    pub pending: u64,
    /// In progress.
    pub running: u64,
    /// Completed successfully.
    pub succeeded: u64,
    /// Failed.
    pub failed: u64,
    /// Timed out.
    pub timed_out: u64,
    /// Were running, then stopped by the user or because the Map Run ended.
    pub aborted: u64,
    /// All of them.
    pub total: u64,
    /// Written by a `ResultWriter` export (stepforge exports nothing: always 0).
    pub results_written: u64,
}

impl MapRunCounts {
    fn json(&self) -> Value {
        json!({
            "aborted": self.aborted,
            "failed": self.failed,
            "failuresNotRedrivable": 0,
            "pending": self.pending,
            "pendingRedrive": 0,
            "resultsWritten": self.results_written,
            "running": self.running,
            "succeeded": self.succeeded,
            "timedOut": self.timed_out,
            "total": self.total,
        })
    }

    /// Moves `n` from running to the count of a child's final status.
    fn finish(&mut self, status: Status, n: u64) {
        self.running = self.running.saturating_sub(n);
        match status {
            Status::Succeeded => self.succeeded += n,
            Status::Failed => self.failed += n,
            Status::TimedOut => self.timed_out += n,
            Status::Aborted => self.aborted += n,
            Status::Running => self.running += n,
        }
    }
}

/// One Map Run: its configuration, progress and child executions.
#[derive(Debug, Clone)]
pub struct MapRun {
    pub(crate) arn: String,
    pub(crate) label: String,
    pub(crate) state: String,
    pub(crate) parent: ExecutionId,
    pub(crate) parent_arn: String,
    pub(crate) state_machine_arn: String,
    pub(crate) status: MapRunStatus,
    pub(crate) start: i64,
    pub(crate) stop: Option<i64>,
    pub(crate) max_concurrency: u64,
    pub(crate) tolerated_failure_count: u64,
    pub(crate) tolerated_failure_percentage: f64,
    pub(crate) items: MapRunCounts,
    pub(crate) executions: MapRunCounts,
    /// Items each child execution processes (1, or its batch's size), by slot.
    pub(crate) slot_items: Vec<u64>,
    /// The child executions started so far; they start in slot order, so the index is the slot.
    pub(crate) children: Vec<ExecutionId>,
    /// The labelled state machine the children run.
    pub(crate) machine: Arc<Machine>,
    pub(crate) express: bool,
}

impl MapRun {
    /// The Map Run's ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }
    /// Its `Label`, or the UUID that stands in for a missing one.
    pub fn label(&self) -> &str {
        &self.label
    }
    /// The name of the distributed Map state that started it.
    pub fn state_name(&self) -> &str {
        &self.state
    }
    /// The ARN of the execution that started it.
    pub fn execution_arn(&self) -> &str {
        &self.parent_arn
    }
    /// The ARN of the state machine whose execution started it.
    pub fn state_machine_arn(&self) -> &str {
        &self.state_machine_arn
    }
    /// The labelled state machine ARN its child executions run (`…:stateMachine:MACHINE/LABEL`).
    pub fn child_state_machine_arn(&self) -> &str {
        &self.machine.arn
    }
    /// Its status.
    pub fn status(&self) -> MapRunStatus {
        self.status
    }
    /// Start time on the virtual clock (ms since the Unix epoch).
    pub fn start_millis(&self) -> i64 {
        self.start
    }
    /// Stop time on the virtual clock, once ended.
    pub fn stop_millis(&self) -> Option<i64> {
        self.stop
    }
    /// `MaxConcurrency` as evaluated (0: as many as Step Functions allows).
    pub fn max_concurrency(&self) -> u64 {
        self.max_concurrency
    }
    /// `ToleratedFailureCount` as evaluated (0 when not given).
    pub fn tolerated_failure_count(&self) -> u64 {
        self.tolerated_failure_count
    }
    /// `ToleratedFailurePercentage` as evaluated (0 when not given).
    pub fn tolerated_failure_percentage(&self) -> f64 {
        self.tolerated_failure_percentage
    }
    /// Items per processing status.
    pub fn item_counts(&self) -> MapRunCounts {
        self.items
    }
    /// Child executions per status.
    pub fn execution_counts(&self) -> MapRunCounts {
        self.executions
    }

    /// The Map Run as `DescribeMapRun` returns it (dates as epoch milliseconds).
    /// <https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html>
    pub fn describe(&self) -> Value {
        let mut v = json!({
            "mapRunArn": self.arn,
            "executionArn": self.parent_arn,
            "status": self.status.as_str(),
            "startDate": self.start,
            "maxConcurrency": self.max_concurrency,
            "toleratedFailurePercentage": self.tolerated_failure_percentage,
            "toleratedFailureCount": self.tolerated_failure_count,
            "itemCounts": self.items.json(),
            "executionCounts": self.executions.json(),
            "redriveCount": 0,
        });
        if let Some(stop) = self.stop {
            v["stopDate"] = stop.into();
        }
        v
    }

    /// The Map Run as `ListMapRuns` lists it (a `MapRunListItem`).
    /// <https://docs.aws.amazon.com/step-functions/latest/apireference/API_MapRunListItem.html>
    pub fn list_item(&self) -> Value {
        let mut v = json!({
            "executionArn": self.parent_arn,
            "mapRunArn": self.arn,
            "stateMachineArn": self.state_machine_arn,
            "startDate": self.start,
        });
        if let Some(stop) = self.stop {
            v["stopDate"] = stop.into();
        }
        v
    }
}

/// Every Map Run of a world, with an index by ARN.
#[derive(Debug, Clone, Default)]
pub(crate) struct MapRuns {
    runs: Vec<MapRun>,
    by_arn: FxHashMap<String, usize>,
}

/// What a distributed Map state's Map Run is configured with.
pub(crate) struct MapRunConfig<'a> {
    pub(crate) label: Option<&'a str>,
    pub(crate) express: bool,
    pub(crate) max_concurrency: u64,
    pub(crate) tolerated_failure_count: Option<u64>,
    pub(crate) tolerated_failure_percentage: Option<f64>,
    /// Items each child execution will process, by slot.
    pub(crate) slot_items: Vec<u64>,
}

impl World {
    /// Every Map Run, in the order they started.
    pub fn map_runs(&self) -> impl Iterator<Item = &MapRun> {
        self.map_runs.runs.iter()
    }

    /// The Map Run with this ARN.
    pub fn map_run(&self, arn: &str) -> Option<&MapRun> {
        self.map_runs.by_arn.get(arn).map(|&i| &self.map_runs.runs[i])
    }

    /// `DescribeMapRun`: the Map Run with this ARN, or `None` if there is none.
    pub fn describe_map_run(&self, arn: &str) -> Option<Value> {
        self.map_run(arn).map(MapRun::describe)
    }

    /// `ListMapRuns`: `{"mapRuns": [...]}`, the Map Runs an execution started, in order.
    pub fn list_map_runs(&self, execution_arn: &str) -> Result<Value, ExecError> {
        let &id = self
            .exec_by_arn
            .get(execution_arn)
            .ok_or_else(|| ExecError::ExecutionDoesNotExist(execution_arn.into()))?;
        let runs: Vec<Value> = self.map_runs.runs.iter().filter(|r| r.parent == id).map(MapRun::list_item).collect();
        Ok(json!({ "mapRuns": runs }))
    }

    /// The child executions a Map Run started, in the order they started.
    pub fn map_run_executions(&self, map_run_arn: &str) -> Option<Vec<&Execution>> {
        let run = self.map_run(map_run_arn)?;
        Some(run.children.iter().map(|id| &self.executions[id.0]).collect())
    }

    /// `ListExecutions` with `mapRunArn` (and optionally `statusFilter`):
    /// `{"executions": [...]}`, each with the Map Run's ARN and its `itemCount`;
    /// `None` if no Map Run has that ARN.
    /// <https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html>
    pub fn list_map_run_executions(&self, map_run_arn: &str, status: Option<Status>) -> Option<Value> {
        let run = self.map_run(map_run_arn)?;
        let items: Vec<Value> = run
            .children
            .iter()
            .enumerate()
            .map(|(slot, id)| (run.slot_items.get(slot).copied().unwrap_or(1), &self.executions[id.0]))
            .filter(|(_, e)| status.is_none_or(|s| e.status == s))
            .map(|(count, e)| {
                let mut v = json!({
                    "executionArn": e.arn(),
                    "stateMachineArn": e.machine.arn,
                    "name": e.name(),
                    "status": e.status.as_str(),
                    "startDate": e.start,
                    "mapRunArn": run.arn,
                    "itemCount": count,
                });
                if let Some(stop) = e.stop {
                    v["stopDate"] = stop.into();
                }
                v
            })
            .collect();
        Some(json!({ "executions": items }))
    }

    /// Creates the Map Run of a distributed Map state the thread `th` is in,
    /// with the labelled machine its children run, and records `MapRunStarted`.
    pub(crate) fn open_map_run(&mut self, th: &mut Thread, config: MapRunConfig) -> usize {
        let parent_machine = self.machine_of(th);
        let label = match config.label {
            Some(l) => l.to_string(),
            None => self.uuid(),
        };
        let run_id = self.uuid();
        let qualified = format!("{}/{label}", parent_machine.name);
        let arn = format!("arn:aws:states:{REGION}:{ACCOUNT}:mapRun:{qualified}:{run_id}");
        let mut scope: Vec<Hop> = th.scope.to_vec();
        scope.push(Hop { state: parent_machine.intern(&th.state), branch: 0 });
        let machine = Arc::new(Machine {
            name: parent_machine.name.clone(),
            arn: format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{qualified}"),
            definition: parent_machine.definition.clone(),
            needs_context: parent_machine.needs_context.clone(),
            names: parent_machine.names.clone(),
            root_scope: Arc::from(scope),
            owner_arn: Some(parent_machine.owner_arn.clone().unwrap_or_else(|| parent_machine.arn.clone())),
        });
        let n = config.slot_items.len() as u64;
        let item_total: u64 = config.slot_items.iter().sum();
        let parent = &self.executions[th.exec.0];
        let run = MapRun {
            arn: arn.clone(),
            label,
            state: th.state.clone(),
            parent: th.exec,
            parent_arn: parent.arn.to_string(),
            state_machine_arn: parent.machine.owner_arn.clone().unwrap_or_else(|| parent.machine.arn.clone()),
            status: MapRunStatus::Running,
            start: self.now,
            stop: None,
            max_concurrency: config.max_concurrency,
            tolerated_failure_count: config.tolerated_failure_count.unwrap_or(0),
            tolerated_failure_percentage: config.tolerated_failure_percentage.unwrap_or(0.0),
            items: MapRunCounts { pending: item_total, total: item_total, ..Default::default() },
            executions: MapRunCounts { pending: n, total: n, ..Default::default() },
            slot_items: config.slot_items,
            children: Vec::with_capacity(n as usize),
            machine,
            express: config.express,
        };
        let index = self.map_runs.runs.len();
        self.map_runs.runs.push(run);
        self.map_runs.by_arn.insert(arn.clone(), index);
        self.rec(th, "MapRunStarted", Some(json!({ "mapRunArn": arn })));
        index
    }

    /// Starts the child execution for one item (or batch) of a Map Run: its
    /// own ARN, `ExecutionStarted` event and root thread, which reports to
    /// the Map state's thread `pid` when it ends.
    pub(crate) fn start_map_run_child(&mut self, run: usize, pid: ThreadId, slot: usize, input: Value) -> ThreadId {
        let name = self.uuid();
        let r = &self.map_runs.runs[run];
        let machine = r.machine.clone();
        let kind = if r.express { "express" } else { "execution" };
        let qualified = machine.arn.rsplit_once(":stateMachine:").map_or(machine.name.as_str(), |(_, q)| q);
        let parts = ["arn:aws:states:", REGION, ":", ACCOUNT, ":", kind, ":", qualified, ":", &name];
        let (arn, name_at) = (super::world::concat_shared(&parts), parts[..9].iter().map(|p| p.len()).sum());
        let run_arn: Arc<str> = Arc::from(r.arn.as_str());
        let start = machine.definition.clone();
        let start_at = World::graph_of(&start, &machine.root_scope).map_or(String::new(), |g| g.start_at.clone());
        let id = ExecutionId(self.executions.len());
        let root = ThreadId(self.threads.len());
        let mut history = History::default();
        if self.trace {
            let details = Details::Started {
                input: history.json_text(&input),
                role_arn: history.role_arn(&machine.name),
                state_machine_arn: history.name(&machine.arn),
            };
            history.push(1, 0, self.now, "ExecutionStarted", details);
        }
        self.executions.push(Execution {
            arn: arn.clone(),
            name_at,
            machine: machine.clone(),
            input: std::sync::OnceLock::from(input.clone()),
            input_text: None,
            start: self.now,
            stop: None,
            status: Status::Running,
            output: None,
            failure: None,
            history,
            events: 1,
            entered_ids: Vec::new(),
            root,
            transitions: 0,
            waiter: None,
            timeout_key: None,
            mock_calls: FxHashMap::default(),
            map_run: Some((run, run_arn)),
            carried_text: None,
        });
        self.exec_by_arn.insert(arn, id);
        // A child workflow execution starts with no workflow variables: AWS's
        // "Variable scope" rules let a Distributed Map's states reference
        // only their own scope, not the parent's (pass values in with
        // ItemSelector instead).
        let vars = Map::new();
        let thread =
            Thread::entering(id, machine.root_scope.clone(), start_at, input, vars, Some((pid, slot)), self.now);
        self.threads.push(Some(Box::new(thread)));
        self.schedule(root, self.now, Event::Enter(root));
        let r = &mut self.map_runs.runs[run];
        let items = r.slot_items.get(slot).copied().unwrap_or(1);
        r.children.push(id);
        r.executions.pending = r.executions.pending.saturating_sub(1);
        r.executions.running += 1;
        r.items.pending = r.items.pending.saturating_sub(items);
        r.items.running += items;
        root
    }

    /// The Map Run a thread is the root of a child execution of, if any.
    pub(crate) fn child_of_map_run(&self, tid: ThreadId, th: &Thread) -> Option<usize> {
        let exec = &self.executions[th.exec.0];
        exec.map_run.as_ref().filter(|_| exec.root == tid).map(|(run, _)| *run)
    }

    /// A child execution's root thread ended: the child execution ends with
    /// its result, and the Map Run counts it.
    pub(crate) fn finish_child(&mut self, run: usize, th: &Thread, result: &Result<Value, Failure>) {
        let status = if result.is_ok() { Status::Succeeded } else { Status::Failed };
        self.end_execution(th.exec, status, result.clone(), Some(th.last_event));
        let slot = th.parent.map_or(0, |(_, slot)| slot);
        self.count_child_end(run, slot, status);
    }

    /// Moves the items and execution of the child in `slot` from running to `status`.
    fn count_child_end(&mut self, run: usize, slot: usize, status: Status) {
        let r = &mut self.map_runs.runs[run];
        let items = r.slot_items.get(slot).copied().unwrap_or(1);
        r.executions.finish(status, 1);
        r.items.finish(status, items);
    }

    /// Stops a running branch, iteration or child execution of a Parallel or
    /// Map: a Map Run's child execution ends ABORTED (with its own history
    /// event); any other thread is dropped with everything under it.
    pub(crate) fn stop_child(&mut self, c: ThreadId) {
        let child = self.threads.get(c.0).and_then(Option::as_ref).and_then(|th| {
            let e = &self.executions[th.exec.0];
            let slot = th.parent.map_or(0, |(_, slot)| slot);
            e.map_run.as_ref().filter(|_| e.root == c).map(|(run, _)| (*run, th.exec, slot))
        });
        match child {
            Some((run, exec, slot)) => {
                let f = Failure::new("States.Aborted", "The Map Run stopped this child execution");
                self.end_execution(exec, Status::Aborted, Err(f), None);
                self.count_child_end(run, slot, Status::Aborted);
            }
            None => self.cancel_thread(c),
        }
    }

    /// Ends a Map Run and records its end in the parent's history:
    /// `MapRunSucceeded`, `MapRunFailed` with error and cause, or `MapRunAborted`.
    pub(crate) fn close_map_run(
        &mut self,
        run: usize,
        parent: &mut Thread,
        outcome: Result<(), &Failure>,
        aborted: bool,
    ) {
        let r = &mut self.map_runs.runs[run];
        if r.status != MapRunStatus::Running {
            return;
        }
        r.stop = Some(self.now);
        match (outcome, aborted) {
            (_, true) => {
                r.status = MapRunStatus::Aborted;
                self.rec(parent, "MapRunAborted", None);
            }
            (Ok(()), false) => {
                r.status = MapRunStatus::Succeeded;
                self.rec(parent, "MapRunSucceeded", None);
            }
            (Err(f), false) => {
                r.status = MapRunStatus::Failed;
                self.rec_with(parent, "MapRunFailed", |h| super::step::failed(h, f));
            }
        }
    }

    /// A Map Run child execution stopped with `stop_execution`: it ends
    /// ABORTED and its Map state counts it as a failed item. False if `id`
    /// is not a running child execution.
    pub(crate) fn stop_map_run_child(&mut self, id: ExecutionId, f: Failure) -> bool {
        let exec = &self.executions[id.0];
        let Some((run, _)) = exec.map_run.clone() else { return false };
        let root = exec.root;
        let Some(link) = self.threads.get(root.0).and_then(Option::as_ref).and_then(|th| th.parent) else {
            return false;
        };
        self.end_execution(id, Status::Aborted, Err(f.clone()), None);
        self.count_child_end(run, link.1, Status::Aborted);
        self.report_to_parent(link.0, link.1, Err(f));
        true
    }
}
