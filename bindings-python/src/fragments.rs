//! The core's fragments from Python: `Semaphore`, `Semaphores`, the cleanup
//! machine and its event pattern, `DynamoDbListMap` and `PhasedJob`.
//!
//! Thin: options and configs go through `convert::to_json` to the core,
//! which builds the states; the result comes back as a `Fragment` (or a
//! `StateMachine`) made of Python state objects. The core made most of those
//! states, so each gets a new Python object here ([`states::object_for`]),
//! while a job given as stepforge states keeps the user's own objects.

use std::sync::Mutex;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;
use stepforge::Problems;
use stepforge::builder::{Chainable, EndRef, Fragment, StateMachine, StateRef};
use stepforge::fragments::{
    self as core, DynamoDbListMap, MapConfig, PhasedJob, Semaphore, TableGrants, statements_json,
};

use crate::chain::{Linkable, PyFragment, known_objects};
use crate::convert::{from_json, to_json};
use crate::errors::{check, guard};
use crate::machine::PyStateMachine;
use crate::states::{self, PyState};

/// A job argument: stepforge states (the user's objects), or ASL JSON (a
/// dict or its text) the core builds.
type Job = core::Job<Linkable>;

fn job(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Job> {
    if let Ok(text) = value.cast::<PyString>() {
        let text = text.to_cow()?.to_string();
        return check(|| Job::from_text(&text));
    }
    if value.cast::<PyDict>().is_ok() {
        let json = to_json(value, what)?;
        return check(|| Job::from_json(&json));
    }
    Ok(Job::States(Linkable::extract(value, what)?))
}

/// The Python objects the user made for the job's states (none for ASL JSON).
fn roots(py: Python<'_>, job: &Job) -> Vec<Py<PyAny>> {
    job.states().map(|l| vec![l.start_obj().clone_ref(py)]).unwrap_or_default()
}

/// The Python `Fragment` over a fragment the core built. States the user
/// made keep their objects; the others get new ones, all reachable from the
/// start object so `Fragment.states` and later links find them.
fn fragment_object(py: Python<'_>, fragment: &Fragment, roots: &[Py<PyAny>]) -> PyResult<Py<PyAny>> {
    let mut known = known_objects(py, roots);
    let mut object = |state: &StateRef| -> PyResult<Py<PyAny>> {
        if let Some((_, o)) = known.iter().find(|(s, _)| s.same(state)) {
            return Ok(o.clone_ref(py));
        }
        let o = states::object_for(py, state)?;
        known.push((state.clone(), o.clone_ref(py)));
        Ok(o)
    };
    let start = object(&fragment.start_state())?;
    let mut members = Vec::new();
    for s in fragment.states() {
        members.push(object(s)?);
    }
    for root in roots {
        members.push(root.clone_ref(py));
    }
    let mut ends = Vec::new();
    for end in fragment.end_states() {
        match end {
            EndRef::Next(s) => ends.push(object(&s)?),
            EndRef::Default(_) => {
                return Err(crate::errors::InternalError::new_err("a fragment ends in a Choice's default"));
            }
        }
    }
    if let Ok(state) = start.bind(py).cast::<PyState>() {
        for m in &members {
            if !m.is(&start) {
                state.get().link(py, m);
            }
        }
    }
    let ends = PyList::new(py, ends)?;
    Ok(py.get_type::<PyFragment>().call1((start, ends))?.unbind())
}

/// The Python `StateMachine` over a machine the core built (its
/// `TimeoutSeconds` and `Comment` carried over); `roots` are the user's
/// objects among its states.
fn machine_object(py: Python<'_>, machine: &StateMachine, roots: &[Py<PyAny>]) -> PyResult<Py<PyAny>> {
    let start = machine.start_state();
    let start = match known_objects(py, roots).into_iter().find(|(s, _)| s.same(&start)) {
        Some((_, o)) => o,
        None => states::object_for(py, &start)?,
    };
    let machine = machine.clone();
    let json = check(|| machine.to_json())?;
    let kwargs = PyDict::new(py);
    if let Some(t) = json.get("TimeoutSeconds") {
        kwargs.set_item("timeout_seconds", from_json(py, t)?)?;
    }
    if let Some(c) = json.get("Comment").and_then(Value::as_str) {
        kwargs.set_item("comment", c)?;
    }
    // A JSONata fragment's machine is JSONata at its top level too.
    if let Some(q) = json.get("QueryLanguage").and_then(Value::as_str) {
        kwargs.set_item("query_language", q)?;
    }
    Ok(py.get_type::<PyStateMachine>().call((start,), Some(&kwargs))?.unbind())
}

/// `iam(table_arn)` of a fragment whose statements are on a table: a list of
/// `{"Effect": "Allow", "Action": [...], "Resource": [...]}`.
fn table_iam<'py>(py: Python<'py>, fragment: &impl TableGrants, table_arn: &str) -> PyResult<Bound<'py, PyAny>> {
    from_json(py, &guard(|| fragment.iam_json(table_arn))?)
}

