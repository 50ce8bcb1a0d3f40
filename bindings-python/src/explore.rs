//! Exploration from Python: `Explorer` (`World.explore`), `Faults`,
//! `Invariant`, `semaphore_invariants`, `Probe`, the read-only `WorldView`
//! an invariant receives, and the report classes.
//!
//! Thin by design: the search, the faults, shrinking, the options' rules and
//! the reports are `stepforge::exec::explore` (its `surface` module gives
//! them in Python's spelling, the reports as JSON). What lives here is
//! calling a Python invariant (with the GIL) and classifying its answer:
//! `None`/`True` holds; `False`, a message, a failed `assert` or
//! `InvariantViolation` breaks it; any other exception stops the exploration
//! with `InvariantError` naming the invariant (the exception is its `__cause__`).

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyAssertionError, PyAttributeError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};
use serde_json::Value;
use stepforge::exec::explore::surface::{self, Answer, ErrorKind, FaultOptions, LentView, Naming::Snake, SurfaceError};
use stepforge::exec::explore::{
    CheckAt, ExhaustiveLimits, ExploreError as CoreExploreError, Explorer, Faults, Invariant, Probe, Schedule,
    WorldView,
};

use crate::convert::{from_json, to_json};
use crate::errors::{guard, marshal_error};
use crate::exec::{PyExecution, PyWorld, Shared};

pyo3::import_exception!(stepforge._explore, ExploreError);
pyo3::import_exception!(stepforge._explore, InvariantError);

fn explore_error(code: &str, message: impl Into<String>) -> PyErr {
    ExploreError::new_err((code.to_string(), message.into()))
}

/// The core's argument problem as the Python exception of its kind.
fn err(e: SurfaceError) -> PyErr {
    match e.kind {
        ErrorKind::Type => PyTypeError::new_err(e.message),
        ErrorKind::Value => PyValueError::new_err(e.message),
        ErrorKind::Config => explore_error("Config", e.message),
        ErrorKind::Expired => PyRuntimeError::new_err(e.message),
    }
}

/// Which faults to inject, and how often: `Faults({"error_after_write": 0.03})`,
/// `Faults.all(0.03)`. Names: `throttle`, `error_before_write`,
/// `error_after_write`, `late_write`, `job_fail`, `job_timeout`, `abort`,
/// `timeout`, `late_delivery`, `duplicate_delivery`.
#[pyclass(frozen, module = "stepforge", name = "Faults")]
#[derive(Clone)]
pub struct PyFaults {
    inner: Faults,
}

#[pymethods]
impl PyFaults {
    /// `rates` maps fault names to rates (0–1); `max_per_schedule` bounds the
    /// faults of one schedule; a late status-change event arrives
    /// `late_delivery_seconds` later, a late write `late_write_seconds` later.
    #[new]
    #[pyo3(signature = (rates = None, *, max_per_schedule = None, late_delivery_seconds = 30.0, late_write_seconds = 1.0))]
    fn new(
        rates: Option<&Bound<'_, PyDict>>,
        max_per_schedule: Option<u32>,
        late_delivery_seconds: f64,
        late_write_seconds: f64,
    ) -> PyResult<Self> {
        let rates = rates.map(|d| to_json(d.as_any(), "Faults(rates)")).transpose()?;
        let options = FaultOptions {
            max_per_schedule,
            late_delivery_seconds: Some(late_delivery_seconds),
            late_write_seconds: Some(late_write_seconds),
        };
        Ok(PyFaults { inner: surface::faults(rates.as_ref(), options, Snake).map_err(err)? })
    }

    /// Every fault at `rate`.
    #[staticmethod]
    #[pyo3(signature = (rate, *, max_per_schedule = None))]
    fn all(rate: f64, max_per_schedule: Option<u32>) -> PyResult<Self> {
        let options = FaultOptions { max_per_schedule, ..FaultOptions::default() };
        Ok(PyFaults { inner: surface::all_faults(rate, options, Snake).map_err(err)? })
    }

