//! An in-memory DynamoDB for the local executor.
