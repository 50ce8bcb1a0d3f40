//! The local executor from Python: `World`, `TaskCall`, `TaskResult`,
//! `Execution`, `Idle`, `Peak`, `test_state` and `diagram`.
//!
//! Thin by design: every rule of the executor is in `stepforge::exec`. What
//! lives here is what only the host can do: calling a Python handler (with the
//! GIL), turning its answer (a value, a `TaskResult`, an exception, a
//! coroutine) into a [`TaskOutcome`], and awaiting coroutines (`exec.py`,
//! loaded once as `stepforge._exec`, runs the asyncio side).

use std::ffi::CString;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyModule, PyString, PyTuple};
use serde_json::Value;
use stepforge::exec::dynamodb::{KeyType, MemoryDynamoDb, item_from_json};
use stepforge::exec::host_args::{key_type, non_negative, positive, task_delay};
use stepforge::exec::settle::INVALID_HANDLER_RESULT;
use stepforge::exec::{ExecError, StatusRule, TaskCall, TaskHandler, TaskOutcome, World};

use crate::convert::{from_json, to_json};
use crate::errors::{guard, marshal_error, problems_error};

const HOST_SOURCE: &str = include_str!("exec.py");

static HOST: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The module `exec.py` defines, loaded on first use.
fn host(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    let module = HOST.get_or_try_init(py, || -> PyResult<Py<PyModule>> {
        let code = CString::new(HOST_SOURCE).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(PyModule::from_code(py, &code, c"stepforge/_exec.py", c"stepforge._exec")?.unbind())
    })?;
    Ok(module.bind(py))
}