/// A semaphore: at most `limit` executions run a job at once, counted in the
/// item `lock_name` of the DynamoDB table `table` (partition key `LockName`).
///
/// Options (keyword arguments): reuse_lock, comments, lease_seconds,
/// timeout_seconds, wait_seconds (a fixed wait), initial_wait_seconds and
/// max_wait_seconds (a jittered wait), retry_interval_seconds,
/// retry_max_attempts, retry_backoff_rate, retry_max_delay_seconds,
/// query_language ("JSONPath", the default, or "JSONata").
#[pyclass(frozen, module = "stepforge", name = "Semaphore")]
pub struct PySemaphore {
    inner: Semaphore,
}

#[pymethods]
impl PySemaphore {
    #[new]
    #[pyo3(signature = (lock_name, limit, table, **options))]
    fn new(lock_name: String, limit: i64, table: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut inner = Semaphore::new(lock_name, limit, table);
        for (key, value) in options.into_iter().flat_map(|d| d.iter()) {
            let key: String = key.extract()?;
            let value = to_json(&value, &format!("Semaphore option `{key}`"))?;
            inner = check(|| inner.set_option(&key, &value))?;
        }
        Ok(PySemaphore { inner })
    }

    /// The lock name.
    #[getter]
    fn lock_name(&self) -> String {
        self.inner.lock_name().to_string()
    }

    /// How many may hold the lock at once.
    #[getter]
    fn limit(&self) -> i64 {
        self.inner.limit()
    }

    /// The lock table's name.
    #[getter]
    fn table_name(&self) -> String {
        self.inner.table_name().to_string()
    }

    /// The lease in seconds: `lease_seconds`, else `timeout_seconds`, else one year.
    #[getter]
    fn lease(&self) -> u64 {
        self.inner.lease()
    }

    /// Wraps `job` (stepforge states, a chain or fragment, or an ASL dict or
    /// JSON text with `StartAt` and `States`) as the first use of this lock:
    /// acquire a slot, run the job, release the slot (also when the job
    /// fails). Returns a `Fragment`; chain the next state to it.
    fn wrap(&self, py: Python<'_>, job: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let job = self::job(job, "Semaphore.wrap() job")?;
        let fragment = check(|| self.inner.wrap(&job))?;
        fragment_object(py, &fragment, &roots(py, &job))
    }

    /// A whole `StateMachine`: the wrapped job, with `TimeoutSeconds` when
    /// the `timeout_seconds` option is given.
    fn state_machine(&self, py: Python<'_>, job: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let job = self::job(job, "Semaphore.state_machine() job")?;
        let machine = check(|| self.inner.state_machine(&job))?;
        machine_object(py, &machine, &roots(py, &job))
    }

    /// The IAM policy statements the states need, on `table_arn`.
    fn iam<'py>(&self, py: Python<'py>, table_arn: &str) -> PyResult<Bound<'py, PyAny>> {
        table_iam(py, &self.inner, table_arn)
    }

    fn __repr__(&self) -> String {
        format!("Semaphore({:?}, {}, {:?})", self.inner.lock_name(), self.inner.limit(), self.inner.table_name())
    }
}

