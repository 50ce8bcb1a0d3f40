//! The DynamoDB-backed semaphore (seeds 000 and 001): at most `limit`
//! executions run a job at once, counted in one item of a lock table
//! (partition key `LockName`, string).
//!
//! The lock item holds `currentlockcount` and one attribute per owner, named
//! by the execution id and holding the time it acquired the slot:
//!
//! ```text
//! { "LockName": "life", "currentlockcount": 2,
//!   "arn:aws:states:…:execution:m:one": "2025-01-01T10:00:00.000Z", … }
//! ```
//!
//! The fragment: `Get <lock> Lock: <n>` (a Parallel whose branch acquires a
//! slot), `Run <lock> Job: <n>` (a Parallel around the job, so any error of
//! the job is caught), `Release <lock> Lock: <n>` and `<lock> Lock Released:
//! <n>`, the fragment's end. Inside the acquire branch:
//!
//! - *Acquire*: an UpdateItem that adds one to the count and writes the owner
//!   entry, on condition `currentlockcount < :limit` (never `<>`, which
//!   admits more once the count is past the limit) and
//!   `attribute_not_exists(<execution id>)`. ConditionalCheckFailed is never
//!   retried (seed 001 spends about a minute in backoff there); it goes to
//!   *Read*. A missing lock item (DynamoDB rejects the update) goes to
//!   *Initialize*, which creates it and goes back to acquiring, never past the
//!   lock without a slot (seed 000's first defect).
//! - *Read* (JSONata): a consistent GetItem of the lock item, and from it
//!   whether the item exists, whether this execution already holds a slot
//!   (an update retried after its first attempt succeeded; seed 000's `*Z`
//!   check never matched), whether a slot is free, and the first owner older
//!   than the lease.
//! - *Check* goes to *Initialize*, to the end of the branch (already held),
//!   back to *Acquire* (a slot came free), to *Reclaim* (a stale owner) or to
//!   *Wait* (jittered, capped) and then *Acquire*.
//! - *Reclaim* removes the stale owner with an update conditioned on its entry
//!   being unchanged, decrementing the count, then acquires. This gives back
//!   slots whose cleanup never ran, and the slot of an acquire that landed
//!   after its execution's cleanup (seed 001's race).
//!
//! When the job fails, `Release <lock> Lock After Failure: <n>` gives the
//! slot back and `Reraise <lock> Job Error: <n>` fails with the job's error
//! and cause (`ErrorPath`/`CausePath`), so the caller's Catch sees what the
//! job raised. Executions that fail elsewhere, time out or are aborted get
//! their slots back from the [cleanup machine](super::cleanup).
//!
//! Query language: by default every state but *Read* is JSONPath. With
//! [`Semaphore::query_language`] set to JSONata (for a machine whose top-level
//! `QueryLanguage` is JSONata, where no JSONPath state is allowed), every
//! state is marked `QueryLanguage: JSONata` and written with `Arguments`,
//! `Output`, `Condition` rules and `{% %}` expressions instead of paths: the
//! same states, transitions and behaviour (see [`jsonata`](#jsonata-form)).
//!
//! # JSONata form
//!
//! Where the JSONPath form discards a result (`ResultPath: null`), the
//! JSONata form keeps the state's input with `Output: {% $states.input %}`
//! (on the state and on its catchers); the execution id and entered time come
//! from `$states.context`; *Check*'s rules are `Condition`s on the read
//! step's output; *Wait* takes `Seconds` from it; *Run* outputs
//! `$states.result[0]` and its catcher the error output; *Reraise* fails with
//! the caught `Error` and `Cause`.
//!
//! Limits: the owner key is the execution id, so one execution holds at most
//! one slot of a lock at a time: a semaphore whose job uses the same lock
//! again, or one inside a Map or Parallel whose iterations share the
//! execution, counts them as one owner.

use serde_json::{Value, json};

use super::iam::PolicyStatement;
use super::{MAX_STATE_NAME, option_error};
use crate::asl::{JitterStrategy, QueryLanguage};
use crate::builder::{
    Catch, Chainable, Choice, Condition, EndRef, Fail, Fragment, Parallel, Pass, Retry, StateMachine, Succeed, Task,
    Wait,
};
use crate::error::{Code, Problems};

/// The partition key of the lock table.
pub const LOCK_KEY: &str = "LockName";
/// The attribute that counts the slots in use.
pub const COUNT_ATTRIBUTE: &str = "currentlockcount";
/// The lease when neither `lease_seconds` nor the machine's `timeout_seconds`
/// is given: one year, the longest a Standard execution can run, so no slot
/// of a running execution is ever reclaimed. Give the machine's timeout (or a
/// lease) to get stale slots back sooner.
pub const DEFAULT_LEASE_SECONDS: u64 = 365 * 24 * 60 * 60;

/// The error Step Functions raises when a DynamoDB condition does not hold.
pub const CONDITION_FAILED: &str = "DynamoDB.ConditionalCheckFailedException";
/// The error of a DynamoDB request DynamoDB rejects (here: an update of a lock item that does not exist yet).
pub const DYNAMODB_EXCEPTION: &str = "DynamoDB.AmazonDynamoDBException";
/// The DynamoDB errors worth retrying, as AWS recommends (throttling and
/// server-side errors, in their SDK spellings). ConditionalCheckFailed is not
/// one of them: it is an answer, not a failure.
pub const TRANSIENT_ERRORS: &[&str] = &[
    "DynamoDB.ProvisionedThroughputExceededException",
    "DynamoDB.RequestLimitExceeded",
    "DynamoDB.ThrottlingException",
    "DynamoDB.InternalServerErrorException",
    "DynamoDB.InternalServerError",
    "DynamoDB.ServiceUnavailableException",
    "DynamoDB.SdkClientException",
];