/// `ExecutionError(code, message)`.
fn exec_error(py: Python<'_>, code: &str, message: impl Into<String>) -> PyErr {
    match host(py).and_then(|m| m.getattr("ExecutionError")).and_then(|c| c.call1((code, message.into()))) {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// The core's refusal as a Python exception: the validator's problems stay a
/// `ValidationError`; the rest is `ExecutionError` with AWS's exception name.
fn refused(py: Python<'_>, e: ExecError) -> PyErr {
    match e.problems() {
        Some(problems) => problems_error(problems.clone()),
        None => exec_error(py, e.code(), e.to_string()),
    }
}

/// A definition given as JSON text, a dict, or a `StateMachine` (rendered by the core).
fn definition_text(definition: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(s) = definition.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if definition.is_instance_of::<crate::machine::PyStateMachine>() {
        return definition.call_method0("to_json")?.extract();
    }
    let value = to_json(definition, what)?;
    Ok(value.to_string())
}

/// A handler's work still in flight: the token that answers it, the awaitable,
/// and where it runs (for messages).
struct Pending {
    token: String,
    work: Py<PyAny>,
    place: String,
}

/// What the handlers share with their `World`.
#[derive(Default)]
pub(crate) struct Shared {
    pending: Mutex<Vec<Pending>>,
    /// A `BaseException` that is not an `Exception` (KeyboardInterrupt,
    /// SystemExit) raised by a handler, or a coroutine returned during an
    /// exploration: re-raised once the run returns.
    pub(crate) fatal: Mutex<Option<PyErr>>,
    /// Set while an exploration runs (`explore.rs`): nothing awaits a
    /// handler's coroutine there, so returning one is an error.
    pub(crate) exploring: std::sync::atomic::AtomicBool,
}

/// A Python callable behind a resource.
struct PyHandler {
    func: Py<PyAny>,
    shared: Arc<Shared>,
}

impl TaskHandler for PyHandler {
    fn call(&self, call: &TaskCall) -> TaskOutcome {
        Python::attach(|py| match self.invoke(py, call) {
            Ok(outcome) => outcome,
            Err(e) => self.failed(py, e),
        })
    }
}

impl PyHandler {
    fn invoke(&self, py: Python<'_>, call: &TaskCall) -> PyResult<TaskOutcome> {
        let arg = PyTaskCall {
            resource: call.resource.clone(),
            input: from_json(py, &call.input)?.unbind(),
            token: call.token.clone(),
            execution_arn: call.execution_arn.clone(),
            state_name: call.state_name.clone(),
            retry_count: call.retry_count,
            random: call.random,
            now_millis: call.now_millis,
        };
        let answer = self.func.bind(py).call1((arg,))?;
        if host(py)?.getattr("is_awaitable")?.call1((&answer,))?.is_truthy()? {
            if self.shared.exploring.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(self.awaitable_in_exploration(&answer, call));
            }
            let place = format!("`{}` in {}", call.state_name, call.execution_arn);
            let Some(token) = call.token.clone() else {
                return Ok(TaskOutcome::fail(INVALID_HANDLER_RESULT, "no task token for pending work"));
            };
            self.shared.pending.lock().map_err(poisoned)?.push(Pending { token, work: answer.unbind(), place });
            return Ok(TaskOutcome::Pending);
        }
        Ok(outcome_of(&answer, &call.state_name))
    }

    /// A coroutine (or future) returned while exploring: each step must end
    /// before the explorer picks the next, so the exploration stops with a
    /// `TypeError` that names the state.
    fn awaitable_in_exploration(&self, answer: &Bound<'_, PyAny>, call: &TaskCall) -> TaskOutcome {
        // A coroutine never awaited would warn when collected.
        let _ = answer.call_method0("close");
        let message = format!(
            "the handler of `{}` ({}) returned an awaitable: exploration calls handlers synchronously (the \
             explorer picks the next step only once this one has ended), so give the world a handler that \
             returns its result (a TaskResult for work that takes virtual time)",
            call.state_name, call.resource
        );
        if let Ok(mut fatal) = self.shared.fatal.lock() {
            fatal.get_or_insert_with(|| PyTypeError::new_err(message.clone()));
        }
        TaskOutcome::fail("stepforge.AsyncHandler", message)
    }

    /// A handler that raised: a failed task named after the exception's class
    /// (or `TaskFailed`'s error); KeyboardInterrupt and SystemExit stop the run.
    fn failed(&self, py: Python<'_>, e: PyErr) -> TaskOutcome {
        if !e.is_instance_of::<pyo3::exceptions::PyException>(py) {
            let message = e.to_string();
            if let Ok(mut fatal) = self.shared.fatal.lock() {
                fatal.get_or_insert(e);
            }
            return TaskOutcome::fail("stepforge.HandlerInterrupted", message);
        }
        match host(py).and_then(|m| m.getattr("failure")).and_then(|f| f.call1((e.value(py), e.traceback(py)))) {
            Ok(pair) => match pair.extract::<(String, String)>() {
                Ok((error, cause)) => TaskOutcome::fail(error, cause),
                Err(e) => TaskOutcome::fail("stepforge.HandlerFailed", e.to_string()),
            },
            Err(_) => TaskOutcome::fail("stepforge.HandlerFailed", e.to_string()),
        }
    }
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err("a handler panicked while holding the world's pending list")
}

/// A handler's return value as an outcome: a `TaskResult`, or JSON.
fn outcome_of(answer: &Bound<'_, PyAny>, state: &str) -> TaskOutcome {
    let what = format!("the result of the handler of `{state}`");
    if let Ok(result) = answer.cast::<PyTaskResult>() {
        let result = result.get();
        return match to_json(result.output.bind(answer.py()), &what) {
            Ok(output) => TaskOutcome::Succeed { output, after: result.after },
            Err(e) => TaskOutcome::fail(INVALID_HANDLER_RESULT, e.to_string()),
        };
    }
    match to_json(answer, &what) {
        Ok(output) => TaskOutcome::ok(output),
        Err(e) => TaskOutcome::fail(INVALID_HANDLER_RESULT, e.to_string()),
    }
}

/// One call of a task handler: what the Task asks for.
#[pyclass(frozen, get_all, module = "stepforge", name = "TaskCall")]
pub struct PyTaskCall {
    /// The resource the handler was registered for (for `lambda:invoke`, the `FunctionName`).
    resource: String,
    /// The task's input: the state input after `InputPath` and `Parameters` (for `lambda:invoke`, the `Payload`).
    input: Py<PyAny>,
    /// The task token (`send_task_success`/`send_task_failure` answer with it).
    token: Option<String>,
    /// The execution's ARN.
    execution_arn: String,
    /// The Task state's name.
    state_name: String,
    /// How many times the state was retried so far (0 on the first attempt).
    retry_count: u64,
    /// A number from the world's seeded generator: a handler that behaves
    /// randomly should draw from it so that a seed gives one run.
    random: u64,
    /// The virtual time of the call, ms since the Unix epoch.
    now_millis: i64,
}

#[pymethods]
impl PyTaskCall {
    fn __repr__(&self) -> String {
        format!(
            "TaskCall(state_name={:?}, resource={:?}, execution_arn={:?})",
            self.state_name, self.resource, self.execution_arn
        )
    }
}

/// A handler's result that takes virtual time: `TaskResult(output, after_seconds=2)`.
#[pyclass(frozen, module = "stepforge", name = "TaskResult")]
pub struct PyTaskResult {
    output: Py<PyAny>,
    after: Duration,
}

#[pymethods]
impl PyTaskResult {
    /// `output` is the task's result (JSON data); `after_seconds` the virtual time the work takes.
    #[new]
    #[pyo3(signature = (output = None, *, after_seconds = 0.0))]
    fn new(py: Python<'_>, output: Option<Py<PyAny>>, after_seconds: f64) -> PyResult<Self> {
        let after = task_delay(after_seconds, "TaskResult after_seconds").map_err(PyValueError::new_err)?;
        Ok(PyTaskResult { output: output.unwrap_or_else(|| py.None()), after })
    }

    /// The task's result.
    #[getter]
    fn output(&self, py: Python<'_>) -> Py<PyAny> {
        self.output.clone_ref(py)
    }

    /// The virtual time the work takes, in seconds.
    #[getter]
    fn after_seconds(&self) -> f64 {
        self.after.as_secs_f64()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("TaskResult({}, after_seconds={})", self.output.bind(py).repr()?, self.after.as_secs_f64()))
    }
}

