//! Chaining: `Chain`, `Fragment`, and what the binding accepts as a chainable
//! argument: a state, a `Chain`, a `Fragment`, or any object with
//! `start_state` and `end_states` (CDK-style fragment classes).
//!
//! The core links states by handle and cannot hold Python objects, yet
//! `chain.start_state` should give back the very object the user made. So the
//! binding mirrors every link it makes in the core with a reference between the
//! Python objects (`PyState::link`): every state reachable in the core from a
//! live Python object has a live Python object too, and can be found by
//! walking those references ([`objects_of`]). `Chain` and `Fragment` keep the
//! objects of their start and end states.

use std::collections::HashSet;

use pyo3::exceptions::PyTypeError;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};
use pyo3::{PyTraverseError, intern};
use stepforge::builder::{Chain, Chainable, EndRef, Fragment, StateRef};

use crate::errors::{InternalError, check};
use crate::states::PyState;

/// Nesting limit for fragment objects whose `start_state`/`end_states` hold
/// further fragment objects (guards against an object that holds itself).
const MAX_NESTING: usize = 32;

/// A chainable argument as the core sees it (start state and ends) and the
/// Python state objects behind it: `end_objs[i]` is the state of `ends[i]`
/// (the Choice itself for an `afterwards(include_otherwise=True)` end).
pub(crate) struct Linkable {
    start: StateRef,
    ends: Vec<EndRef>,
    start_obj: Py<PyAny>,
    end_objs: Vec<Py<PyAny>>,
}

impl Chainable for Linkable {
    fn start_state(&self) -> StateRef {
        self.start.clone()
    }
    fn end_states(&self) -> Vec<EndRef> {
        self.ends.clone()
    }
}

impl Linkable {
    /// The Python object of the start state.
    pub(crate) fn start_obj(&self) -> &Py<PyAny> {
        &self.start_obj
    }

    fn clone_ref(&self, py: Python<'_>) -> Linkable {
        Linkable {
            start: self.start.clone(),
            ends: self.ends.clone(),
            start_obj: self.start_obj.clone_ref(py),
            end_objs: clone_all(py, &self.end_objs),
        }
    }