    /// No faults.
    #[staticmethod]
    fn none() -> Self {
        PyFaults { inner: Faults::none() }
    }

    /// Every fault's name.
    #[staticmethod]
    fn names() -> Vec<String> {
        surface::fault_names(Snake)
    }

    /// The rate of the fault `name`.
    fn rate(&self, name: &str) -> PyResult<f64> {
        Ok(self.inner.rate(surface::fault_named(name, Snake).map_err(err)?))
    }

    /// The most faults in one schedule (None: no bound).
    #[getter]
    fn max_per_schedule(&self) -> Option<u32> {
        surface::max_per_schedule(&self.inner)
    }

    fn __repr__(&self) -> String {
        surface::faults_repr(&self.inner, Snake)
    }
}

/// What an invariant checks: a built-in one, or a Python callable.
enum Body {
    Builtin(Invariant),
    Python(Py<PyAny>),
}

/// A named predicate over the world: `Invariant(name, check, at="every_step")`
/// with `check(view: WorldView)`, checked after every step (`"every_step"`)
/// or once when a schedule has run to its end (`"end"`).
#[pyclass(frozen, module = "stepforge", name = "Invariant")]
pub struct PyInvariant {
    name: String,
    at: CheckAt,
    body: Body,
}

#[pymethods]
impl PyInvariant {
    /// `check(view)` returns None or True when the invariant holds; False, a
    /// message, a failed `assert` or `raise InvariantViolation(message)` when it breaks.
    #[new]
    #[pyo3(signature = (name, check, *, at = "every_step"))]
    fn new(name: String, check: Bound<'_, PyAny>, at: &str) -> PyResult<Self> {
        if !check.is_callable() {
            return Err(PyTypeError::new_err(format!("Invariant({name:?}, check): check must be callable")));
        }
        let at = surface::check_at(&name, Some(at), Snake).map_err(err)?;
        Ok(PyInvariant { name, at, body: Body::Python(check.unbind()) })
    }

    /// Its name (a violation reports it).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// `"every_step"` or `"end"`.
    #[getter]
    fn at(&self) -> &'static str {
        surface::at_name(self.at, Snake)
    }

    fn __repr__(&self) -> String {
        format!("Invariant({:?}, at={:?})", self.name, self.at())
    }
}

/// The semaphore's built-in invariants for the lock `lock` in `table` with
/// `limit` slots, guarding the states `job_states`: the count never rises
/// above the limit; the count equals the owner entries; never more than the
/// limit inside the job; every execution ended; no slot held at the end.
#[pyfunction]
pub(crate) fn semaphore_invariants(
    py: Python<'_>,
    table: String,
    lock: String,
    limit: i64,
    job_states: Vec<String>,
) -> PyResult<Vec<Py<PyInvariant>>> {
    let spec = surface::semaphore_spec(table, lock, limit, job_states, Snake).map_err(err)?;
    stepforge::exec::explore::semaphore_invariants(&spec)
        .into_iter()
        .map(|inv| {
            Py::new(py, PyInvariant { name: inv.name().to_string(), at: inv.check_at(), body: Body::Builtin(inv) })
        })
        .collect()
}

/// Executions started after each schedule, past a lease: they must all get a
/// slot and end (`no slot held at the end` then proves the lease gives back
/// what crashed executions left).
#[pyclass(frozen, module = "stepforge", name = "Probe")]
#[derive(Clone)]
pub struct PyProbe {
    inner: Probe,
}

#[pymethods]
impl PyProbe {
    /// `executions` of `machine` (name or ARN) start `after_seconds` after the schedule's end with `input`.
    #[new]
    #[pyo3(signature = (machine, executions, *, after_seconds, input = None))]
    fn new(machine: String, executions: usize, after_seconds: f64, input: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let input = input.map(|v| to_json(v, "Probe input")).transpose()?;
        Ok(PyProbe { inner: surface::probe(machine, executions, after_seconds, input, Snake).map_err(err)? })
    }

    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!("Probe({:?}, {}, after_seconds={})", p.machine, p.executions, p.after_ms as f64 / 1000.0)
    }
}

