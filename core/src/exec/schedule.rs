//! The one scheduler: whenever several events are due at the same virtual
//! instant (a DynamoDB call, a task completion, a timer, an event delivery),
//! one is chosen to happen first. By default the world's seeded generator
//! chooses; a [`Schedule`] lets a caller (an explorer of interleavings) choose.

/// What kind of event an [`EnabledEvent`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A state transition inside an execution (entering a state, a Parallel or Map finishing).
    Transition,
    /// A Task calls its resource: a handler, DynamoDB, a nested execution.
    TaskCall,
    /// A task's work ends (its result or error arrives).
    TaskCompletion,
    /// A timer: a Wait, a retry interval, a task or execution timeout.
    Timer,
    /// A status-change event reaches its rule's target.
    Delivery,
}

/// An event that may happen next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnabledEvent {
    /// Its id, for [`World::step_event`](super::World::step_event).
    pub id: u64,
    /// When it is due on the virtual clock (ms since the Unix epoch).
    pub due_millis: i64,
    /// Its kind.
    pub kind: EventKind,
    /// The execution it belongs to, if any.
    pub execution_arn: Option<String>,
    /// The state the execution's thread is in, if any.
    pub state: Option<String>,
    /// Whether it calls an integration (DynamoDB, a handler, startExecution).
    pub integration: bool,
}

/// Chooses which of several simultaneous events happens first.
pub trait Schedule {
    /// The index in `enabled` (at least two events, all due at `now_millis`) of the one to take.
    fn choose(&mut self, now_millis: i64, enabled: &[EnabledEvent]) -> usize;
}

/// Always the oldest event first: first in, first out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fifo;

impl Schedule for Fifo {
    fn choose(&mut self, _now: i64, _enabled: &[EnabledEvent]) -> usize {
        0
    }
}
