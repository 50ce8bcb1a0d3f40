//! The eight state classes, over `stepforge::builder`'s state types.
//!
//! `Pass(name, **options)`: the options are exactly the type's `OPTIONS`
//! (snake_case ASL field names), set through `stepforge::builder::set_option`
//! and checked, like everything else, when the state machine renders. A
//! `None` option value is JSON `null` (`result_path=None` discards the result).
//!
//! Each class derives from `State`, which holds the core handle and the
//! Python objects this state links to (see `chain.rs` for why).

use std::sync::Mutex;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyString, PyTuple};
use pyo3::{PyClassInitializer, PyTraverseError};
use serde_json::Value;
use stepforge::asl::{ExecutionType, JitterStrategy, ProcessorConfig, ProcessorMode};
use stepforge::builder::{self, Catch, Retry, StateRef, WhenOptions, options_of, set_option};
use stepforge::error::escape_token;
use stepforge::{Problem, Problems};

use crate::chain::{Linkable, PyChain, next};
use crate::condition::PyCondition;
use crate::convert::to_payload;
use crate::errors::{check, guard, problems_error};

/// The base class of `Pass`, `Task`, `Choice`, `Wait`, `Succeed`, `Fail`,
/// `Parallel` and `Map`: a named state of a state machine.
#[pyclass(frozen, subclass, weakref, module = "stepforge", name = "State")]
pub struct PyState {
    pub(crate) handle: StateRef,
    /// The Python objects of the states this one leads to (next, rules,
    /// otherwise, catch handlers, branches, item processor).
    links: Mutex<Vec<Py<PyAny>>>,
}

impl PyState {
    fn init(handle: StateRef) -> PyClassInitializer<PyState> {
        PyClassInitializer::from(PyState { handle, links: Mutex::new(Vec::new()) })
    }

    /// Remembers that this state leads to `target`.
    pub(crate) fn link(&self, py: Python<'_>, target: &Py<PyAny>) {
        let mut links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        if !links.iter().any(|l| l.is(target)) {
            links.push(target.clone_ref(py));
        }
    }

    pub(crate) fn links(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
        self.links.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|l| l.clone_ref(py)).collect()
    }
}

#[pymethods]
impl PyState {
    /// The state's name (unique in the state machine; at most 80 characters).
    #[getter]
    fn name(&self) -> String {
        self.handle.name()
    }

    #[setter]
    fn set_name(&self, name: String) {
        self.handle.set_name(name);
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let name = PyString::new(slf.py(), &slf.get().handle.name());
        Ok(format!("{}({})", slf.get_type().name()?, name.repr()?))
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        // Never block in the collector: a held lock means no reference is being changed by us.
        if let Ok(links) = self.links.try_lock() {
            for l in links.iter() {
                visit.call(l)?;
            }
        }
        Ok(())
    }

    fn __clear__(&self) {
        if let Ok(mut links) = self.links.lock() {
            links.clear();
        }
    }
}

/// Sets the keyword options of a constructor, in the order given.
fn apply_options(class: &str, state: &StateRef, options: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
    let Some(options) = options else { return Ok(()) };
    let valid = options_of(state.kind());
    for (key, value) in options.iter() {
        let key: String = key.extract()?;
        let Some((_, field)) = valid.iter().find(|(name, _)| *name == key) else {
            let names: Vec<&str> = valid.iter().map(|(n, _)| *n).collect();
            return Err(PyTypeError::new_err(format!(
                "{class}() got an unexpected option `{key}`; the options of {class} are: {}",
                names.join(", ")
            )));
        };
        let name = state.name();
        let what = format!("{class}({}) option `{key}`", PyString::new(options.py(), &name).repr()?);
        let value = to_payload(&value, &what)?;
        // Problems inside the value point into it; place them at the field.
        let base = format!("/States/{}/{field}", escape_token(&name));
        let value = guard(|| value.into_value())?.map_err(|p| problems_error(at(&base, p)))?;
        check(|| set_option(state, &key, value))?;
    }
    Ok(())
}

