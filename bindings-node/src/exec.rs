//! The local executor from JavaScript: `World`, `TaskResult`, `Execution`,
//! `testState` and `diagram`.
//!
//! Thin by design: every rule of the executor is in `stepforge::exec`. What
//! lives here is what only the host can do. Task handlers are JavaScript
//! functions, which the core (whose handlers are `Send + Sync`) cannot hold:
//! they live in a host object (`exec.js`) kept on the World's JavaScript
//! object, and the core holds a [`JsHandler`] with the handler's index. While
//! a World runs, a thread-local points at its host, so a handler is called on
//! the JavaScript thread, inside the native call that runs the world.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use napi::bindgen_prelude::{Array, BigInt, FnArgs, FromNapiValue, Function, JsObjectValue, Object, This, Unknown};
use napi::{Env, JsValue, ValueType, sys};
use napi_derive::napi;
use serde_json::Value;
use stepforge::exec::dynamodb::{KeyType, MemoryDynamoDb, item_from_json};
use stepforge::exec::settle::INVALID_HANDLER_RESULT;
use stepforge::exec::{ExecError, StatusRule, TaskCall as CoreCall, TaskHandler, TaskOutcome, host_args};

use crate::errors::{Failure, Result, guard, type_error, value_error};
use crate::runtime;
use crate::value::{At, JsonValue, describe, native, to_json};

const HOST_SOURCE: &str = include_str!("exec.js");
const HOST_KEY: &str = "__stepforgeHost";

thread_local! {
    /// The host of the World running on this thread (env, host object), if any.
    static RUNNING: Cell<Option<(sys::napi_env, sys::napi_value)>> = const { Cell::new(None) };
}

/// `StepforgeError(message, code)`: `code` is AWS's exception name for the same refusal.
pub(crate) fn stepforge_error(env: &Env, code: &str, message: impl Into<String>) -> Failure {
    let message = message.into();
    match runtime::construct(env, "StepforgeError", FnArgs::from((message.clone(), code.to_string()))) {
        Ok(error) => Failure::Js(napi::Error::from(error)),
        Err(_) => Failure::Js(napi::Error::from_reason(format!("{code}: {message}"))),
    }
}

/// The core's refusal: the validator's problems stay a `ValidationError`.
fn refused(env: &Env, e: ExecError) -> Failure {
    match e.problems() {
        Some(problems) => Failure::Invalid(problems.clone()),
        None => stepforge_error(env, e.code(), e.to_string()),
    }
}

/// A definition given as JSON text, an object, or a `StateMachine`.
fn definition_text(env: &Env, value: Unknown, what: &str) -> Result<String> {
    match value.get_type()? {
        ValueType::String => Ok(value.coerce_to_string()?.into_utf8()?.into_owned()?),
        ValueType::Object => {
            if let Some(machine) = native::<crate::machine::StateMachine>(env, &value)? {
                return Ok(machine.to_json(*env)?);
            }
            Ok(to_json(env, value, &At::new(what))?.to_string())
        }
        ty => Err(type_error(format!(
            "{what} must be ASL JSON text, an object or a StateMachine, not {}",
            describe(&value, ty)?
        ))),
    }
}

/// What a handler is asked to do (the argument of every task handler).
#[napi(object, object_from_js = false)]
pub struct TaskCall {
    /// The resource the handler was registered for (for `lambda:invoke`, the `FunctionName`).
    pub resource: String,
    /// The task's input: the state input after `InputPath` and `Parameters` (for `lambda:invoke`, the `Payload`).
    #[napi(ts_type = "any")]
    pub input: JsonValue,
    /// The task token (`sendTaskSuccess`/`sendTaskFailure` answer with it).
    pub token: Option<String>,
    /// The execution's ARN.
    pub execution_arn: String,
    /// The Task state's name.
    pub state_name: String,
    /// How many times the state was retried so far (0 on the first attempt).
    pub retry_count: i64,
    /// A number from the world's seeded generator (0 <= random < 2**64): a
    /// handler that behaves randomly should draw from it so that a seed gives one run.
    pub random: BigInt,
    /// The virtual time of the call, ms since the Unix epoch.
    pub now_millis: i64,
}

/// A JavaScript function behind a resource: its index in the World's host.
struct JsHandler {
    id: u32,
}

impl TaskHandler for JsHandler {
    fn call(&self, call: &CoreCall) -> TaskOutcome {
        let Some((raw_env, host)) = RUNNING.with(Cell::get) else {
            return TaskOutcome::fail(
                "stepforge.HostUnavailable",
                "a JavaScript handler can only run while its World runs on the JavaScript thread",
            );
        };
        let env = Env::from_raw(raw_env);
        let mut scope = std::ptr::null_mut();
        if unsafe { sys::napi_open_handle_scope(raw_env, &mut scope) } != sys::Status::napi_ok {
            return TaskOutcome::fail("stepforge.HandlerFailed", "could not open a handle scope");
        }
        let outcome = self.invoke(&env, host, call).unwrap_or_else(|e| {
            let text = match e {
                Failure::Js(e) => e.to_string(),
                Failure::Type { message, .. } => message,
                other => format!("{other:?}"),
            };
            TaskOutcome::fail("stepforge.HandlerFailed", text)
        });
        unsafe { sys::napi_close_handle_scope(raw_env, scope) };
        outcome
    }
}