/// A field of a report class's JSON (the core's `surface`): a `Violation`,
/// a `Counterexample`, or Python data.
fn field<'py>(py: Python<'py>, fields: &Value, class: &str, name: &str) -> PyResult<Bound<'py, PyAny>> {
    match fields.get(name) {
        Some(v @ Value::Object(_)) if name == "violation" => Ok(Bound::new(py, PyViolation(v.clone()))?.into_any()),
        Some(v @ Value::Object(_)) if name == "counterexample" => {
            Ok(Bound::new(py, PyCounterexample(v.clone()))?.into_any())
        }
        Some(value) => from_json(py, value),
        None => Err(PyAttributeError::new_err(format!("'{class}' object has no attribute '{name}'"))),
    }
}

/// The `#[pymethods]` of a class whose fields are the core's JSON: one
/// getter per listed field (so `dir()`, the stubs and `hasattr` see real
/// attributes), then the class's own methods.
macro_rules! json_fields {
    ($class:ident.$json:tt as $name:literal [$($field:ident),* $(,)?] { $($methods:tt)* }) => {
        #[pymethods]
        impl $class {
            $(
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    field(py, &self.$json, $name, stringify!($field))
                }
            )*
            $($methods)*
        }
    };
}

/// An execution as an invariant sees it: `arn`, `name`, `state_machine_arn`,
/// `status`, `states` (those it is in now), `input`, `output` (None until it
/// succeeded), `error` and `cause`.
#[pyclass(frozen, module = "stepforge", name = "ExecutionView")]
pub struct PyExecutionView(Value);

json_fields! {
PyExecutionView.0 as "ExecutionView" [arn, name, state_machine_arn, status, states, input, output, error, cause] {
    fn __repr__(&self) -> String {
        let states: Vec<&str> = self.0["states"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        format!("ExecutionView(name={}, status={}, states={states:?})", self.0["name"], self.0["status"])
    }
}}

/// What an invariant sees: the tables and executions after a step, and what
/// the step did. Read-only, and valid only during the invariant's call.
#[pyclass(frozen, module = "stepforge", name = "WorldView")]
pub struct PyWorldView(Arc<LentView>);

impl PyWorldView {
    fn with<T>(&self, body: impl FnOnce(&WorldView<'_>) -> PyResult<T>) -> PyResult<T> {
        self.0.with(body).map_err(err)?
    }
}

#[pymethods]
impl PyWorldView {
    /// Every item of `table` in key order (plain data, or DynamoDB JSON); [] for a table that does not exist.
    #[pyo3(signature = (table, *, dynamodb_json = false))]
    fn items<'py>(&self, py: Python<'py>, table: &str, dynamodb_json: bool) -> PyResult<Bound<'py, PyAny>> {
        self.with(|v| from_json(py, &Value::Array(v.dynamodb().items_json(table, dynamodb_json))))
    }

    /// The item of `table` with this key, or None.
    #[pyo3(signature = (table, key, *, dynamodb_json = false))]
    fn get_item<'py>(
        &self,
        py: Python<'py>,
        table: &str,
        key: &Bound<'py, PyAny>,
        dynamodb_json: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let key = to_json(key, "get_item() key")?;
        self.with(|v| {
            let item = v.dynamodb().get_json(table, &key, dynamodb_json).map_err(marshal_error)?;
            from_json(py, &item.unwrap_or(Value::Null))
        })
    }

    /// The tables' names.
    fn table_names(&self) -> PyResult<Vec<String>> {
        self.with(|v| Ok(v.dynamodb().table_names().into_iter().map(String::from).collect()))
    }

    /// Every execution, in the order they started (cleanup and probe executions included).
    fn executions(&self) -> PyResult<Vec<PyExecutionView>> {
        self.with(|v| Ok(surface::executions(v, Snake).into_iter().map(PyExecutionView).collect()))
    }

    /// The ARNs of the running executions inside one of `states`.
    fn executions_in(&self, states: Vec<String>) -> PyResult<Vec<String>> {
        self.with(|v| Ok(v.executions_in(&states).into_iter().map(String::from).collect()))
    }

    /// The virtual time, ms since the Unix epoch.
    #[getter]
    fn now_millis(&self) -> PyResult<i64> {
        self.with(|v| Ok(v.world().now_millis()))
    }

    /// Whether this is the end-of-schedule check.
    #[getter]
    fn at_end(&self) -> PyResult<bool> {
        self.with(|v| Ok(v.at_end()))
    }

    /// What the last step did, as a dict: `execution` (ARN or None), `state`,
    /// `entered` (the step entered `state`), `write` (`{"table", "key",
    /// "before", "after"}` as plain data, or None) and `fault` (a fault's name
    /// or None). None for an end-of-schedule check.
    #[getter]
    fn step<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.with(|v| from_json(py, &surface::step(v, Snake)))
    }

    fn __repr__(&self) -> String {
        format!("WorldView({})", if self.0.live() { "live" } else { "expired" })
    }
}

