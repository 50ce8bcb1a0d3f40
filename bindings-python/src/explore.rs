//! Exploration from Python: `Explorer` (`World.explore`), `Faults`,
//! `Invariant`, `semaphore_invariants`, `Probe`, the read-only `WorldView`
//! an invariant receives, and the report classes.
//!
//! Thin by design: the search, the faults, shrinking and the counterexample's
//! timeline are `stepforge::exec::explore`. What lives here is calling a
//! Python invariant (with the GIL) and reading its answer: `None`/`True`
//! holds; `False`, a message, a failed `assert` or `InvariantViolation`
//! breaks it; any other exception stops the exploration with
//! `InvariantError` naming the invariant (the exception is its `__cause__`).

use std::ffi::c_void;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyAssertionError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use serde_json::{Value, json};
use stepforge::dynamo::Item;
use stepforge::dynamo::attr::{item_from_dynamodb_json, item_to_dynamodb_json, item_to_plain_json, marshall_item};
use stepforge::exec::explore::{
    CheckAt, Counterexample, ExhaustiveLimits, ExploreError as CoreExploreError, Explorer, Fault, Faults, Invariant,
    Probe, Report, Schedule, SemaphoreSpec, Violation, WorldView, report,
};

use crate::convert::{from_json, to_json};
use crate::errors::{guard, marshal_error};
use crate::exec::{PyExecution, PyWorld, Shared};

pyo3::import_exception!(stepforge._explore, ExploreError);
pyo3::import_exception!(stepforge._explore, InvariantError);

fn explore_error(code: &str, message: impl Into<String>) -> PyErr {
    ExploreError::new_err((code.to_string(), message.into()))
}

/// A fault's Python name: the core's, with `_` for `-` (`error_after_write`).
fn fault_name(f: Fault) -> String {
    f.name().replace('-', "_")
}

fn fault_named(name: &str) -> PyResult<Fault> {
    Fault::from_name(&name.replace('_', "-")).ok_or_else(|| {
        let names: Vec<String> = Fault::ALL.iter().map(|f| fault_name(*f)).collect();
        PyValueError::new_err(format!("{name:?} is not a fault; the faults are {}", names.join(", ")))
    })
}

fn checked_rate(name: &str, rate: f64) -> PyResult<f64> {
    if !(0.0..=1.0).contains(&rate) {
        return Err(PyValueError::new_err(format!("the rate of {name:?} is {rate}: a rate is between 0 and 1")));
    }
    Ok(rate)
}

fn millis(seconds: f64, what: &str) -> PyResult<i64> {
    // The range excludes NaN and the infinities too.
    if !(0.0..1e12).contains(&seconds) {
        return Err(PyValueError::new_err(format!("{what} must be a finite number of seconds >= 0, not {seconds}")));
    }
    Ok((seconds * 1000.0).round() as i64)
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
        let mut inner = Faults::none();
        for (name, rate) in rates.into_iter().flat_map(|d| d.iter()) {
            let name: String =
                name.extract().map_err(|_| PyTypeError::new_err("Faults(rates): the keys are fault names"))?;
            let rate: f64 = rate
                .extract()
                .map_err(|_| PyTypeError::new_err(format!("Faults(rates): the rate of {name:?} is a number")))?;
            inner = inner.with(fault_named(&name)?, checked_rate(&name, rate)?);
        }
        if let Some(n) = max_per_schedule {
            inner = inner.max_per_schedule(n);
        }
        inner.late_delivery_ms = millis(late_delivery_seconds, "late_delivery_seconds")?.max(1);
        inner.late_write_ms = millis(late_write_seconds, "late_write_seconds")?.max(1);
        Ok(PyFaults { inner })
    }

    /// Every fault at `rate`.
    #[staticmethod]
    #[pyo3(signature = (rate, *, max_per_schedule = None))]
    fn all(rate: f64, max_per_schedule: Option<u32>) -> PyResult<Self> {
        let mut inner = Faults::all(checked_rate("all", rate)?);
        if let Some(n) = max_per_schedule {
            inner = inner.max_per_schedule(n);
        }
        Ok(PyFaults { inner })
    }

    /// No faults.
    #[staticmethod]
    fn none() -> Self {
        PyFaults { inner: Faults::none() }
    }

    /// Every fault's name.
    #[staticmethod]
    fn names() -> Vec<String> {
        Fault::ALL.iter().map(|f| fault_name(*f)).collect()
    }

    /// The rate of the fault `name`.
    fn rate(&self, name: &str) -> PyResult<f64> {
        Ok(self.inner.rate(fault_named(name)?))
    }

    /// The most faults in one schedule (None: no bound).
    #[getter]
    fn max_per_schedule(&self) -> Option<u32> {
        (self.inner.max_per_schedule != u32::MAX).then_some(self.inner.max_per_schedule)
    }

    fn __repr__(&self) -> String {
        let rates: Vec<String> = Fault::ALL
            .iter()
            .filter(|f| self.inner.enabled(**f))
            .map(|f| format!("{:?}: {}", fault_name(*f), self.inner.rate(*f)))
            .collect();
        format!("Faults({{{}}})", rates.join(", "))
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

fn at_name(at: CheckAt) -> &'static str {
    match at {
        CheckAt::EveryStep => "every_step",
        CheckAt::End => "end",
    }
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
        let at = match at {
            "every_step" => CheckAt::EveryStep,
            "end" => CheckAt::End,
            other => {
                return Err(PyValueError::new_err(format!(
                    "Invariant({name:?}): at is \"every_step\" or \"end\", not {other:?}"
                )));
            }
        };
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
        at_name(self.at)
    }

    fn __repr__(&self) -> String {
        format!("Invariant({:?}, at={:?})", self.name, at_name(self.at))
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
    if limit < 1 {
        return Err(PyValueError::new_err(format!("semaphore_invariants(): the limit is {limit}; at least 1")));
    }
    let spec = SemaphoreSpec { table, lock, limit, job_states };
    semaphore_invariants_of(&spec)
        .into_iter()
        .map(|inv| {
            Py::new(py, PyInvariant { name: inv.name().to_string(), at: inv.check_at(), body: Body::Builtin(inv) })
        })
        .collect()
}