fn at(base: &str, problems: Problems) -> Problems {
    Problems(problems.0.into_iter().map(|p| Problem { pointer: format!("{base}{}", p.pointer), ..p }).collect())
}

/// A payload argument (`output=`, `assign=`) as JSON.
fn payload(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Value>> {
    let Some(value) = value else { return Ok(None) };
    let value = to_payload(value, what)?;
    check(|| value.into_value()).map(Some)
}

/// Error names for `add_retry`/`add_catch`: a list of str, or one str.
fn error_names(errors: Option<&Bound<'_, PyAny>>, method: &str) -> PyResult<Vec<String>> {
    let Some(errors) = errors else { return Ok(Vec::new()) };
    if let Ok(s) = errors.cast::<PyString>() {
        return Ok(vec![s.to_cow()?.to_string()]);
    }
    let bad = || PyTypeError::new_err(format!("{method}(): `errors` must be a list of error names (str)"));
    errors.try_iter().map_err(|_| bad())?.map(|e| e?.extract::<String>().map_err(|_| bad())).collect()
}

/// A whole number >= 0 for a Retry field.
pub(crate) fn count(value: Option<&Bound<'_, PyAny>>, method: &str, arg: &str) -> PyResult<Option<u64>> {
    let Some(value) = value else { return Ok(None) };
    if value.cast::<PyInt>().is_err() || value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{method}(): `{arg}` must be an int, not {}",
            value.get_type().name()?
        )));
    }
    value
        .extract::<u64>()
        .map(Some)
        .map_err(|_| PyValueError::new_err(format!("{method}(): `{arg}` must be between 0 and 2**64 - 1, got {value}")))
}

