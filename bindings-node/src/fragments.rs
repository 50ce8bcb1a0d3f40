//! The core's fragments from JavaScript: `Semaphore`, `Semaphores`, the
//! cleanup machine and its event pattern, `DynamoDbListMap` and `PhasedJob`.
//!
//! Thin: options and configs become JSON (`value::to_json`) for the core,
//! which builds the states; they come back as a `Fragment` or a
//! `StateMachine` whose states are the user's own objects where the user
//! made them.

use std::sync::Mutex;

use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, This, Unknown};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use serde_json::Value;
use stepforge::fragments::{
    self as core, DynamoDbListMap as CoreMap, MapConfig, PhasedJob as CorePhased, TableGrants, statements_json,
};

use crate::chain::{Fragment, Link, link};
use crate::errors::{Result, guard, type_error, value_error};
use crate::machine::StateMachine;
use crate::value::{At, JsonValue, Props, constructed_with_new, own_keys, scalar, strings, to_json};

/// A job: stepforge states (a chainable) or ASL JSON (an object with
/// `StartAt` and `States`, or its text), built by the core.
type Job = core::Job<Link>;

fn job(env: &Env, value: Unknown, what: &str) -> Result<Job> {
    let at = At::new(what);
    match value.get_type()? {
        ValueType::String => {
            let text: String = scalar(value, &at)?;
            return Ok(Job::from_text(&text)?);
        }
        ValueType::Object if !value.is_array()? => {
            let object = Object::from_unknown(value)?;
            if object.has_named_property("States")? || object.has_named_property("StartAt")? {
                return Ok(Job::from_json(&to_json(env, value, &at)?)?);
            }
        }
        _ => {}
    }
    Ok(Job::States(link(env, value, &at)?))
}

/// `iam(tableArn)` of a fragment whose statements are on a table.
fn table_iam(env: &Env, fragment: &impl TableGrants, table_arn: Unknown) -> napi::Result<JsonValue> {
    guard(env, || Ok(JsonValue(fragment.iam_json(&scalar::<String>(table_arn, &At::new("tableArn"))?))))
}

/// A JSON argument: an object, or its text.
fn json_or_text(env: &Env, value: Unknown, what: &str) -> Result<Value> {
    let at = At::new(what);
    if value.get_type()? == ValueType::String {
        let text: String = scalar(value, &at)?;
        return serde_json::from_str(&text).map_err(|e| value_error(format!("`{what}` is not JSON: {e}")));
    }
    to_json(env, value, &at)
}

/// Options of a semaphore (the core's names in camelCase).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SemaphoreOptions {
    /// Allows this lock name to be used again in the same machine.
    #[napi(ts_type = "boolean")]
    pub reuse_lock: Option<()>,
    /// Writes a `Comment` on every state saying what it does.
    #[napi(ts_type = "boolean")]
    pub comments: Option<()>,
    /// How long a slot may be held before a waiter may reclaim it.
    #[napi(ts_type = "number")]
    pub lease_seconds: Option<()>,
    /// The state machine's `TimeoutSeconds` (the lease when `leaseSeconds` is not given).
    #[napi(ts_type = "number")]
    pub timeout_seconds: Option<()>,
    /// A fixed wait between tries, in seconds.
    #[napi(ts_type = "number")]
    pub wait_seconds: Option<()>,
    /// The bound of the first jittered wait (default 1).
    #[napi(ts_type = "number")]
    pub initial_wait_seconds: Option<()>,
    /// The largest bound of a jittered wait (default 10).
    #[napi(ts_type = "number")]
    pub max_wait_seconds: Option<()>,
    /// `IntervalSeconds` of the DynamoDB retries (default 1).
    #[napi(ts_type = "number")]
    pub retry_interval_seconds: Option<()>,
    /// `MaxAttempts` of the DynamoDB retries (default 6).
    #[napi(ts_type = "number")]
    pub retry_max_attempts: Option<()>,
    /// `BackoffRate` of the DynamoDB retries (default 2).
    #[napi(ts_type = "number")]
    pub retry_backoff_rate: Option<()>,
    /// `MaxDelaySeconds` of the DynamoDB retries (default 20).
    #[napi(ts_type = "number")]
    pub retry_max_delay_seconds: Option<()>,
    /// The query language of the states: `'JSONPath'` (default) or `'JSONata'`
    /// (for a machine whose top-level `QueryLanguage` is JSONata).
    #[napi(ts_type = "'JSONPath' | 'JSONata'")]
    pub query_language: Option<()>,
}

/// A semaphore: at most `limit` executions run a job at once, counted in the
/// item `lockName` of the DynamoDB table `table` (partition key `LockName`).
#[napi]
pub struct Semaphore {
    inner: core::Semaphore,
}

