//! The eight state classes, made from the core's table of state types
//! (`stepforge::for_each_state!`): `Pass(name, **options)` takes exactly the
//! options the table lists for `Pass`, and its docstring lists them.
//!
//! Options are set by the core (`set_option_payload`, which also places any
//! problem inside a value at the state's field) and checked, like everything
//! else, when the state machine renders. A `None` option value is JSON
//! `null` (`result_path=None` discards the result).
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
use stepforge::builder::surface::{self, EXECUTION_TYPES, JITTER_STRATEGIES, PROCESSOR_MODES};
use stepforge::builder::{
    self, Catch, ProcessorConfig, Retry, StateRef, WhenOptions, option_names, set_option_payload,
};

use crate::chain::{Linkable, PyChain, next};
use crate::condition::PyCondition;
use crate::convert::to_payload;
use crate::errors::{check, guard};

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
    for (key, value) in options.iter() {
        let key: String = key.extract()?;
        if surface::option(state.kind(), &key, false).is_none() {
            return Err(PyTypeError::new_err(format!(
                "{class}() got an unexpected option `{key}`; the options of {class} are: {}",
                option_names(state.kind(), false).join(", ")
            )));
        }
        let what = format!("{class}({}) option `{key}`", PyString::new(options.py(), &state.name()).repr()?);
        let value = to_payload(&value, &what)?;
        check(|| set_option_payload(state, &key, value))?;
    }
    Ok(())
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