/// The first error an invariant raised in one exploration (it stops there).
type Stash = Arc<Mutex<Option<PyErr>>>;

/// Calls a Python invariant on `view`; the core reads its answer.
fn call_invariant(name: &str, func: &Py<PyAny>, view: &WorldView<'_>, stash: &Stash) -> Result<(), String> {
    if stash.lock().map_or(true, |s| s.is_some()) {
        return Err(surface::STOPPED.into());
    }
    Python::attach(|py| {
        let answer = (|| -> PyResult<Result<(), String>> {
            let call = |lent: &Arc<LentView>| -> PyResult<PyResult<Bound<'_, PyAny>>> {
                Ok(func.bind(py).call1((Bound::new(py, PyWorldView(lent.clone()))?,)))
            };
            let answer = LentView::lend(view, call)?;
            let (answer, cause) = match answer {
                Ok(value) => (classify(&value)?, None),
                Err(e) if e.is_instance_of::<PyAssertionError>(py) => {
                    (Answer::Message(assertion_message(py, &e)), None)
                }
                Err(e) if !e.is_instance_of::<pyo3::exceptions::PyException>(py) => return Err(e),
                Err(e) => (Answer::Raised(describe_exception(py, &e)), Some(e)),
            };
            surface::verdict(name, answer, Snake).map_err(|message| {
                let error = InvariantError::new_err((name.to_string(), message));
                error.set_cause(py, cause);
                error
            })
        })();
        answer.unwrap_or_else(|e| {
            if let Ok(mut slot) = stash.lock() {
                slot.get_or_insert(e);
            }
            Err(surface::STOPPED.into())
        })
    })
}

/// `None`/`True`, `False`, a message, or anything else (shown by its repr).
fn classify(value: &Bound<'_, PyAny>) -> PyResult<Answer> {
    if value.is_none() {
        return Ok(Answer::Holds);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(if b.is_true() { Answer::Holds } else { Answer::False });
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Answer::Message(s.to_cow()?.into_owned()));
    }
    Ok(Answer::Other(value.repr().map(|r| r.to_string()).unwrap_or_else(|_| "a value".into())))
}

/// `KeyError: 'x'`.
fn describe_exception(py: Python<'_>, e: &PyErr) -> String {
    let kind = e.get_type(py).name().map(|n| n.to_string()).unwrap_or_else(|_| "an exception".into());
    let text = e.value(py).str().map(|s| s.to_string()).unwrap_or_default();
    if text.is_empty() { kind } else { format!("{kind}: {text}") }
}

/// A failed assert's message, or where it failed when it has none.
fn assertion_message(py: Python<'_>, e: &PyErr) -> String {
    let text = e.value(py).str().map(|s| s.to_string()).unwrap_or_default();
    if !text.is_empty() {
        return text;
    }
    let place = (|| -> PyResult<String> {
        let frames = py.import("traceback")?.call_method1("extract_tb", (e.traceback(py),))?;
        let last = frames.get_item(-1)?;
        let line: String = last.getattr("line")?.extract().unwrap_or_default();
        let lineno: i64 = last.getattr("lineno")?.extract().unwrap_or(0);
        Ok(format!("assertion failed at line {lineno}: {}", line.trim()))
    })();
    place.unwrap_or_else(|_| "assertion failed".into())
}

