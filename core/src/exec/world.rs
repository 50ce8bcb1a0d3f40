//! The world: registered state machines, executions, the virtual clock, one
//! event queue, the in-memory DynamoDB and a seeded generator. It is plain
//! data (`Clone`), so an explorer can fork it, and it moves by one atomic
//! transition at a time, chosen among the events enabled at the earliest
//! virtual instant.

use std::sync::Arc;

use indexmap::IndexMap;
use rustc_hash::FxHashMap;
use serde_json::{Map, Value, json};

use super::dynamodb::MemoryDynamoDb;
use super::errors::Failure;
use super::handler::{Handlers, TaskHandler};
use super::history::{Details, History, HistoryEvent, TextWriter, format_millis, history_json};
use super::schedule::{EnabledEvent, EventKind, Schedule};
use super::status::StatusRule;
use crate::Problems;
use crate::asl::{Definition, Graph, State};

/// The default region and account in the ARNs stepforge makes up.
pub const REGION: &str = "us-east-1";
/// See [`REGION`].
pub const ACCOUNT: &str = "123456789012";

/// 2024-01-01T00:00:00Z: where the virtual clock starts unless told otherwise.
pub const DEFAULT_EPOCH_MILLIS: i64 = 1_704_067_200_000;

/// AWS ends an execution whose history reaches 25,000 events; stepforge
/// counts state transitions instead and stops at this many by default.
pub const DEFAULT_TRANSITION_LIMIT: u64 = 25_000;

/// A registered state machine.
#[derive(Debug)]
pub struct Machine {
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// The parsed, validated definition.
    pub definition: Arc<Definition>,
    /// The states whose fields (or nested states) mention `$$` or `$states`:
    /// only they get a context object built (state names are unique across a machine).
    pub(crate) needs_context: rustc_hash::FxHashSet<String>,
    /// Every state name of the definition (nested ones too), shared, so
    /// the timeline's stays name their state without a copy each.
    pub(crate) names: rustc_hash::FxHashSet<Arc<str>>,
    /// The top level's (empty) scope, shared by every execution's root thread.
    pub(crate) root_scope: Arc<[Hop]>,
    /// For the labelled machine of a Map Run's child executions: the ARN of
    /// the registered state machine it belongs to (whose mocks apply).
    pub(crate) owner_arn: Option<String>,
}

impl Machine {
    /// The shared copy of a state name (a new one for a name not in the definition).
    pub(crate) fn intern(&self, name: &str) -> Arc<str> {
        self.names.get(name).cloned().unwrap_or_else(|| Arc::from(name))
    }
}

/// An execution's status, as `DescribeExecution` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Still running (or waiting on the host).
    Running,
    /// Ended in a Succeed state or an `End` state.
    Succeeded,
    /// Ended with an error.
    Failed,
    /// Ran past the definition's `TimeoutSeconds`.
    TimedOut,
    /// Stopped with `stop_execution`.
    Aborted,
}