/// An enum argument spelled as in ASL (`"FULL"`), read by the core's
/// `parse`; the error lists the table's `spellings`.
pub(crate) fn one_of<T>(
    value: Option<&str>,
    spellings: &[&str],
    parse: fn(&str) -> Option<T>,
    method: &str,
    arg: &str,
) -> PyResult<Option<T>> {
    let Some(value) = value else { return Ok(None) };
    match parse(value) {
        Some(t) => Ok(Some(t)),
        None => {
            let names: Vec<String> = spellings.iter().map(|s| format!("{s:?}")).collect();
            Err(PyValueError::new_err(format!(
                "{method}(): `{arg}` must be one of {}, got {value:?}",
                names.join(", ")
            )))
        }
    }
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

/// `self` as a chainable, and the handler/branch/processor argument: links
/// them on the Python side (see `chain.rs`) and gives the core view.
fn target(slf: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<Linkable> {
    let target = Linkable::extract(value, what)?;
    let state = slf.cast::<PyState>()?;
    state.get().link(slf.py(), target.start_obj());
    Ok(target)
}

/// One class per row of the core's table; each ability adds its methods.
macro_rules! state_classes {
    ($(#[doc = $doc:tt] $name:ident($options:tt) [$($ability:ident)*] { $($opt:ident),* $(,)? })*) => {
        $(state_classes!(@class [$doc] $name { $($opt),* } [] {} $($ability)*);)*

        /// Adds `State` and the state classes to the module.
        pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
            m.add_class::<PyState>()?;
            $(m.add_class::<$name>()?;)*
            Ok(())
        }
    };
    (@class [$doc:tt] $name:ident { $($opt:ident),* } [$($methods:tt)*] {$($branch:ident)?} next $($rest:ident)*) => {
        state_classes!(@class [$doc] $name { $($opt),* } [$($methods)*
            /// Follows this state with `next` (a state, chain or fragment); returns a chain.
            fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
                self::next(slf.as_any(), next, concat!(stringify!($name), ".next()"))
            }
        ] {$($branch)?} $($rest)*);
    };
    (@class [$doc:tt] $name:ident { $($opt:ident),* } [$($methods:tt)*] {$($branch:ident)?} terminal $($rest:ident)*) => {
        state_classes!(@class [$doc] $name { $($opt),* } [$($methods)*
            /// Nothing follows this state: raises `ChainError` (`INVALID_CHAIN`),
            /// as `next` after a chain that ends in one does.
            fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
                self::next(slf.as_any(), next, concat!(stringify!($name), ".next()"))
            }
        ] {$($branch)?} $($rest)*);
    };
    (@class [$doc:tt] $name:ident { $($opt:ident),* } [$($methods:tt)*] {$($branch:ident)?} choice $($rest:ident)*) => {
        state_classes!(@class [$doc] $name { $($opt),* } [$($methods)*
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
        ] {$($branch)?} $($rest)*);
    };
    // `branch` takes `*branches`: pyo3 resolves varargs only in tokens from the
    // expansion that holds `#[pymethods]`, so the last arm writes it.
    (@class [$doc:tt] $name:ident { $($opt:ident),* } [$($methods:tt)*] {} branch $($rest:ident)*) => {
        state_classes!(@class [$doc] $name { $($opt),* } [$($methods)*] {branch} $($rest)*);
    };
    (@class [$doc:tt] $name:ident { $($opt:ident),* } [$($methods:tt)*] {$($branch:ident)?} processor $($rest:ident)*) => {
        state_classes!(@class [$doc] $name { $($opt),* } [$($methods)*
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
                let mode = one_of(mode, PROCESSOR_MODES, surface::processor_mode, method, "mode")?;
                let execution_type =
                    one_of(execution_type, EXECUTION_TYPES, surface::execution_type, method, "execution_type")?;
                let config =
                    (mode.is_some() || execution_type.is_some()).then_some(ProcessorConfig { mode, execution_type });
                let processor = target(slf.as_any(), processor, "Map.item_processor()")?;
                let inner = slf.get().inner.clone();
                guard(|| inner.item_processor(&processor, config))?;
                Ok(slf)
            }
        ] {$($branch)?} $($rest)*);
    };
    (@class [$doc:tt] $name:ident { $($opt:ident),* } [$($methods:tt)*] {$($branch:ident)?} errors $($rest:ident)*) => {
        state_classes!(@class [$doc] $name { $($opt),* } [$($methods)*
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
                let method = concat!(stringify!($name), ".add_retry");
                let retry = Retry {
                    errors: error_names(errors, method)?,
                    interval_seconds: count(interval_seconds, method, "interval_seconds")?,
                    max_attempts: count(max_attempts, method, "max_attempts")?,
                    backoff_rate,
                    max_delay_seconds: count(max_delay_seconds, method, "max_delay_seconds")?,
                    jitter_strategy: one_of(jitter_strategy, JITTER_STRATEGIES, surface::jitter_strategy, method,
                        "jitter_strategy")?,
                    comment,
                };
                let inner = slf.get().inner.clone();
                guard(|| inner.add_retry(retry))?;
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
                let method = concat!(stringify!($name), ".add_catch");
                let result_path = match result_path {
                    Given::Absent => None,
                    Given::Value(v) => payload(Some(v.bind(slf.py())), &format!("{method}() result_path"))?,
                };
                let catch = Catch {
                    errors: error_names(errors, method)?,
                    result_path,
                    output: payload(output, &format!("{method}() output"))?,
                    assign: payload(assign, &format!("{method}() assign"))?,
                    comment,
                };
                let handler = target(slf.as_any(), handler, &format!("{method}() handler"))?;
                let inner = slf.get().inner.clone();
                guard(|| inner.add_catch(&handler, catch))?;
                Ok(slf)
            }
        ] {$($branch)?} $($rest)*);
    };
    (@class [$doc:tt] $name:ident { $($opt:ident),* } [$($methods:tt)*] {$($branch:ident)?}) => {
        #[doc = $doc]
        #[doc = ""]
        #[doc = concat!("Options: ", stringify!($($opt),*), ".")]
        #[pyclass(frozen, extends = PyState, subclass, module = "stepforge")]
        pub struct $name {
            // Read by the methods of the types that have any beyond `next`.
            #[allow(dead_code)]
            inner: builder::$name,
        }

        #[pymethods]
        impl $name {
            #[new]
            #[pyo3(signature = (name, **options))]
            fn new(name: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyClassInitializer<Self>> {
                let inner = builder::$name::new(name);
                apply_options(stringify!($name), inner.state(), options)?;
                Ok(PyState::init(inner.state().clone()).add_subclass($name { inner }))
            }

            $($methods)*

            $(                /// Adds one branch per argument (each a state, chain or fragment). Returns this state.
                #[pyo3(signature = (*branches))]
                fn $branch<'py>(slf: Bound<'py, Self>, branches: &Bound<'_, PyTuple>) -> PyResult<Bound<'py, Self>> {
                    if branches.is_empty() {
                        return Err(PyTypeError::new_err("Parallel.branch() needs at least one state, chain or fragment"));
                    }
                    for (i, b) in branches.iter().enumerate() {
                        let branch = target(slf.as_any(), &b, &format!("Parallel.branch() argument {}", i + 1))?;
                        let inner = slf.get().inner.clone();
                        guard(|| inner.branch(&branch))?;
                    }
                    Ok(slf)
                })?
        }
    };
}

stepforge::for_each_state!(state_classes);

/// A new Python object of the right class over a state the core made (a
/// fragment's states): `Pass`, `Task`, … with no links yet.
pub(crate) fn object_for(py: Python<'_>, handle: &StateRef) -> PyResult<Py<PyAny>> {
    use stepforge::builder::Kind;
    macro_rules! object {
        ($class:ident) => {{
            let inner = builder::$class::try_from(handle.clone()).map_err(|_| {
                crate::errors::InternalError::new_err(format!("state `{}` is not of its kind", handle.name()))
            })?;
            Py::new(py, PyState::init(handle.clone()).add_subclass($class { inner }))?.into_any()
        }};
    }
    Ok(match handle.kind() {
        Kind::Pass => object!(Pass),
        Kind::Task => object!(Task),
        Kind::Choice => object!(Choice),
        Kind::Wait => object!(Wait),
        Kind::Succeed => object!(Succeed),
        Kind::Fail => object!(Fail),
        Kind::Parallel => object!(Parallel),
        Kind::Map => object!(Map),
    })
}