/// The semaphores of one state machine: several locks, and one lock used
/// several times (`reuse_lock=True`), with unique state names; and the
/// cleanup machine for the locks used.
#[pyclass(frozen, module = "stepforge", name = "Semaphores")]
pub struct PySemaphores {
    inner: Mutex<core::Semaphores>,
}

impl PySemaphores {
    fn with<T>(&self, f: impl FnOnce(&mut core::Semaphores) -> Result<T, Problems>) -> PyResult<T> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        check(|| f(&mut inner))
    }
}

#[pymethods]
impl PySemaphores {
    #[new]
    fn new() -> Self {
        PySemaphores { inner: Mutex::new(core::Semaphores::new()) }
    }

    /// Wraps `job` in `semaphore` (see `Semaphore.wrap`), numbering this use of its lock.
    fn wrap(&self, py: Python<'_>, semaphore: &Bound<'_, PySemaphore>, job: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let job = self::job(job, "Semaphores.wrap() job")?;
        let semaphore = &semaphore.get().inner;
        let fragment = self.with(|s| s.wrap(semaphore, &job))?;
        fragment_object(py, &fragment, &roots(py, &job))
    }

    /// How many times `lock_name` was used.
    fn uses(&self, lock_name: &str) -> PyResult<u32> {
        self.with(|s| Ok(s.uses(lock_name)))
    }

    /// The `(table, lock name)` pairs used, in the order first used.
    #[getter]
    fn locks(&self) -> PyResult<Vec<(String, String)>> {
        self.with(|s| Ok(s.locks()))
    }

    /// The cleanup `StateMachine` for the locks used so far.
    fn cleanup_machine(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let machine = self.with(|s| s.cleanup_machine())?;
        machine_object(py, &machine, &[])
    }

    /// The IAM policy statements of the wrapped states, on `table_arn`.
    fn iam<'py>(&self, py: Python<'py>, table_arn: &str) -> PyResult<Bound<'py, PyAny>> {
        table_iam(py, &*self.inner.lock().unwrap_or_else(|e| e.into_inner()), table_arn)
    }
}

/// The cleanup `StateMachine` for `locks`, each a `(table name, lock name)` pair.
#[pyfunction]
pub(crate) fn cleanup_machine(py: Python<'_>, locks: Vec<(String, String)>) -> PyResult<Py<PyAny>> {
    let machine = check(|| core::cleanup_machine(&locks))?;
    machine_object(py, &machine, &[])
}

/// The EventBridge event pattern that starts the cleanup machine: status
/// changes to FAILED, TIMED_OUT or ABORTED of the given state machines.
#[pyfunction]
pub(crate) fn cleanup_event_pattern<'py>(
    py: Python<'py>,
    state_machine_arns: Vec<String>,
) -> PyResult<Bound<'py, PyAny>> {
    from_json(py, &guard(|| core::cleanup_event_pattern(&state_machine_arns))?)
}

/// The IAM policy statements of the cleanup machine, on `table_arn`.
#[pyfunction]
pub(crate) fn cleanup_iam<'py>(py: Python<'py>, table_arn: &str) -> PyResult<Bound<'py, PyAny>> {
    from_json(py, &guard(|| statements_json(&core::cleanup_iam(table_arn)))?)
}

/// A `config.json` as a dict, or its text.
fn map_config(config: &Bound<'_, PyAny>) -> PyResult<MapConfig> {
    if let Ok(text) = config.cast::<PyString>() {
        let text = text.to_cow()?.to_string();
        return check(|| MapConfig::from_text(&text));
    }
    let json = to_json(config, "DynamoDbListMap config")?;
    check(|| MapConfig::from_json(&json))
}

/// Seed 004's machine: a GetItem of the list item, a Map (at most
/// `maxConcurrency` at once) whose iterations pass, wait
/// `waitDurationSeconds` and run a task, and `TimeoutSeconds` =
/// `timeoutDurationSeconds`, from `config` (`config.json` as a dict or text;
/// unknown fields are errors). The task invokes the Lambda `function` (name
/// or ARN), or is `task` (stepforge states or ASL JSON).
#[pyclass(frozen, module = "stepforge", name = "DynamoDbListMap")]
pub struct PyDynamoDbListMap {
    inner: DynamoDbListMap,
    roots: Vec<Py<PyAny>>,
}