impl Status {
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `ABORTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }

    /// Reads the spelling of [`Status::as_str`].
    pub fn from_str_opt(s: &str) -> Option<Status> {
        [Status::Running, Status::Succeeded, Status::Failed, Status::TimedOut, Status::Aborted]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Why a call on the world was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExecError {
    /// The definition does not validate.
    #[error("the definition does not validate:\n{0}")]
    InvalidDefinition(Problems),
    /// No state machine has that name or ARN.
    #[error("no state machine is registered as `{0}`")]
    StateMachineDoesNotExist(String),
    /// An execution of that name already ran for that state machine.
    #[error("an execution named `{0}` already exists")]
    ExecutionAlreadyExists(String),
    /// No execution has that ARN.
    #[error("no execution has the ARN `{0}`")]
    ExecutionDoesNotExist(String),
    /// No task is waiting on that token.
    #[error("no running task has the token `{0}`")]
    TaskDoesNotExist(String),
    /// The execution is not running.
    #[error("the execution `{0}` is not running")]
    ExecutionNotRunning(String),
}

/// One execution: status, output or error, and its history.
#[derive(Debug, Clone)]
pub struct Execution {
    /// Shared with [`World`]'s index by ARN (one allocation for both).
    pub(crate) arn: Arc<str>,
    /// Where the name starts in the ARN (its last segment): no copy of its own.
    pub(crate) name_at: usize,
    pub(crate) machine: Arc<Machine>,
    /// The execution input, read with [`Execution::input`]. With a trace it
    /// starts empty and is parsed on first read from `input_text`, the
    /// `ExecutionStarted` event's text (exact under serde_json's
    /// `preserve_order` and `arbitrary_precision`): a start then neither
    /// copies the input nor writes it twice.
    pub(crate) input: std::sync::OnceLock<Value>,
    /// Where the input's JSON text sits in the history's buffer, if written there.
    pub(crate) input_text: Option<std::ops::Range<usize>>,
    pub(crate) start: i64,
    pub(crate) stop: Option<i64>,
    pub(crate) status: Status,
    pub(crate) output: Option<Value>,
    pub(crate) failure: Option<Failure>,
    pub(crate) history: History,
    /// History events so far, kept or not (the next event's id is one more).
    pub(crate) events: u64,
    /// Without a trace ([`World::trace`]): the id of the last `*StateEntered`
    /// event per state name, which error causes quote.
    pub(crate) entered_ids: Vec<(String, u64)>,
    pub(crate) root: ThreadId,
    pub(crate) transitions: u64,
    /// The Task waiting on this execution (`startExecution.sync`), and its token.
    pub(crate) waiter: Option<(ThreadId, String, SyncMode)>,
    pub(crate) timeout_key: Option<Key>,
    /// Invocations of each mocked state so far (Step Functions Local mocks).
    pub(crate) mock_calls: FxHashMap<String, u64>,
    /// A child workflow execution of a distributed Map: its Map Run's index and ARN.
    pub(crate) map_run: Option<(usize, Arc<str>)>,
    /// The JSON text a thread's next `*StateEntered` event shows as its input,
    /// already in the history's buffer: the output of the state it just left
    /// (or the execution input), which becomes its input unchanged. Saves
    /// writing the same value twice per transition; any other thread's
    /// transition in between replaces it, and the text is then written anew.
    pub(crate) carried_text: Option<(ThreadId, std::ops::Range<usize>)>,
}

impl Execution {
    /// The execution's ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }
    /// The execution's name.
    pub fn name(&self) -> &str {
        &self.arn[self.name_at..]
    }
    /// The state machine's ARN.
    pub fn state_machine_arn(&self) -> &str {
        &self.machine.arn
    }
    /// The execution input.
    pub fn input(&self) -> &Value {
        self.input.get_or_init(|| self.input_text.as_ref().and_then(|r| self.history.json_at(r)).unwrap_or(Value::Null))
    }
    /// The status.
    pub fn status(&self) -> Status {
        self.status
    }
    /// The output, once succeeded.
    pub fn output(&self) -> Option<&Value> {
        self.output.as_ref()
    }
    /// The error name, once failed, timed out or aborted.
    pub fn error(&self) -> Option<&str> {
        self.failure.as_ref().map(|f| f.error.as_str())
    }
    /// The cause, once failed, timed out or aborted.
    pub fn cause(&self) -> Option<&str> {
        self.failure.as_ref().map(|f| f.cause.as_str())
    }
    /// Start time on the virtual clock (ms since the Unix epoch).
    pub fn start_millis(&self) -> i64 {
        self.start
    }
    /// Stop time on the virtual clock, once ended.
    pub fn stop_millis(&self) -> Option<i64> {
        self.stop
    }
    /// The role ARN the context object shows (`$$.Execution.RoleArn`).
    pub fn role_arn(&self) -> String {
        role_arn(&self.machine.name)
    }

    /// `{"Execution": …, "StateMachine": …}` of the context object.
    pub(crate) fn context_base(&self) -> Value {
        json!({
            "Execution": {
                "Id": self.arn(),
                "Input": self.input(),
                "Name": self.name(),
                "RoleArn": self.role_arn(),
                "StartTime": format_millis(self.start),
                "RedriveCount": 0,
            },
            "StateMachine": { "Id": self.machine.arn, "Name": self.machine.name },
        })
    }

    /// The history events.
    /// (Recorded compactly, they are rendered on the first read after a change.)
    pub fn history(&self) -> &[HistoryEvent] {
        self.history.events()
    }
    /// How many history events are recorded (without rendering them).
    pub fn history_len(&self) -> usize {
        self.history.len()
    }
    /// The type of the last history event, e.g. `WaitStateEntered` (without rendering the history).
    pub fn last_event_kind(&self) -> Option<&'static str> {
        self.history.last_kind()
    }
    /// State transitions so far (the `*StateEntered` events).
    pub fn transitions(&self) -> u64 {
        self.transitions
    }
    /// The history as `GetExecutionHistory` returns it: `{"events": [...]}`.
    pub fn history_json(&self) -> Value {
        history_json(self.history.events())
    }
    /// The execution as `DescribeExecution` returns it (dates as epoch milliseconds).
    pub fn describe(&self) -> Value {
        let mut v = json!({
            "executionArn": self.arn(),
            "stateMachineArn": self.machine.arn,
            "name": self.name(),
            "status": self.status.as_str(),
            "startDate": self.start,
            "input": super::history::text(self.input()),
        });
        if let Some(stop) = self.stop {
            v["stopDate"] = stop.into();
        }
        if let Some(out) = &self.output {
            v["output"] = super::history::text(out).into();
        }
        if let Some(f) = &self.failure {
            v["error"] = f.error.clone().into();
            v["cause"] = f.cause.clone().into();
        }
        if let Some((_, map_run)) = &self.map_run {
            v["mapRunArn"] = map_run.to_string().into();
        }
        v
    }

    /// The ARN of the Map Run that started this child workflow execution, if one did.
    pub fn map_run_arn(&self) -> Option<&str> {
        self.map_run.as_ref().map(|(_, arn)| &**arn)
    }
}

/// How a `startExecution` Task waits for its child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncMode {
    /// `.sync`: `Input` and `Output` as JSON text.
    Text,
    /// `.sync:2`: `Input` and `Output` as JSON.
    Json,
}

/// A thread of control inside an execution: the top level, one Parallel
/// branch or one Map iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ThreadId(pub(crate) usize);

/// A step from a scope into a nested one: the Parallel or Map state's name
/// and the branch index (0 for a Map's item processor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    /// Shared with the machine's interned names (no copy per branch started).
    pub(crate) state: Arc<str>,
    pub(crate) branch: usize,
}

/// The key of a queued event: due time and a sequence number (FIFO among equals).
pub(crate) type Key = (i64, u64);

/// An event waiting in the queue.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// Enter the thread's current state.
    Enter(ThreadId),
    /// A Wait state's time is up.
    WaitOver(ThreadId),
    /// Call the Task's resource.
    Invoke(ThreadId),
    /// The Task's work ended.
    TaskDone(ThreadId, Result<Value, Failure>),
    /// `TimeoutSeconds` or `HeartbeatSeconds` ran out (the error name says which).
    TaskTimeout(ThreadId, &'static str),
    /// A retry interval is over.
    Retry(ThreadId),
    /// Every branch or iteration of a Parallel or Map ended.
    FanoutDone(ThreadId),
    /// The execution's `TimeoutSeconds` ran out.
    ExecutionTimeout(ExecutionId),
    /// A status-change event reaches a rule's target.
    Deliver(usize, Value),
    /// A DynamoDB write that was in flight when its execution ended lands
    /// (the explorer's "late write" fault): `(execution, action, request)`.
    LateWrite(ExecutionId, String, Value),
}

/// An execution's index in the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ExecutionId(pub(crate) usize);

/// What a Task attempt is doing.
#[derive(Debug, Clone)]
pub(crate) struct TaskRun {
    pub(crate) token: String,
    /// The effective parameters (after InputPath and Parameters/Arguments).
    pub(crate) params: Value,
    pub(crate) heartbeat_ms: Option<i64>,
    pub(crate) heartbeat_key: Option<Key>,
    pub(crate) timeout_ms: Option<i64>,
    /// How the history names the work (`TaskScheduled` or `LambdaFunctionScheduled`…).
    pub(crate) lambda_events: bool,
    /// The handler returned `Pending`: the host finishes the work.
    pub(crate) host_pending: bool,
    /// The task waits for `send_task_success`/`failure` (a `.waitForTaskToken`
    /// callback or host work in flight); only such tasks accept them.
    pub(crate) callback: bool,
}

/// A Parallel's branches or a Map's iterations.
#[derive(Debug, Clone)]
pub(crate) struct Fanout {
    pub(crate) children: Vec<Option<ThreadId>>,
    pub(crate) results: Vec<Value>,
    /// A Map's iteration inputs (after ItemSelector); empty for Parallel.
    pub(crate) items: Vec<Value>,
    pub(crate) next: usize,
    pub(crate) running: usize,
    pub(crate) done: usize,
    pub(crate) limit: usize,
    pub(crate) failed: u64,
    /// A distributed Map's tolerated failures.
    pub(crate) tolerated_count: Option<u64>,
    pub(crate) tolerated_percentage: Option<f64>,
    /// A distributed Map's Map Run (its index in the world): iterations are child executions.
    pub(crate) map_run: Option<usize>,
}

/// What a thread is doing inside its current state.
#[derive(Debug, Clone)]
pub(crate) enum Phase {
    /// About to enter, between events, or waiting on a timer.
    Idle,
    /// A Task attempt.
    Task(TaskRun),
    /// Branches or iterations are running.
    Fanout(Fanout),
}

/// A thread's data: where it is and what it holds.
#[derive(Debug, Clone)]
pub(crate) struct Thread {
    pub(crate) exec: ExecutionId,
    pub(crate) scope: Arc<[Hop]>,
    pub(crate) state: String,
    /// The raw state input.
    pub(crate) input: Value,
    /// Workflow variables visible here.
    pub(crate) vars: Map<String, Value>,
    pub(crate) parent: Option<(ThreadId, usize)>,
    pub(crate) map_item: Option<(usize, Value)>,
    pub(crate) entered: i64,
    pub(crate) retry_counts: Vec<u64>,
    pub(crate) retry_total: u64,
    pub(crate) phase: Phase,
    pub(crate) keys: super::queue::ThreadKeys,
    pub(crate) last_event: u64,
    pub(crate) stay: Option<usize>,
}

impl Thread {
    /// A thread about to enter `state` of `scope` at `now`, with nothing run
    /// yet: an execution's top level (`parent` None), a branch or iteration
    /// of its execution, or a Map Run's child execution. Its history so far
    /// ends at `ExecutionStarted` (event 1).
    pub(crate) fn entering(
        exec: ExecutionId,
        scope: Arc<[Hop]>,
        state: String,
        input: Value,
        vars: Map<String, Value>,
        parent: Option<(ThreadId, usize)>,
        now: i64,
    ) -> Thread {
        Thread {
            exec,
            scope,
            state,
            input,
            vars,
            parent,
            map_item: None,
            entered: now,
            retry_counts: Vec::new(),
            retry_total: 0,
            phase: Phase::Idle,
            keys: Default::default(),
            last_event: 1,
            stay: None,
        }
    }
}

/// A time an execution's thread spent inside a state (for the timeline).
#[derive(Debug, Clone)]
pub(crate) struct Stay {
    pub(crate) exec: ExecutionId,
    pub(crate) state: Arc<str>,
    pub(crate) enter_mark: u64,
    pub(crate) enter_ms: i64,
    pub(crate) exit_mark: Option<u64>,
    pub(crate) exit_ms: Option<i64>,
}

/// Why [`World::run_until_idle`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idle {
    /// Transitions taken by this call.
    pub steps: u64,
    /// Executions still running (they wait on the host: task tokens, pending handlers).
    pub running: usize,
    /// Tasks whose handler's work is in flight on the host (they hold the clock).
    pub host_pending: usize,
}

/// The local executor's whole state. Cloning it forks the world: handlers are
/// shared (`Arc`), everything else is copied.
#[derive(Clone)]
pub struct World {
    pub(crate) machines: IndexMap<String, Arc<Machine>, rustc_hash::FxBuildHasher>,
    pub(crate) executions: Vec<Execution>,
    pub(crate) exec_by_arn: FxHashMap<Arc<str>, ExecutionId>,
    pub(crate) threads: Vec<Option<Box<Thread>>>,
    pub(crate) queue: super::queue::EventQueue,
    pub(crate) seq: u64,
    pub(crate) now: i64,
    pub(crate) rng: fastrand::Rng,
    pub(crate) db: MemoryDynamoDb,
    pub(crate) handlers: Handlers,
    pub(crate) rules: Vec<StatusRule>,
    pub(crate) tokens: FxHashMap<String, ThreadId>,
    pub(crate) stays: Vec<Stay>,
    pub(crate) mark: u64,
    pub(crate) transition_limit: u64,
    pub(crate) objects: super::reader::ObjectStore,
    pub(crate) mocks: FxHashMap<String, Arc<super::mock::TestCase>>,
    /// A fault the explorer injects into the next task call (see `explore::faults`).
    pub(crate) injection: Option<super::explore::Injection>,
    /// Keep histories and stays (the default). The explorer turns this off
    /// while it searches: event ids still count, and error causes still name
    /// the event that entered their state, but no event or stay is stored,
    /// so a step allocates less and a fork of the world copies less.
    pub(crate) trace: bool,
    /// The distributed Maps' Map Runs, in the order they started.
    pub(crate) map_runs: super::map_run::MapRuns,
}

impl World {
    /// An empty world whose every random choice follows `seed`.
    pub fn new(seed: u64) -> World {
        World {
            machines: IndexMap::default(),
            executions: Vec::new(),
            exec_by_arn: FxHashMap::default(),
            threads: Vec::new(),
            queue: Default::default(),
            seq: 0,
            now: DEFAULT_EPOCH_MILLIS,
            rng: fastrand::Rng::with_seed(seed),
            db: MemoryDynamoDb::new(),
            handlers: Handlers::default(),
            rules: Vec::new(),
            tokens: FxHashMap::default(),
            stays: Vec::new(),
            mark: 0,
            transition_limit: DEFAULT_TRANSITION_LIMIT,
            objects: Default::default(),
            mocks: FxHashMap::default(),
            injection: None,
            trace: true,
            map_runs: Default::default(),
        }
    }

    /// Sets the virtual clock (ms since the Unix epoch); only before anything runs.
    pub fn set_clock(&mut self, millis: i64) {
        self.now = millis;
    }

    /// The virtual time, ms since the Unix epoch.
    pub fn now_millis(&self) -> i64 {
        self.now
    }

    /// How many state transitions one execution may take before it fails
    /// with `States.Runtime` (a loop without end).
    pub fn set_transition_limit(&mut self, limit: u64) {
        self.transition_limit = limit;
    }

    /// Registers a definition under a name or a state machine ARN (a name
    /// gets an ARN in [`REGION`] and [`ACCOUNT`]). A definition that does not
    /// validate is refused with the validator's problems. Returns the ARN.
    pub fn register(&mut self, name_or_arn: &str, definition: Definition) -> Result<String, ExecError> {
        let problems = crate::validate::validate(&definition);
        if !problems.is_empty() {
            return Err(ExecError::InvalidDefinition(Problems(problems)));
        }
        Ok(self.insert_machine(name_or_arn, definition))
    }

    /// Parses, validates and registers ASL JSON text; see [`World::register`].
    pub fn register_json(&mut self, name_or_arn: &str, text: &str) -> Result<String, ExecError> {
        let definition = crate::validate::parse_valid(text).map_err(ExecError::InvalidDefinition)?;
        Ok(self.insert_machine(name_or_arn, definition))
    }

    fn insert_machine(&mut self, name_or_arn: &str, definition: Definition) -> String {
        let (name, arn) = if name_or_arn.starts_with("arn:") {
            let name = name_or_arn.rsplit(':').next().unwrap_or(name_or_arn).to_string();
            (name, name_or_arn.to_string())
        } else {
            (name_or_arn.to_string(), format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name_or_arn}"))
        };
        let mut needs_context = rustc_hash::FxHashSet::default();
        collect_context_users(&crate::asl::render_value(&definition), &mut needs_context);
        let mut names = rustc_hash::FxHashSet::default();
        collect_names(&definition.graph, &mut names);
        let machine = Arc::new(Machine {
            name,
            arn: arn.clone(),
            definition: Arc::new(definition),
            needs_context,
            names,
            root_scope: Arc::from(Vec::new()),
            owner_arn: None,
        });
        self.machines.insert(arn.clone(), machine);
        arn
    }

    /// The state machine registered under this ARN or name.
    pub fn machine(&self, name_or_arn: &str) -> Option<&Arc<Machine>> {
        self.machines.get(name_or_arn).or_else(|| self.machines.values().find(|m| m.name == name_or_arn))
    }

    /// Registers the handler for a resource: an exact resource (or, for
    /// `lambda:invoke`, a `FunctionName`), or a pattern with `*`.
    pub fn handle(&mut self, resource: &str, handler: impl TaskHandler + 'static) {
        self.handlers.add(resource, Arc::new(handler));
    }

    /// [`World::handle`] with a shared handler.
    pub fn handle_arc(&mut self, resource: &str, handler: Arc<dyn TaskHandler>) {
        self.handlers.add(resource, handler);
    }

    /// Adds an EventBridge-like rule: status changes of executions start another state machine.
    pub fn on_status_change(&mut self, rule: StatusRule) {
        self.rules.push(rule);
    }

    /// The in-memory DynamoDB.
    pub fn dynamodb(&self) -> &MemoryDynamoDb {
        &self.db
    }

    /// The in-memory DynamoDB, to create tables and seed items.
    pub fn dynamodb_mut(&mut self) -> &mut MemoryDynamoDb {
        &mut self.db
    }

    /// Answers the Task states of a registered state machine (ARN or name)
    /// from a Step Functions Local test case instead of their integrations.
    pub fn use_mocks(&mut self, machine: &str, case: super::mock::TestCase) -> Result<(), ExecError> {
        let arn = self
            .machine(machine)
            .map(|m| m.arn.clone())
            .ok_or_else(|| ExecError::StateMachineDoesNotExist(machine.into()))?;
        self.mocks.insert(arn, Arc::new(case));
        Ok(())
    }

    /// Puts an object in the in-memory object store a distributed Map's
    /// `ItemReader` reads (`s3:getObject`, `s3:listObjectsV2`).
    pub fn put_object(&mut self, bucket: &str, key: &str, body: impl Into<String>) {
        self.objects.put(bucket, key, body.into(), self.now);
    }

    /// Serves a bucket from a local directory: keys are paths under it.
    pub fn mount_bucket(&mut self, bucket: &str, dir: impl Into<std::path::PathBuf>) {
        self.objects.mount(bucket, dir.into());
    }

    /// Starts an execution of a registered state machine; returns its ARN.
    /// Without a name, one is drawn from the seeded generator.
    pub fn start_execution(&mut self, machine: &str, input: Value, name: Option<&str>) -> Result<String, ExecError> {
        self.start_inner(machine, input, name, None).map(|id| self.executions[id.0].arn.to_string())
    }

    pub(crate) fn start_inner(
        &mut self,
        machine: &str,
        input: Value,
        name: Option<&str>,
        waiter: Option<(ThreadId, String, SyncMode)>,
    ) -> Result<ExecutionId, ExecError> {
        let machine =
            self.machine(machine).cloned().ok_or_else(|| ExecError::StateMachineDoesNotExist(machine.into()))?;
        // A generated name is written on the stack: the ARN is the name's only copy.
        let mut uuid_text = uuid::Uuid::encode_buffer();
        let name: &str = match name {
            Some(n) => n,
            None => self.random_uuid().hyphenated().encode_lower(&mut uuid_text),
        };
        let (arn, name_at) = execution_arn(&machine.name, name);
        if self.exec_by_arn.contains_key(&arn) {
            return Err(ExecError::ExecutionAlreadyExists(name.to_string()));
        }
        let id = ExecutionId(self.executions.len());
        let root = ThreadId(self.threads.len());
        let mut exec = Execution {
            arn: arn.clone(),
            name_at,
            machine: machine.clone(),
            input: std::sync::OnceLock::new(),
            input_text: None,
            start: self.now,
            stop: None,
            status: Status::Running,
            output: None,
            failure: None,
            history: History::default(),
            events: 1,
            entered_ids: Vec::new(),
            root,
            transitions: 0,
            waiter,
            timeout_key: None,
            mock_calls: FxHashMap::default(),
            map_run: None,
            carried_text: None,
        };
        if self.trace {
            let h = &mut exec.history;
            let input_text = h.json_text(&input);
            exec.input_text = Some(input_text.clone());
            let details = Details::Started {
                input: input_text.clone(),
                role_arn: h.role_arn(&machine.name),
                state_machine_arn: h.name(&machine.arn),
            };
            h.push(1, 0, self.now, "ExecutionStarted", details);
            // The first state's input is the execution input.
            exec.carried_text = Some((root, input_text));
        } else {
            // No history text to read it back from: keep a copy.
            exec.input = std::sync::OnceLock::from(input.clone());
        }
        self.executions.push(exec);
        self.exec_by_arn.insert(arn, id);
        if let Some(seconds) = machine.definition.timeout_seconds {
            let key = self.push_event(self.now + seconds as i64 * 1000, Event::ExecutionTimeout(id));
            self.executions[id.0].timeout_key = Some(key);
        }
        let start = machine.definition.graph.start_at.clone();
        let thread = Thread::entering(id, machine.root_scope.clone(), start, input, Map::new(), None, self.now);
        self.threads.push(Some(Box::new(thread)));
        self.schedule(root, self.now, Event::Enter(root));
        // EventBridge also reports executions that start (status RUNNING).
        for i in 0..self.rules.len() {
            if self.rules[i].fires(&self.executions[id.0], Status::Running) {
                let event_id = self.uuid();
                let payload = super::status::event(&self.executions[id.0], event_id, format_millis(self.now));
                self.push_event(self.now, Event::Deliver(i, payload));
            }
        }
        Ok(id)
    }

    /// Every execution, in the order they started.
    pub fn executions(&self) -> impl Iterator<Item = &Execution> {
        self.executions.iter()
    }

    /// The execution with this ARN.
    pub fn execution(&self, arn: &str) -> Option<&Execution> {
        self.exec_by_arn.get(arn).map(|id| &self.executions[id.0])
    }

    /// The events that may happen next: those due at the earliest instant.
    pub fn enabled(&self) -> Vec<EnabledEvent> {
        self.queue.current().into_iter().map(|(key, ev)| self.describe_event(key, ev)).collect()
    }

    fn describe_event(&self, key: Key, ev: &Event) -> EnabledEvent {
        let (kind, thread, exec) = match ev {
            Event::Enter(t) => (EventKind::Transition, Some(*t), None),
            Event::WaitOver(t) => (EventKind::Timer, Some(*t), None),
            Event::Invoke(t) => (EventKind::TaskCall, Some(*t), None),
            Event::TaskDone(t, _) => (EventKind::TaskCompletion, Some(*t), None),
            Event::TaskTimeout(t, _) => (EventKind::Timer, Some(*t), None),
            Event::Retry(t) => (EventKind::Timer, Some(*t), None),
            Event::FanoutDone(t) => (EventKind::Transition, Some(*t), None),
            Event::ExecutionTimeout(e) => (EventKind::Timer, None, Some(*e)),
            Event::Deliver(..) => (EventKind::Delivery, None, None),
            Event::LateWrite(e, ..) => (EventKind::TaskCall, None, Some(*e)),
        };
        let th = thread.and_then(|t| self.threads.get(t.0)).and_then(Option::as_ref);
        let exec = exec.or(th.map(|t| t.exec));
        EnabledEvent {
            id: key.1,
            due_millis: key.0,
            kind,
            execution_arn: exec.map(|e| self.executions[e.0].arn.to_string()),
            state: th.map(|t| t.state.clone()),
            integration: matches!(ev, Event::Invoke(_) | Event::LateWrite(..)),
        }
    }

    /// Takes one transition, chosen among the enabled events by the seeded
    /// generator. False when nothing is enabled.
    pub fn step(&mut self) -> bool {
        let rng = &mut self.rng;
        let Some((key, event)) = self.queue.pick(|n| rng.usize(0..n)) else {
            return false;
        };
        self.fire(key, event);
        true
    }

    /// Takes the enabled event with this id (from [`World::enabled`]).
    /// False when no enabled event has it.
    pub fn step_event(&mut self, id: u64) -> bool {
        let Some(due) = self.queue.earliest_due() else {
            return false;
        };
        let key = (due, id);
        if !self.queue.contains(&key) {
            return false;
        }
        match self.queue.take(&key) {
            Some(event) => {
                self.fire(key, event);
                true
            }
            None => false,
        }
    }

    /// Runs until every execution has ended or all remaining work waits on
    /// the host. While a handler's work is in flight on the host (it returned
    /// `Pending`: a Promise, a coroutine), the virtual clock does not move:
    /// the call returns once nothing more is due now, so the host can finish
    /// that work, answer with `send_task_success`/`failure`, and call again.
    /// Tasks waiting for a `.waitForTaskToken` callback do not hold the clock.
    pub fn run_until_idle(&mut self) -> Idle {
        let mut steps = 0;
        while !self.clock_held() && self.step() {
            steps += 1;
        }
        self.idle(steps)
    }

    /// When the next event is due (virtual ms since the Unix epoch), if any.
    pub fn next_due_millis(&self) -> Option<i64> {
        self.queue.earliest_due()
    }

    /// Runs every event due up to `millis` on the virtual clock, then moves
    /// the clock to `millis` (unless host work in flight holds it). A host
    /// loop that sleeps between calls runs the world in real time.
    pub fn run_until(&mut self, millis: i64) -> Idle {
        let mut steps = 0;
        while self.queue.earliest_due().is_some_and(|due| due <= millis) && !self.clock_held() && self.step() {
            steps += 1;
        }
        if self.host_pending() == 0 {
            self.now = self.now.max(millis);
        }
        self.idle(steps)
    }

    /// Runs in real time: before each later event, sleeps for the virtual
    /// wait times `time_scale` (0.01 runs a 3 s Wait in 30 ms), so tasks can
    /// be checked against real services. Returns like [`World::run_until_idle`].
    pub fn run_realtime(&mut self, time_scale: f64) -> Idle {
        let scale = if time_scale.is_finite() && time_scale > 0.0 { time_scale } else { 0.0 };
        let mut steps = 0;
        while let Some(due) = self.queue.earliest_due() {
            if due > self.now {
                if self.host_pending() > 0 {
                    break;
                }
                let wait = (due - self.now) as f64 * scale / 1000.0;
                std::thread::sleep(std::time::Duration::from_secs_f64(wait.min(86_400.0)));
            }
            if !self.step() {
                break;
            }
            steps += 1;
        }
        self.idle(steps)
    }

    /// Whether the next event is later than now while host work is in flight.
    fn clock_held(&self) -> bool {
        self.queue.earliest_due().is_some_and(|due| due > self.now) && self.host_pending() > 0
    }

    /// How many tasks wait for a handler's work in flight on the host.
    pub fn host_pending(&self) -> usize {
        self.tokens
            .values()
            .filter(|t| {
                self.threads
                    .get(t.0)
                    .and_then(Option::as_ref)
                    .is_some_and(|th| matches!(&th.phase, Phase::Task(run) if run.host_pending))
            })
            .count()
    }

    /// [`World::run_until_idle`] with the order of simultaneous events chosen by `schedule`.
    pub fn run_until_idle_with(&mut self, schedule: &mut dyn Schedule) -> Idle {
        let mut steps = 0;
        loop {
            let enabled = self.enabled();
            if enabled.is_empty() || self.clock_held() {
                break;
            }
            let pick = if enabled.len() == 1 { 0 } else { schedule.choose(self.now, &enabled).min(enabled.len() - 1) };
            self.step_event(enabled[pick].id);
            steps += 1;
        }
        self.idle(steps)
    }

    fn idle(&self, steps: u64) -> Idle {
        Idle {
            steps,
            running: self.executions.iter().filter(|e| e.status == Status::Running).count(),
            host_pending: self.host_pending(),
        }
    }

    fn fire(&mut self, key: Key, event: Event) {
        self.now = self.now.max(key.0);
        self.mark += 1;
        let owner = match &event {
            Event::Enter(t)
            | Event::WaitOver(t)
            | Event::Invoke(t)
            | Event::TaskDone(t, _)
            | Event::TaskTimeout(t, _)
            | Event::Retry(t)
            | Event::FanoutDone(t) => Some(*t),
            Event::ExecutionTimeout(_) | Event::Deliver(..) | Event::LateWrite(..) => None,
        };
        if let Some(t) = owner {
            match self.threads.get_mut(t.0).and_then(Option::as_mut) {
                Some(th) => th.keys.remove(key),
                None => return,
            }
        }
        self.dispatch(event);
    }

    /// Queues an event at `at`; returns its key.
    pub(crate) fn push_event(&mut self, at: i64, event: Event) -> Key {
        self.seq += 1;
        let key = (at.max(self.now), self.seq);
        self.queue.insert(key, event);
        key
    }

    /// Queues an event owned by a thread that is in the slab.
    pub(crate) fn schedule(&mut self, tid: ThreadId, at: i64, event: Event) -> Option<Key> {
        let key = self.push_event(at, event);
        match self.threads.get_mut(tid.0).and_then(Option::as_mut) {
            Some(th) => {
                th.keys.push(key);
                Some(key)
            }
            None => {
                self.queue.remove(&key);
                None
            }
        }
    }

    /// Queues an event owned by a thread taken out of the slab.
    pub(crate) fn schedule_for(&mut self, th: &mut Thread, at: i64, event: Event) -> Key {
        let key = self.push_event(at, event);
        th.keys.push(key);
        key
    }

    /// Drops every queued event of a thread.
    pub(crate) fn cancel_keys(&mut self, th: &mut Thread) {
        for key in th.keys.take_all() {
            self.queue.remove(&key);
        }
    }

    /// A random UUID (version 4 layout) from the seeded generator.
    pub(crate) fn uuid(&mut self) -> String {
        let mut text = uuid::Uuid::encode_buffer();
        self.random_uuid().hyphenated().encode_lower(&mut text).to_owned()
    }

    /// The next random (version 4) UUID from the world's seeded generator.
    pub(crate) fn random_uuid(&mut self) -> uuid::Uuid {
        uuid::Builder::from_random_bytes(self.rng.u128(..).to_be_bytes()).into_uuid()
    }

    /// Appends a history event for an execution; returns its id.
    pub(crate) fn record(
        &mut self,
        exec: ExecutionId,
        previous: u64,
        kind: &'static str,
        details: Option<Value>,
    ) -> u64 {
        self.record_with(exec, previous, kind, |_| details.map_or(Details::None, Details::Json))
    }

    /// Appends a history event whose details `details` writes into the
    /// history's buffer (called only when histories are kept); returns its id.
    pub(crate) fn record_with(
        &mut self,
        exec: ExecutionId,
        previous: u64,
        kind: &'static str,
        details: impl FnOnce(&mut TextWriter) -> Details,
    ) -> u64 {
        let e = &mut self.executions[exec.0];
        e.events += 1;
        let id = e.events;
        if !self.trace {
            return id;
        }
        e.history.record(id, previous, self.now, kind, details);
        id
    }

    /// The graph a thread runs in, and the machine it belongs to.
    pub(crate) fn graph_of<'d>(def: &'d Definition, scope: &[Hop]) -> Option<&'d Graph> {
        let mut graph = &def.graph;
        for hop in scope {
            graph = match graph.states.get(&*hop.state)? {
                State::Parallel(p) => p.branches.get(hop.branch)?,
                State::Map(m) => &m.item_processor.graph,
                _ => return None,
            };
        }
        Some(graph)
    }

    /// The most executions inside any of `states` at once, and when that
    /// first happened. An execution counts once however many of its threads
    /// are inside; a distributed Map's child executions count on their own.
    pub fn peak_occupancy(&self, states: &[&str]) -> Peak {
        super::timeline::peak(&self.stays, states)
    }

    /// Every stay inside a state: `(execution ARN, state, entered, exited)` in
    /// virtual milliseconds; `exited` is `None` while still inside.
    pub fn stays(&self) -> Vec<(String, String, i64, Option<i64>)> {
        self.stays
            .iter()
            .map(|s| (self.executions[s.exec.0].arn.to_string(), s.state.to_string(), s.enter_ms, s.exit_ms))
            .collect()
    }
}

use super::timeline::Peak;

/// `arn:aws:states:{REGION}:{ACCOUNT}:execution:{machine}:{name}`, built
/// without the formatting machinery (once per execution started).
fn execution_arn(machine_name: &str, name: &str) -> (Arc<str>, usize) {
    let parts = ["arn:aws:states:", REGION, ":", ACCOUNT, ":execution:", machine_name, ":", name];
    (concat_shared(&parts), parts[..7].iter().map(|p| p.len()).sum())
}

/// The parts back to back in one shared string: composed on the stack when
/// short (as ARNs are), so the `Arc` is the only allocation.
pub(crate) fn concat_shared(parts: &[&str]) -> Arc<str> {
    let mut buf = [0u8; 256];
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len > buf.len() {
        return Arc::from(parts.concat());
    }
    let mut at = 0;
    for p in parts {
        buf[at..at + p.len()].copy_from_slice(p.as_bytes());
        at += p.len();
    }
    // Whole `str`s back to back are UTF-8; the fallback only keeps this panic-free.
    match std::str::from_utf8(&buf[..len]) {
        Ok(text) => Arc::from(text),
        Err(_) => Arc::from(parts.concat()),
    }
}

#[cfg(test)]
#[test]
fn execution_arns_read_as_formatted() {
    let (arn, name_at) = execution_arn("m", "n-1");
    assert_eq!(&*arn, format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:m:n-1"));
    assert_eq!(&arn[name_at..], "n-1");
}

/// The role ARN stepforge shows for a state machine (`$$.Execution.RoleArn`).
pub(crate) fn role_arn(machine_name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/StepFunctions-{machine_name}-role")
}

/// Every state name of a graph and of the graphs nested in it.
fn collect_names(graph: &Graph, out: &mut rustc_hash::FxHashSet<Arc<str>>) {
    for (name, state) in &graph.states {
        out.insert(Arc::from(name.as_str()));
        match state {
            State::Parallel(p) => p.branches.iter().for_each(|b| collect_names(b, out)),
            State::Map(m) => collect_names(&m.item_processor.graph, out),
            _ => {}
        }
    }
}

/// Finds the states of a rendered definition whose text mentions the context
/// object; nested states are searched too.
fn collect_context_users(definition: &Value, out: &mut rustc_hash::FxHashSet<String>) {
    let Some(states) = definition.get("States").and_then(Value::as_object) else { return };
    for (name, state) in states {
        let text = state.to_string();
        if text.contains("$$") || text.contains("$states") {
            out.insert(name.clone());
        }
        for branch in state.get("Branches").and_then(Value::as_array).into_iter().flatten() {
            collect_context_users(branch, out);
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(processor) = state.get(key) {
                collect_context_users(processor, out);
            }
        }
    }
}