/// Why `run_until_idle` returned.
#[pyclass(frozen, get_all, module = "stepforge", name = "Idle")]
pub struct PyIdle {
    /// Transitions taken.
    steps: u64,
    /// Executions still running (they wait on task tokens or pending handlers).
    running: usize,
    /// Tasks whose handler's work is still in flight.
    host_pending: usize,
}

#[pymethods]
impl PyIdle {
    fn __repr__(&self) -> String {
        format!("Idle(steps={}, running={}, host_pending={})", self.steps, self.running, self.host_pending)
    }
}

impl From<stepforge::exec::Idle> for PyIdle {
    fn from(i: stepforge::exec::Idle) -> Self {
        PyIdle { steps: i.steps, running: i.running, host_pending: i.host_pending }
    }
}

/// The timeline's answer: the most executions inside a set of states at once, and when.
#[pyclass(frozen, get_all, module = "stepforge", name = "Peak")]
pub struct PyPeak {
    /// The most executions inside at once.
    count: usize,
    /// When that count was first reached, virtual ms since the Unix epoch (None if never).
    at_millis: Option<i64>,
}

#[pymethods]
impl PyPeak {
    fn __repr__(&self) -> String {
        format!("Peak(count={}, at_millis={:?})", self.count, self.at_millis)
    }
}

/// An execution as it was when read: status, output or error, history.
#[pyclass(frozen, module = "stepforge", name = "Execution")]
pub struct PyExecution {
    pub(crate) inner: stepforge::exec::Execution,
}