impl JsHandler {
    fn invoke(&self, env: &Env, host: sys::napi_value, call: &CoreCall) -> Result<TaskOutcome> {
        let host = Object::from_raw(env.raw(), host);
        let arg = TaskCall {
            resource: call.resource.clone(),
            input: JsonValue(call.input.clone()),
            token: call.token.clone(),
            execution_arn: call.execution_arn.clone(),
            state_name: call.state_name.clone(),
            retry_count: call.retry_count as i64,
            random: BigInt::from(call.random),
            now_millis: call.now_millis,
        };
        let invoke: Function<FnArgs<(u32, TaskCall)>, Array> = host.get_named_property("call")?;
        let answer = invoke.call(FnArgs::from((self.id, arg)))?;
        let kind: u32 = answer.get(0)?.unwrap_or(1);
        Ok(match kind {
            0 => match answer.get::<Unknown>(1)? {
                Some(value) => outcome_of(env, value, &call.state_name),
                None => TaskOutcome::ok(Value::Null),
            },
            2 => TaskOutcome::Pending,
            _ => TaskOutcome::fail(
                answer.get::<String>(1)?.unwrap_or_default(),
                answer.get::<String>(2)?.unwrap_or_default(),
            ),
        })
    }
}

/// A handler's value as an outcome: a `TaskResult`, or JSON (anything else fails the task).
fn outcome_of(env: &Env, value: Unknown, state: &str) -> TaskOutcome {
    let what = format!("the result of the handler of `{state}`");
    let converted = match native::<TaskResult>(env, &value) {
        Ok(Some(result)) => return TaskOutcome::Succeed { output: result.output.clone(), after: result.after },
        Ok(None) => to_json(env, value, &At::new(&what)),
        Err(e) => Err(e),
    };
    match converted {
        Ok(output) => TaskOutcome::ok(output),
        Err(Failure::Type { message, .. }) => TaskOutcome::fail(INVALID_HANDLER_RESULT, message),
        Err(other) => TaskOutcome::fail(INVALID_HANDLER_RESULT, format!("{what}: {other:?}")),
    }
}

/// A handler's result that takes virtual time: `new TaskResult(output, 2)`.
#[napi]
pub struct TaskResult {
    output: Value,
    after: Duration,
}

#[napi]
impl TaskResult {
    /// `output` is the task's result (JSON); `afterSeconds` the virtual time the work takes.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "unknown")] output: Unknown,
        after_seconds: Option<f64>,
    ) -> napi::Result<Self> {
        guard(&env, || {
            let output = to_json(&env, output, &At::new("TaskResult output"))?;
            let after =
                host_args::task_delay(after_seconds.unwrap_or(0.0), "TaskResult afterSeconds").map_err(value_error)?;
            Ok(TaskResult { output, after })
        })
    }

    /// The task's result.
    #[napi(getter, ts_return_type = "any")]
    pub fn output(&self) -> JsonValue {
        JsonValue(self.output.clone())
    }

    /// The virtual time the work takes, in seconds.
    #[napi(getter)]
    pub fn after_seconds(&self) -> f64 {
        self.after.as_secs_f64()
    }
}

/// Why a run returned.
#[napi(object, object_from_js = false)]
pub struct Idle {
    /// Transitions taken.
    pub steps: i64,
    /// Executions still running (they wait on task tokens or pending handlers).
    pub running: u32,
    /// Tasks whose handler's work is still in flight.
    pub host_pending: u32,
}

impl From<stepforge::exec::Idle> for Idle {
    fn from(i: stepforge::exec::Idle) -> Self {
        Idle { steps: i.steps as i64, running: i.running as u32, host_pending: i.host_pending as u32 }
    }
}

/// The timeline's answer: the most executions inside a set of states at once, and when.
#[napi(object, object_from_js = false)]
pub struct Peak {
    /// The most executions inside at once.
    pub count: u32,
    /// When that count was first reached, virtual ms since the Unix epoch (null if never).
    pub at_millis: Option<i64>,
}

/// One stay inside a state (virtual ms; `exited` is null while still inside).
#[napi(object, object_from_js = false)]
pub struct Stay {
    /// The execution's ARN.
    pub execution_arn: String,
    /// The state's name.
    pub state: String,
    /// When it entered.
    pub entered: i64,
    /// When it left.
    pub exited: Option<i64>,
}

