//! The errors DynamoDB answers with, by the bare names AWS gives them.

use std::fmt;

use serde_json::Value;

/// An error as DynamoDB reports it: the exception's bare name and its message.
/// The engine turns `code` into the Step Functions error name (`DynamoDB.<code>`
/// for the optimized integration, `DynamoDb.<code>` for the aws-sdk one).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    /// The exception name: `ConditionalCheckFailedException`, `ValidationException`,
    /// `ResourceNotFoundException`, `TransactionCanceledException`.
    pub code: String,
    /// DynamoDB's message.
    pub message: String,
    /// The item as it was, in DynamoDB JSON, when a condition failed and the
    /// request asked for it with `ReturnValuesOnConditionCheckFailure: ALL_OLD`.
    pub item: Option<Value>,
}

impl ServiceError {
    /// An error with `code` and `message`.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ServiceError { code: code.to_string(), message: message.into(), item: None }
    }

    /// A `ValidationException`: the request is malformed or breaks a rule.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", message)
    }

    /// A `ResourceNotFoundException` for a table that does not exist.
    pub fn table_not_found(table: &str) -> Self {
        Self::new("ResourceNotFoundException", format!("Requested resource not found: Table: {table} not found"))
    }

    /// A `ConditionalCheckFailedException`, with the old item when asked for.
    pub fn condition_failed(item: Option<Value>) -> Self {
        ServiceError { item, ..Self::new("ConditionalCheckFailedException", "The conditional request failed") }
    }
}

impl ServiceError {
    /// Whether the AWS SDKs model this exception as a class of its own.
    /// Step Functions names an error after the SDK's class, so for the others
    /// (`ValidationException`, `UnknownOperationException`, …) the error a
    /// state machine sees is the SDK's generic one: seed 001's semaphore
    /// catches `DynamoDB.AmazonDynamoDBException` for an update DynamoDB
    /// rejects. The engine decides the name; this says which case applies.
    pub fn is_modeled(&self) -> bool {
        const MODELED: [&str; 12] = [
            "ConditionalCheckFailedException",
            "DuplicateItemException",
            "IdempotentParameterMismatchException",
            "InternalServerErrorException",
            "ItemCollectionSizeLimitExceededException",
            "LimitExceededException",
            "ProvisionedThroughputExceededException",
            "RequestLimitExceeded",
            "ResourceInUseException",
            "ResourceNotFoundException",
            "TransactionCanceledException",
            "TransactionConflictException",
        ];
        MODELED.contains(&self.code.as_str())
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ServiceError {}

/// Shorthand for the operations' results.
pub type Result<T> = std::result::Result<T, ServiceError>;