fn semaphore_invariants_of(spec: &SemaphoreSpec) -> Vec<Invariant> {
    stepforge::exec::explore::semaphore_invariants(spec)
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
        if executions == 0 || executions > 10_000 {
            return Err(PyValueError::new_err(format!("Probe: {executions} executions; between 1 and 10,000")));
        }
        let input = match input {
            Some(v) => to_json(v, "Probe input")?,
            None => json!({}),
        };
        Ok(PyProbe {
            inner: Probe { machine, executions, after_ms: millis(after_seconds, "Probe after_seconds")?, input },
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Probe({:?}, {}, after_seconds={})",
            self.inner.machine,
            self.inner.executions,
            self.inner.after_ms as f64 / 1000.0
        )
    }
}

/// An execution as an invariant sees it.
#[pyclass(frozen, module = "stepforge", name = "ExecutionView")]
pub struct PyExecutionView {
    /// The execution's ARN.
    #[pyo3(get)]
    arn: String,
    /// Its name.
    #[pyo3(get)]
    name: String,
    /// Its state machine's ARN.
    #[pyo3(get)]
    state_machine_arn: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `ABORTED`.
    #[pyo3(get)]
    status: &'static str,
    /// The states it is in now (several inside a Parallel or Map; none once ended).
    #[pyo3(get)]
    states: Vec<String>,
    input: Value,
    output: Value,
    /// The error name, once failed, timed out or aborted.
    #[pyo3(get)]
    error: Option<String>,
    /// The cause, once failed, timed out or aborted.
    #[pyo3(get)]
    cause: Option<String>,
}

#[pymethods]
impl PyExecutionView {
    /// The input.
    #[getter]
    fn input<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &self.input)
    }
    /// The output, once succeeded (else None).
    #[getter]
    fn output<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &self.output)
    }
    fn __repr__(&self) -> String {
        format!("ExecutionView(name={:?}, status={:?}, states={:?})", self.name, self.status, self.states)
    }
}

/// What an invariant sees: the tables and executions after a step, and what
/// the step did. Read-only, and valid only during the invariant's call.
#[pyclass(frozen, module = "stepforge", name = "WorldView")]
pub struct PyWorldView {
    /// The core's `WorldView` while the call lasts; null after.
    view: AtomicPtr<c_void>,
}