/// How a waiting execution waits before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitStrategy {
    /// The n-th wait lasts a random whole number of seconds between 1 and
    /// `min(max_seconds, initial_seconds · 2^(n-1))`: waiters spread out
    /// instead of retrying in step.
    Jittered {
        /// The bound of the first wait.
        initial_seconds: u64,
        /// The largest bound.
        max_seconds: u64,
    },
    /// Always the same wait (seed 000 and 001 wait 3 s).
    Fixed {
        /// Seconds to wait.
        seconds: u64,
    },
}

impl Default for WaitStrategy {
    /// Jittered from 1 s, capped at 10 s.
    fn default() -> Self {
        WaitStrategy::Jittered { initial_seconds: 1, max_seconds: 10 }
    }
}

/// How the DynamoDB steps retry [`TRANSIENT_ERRORS`]: capped exponential
/// backoff with full jitter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DynamoRetry {
    /// `IntervalSeconds` (default 1).
    pub interval_seconds: u64,
    /// `MaxAttempts` (default 6).
    pub max_attempts: u64,
    /// `BackoffRate` (default 2).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds` (default 20).
    pub max_delay_seconds: u64,
}

impl Default for DynamoRetry {
    fn default() -> Self {
        DynamoRetry { interval_seconds: 1, max_attempts: 6, backoff_rate: 2.0, max_delay_seconds: 20 }
    }
}

impl DynamoRetry {
    fn retrier(&self) -> Retry {
        Retry {
            errors: TRANSIENT_ERRORS.iter().map(|e| e.to_string()).collect(),
            interval_seconds: Some(self.interval_seconds),
            max_attempts: Some(self.max_attempts),
            backoff_rate: Some(self.backoff_rate),
            max_delay_seconds: Some(self.max_delay_seconds),
            jitter_strategy: Some(JitterStrategy::Full),
            comment: None,
        }
    }
}

/// A semaphore: a lock name, how many may hold it at once, and its table.
#[derive(Debug, Clone, PartialEq)]
pub struct Semaphore {
    lock_name: String,
    limit: i64,
    table_name: String,
    reuse_lock: bool,
    comments: bool,
    wait: WaitStrategy,
    lease_seconds: Option<u64>,
    timeout_seconds: Option<u64>,
    retry: DynamoRetry,
    query_language: QueryLanguage,
}

impl Semaphore {
    /// A semaphore on `lock_name` admitting `limit` holders, kept in `table_name`.
    /// Options are checked when it wraps a job.
    pub fn new(lock_name: impl Into<String>, limit: i64, table_name: impl Into<String>) -> Semaphore {
        Semaphore {
            lock_name: lock_name.into(),
            limit,
            table_name: table_name.into(),
            reuse_lock: false,
            comments: false,
            wait: WaitStrategy::default(),
            lease_seconds: None,
            timeout_seconds: None,
            retry: DynamoRetry::default(),
            query_language: QueryLanguage::JsonPath,
        }
    }

    /// Allows this lock name to be used again in the same machine (seed 000's `reuseLock`).
    pub fn reuse_lock(mut self, reuse: bool) -> Self {
        self.reuse_lock = reuse;
        self
    }

    /// Writes a `Comment` on every state saying what it does.
    pub fn comments(mut self, comments: bool) -> Self {
        self.comments = comments;
        self
    }

    /// How to wait when the lock is full.
    pub fn wait(mut self, wait: WaitStrategy) -> Self {
        self.wait = wait;
        self
    }

    /// How long a slot may be held before a waiter may reclaim it.
    pub fn lease_seconds(mut self, seconds: u64) -> Self {
        self.lease_seconds = Some(seconds);
        self
    }

    /// The state machine's `TimeoutSeconds`: the lease when no `lease_seconds` is given.
    pub fn timeout_seconds(mut self, seconds: u64) -> Self {
        self.timeout_seconds = Some(seconds);
        self
    }

    /// How the DynamoDB steps retry throttling and server errors.
    pub fn retry(mut self, retry: DynamoRetry) -> Self {
        self.retry = retry;
        self
    }

    /// The query language of the states the semaphore renders: JSONPath (the
    /// default) or JSONata, for machines whose top-level `QueryLanguage` is
    /// JSONata. [`Semaphore::state_machine`] then sets that top level too.
    pub fn query_language(mut self, query_language: QueryLanguage) -> Self {
        self.query_language = query_language;
        self
    }

    /// The query language the states are rendered in.
    pub fn language(&self) -> QueryLanguage {
        self.query_language
    }

    /// The lock name.
    pub fn lock_name(&self) -> &str {
        &self.lock_name
    }

    /// The limit.
    pub fn limit(&self) -> i64 {
        self.limit
    }

    /// The table name.
    pub fn table_name(&self) -> &str {
        &self.table_name
    }

    /// The lease in seconds: `lease_seconds`, else the machine's timeout, else [`DEFAULT_LEASE_SECONDS`].
    pub fn lease(&self) -> u64 {
        self.lease_seconds.or(self.timeout_seconds).unwrap_or(DEFAULT_LEASE_SECONDS)
    }