/// A task waiting for a callback.
#[napi(object, object_from_js = false)]
pub struct WaitingTask {
    /// The task token.
    pub token: String,
    /// The execution's ARN.
    pub execution_arn: String,
    /// The Task state's name.
    pub state_name: String,
}

/// Options of `new World(seed, options)`.
#[napi(object)]
pub struct WorldOptions {
    /// Run in real time, scaled (0.01 runs a 3 s Wait in 30 ms); virtual time when left out.
    pub time_scale: Option<f64>,
    /// State transitions one execution may take (a loop without end fails with `States.Runtime`).
    pub transition_limit: Option<f64>,
    /// Seconds of real time a handler's Promise may take before its task fails (default 60).
    pub handler_timeout: Option<f64>,
}

/// Options of the item methods.
#[napi(object)]
pub struct ItemOptions {
    /// Items (and keys) in DynamoDB JSON instead of plain values.
    pub dynamodb_json: Option<bool>,
}

/// Options of `stopExecution`.
#[napi(object)]
pub struct StopOptions {
    /// The error recorded on the execution.
    pub error: Option<String>,
    /// The cause recorded on the execution.
    pub cause: Option<String>,
}

/// Options of `onStatusChange`.
#[napi(object)]
pub struct StatusRuleOptions {
    /// The state machine (name or ARN) whose executions are watched; all when left out.
    pub source: Option<String>,
    /// The statuses that fire the rule (default FAILED, TIMED_OUT, ABORTED).
    #[napi(ts_type = "Array<'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED'>")]
    pub statuses: Option<Vec<String>>,
}

/// An execution as it was when read.
#[napi]
pub struct Execution {
    pub(crate) inner: stepforge::exec::Execution,
}

#[napi]
impl Execution {
    /// The execution's ARN.
    #[napi(getter)]
    pub fn arn(&self) -> String {
        self.inner.arn().to_string()
    }
    /// Its name.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }
    /// The state machine's ARN.
    #[napi(getter)]
    pub fn state_machine_arn(&self) -> String {
        self.inner.state_machine_arn().to_string()
    }
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `ABORTED`.
    #[napi(getter, ts_return_type = "'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED'")]
    pub fn status(&self) -> String {
        self.inner.status().as_str().to_string()
    }
    /// The input.
    #[napi(getter, ts_return_type = "any")]
    pub fn input(&self) -> JsonValue {
        JsonValue(self.inner.input().clone())
    }
    /// The output, once succeeded (else null).
    #[napi(getter, ts_return_type = "any")]
    pub fn output(&self) -> JsonValue {
        JsonValue(self.inner.output().cloned().unwrap_or(Value::Null))
    }
    /// The error name, once failed, timed out or aborted.
    #[napi(getter)]
    pub fn error(&self) -> Option<String> {
        self.inner.error().map(str::to_string)
    }
    /// The cause, once failed, timed out or aborted.
    #[napi(getter)]
    pub fn cause(&self) -> Option<String> {
        self.inner.cause().map(str::to_string)
    }
    /// Virtual start time, ms since the Unix epoch.
    #[napi(getter)]
    pub fn start_millis(&self) -> i64 {
        self.inner.start_millis()
    }
    /// Virtual stop time, once ended.
    #[napi(getter)]
    pub fn stop_millis(&self) -> Option<i64> {
        self.inner.stop_millis()
    }
    /// The history as `GetExecutionHistory`'s `events`.
    #[napi(ts_return_type = "Array<Record<string, any>>")]
    pub fn history(&self) -> JsonValue {
        JsonValue(self.inner.history_json()["events"].clone())
    }
    /// The history as compact JSON text (`{"events": [...]}`): the same bytes from Rust, Python and Node.
    #[napi]
    pub fn history_json(&self) -> String {
        self.inner.history_json().to_string()
    }
    /// `DescribeExecution`'s response.
    #[napi(ts_return_type = "Record<string, any>")]
    pub fn describe(&self) -> JsonValue {
        JsonValue(self.inner.describe())
    }
}

/// A local Step Functions: state machines, executions on a virtual clock, an
/// in-memory DynamoDB and task handlers written in JavaScript.
#[napi]
pub struct World {
    pub(crate) core: RefCell<stepforge::exec::World>,
    time_scale: Option<f64>,
    handler_timeout: f64,
}

/// The host object kept on the World's JavaScript object, made on first use.
fn host<'env>(env: &'env Env, this: &Object<'env>) -> Result<Object<'env>> {
    if let Some(existing) = existing_host(env, this)? {
        return Ok(existing);
    }
    // `exec.js` evaluates to a function that returns `makeHost`; both are made
    // once per Node environment, and each World only calls `makeHost`.
    let make_host = runtime::script(env, HOST_SOURCE, |outer| {
        let outer: Function<(), Unknown> = unsafe { Function::from_napi_value(env.raw(), outer.raw()) }?;
        outer.call(())
    })?;
    let make_host: Function<(), Object> = unsafe { Function::from_napi_value(env.raw(), make_host.raw()) }?;
    let made = make_host.call(())?;
    let mut this = Object::from_raw(env.raw(), this.raw());
    this.set_named_property(HOST_KEY, made)?;
    Ok(made)
}