impl PyWorldView {
    fn with<T>(&self, body: impl FnOnce(&WorldView<'_>) -> PyResult<T>) -> PyResult<T> {
        let ptr = self.view.load(Ordering::Acquire);
        if ptr.is_null() {
            return Err(PyRuntimeError::new_err(
                "this WorldView was kept past its invariant's call: read what you need during the call",
            ));
        }
        // SAFETY: `ptr` points at the `WorldView` that `call_invariant` lent
        // for the duration of the invariant's call, which holds the GIL from
        // before the pointer is set until after it is cleared; every access
        // here holds the GIL too, so the view outlives it and nothing writes
        // the world meanwhile. No reference escapes `body`.
        let view = unsafe { &*(ptr as *const WorldView<'_>) };
        body(view)
    }
}

fn key_of(key: &Bound<'_, PyAny>, dynamodb_json: bool) -> PyResult<Item> {
    let value = to_json(key, "get_item() key")?;
    if dynamodb_json { item_from_dynamodb_json(&value) } else { marshall_item(&value) }.map_err(marshal_error)
}

fn item_json(item: &Item, dynamodb_json: bool) -> Value {
    if dynamodb_json { item_to_dynamodb_json(item) } else { item_to_plain_json(item) }
}

#[pymethods]
impl PyWorldView {
    /// Every item of `table` in key order (plain data, or DynamoDB JSON); [] for a table that does not exist.
    #[pyo3(signature = (table, *, dynamodb_json = false))]
    fn items<'py>(&self, py: Python<'py>, table: &str, dynamodb_json: bool) -> PyResult<Bound<'py, PyList>> {
        self.with(|v| {
            let list = PyList::empty(py);
            for item in v.dynamodb().items(table) {
                list.append(from_json(py, &item_json(item, dynamodb_json))?)?;
            }
            Ok(list)
        })
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
        let key = key_of(key, dynamodb_json)?;
        self.with(|v| match v.dynamodb().get(table, &key) {
            Some(item) => from_json(py, &item_json(item, dynamodb_json)),
            None => Ok(py.None().into_bound(py)),
        })
    }

    /// The tables' names.
    fn table_names(&self) -> PyResult<Vec<String>> {
        self.with(|v| Ok(v.dynamodb().table_names().into_iter().map(String::from).collect()))
    }

    /// Every execution, in the order they started (cleanup and probe executions included).
    fn executions(&self) -> PyResult<Vec<PyExecutionView>> {
        self.with(|v| {
            Ok(v.executions()
                .map(|e| PyExecutionView {
                    arn: e.arn().to_string(),
                    name: e.name().to_string(),
                    state_machine_arn: e.state_machine_arn().to_string(),
                    status: e.status().as_str(),
                    states: v.states_of(e.arn()).into_iter().map(String::from).collect(),
                    input: e.input().clone(),
                    output: e.output().cloned().unwrap_or(Value::Null),
                    error: e.error().map(String::from),
                    cause: e.cause().map(String::from),
                })
                .collect())
        })
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
        self.with(|v| {
            let Some(s) = v.step() else { return Ok(py.None().into_bound(py)) };
            let write = s.write.as_ref().map(|w| {
                json!({
                    "table": w.table,
                    "key": item_to_plain_json(&w.key),
                    "before": w.before.as_ref().map(item_to_plain_json),
                    "after": w.after.as_ref().map(item_to_plain_json),
                })
            });
            let facts = json!({
                "execution": s.execution,
                "state": s.state,
                "entered": s.entered,
                "write": write,
                "fault": s.fault.map(fault_name),
            });
            from_json(py, &facts)
        })
    }

    fn __repr__(&self) -> String {
        let live = !self.view.load(Ordering::Acquire).is_null();
        format!("WorldView({})", if live { "live" } else { "expired" })
    }
}

/// The first error an invariant raised in one exploration (it stops there).
type Stash = Arc<Mutex<Option<PyErr>>>;

/// Clears the view's pointer when the call ends, however it ends.
struct Expire<'a>(&'a PyWorldView);

impl Drop for Expire<'_> {
    fn drop(&mut self) {
        self.0.view.store(std::ptr::null_mut(), Ordering::Release);
    }
}

const STOPPED: &str = "the exploration stopped: an invariant could not be checked";