    /// Wraps `job` as the first use of this lock in its machine. To use
    /// several semaphores, or one lock several times, in one machine, wrap
    /// through one [`Semaphores`].
    pub fn wrap(&self, job: &dyn Chainable) -> Result<Fragment, Problems> {
        Semaphores::new().wrap(self, job)
    }

    /// A whole state machine: the wrapped job, with `TimeoutSeconds` when given.
    pub fn state_machine(&self, job: &dyn Chainable) -> Result<StateMachine, Problems> {
        let fragment = self.wrap(job)?;
        let mut machine = StateMachine::new(&fragment);
        if self.query_language == QueryLanguage::Jsonata {
            machine = machine.query_language(QueryLanguage::Jsonata);
        }
        Ok(match self.timeout_seconds {
            Some(t) => machine.timeout_seconds(t),
            None => machine,
        })
    }

    /// The permissions the semaphore's states need, on `table_arn` (an ARN,
    /// or a placeholder such as a CDK token).
    pub fn iam(&self, table_arn: &str) -> Vec<PolicyStatement> {
        vec![PolicyStatement::new(
            &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            vec![table_arn.to_string()],
        )]
    }

    /// Checks the options; `use_number` is the use being built.
    fn check(&self, use_number: u32) -> Result<(), Problems> {
        if self.lock_name.trim().is_empty() {
            return Err(option_error(Code::InvalidValue, "/lock_name", "the lock name is empty"));
        }
        if self.limit < 1 {
            let message = format!("the limit is {}; a semaphore admits at least 1 holder", self.limit);
            return Err(option_error(Code::OutOfRange, "/limit", message));
        }
        if self.table_name.trim().is_empty() {
            return Err(option_error(Code::InvalidValue, "/table_name", "the table name is empty"));
        }
        let longest = Names::new(&self.lock_name, use_number).longest();
        if longest.chars().count() > MAX_STATE_NAME {
            let extra = longest.chars().count() - MAX_STATE_NAME;
            let message = format!(
                "the lock name `{}` makes the state name `{longest}` longer than {MAX_STATE_NAME} characters; shorten the lock name by {extra}",
                self.lock_name
            );
            return Err(option_error(Code::InvalidStateName, "/lock_name", message));
        }
        match self.wait {
            WaitStrategy::Jittered { initial_seconds, max_seconds }
                if initial_seconds < 1 || max_seconds < initial_seconds =>
            {
                let message = format!(
                    "a jittered wait needs 1 <= initial_seconds <= max_seconds; got {initial_seconds} and {max_seconds}"
                );
                return Err(option_error(Code::OutOfRange, "/wait", message));
            }
            WaitStrategy::Fixed { seconds: 0 } => {
                return Err(option_error(
                    Code::OutOfRange,
                    "/wait",
                    "a fixed wait of 0 seconds retries in a busy loop",
                ));
            }
            _ => {}
        }
        if self.lease_seconds == Some(0) {
            return Err(option_error(Code::OutOfRange, "/lease_seconds", "a lease of 0 seconds reclaims every slot"));
        }
        if self.retry.backoff_rate.is_nan() || self.retry.backoff_rate < 1.0 {
            let message = format!("the retry backoff rate is {}; it must be at least 1", self.retry.backoff_rate);
            return Err(option_error(Code::OutOfRange, "/retry/backoff_rate", message));
        }
        Ok(())
    }
}

/// The options a binding passes by name (snake_case; camelCase is accepted
/// too), with the JSON kind each takes: what Python keyword arguments and
/// TypeScript props map onto.
pub const SEMAPHORE_OPTIONS: &[(&str, &str)] = &[
    ("reuse_lock", "boolean"),
    ("comments", "boolean"),
    ("lease_seconds", "integer"),
    ("timeout_seconds", "integer"),
    ("wait_seconds", "integer"),
    ("initial_wait_seconds", "integer"),
    ("max_wait_seconds", "integer"),
    ("retry_interval_seconds", "integer"),
    ("retry_max_attempts", "integer"),
    ("retry_backoff_rate", "number"),
    ("retry_max_delay_seconds", "integer"),
    ("query_language", "string"),
];