/// An enum argument spelled as in ASL (`"FULL"`); the error lists the spellings.
pub(crate) fn one_of<T: Copy>(
    value: Option<&str>,
    options: &[(T, &str)],
    method: &str,
    arg: &str,
) -> PyResult<Option<T>> {
    let Some(value) = value else { return Ok(None) };
    match options.iter().find(|(_, s)| *s == value) {
        Some((t, _)) => Ok(Some(*t)),
        None => {
            let names: Vec<String> = options.iter().map(|(_, s)| format!("{s:?}")).collect();
            Err(PyValueError::new_err(format!(
                "{method}(): `{arg}` must be one of {}, got {value:?}",
                names.join(", ")
            )))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn retry(
    class: &str,
    errors: Option<&Bound<'_, PyAny>>,
    interval_seconds: Option<&Bound<'_, PyAny>>,
    max_attempts: Option<&Bound<'_, PyAny>>,
    backoff_rate: Option<f64>,
    max_delay_seconds: Option<&Bound<'_, PyAny>>,
    jitter_strategy: Option<&str>,
    comment: Option<String>,
) -> PyResult<Retry> {
    let method = format!("{class}.add_retry");
    let jitter = [JitterStrategy::Full, JitterStrategy::None].map(|j| (j, j.as_str()));
    Ok(Retry {
        errors: error_names(errors, &method)?,
        interval_seconds: count(interval_seconds, &method, "interval_seconds")?,
        max_attempts: count(max_attempts, &method, "max_attempts")?,
        backoff_rate,
        max_delay_seconds: count(max_delay_seconds, &method, "max_delay_seconds")?,
        jitter_strategy: one_of(jitter_strategy, &jitter, &method, "jitter_strategy")?,
        comment,
    })
}

/// An argument that may be left out, where `None` is a value (JSON null):
/// `add_catch(result_path=None)` discards the error output.
pub(crate) enum Given {
    Absent,
    Value(Py<PyAny>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Given {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Given::Value(obj.to_owned().unbind()))
    }
}

#[allow(clippy::too_many_arguments)]
fn catch(
    py: Python<'_>,
    class: &str,
    errors: Option<&Bound<'_, PyAny>>,
    result_path: Given,
    output: Option<&Bound<'_, PyAny>>,
    assign: Option<&Bound<'_, PyAny>>,
    comment: Option<String>,
) -> PyResult<Catch> {
    let method = format!("{class}.add_catch");
    let result_path = match result_path {
        Given::Absent => None,
        Given::Value(v) => payload(Some(v.bind(py)), &format!("{method}() result_path"))?,
    };
    Ok(Catch {
        errors: error_names(errors, &method)?,
        result_path,
        output: payload(output, &format!("{method}() output"))?,
        assign: payload(assign, &format!("{method}() assign"))?,
        comment,
    })
}

/// `self` as a chainable, and the handler/branch/processor argument: links
/// them on the Python side (see `chain.rs`) and gives the core view.
fn target(slf: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<Linkable> {
    let target = Linkable::extract(value, what)?;
    let state = slf.cast::<PyState>()?;
    state.get().link(slf.py(), target.start_obj());
    Ok(target)
}

/// A `Pass` state: passes its input to its output, optionally injecting `result`.
///
/// Options: comment, query_language, input_path, parameters, result,
/// result_path, output_path, output, assign.
#[pyclass(frozen, extends = PyState, subclass, module = "stepforge", name = "Pass")]
pub struct PyPass;

#[pymethods]
impl PyPass {
    #[new]
    #[pyo3(signature = (name, **options))]
    fn new(name: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyClassInitializer<Self>> {
        let inner = builder::Pass::new(name);
        apply_options("Pass", inner.state(), options)?;
        Ok(PyState::init(inner.state().clone()).add_subclass(PyPass))
    }

    /// Follows this state with `next` (a state, chain or fragment); returns a chain.
    fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        self::next(slf.as_any(), next, "Pass.next()")
    }
}

/// A `Task` state: calls `resource` (a Lambda function, an activity or a service integration).
///
/// Options: comment, query_language, resource, credentials, input_path,
/// parameters, arguments, result_selector, result_path, output_path, output,
/// assign, timeout_seconds, timeout_seconds_path, heartbeat_seconds,
/// heartbeat_seconds_path.
#[pyclass(frozen, extends = PyState, subclass, module = "stepforge", name = "Task")]
pub struct PyTask {
    inner: builder::Task,
}

#[pymethods]
impl PyTask {
    #[new]
    #[pyo3(signature = (name, **options))]
    fn new(name: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyClassInitializer<Self>> {
        let inner = builder::Task::new(name);
        apply_options("Task", inner.state(), options)?;
        Ok(PyState::init(inner.state().clone()).add_subclass(PyTask { inner }))
    }

    /// Follows this state with `next` (a state, chain or fragment); returns a chain.
    fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        self::next(slf.as_any(), next, "Task.next()")
    }

    /// Adds a retrier (tried in the order added); `errors` defaults to `["States.ALL"]`. Returns this state.
    #[pyo3(signature = (*, errors = None, interval_seconds = None, max_attempts = None, backoff_rate = None,
        max_delay_seconds = None, jitter_strategy = None, comment = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_retry<'py>(
        slf: Bound<'py, Self>,
        errors: Option<&Bound<'_, PyAny>>,
        interval_seconds: Option<&Bound<'_, PyAny>>,
        max_attempts: Option<&Bound<'_, PyAny>>,
        backoff_rate: Option<f64>,
        max_delay_seconds: Option<&Bound<'_, PyAny>>,
        jitter_strategy: Option<&str>,
        comment: Option<String>,
    ) -> PyResult<Bound<'py, Self>> {
        let r = retry(
            "Task",
            errors,
            interval_seconds,
            max_attempts,
            backoff_rate,
            max_delay_seconds,
            jitter_strategy,
            comment,
        )?;
        let inner = slf.get().inner.clone();
        guard(|| inner.add_retry(r))?;
        Ok(slf)
    }

    /// Adds a catcher (tried in the order added) that moves on to `handler`;
    /// `errors` defaults to `["States.ALL"]`, `result_path=None` discards the
    /// error output. Returns this state.
    #[pyo3(signature = (handler, *, errors = None, result_path = Given::Absent, output = None, assign = None,
        comment = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_catch<'py>(
        slf: Bound<'py, Self>,
        handler: &Bound<'_, PyAny>,
        errors: Option<&Bound<'_, PyAny>>,
        result_path: Given,
        output: Option<&Bound<'_, PyAny>>,
        assign: Option<&Bound<'_, PyAny>>,
        comment: Option<String>,
    ) -> PyResult<Bound<'py, Self>> {
        let c = catch(slf.py(), "Task", errors, result_path, output, assign, comment)?;
        let handler = target(slf.as_any(), handler, "Task.add_catch() handler")?;
        let inner = slf.get().inner.clone();
        guard(|| inner.add_catch(&handler, c))?;
        Ok(slf)
    }
}