#[pymethods]
impl PyExecution {
    /// The execution's ARN.
    #[getter]
    fn arn(&self) -> &str {
        self.inner.arn()
    }
    /// Its name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }
    /// The state machine's ARN.
    #[getter]
    fn state_machine_arn(&self) -> &str {
        self.inner.state_machine_arn()
    }
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `ABORTED`.
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status().as_str()
    }
    /// The input.
    #[getter]
    fn input<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, self.inner.input())
    }
    /// The output, once succeeded (else None).
    #[getter]
    fn output<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, self.inner.output().unwrap_or(&Value::Null))
    }
    /// The error name, once failed, timed out or aborted.
    #[getter]
    fn error(&self) -> Option<&str> {
        self.inner.error()
    }
    /// The cause, once failed, timed out or aborted.
    #[getter]
    fn cause(&self) -> Option<&str> {
        self.inner.cause()
    }
    /// Virtual start time, ms since the Unix epoch.
    #[getter]
    fn start_millis(&self) -> i64 {
        self.inner.start_millis()
    }
    /// Virtual stop time, once ended.
    #[getter]
    fn stop_millis(&self) -> Option<i64> {
        self.inner.stop_millis()
    }
    /// The history as `GetExecutionHistory`'s `events`: a list of dicts.
    fn history<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &self.inner.history_json()["events"])
    }
    /// The history as compact JSON text (`{"events": [...]}`): the same bytes
    /// from Rust, Python and Node.
    fn history_json(&self) -> String {
        self.inner.history_json().to_string()
    }
    /// `DescribeExecution`'s response.
    fn describe<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &self.inner.describe())
    }
    fn __repr__(&self) -> String {
        format!("Execution(name={:?}, status={:?})", self.inner.name(), self.inner.status().as_str())
    }
}

/// A local Step Functions: state machines, executions on a virtual clock, an
/// in-memory DynamoDB and task handlers written in Python.
#[pyclass(module = "stepforge", name = "World")]
pub struct PyWorld {
    pub(crate) world: World,
    pub(crate) shared: Arc<Shared>,
    /// `None`: virtual time; a number: real time, scaled (0.01 runs a 3 s Wait in 30 ms).
    #[pyo3(get)]
    time_scale: Option<f64>,
    /// Seconds of real time a handler's coroutine may take before its task fails.
    #[pyo3(get)]
    handler_timeout: f64,
}

impl PyWorld {
    fn raise_fatal(&self) -> PyResult<()> {
        match self.shared.fatal.lock().map_err(poisoned)?.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn db_call(&mut self, py: Python<'_>, action: &str, request: &Value) -> PyResult<Value> {
        let db = self.world.dynamodb_mut();
        guard(|| db.call(action, request))?.map_err(|e| exec_error(py, &e.code, e.message))
    }
}

fn key_spec(spec: &Bound<'_, PyAny>, what: &str) -> PyResult<(String, KeyType)> {
    if let Ok(name) = spec.extract::<String>() {
        return Ok((name, KeyType::S));
    }
    let (name, kind): (String, String) = spec.extract().map_err(|_| {
        PyTypeError::new_err(format!("{what} is a name or a (name, type) pair such as (\"id\", \"S\")"))
    })?;
    Ok((name, key_type(&kind, what).map_err(PyValueError::new_err)?))
}

#[pymethods]
impl PyWorld {
    /// An empty world. Every random choice follows `seed`. `time_scale` runs
    /// in real time (scaled); `transition_limit` caps the state transitions of
    /// one execution (a loop without end fails with `States.Runtime`);
    /// `handler_timeout` is how long (real seconds) a coroutine may take.
    #[new]
    #[pyo3(signature = (seed = 0, *, time_scale = None, transition_limit = None, handler_timeout = 60.0))]
    fn new(seed: u64, time_scale: Option<f64>, transition_limit: Option<u64>, handler_timeout: f64) -> PyResult<Self> {
        let time_scale =
            time_scale.map(|s| non_negative(s, "time_scale")).transpose().map_err(PyValueError::new_err)?;
        let handler_timeout = positive(handler_timeout, "handler_timeout").map_err(PyValueError::new_err)?;
        let mut world = World::new(seed);
        if let Some(limit) = transition_limit {
            world.set_transition_limit(limit);
        }
        Ok(PyWorld { world, shared: Arc::default(), time_scale, handler_timeout })
    }