#[napi]
impl Semaphore {
    /// A semaphore on `lockName` admitting `limit` holders, kept in the table `table`.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        this: This<Unknown>,
        #[napi(ts_arg_type = "string")] lock_name: Unknown,
        #[napi(ts_arg_type = "number")] limit: Unknown,
        #[napi(ts_arg_type = "string")] table: Unknown,
        #[napi(ts_arg_type = "SemaphoreOptions")] options: Option<Unknown>,
    ) -> napi::Result<Self> {
        guard(&env, || {
            constructed_with_new::<Semaphore>(&env, &this)?;
            let lock_name: String = scalar(lock_name, &At::new("lockName"))?;
            let limit: f64 = scalar(limit, &At::new("limit"))?;
            if limit.fract() != 0.0 {
                return Err(value_error(format!("`limit` must be a whole number, not {limit}")));
            }
            let table: String = scalar(table, &At::new("table"))?;
            let mut inner = core::Semaphore::new(lock_name, limit as i64, table);
            let props = Props::open(options, "Semaphore options")?;
            if let Some(object) = props.object() {
                for key in own_keys(&env, object)? {
                    let Some(value) = props.get(&key)? else { continue };
                    let value = to_json(&env, value, &At::new("Semaphore options").key(&key))?;
                    inner = inner.set_option(&key, &value)?;
                }
            }
            Ok(Semaphore { inner })
        })
    }

    /// The lock name.
    #[napi(getter)]
    pub fn lock_name(&self) -> String {
        self.inner.lock_name().to_string()
    }

    /// How many may hold the lock at once.
    #[napi(getter)]
    pub fn limit(&self) -> i64 {
        self.inner.limit()
    }

    /// The lock table's name.
    #[napi(getter)]
    pub fn table_name(&self) -> String {
        self.inner.table_name().to_string()
    }

    /// The lease in seconds: `leaseSeconds`, else `timeoutSeconds`, else one year.
    #[napi(getter)]
    pub fn lease(&self) -> f64 {
        self.inner.lease() as f64
    }

    /// Wraps `job` (stepforge states, or ASL JSON with `StartAt` and `States`,
    /// or its text) as the first use of this lock: acquire a slot, run the
    /// job, release the slot (also when the job fails). Chain the next state
    /// to the returned fragment.
    #[napi]
    pub fn wrap(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Chainable | Record<string, unknown> | string")] job: Unknown,
    ) -> napi::Result<Fragment> {
        guard(&env, || {
            let job = self::job(&env, job, "job")?;
            Ok(Fragment { inner: self.inner.wrap(&job)? })
        })
    }

    /// A whole state machine: the wrapped job, with `TimeoutSeconds` when `timeoutSeconds` is given.
    #[napi]
    pub fn state_machine(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Chainable | Record<string, unknown> | string")] job: Unknown,
    ) -> napi::Result<StateMachine> {
        guard(&env, || {
            let job = self::job(&env, job, "job")?;
            Ok(StateMachine { inner: self.inner.state_machine(&job)? })
        })
    }

    /// The IAM policy statements the states need, on `tableArn`.
    #[napi(ts_return_type = "Array<{ Effect: 'Allow'; Action: string[]; Resource: string[] }>")]
    pub fn iam(&self, env: Env, #[napi(ts_arg_type = "string")] table_arn: Unknown) -> napi::Result<JsonValue> {
        table_iam(&env, &self.inner, table_arn)
    }
}

/// The semaphores of one state machine: several locks, and one lock used
/// several times (`reuseLock: true`), with unique state names; and the
/// cleanup machine for the locks used.
#[napi]
pub struct Semaphores {
    inner: Mutex<core::Semaphores>,
}

impl Semaphores {
    fn with<T>(&self, f: impl FnOnce(&mut core::Semaphores) -> Result<T>) -> Result<T> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut inner)
    }
}

#[napi]
impl Semaphores {
    /// No semaphores yet.
    #[napi(constructor)]
    pub fn new(env: Env, this: This<Unknown>) -> napi::Result<Self> {
        guard(&env, || {
            constructed_with_new::<Semaphores>(&env, &this)?;
            Ok(Semaphores { inner: Mutex::new(core::Semaphores::new()) })
        })
    }

    /// Wraps `job` in `semaphore` (see `Semaphore.wrap`), numbering this use of its lock.
    #[napi]
    pub fn wrap(
        &self,
        env: Env,
        semaphore: &Semaphore,
        #[napi(ts_arg_type = "Chainable | Record<string, unknown> | string")] job: Unknown,
    ) -> napi::Result<Fragment> {
        guard(&env, || {
            let job = self::job(&env, job, "job")?;
            let inner = self.with(|s| Ok(s.wrap(&semaphore.inner, &job)?))?;
            Ok(Fragment { inner })
        })
    }