impl Semaphore {
    /// Sets an option by name (`lease_seconds` or `leaseSeconds`), for the
    /// bindings. `wait_seconds` picks a fixed wait; `initial_wait_seconds` and
    /// `max_wait_seconds` a jittered one. A wrong name or kind is an error
    /// pointing at the option.
    pub fn set_option(self, name: &str, value: &Value) -> Result<Semaphore, Problems> {
        let snake = snake_case(name);
        let Some((key, kind)) = SEMAPHORE_OPTIONS.iter().find(|(n, _)| *n == snake) else {
            let names: Vec<String> = SEMAPHORE_OPTIONS
                .iter()
                .map(|(n, _)| {
                    if name.contains(|c: char| c.is_ascii_uppercase()) {
                        crate::builder::camel_case(n)
                    } else {
                        n.to_string()
                    }
                })
                .collect();
            let message = format!("`{name}` is not a semaphore option; the options are {}", names.join(", "));
            return Err(option_error(Code::UnknownField, &format!("/{snake}"), message));
        };
        let pointer = format!("/{key}");
        let wrong = || {
            let message = format!(
                "`{name}` takes {} {kind}, not {}",
                if *kind == "integer" { "a non-negative" } else { "a" },
                crate::error::kind_of(value)
            );
            option_error(Code::InvalidType, &pointer, message)
        };
        let flag = || value.as_bool().ok_or_else(wrong);
        let int = || value.as_u64().ok_or_else(wrong);
        let mut s = self;
        match *key {
            "reuse_lock" => s.reuse_lock = flag()?,
            "comments" => s.comments = flag()?,
            "lease_seconds" => s.lease_seconds = Some(int()?),
            "timeout_seconds" => s.timeout_seconds = Some(int()?),
            "wait_seconds" => s.wait = WaitStrategy::Fixed { seconds: int()? },
            "initial_wait_seconds" | "max_wait_seconds" => {
                let (mut initial, mut max) = match s.wait {
                    WaitStrategy::Jittered { initial_seconds, max_seconds } => (initial_seconds, max_seconds),
                    WaitStrategy::Fixed { .. } => match WaitStrategy::default() {
                        WaitStrategy::Jittered { initial_seconds, max_seconds } => (initial_seconds, max_seconds),
                        WaitStrategy::Fixed { seconds } => (seconds, seconds),
                    },
                };
                if *key == "initial_wait_seconds" {
                    initial = int()?
                } else {
                    max = int()?
                }
                s.wait = WaitStrategy::Jittered { initial_seconds: initial, max_seconds: max };
            }
            "retry_interval_seconds" => s.retry.interval_seconds = int()?,
            "retry_max_attempts" => s.retry.max_attempts = int()?,
            "retry_backoff_rate" => s.retry.backoff_rate = value.as_f64().ok_or_else(wrong)?,
            "retry_max_delay_seconds" => s.retry.max_delay_seconds = int()?,
            "query_language" => {
                let text = value.as_str().ok_or_else(wrong)?;
                s.query_language = parse_query_language(text).ok_or_else(|| {
                    let message = format!("`{name}` is `JSONPath` or `JSONata`, not `{text}`");
                    option_error(Code::InvalidValue, &pointer, message)
                })?;
            }
            _ => return Err(option_error(Code::Internal, &pointer, format!("the option `{key}` has no setter"))),
        }
        Ok(s)
    }
}

/// `JSONPath` or `JSONata`, in any letter case (`jsonata` on a command line).
pub fn parse_query_language(text: &str) -> Option<QueryLanguage> {
    [QueryLanguage::JsonPath, QueryLanguage::Jsonata].into_iter().find(|q| q.as_str().eq_ignore_ascii_case(text))
}

/// `leaseSeconds` → `lease_seconds`; snake_case passes through.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The state names of one use of a lock.
struct Names {
    get: String,
    acquire: String,
    initialize: String,
    read: String,
    check: String,
    reclaim: String,
    wait: String,
    acquired: String,
    run: String,
    release: String,
    released: String,
    release_after_failure: String,
    reraise: String,
}

impl Names {
    fn new(lock: &str, n: u32) -> Names {
        Names {
            get: format!("Get {lock} Lock: {n}"),
            acquire: format!("Acquire {lock} Lock: {n}"),
            initialize: format!("Initialize {lock} Lock Item: {n}"),
            read: format!("Read {lock} Lock: {n}"),
            check: format!("Check {lock} Lock: {n}"),
            reclaim: format!("Reclaim Stale {lock} Slot: {n}"),
            wait: format!("Wait for {lock} Lock: {n}"),
            acquired: format!("{lock} Lock Acquired: {n}"),
            run: format!("Run {lock} Job: {n}"),
            release: format!("Release {lock} Lock: {n}"),
            released: format!("{lock} Lock Released: {n}"),
            release_after_failure: format!("Release {lock} Lock After Failure: {n}"),
            reraise: format!("Reraise {lock} Job Error: {n}"),
        }
    }

    fn longest(&self) -> String {
        let all = [
            &self.get,
            &self.acquire,
            &self.initialize,
            &self.read,
            &self.check,
            &self.reclaim,
            &self.wait,
            &self.acquired,
            &self.run,
            &self.release,
            &self.released,
            &self.release_after_failure,
            &self.reraise,
        ];
        all.into_iter().max_by_key(|s| s.chars().count()).cloned().unwrap_or_default()
    }
}

/// One lock name used in a machine.
#[derive(Debug, Clone, PartialEq)]
struct LockUse {
    lock_name: String,
    limit: i64,
    table_name: String,
    uses: u32,
}

/// The semaphores of one state machine: counts the uses of each lock name so
/// state names stay unique, and checks that a lock name is only reused when
/// asked and always with the same limit and table.
#[derive(Debug, Clone, Default)]
pub struct Semaphores {
    locks: Vec<LockUse>,
}

impl Semaphores {
    /// No semaphores yet.
    pub fn new() -> Semaphores {
        Semaphores::default()
    }