/// Calls a Python invariant on `view` and reads its answer.
fn call_invariant(name: &str, func: &Py<PyAny>, view: &WorldView<'_>, stash: &Stash) -> Result<(), String> {
    if stash.lock().map_or(true, |s| s.is_some()) {
        return Err(STOPPED.into());
    }
    Python::attach(|py| {
        let answer = (|| -> PyResult<Result<(), String>> {
            let lent =
                Bound::new(py, PyWorldView { view: AtomicPtr::new(view as *const WorldView<'_> as *mut c_void) })?;
            let expire = Expire(lent.get());
            let answer = func.bind(py).call1((lent.clone(),));
            drop(expire);
            match answer {
                Ok(value) => read_answer(name, &value),
                Err(e) if e.is_instance_of::<PyAssertionError>(py) => Ok(Err(assertion_message(py, &e))),
                Err(e) if !e.is_instance_of::<pyo3::exceptions::PyException>(py) => Err(e),
                Err(e) => {
                    let err = InvariantError::new_err((
                        name.to_string(),
                        format!("the invariant `{name}` raised {}", describe_exception(py, &e)),
                    ));
                    err.set_cause(py, Some(e));
                    Err(err)
                }
            }
        })();
        match answer {
            Ok(verdict) => verdict,
            Err(e) => {
                if let Ok(mut slot) = stash.lock() {
                    slot.get_or_insert(e);
                }
                Err(STOPPED.into())
            }
        }
    })
}

/// `None`/`True`: holds; `False` or a message: broken; anything else: an error.
fn read_answer(name: &str, value: &Bound<'_, PyAny>) -> PyResult<Result<(), String>> {
    if value.is_none() {
        return Ok(Ok(()));
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(if b.is_true() { Ok(()) } else { Err("the invariant returned False".into()) });
    }
    if let Ok(s) = value.cast::<PyString>() {
        let text = s.to_cow()?.into_owned();
        return Ok(Err(if text.is_empty() { "the invariant returned an empty message".into() } else { text }));
    }
    let shown = value.repr().map(|r| r.to_string()).unwrap_or_else(|_| "a value".into());
    Err(InvariantError::new_err((
        name.to_string(),
        format!(
            "the invariant `{name}` returned {shown}: an invariant returns None or True when it holds, and False \
             or a message when it breaks"
        ),
    )))
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

/// A broken invariant.
#[pyclass(frozen, module = "stepforge", name = "Violation")]
#[derive(Clone)]
pub struct PyViolation {
    /// The invariant's name.
    #[pyo3(get)]
    invariant: String,
    /// What it said.
    #[pyo3(get)]
    message: String,
    /// The step after which it broke.
    #[pyo3(get)]
    step: u64,
}

impl From<Violation> for PyViolation {
    fn from(v: Violation) -> Self {
        PyViolation { invariant: v.invariant, message: v.message, step: v.step }
    }
}

#[pymethods]
impl PyViolation {
    fn __repr__(&self) -> String {
        format!("Violation(invariant={:?}, message={:?}, step={})", self.invariant, self.message, self.step)
    }
}

/// A failing schedule, shrunk, with what happened in it.
#[pyclass(frozen, module = "stepforge", name = "Counterexample")]
pub struct PyCounterexample {
    violation: PyViolation,
    /// The shrunk schedule (`SEED:PICKS`): `explorer.replay(this)` runs it again.
    #[pyo3(get)]
    schedule: String,
    /// The schedule as first found.
    #[pyo3(get)]
    found: String,
    /// Steps of the shrunk schedule.
    #[pyo3(get)]
    steps: u64,
    /// Every step as a person reads it: who did what, the item after each write.
    #[pyo3(get)]
    timeline: String,
    /// A Mermaid sequence diagram of the steps that matter.
    #[pyo3(get)]
    mermaid: String,
    described: String,
}

impl From<&Counterexample> for PyCounterexample {
    fn from(cx: &Counterexample) -> Self {
        PyCounterexample {
            violation: cx.violation.clone().into(),
            schedule: cx.schedule.to_string(),
            found: cx.found.to_string(),
            steps: cx.steps,
            timeline: report::timeline_text(&cx.timeline),
            mermaid: cx.mermaid(),
            described: cx.describe(),
        }
    }
}

#[pymethods]
impl PyCounterexample {
    /// What broke.
    #[getter]
    fn violation(&self) -> PyViolation {
        self.violation.clone()
    }
    /// The counterexample in words: what broke, the schedule to replay, the timeline.
    fn describe(&self) -> &str {
        &self.described
    }
    fn __repr__(&self) -> String {
        format!(
            "Counterexample(invariant={:?}, steps={}, schedule={:?})",
            self.violation.invariant, self.steps, self.schedule
        )
    }
}

/// What an exploration did.
#[pyclass(frozen, module = "stepforge", name = "ExploreReport")]
pub struct PyReport {
    /// `"random"` or `"exhaustive"`.
    #[pyo3(get)]
    mode: &'static str,
    /// Schedules run to their end (exhaustive: paths not cut at a known state).
    #[pyo3(get)]
    schedules: u64,
    /// Distinct world states seen (exhaustive mode; 0 in random mode).
    #[pyo3(get)]
    states: u64,
    /// Paths cut at a state already explored (exhaustive mode).
    #[pyo3(get)]
    pruned: u64,
    /// Steps taken over all schedules.
    #[pyo3(get)]
    transitions: u64,
    /// Wall time, seconds.
    #[pyo3(get)]
    elapsed_seconds: f64,
    /// Everything was explored (exhaustive) and no invariant broke.
    #[pyo3(get)]
    complete: bool,
    /// Schedules per second.
    #[pyo3(get)]
    schedules_per_second: f64,
    /// Steps per second.
    #[pyo3(get)]
    transitions_per_second: f64,
    counterexample: Option<Py<PyCounterexample>>,
    summary: String,
}

impl PyReport {
    fn new(py: Python<'_>, r: &Report) -> PyResult<Self> {
        Ok(PyReport {
            mode: r.mode,
            schedules: r.schedules,
            states: r.states,
            pruned: r.pruned,
            transitions: r.transitions,
            elapsed_seconds: r.elapsed.as_secs_f64(),
            complete: r.complete,
            schedules_per_second: r.schedules_per_second(),
            transitions_per_second: r.transitions_per_second(),
            counterexample: r.counterexample.as_ref().map(|cx| Py::new(py, PyCounterexample::from(cx))).transpose()?,
            summary: r.summary(),
        })
    }
}

#[pymethods]
impl PyReport {
    /// The first broken invariant, shrunk (None: every invariant held).
    #[getter]
    fn counterexample(&self, py: Python<'_>) -> Option<Py<PyCounterexample>> {
        self.counterexample.as_ref().map(|c| c.clone_ref(py))
    }
    /// One line: mode, counts, rates, verdict.
    fn summary(&self) -> &str {
        &self.summary
    }
    fn __repr__(&self) -> String {
        format!("ExploreReport({})", self.summary)
    }
}

/// One schedule replayed: the violation (if any), its timeline and the executions at its end.
#[pyclass(frozen, module = "stepforge", name = "Replay")]
pub struct PyReplay {
    violation: Option<PyViolation>,
    /// Every step as a person reads it.
    #[pyo3(get)]
    timeline: String,
    /// A Mermaid sequence diagram of the steps that matter.
    #[pyo3(get)]
    mermaid: String,
    executions: Vec<stepforge::exec::Execution>,
}

#[pymethods]
impl PyReplay {
    /// The broken invariant, or None.
    #[getter]
    fn violation(&self) -> Option<PyViolation> {
        self.violation.clone()
    }
    /// Every execution at the schedule's end, with its history.
    fn executions(&self) -> Vec<PyExecution> {
        self.executions.iter().map(|e| PyExecution { inner: e.clone() }).collect()
    }
    fn __repr__(&self) -> String {
        format!("Replay(violation={:?})", self.violation.as_ref().map(|v| &v.invariant))
    }
}

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
                    match inv.at {
                        CheckAt::EveryStep => Invariant::every_step(inv.name.clone(), check),
                        CheckAt::End => Invariant::at_end(inv.name.clone(), check),
                    }
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
        let invariants = match invariants {
            Some(given) => invariant_list(py, given)?,
            None => Vec::new(),
        };
        let core_world = world.world.clone();
        let targets: Vec<String> = match fault_targets {
            Some(t) => {
                for m in &t {
                    if core_world.machine(m).is_none() {
                        return Err(explore_error(
                            "Config",
                            format!("fault_targets: no state machine {m:?} is registered in the world"),
                        ));
                    }
                }
                t
            }
            None => core_world.executions().map(|e| e.state_machine_arn().to_string()).collect(),
        };
        if let Some(p) = &probe
            && core_world.machine(&p.inner.machine).is_none()
        {
            return Err(explore_error(
                "Config",
                format!("probe: no state machine {:?} is registered in the world", p.inner.machine),
            ));
        }
        let target_refs: Vec<&str> = targets.iter().map(String::as_str).collect();
        let mut explorer = Explorer::new(core_world)
            .faults(faults_of(faults)?)
            .fault_targets(&target_refs)
            .watch_states(&watch_states.unwrap_or_default())
            .horizon_ms(millis(horizon_seconds, "horizon_seconds")?.max(1))
            .max_steps(max_steps)
            .threads(threads)
            .histories(histories)
            .shrink_runs(shrink_runs);
        if let Some(p) = probe {
            explorer = explorer.probe(p.inner);
        }
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
    fn random(&self, py: Python<'_>, schedules: u64, seed: u64) -> PyResult<PyReport> {
        let report = self.run(py, |ex| ex.random(schedules, seed))?;
        PyReport::new(py, &report)
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
    ) -> PyResult<PyReport> {
        let limits = ExhaustiveLimits { max_states, partial_order_reduction, seed, max_faults };
        match self.run(py, |ex| ex.exhaustive(&limits))? {
            Ok(report) => PyReport::new(py, &report),
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
            violation: violation.map(PyViolation::from),
            timeline: report::timeline_text(&records),
            mermaid: report::mermaid(&records),
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