    /// How many times `lockName` was used.
    #[napi]
    pub fn uses(&self, env: Env, lock_name: String) -> napi::Result<u32> {
        guard(&env, || self.with(|s| Ok(s.uses(&lock_name))))
    }

    /// The `[table, lockName]` pairs used, in the order first used.
    #[napi(getter, ts_return_type = "Array<[string, string]>")]
    pub fn locks(&self, env: Env) -> napi::Result<JsonValue> {
        guard(&env, || {
            let locks = self.with(|s| Ok(s.locks()))?;
            Ok(JsonValue(Value::Array(locks.into_iter().map(|(t, l)| serde_json::json!([t, l])).collect())))
        })
    }

    /// The cleanup state machine for the locks used so far.
    #[napi]
    pub fn cleanup_machine(&self, env: Env) -> napi::Result<StateMachine> {
        guard(&env, || Ok(StateMachine { inner: self.with(|s| Ok(s.cleanup_machine()?))? }))
    }

    /// The IAM policy statements of the wrapped states, on `tableArn`.
    #[napi(ts_return_type = "Array<{ Effect: 'Allow'; Action: string[]; Resource: string[] }>")]
    pub fn iam(&self, env: Env, #[napi(ts_arg_type = "string")] table_arn: Unknown) -> napi::Result<JsonValue> {
        table_iam(&env, &*self.inner.lock().unwrap_or_else(|e| e.into_inner()), table_arn)
    }
}

/// The cleanup state machine for `locks`, each a `[table, lockName]` pair:
/// it gives back the slots of an execution that failed, timed out or was aborted.
#[napi]
pub fn cleanup_machine(
    env: Env,
    #[napi(ts_arg_type = "ReadonlyArray<readonly [string, string]>")] locks: Unknown,
) -> napi::Result<StateMachine> {
    guard(&env, || {
        let at = At::new("locks");
        let mut pairs = Vec::new();
        for (i, item) in crate::chain::elements(locks, &at)?.into_iter().enumerate() {
            let pair = strings(item, &at.index(i))?;
            let [table, lock] = <[String; 2]>::try_from(pair)
                .map_err(|_| value_error(format!("`{}` must be a [table, lockName] pair", at.index(i))))?;
            pairs.push((table, lock));
        }
        Ok(StateMachine { inner: core::cleanup_machine(&pairs)? })
    })
}

/// The EventBridge event pattern that starts the cleanup machine: status
/// changes to FAILED, TIMED_OUT or ABORTED of the given state machines.
#[napi(ts_return_type = "Record<string, unknown>")]
pub fn cleanup_event_pattern(
    env: Env,
    #[napi(ts_arg_type = "ReadonlyArray<string>")] state_machine_arns: Unknown,
) -> napi::Result<JsonValue> {
    guard(&env, || {
        let arns = strings(state_machine_arns, &At::new("stateMachineArns"))?;
        Ok(JsonValue(core::cleanup_event_pattern(&arns)))
    })
}

/// The IAM policy statements of the cleanup machine, on `tableArn`.
#[napi(ts_return_type = "Array<{ Effect: 'Allow'; Action: string[]; Resource: string[] }>")]
pub fn cleanup_iam(env: Env, #[napi(ts_arg_type = "string")] table_arn: Unknown) -> napi::Result<JsonValue> {
    guard(&env, || {
        let arn: String = scalar(table_arn, &At::new("tableArn"))?;
        Ok(JsonValue(statements_json(&core::cleanup_iam(&arn))))
    })
}

/// What each iteration of a `DynamoDbListMap` runs.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct DynamoDbListMapOptions {
    /// The Lambda function (name or ARN) each item is passed to.
    #[napi(ts_type = "string")]
    pub function: Option<()>,
    /// Any states (or ASL JSON) to run for each item instead.
    #[napi(ts_type = "Chainable | Record<string, unknown> | string")]
    pub task: Option<()>,
}

/// Seed 004's machine: a GetItem of the list item, a Map (at most
/// `maxConcurrency` at once) whose iterations pass, wait
/// `waitDurationSeconds` and run a task, and `TimeoutSeconds` =
/// `timeoutDurationSeconds`, from `config.json` (an object or its text;
/// unknown fields are errors).
#[napi]
pub struct DynamoDbListMap {
    inner: CoreMap,
}

fn list_map(env: &Env, config: Unknown, options: Option<Unknown>) -> Result<CoreMap> {
    let config = MapConfig::from_json(&json_or_text(env, config, "config")?)?;
    let props = Props::new(env, options, "DynamoDbListMap options", &["function", "task"])?;
    match (props.string("function")?, props.get("task")?) {
        (Some(f), None) => Ok(CoreMap::new(config, &f)),
        (None, Some(t)) => Ok(CoreMap::with_task(config, &job(env, t, "task")?)),
        _ => Err(type_error("DynamoDbListMap options: give either `function` or `task`, not both or neither")),
    }
}

