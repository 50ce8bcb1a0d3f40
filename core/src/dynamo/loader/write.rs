//! Sending one batch with `BatchWriteItem`, and every retry it needs:
//! UnprocessedItems and throttling are retried with backoff; a validation
//! error splits the batch to find the item at fault; other errors are
//! retried a bounded number of times. Whatever cannot be written comes back
//! with its reason.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue as Sdk, PutRequest, WriteRequest};

use super::pacing::Backoff;
use super::sdk::key_string;

/// An item ready to send.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Its number in the input.
    pub seq: u64,
    /// The item as the SDK sends it.
    pub item: HashMap<String, Sdk>,
    /// Its key as a string.
    pub key: String,
}

/// How hard to try.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Waits between attempts.
    pub backoff: Backoff,
    /// Attempts for items that come back unprocessed or throttled.
    pub throttle_attempts: u32,
    /// Attempts for other errors (network, 5xx).
    pub error_attempts: u32,
}

/// What became of a batch.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Items written.
    pub written: Vec<u64>,
    /// Items given up on, with the reason.
    pub rejected: Vec<(u64, String)>,
    /// Requests sent.
    pub requests: u64,
    /// Items resent because DynamoDB returned them unprocessed.
    pub unprocessed_retries: u64,
    /// Requests retried after throttling.
    pub throttled_retries: u64,
    /// Requests retried after other errors.
    pub error_retries: u64,
    /// An error that should stop the whole load (table missing, no access).
    pub fatal: Option<String>,
}

/// How an error is handled.
enum Kind {
    Throttled,
    Invalid(String),
    Fatal(String),
    Transient(String),
}

fn classify<E: ProvideErrorMetadata + std::error::Error + 'static, R: std::fmt::Debug>(err: &SdkError<E, R>) -> Kind {
    match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("");
            let message = format!("{code}: {}", e.message().unwrap_or("(no message)"));
            match code {
                "ProvisionedThroughputExceededException"
                | "ThrottlingException"
                | "RequestLimitExceeded"
                | "TooManyRequestsException" => Kind::Throttled,
                "ValidationException" | "SerializationException" => Kind::Invalid(message),
                "ResourceNotFoundException"
                | "AccessDeniedException"
                | "UnrecognizedClientException"
                | "MissingAuthenticationTokenException"
                | "InvalidSignatureException"
                | "ExpiredTokenException" => Kind::Fatal(message),
                _ => Kind::Transient(message),
            }
        }
        SdkError::ConstructionFailure(_) => Kind::Fatal(format!("could not build the request: {}", error_chain(err))),
        _ => Kind::Transient(error_chain(err)),
    }
}

/// An error and its causes on one line.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut s = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        s.push_str(": ");
        s.push_str(&e.to_string());
        source = e.source();
    }
    s
}

/// Writes `batch` (at most 25 items, distinct keys) into `table`.
pub async fn write_batch(
    client: &Client,
    table: &str,
    key_names: &[String],
    batch: Vec<Pending>,
    policy: RetryPolicy,
) -> Outcome {
    let mut out = Outcome::default();
    let mut queue = vec![batch];
    while let Some(batch) = queue.pop() {
        write_one(client, table, key_names, batch, policy, &mut out, &mut queue).await;
        if out.fatal.is_some() {
            break;
        }
    }
    out
}

async fn write_one(
    client: &Client,
    table: &str,
    key_names: &[String],
    batch: Vec<Pending>,
    policy: RetryPolicy,
    out: &mut Outcome,
    split: &mut Vec<Vec<Pending>>,
) {
    let mut waiting: HashMap<String, Pending> = batch.into_iter().map(|p| (p.key.clone(), p)).collect();
    let (mut throttles, mut errors) = (0u32, 0u32);
    while !waiting.is_empty() {
        let mut requests = Vec::with_capacity(waiting.len());
        let mut unbuildable = Vec::new();
        for (key, p) in &waiting {
            match PutRequest::builder().set_item(Some(p.item.clone())).build() {
                Ok(put) => requests.push(WriteRequest::builder().put_request(put).build()),
                Err(e) => unbuildable.push((key.clone(), e.to_string())),
            }
        }
        for (key, why) in unbuildable {
            if let Some(p) = waiting.remove(&key) {
                out.rejected.push((p.seq, why));
            }
        }
        if requests.is_empty() {
            return;
        }
        out.requests += 1;
        let result = client.batch_write_item().request_items(table, requests).send().await;
        let delay = match result {
            Ok(response) => {
                let unprocessed: Vec<String> = response
                    .unprocessed_items()
                    .and_then(|m| m.get(table))
                    .map(|reqs| {
                        reqs.iter().filter_map(|r| r.put_request()).map(|p| key_string(p.item(), key_names)).collect()
                    })
                    .unwrap_or_default();
                // Everything not returned as unprocessed was written.
                let mut still = HashMap::with_capacity(unprocessed.len());
                for key in unprocessed {
                    if let Some(p) = waiting.remove(&key) {
                        still.insert(key, p);
                    }
                }
                out.written.extend(waiting.drain().map(|(_, p)| p.seq));
                waiting = still;
                if waiting.is_empty() {
                    return;
                }
                throttles += 1;
                if throttles >= policy.throttle_attempts {
                    let why = format!("DynamoDB still returned it unprocessed after {throttles} attempts");
                    out.rejected.extend(waiting.drain().map(|(_, p)| (p.seq, why.clone())));
                    return;
                }
                out.unprocessed_retries += waiting.len() as u64;
                policy.backoff.delay(throttles)
            }
            Err(err) => match classify(&err) {
                Kind::Throttled => {
                    throttles += 1;
                    if throttles >= policy.throttle_attempts {
                        let why = format!("still throttled after {throttles} attempts");
                        out.rejected.extend(waiting.drain().map(|(_, p)| (p.seq, why.clone())));
                        return;
                    }
                    out.throttled_retries += 1;
                    policy.backoff.delay(throttles)
                }
                Kind::Invalid(message) => {
                    // One bad item fails the whole request: send the items one
                    // by one to find it, and write the others.
                    if waiting.len() > 1 {
                        split.extend(waiting.drain().map(|(_, p)| vec![p]));
                    } else {
                        out.rejected.extend(waiting.drain().map(|(_, p)| (p.seq, message.clone())));
                    }
                    return;
                }
                Kind::Fatal(message) => {
                    out.fatal = Some(message);
                    return;
                }
                Kind::Transient(message) => {
                    errors += 1;
                    if errors >= policy.error_attempts {
                        let why = format!("failed {errors} times; last error: {message}");
                        out.rejected.extend(waiting.drain().map(|(_, p)| (p.seq, why.clone())));
                        return;
                    }
                    out.error_retries += 1;
                    policy.backoff.delay(errors)
                }
            },
        };
        tokio::time::sleep(delay.max(Duration::from_millis(1))).await;
    }
}