/// A broken invariant: `invariant` (its name), `message` (what it said),
/// `step` (the step after which it broke).
#[pyclass(frozen, module = "stepforge", name = "Violation")]
pub struct PyViolation(Value);

json_fields! {
PyViolation.0 as "Violation" [invariant, message, step] {
    fn __repr__(&self) -> String {
        let v = &self.0;
        format!("Violation(invariant={}, message={}, step={})", v["invariant"], v["message"], v["step"])
    }
}}

/// A failing schedule, shrunk, with what happened in it: `violation`,
/// `schedule` (`SEED:PICKS`: `explorer.replay(this)` runs it again), `found`
/// (as first found), `steps`, `timeline` (every step as a person reads it)
/// and `mermaid` (a sequence diagram of the steps that matter).
#[pyclass(frozen, module = "stepforge", name = "Counterexample")]
pub struct PyCounterexample(Value);

json_fields! {
PyCounterexample.0 as "Counterexample" [violation, schedule, found, steps, timeline, mermaid] {
    /// The counterexample in words: what broke, the schedule to replay, the timeline.
    fn describe(&self) -> &str {
        self.0["description"].as_str().unwrap_or_default()
    }
    fn __repr__(&self) -> String {
        let (c, v) = (&self.0, &self.0["violation"]);
        format!("Counterexample(invariant={}, steps={}, schedule={})", v["invariant"], c["steps"], c["schedule"])
    }
}}

/// What an exploration did: `mode`, `schedules`, `states`, `pruned`,
/// `transitions`, `elapsed_seconds`, `complete`, `schedules_per_second`,
/// `transitions_per_second` and `counterexample` (None: every invariant held).
#[pyclass(frozen, module = "stepforge", name = "ExploreReport")]
pub struct PyReport(Value);

json_fields! {
PyReport.0 as "ExploreReport" [mode, schedules, states, pruned, transitions, elapsed_seconds, complete, schedules_per_second, transitions_per_second, counterexample] {
    /// One line: mode, counts, rates, verdict.
    fn summary(&self) -> &str {
        self.0["summary"].as_str().unwrap_or_default()
    }
    fn __repr__(&self) -> String {
        format!("ExploreReport({})", self.summary())
    }
}}

/// One schedule replayed: `violation` (or None), `timeline`, `mermaid`, and the executions at its end.
#[pyclass(frozen, module = "stepforge", name = "Replay")]
pub struct PyReplay {
    fields: Value,
    executions: Vec<stepforge::exec::Execution>,
}

json_fields! {
PyReplay.fields as "Replay" [violation, timeline, mermaid] {
    /// Every execution at the schedule's end, with its history.
    fn executions(&self) -> Vec<PyExecution> {
        self.executions.iter().map(|e| PyExecution { inner: e.clone() }).collect()
    }
    fn __repr__(&self) -> String {
        format!(
            "Replay(violation={})",
            self.fields["violation"].get("invariant").map_or("None".into(), |i| format!("Some({i})"))
        )
    }
}}

/// Explores the schedules of a world: random (`random`), every
/// distinguishable one (`exhaustive`), or one given (`replay`), checking the
/// invariants after every step.
#[pyclass(module = "stepforge", name = "Explorer")]
pub struct PyExplorer {
    explorer: Explorer,
    invariants: Vec<Py<PyInvariant>>,
    shared: Arc<Shared>,
}