#[napi]
impl DynamoDbListMap {
    /// The map over the list named by `config`; `options` says what each item runs.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        this: This<Unknown>,
        #[napi(ts_arg_type = "Record<string, unknown> | string")] config: Unknown,
        #[napi(ts_arg_type = "DynamoDbListMapOptions")] options: Option<Unknown>,
    ) -> napi::Result<Self> {
        guard(&env, || {
            constructed_with_new::<DynamoDbListMap>(&env, &this)?;
            Ok(DynamoDbListMap { inner: list_map(&env, config, options)? })
        })
    }

    /// The configuration, as `config.json` writes it.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn config(&self) -> JsonValue {
        JsonValue(self.inner.config().to_json())
    }

    /// The states (`Get List` → `Process Items`) as a fragment.
    #[napi]
    pub fn fragment(&self, env: Env) -> napi::Result<Fragment> {
        guard(&env, || Ok(Fragment { inner: self.inner.fragment()? }))
    }

    /// The whole state machine, with its timeout.
    #[napi]
    pub fn state_machine(&self, env: Env) -> napi::Result<StateMachine> {
        guard(&env, || Ok(StateMachine { inner: self.inner.state_machine()? }))
    }

    /// The IAM policy statements, on `tableArn` (and the function, by default).
    #[napi(ts_return_type = "Array<{ Effect: 'Allow'; Action: string[]; Resource: string[] }>")]
    pub fn iam(&self, env: Env, #[napi(ts_arg_type = "string")] table_arn: Unknown) -> napi::Result<JsonValue> {
        table_iam(&env, &self.inner, table_arn)
    }
}

/// Seed 004's whole machine from `config` (see `DynamoDbListMap`).
#[napi]
pub fn map_over_dynamo_db(
    env: Env,
    #[napi(ts_arg_type = "Record<string, unknown> | string")] config: Unknown,
    #[napi(ts_arg_type = "DynamoDbListMapOptions")] options: Option<Unknown>,
) -> napi::Result<StateMachine> {
    guard(&env, || Ok(StateMachine { inner: list_map(&env, config, options)?.state_machine()? }))
}

/// Options of a phased job.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct PhasedJobOptions {
    /// Job name → the resource ARN its Task runs (else a Lambda function of the job's name).
    #[napi(ts_type = "Record<string, string>")]
    pub resources: Option<()>,
}

/// Seed 002's phased job graph (an object, or its JSON text) compiled into
/// states: phases in order, a step's jobs in a Parallel, each job a Lambda
/// named after it unless `resources` maps it. Cycles, unknown jobs, jobs
/// nobody waits for and unreachable phases are errors.
#[napi]
pub struct PhasedJob {
    inner: CorePhased,
}

#[napi]
impl PhasedJob {
    /// The graph, checked.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        this: This<Unknown>,
        #[napi(ts_arg_type = "Record<string, unknown> | string")] graph: Unknown,
        #[napi(ts_arg_type = "PhasedJobOptions")] options: Option<Unknown>,
    ) -> napi::Result<Self> {
        guard(&env, || {
            constructed_with_new::<PhasedJob>(&env, &this)?;
            let mut inner = CorePhased::from_json(&json_or_text(&env, graph, "graph")?)?;
            let props = Props::new(&env, options, "PhasedJob options", &["resources"])?;
            if let Some(resources) = props.json(&env, "resources")? {
                inner = inner.resources_from_json(&resources, "PhasedJob options.resources").map_err(type_error)?;
            }
            Ok(PhasedJob { inner })
        })
    }

    /// The phase the graph starts with.
    #[napi(getter)]
    pub fn current_phase(&self) -> String {
        self.inner.current_phase().to_string()
    }

    /// The phase names, in the order they run.
    #[napi(getter)]
    pub fn phases(&self) -> Vec<String> {
        self.inner.phases().iter().map(|p| p.name.clone()).collect()
    }

    /// Every job, in the order the phases and steps name them.
    #[napi(getter)]
    pub fn jobs(&self) -> Vec<String> {
        self.inner.jobs()
    }

    /// The states as a fragment.
    #[napi]
    pub fn fragment(&self, env: Env) -> napi::Result<Fragment> {
        guard(&env, || Ok(Fragment { inner: self.inner.fragment()? }))
    }

    /// The whole state machine.
    #[napi]
    pub fn state_machine(&self, env: Env) -> napi::Result<StateMachine> {
        guard(&env, || Ok(StateMachine { inner: self.inner.state_machine()? }))
    }

    /// The IAM policy statements (invoking the jobs' functions).
    #[napi(ts_return_type = "Array<{ Effect: 'Allow'; Action: string[]; Resource: string[] }>")]
    pub fn iam(&self) -> JsonValue {
        JsonValue(statements_json(&self.inner.iam()))
    }
}