    /// Registers a state machine (ASL JSON text, a dict, or a `StateMachine`)
    /// under a name or an ARN; returns its ARN. A definition that does not
    /// validate raises `ValidationError` with the validator's problems.
    fn register(&mut self, py: Python<'_>, name: &str, definition: &Bound<'_, PyAny>) -> PyResult<String> {
        let text = definition_text(definition, "register() definition")?;
        let world = &mut self.world;
        py.detach(|| guard(|| world.register_json(name, &text)))?.map_err(|e| refused(py, e))
    }

    /// Handles a Task resource (exact, or a pattern with `*`; for
    /// `lambda:invoke`, the `FunctionName`) with `handler(call: TaskCall)`.
    /// It returns the result (JSON data, or `TaskResult` to take virtual
    /// time), raises (`TaskFailed(error, cause)`, or any exception: its class
    /// name is the error), or returns a coroutine that `run()` awaits.
    fn handle(&mut self, resource: &str, handler: Bound<'_, PyAny>) -> PyResult<()> {
        if !handler.is_callable() {
            return Err(PyTypeError::new_err(format!("handle({resource:?}, handler): the handler must be callable")));
        }
        self.world.handle(resource, PyHandler { func: handler.unbind(), shared: self.shared.clone() });
        Ok(())
    }

    /// An EventBridge-like rule: when an execution of `source` (any machine
    /// when None) reaches one of `statuses`, `target` starts with the event
    /// ("Step Functions Execution Status Change") as its input; `statuses`
    /// defaults to FAILED, TIMED_OUT and ABORTED.
    #[pyo3(signature = (target, *, source = None, statuses = None))]
    fn on_status_change(
        &mut self,
        target: String,
        source: Option<String>,
        statuses: Option<Vec<String>>,
    ) -> PyResult<()> {
        let rule = StatusRule::from_names(target, source, statuses.as_deref(), "on_status_change")
            .map_err(PyValueError::new_err)?;
        self.world.on_status_change(rule);
        Ok(())
    }

    /// Creates a table in the in-memory DynamoDB: keys are a name (type S) or
    /// a `(name, "S" | "N" | "B")` pair.
    #[pyo3(signature = (name, partition_key, sort_key = None))]
    fn create_table(
        &mut self,
        py: Python<'_>,
        name: &str,
        partition_key: &Bound<'_, PyAny>,
        sort_key: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let hash = key_spec(partition_key, "partition_key")?;
        let range = sort_key.map(|k| key_spec(k, "sort_key")).transpose()?;
        self.world
            .dynamodb_mut()
            .create_table(name, (&hash.0, hash.1), range.as_ref().map(|(n, t)| (n.as_str(), *t)))
            .map_err(|e| exec_error(py, &e.code, e.message))
    }

    /// Puts an item: plain data (marshalled as `marshall` does), or DynamoDB
    /// JSON with `dynamodb_json=True`.
    #[pyo3(signature = (table, item, *, dynamodb_json = false))]
    fn put_item(&mut self, py: Python<'_>, table: &str, item: &Bound<'_, PyAny>, dynamodb_json: bool) -> PyResult<()> {
        let item = item_from_json(&to_json(item, "put_item() item")?, dynamodb_json).map_err(marshal_error)?;
        self.world.dynamodb_mut().put(table, item).map_err(|e| exec_error(py, &e.code, e.message))
    }

    /// The item with this key (plain data, or DynamoDB JSON with
    /// `dynamodb_json=True`), or None.
    #[pyo3(signature = (table, key, *, dynamodb_json = false))]
    fn get_item<'py>(
        &self,
        py: Python<'py>,
        table: &str,
        key: &Bound<'py, PyAny>,
        dynamodb_json: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let key = to_json(key, "get_item() key")?;
        let item = self.world.dynamodb().get_json(table, &key, dynamodb_json).map_err(marshal_error)?;
        from_json(py, &item.unwrap_or(Value::Null))
    }