    /// Wraps `job` in `semaphore`: the states that acquire a slot, run the
    /// job, and release the slot (also when the job fails). The fragment's
    /// one end is the state after the release; chain the next state to it.
    pub fn wrap(&mut self, semaphore: &Semaphore, job: &dyn Chainable) -> Result<Fragment, Problems> {
        let existing = self.locks.iter().position(|l| l.lock_name == semaphore.lock_name);
        let use_number = match existing {
            Some(i) => self.locks[i].uses + 1,
            None => 1,
        };
        semaphore.check(use_number)?;
        if let Some(i) = existing {
            let used = &self.locks[i];
            if !semaphore.reuse_lock {
                let message = format!(
                    "the lock name `{}` is already used in this state machine; set reuse_lock to use it again",
                    semaphore.lock_name
                );
                return Err(option_error(Code::InvalidValue, "/lock_name", message));
            }
            if used.limit != semaphore.limit {
                let message = format!(
                    "the lock `{}` is used with a limit of {} and now of {}; one lock has one limit",
                    semaphore.lock_name, used.limit, semaphore.limit
                );
                return Err(option_error(Code::InvalidValue, "/limit", message));
            }
            if used.table_name != semaphore.table_name {
                let message = format!(
                    "the lock `{}` is kept in table `{}` and now in `{}`; one lock has one table",
                    semaphore.lock_name, used.table_name, semaphore.table_name
                );
                return Err(option_error(Code::InvalidValue, "/table_name", message));
            }
        }
        if job.end_states().is_empty() {
            let message = format!(
                "the job that starts at `{}` has no end: every path ends in Succeed or Fail (or a Choice without afterwards), so nothing could release the slot after it",
                job.start_state().name()
            );
            return Err(option_error(Code::InvalidChain, "/job", message));
        }
        let fragment = build(semaphore, &Names::new(&semaphore.lock_name, use_number), job)?;
        match existing {
            Some(i) => self.locks[i].uses = use_number,
            None => self.locks.push(LockUse {
                lock_name: semaphore.lock_name.clone(),
                limit: semaphore.limit,
                table_name: semaphore.table_name.clone(),
                uses: 1,
            }),
        }
        Ok(fragment)
    }

    /// How many times `lock_name` was used.
    pub fn uses(&self, lock_name: &str) -> u32 {
        self.locks.iter().find(|l| l.lock_name == lock_name).map_or(0, |l| l.uses)
    }

    /// The `(table, lock name)` pairs used, in the order first used: what the cleanup releases.
    pub fn locks(&self) -> Vec<(String, String)> {
        self.locks.iter().map(|l| (l.table_name.clone(), l.lock_name.clone())).collect()
    }

    /// The cleanup machine for the locks used so far (see [`super::cleanup`]).
    pub fn cleanup_machine(&self) -> Result<StateMachine, Problems> {
        super::cleanup::cleanup_machine(&self.locks())
    }

    /// The permissions the wrapped states need, on `table_arn` (one table per stack).
    pub fn iam(&self, table_arn: &str) -> Vec<PolicyStatement> {
        if self.locks.is_empty() {
            return Vec::new();
        }
        vec![PolicyStatement::new(
            &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            vec![table_arn.to_string()],
        )]
    }
}

/// `{"LockName": {"S": lock}}`.
fn key(lock: &str) -> Value {
    json!({ LOCK_KEY: {"S": lock} })
}

fn comment(on: bool, state: &crate::builder::StateRef, text: &str) {
    if on {
        state.set_field("Comment", text.into());
    }
}

/// `{% $states.input %}`: a JSONata state's input as its output (what
/// `ResultPath: null` gives in JSONPath).
const KEEP_INPUT: &str = "{% $states.input %}";

/// How the states are written in one query language: the two forms differ
/// only in how a state reads values and keeps its input.
#[derive(Clone, Copy)]
struct Lang(QueryLanguage);

impl Lang {
    fn jsonata(self) -> bool {
        self.0 == QueryLanguage::Jsonata
    }

    /// `name` taking a value from the state's data: `name.$: path` (JSONPath)
    /// or `name: {% expression %}` (JSONata).
    fn dynamic(self, object: &mut Value, name: &str, path: &str, expression: &str) {
        let (name, value) = if self.jsonata() {
            (name.to_string(), format!("{{% {expression} %}}"))
        } else {
            (format!("{name}.$"), path.to_string())
        };
        if let Some(o) = object.as_object_mut() {
            o.insert(name, Value::String(value));
        }
    }

    /// The execution id, `#lockownerid`, as an attribute name.
    fn owner_names(self) -> Value {
        let mut names = json!({"#currentlockcount": COUNT_ATTRIBUTE});
        self.dynamic(&mut names, "#lockownerid", "$$.Execution.Id", "$states.context.Execution.Id");
        names
    }

    /// A task whose request is `payload` and whose output is its input.
    fn task(self, name: &str, resource: &str, payload: Value) -> Task {
        let task = Task::new(name).resource(resource);
        if self.jsonata() {
            return task.query_language(self.0.as_str()).arguments(payload).output(KEEP_INPUT);
        }
        task.parameters(payload).result_path(Value::Null)
    }

    /// A catcher that goes on with the state's input.
    fn catch_keep(self, errors: &[&str]) -> Catch {
        let errors = errors.iter().map(|e| e.to_string()).collect();
        if self.jsonata() {
            Catch { errors, output: Some(KEEP_INPUT.into()), ..Catch::default() }
        } else {
            Catch { errors, result_path: Some(Value::Null), ..Catch::default() }
        }
    }

    /// A catcher whose output is the error (`{"Error", "Cause"}`).
    fn catch_error(self, errors: &[&str]) -> Catch {
        let errors = errors.iter().map(|e| e.to_string()).collect();
        if self.jsonata() {
            Catch { errors, output: Some("{% $states.errorOutput %}".into()), ..Catch::default() }
        } else {
            Catch { errors, result_path: Some(json!("$")), ..Catch::default() }
        }
    }

    /// Marks a state built without a payload (Choice, Wait, Succeed, Fail, Pass) as JSONata.
    fn mark(self, state: &crate::builder::StateRef) {
        if self.jsonata() {
            state.set_field("QueryLanguage", self.0.as_str().into());
        }
    }