/// The host of the World object `this`, if one was made (a World without
/// JavaScript handlers has none, and its runs need none).
fn existing_host<'env>(env: &'env Env, this: &Object<'env>) -> Result<Option<Object<'env>>> {
    let existing: Unknown = this.get_named_property(HOST_KEY)?;
    Ok((existing.get_type()? == ValueType::Object).then(|| Object::from_raw(env.raw(), existing.raw())))
}

/// Restores the previous running host when a run ends (runs can nest).
struct RunningGuard(Option<(sys::napi_env, sys::napi_value)>);

impl Drop for RunningGuard {
    fn drop(&mut self) {
        RUNNING.with(|r| r.set(self.0));
    }
}

impl World {
    pub(crate) fn core(&self, env: &Env) -> Result<std::cell::RefMut<'_, stepforge::exec::World>> {
        self.core.try_borrow_mut().map_err(|_| {
            stepforge_error(
                env,
                "WorldBusy",
                "this World is running: a handler cannot call it (return a value or a Promise, or answer with the token once run() resumes)",
            )
        })
    }

    /// Runs `body` with this World's host as the running one.
    /// A World without a host has no JavaScript handler to call: it runs with
    /// none as the running host rather than making one.
    fn with_host<T>(&self, env: &Env, this: &Object, body: impl FnOnce() -> Result<T>) -> Result<T> {
        let running = existing_host(env, this)?.map(|host| (env.raw(), host.raw()));
        let _restore = RunningGuard(RUNNING.with(|r| r.replace(running)));
        body()
    }
}

/// Runs `body` with the host of the World object `world` as the running one,
/// so its JavaScript handlers can be called (the explorer runs worlds too).
pub(crate) fn with_world_host<T>(env: &Env, world: &Object, body: impl FnOnce(&Object) -> Result<T>) -> Result<T> {
    let host = host(env, world)?;
    let _restore = RunningGuard(RUNNING.with(|r| r.replace(Some((env.raw(), host.raw())))));
    body(&host)
}

fn key_spec(env: &Env, value: Unknown, what: &str) -> Result<(String, KeyType)> {
    let spec = to_json(env, value, &At::new(what))?;
    let (name, kind) = match &spec {
        Value::String(name) => (name.clone(), "S"),
        Value::Array(pair) if pair.len() == 2 => match (&pair[0], &pair[1]) {
            (Value::String(n), Value::String(k)) => (n.clone(), k.as_str()),
            _ => return Err(type_error(format!("{what} is a name or a [name, type] pair such as ['id', 'S']"))),
        },
        _ => return Err(type_error(format!("{what} is a name or a [name, type] pair such as ['id', 'S']"))),
    };
    Ok((name, host_args::key_type(kind, what).map_err(value_error)?))
}

fn item_of(env: &Env, value: Unknown, what: &str, dynamodb_json: bool) -> Result<stepforge::dynamo::attr::Item> {
    item_from_json(&to_json(env, value, &At::new(what))?, dynamodb_json).map_err(Failure::Marshal)
}

#[napi]
impl World {
    /// An empty world. Every random choice follows `seed`.
    #[napi(constructor)]
    pub fn new(env: Env, seed: Option<f64>, options: Option<WorldOptions>) -> napi::Result<Self> {
        guard(&env, || {
            let seed = seed.unwrap_or(0.0);
            if !(seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0 && seed <= 9_007_199_254_740_991.0) {
                return Err(value_error(format!("World seed must be a safe integer >= 0, not {seed}")));
            }
            let options =
                options.unwrap_or(WorldOptions { time_scale: None, transition_limit: None, handler_timeout: None });
            if let Some(scale) = options.time_scale {
                host_args::non_negative(scale, "timeScale").map_err(value_error)?;
            }
            let handler_timeout =
                host_args::positive(options.handler_timeout.unwrap_or(60.0), "handlerTimeout").map_err(value_error)?;
            let mut core = stepforge::exec::World::new(seed as u64);
            if let Some(limit) = options.transition_limit {
                if !(limit.is_finite() && limit >= 1.0) {
                    return Err(value_error(format!("transitionLimit must be a number >= 1, not {limit}")));
                }
                core.set_transition_limit(limit as u64);
            }
            Ok(World { core: RefCell::new(core), time_scale: options.time_scale, handler_timeout })
        })
    }

