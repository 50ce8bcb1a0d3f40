//! Ready-made pieces of state machines, built with the [`builder`](crate::builder):
//! the DynamoDB-backed semaphore, the DynamoDB-list Map and the phased job graph,
//! each with the IAM actions it needs.
//!
//! A fragment gives back builder states (a [`Fragment`](crate::builder::Fragment)
//! with a start and ends) that the caller chains like any other, and a list of
//! [`PolicyStatement`]s. Bad options are [`Problems`] at build
//! time, whose pointer names the option (`/limit`, `/stepfunc/maxConcurrency`).

pub mod asl_job;
pub mod cleanup;
pub mod dynamodb_map;
pub mod iam;
pub mod lambda;
pub mod phased_job;
pub mod semaphore;

pub use asl_job::{Job, job_from_json, job_from_str};
pub use cleanup::{CLEANUP_STATUSES, cleanup_event_pattern, cleanup_iam, cleanup_machine};
pub use dynamodb_map::{DynamoDbListMap, MapConfig};
pub use iam::{PolicyStatement, TableGrants, merge, policy_document, statements_json, table_arn_placeholder};
pub use phased_job::{Phase, PhasedJob};
pub use semaphore::{DEFAULT_LEASE_SECONDS, DynamoRetry, SEMAPHORE_OPTIONS, Semaphore, Semaphores, WaitStrategy};

use crate::error::{Code, Problem, Problems};

/// The longest state name Step Functions accepts.
pub const MAX_STATE_NAME: usize = 80;

/// An option error: `pointer` names the option (`/lock_name`), `message` says what is wrong.
pub(crate) fn option_error(code: Code, pointer: &str, message: impl Into<String>) -> Problems {
    Problems::from(Problem::new(code, pointer, message))
}