    /// A Choice rule on a field of the read step's output.
    fn is(self, field: &str, value: bool) -> Condition {
        if self.jsonata() {
            Condition::jsonata(&format!("{{% $states.input.{field} = {value} %}}"))
        } else {
            Condition::boolean_equals(&format!("$.{field}"), value)
        }
    }

    fn present(self, field: &str) -> Condition {
        if self.jsonata() {
            Condition::jsonata(&format!("{{% $exists($states.input.{field}) %}}"))
        } else {
            Condition::is_present(&format!("$.{field}"))
        }
    }
}

/// The UpdateItem that gives back the owner's slot, if it holds one.
fn release_task(name: &str, semaphore: &Semaphore) -> Task {
    let lang = Lang(semaphore.query_language);
    lang.task(
        name,
        "arn:aws:states:::dynamodb:updateItem",
        json!({
            "TableName": semaphore.table_name,
            "Key": key(&semaphore.lock_name),
            "ExpressionAttributeNames": lang.owner_names(),
            "ExpressionAttributeValues": {":decrease": {"N": "1"}},
            "UpdateExpression": "SET #currentlockcount = #currentlockcount - :decrease REMOVE #lockownerid",
            "ConditionExpression": "attribute_exists(#lockownerid)",
        }),
    )
    .add_retry(semaphore.retry.retrier())
}

/// The JSONata expression of the read step: what the lock item says.
fn read_output(semaphore: &Semaphore) -> String {
    let lease_ms = semaphore.lease().saturating_mul(1000);
    let wait = match semaphore.wait {
        WaitStrategy::Jittered { initial_seconds, max_seconds } => format!(
            "$max([1, $ceil($random() * $min([{max_seconds}, {initial_seconds} * $power(2, $min([$waits - 1, 30]))]))])"
        ),
        WaitStrategy::Fixed { seconds } => seconds.to_string(),
    };
    // Owner entries are the string attributes other than the key and the count.
    format!(
        "{{% ( $item := $states.result.Item; \
$me := $states.context.Execution.Id; \
$cutoff := $toMillis($states.context.State.EnteredTime) - {lease_ms}; \
$owners := $filter($keys($item), function($k) {{ $k != '{LOCK_KEY}' and $k != '{COUNT_ATTRIBUTE}' and $exists($lookup($item, $k).S) }}); \
$stale := $filter($owners, function($k) {{ $toMillis($lookup($item, $k).S) < $cutoff }}); \
$waits := ($exists($states.input.waits) ? $states.input.waits : 0) + 1; \
{{ 'waits': $waits, \
'exists': $exists($item), \
'held': $exists($lookup($item, $me)), \
'free': $exists($item.{COUNT_ATTRIBUTE}.N) and $number($item.{COUNT_ATTRIBUTE}.N) < {limit}, \
'stale': $stale[0], \
'staleSince': $exists($stale[0]) ? $lookup($item, $stale[0]).S, \
'waitSeconds': {wait} }} ) %}}",
        limit = semaphore.limit
    )
}