    /// An explorer of this world's schedules (`new Explorer(world, options)`):
    /// the machines, tables, handlers, rules and started executions as they are now.
    #[napi]
    pub fn explore(
        &self,
        env: Env,
        this: This,
        #[napi(ts_arg_type = "ExploreOptions")] options: Option<Unknown>,
    ) -> napi::Result<crate::explore::Explorer> {
        guard(&env, || crate::explore::Explorer::build(&env, this.to_unknown(), options))
    }

    /// `null`: virtual time; a number: real time, scaled.
    #[napi(getter)]
    pub fn time_scale(&self) -> Option<f64> {
        self.time_scale
    }

    /// Seconds of real time a handler's Promise may take.
    #[napi(getter)]
    pub fn handler_timeout(&self) -> f64 {
        self.handler_timeout
    }

    /// The virtual time, ms since the Unix epoch.
    #[napi(getter)]
    pub fn now_millis(&self, env: Env) -> napi::Result<i64> {
        guard(&env, || Ok(self.core(&env)?.now_millis()))
    }

    /// Registers a state machine (ASL JSON text, an object, or a
    /// `StateMachine`) under a name or an ARN; returns its ARN. A definition
    /// that does not validate throws a `ValidationError` with its problems.
    #[napi]
    pub fn register(
        &self,
        env: Env,
        name: String,
        #[napi(ts_arg_type = "string | object | StateMachine")] definition: Unknown,
    ) -> napi::Result<String> {
        guard(&env, || {
            let text = definition_text(&env, definition, "register() definition")?;
            self.core(&env)?.register_json(&name, &text).map_err(|e| refused(&env, e))
        })
    }

    /// Handles a Task resource (exact, or a pattern with `*`; for
    /// `lambda:invoke`, the `FunctionName`) with `handler(call)`. It returns
    /// the result (JSON, or a `TaskResult` to take virtual time), throws (the
    /// error's `name` is the task's error), or returns a Promise that `run()` awaits.
    #[napi]
    pub fn handle(
        &self,
        env: Env,
        this: This,
        resource: String,
        #[napi(ts_arg_type = "(call: TaskCall) => unknown")] handler: Unknown,
    ) -> napi::Result<()> {
        guard(&env, || {
            if handler.get_type()? != ValueType::Function {
                return Err(type_error(format!("handle({resource:?}, handler): the handler must be a function")));
            }
            let host = host(&env, &this)?;
            let add: Function<Unknown, u32> = host.get_named_property("add")?;
            let id = add.apply(host, handler)?;
            self.core(&env)?.handle(&resource, JsHandler { id });
            Ok(())
        })
    }

    /// An EventBridge-like rule: when an execution of `options.source` (any
    /// machine when left out) reaches one of `options.statuses` (default
    /// FAILED, TIMED_OUT, ABORTED), `target` starts with the status-change event as input.
    #[napi]
    pub fn on_status_change(&self, env: Env, target: String, options: Option<StatusRuleOptions>) -> napi::Result<()> {
        guard(&env, || {
            let (source, statuses) = options.map(|o| (o.source, o.statuses)).unwrap_or((None, None));
            let rule =
                StatusRule::from_names(target, source, statuses.as_deref(), "onStatusChange").map_err(value_error)?;
            self.core(&env)?.on_status_change(rule);
            Ok(())
        })
    }

    /// Creates a table in the in-memory DynamoDB: keys are a name (type S) or a `[name, 'S' | 'N' | 'B']` pair.
    #[napi]
    pub fn create_table(
        &self,
        env: Env,
        name: String,
        #[napi(ts_arg_type = "string | [string, 'S' | 'N' | 'B']")] partition_key: Unknown,
        #[napi(ts_arg_type = "string | [string, 'S' | 'N' | 'B']")] sort_key: Option<Unknown>,
    ) -> napi::Result<()> {
        guard(&env, || {
            let hash = key_spec(&env, partition_key, "partitionKey")?;
            let range = sort_key.map(|k| key_spec(&env, k, "sortKey")).transpose()?;
            self.core(&env)?
                .dynamodb_mut()
                .create_table(&name, (&hash.0, hash.1), range.as_ref().map(|(n, t)| (n.as_str(), *t)))
                .map_err(|e| stepforge_error(&env, &e.code, e.message))
        })
    }

    /// Puts an item: plain values (marshalled as `marshall` does), or DynamoDB JSON with `{dynamodbJson: true}`.
    #[napi]
    pub fn put_item(
        &self,
        env: Env,
        table: String,
        #[napi(ts_arg_type = "Record<string, unknown>")] item: Unknown,
        options: Option<ItemOptions>,
    ) -> napi::Result<()> {
        guard(&env, || {
            let typed = options.and_then(|o| o.dynamodb_json).unwrap_or(false);
            let item = item_of(&env, item, "putItem() item", typed)?;
            self.core(&env)?.dynamodb_mut().put(&table, item).map_err(|e| stepforge_error(&env, &e.code, e.message))
        })
    }

