//! The local executor: runs a parsed [`Definition`](crate::asl::Definition)
//! on a virtual clock, many executions interleaved deterministically, with an
//! in-memory DynamoDB and task handlers supplied by the caller.
//!
//! A [`World`] holds the registered state machines, the executions (each a
//! tree of threads: the top level, Parallel branches, Map iterations, held as
//! plain data), the virtual clock and one event queue. Each call to
//! [`World::step`] takes one atomic transition among the events due at the
//! earliest virtual instant, chosen by the seeded generator or by a
//! [`Schedule`]; so a run is reproducible and a world can be cloned and
//! explored.

mod data;
pub mod dynamodb;
pub mod errors;
pub mod eval;
pub mod explore;
pub mod handler;
pub mod history;
pub mod host_args;
mod integrations;
pub mod map_run;
pub mod mock;
mod queue;
mod reader;
pub mod refusal;
pub mod schedule;
pub mod settle;
pub mod status;
mod step;
pub mod test_state;
mod timeline;
mod world;

pub use errors::Failure;
pub use handler::{TaskCall, TaskHandler, TaskOutcome};
pub use history::HistoryEvent;
pub use map_run::{MapRun, MapRunCounts, MapRunStatus};
pub use mock::TestCase;
pub use schedule::{EnabledEvent, EventKind, Fifo, Schedule};
pub use status::StatusRule;
pub use test_state::{TestStateError, test_state};
pub use timeline::Peak;
pub use world::{
    ACCOUNT, DEFAULT_EPOCH_MILLIS, DEFAULT_TRANSITION_LIMIT, ExecError, Execution, Idle, Machine, REGION, Status, World,
};