#[pymethods]
impl PyDynamoDbListMap {
    #[new]
    #[pyo3(signature = (config, *, function = None, task = None))]
    fn new(
        py: Python<'_>,
        config: &Bound<'_, PyAny>,
        function: Option<String>,
        task: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let config = map_config(config)?;
        match (function, task) {
            (Some(f), None) => Ok(PyDynamoDbListMap { inner: DynamoDbListMap::new(config, &f), roots: Vec::new() }),
            (None, Some(t)) => {
                let job = job(t, "DynamoDbListMap task")?;
                let inner = guard(|| DynamoDbListMap::with_task(config, &job))?;
                Ok(PyDynamoDbListMap { inner, roots: roots(py, &job) })
            }
            _ => Err(PyTypeError::new_err("DynamoDbListMap: give either `function` or `task`, not both or neither")),
        }
    }

    /// The configuration, as `config.json` writes it.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &self.inner.config().to_json())
    }

    /// The states (`Get List` → `Process Items`) as a `Fragment`.
    fn fragment(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let fragment = check(|| self.inner.fragment())?;
        fragment_object(py, &fragment, &self.roots)
    }

    /// The whole `StateMachine`, with its timeout.
    fn state_machine(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let machine = check(|| self.inner.state_machine())?;
        machine_object(py, &machine, &self.roots)
    }

    /// The IAM policy statements, on `table_arn` (and the function, by default).
    fn iam<'py>(&self, py: Python<'py>, table_arn: &str) -> PyResult<Bound<'py, PyAny>> {
        table_iam(py, &self.inner, table_arn)
    }
}

/// Seed 004's whole machine from `config` (see `DynamoDbListMap`).
#[pyfunction]
#[pyo3(signature = (config, *, function = None, task = None))]
pub(crate) fn map_over_dynamodb(
    py: Python<'_>,
    config: &Bound<'_, PyAny>,
    function: Option<String>,
    task: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    PyDynamoDbListMap::new(py, config, function, task)?.state_machine(py)
}

/// Seed 002's phased job graph (a dict, or its JSON text) compiled into
/// states: phases in order, a step's jobs in a Parallel, each job a Lambda
/// named after it unless `resources` maps it to a resource ARN. Cycles,
/// unknown jobs, jobs nobody waits for and unreachable phases are errors.
#[pyclass(frozen, module = "stepforge", name = "PhasedJob")]
pub struct PyPhasedJob {
    inner: PhasedJob,
}

#[pymethods]
impl PyPhasedJob {
    #[new]
    #[pyo3(signature = (graph, *, resources = None))]
    fn new(graph: &Bound<'_, PyAny>, resources: Option<std::collections::BTreeMap<String, String>>) -> PyResult<Self> {
        let mut inner = if let Ok(text) = graph.cast::<PyString>() {
            let text = text.to_cow()?.to_string();
            check(|| PhasedJob::from_text(&text))?
        } else {
            let json = to_json(graph, "PhasedJob graph")?;
            check(|| PhasedJob::from_json(&json))?
        };
        for (job, resource) in resources.unwrap_or_default() {
            inner = inner.resource(&job, &resource);
        }
        Ok(PyPhasedJob { inner })
    }

    /// The phase the graph starts with.
    #[getter]
    fn current_phase(&self) -> String {
        self.inner.current_phase().to_string()
    }

    /// The phase names, in the order they run.
    #[getter]
    fn phases(&self) -> Vec<String> {
        self.inner.phases().iter().map(|p| p.name.clone()).collect()
    }

    /// Every job, in the order the phases and steps name them.
    #[getter]
    fn jobs(&self) -> Vec<String> {
        self.inner.jobs()
    }

    /// The states as a `Fragment`.
    fn fragment(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let fragment = check(|| self.inner.fragment())?;
        fragment_object(py, &fragment, &[])
    }

    /// The whole `StateMachine`.
    fn state_machine(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let machine = check(|| self.inner.state_machine())?;
        machine_object(py, &machine, &[])
    }

    /// The IAM policy statements (invoking the jobs' functions).
    fn iam<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &guard(|| statements_json(&self.inner.iam()))?)
    }
}