/// A `Choice` state: `when(condition, next)` rules, `otherwise(next)`, and
/// `afterwards()` to go on after its branches.
///
/// Options: comment, query_language, input_path, output_path, output, assign.
#[pyclass(frozen, extends = PyState, subclass, module = "stepforge", name = "Choice")]
pub struct PyChoice {
    inner: builder::Choice,
}

#[pymethods]
impl PyChoice {
    #[new]
    #[pyo3(signature = (name, **options))]
    fn new(name: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyClassInitializer<Self>> {
        let inner = builder::Choice::new(name);
        apply_options("Choice", inner.state(), options)?;
        Ok(PyState::init(inner.state().clone()).add_subclass(PyChoice { inner }))
    }

    /// Adds a rule: when `condition` holds, go to `next`. Returns this state.
    #[pyo3(signature = (condition, next, *, comment = None, assign = None, output = None))]
    fn when<'py>(
        slf: Bound<'py, Self>,
        condition: &Bound<'_, PyCondition>,
        next: &Bound<'_, PyAny>,
        comment: Option<String>,
        assign: Option<&Bound<'_, PyAny>>,
        output: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let options = WhenOptions {
            comment,
            assign: payload(assign, "Choice.when() assign")?,
            output: payload(output, "Choice.when() output")?,
        };
        let next = target(slf.as_any(), next, "Choice.when() next")?;
        let (inner, condition) = (slf.get().inner.clone(), condition.get().inner.clone());
        guard(|| inner.when_with(condition, &next, options))?;
        Ok(slf)
    }

    /// A Choice goes on through its rules: raises `ChainError`
    /// (`INVALID_CHAIN`) that says to use `when`/`otherwise` or `afterwards()`.
    fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        self::next(slf.as_any(), next, "Choice.next()")
    }

    /// Where to go when no rule holds (`Default`). Returns this state.
    fn otherwise<'py>(slf: Bound<'py, Self>, next: &Bound<'_, PyAny>) -> PyResult<Bound<'py, Self>> {
        let next = target(slf.as_any(), next, "Choice.otherwise()")?;
        let inner = slf.get().inner.clone();
        check(|| inner.otherwise(&next))?;
        Ok(slf)
    }

    /// A chain from this Choice to the open ends of all its branches, so that
    /// `choice.afterwards().next(x)` joins them again. With
    /// `include_otherwise=True` the missing `otherwise` is one of the ends.
    #[pyo3(signature = (*, include_otherwise = false))]
    fn afterwards(slf: &Bound<'_, Self>, include_otherwise: bool) -> PyResult<PyChain> {
        let chain = check(|| slf.get().inner.afterwards(include_otherwise))?;
        PyChain::from_core(slf.py(), chain, slf.clone().into_any().unbind())
    }
}

/// A `Wait` state: waits `seconds`, or until `timestamp` (or the `*_path` forms).
///
/// Options: comment, query_language, seconds, seconds_path, timestamp,
/// timestamp_path, input_path, output_path, output, assign.
#[pyclass(frozen, extends = PyState, subclass, module = "stepforge", name = "Wait")]
pub struct PyWait;