    /// The item with this key (plain values, or DynamoDB JSON), or null.
    #[napi(ts_return_type = "Record<string, any> | null")]
    pub fn get_item(
        &self,
        env: Env,
        table: String,
        #[napi(ts_arg_type = "Record<string, unknown>")] key: Unknown,
        options: Option<ItemOptions>,
    ) -> napi::Result<JsonValue> {
        guard(&env, || {
            let typed = options.and_then(|o| o.dynamodb_json).unwrap_or(false);
            let key = to_json(&env, key, &At::new("getItem() key"))?;
            let item = self.core(&env)?.dynamodb().get_json(&table, &key, typed).map_err(Failure::Marshal)?;
            Ok(JsonValue(item.unwrap_or(Value::Null)))
        })
    }

    /// Every item of a table in key order (plain values, or DynamoDB JSON).
    #[napi(ts_return_type = "Array<Record<string, any>>")]
    pub fn items(&self, env: Env, table: String, options: Option<ItemOptions>) -> napi::Result<JsonValue> {
        guard(&env, || {
            let typed = options.and_then(|o| o.dynamodb_json).unwrap_or(false);
            Ok(JsonValue(Value::Array(self.core(&env)?.dynamodb().items_json(&table, typed))))
        })
    }

    /// One DynamoDB API call on the in-memory tables (`'UpdateItem'`, a
    /// request in DynamoDB JSON); returns the response. A refused call throws
    /// a `StepforgeError` whose `code` is DynamoDB's (`ConditionalCheckFailedException`…).
    #[napi(ts_return_type = "Record<string, any>")]
    pub fn dynamodb_call(
        &self,
        env: Env,
        action: String,
        #[napi(ts_arg_type = "Record<string, unknown>")] request: Unknown,
    ) -> napi::Result<JsonValue> {
        guard(&env, || {
            let request = to_json(&env, request, &At::new("dynamodbCall() request"))?;
            let mut core = self.core(&env)?;
            let response = core.dynamodb_mut().call(&action, &request);
            response.map(JsonValue).map_err(|e| stepforge_error(&env, &e.code, e.message))
        })
    }

    /// Replaces the in-memory DynamoDB with the tables of a document in the
    /// shape of `stepforge run --dynamodb FILE` (`{tables: [...]}`).
    #[napi]
    pub fn load_dynamodb(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Record<string, unknown>")] tables: Unknown,
    ) -> napi::Result<()> {
        guard(&env, || {
            let value = to_json(&env, tables, &At::new("loadDynamodb() tables"))?;
            let db = MemoryDynamoDb::from_json(&value).map_err(|e| stepforge_error(&env, "ValidationException", e))?;
            *self.core(&env)?.dynamodb_mut() = db;
            Ok(())
        })
    }

    /// Every table and item, in the shape `loadDynamodb` reads (items in DynamoDB JSON).
    #[napi(ts_return_type = "Record<string, any>")]
    pub fn dump_dynamodb(&self, env: Env) -> napi::Result<JsonValue> {
        guard(&env, || Ok(JsonValue(self.core(&env)?.dynamodb().to_json())))
    }

    /// Puts an object in the in-memory S3 a distributed Map's `ItemReader` reads.
    #[napi]
    pub fn put_object(&self, env: Env, bucket: String, key: String, body: String) -> napi::Result<()> {
        guard(&env, || {
            self.core(&env)?.put_object(&bucket, &key, body);
            Ok(())
        })
    }

    /// Serves a bucket from a local directory (keys are paths under it).
    #[napi]
    pub fn mount_bucket(&self, env: Env, bucket: String, directory: String) -> napi::Result<()> {
        guard(&env, || {
            self.core(&env)?.mount_bucket(&bucket, directory);
            Ok(())
        })
    }

    /// Answers a state machine's Task states from a Step Functions Local mock
    /// configuration (`MockConfigFile`, an object or JSON text) and one of its test cases.
    #[napi]
    pub fn use_mocks(
        &self,
        env: Env,
        state_machine: String,
        #[napi(ts_arg_type = "string | Record<string, unknown>")] config: Unknown,
        test_case: String,
    ) -> napi::Result<()> {
        guard(&env, || {
            let config = if config.get_type()? == ValueType::String {
                let text = config.coerce_to_string()?.into_utf8()?.into_owned()?;
                serde_json::from_str(&text)
                    .map_err(|e| value_error(format!("useMocks(): the configuration is not JSON: {e}")))?
            } else {
                to_json(&env, config, &At::new("useMocks() config"))?
            };
            let case = stepforge::exec::TestCase::from_config(&config, &state_machine, &test_case)
                .map_err(|e| stepforge_error(&env, "InvalidMockConfiguration", e))?;
            self.core(&env)?.use_mocks(&state_machine, case).map_err(|e| refused(&env, e))
        })
    }

