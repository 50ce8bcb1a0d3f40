//! Lambda tasks as the fragments create them by default.

use serde_json::json;

use crate::asl::{JitterStrategy, QueryLanguage};
use crate::builder::{Retry, Task};

/// The Lambda errors AWS recommends retrying for `lambda:invoke` (what the
/// CDK's `LambdaInvoke` retries by default).
pub const LAMBDA_TRANSIENT_ERRORS: &[&str] = &[
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
];

/// A task that invokes `function` (a name or ARN) with the state's input as
/// payload, retrying Lambda's transient errors.
pub fn invoke(name: &str, function: &str) -> Task {
    Task::new(name)
        .resource("arn:aws:states:::lambda:invoke")
        .parameters(json!({"FunctionName": function, "Payload.$": "$"}))
        .add_retry(retry())
}

/// [`invoke`] in JSONata: the state's input as payload (`Arguments`).
pub fn invoke_jsonata(name: &str, function: &str) -> Task {
    Task::new(name)
        .query_language(QueryLanguage::Jsonata)
        .resource("arn:aws:states:::lambda:invoke")
        .arguments(json!({"FunctionName": function, "Payload": "{% $states.input %}"}))
        .add_retry(retry())
}

/// Lambda's transient errors, retried 3 times with jittered backoff.
fn retry() -> Retry {
    Retry {
        errors: LAMBDA_TRANSIENT_ERRORS.iter().map(|e| e.to_string()).collect(),
        interval_seconds: Some(1),
        max_attempts: Some(3),
        backoff_rate: Some(2.0),
        max_delay_seconds: None,
        jitter_strategy: Some(JitterStrategy::Full),
        comment: None,
    }
}

/// The ARN of a function given by name or ARN, for IAM: a name becomes an
/// ARN in the caller's partition, region and account as CloudFormation writes it.
pub fn function_arn(function: &str) -> String {
    if function.starts_with("arn:") {
        function.to_string()
    } else {
        format!("arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{function}")
    }
}

/// The resources `lambda:InvokeFunction` needs for a function: the function and its versions and aliases.
pub fn invoke_resources(function: &str) -> Vec<String> {
    let arn = function_arn(function);
    vec![arn.clone(), format!("{arn}:*")]
}