    /// Every item of a table in key order (plain data, or DynamoDB JSON).
    #[pyo3(signature = (table, *, dynamodb_json = false))]
    fn items<'py>(&self, py: Python<'py>, table: &str, dynamodb_json: bool) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &Value::Array(self.world.dynamodb().items_json(table, dynamodb_json)))
    }

    /// One DynamoDB API call on the in-memory tables (`"UpdateItem"`, a
    /// request in DynamoDB JSON); returns the response. A refused call raises
    /// `ExecutionError` whose `code` is DynamoDB's (`ConditionalCheckFailedException`…).
    fn dynamodb_call<'py>(
        &mut self,
        py: Python<'py>,
        action: &str,
        request: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = to_json(request, "dynamodb_call() request")?;
        let response = self.db_call(py, action, &request)?;
        from_json(py, &response)
    }

    /// Replaces the in-memory DynamoDB with the tables of a document in the
    /// shape of `stepforge run --dynamodb FILE` (`{"tables": [...]}`).
    fn load_dynamodb(&mut self, py: Python<'_>, tables: &Bound<'_, PyAny>) -> PyResult<()> {
        let value = to_json(tables, "load_dynamodb() tables")?;
        let db = MemoryDynamoDb::from_json(&value).map_err(|e| exec_error(py, "ValidationException", e))?;
        *self.world.dynamodb_mut() = db;
        Ok(())
    }

    /// Every table and item, in the shape `load_dynamodb` reads (items in DynamoDB JSON).
    fn dump_dynamodb<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &self.world.dynamodb().to_json())
    }

    /// Puts an object in the in-memory S3 a distributed Map's `ItemReader` reads.
    fn put_object(&mut self, bucket: &str, key: &str, body: String) {
        self.world.put_object(bucket, key, body);
    }

    /// Serves a bucket from a local directory (keys are paths under it).
    fn mount_bucket(&mut self, bucket: &str, directory: std::path::PathBuf) {
        self.world.mount_bucket(bucket, directory);
    }

    /// Answers a state machine's Task states from a Step Functions Local mock
    /// configuration (`MockConfigFile`: a dict or JSON text) and one of its test cases.
    fn use_mocks(
        &mut self,
        py: Python<'_>,
        state_machine: &str,
        config: &Bound<'_, PyAny>,
        test_case: &str,
    ) -> PyResult<()> {
        let config = match config.cast::<PyString>() {
            Ok(s) => serde_json::from_str(&s.to_cow()?)
                .map_err(|e| PyValueError::new_err(format!("use_mocks(): the configuration is not JSON: {e}")))?,
            Err(_) => to_json(config, "use_mocks() config")?,
        };
        let case = stepforge::exec::TestCase::from_config(&config, state_machine, test_case)
            .map_err(|e| exec_error(py, "InvalidMockConfiguration", e))?;
        self.world.use_mocks(state_machine, case).map_err(|e| refused(py, e))
    }

    /// Starts an execution (input: JSON data, default `{}`); returns its ARN.
    #[pyo3(signature = (state_machine, input = None, *, name = None))]
    fn start_execution(
        &mut self,
        py: Python<'_>,
        state_machine: &str,
        input: Option<&Bound<'_, PyAny>>,
        name: Option<&str>,
    ) -> PyResult<String> {
        let input = match input {
            Some(v) => to_json(v, "start_execution() input")?,
            None => Value::Object(Default::default()),
        };
        let world = &mut self.world;
        guard(|| world.start_execution(state_machine, input, name))?.map_err(|e| refused(py, e))
    }

    /// Runs what the core can run now, without awaiting handlers' coroutines
    /// (see `run`): on the virtual clock, or in real time with `time_scale`.
    fn run_until_idle(&mut self, py: Python<'_>) -> PyResult<PyIdle> {
        let scale = self.time_scale;
        let world = &mut self.world;
        let idle = py.detach(|| {
            guard(|| match scale {
                Some(s) => world.run_realtime(s),
                None => world.run_until_idle(),
            })
        })?;
        self.raise_fatal()?;
        Ok(idle.into())
    }

    /// Runs until nothing is left to do, awaiting handlers' coroutines (in a
    /// new event loop); inside a running loop use `await world.run_async()`.
    fn run<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        host(slf.py())?.getattr("run")?.call1((slf,))
    }

    /// `run`, as a coroutine for a running event loop.
    fn run_async<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        host(slf.py())?.getattr("run_async")?.call1((slf,))
    }

    /// `SendTaskSuccess`: the task waiting on `token` succeeds with `output`.
    fn send_task_success(&mut self, py: Python<'_>, token: &str, output: &Bound<'_, PyAny>) -> PyResult<()> {
        let output = to_json(output, "send_task_success() output")?;
        self.world.send_task_success(token, output).map_err(|e| refused(py, e))
    }

    /// `SendTaskFailure`: the task waiting on `token` fails with `error` and `cause`.
    #[pyo3(signature = (token, error = "", cause = ""))]
    fn send_task_failure(&mut self, py: Python<'_>, token: &str, error: &str, cause: &str) -> PyResult<()> {
        self.world.send_task_failure(token, error, cause).map_err(|e| refused(py, e))
    }

    /// `SendTaskHeartbeat`: restarts the task's `HeartbeatSeconds` countdown.
    fn send_task_heartbeat(&mut self, py: Python<'_>, token: &str) -> PyResult<()> {
        self.world.send_task_heartbeat(token).map_err(|e| refused(py, e))
    }

    /// `StopExecution`: the execution ends ABORTED.
    #[pyo3(signature = (execution_arn, *, error = None, cause = None))]
    fn stop_execution(
        &mut self,
        py: Python<'_>,
        execution_arn: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> PyResult<()> {
        let world = &mut self.world;
        guard(|| world.stop_execution(execution_arn, error, cause))?.map_err(|e| refused(py, e))
    }

    /// The execution with this ARN, as it is now.
    fn execution(&self, py: Python<'_>, arn: &str) -> PyResult<PyExecution> {
        match self.world.execution(arn) {
            Some(e) => Ok(PyExecution { inner: e.clone() }),
            None => Err(refused(py, ExecError::ExecutionDoesNotExist(arn.into()))),
        }
    }

    /// Every execution, in the order they started (nested and rule-started ones included).
    fn executions(&self) -> Vec<PyExecution> {
        self.world.executions().map(|e| PyExecution { inner: e.clone() }).collect()
    }

    /// The tasks waiting for a callback: `(token, execution ARN, state name)`.
    fn waiting_tasks(&self) -> Vec<(String, String, String)> {
        self.world.waiting_tasks()
    }

    /// The most executions inside `states` (a name or a list of names) at once, and when.
    fn peak_occupancy(&self, states: &Bound<'_, PyAny>) -> PyResult<PyPeak> {
        let names: Vec<String> = match states.extract::<String>() {
            Ok(one) => vec![one],
            Err(_) => states
                .extract()
                .map_err(|_| PyTypeError::new_err("peak_occupancy() takes a state name or a list of names"))?,
        };
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let peak = self.world.peak_occupancy(&refs);
        Ok(PyPeak { count: peak.count, at_millis: peak.at_millis })
    }

    /// Every stay inside a state: `(execution ARN, state, entered ms, exited ms or None)`.
    fn stays(&self) -> Vec<(String, String, i64, Option<i64>)> {
        self.world.stays()
    }

    /// The virtual time, ms since the Unix epoch.
    #[getter]
    fn now_millis(&self) -> i64 {
        self.world.now_millis()
    }

    /// Work returned by handlers and not yet handed to `run`: `(token, awaitable, place)`.
    fn _take_pending<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let taken = std::mem::take(&mut *self.shared.pending.lock().map_err(poisoned)?);
        let list = PyList::empty(py);
        for p in taken {
            list.append(PyTuple::new(
                py,
                [p.token.into_pyobject(py)?.into_any(), p.work.into_bound(py), p.place.into_pyobject(py)?.into_any()],
            )?)?;
        }
        Ok(list)
    }

    fn _has_pending(&self) -> PyResult<bool> {
        Ok(!self.shared.pending.lock().map_err(poisoned)?.is_empty())
    }

    fn _advance(&mut self, py: Python<'_>) -> PyResult<PyIdle> {
        self.run_until_idle(py)
    }

    /// Fires the next event even though host work holds the clock (real time only).
    fn _step(&mut self) -> PyResult<bool> {
        let world = &mut self.world;
        let stepped = guard(|| world.step())?;
        self.raise_fatal()?;
        Ok(stepped)
    }

    /// Virtual seconds until the next event, if any.
    fn _next_due_seconds(&self) -> Option<f64> {
        self.world.next_due_seconds()
    }

    fn _is_waiting(&self, token: &str) -> bool {
        self.world.waiting_tasks().iter().any(|(t, _, _)| t == token)
    }

    /// A coroutine's value: the task succeeds (or fails if it is not JSON).
    fn _settle(&mut self, token: &str, value: &Bound<'_, PyAny>) {
        let delayed =
            "a coroutine's TaskResult cannot take virtual time: return the output, or TaskResult without after_seconds";
        self.world.settle_host_work(token, outcome_of(value, "a pending task"), delayed);
    }

    fn _settle_failure(&mut self, token: &str, error: &str, cause: &str) {
        drop(self.world.send_task_failure(token, error, cause));
    }

    /// An explorer of this world's schedules (`Explorer(world, **options)`):
    /// the machines, tables, handlers, rules and started executions as they
    /// are now.
    #[pyo3(signature = (**options))]
    fn explore<'py>(
        slf: &Bound<'py, Self>,
        options: Option<&Bound<'py, pyo3::types::PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        slf.py().get_type::<crate::explore::PyExplorer>().call((slf,), options)
    }

    fn __repr__(&self) -> String {
        format!("World(executions={}, now_millis={})", self.world.executions().count(), self.world.now_millis())
    }
}

