//! The shared, mutable state objects the builder links together.
//!
//! States are handles (`Arc<Mutex<Node>>`): linking `a.next(b)` stores `b`'s
//! handle in `a`, exactly like the CDK's object graph. Identity is the
//! allocation, so two different states with one name are caught at render.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value};

/// The eight state types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Pass`.
    Pass,
    /// `Task`.
    Task,
    /// `Choice`.
    Choice,
    /// `Wait`.
    Wait,
    /// `Succeed`.
    Succeed,
    /// `Fail`.
    Fail,
    /// `Parallel`.
    Parallel,
    /// `Map`.
    Map,
}

impl Kind {
    /// The ASL `Type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pass => "Pass",
            Kind::Task => "Task",
            Kind::Choice => "Choice",
            Kind::Wait => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail => "Fail",
            Kind::Parallel => "Parallel",
            Kind::Map => "Map",
        }
    }

    /// Whether the type has `Next`/`End` (all but Choice, Succeed and Fail).
    pub fn has_next(self) -> bool {
        !matches!(self, Kind::Choice | Kind::Succeed | Kind::Fail)
    }

    /// Whether the type has `Retry` and `Catch`.
    pub fn handles_errors(self) -> bool {
        matches!(self, Kind::Task | Kind::Parallel | Kind::Map)
    }
}

/// A rule of a Choice state: the condition (an ASL rule object without
/// `Next`) and its target.
#[derive(Debug, Clone)]
pub(crate) struct ChoiceEdge {
    pub rule: Map<String, Value>,
    pub target: StateRef,
}

/// A catcher: its fields without `Next`, and the handler.
#[derive(Debug, Clone)]
pub(crate) struct CatchEdge {
    pub fields: Map<String, Value>,
    pub target: StateRef,
}

/// Everything a state holds: its plain ASL fields and its links.
#[derive(Debug)]
pub(crate) struct Node {
    pub name: String,
    pub kind: Kind,
    /// ASL fields other than `Type`, transitions, `Choices`, `Default`,
    /// `Retry`, `Catch`, `Branches` and the item processor.
    pub fields: Map<String, Value>,
    pub next: Option<StateRef>,
    pub choices: Vec<ChoiceEdge>,
    pub default: Option<StateRef>,
    pub retries: Vec<Value>,
    pub catches: Vec<CatchEdge>,
    /// Parallel: the start state of each branch.
    pub branches: Vec<StateRef>,
    /// Map: the start state of the item processor, and its `ProcessorConfig`.
    pub processor: Option<(StateRef, Option<Value>)>,
}

/// A handle to a state. Cloning it shares the state; equality and hashing
/// are by identity, not by content.
#[derive(Debug, Clone)]
pub struct StateRef(Arc<Mutex<Node>>);

impl PartialEq for StateRef {
    fn eq(&self, other: &StateRef) -> bool {
        self.same(other)
    }
}

impl Eq for StateRef {}

impl std::hash::Hash for StateRef {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl StateRef {
    pub(crate) fn new(kind: Kind, name: String) -> StateRef {
        StateRef(Arc::new(Mutex::new(Node {
            name,
            kind,
            fields: Map::new(),
            next: None,
            choices: Vec::new(),
            default: None,
            retries: Vec::new(),
            catches: Vec::new(),
            branches: Vec::new(),
            processor: None,
        })))
    }

    /// Locks the node. A poisoned lock (a panic while it was held, which the
    /// builder never does) still yields the data.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Node> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether two handles are the same state.
    pub fn same(&self, other: &StateRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// A number that identifies the state while it lives (its allocation):
    /// two handles have the same id exactly when they are the same state.
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// The state's name.
    pub fn name(&self) -> String {
        self.lock().name.clone()
    }

    /// Renames the state.
    pub fn set_name(&self, name: impl Into<String>) {
        self.lock().name = name.into();
    }

    /// The state's type.
    pub fn kind(&self) -> Kind {
        self.lock().kind
    }

    /// Sets (or, with `Value::Null` for keys that cannot be null, keeps) a raw ASL field.
    pub fn set_field(&self, key: &str, value: Value) {
        self.lock().fields.insert(key.to_string(), value);
    }

    /// A raw ASL field, if set.
    pub fn field(&self, key: &str) -> Option<Value> {
        self.lock().fields.get(key).cloned()
    }

    /// Every state this one links to directly, in render order: `Next`,
    /// Choice rules, `Default`, Catch handlers.
    pub(crate) fn successors(&self) -> Vec<StateRef> {
        let node = self.lock();
        let mut out = Vec::new();
        out.extend(node.next.iter().cloned());
        out.extend(node.choices.iter().map(|c| c.target.clone()));
        out.extend(node.default.iter().cloned());
        out.extend(node.catches.iter().map(|c| c.target.clone()));
        out
    }

    /// The start states of the scopes nested in this one (branches, item processor).
    pub(crate) fn nested_starts(&self) -> Vec<StateRef> {
        let node = self.lock();
        let mut out: Vec<StateRef> = node.branches.clone();
        out.extend(node.processor.iter().map(|(s, _)| s.clone()));
        out
    }
}