#[pymethods]
impl PyWait {
    #[new]
    #[pyo3(signature = (name, **options))]
    fn new(name: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyClassInitializer<Self>> {
        let inner = builder::Wait::new(name);
        apply_options("Wait", inner.state(), options)?;
        Ok(PyState::init(inner.state().clone()).add_subclass(PyWait))
    }

    /// Follows this state with `next` (a state, chain or fragment); returns a chain.
    fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        self::next(slf.as_any(), next, "Wait.next()")
    }
}

/// A `Succeed` state: ends the execution (or branch) successfully.
///
/// Options: comment, query_language, input_path, output_path, output.
#[pyclass(frozen, extends = PyState, subclass, module = "stepforge", name = "Succeed")]
pub struct PySucceed;

#[pymethods]
impl PySucceed {
    #[new]
    #[pyo3(signature = (name, **options))]
    fn new(name: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyClassInitializer<Self>> {
        let inner = builder::Succeed::new(name);
        apply_options("Succeed", inner.state(), options)?;
        Ok(PyState::init(inner.state().clone()).add_subclass(PySucceed))
    }

    /// Nothing follows a Succeed state: raises `ChainError` (`INVALID_CHAIN`),
    /// as `next` after a chain that ends in one does.
    fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        self::next(slf.as_any(), next, "Succeed.next()")
    }
}

/// A `Fail` state: ends the execution (or branch) with `error` and `cause`.
///
/// Options: comment, query_language, error, error_path, cause, cause_path.
#[pyclass(frozen, extends = PyState, subclass, module = "stepforge", name = "Fail")]
pub struct PyFail;

#[pymethods]
impl PyFail {
    #[new]
    #[pyo3(signature = (name, **options))]
    fn new(name: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyClassInitializer<Self>> {
        let inner = builder::Fail::new(name);
        apply_options("Fail", inner.state(), options)?;
        Ok(PyState::init(inner.state().clone()).add_subclass(PyFail))
    }

    /// Nothing follows a Fail state: raises `ChainError` (`INVALID_CHAIN`),
    /// as `next` after a chain that ends in one does.
    fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        self::next(slf.as_any(), next, "Fail.next()")
    }
}

/// A `Parallel` state: runs every `branch` on the same input.
///
/// Options: comment, query_language, input_path, parameters, arguments,
/// result_selector, result_path, output_path, output, assign.
#[pyclass(frozen, extends = PyState, subclass, module = "stepforge", name = "Parallel")]
pub struct PyParallel {
    inner: builder::Parallel,
}

#[pymethods]
impl PyParallel {
    #[new]
    #[pyo3(signature = (name, **options))]
    fn new(name: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyClassInitializer<Self>> {
        let inner = builder::Parallel::new(name);
        apply_options("Parallel", inner.state(), options)?;
        Ok(PyState::init(inner.state().clone()).add_subclass(PyParallel { inner }))
    }

    /// Follows this state with `next` (a state, chain or fragment); returns a chain.
    fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        self::next(slf.as_any(), next, "Parallel.next()")
    }

    /// Adds one branch per argument (each a state, chain or fragment). Returns this state.
    #[pyo3(signature = (*branches))]
    fn branch<'py>(slf: Bound<'py, Self>, branches: &Bound<'_, PyTuple>) -> PyResult<Bound<'py, Self>> {
        if branches.is_empty() {
            return Err(PyTypeError::new_err("Parallel.branch() needs at least one state, chain or fragment"));
        }
        for (i, b) in branches.iter().enumerate() {
            let branch = target(slf.as_any(), &b, &format!("Parallel.branch() argument {}", i + 1))?;
            let inner = slf.get().inner.clone();
            guard(|| inner.branch(&branch))?;
        }
        Ok(slf)
    }