/// Step Functions' TestState, locally: the request as the API takes it
/// (`definition`, `stateName`, `input`, `mock`, `inspectionLevel`…); returns
/// the response (`output`, `error`, `cause`, `nextState`, `status`, `inspectionData`).
#[pyfunction]
pub(crate) fn test_state<'py>(py: Python<'py>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let request = to_json(request, "test_state() request")?;
    let response = py.detach(|| guard(|| stepforge::exec::test_state(&request)))?;
    match response {
        Ok(value) => from_json(py, &value),
        Err(e) => Err(exec_error(py, e.code, e.message)),
    }
}

/// A diagram of a definition: Mermaid (`format="mermaid"`) or Graphviz
/// (`"dot"`), with the states an execution entered highlighted.
#[pyfunction]
#[pyo3(signature = (definition, format = "mermaid", highlight = None))]
pub(crate) fn diagram(
    definition: &Bound<'_, PyAny>,
    format: &str,
    highlight: Option<PyRef<'_, PyExecution>>,
) -> PyResult<String> {
    let format = match format {
        "mermaid" => stepforge::diagram::Format::Mermaid,
        "dot" => stepforge::diagram::Format::Dot,
        other => {
            return Err(PyValueError::new_err(format!("diagram(): format is \"mermaid\" or \"dot\", not {other:?}")));
        }
    };
    let text = definition_text(definition, "diagram() definition")?;
    let def = guard(|| stepforge::validate::parse_valid(&text))?.map_err(problems_error)?;
    let entered = highlight.map(|e| stepforge::diagram::entered_states(e.inner.history())).unwrap_or_default();
    guard(|| stepforge::diagram::render(&def, format, &entered))
}

/// Adds the executor's classes and functions to `_native`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyWorld>()?;
    m.add_class::<PyTaskCall>()?;
    m.add_class::<PyTaskResult>()?;
    m.add_class::<PyExecution>()?;
    m.add_class::<PyIdle>()?;
    m.add_class::<PyPeak>()?;
    m.add_function(wrap_pyfunction!(test_state, m)?)?;
    m.add_function(wrap_pyfunction!(diagram, m)?)?;
    let host = host(m.py())?;
    m.add("TaskFailed", host.getattr("TaskFailed")?)?;
    m.add("ExecutionError", host.getattr("ExecutionError")?)?;
    Ok(())
}