impl PyExplorer {
    /// The core explorer with this run's invariants (Python ones report to `stash`).
    fn prepared(&self, py: Python<'_>, stash: &Stash) -> Explorer {
        let invariants = self.invariants.iter().map(|inv| {
            let inv = inv.get();
            match &inv.body {
                Body::Builtin(core) => core.clone(),
                Body::Python(func) => {
                    let (name, func, stash) = (inv.name.clone(), func.clone_ref(py), stash.clone());
                    let check = move |v: &WorldView<'_>| call_invariant(&name, &func, v, &stash);
                    surface::invariant(inv.name.clone(), inv.at, check)
                }
            }
        });
        self.explorer.clone().invariants(invariants.collect::<Vec<_>>())
    }

    /// Runs `search` with the GIL released, then raises what an invariant or
    /// a handler raised.
    fn run<T: Send>(&self, py: Python<'_>, search: impl FnOnce(&Explorer) -> T + Send) -> PyResult<T> {
        let stash: Stash = Arc::default();
        let explorer = self.prepared(py, &stash);
        self.shared.exploring.store(true, Ordering::Relaxed);
        let out = py.detach(|| guard(|| search(&explorer)));
        self.shared.exploring.store(false, Ordering::Relaxed);
        drop(explorer);
        if let Some(e) = stash.lock().ok().and_then(|mut s| s.take()) {
            return Err(e);
        }
        if let Some(e) = self.shared.fatal.lock().ok().and_then(|mut f| f.take()) {
            return Err(e);
        }
        out
    }

    /// A report class over the core's report.
    fn report(py: Python<'_>, report: &stepforge::exec::explore::Report) -> PyResult<Py<PyReport>> {
        Py::new(py, PyReport(surface::report(report, Snake)))
    }
}

fn invariant_list(py: Python<'_>, given: &Bound<'_, PyAny>) -> PyResult<Vec<Py<PyInvariant>>> {
    let mut out = Vec::new();
    for (i, item) in given.try_iter()?.enumerate() {
        let item = item?;
        if let Ok(inv) = item.cast::<PyInvariant>() {
            out.push(inv.clone().unbind());
            continue;
        }
        if item.is_callable() {
            let name: String = item
                .getattr("__qualname__")
                .or_else(|_| item.getattr("__name__"))
                .and_then(|n| n.extract())
                .unwrap_or_else(|_| format!("invariant {i}"));
            out.push(Py::new(py, PyInvariant { name, at: CheckAt::EveryStep, body: Body::Python(item.unbind()) })?);
            continue;
        }
        return Err(PyTypeError::new_err(format!(
            "Explorer(invariants=…): item {i} is neither an Invariant nor a callable"
        )));
    }
    Ok(out)
}

fn faults_of(given: Option<&Bound<'_, PyAny>>) -> PyResult<Faults> {
    let Some(given) = given.filter(|g| !g.is_none()) else { return Ok(Faults::none()) };
    if let Ok(f) = given.cast::<PyFaults>() {
        return Ok(f.get().inner.clone());
    }
    if let Ok(d) = given.cast::<PyDict>() {
        return Ok(PyFaults::new(Some(d), None, 30.0, 1.0)?.inner);
    }
    Err(PyTypeError::new_err("Explorer(faults=…) takes Faults or a dict of fault names to rates"))
}

