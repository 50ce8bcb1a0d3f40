//! Ready-made pieces of state machines, built with the [`builder`](crate::builder):
//! the DynamoDB-backed semaphore, the DynamoDB-list Map and the phased job graph,
//! each with the IAM actions it needs.