    /// Reads a chainable argument; `what` names it in errors (`"Pass.next()"`).
    pub(crate) fn extract(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Linkable> {
        Linkable::extract_nested(value, what, 0)
    }

    fn extract_nested(value: &Bound<'_, PyAny>, what: &str, depth: usize) -> PyResult<Linkable> {
        let py = value.py();
        if let Ok(state) = value.cast::<PyState>() {
            let handle = state.get().handle.clone();
            let ends = handle.end_states();
            let end_objs = ends.iter().map(|_| value.clone().unbind()).collect();
            return Ok(Linkable { start: handle, ends, start_obj: value.clone().unbind(), end_objs });
        }
        if let Ok(chain) = value.cast::<PyChain>() {
            return Ok(chain.get().link.clone_ref(py));
        }
        if let Ok(fragment) = value.cast::<PyFragment>() {
            return Ok(fragment.get().link(py));
        }
        let start_state = value.getattr_opt(intern!(py, "start_state"))?;
        let end_states = value.getattr_opt(intern!(py, "end_states"))?;
        let (Some(start_state), Some(end_states)) = (start_state, end_states) else {
            return Err(PyTypeError::new_err(format!(
                "{what}: expected a state, Chain, Fragment or an object with `start_state` and `end_states` \
                 (a StateMachineFragment), got {}",
                value.get_type().name()?
            )));
        };
        if depth >= MAX_NESTING {
            return Err(PyTypeError::new_err(format!(
                "{what}: fragments nested more than {MAX_NESTING} deep (does a fragment's start_state or end_states hold the fragment itself?)"
            )));
        }
        let owner = value.get_type().name()?;
        let start = Linkable::extract_nested(&start_state, &format!("{what}: {owner}.start_state"), depth + 1)?;
        let mut ends = Vec::new();
        let mut end_objs = Vec::new();
        let items = end_states.try_iter().map_err(|_| {
            PyTypeError::new_err(format!("{what}: {owner}.end_states must be a list of states or chains"))
        })?;
        for (i, item) in items.enumerate() {
            let item = item?;
            let end = Linkable::extract_nested(&item, &format!("{what}: {owner}.end_states[{i}]"), depth + 1)?;
            if end.ends.is_empty() {
                return Err(PyTypeError::new_err(format!(
                    "{what}: {owner}.end_states[{i}] (`{}`) has no end a next state could follow: \
                     Succeed, Fail and Choice states cannot be end states (use choice.afterwards())",
                    end.start.name()
                )));
            }
            ends.extend(end.ends);
            end_objs.extend(end.end_objs);
        }
        Ok(Linkable { start: start.start, ends, start_obj: start.start_obj, end_objs })
    }
}

fn clone_all(py: Python<'_>, objs: &[Py<PyAny>]) -> Vec<Py<PyAny>> {
    objs.iter().map(|o| o.clone_ref(py)).collect()
}

/// Records in Python that the state `from` leads to `to` (see the module docs).
pub(crate) fn link(py: Python<'_>, from: &Py<PyAny>, to: &Py<PyAny>) {
    if let Ok(state) = from.bind(py).cast::<PyState>() {
        state.get().link(py, to);
    }
}

/// `from.next(to)`: links every end of `from` to the start of `to`.
fn follow(py: Python<'_>, from: &Linkable, to: &Linkable) -> PyResult<Linkable> {
    // Mirror first: if the core links some ends and then refuses one, the
    // Python side still holds everything the core does.
    for end in &from.end_objs {
        link(py, end, &to.start_obj);
    }
    let chain = check(|| from.next(to))?;
    Ok(Linkable {
        start: chain.start_state(),
        ends: chain.end_states(),
        start_obj: from.start_obj.clone_ref(py),
        end_objs: clone_all(py, &to.end_objs),
    })
}

/// `x.next(y)` for any chainable `x` (a state's `next`, `Chain.next`, ...).
pub(crate) fn next(from: &Bound<'_, PyAny>, to: &Bound<'_, PyAny>, what: &str) -> PyResult<PyChain> {
    let py = from.py();
    let from = Linkable::extract(from, what)?;
    let to = Linkable::extract(to, what)?;
    Ok(PyChain { link: follow(py, &from, &to)? })
}

/// The Python objects of `wanted`, found by walking the Python side of the
/// links from `roots`.
pub(crate) fn objects_of(py: Python<'_>, roots: &[Py<PyAny>], wanted: &[StateRef]) -> PyResult<Vec<Py<PyAny>>> {
    let found = known_objects(py, roots);
    wanted
        .iter()
        .map(|w| {
            found.iter().find(|(s, _)| s.same(w)).map(|(_, o)| o.clone_ref(py)).ok_or_else(|| {
                InternalError::new_err(format!("stepforge lost track of the Python object of state `{}`", w.name()))
            })
        })
        .collect()
}

/// Every state object reachable from `roots` through the Python side of the
/// links, with the core state it stands for.
pub(crate) fn known_objects(py: Python<'_>, roots: &[Py<PyAny>]) -> Vec<(StateRef, Py<PyAny>)> {
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    let mut stack: Vec<Py<PyAny>> = clone_all(py, roots);
    while let Some(obj) = stack.pop() {
        if !seen.insert(obj.as_ptr() as usize) {
            continue;
        }
        if let Ok(state) = obj.bind(py).cast::<PyState>() {
            stack.extend(state.get().links(py));
            found.push((state.get().handle.clone(), obj));
        }
    }
    found
}

/// The `end_states` list: the state of each `Next` end; a Choice's missing
/// `otherwise` end (from `afterwards(include_otherwise=True)`) as a one-end
/// `Chain`, so the list can be handed back as a fragment's `end_states`.
fn end_list(py: Python<'_>, ends: &[EndRef], objs: &[Py<PyAny>]) -> PyResult<Vec<Py<PyAny>>> {
    ends.iter()
        .zip(objs)
        .map(|(end, obj)| match end {
            EndRef::Next(_) => Ok(obj.clone_ref(py)),
            EndRef::Default(choice) => {
                let link = Linkable {
                    start: choice.clone(),
                    ends: vec![end.clone()],
                    start_obj: obj.clone_ref(py),
                    end_objs: vec![obj.clone_ref(py)],
                };
                Ok(Py::new(py, PyChain { link })?.into_any())
            }
        })
        .collect()
}

fn visit_all(visit: &PyVisit<'_>, start: &Py<PyAny>, ends: &[Py<PyAny>]) -> Result<(), PyTraverseError> {
    visit.call(start)?;
    for e in ends {
        visit.call(e)?;
    }
    Ok(())
}

/// `'A', 'B'`: the names of states, as Python writes strings.
fn names(py: Python<'_>, states: impl IntoIterator<Item = StateRef>) -> PyResult<String> {
    let names = states.into_iter().map(|s| name_repr(py, &s)).collect::<PyResult<Vec<_>>>()?;
    Ok(names.join(", "))
}

fn name_repr(py: Python<'_>, state: &StateRef) -> PyResult<String> {
    Ok(PyString::new(py, &state.name()).repr()?.to_string())
}

/// States linked one after another: from a start state to its end states.
/// `a.next(b)` returns one; so do `Chain.start` and `Chain.sequence`.
#[pyclass(frozen, module = "stepforge", name = "Chain")]
pub struct PyChain {
    pub(crate) link: Linkable,
}

impl PyChain {
    /// A chain over a core chain whose Python objects are known.
    pub(crate) fn from_core(py: Python<'_>, chain: Chain, start_obj: Py<PyAny>) -> PyResult<PyChain> {
        let ends = chain.end_states();
        let end_objs =
            objects_of(py, std::slice::from_ref(&start_obj), &ends.iter().map(end_state).collect::<Vec<_>>())?;
        Ok(PyChain { link: Linkable { start: chain.start_state(), ends, start_obj, end_objs } })
    }
}

fn end_state(end: &EndRef) -> StateRef {
    match end {
        EndRef::Next(s) | EndRef::Default(s) => s.clone(),
    }
}

#[pymethods]
impl PyChain {
    /// A chain that starts with `chainable`: `Chain.start(step1).next(step2)`.
    #[staticmethod]
    fn start(chainable: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        let link = Linkable::extract(chainable, "Chain.start()")?;
        let chain = Chain::start(&link);
        Ok(PyChain { link: Linkable { start: chain.start_state(), ends: chain.end_states(), ..link } })
    }

