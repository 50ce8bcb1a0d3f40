//! The local executor: runs a parsed [`Definition`](crate::asl::Definition)
//! on a virtual clock, many executions interleaved deterministically, with an
//! in-memory DynamoDB and task handlers supplied by the caller.

pub mod dynamodb;
pub mod eval;