    /// Starts an execution (input: JSON, default `{}`); returns its ARN.
    #[napi]
    pub fn start_execution(
        &self,
        env: Env,
        state_machine: String,
        #[napi(ts_arg_type = "unknown")] input: Option<Unknown>,
        name: Option<String>,
    ) -> napi::Result<String> {
        guard(&env, || {
            let input = match input {
                Some(v) if v.get_type()? != ValueType::Undefined => {
                    to_json(&env, v, &At::new("startExecution() input"))?
                }
                _ => Value::Object(Default::default()),
            };
            self.core(&env)?.start_execution(&state_machine, input, name.as_deref()).map_err(|e| refused(&env, e))
        })
    }

    /// Runs what the core can run now without awaiting handlers' Promises
    /// (see `run`): on the virtual clock, or in real time with `timeScale`.
    #[napi]
    pub fn run_until_idle(&self, env: Env, this: This) -> napi::Result<Idle> {
        guard(&env, || {
            self.with_host(&env, &this, || {
                let mut core = self.core(&env)?;
                Ok(match self.time_scale {
                    Some(scale) => core.run_realtime(scale),
                    None => core.run_until_idle(),
                }
                .into())
            })
        })
    }

    /// Runs until nothing is left to do, awaiting handlers' Promises.
    #[napi(ts_return_type = "Promise<Idle>")]
    pub fn run<'env>(&self, env: &'env Env, this: This<'env>) -> napi::Result<Unknown<'env>> {
        guard(env, || {
            let host = host(env, &this)?;
            let run: Function<Object, Unknown> = host.get_named_property("run")?;
            Ok(run.call(Object::from_raw(env.raw(), this.raw()))?)
        })
    }

    /// `SendTaskSuccess`: the task waiting on `token` succeeds with `output`.
    #[napi]
    pub fn send_task_success(
        &self,
        env: Env,
        token: String,
        #[napi(ts_arg_type = "unknown")] output: Unknown,
    ) -> napi::Result<()> {
        guard(&env, || {
            let output = to_json(&env, output, &At::new("sendTaskSuccess() output"))?;
            self.core(&env)?.send_task_success(&token, output).map_err(|e| refused(&env, e))
        })
    }

    /// `SendTaskFailure`: the task waiting on `token` fails with `error` and `cause`.
    #[napi]
    pub fn send_task_failure(
        &self,
        env: Env,
        token: String,
        error: Option<String>,
        cause: Option<String>,
    ) -> napi::Result<()> {
        guard(&env, || {
            let (error, cause) = (error.unwrap_or_default(), cause.unwrap_or_default());
            self.core(&env)?.send_task_failure(&token, &error, &cause).map_err(|e| refused(&env, e))
        })
    }

    /// `SendTaskHeartbeat`: restarts the task's `HeartbeatSeconds` countdown.
    #[napi]
    pub fn send_task_heartbeat(&self, env: Env, token: String) -> napi::Result<()> {
        guard(&env, || self.core(&env)?.send_task_heartbeat(&token).map_err(|e| refused(&env, e)))
    }

    /// `StopExecution`: the execution ends ABORTED.
    #[napi]
    pub fn stop_execution(&self, env: Env, execution_arn: String, options: Option<StopOptions>) -> napi::Result<()> {
        guard(&env, || {
            let (error, cause) = options.map(|o| (o.error, o.cause)).unwrap_or((None, None));
            self.core(&env)?
                .stop_execution(&execution_arn, error.as_deref(), cause.as_deref())
                .map_err(|e| refused(&env, e))
        })
    }

    /// The execution with this ARN, as it is now.
    #[napi]
    pub fn execution(&self, env: Env, arn: String) -> napi::Result<Execution> {
        guard(&env, || {
            let core = self.core(&env)?;
            match core.execution(&arn) {
                Some(e) => Ok(Execution { inner: e.clone() }),
                None => Err(refused(&env, ExecError::ExecutionDoesNotExist(arn.clone()))),
            }
        })
    }

    /// Every execution, in the order they started (nested and rule-started ones included).
    #[napi]
    pub fn executions(&self, env: Env) -> napi::Result<Vec<Execution>> {
        guard(&env, || Ok(self.core(&env)?.executions().map(|e| Execution { inner: e.clone() }).collect()))
    }

    /// The tasks waiting for a callback.
    #[napi]
    pub fn waiting_tasks(&self, env: Env) -> napi::Result<Vec<WaitingTask>> {
        guard(&env, || {
            let core = self.core(&env)?;
            Ok(core
                .waiting_tasks()
                .into_iter()
                .map(|(token, execution_arn, state_name)| WaitingTask { token, execution_arn, state_name })
                .collect())
        })
    }