    /// The chainables linked one after another: `Chain.sequence(a, b, c)` is `a.next(b).next(c)`.
    #[staticmethod]
    #[pyo3(signature = (*chainables))]
    fn sequence(py: Python<'_>, chainables: &Bound<'_, PyTuple>) -> PyResult<PyChain> {
        let links = chainables
            .iter()
            .enumerate()
            .map(|(i, c)| Linkable::extract(&c, &format!("Chain.sequence() argument {}", i + 1)))
            .collect::<PyResult<Vec<_>>>()?;
        for pair in links.windows(2) {
            for end in &pair[0].end_objs {
                link(py, end, &pair[1].start_obj);
            }
        }
        let refs: Vec<&dyn Chainable> = links.iter().map(|l| l as &dyn Chainable).collect();
        let chain = check(|| Chain::sequence(&refs))?;
        let (first, last) = (&links[0], &links[links.len() - 1]);
        Ok(PyChain {
            link: Linkable {
                start: chain.start_state(),
                ends: chain.end_states(),
                start_obj: first.start_obj.clone_ref(py),
                end_objs: clone_all(py, &last.end_objs),
            },
        })
    }

    /// Follows every end state of this chain with `next`; returns the longer chain.
    fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        self::next(slf.as_any(), next, "Chain.next()")
    }