    /// Adds a retrier (tried in the order added); `errors` defaults to `["States.ALL"]`. Returns this state.
    #[pyo3(signature = (*, errors = None, interval_seconds = None, max_attempts = None, backoff_rate = None,
        max_delay_seconds = None, jitter_strategy = None, comment = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_retry<'py>(
        slf: Bound<'py, Self>,
        errors: Option<&Bound<'_, PyAny>>,
        interval_seconds: Option<&Bound<'_, PyAny>>,
        max_attempts: Option<&Bound<'_, PyAny>>,
        backoff_rate: Option<f64>,
        max_delay_seconds: Option<&Bound<'_, PyAny>>,
        jitter_strategy: Option<&str>,
        comment: Option<String>,
    ) -> PyResult<Bound<'py, Self>> {
        let r = retry(
            "Parallel",
            errors,
            interval_seconds,
            max_attempts,
            backoff_rate,
            max_delay_seconds,
            jitter_strategy,
            comment,
        )?;
        let inner = slf.get().inner.clone();
        guard(|| inner.add_retry(r))?;
        Ok(slf)
    }

    /// Adds a catcher (tried in the order added) that moves on to `handler`;
    /// `errors` defaults to `["States.ALL"]`, `result_path=None` discards the
    /// error output. Returns this state.
    #[pyo3(signature = (handler, *, errors = None, result_path = Given::Absent, output = None, assign = None,
        comment = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_catch<'py>(
        slf: Bound<'py, Self>,
        handler: &Bound<'_, PyAny>,
        errors: Option<&Bound<'_, PyAny>>,
        result_path: Given,
        output: Option<&Bound<'_, PyAny>>,
        assign: Option<&Bound<'_, PyAny>>,
        comment: Option<String>,
    ) -> PyResult<Bound<'py, Self>> {
        let c = catch(slf.py(), "Parallel", errors, result_path, output, assign, comment)?;
        let handler = target(slf.as_any(), handler, "Parallel.add_catch() handler")?;
        let inner = slf.get().inner.clone();
        guard(|| inner.add_catch(&handler, c))?;
        Ok(slf)
    }
}

/// A `Map` state: runs its `item_processor` for each item, inline or distributed.
///
/// Options: comment, query_language, items_path, items, item_reader,
/// item_selector, item_batcher, max_concurrency, max_concurrency_path,
/// tolerated_failure_count, tolerated_failure_count_path,
/// tolerated_failure_percentage, tolerated_failure_percentage_path, label,
/// result_writer, input_path, result_selector, result_path, output_path,
/// output, assign.
#[pyclass(frozen, extends = PyState, subclass, module = "stepforge", name = "Map")]
pub struct PyMap {
    inner: builder::Map,
}

#[pymethods]
impl PyMap {
    #[new]
    #[pyo3(signature = (name, **options))]
    fn new(name: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyClassInitializer<Self>> {
        let inner = builder::Map::new(name);
        apply_options("Map", inner.state(), options)?;
        Ok(PyState::init(inner.state().clone()).add_subclass(PyMap { inner }))
    }

    /// Follows this state with `next` (a state, chain or fragment); returns a chain.
    fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        self::next(slf.as_any(), next, "Map.next()")
    }