/// The states of one use.
fn build(semaphore: &Semaphore, names: &Names, job: &dyn Chainable) -> Result<Fragment, Problems> {
    let on = semaphore.comments;
    let table = &semaphore.table_name;
    let lock = &semaphore.lock_name;
    let retry = semaphore.retry.retrier();
    let lang = Lang(semaphore.query_language);

    let mut acquired_time = json!({});
    lang.dynamic(&mut acquired_time, "S", "$$.State.EnteredTime", "$states.context.State.EnteredTime");
    let acquire = lang
        .task(
            &names.acquire,
            "arn:aws:states:::dynamodb:updateItem",
            json!({
                "TableName": table,
                "Key": key(lock),
                "ExpressionAttributeNames": lang.owner_names(),
                "ExpressionAttributeValues": {
                    ":increase": {"N": "1"},
                    ":limit": {"N": semaphore.limit.to_string()},
                    ":lockacquiredtime": acquired_time
                },
                "UpdateExpression": "SET #currentlockcount = #currentlockcount + :increase, #lockownerid = :lockacquiredtime",
                "ConditionExpression": format!("{COUNT_ATTRIBUTE} < :limit and attribute_not_exists(#lockownerid)"),
            }),
        )
        .add_retry(retry.clone());
    comment(
        on,
        acquire.state(),
        "Takes a slot: adds one to the count and records this execution as an owner, if the count is below the limit and this execution holds no slot yet.",
    );

    let initialize = lang
        .task(
            &names.initialize,
            "arn:aws:states:::dynamodb:putItem",
            json!({
                "TableName": table,
                "Item": { LOCK_KEY: {"S": lock}, COUNT_ATTRIBUTE: {"N": "0"} },
                "ConditionExpression": format!("attribute_not_exists({LOCK_KEY})"),
            }),
        )
        .add_retry(retry.clone());
    comment(
        on,
        initialize.state(),
        "Creates the lock item with a count of 0 (unless another execution just did), then acquires.",
    );

    let read = Task::new(&names.read)
        .query_language("JSONata")
        .resource("arn:aws:states:::dynamodb:getItem")
        .arguments(json!({"TableName": table, "Key": key(lock), "ConsistentRead": true}))
        .output(read_output(semaphore))
        .add_retry(retry.clone());
    comment(
        on,
        read.state(),
        "Reads the lock item: whether it exists, whether this execution already holds a slot, whether a slot is free, and an owner older than the lease.",
    );

    let mut stale_names = json!({"#currentlockcount": COUNT_ATTRIBUTE});
    lang.dynamic(&mut stale_names, "#staleowner", "$.stale", "$states.input.stale");
    let mut stale_since = json!({});
    lang.dynamic(&mut stale_since, "S", "$.staleSince", "$states.input.staleSince");
    let reclaim = lang
        .task(
            &names.reclaim,
            "arn:aws:states:::dynamodb:updateItem",
            json!({
                "TableName": table,
                "Key": key(lock),
                "ExpressionAttributeNames": stale_names,
                "ExpressionAttributeValues": {":decrease": {"N": "1"}, ":staleacquiredtime": stale_since},
                "UpdateExpression": "SET #currentlockcount = #currentlockcount - :decrease REMOVE #staleowner",
                "ConditionExpression": "#staleowner = :staleacquiredtime",
            }),
        )
        .add_retry(retry.clone());
    comment(
        on,
        reclaim.state(),
        "Removes an owner that has held its slot longer than the lease, if its entry is unchanged, and gives its slot back.",
    );

    let wait = if lang.jsonata() {
        Wait::new(&names.wait).seconds("{% $states.input.waitSeconds %}")
    } else {
        Wait::new(&names.wait).seconds_path("$.waitSeconds")
    };
    lang.mark(wait.state());
    comment(on, wait.state(), "The lock is full: waits before trying again.");
    let acquired = Succeed::new(&names.acquired);
    lang.mark(acquired.state());
    comment(on, acquired.state(), "This execution holds a slot.");

    let check = Choice::new(&names.check);
    lang.mark(check.state());
    let check = check
        .when(lang.is("exists", false), &initialize)
        .when(lang.is("held", true), &acquired)
        .when(lang.is("free", true), &acquire)
        .when(lang.present("stale"), &reclaim)
        .otherwise(&wait)?;
    comment(on, check.state(), "Decides how to go on from what the lock item says.");

    // The acquire loop.
    let acquire = acquire
        .add_catch(&initialize, lang.catch_keep(&[DYNAMODB_EXCEPTION]))
        .add_catch(&read, lang.catch_keep(&[CONDITION_FAILED]));
    acquire.next(&acquired)?;
    let initialize = initialize.add_catch(&read, lang.catch_keep(&[CONDITION_FAILED]));
    initialize.next(&acquire)?;
    read.next(&check)?;
    let reclaim = reclaim.add_catch(&acquire, lang.catch_keep(&[CONDITION_FAILED]));
    reclaim.next(&acquire)?;
    wait.next(&acquire)?;

    let get = if lang.jsonata() {
        Parallel::new(&names.get).query_language(lang.0.as_str()).arguments(json!({"waits": 0})).output(KEEP_INPUT)
    } else {
        Parallel::new(&names.get).parameters(json!({"waits": 0})).result_path(Value::Null)
    };
    let get = get.branch(&acquire);
    comment(on, get.state(), &format!("Acquires a slot of the `{lock}` lock (at most {} holders).", semaphore.limit));

    // The job, in a Parallel so any error it raises can be caught here.
    let reraise = if lang.jsonata() {
        // A caught error may come without a cause; Fail's Cause must be a string.
        Fail::new(&names.reraise)
            .query_language(lang.0.as_str())
            .error("{% $states.input.Error %}")
            .cause("{% $exists($states.input.Cause) ? $states.input.Cause : '' %}")
    } else {
        Fail::new(&names.reraise).error_path("$.Error").cause_path("$.Cause")
    };
    comment(on, reraise.state(), "Fails with the error and cause the job raised.");
    let release_after_failure =
        release_task(&names.release_after_failure, semaphore).add_catch(&reraise, lang.catch_keep(&["States.ALL"]));
    comment(on, release_after_failure.state(), "The job failed: gives the slot back before raising its error again.");
    release_after_failure.next(&reraise)?;
    let run = if lang.jsonata() {
        Parallel::new(&names.run).query_language(lang.0.as_str()).output("{% $states.result[0] %}")
    } else {
        Parallel::new(&names.run).output_path("$[0]")
    };
    let run = run.branch(job).add_catch(&release_after_failure, lang.catch_error(&["States.ALL"]));
    comment(on, run.state(), "Runs the job while holding the slot.");

    let released = Pass::new(&names.released);
    lang.mark(released.state());
    comment(on, released.state(), "The slot is given back.");
    let release = release_task(&names.release, semaphore).add_catch(&released, lang.catch_keep(&[CONDITION_FAILED]));
    comment(on, release.state(), "Gives the slot back (nothing to do if this execution no longer holds one).");

    get.next(&run)?.next(&release)?.next(&released)?;
    Ok(Fragment::new(&get, vec![EndRef::Next(released.state().clone())]))
}

impl super::TableGrants for Semaphore {
    fn statements(&self, table_arn: &str) -> Vec<PolicyStatement> {
        self.iam(table_arn)
    }
}