    /// The most executions inside `states` (a name or an array of names) at once, and when.
    #[napi]
    pub fn peak_occupancy(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string | string[]")] states: Unknown,
    ) -> napi::Result<Peak> {
        guard(&env, || {
            let names: Vec<String> = match to_json(&env, states, &At::new("peakOccupancy() states"))? {
                Value::String(one) => vec![one],
                Value::Array(many) if many.iter().all(Value::is_string) => {
                    many.into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
                }
                _ => return Err(type_error("peakOccupancy() takes a state name or an array of names")),
            };
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let peak = self.core(&env)?.peak_occupancy(&refs);
            Ok(Peak { count: peak.count as u32, at_millis: peak.at_millis })
        })
    }

    /// Every stay inside a state.
    #[napi]
    pub fn stays(&self, env: Env) -> napi::Result<Vec<Stay>> {
        guard(&env, || {
            Ok(self
                .core(&env)?
                .stays()
                .into_iter()
                .map(|(execution_arn, state, entered, exited)| Stay { execution_arn, state, entered, exited })
                .collect())
        })
    }

    /// A Promise's value: the task succeeds (or fails if it is not JSON).
    #[napi(js_name = "__settle", skip_typescript)]
    pub fn settle(&self, env: Env, token: String, value: Unknown) -> napi::Result<()> {
        guard(&env, || {
            let outcome = outcome_of(&env, value, "a pending task");
            self.core(&env)?.settle_host_work(
                &token,
                outcome,
                "a Promise's TaskResult cannot take virtual time: resolve with the output, or a TaskResult without afterSeconds",
            );
            Ok(())
        })
    }

    /// A Promise that rejected (or never settled): the task fails.
    #[napi(js_name = "__settleFailure", skip_typescript)]
    pub fn settle_failure(&self, env: Env, token: String, error: String, cause: String) -> napi::Result<()> {
        guard(&env, || {
            let _ = self.core(&env)?.send_task_failure(&token, &error, &cause);
            Ok(())
        })
    }

    /// Whether a task still waits on `token`.
    #[napi(js_name = "__isWaiting", skip_typescript)]
    pub fn is_waiting(&self, env: Env, token: String) -> napi::Result<bool> {
        guard(&env, || Ok(self.core(&env)?.waiting_tasks().iter().any(|(t, _, _)| *t == token)))
    }

    /// Virtual seconds until the next event, if any.
    #[napi(js_name = "__nextDueSeconds", skip_typescript)]
    pub fn next_due_seconds(&self, env: Env) -> napi::Result<Option<f64>> {
        guard(&env, || Ok(self.core(&env)?.next_due_seconds()))
    }

    /// Fires the next event even though host work holds the clock (real time only).
    #[napi(js_name = "__step", skip_typescript)]
    pub fn step(&self, env: Env, this: This) -> napi::Result<bool> {
        guard(&env, || self.with_host(&env, &this, || Ok(self.core(&env)?.step())))
    }
}

/// Step Functions' TestState, locally: the request as the API takes it
/// (`definition`, `stateName`, `input`, `mock`, `inspectionLevel`…); returns
/// the response (`output`, `error`, `cause`, `nextState`, `status`, `inspectionData`).
/// A refused request throws a `StepforgeError` whose `code` is AWS's exception name.
#[napi(ts_return_type = "Record<string, any>")]
pub fn test_state(
    env: Env,
    #[napi(ts_arg_type = "Record<string, unknown>")] request: Unknown,
) -> napi::Result<JsonValue> {
    guard(&env, || {
        let request = to_json(&env, request, &At::new("testState() request"))?;
        stepforge::exec::test_state(&request).map(JsonValue).map_err(|e| stepforge_error(&env, e.code, e.message))
    })
}

/// A diagram of a definition: Mermaid (`'mermaid'`, the default) or Graphviz
/// (`'dot'`), with the states an execution entered highlighted.
#[napi]
pub fn diagram(
    env: Env,
    #[napi(ts_arg_type = "string | object | StateMachine")] definition: Unknown,
    #[napi(ts_arg_type = "'mermaid' | 'dot'")] format: Option<String>,
    #[napi(ts_arg_type = "Execution")] highlight: Option<Unknown>,
) -> napi::Result<String> {
    guard(&env, || {
        let format = match format.as_deref().unwrap_or("mermaid") {
            "mermaid" => stepforge::diagram::Format::Mermaid,
            "dot" => stepforge::diagram::Format::Dot,
            other => return Err(value_error(format!("diagram(): format is 'mermaid' or 'dot', not {other:?}"))),
        };
        let text = definition_text(&env, definition, "diagram() definition")?;
        let def = stepforge::validate::parse_valid(&text)?;
        let entered = match highlight {
            Some(h) if !matches!(h.get_type()?, ValueType::Undefined | ValueType::Null) => {
                let execution = native::<Execution>(&env, &h)?
                    .ok_or_else(|| type_error("diagram(): highlight must be an Execution"))?;
                stepforge::diagram::entered_states(execution.inner.history())
            }
            _ => Default::default(),
        };
        Ok(stepforge::diagram::render(&def, format, &entered))
    })
}