    /// Sets the states run for each item; `mode` is `"INLINE"` or
    /// `"DISTRIBUTED"`, `execution_type` `"STANDARD"` or `"EXPRESS"` (both
    /// written as `ProcessorConfig` when given). Returns this state.
    #[pyo3(signature = (processor, *, mode = None, execution_type = None))]
    fn item_processor<'py>(
        slf: Bound<'py, Self>,
        processor: &Bound<'_, PyAny>,
        mode: Option<&str>,
        execution_type: Option<&str>,
    ) -> PyResult<Bound<'py, Self>> {
        let method = "Map.item_processor";
        let modes = [(ProcessorMode::Inline, "INLINE"), (ProcessorMode::Distributed, "DISTRIBUTED")];
        let types = [(ExecutionType::Standard, "STANDARD"), (ExecutionType::Express, "EXPRESS")];
        let mode = one_of(mode, &modes, method, "mode")?;
        let execution_type = one_of(execution_type, &types, method, "execution_type")?;
        let config = (mode.is_some() || execution_type.is_some()).then_some(ProcessorConfig { mode, execution_type });
        let processor = target(slf.as_any(), processor, "Map.item_processor()")?;
        let inner = slf.get().inner.clone();
        guard(|| inner.item_processor(&processor, config))?;
        Ok(slf)
    }

    /// Adds a retrier (tried in the order added); `errors` defaults to `["States.ALL"]`. Returns this state.
    #[pyo3(signature = (*, errors = None, interval_seconds = None, max_attempts = None, backoff_rate = None,
        max_delay_seconds = None, jitter_strategy = None, comment = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_retry<'py>(
        slf: Bound<'py, Self>,
        errors: Option<&Bound<'_, PyAny>>,
        interval_seconds: Option<&Bound<'_, PyAny>>,
        max_attempts: Option<&Bound<'_, PyAny>>,
        backoff_rate: Option<f64>,
        max_delay_seconds: Option<&Bound<'_, PyAny>>,
        jitter_strategy: Option<&str>,
        comment: Option<String>,
    ) -> PyResult<Bound<'py, Self>> {
        let r = retry(
            "Map",
            errors,
            interval_seconds,
            max_attempts,
            backoff_rate,
            max_delay_seconds,
            jitter_strategy,
            comment,
        )?;
        let inner = slf.get().inner.clone();
        guard(|| inner.add_retry(r))?;
        Ok(slf)
    }

    /// Adds a catcher (tried in the order added) that moves on to `handler`;
    /// `errors` defaults to `["States.ALL"]`, `result_path=None` discards the
    /// error output. Returns this state.
    #[pyo3(signature = (handler, *, errors = None, result_path = Given::Absent, output = None, assign = None,
        comment = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_catch<'py>(
        slf: Bound<'py, Self>,
        handler: &Bound<'_, PyAny>,
        errors: Option<&Bound<'_, PyAny>>,
        result_path: Given,
        output: Option<&Bound<'_, PyAny>>,
        assign: Option<&Bound<'_, PyAny>>,
        comment: Option<String>,
    ) -> PyResult<Bound<'py, Self>> {
        let c = catch(slf.py(), "Map", errors, result_path, output, assign, comment)?;
        let handler = target(slf.as_any(), handler, "Map.add_catch() handler")?;
        let inner = slf.get().inner.clone();
        guard(|| inner.add_catch(&handler, c))?;
        Ok(slf)
    }
}

/// A new Python object of the right class over a state the core made (a
/// fragment's states): `Pass`, `Task`, … with no links yet.
pub(crate) fn object_for(py: Python<'_>, handle: &StateRef) -> PyResult<Py<PyAny>> {
    use stepforge::builder::Kind;
    let base = PyState::init(handle.clone());
    let shape = || crate::errors::InternalError::new_err(format!("state `{}` is not of its kind", handle.name()));
    Ok(match handle.kind() {
        Kind::Pass => Py::new(py, base.add_subclass(PyPass))?.into_any(),
        Kind::Task => {
            let inner = builder::Task::try_from(handle.clone()).map_err(|_| shape())?;
            Py::new(py, base.add_subclass(PyTask { inner }))?.into_any()
        }
        Kind::Choice => {
            let inner = builder::Choice::try_from(handle.clone()).map_err(|_| shape())?;
            Py::new(py, base.add_subclass(PyChoice { inner }))?.into_any()
        }
        Kind::Wait => Py::new(py, base.add_subclass(PyWait))?.into_any(),
        Kind::Succeed => Py::new(py, base.add_subclass(PySucceed))?.into_any(),
        Kind::Fail => Py::new(py, base.add_subclass(PyFail))?.into_any(),
        Kind::Parallel => {
            let inner = builder::Parallel::try_from(handle.clone()).map_err(|_| shape())?;
            Py::new(py, base.add_subclass(PyParallel { inner }))?.into_any()
        }
        Kind::Map => {
            let inner = builder::Map::try_from(handle.clone()).map_err(|_| shape())?;
            Py::new(py, base.add_subclass(PyMap { inner }))?.into_any()
        }
    })
}