    /// The state an execution of the chain enters first.
    #[getter]
    fn start_state(&self, py: Python<'_>) -> Py<PyAny> {
        self.link.start_obj.clone_ref(py)
    }

    /// The states a following state is attached to.
    #[getter]
    fn end_states(&self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
        end_list(py, &self.link.ends, &self.link.end_objs)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let ends = names(py, self.link.ends.iter().map(end_state))?;
        Ok(format!("Chain(start={}, ends=[{ends}])", name_repr(py, &self.link.start)?))
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit_all(&visit, &self.link.start_obj, &self.link.end_objs)
    }
}

/// A reusable piece of a state machine: a start state, end states, and the
/// states in between, whose names `prefix_states` can prefix so the same
/// piece can be used several times in one state machine.
#[pyclass(frozen, module = "stepforge", name = "Fragment")]
pub struct PyFragment {
    inner: Fragment,
    start_obj: Py<PyAny>,
    end_objs: Vec<Py<PyAny>>,
}

impl PyFragment {
    fn link(&self, py: Python<'_>) -> Linkable {
        Linkable {
            start: self.inner.start_state(),
            ends: self.inner.end_states(),
            start_obj: self.start_obj.clone_ref(py),
            end_objs: clone_all(py, &self.end_objs),
        }
    }
}

#[pymethods]
impl PyFragment {
    /// A fragment from `start` to `ends` (a list of states or chains; by
    /// default the open ends of `start`). Its states are those reachable from
    /// `start`, nested branches included, without going past an end state.
    #[new]
    #[pyo3(signature = (start, ends = None))]
    fn new(start: &Bound<'_, PyAny>, ends: Option<&Bound<'_, PyAny>>) -> PyResult<PyFragment> {
        let start = Linkable::extract(start, "Fragment() start")?;
        let (end_refs, end_objs) = match ends {
            None => (start.ends, start.end_objs),
            Some(ends) => {
                let mut refs = Vec::new();
                let mut objs = Vec::new();
                let items = ends
                    .try_iter()
                    .map_err(|_| PyTypeError::new_err("Fragment() ends must be a list of states or chains"))?;
                for (i, item) in items.enumerate() {
                    let end = Linkable::extract(&item?, &format!("Fragment() ends[{i}]"))?;
                    refs.extend(end.ends);
                    objs.extend(end.end_objs);
                }
                (refs, objs)
            }
        };
        let inner = Fragment::new(&start.start, end_refs);
        Ok(PyFragment { inner, start_obj: start.start_obj, end_objs })
    }

    /// Prefixes the name of every state of the fragment; returns the fragment.
    fn prefix_states<'py>(slf: Bound<'py, Self>, prefix: &str) -> PyResult<Bound<'py, Self>> {
        let fragment = slf.get().inner.clone();
        check(|| Ok(fragment.prefix_states(prefix)))?;
        Ok(slf)
    }

    /// Follows every end state of the fragment with `next`; returns a chain.
    fn next(slf: &Bound<'_, Self>, next: &Bound<'_, PyAny>) -> PyResult<PyChain> {
        self::next(slf.as_any(), next, "Fragment.next()")
    }

    /// The state an execution of the fragment enters first.
    #[getter]
    fn start_state(&self, py: Python<'_>) -> Py<PyAny> {
        self.start_obj.clone_ref(py)
    }

    /// The states a following state is attached to.
    #[getter]
    fn end_states(&self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
        end_list(py, &self.inner.end_states(), &self.end_objs)
    }

    /// Every state of the fragment.
    #[getter]
    fn states<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let objs = objects_of(py, std::slice::from_ref(&self.start_obj), self.inner.states())?;
        PyList::new(py, objs)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let ends = names(py, self.inner.end_states().iter().map(end_state))?;
        Ok(format!("Fragment(start={}, ends=[{ends}])", name_repr(py, &self.inner.start_state())?))
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit_all(&visit, &self.start_obj, &self.end_objs)
    }
}