#[pymethods]
impl PyExplorer {
    /// An explorer of `world` as it is now (machines, tables, handlers, rules,
    /// started executions). `invariants`: `Invariant`s or callables (checked
    /// after every step); `faults`: `Faults` or `{name: rate}`;
    /// `fault_targets`: the machines whose executions may be aborted or time
    /// out, whose jobs may fail and whose writes may land late (default: the
    /// machines of the executions started); `watch_states`: states the invariants look at, which
    /// exhaustive mode never reorders steps around; `probe`: executions started
    /// after each schedule, past a lease; `horizon_seconds`: virtual time before
    /// running executions count as stuck; `threads`: random mode's threads (1:
    /// Python handlers and invariants take the GIL anyway).
    #[new]
    #[pyo3(signature = (
        world, *, invariants = None, faults = None, fault_targets = None, watch_states = None, probe = None,
        horizon_seconds = 3600.0, max_steps = 100_000, threads = 1, histories = false, shrink_runs = 2000
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        world: PyRef<'_, PyWorld>,
        invariants: Option<&Bound<'_, PyAny>>,
        faults: Option<&Bound<'_, PyAny>>,
        fault_targets: Option<Vec<String>>,
        watch_states: Option<Vec<String>>,
        probe: Option<PyProbe>,
        horizon_seconds: f64,
        max_steps: u64,
        threads: usize,
        histories: bool,
        shrink_runs: u64,
    ) -> PyResult<Self> {
        let invariants = invariants.map(|given| invariant_list(py, given)).transpose()?.unwrap_or_default();
        let options = surface::ExploreOptions {
            faults: faults_of(faults)?,
            fault_targets,
            watch_states: watch_states.unwrap_or_default(),
            probe: probe.map(|p| p.inner),
            horizon_seconds,
            max_steps,
            threads,
            histories,
            shrink_runs,
        };
        let explorer = options.explorer(world.world.clone(), Snake).map_err(err)?;
        Ok(PyExplorer { explorer, invariants, shared: world.shared.clone() })
    }

    /// The invariants, in the order they are checked.
    #[getter]
    fn invariants(&self, py: Python<'_>) -> Vec<Py<PyInvariant>> {
        self.invariants.iter().map(|i| i.clone_ref(py)).collect()
    }

    /// Runs `schedules` random schedules (schedule `i` draws its own seed from
    /// `seed`: the same call finds the same counterexample); stops at the first
    /// broken invariant and shrinks it.
    #[pyo3(signature = (schedules, seed = 0))]
    fn random(&self, py: Python<'_>, schedules: u64, seed: u64) -> PyResult<Py<PyReport>> {
        let report = self.run(py, |ex| ex.random(schedules, seed))?;
        Self::report(py, &report)
    }

    /// Explores every distinguishable schedule, depth first with state hashing
    /// and a partial-order reduction; `max_states` bounds the distinct states
    /// (`ExploreError` with code `TooLarge` there), `max_faults` the faults on one path.
    #[pyo3(signature = (*, max_states = 2_000_000, max_faults = 1, seed = 0, partial_order_reduction = true))]
    fn exhaustive(
        &self,
        py: Python<'_>,
        max_states: u64,
        max_faults: u32,
        seed: u64,
        partial_order_reduction: bool,
    ) -> PyResult<Py<PyReport>> {
        let limits = ExhaustiveLimits { max_states, partial_order_reduction, seed, max_faults };
        match self.run(py, |ex| ex.exhaustive(&limits))? {
            Ok(report) => Self::report(py, &report),
            Err(e @ CoreExploreError::TooLarge { .. }) => Err(explore_error("TooLarge", e.to_string())),
            Err(e) => Err(explore_error("Config", e.to_string())),
        }
    }

    /// Replays one schedule (`SEED:PICKS`, as a counterexample gives it), recording every step.
    fn replay(&self, py: Python<'_>, schedule: &str) -> PyResult<PyReplay> {
        let schedule: Schedule =
            schedule.parse().map_err(|e: String| explore_error("InvalidSchedule", format!("replay(): {e}")))?;
        let (violation, records, world) = self.run(py, |ex| ex.replay(&schedule))?;
        Ok(PyReplay {
            fields: surface::replay(violation.as_ref(), &records, Snake),
            executions: world.executions().cloned().collect(),
        })
    }

    fn __repr__(&self) -> String {
        format!("Explorer(invariants={})", self.invariants.len())
    }
}

/// Adds the exploration classes and functions to `_native`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyExplorer>()?;
    m.add_class::<PyFaults>()?;
    m.add_class::<PyInvariant>()?;
    m.add_class::<PyProbe>()?;
    m.add_class::<PyWorldView>()?;
    m.add_class::<PyExecutionView>()?;
    m.add_class::<PyViolation>()?;
    m.add_class::<PyCounterexample>()?;
    m.add_class::<PyReport>()?;
    m.add_class::<PyReplay>()?;
    m.add_function(wrap_pyfunction!(semaphore_invariants, m)?)?;
    Ok(())
}