impl super::TableGrants for Semaphores {
    fn statements(&self, table_arn: &str) -> Vec<PolicyStatement> {
        self.iam(table_arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Evaluates the read step's expression on a lock item, as Step Functions would.
    fn decide(semaphore: &Semaphore, item: Option<Value>, input: Value) -> Value {
        let text = read_output(semaphore);
        let expr = text.trim_start_matches("{%").trim_end_matches("%}");
        let arena = bumpalo::Bump::new();
        let jsonata = jsonata_rs::JsonAta::new(expr, &arena).unwrap();
        let mut result = json!({});
        if let Some(item) = item {
            result["Item"] = item;
        }
        let states = json!({
            "input": input,
            "result": result,
            "context": {
                "Execution": {"Id": "arn:aws:states:us-east-1:1:execution:m:me"},
                "State": {"EnteredTime": "2025-01-01T12:00:00.000Z"}
            }
        });
        let bindings = HashMap::from([("states", &states)]);
        let out = jsonata.evaluate(None, Some(&bindings)).unwrap();
        serde_json::from_str(&out.serialize(false)).unwrap()
    }

    fn item(count: u32, owners: &[(&str, &str)]) -> Value {
        let mut item = json!({"LockName": {"S": "life"}, "currentlockcount": {"N": count.to_string()}});
        for (owner, at) in owners {
            item[*owner] = json!({"S": at});
        }
        item
    }

    const ME: &str = "arn:aws:states:us-east-1:1:execution:m:me";
    const OTHER: &str = "arn:aws:states:us-east-1:1:execution:m:other";

    #[test]
    fn the_read_step_tells_what_the_lock_item_says() {
        let s = Semaphore::new("life", 2, "Locks").timeout_seconds(3600);
        let missing = decide(&s, None, json!({"waits": 0}));
        assert_eq!(missing["exists"], false);
        assert_eq!(missing["held"], false);
        assert_eq!(missing["waits"], 1);

        let held = decide(
            &s,
            Some(item(2, &[(ME, "2025-01-01T11:59:00.000Z"), (OTHER, "2025-01-01T11:59:00.000Z")])),
            json!({"waits": 3}),
        );
        assert_eq!(
            (held["exists"].clone(), held["held"].clone(), held["free"].clone()),
            (json!(true), json!(true), json!(false))
        );
        assert_eq!(held["waits"], 4);

        let free = decide(&s, Some(item(1, &[(OTHER, "2025-01-01T11:59:00.000Z")])), json!({"waits": 0}));
        assert_eq!((free["held"].clone(), free["free"].clone()), (json!(false), json!(true)));
        assert!(free.get("stale").is_none(), "{free}");

        // Full, one owner acquired more than an hour (the lease) ago.
        let full = decide(
            &s,
            Some(item(2, &[(OTHER, "2025-01-01T11:30:00.000Z"), ("arn:x:old", "2025-01-01T10:59:59.999Z")])),
            json!({"waits": 0}),
        );
        assert_eq!(full["free"], false);
        assert_eq!(full["stale"], "arn:x:old");
        assert_eq!(full["staleSince"], "2025-01-01T10:59:59.999Z");

        // Full, nobody past the lease: wait.
        let wait = decide(
            &s,
            Some(item(2, &[(OTHER, "2025-01-01T11:30:00.000Z"), ("arn:x:b", "2025-01-01T11:00:00.001Z")])),
            json!({}),
        );
        assert!(wait.get("stale").is_none(), "{wait}");
        assert_eq!(wait["waits"], 1);
    }

    #[test]
    fn options_by_name_in_both_spellings() {
        let s = Semaphore::new("l", 2, "T")
            .set_option("reuse_lock", &json!(true))
            .and_then(|s| s.set_option("leaseSeconds", &json!(300)))
            .and_then(|s| s.set_option("maxWaitSeconds", &json!(30)))
            .and_then(|s| s.set_option("retry_backoff_rate", &json!(1.5)))
            .unwrap();
        assert!(s.reuse_lock);
        assert_eq!(s.lease(), 300);
        assert_eq!(s.wait, WaitStrategy::Jittered { initial_seconds: 1, max_seconds: 30 });
        assert_eq!(s.retry.backoff_rate, 1.5);
        let fixed = s.set_option("wait_seconds", &json!(3)).unwrap();
        assert_eq!(fixed.wait, WaitStrategy::Fixed { seconds: 3 });
        let err = Semaphore::new("l", 2, "T").set_option("leaseSecond", &json!(1)).unwrap_err();
        assert_eq!(err.0[0].code, Code::UnknownField);
        assert!(err.0[0].message.contains("leaseSeconds"), "{}", err.0[0].message);
        let err = Semaphore::new("l", 2, "T").set_option("lease_seconds", &json!(-1)).unwrap_err();
        assert_eq!((err.0[0].code, err.0[0].pointer.as_str()), (Code::InvalidType, "/lease_seconds"));
        let err = Semaphore::new("l", 2, "T").set_option("comments", &json!("yes")).unwrap_err();
        assert!(err.0[0].message.contains("boolean"), "{}", err.0[0].message);
    }

    #[test]
    fn jittered_waits_grow_from_one_second_up_to_the_cap() {
        let s = Semaphore::new("life", 1, "Locks").wait(WaitStrategy::Jittered { initial_seconds: 1, max_seconds: 10 });
        let full = Some(item(1, &[(OTHER, "2025-01-01T11:59:00.000Z")]));
        for _ in 0..20 {
            assert_eq!(decide(&s, full.clone(), json!({"waits": 0}))["waitSeconds"], 1);
            let late = decide(&s, full.clone(), json!({"waits": 40}))["waitSeconds"].as_f64().unwrap();
            assert!((1.0..=10.0).contains(&late), "{late}");
        }
        let fixed = Semaphore::new("life", 1, "Locks").wait(WaitStrategy::Fixed { seconds: 3 });
        assert_eq!(decide(&fixed, full, json!({"waits": 5}))["waitSeconds"], 3);
    }
}
