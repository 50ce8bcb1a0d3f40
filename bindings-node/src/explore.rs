//! Exploration from JavaScript: `Explorer` (`world.explore()`), `Faults`,
//! `Invariant`, `semaphoreInvariants`, and the read-only `WorldView` an
//! invariant receives.
//!
//! Thin by design: the search, faults, shrinking and timelines are
//! `stepforge::exec::explore`. The core's invariants are `Send + Sync`
//! closures and JavaScript functions can only be called on the JavaScript
//! thread, so exploration runs there (one thread), and a closure reaches its
//! function through a thread-local set for the run (as task handlers do in
//! `exec.rs`). An invariant returns `undefined`/`null`/`true` when it holds;
//! `false`, a message, or a thrown `AssertionError` (`node:assert`) breaks
//! it; any other throw stops the exploration with a `StepforgeError` whose
//! code is `InvariantError`, naming the invariant, the thrown value as `cause`.

use std::cell::Cell;
use std::ffi::c_void;

use napi::bindgen_prelude::{
    Array, ClassInstance, FnArgs, FromNapiValue, Function, FunctionRef, JavaScriptClassExt, JsObjectValue, Object,
    ObjectRef, Unknown,
};
use napi::{Env, JsValue, ValueType, sys};
use napi_derive::napi;
use serde_json::{Value, json};
use stepforge::dynamo::Item;
use stepforge::dynamo::attr::{item_from_dynamodb_json, item_to_dynamodb_json, item_to_plain_json, marshall_item};
use stepforge::exec::explore::{
    CheckAt, Counterexample, ExhaustiveLimits, ExploreError, Explorer as CoreExplorer, Fault, Faults as CoreFaults,
    Invariant as CoreInvariant, Probe, Report, Schedule, SemaphoreSpec, WorldView as CoreView, report,
};

use crate::errors::{Failure, Result, guard, type_error, value_error};
use crate::exec::{Execution, World, stepforge_error, with_world_host};
use crate::runtime;
use crate::value::{At, JsonValue, Props, native, to_json};

thread_local! {
    /// While an exploration runs on this thread: the env and its checker object.
    static CHECKING: Cell<Option<(sys::napi_env, sys::napi_value)>> = const { Cell::new(None) };
}

/// Calls the invariants' functions and reads their answers: `[0]` holds,
/// `[1, message]` broken, `[2]` could not be checked (the first such error is
/// kept in `state` and stops the exploration).
const CHECKER_SOURCE: &str = r#"(function makeChecker(fns) {
  'use strict'
  const state = { error: undefined, id: -1, what: '' }
  function check(id, view) {
    if (state.id >= 0) return [2]
    let v
    try {
      v = fns[id](view)
    } catch (e) {
      if (e !== null && typeof e === 'object' && e.name === 'AssertionError') {
        return [1, String(e.message) || 'assertion failed']
      }
      state.error = e
      state.id = id
      state.what = e instanceof Error ? `threw ${e.name}: ${e.message}` : `threw ${String(e)}`
      return [2]
    }
    if (v === undefined || v === null || v === true) return [0]
    if (v === false) return [1, 'the invariant returned false']
    if (typeof v === 'string') return [1, v === '' ? 'the invariant returned an empty message' : v]
    state.id = id
    state.what = `returned ${typeof v === 'object' ? JSON.stringify(v) : String(v)}: an invariant returns undefined or true when it holds, and false or a message when it breaks`
    return [2]
  }
  return { check, state }
})"#;

/// A fault's JavaScript name: camelCase of the core's (`errorAfterWrite`).
fn fault_name(f: Fault) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in f.name().chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn fault_named(name: &str) -> Result<Fault> {
    Fault::ALL.into_iter().find(|f| fault_name(*f) == name || f.name() == name).ok_or_else(|| {
        let names: Vec<String> = Fault::ALL.iter().map(|f| fault_name(*f)).collect();
        value_error(format!("{name:?} is not a fault; the faults are {}", names.join(", ")))
    })
}

fn checked_rate(name: &str, rate: f64) -> Result<f64> {
    if !(0.0..=1.0).contains(&rate) {
        return Err(value_error(format!("the rate of {name:?} is {rate}: a rate is between 0 and 1")));
    }
    Ok(rate)
}

fn millis(seconds: f64, what: &str) -> Result<i64> {
    if !(seconds.is_finite() && (0.0..1e12).contains(&seconds)) {
        return Err(value_error(format!("{what} must be a finite number of seconds >= 0, not {seconds}")));
    }
    Ok((seconds * 1000.0).round() as i64)
}

/// Options of `Faults`.
#[napi(object)]
pub struct FaultOptions {
    /// The most faults in one schedule (default: no bound).
    pub max_per_schedule: Option<u32>,
    /// How much later a late status-change event arrives (default 30).
    pub late_delivery_seconds: Option<f64>,
    /// How much later a late write lands (default 1).
    pub late_write_seconds: Option<f64>,
}

fn with_options(mut inner: CoreFaults, options: Option<FaultOptions>) -> Result<CoreFaults> {
    if let Some(o) = options {
        if let Some(n) = o.max_per_schedule {
            inner = inner.max_per_schedule(n);
        }
        if let Some(s) = o.late_delivery_seconds {
            inner.late_delivery_ms = millis(s, "lateDeliverySeconds")?.max(1);
        }
        if let Some(s) = o.late_write_seconds {
            inner.late_write_ms = millis(s, "lateWriteSeconds")?.max(1);
        }
    }
    Ok(inner)
}

/// Which faults to inject and how often: `new Faults({ errorAfterWrite: 0.03 })`,
/// `Faults.all(0.03)`. Names: `throttle`, `errorBeforeWrite`, `errorAfterWrite`,
/// `lateWrite`, `jobFail`, `jobTimeout`, `abort`, `timeout`, `lateDelivery`,
/// `duplicateDelivery`.
#[napi]
pub struct Faults {
    inner: CoreFaults,
}

fn faults_from_rates(env: &Env, rates: Unknown, options: Option<FaultOptions>) -> Result<CoreFaults> {
    let value = to_json(env, rates, &At::new("Faults rates"))?;
    let Value::Object(map) = value else {
        return Err(type_error("Faults rates must be an object of fault names to rates"));
    };
    let mut inner = CoreFaults::none();
    for (name, rate) in map {
        let rate = rate.as_f64().ok_or_else(|| type_error(format!("Faults: the rate of {name:?} is a number")))?;
        inner = inner.with(fault_named(&name)?, checked_rate(&name, rate)?);
    }
    with_options(inner, options)
}

#[napi]
impl Faults {
    /// `rates` maps fault names to rates (0–1).
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "Partial<Record<FaultName, number>>")] rates: Option<Unknown>,
        options: Option<FaultOptions>,
    ) -> napi::Result<Self> {
        guard(&env, || {
            let inner = match rates {
                Some(r) => faults_from_rates(&env, r, options)?,
                None => with_options(CoreFaults::none(), options)?,
            };
            Ok(Faults { inner })
        })
    }

    /// Every fault at `rate`.
    #[napi(factory)]
    pub fn all(env: Env, rate: f64, options: Option<FaultOptions>) -> napi::Result<Self> {
        guard(&env, || Ok(Faults { inner: with_options(CoreFaults::all(checked_rate("all", rate)?), options)? }))
    }

    /// No faults.
    #[napi(factory)]
    pub fn none() -> Self {
        Faults { inner: CoreFaults::none() }
    }

    /// Every fault's name.
    #[napi(ts_return_type = "FaultName[]")]
    pub fn names() -> Vec<String> {
        Fault::ALL.iter().map(|f| fault_name(*f)).collect()
    }

    /// The rate of the fault `name`.
    #[napi]
    pub fn rate(&self, env: Env, #[napi(ts_arg_type = "FaultName")] name: String) -> napi::Result<f64> {
        guard(&env, || Ok(self.inner.rate(fault_named(&name)?)))
    }

    /// The most faults in one schedule (`null`: no bound).
    #[napi(getter)]
    pub fn max_per_schedule(&self) -> Option<u32> {
        (self.inner.max_per_schedule != u32::MAX).then_some(self.inner.max_per_schedule)
    }
}

/// Options of `Invariant`.
#[napi(object)]
pub struct InvariantOptions {
    /// `'everyStep'` (default) or `'end'` (once, when a schedule has run to its end).
    #[napi(ts_type = "'everyStep' | 'end'")]
    pub at: Option<String>,
}

enum Body {
    Builtin(CoreInvariant),
    Js(FunctionRef<(), ()>),
}

/// A named predicate over the world: `new Invariant(name, check, { at })`
/// with `check(view)`, after every step or once at the end of a schedule.
#[napi]
pub struct Invariant {
    name: String,
    at: CheckAt,
    body: Body,
}

fn at_name(at: CheckAt) -> &'static str {
    match at {
        CheckAt::EveryStep => "everyStep",
        CheckAt::End => "end",
    }
}

fn js_invariant(name: String, check: Unknown, at: CheckAt) -> Result<Invariant> {
    if check.get_type()? != ValueType::Function {
        return Err(type_error(format!("Invariant({name:?}, check): check must be a function")));
    }
    let f = Function::<(), ()>::from_unknown(check)?;
    Ok(Invariant { name, at, body: Body::Js(f.create_ref()?) })
}

#[napi]
impl Invariant {
    /// `check(view)` returns `undefined` or `true` when the invariant holds;
    /// `false`, a message, or a thrown `AssertionError` when it breaks.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        name: String,
        #[napi(ts_arg_type = "InvariantCheck")] check: Unknown,
        options: Option<InvariantOptions>,
    ) -> napi::Result<Self> {
        guard(&env, || {
            let at = match options.and_then(|o| o.at).as_deref() {
                None | Some("everyStep") => CheckAt::EveryStep,
                Some("end") => CheckAt::End,
                Some(other) => {
                    return Err(value_error(format!("Invariant({name:?}): at is 'everyStep' or 'end', not {other:?}")));
                }
            };
            js_invariant(name, check, at)
        })
    }

    /// Its name (a violation reports it).
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// `'everyStep'` or `'end'`.
    #[napi(getter, ts_return_type = "'everyStep' | 'end'")]
    pub fn at(&self) -> String {
        at_name(self.at).into()
    }
}

/// The semaphore's built-in invariants for the lock `lock` in `table` with
/// `limit` slots guarding the states `jobStates`: the count never rises above
/// the limit; the count equals the owner entries; never more than the limit
/// inside the job; every execution ended; no slot held at the end.
#[napi]
pub fn semaphore_invariants(
    env: Env,
    table: String,
    lock: String,
    limit: i64,
    job_states: Vec<String>,
) -> napi::Result<Vec<Invariant>> {
    guard(&env, || {
        if limit < 1 {
            return Err(value_error(format!("semaphoreInvariants(): the limit is {limit}; at least 1")));
        }
        let spec = SemaphoreSpec { table, lock, limit, job_states };
        Ok(stepforge::exec::explore::semaphore_invariants(&spec)
            .into_iter()
            .map(|inv| Invariant { name: inv.name().to_string(), at: inv.check_at(), body: Body::Builtin(inv) })
            .collect())
    })
}

/// An execution as an invariant sees it.
#[napi(object, object_from_js = false)]
pub struct ExecutionView {
    /// The execution's ARN.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// Its state machine's ARN.
    pub state_machine_arn: String,
    /// Its status.
    #[napi(ts_type = "'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED'")]
    pub status: String,
    /// The states it is in now (several inside a Parallel or Map; none once ended).
    pub states: Vec<String>,
    /// The input.
    #[napi(ts_type = "any")]
    pub input: JsonValue,
    /// The output once succeeded (else `null`).
    #[napi(ts_type = "any")]
    pub output: JsonValue,
    /// The error name, once failed, timed out or aborted.
    pub error: Option<String>,
    /// The cause, once failed, timed out or aborted.
    pub cause: Option<String>,
}

/// Options of the view's item readers.
#[napi(object)]
pub struct ViewItemOptions {
    /// Items in DynamoDB JSON rather than plain data.
    pub dynamodb_json: Option<bool>,
}

/// What an invariant sees: the tables and executions after a step, and what
/// the step did. Read-only, and valid only during the invariant's call.
#[napi]
pub struct WorldView {
    view: Cell<*const c_void>,
}

impl WorldView {
    fn with<T>(&self, body: impl FnOnce(&CoreView<'_>) -> Result<T>) -> Result<T> {
        let ptr = self.view.get();
        if ptr.is_null() {
            return Err(value_error(
                "this WorldView was kept past its invariant's call: read what you need during the call",
            ));
        }
        // SAFETY: `ptr` is the view lent by `call_check` for the duration of
        // the invariant's call, on this (the only JavaScript) thread; it is
        // cleared before the call returns, and no reference escapes `body`.
        let view = unsafe { &*(ptr as *const CoreView<'_>) };
        body(view)
    }
}

fn dynamodb_json(options: Option<ViewItemOptions>) -> bool {
    options.and_then(|o| o.dynamodb_json).unwrap_or(false)
}

fn item_json(item: &Item, ddb: bool) -> Value {
    if ddb { item_to_dynamodb_json(item) } else { item_to_plain_json(item) }
}

#[napi]
impl WorldView {
    /// Every item of `table` in key order (plain data, or DynamoDB JSON).
    #[napi(ts_return_type = "Array<Record<string, any>>")]
    pub fn items(&self, env: Env, table: String, options: Option<ViewItemOptions>) -> napi::Result<JsonValue> {
        let ddb = dynamodb_json(options);
        guard(&env, || {
            self.with(|v| {
                Ok(JsonValue(Value::Array(v.dynamodb().items(&table).into_iter().map(|i| item_json(i, ddb)).collect())))
            })
        })
    }

    /// The item of `table` with this key, or `null`.
    #[napi(ts_return_type = "Record<string, any> | null")]
    pub fn get_item(
        &self,
        env: Env,
        table: String,
        #[napi(ts_arg_type = "Record<string, unknown>")] key: Unknown,
        options: Option<ViewItemOptions>,
    ) -> napi::Result<JsonValue> {
        let ddb = dynamodb_json(options);
        guard(&env, || {
            let key = to_json(&env, key, &At::new("getItem() key"))?;
            let key =
                if ddb { item_from_dynamodb_json(&key) } else { marshall_item(&key) }.map_err(Failure::Marshal)?;
            self.with(|v| Ok(JsonValue(v.dynamodb().get(&table, &key).map_or(Value::Null, |i| item_json(i, ddb)))))
        })
    }

    /// The tables' names.
    #[napi]
    pub fn table_names(&self, env: Env) -> napi::Result<Vec<String>> {
        guard(&env, || self.with(|v| Ok(v.dynamodb().table_names().into_iter().map(String::from).collect())))
    }

    /// Every execution, in the order they started (cleanup and probe executions included).
    #[napi]
    pub fn executions(&self, env: Env) -> napi::Result<Vec<ExecutionView>> {
        guard(&env, || {
            self.with(|v| {
                Ok(v.executions()
                    .map(|e| ExecutionView {
                        arn: e.arn().to_string(),
                        name: e.name().to_string(),
                        state_machine_arn: e.state_machine_arn().to_string(),
                        status: e.status().as_str().to_string(),
                        states: v.states_of(e.arn()).into_iter().map(String::from).collect(),
                        input: JsonValue(e.input().clone()),
                        output: JsonValue(e.output().cloned().unwrap_or(Value::Null)),
                        error: e.error().map(String::from),
                        cause: e.cause().map(String::from),
                    })
                    .collect())
            })
        })
    }

    /// The ARNs of the running executions inside one of `states`.
    #[napi]
    pub fn executions_in(&self, env: Env, states: Vec<String>) -> napi::Result<Vec<String>> {
        guard(&env, || self.with(|v| Ok(v.executions_in(&states).into_iter().map(String::from).collect())))
    }

    /// The virtual time, ms since the Unix epoch.
    #[napi(getter)]
    pub fn now_millis(&self, env: Env) -> napi::Result<i64> {
        guard(&env, || self.with(|v| Ok(v.world().now_millis())))
    }

    /// Whether this is the end-of-schedule check.
    #[napi(getter)]
    pub fn at_end(&self, env: Env) -> napi::Result<bool> {
        guard(&env, || self.with(|v| Ok(v.at_end())))
    }

    /// What the last step did: `execution` (ARN or null), `state`, `entered`,
    /// `write` (`{ table, key, before, after }` as plain data, or null) and
    /// `fault` (a fault's name or null); `null` for an end-of-schedule check.
    #[napi(getter, ts_return_type = "StepFacts | null")]
    pub fn step(&self, env: Env) -> napi::Result<JsonValue> {
        guard(&env, || {
            self.with(|v| {
                let Some(s) = v.step() else { return Ok(JsonValue(Value::Null)) };
                let write = s.write.as_ref().map(|w| {
                    json!({
                        "table": w.table,
                        "key": item_to_plain_json(&w.key),
                        "before": w.before.as_ref().map(item_to_plain_json),
                        "after": w.after.as_ref().map(item_to_plain_json),
                    })
                });
                Ok(JsonValue(json!({
                    "execution": s.execution,
                    "state": s.state,
                    "entered": s.entered,
                    "write": write,
                    "fault": s.fault.map(fault_name),
                })))
            })
        })
    }
}

const STOPPED: &str = "the exploration stopped: an invariant could not be checked";

/// Calls JavaScript invariant `id` through the running checker.
fn call_check(id: u32, view: &CoreView<'_>) -> std::result::Result<(), String> {
    let Some((raw_env, checker)) = CHECKING.with(Cell::get) else {
        return Err("a JavaScript invariant can only run while its explorer runs on the JavaScript thread".into());
    };
    let env = Env::from_raw(raw_env);
    let mut scope = std::ptr::null_mut();
    if unsafe { sys::napi_open_handle_scope(raw_env, &mut scope) } != sys::Status::napi_ok {
        return Err("could not open a handle scope".into());
    }
    let answer = (|| -> Result<std::result::Result<(), String>> {
        let checker = Object::from_raw(raw_env, checker);
        let lent = WorldView { view: Cell::new(view as *const CoreView<'_> as *const c_void) }.into_instance(&env)?;
        let check: Function<FnArgs<(u32, ClassInstance<WorldView>)>, Array> = checker.get_named_property("check")?;
        // The instance stays alive while the handle scope is open (its value is in it).
        let lent_ref: *const WorldView = &*lent;
        let out = check.call(FnArgs::from((id, lent)));
        // SAFETY: see above; the scope closes after this line.
        unsafe { (*lent_ref).view.set(std::ptr::null()) };
        let out = out?;
        let kind: u32 = out.get(0)?.unwrap_or(2);
        Ok(match kind {
            0 => Ok(()),
            1 => Err(out.get::<String>(1)?.unwrap_or_default()),
            _ => Err(STOPPED.into()),
        })
    })();
    unsafe { sys::napi_close_handle_scope(raw_env, scope) };
    answer.unwrap_or_else(|e| Err(format!("{STOPPED} ({e:?})")))
}

/// Restores the previous checker when a run ends.
struct CheckingGuard(Option<(sys::napi_env, sys::napi_value)>);

impl Drop for CheckingGuard {
    fn drop(&mut self) {
        CHECKING.with(|c| c.set(self.0));
    }
}

/// A broken invariant.
#[napi(object, object_from_js = false)]
pub struct Violation {
    /// The invariant's name.
    pub invariant: String,
    /// What it said.
    pub message: String,
    /// The step after which it broke.
    pub step: i64,
}

fn violation(v: &stepforge::exec::explore::Violation) -> Violation {
    Violation { invariant: v.invariant.clone(), message: v.message.clone(), step: v.step as i64 }
}

/// A failing schedule, shrunk, with what happened in it.
#[napi(object, object_from_js = false)]
pub struct CounterexampleInfo {
    /// What broke.
    pub violation: Violation,
    /// The shrunk schedule (`SEED:PICKS`): `explorer.replay(this)` runs it again.
    pub schedule: String,
    /// The schedule as first found.
    pub found: String,
    /// Steps of the shrunk schedule.
    pub steps: i64,
    /// Every step as a person reads it: who did what, the item after each write.
    pub timeline: String,
    /// A Mermaid sequence diagram of the steps that matter.
    pub mermaid: String,
    /// What broke, the schedule to replay, the timeline.
    pub description: String,
}

fn counterexample(cx: &Counterexample) -> CounterexampleInfo {
    CounterexampleInfo {
        violation: violation(&cx.violation),
        schedule: cx.schedule.to_string(),
        found: cx.found.to_string(),
        steps: cx.steps as i64,
        timeline: report::timeline_text(&cx.timeline),
        mermaid: cx.mermaid(),
        description: cx.describe(),
    }
}

/// What an exploration did.
#[napi(object, object_from_js = false)]
pub struct ExploreReport {
    /// `'random'` or `'exhaustive'`.
    #[napi(ts_type = "'random' | 'exhaustive'")]
    pub mode: String,
    /// Schedules run to their end (exhaustive: paths not cut at a known state).
    pub schedules: i64,
    /// Distinct world states seen (exhaustive mode; 0 in random mode).
    pub states: i64,
    /// Paths cut at a state already explored (exhaustive mode).
    pub pruned: i64,
    /// Steps taken over all schedules.
    pub transitions: i64,
    /// Wall time, seconds.
    pub elapsed_seconds: f64,
    /// Everything was explored (exhaustive) and no invariant broke.
    pub complete: bool,
    /// Schedules per second.
    pub schedules_per_second: f64,
    /// Steps per second.
    pub transitions_per_second: f64,
    /// The first broken invariant, shrunk (`null`: every invariant held).
    pub counterexample: Option<CounterexampleInfo>,
    /// One line: mode, counts, rates, verdict.
    pub summary: String,
}

fn explore_report(r: &Report) -> ExploreReport {
    ExploreReport {
        mode: r.mode.into(),
        schedules: r.schedules as i64,
        states: r.states as i64,
        pruned: r.pruned as i64,
        transitions: r.transitions as i64,
        elapsed_seconds: r.elapsed.as_secs_f64(),
        complete: r.complete,
        schedules_per_second: r.schedules_per_second(),
        transitions_per_second: r.transitions_per_second(),
        counterexample: r.counterexample.as_ref().map(counterexample),
        summary: r.summary(),
    }
}

/// One schedule replayed.
#[napi(object, object_from_js = false)]
pub struct ReplayResult {
    /// The broken invariant, or `null`.
    pub violation: Option<Violation>,
    /// Every step as a person reads it.
    pub timeline: String,
    /// A Mermaid sequence diagram of the steps that matter.
    pub mermaid: String,
    /// Every execution at the schedule's end, with its history.
    pub executions: Vec<Execution>,
}

/// Options of `exhaustive()`.
#[napi(object)]
pub struct ExhaustiveOptions {
    /// The most distinct states before it stops with an error (default 2,000,000).
    pub max_states: Option<f64>,
    /// The most faults on one path (default 1).
    pub max_faults: Option<u32>,
    /// The world's seed (default 0).
    pub seed: Option<f64>,
    /// Take thread-local, invisible events alone (default true).
    pub partial_order_reduction: Option<bool>,
}

const OPTIONS: &[&str] = &[
    "invariants",
    "faults",
    "faultTargets",
    "watchStates",
    "probe",
    "horizonSeconds",
    "maxSteps",
    "histories",
    "shrinkRuns",
];

/// Explores the schedules of a world: random (`random`), every
/// distinguishable one (`exhaustive`), or one given (`replay`), checking the
/// invariants after every step. Runs on the JavaScript thread.
#[napi]
pub struct Explorer {
    explorer: CoreExplorer,
    invariants: Vec<Invariant>,
    // Not leak-checked: napi-rs frees an ObjectRef only through `unref(env)`, which a
    // class field cannot call on drop; the World object then lives as long as the process.
    world: ObjectRef<false>,
}

fn invariant_list(env: &Env, value: Unknown) -> Result<Vec<Invariant>> {
    if !value.is_array()? {
        return Err(type_error("explore options: `invariants` must be an array"));
    }
    let array = Object::from_unknown(value)?;
    let len: u32 = array.get_named_property("length")?;
    let mut out = Vec::new();
    for i in 0..len {
        let item: Unknown = array.get_element(i)?;
        if let Some(inv) = native::<Invariant>(env, &item)? {
            let body = match &inv.body {
                Body::Builtin(core) => Body::Builtin(core.clone()),
                Body::Js(f) => Body::Js(f.borrow_back(env)?.create_ref()?),
            };
            out.push(Invariant { name: inv.name.clone(), at: inv.at, body });
        } else if item.get_type()? == ValueType::Function {
            let f = Function::<(), ()>::from_unknown(item)?;
            let name: String = Object::from_unknown(item)?
                .get_named_property::<Unknown>("name")
                .ok()
                .and_then(|n| {
                    (n.get_type().ok() == Some(ValueType::String))
                        .then(|| n.coerce_to_string().ok()?.into_utf8().ok()?.into_owned().ok())
                        .flatten()
                })
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("invariant {i}"));
            out.push(Invariant { name, at: CheckAt::EveryStep, body: Body::Js(f.create_ref()?) });
        } else {
            return Err(type_error(format!("explore options: invariants[{i}] is neither an Invariant nor a function")));
        }
    }
    Ok(out)
}

fn faults_option(env: &Env, value: Option<Unknown>) -> Result<CoreFaults> {
    let Some(value) = value else { return Ok(CoreFaults::none()) };
    if let Some(f) = native::<Faults>(env, &value)? {
        return Ok(f.inner.clone());
    }
    if value.get_type()? == ValueType::Object {
        return faults_from_rates(env, value, None);
    }
    Err(type_error("explore options: `faults` is a Faults or an object of fault names to rates"))
}

impl Explorer {
    /// Builds from a World object and options.
    pub(crate) fn build(env: &Env, world_value: Unknown, options: Option<Unknown>) -> Result<Explorer> {
        let Some(world) = native::<World>(env, &world_value)? else {
            return Err(type_error("new Explorer(world): world must be a World"));
        };
        let core_world = world.core(env)?.clone();
        let props = Props::new(env, options, "explore options", OPTIONS)?;
        let invariants = match props.get("invariants")? {
            Some(v) => invariant_list(env, v)?,
            None => Vec::new(),
        };
        let targets: Vec<String> = match props.strings("faultTargets")? {
            Some(t) => {
                for m in &t {
                    if core_world.machine(m).is_none() {
                        return Err(value_error(format!(
                            "explore options: faultTargets: no state machine {m:?} is registered in the world"
                        )));
                    }
                }
                t
            }
            None => core_world.executions().map(|e| e.state_machine_arn().to_string()).collect(),
        };
        let probe = match props.get("probe")? {
            None => None,
            Some(v) => {
                let p = Props::new(
                    env,
                    Some(v),
                    "explore options: probe",
                    &["machine", "executions", "afterSeconds", "input"],
                )?;
                let machine =
                    p.string("machine")?.ok_or_else(|| type_error("explore options: probe.machine is required"))?;
                if core_world.machine(&machine).is_none() {
                    return Err(value_error(format!(
                        "explore options: probe: no state machine {machine:?} is registered in the world"
                    )));
                }
                let executions = p.count("executions")?.unwrap_or(1).clamp(1, 10_000) as usize;
                let after_ms = millis(p.float("afterSeconds")?.unwrap_or(0.0), "probe.afterSeconds")?;
                let input = p.json(env, "input")?.unwrap_or_else(|| json!({}));
                Some(Probe { machine, executions, after_ms, input })
            }
        };
        let target_refs: Vec<&str> = targets.iter().map(String::as_str).collect();
        let mut explorer = CoreExplorer::new(core_world)
            .faults(faults_option(env, props.get("faults")?)?)
            .fault_targets(&target_refs)
            .watch_states(&props.strings("watchStates")?.unwrap_or_default())
            .horizon_ms(millis(props.float("horizonSeconds")?.unwrap_or(3600.0), "horizonSeconds")?.max(1))
            .max_steps(props.count("maxSteps")?.unwrap_or(100_000))
            .threads(1)
            .histories(props.bool("histories")?.unwrap_or(false))
            .shrink_runs(props.count("shrinkRuns")?.unwrap_or(2000));
        if let Some(p) = probe {
            explorer = explorer.probe(p);
        }
        let world = Object::from_unknown(world_value)?.create_ref::<false>()?;
        Ok(Explorer { explorer, invariants, world })
    }

    /// Runs `search` on this thread with the invariants' checker and the
    /// world's handlers reachable, then throws what could not be checked.
    fn run<T>(&self, env: &Env, search: impl FnOnce(&CoreExplorer) -> T) -> Result<T> {
        let make: Function<Array, Object> = env.run_script(CHECKER_SOURCE)?;
        let mut fns = env.create_array(0)?;
        let mut core = Vec::new();
        for inv in &self.invariants {
            match &inv.body {
                Body::Builtin(c) => core.push(c.clone()),
                Body::Js(f) => {
                    let id = fns.len();
                    fns.insert(f.borrow_back(env)?)?;
                    let check = move |v: &CoreView<'_>| call_check(id, v);
                    core.push(match inv.at {
                        CheckAt::EveryStep => CoreInvariant::every_step(inv.name.clone(), check),
                        CheckAt::End => CoreInvariant::at_end(inv.name.clone(), check),
                    });
                }
            }
        }
        let checker = make.call(fns)?;
        let explorer = self.explorer.clone().invariants(core);
        let world: Object = self.world.get_value(env)?;
        let out = with_world_host(env, &world, |host| {
            let _restore = CheckingGuard(CHECKING.with(|c| c.replace(Some((env.raw(), checker.raw())))));
            let out = search(&explorer);
            let take: Function<(), Vec<String>> = host.get_named_property("takePending")?;
            Ok((out, take.call(())?))
        });
        let (out, pending) = out?;
        let state: Object = checker.get_named_property("state")?;
        let id: i32 = state.get_named_property("id")?;
        if id >= 0 {
            let name = self.js_name(id as u32).unwrap_or_default();
            let what: String = state.get_named_property("what")?;
            let cause: Unknown = state.get_named_property("error")?;
            let message = format!("the invariant `{name}` {what}");
            let error =
                runtime::construct(env, "StepforgeError", FnArgs::from((message, "InvariantError".to_string())))?;
            let mut object = Object::from_unknown(error)?;
            object.set_named_property("invariant", name)?;
            if cause.get_type()? != ValueType::Undefined {
                object.set_named_property("cause", cause)?;
            }
            return Err(Failure::Js(napi::Error::from(error)));
        }
        if let Some(place) = pending.first() {
            return Err(stepforge_error(
                env,
                "AsyncHandler",
                format!(
                    "the handler of {place} returned a Promise: exploration calls handlers synchronously (the \
                     explorer picks the next step only once this one has ended), so give the world a handler that \
                     returns its result (a TaskResult for work that takes virtual time)"
                ),
            ));
        }
        Ok(out)
    }

    /// The name of JavaScript invariant number `id` (in the checker's order).
    fn js_name(&self, id: u32) -> Option<String> {
        self.invariants.iter().filter(|i| matches!(i.body, Body::Js(_))).nth(id as usize).map(|i| i.name.clone())
    }
}

#[napi]
impl Explorer {
    /// An explorer of `world` as it is now (machines, tables, handlers, rules,
    /// started executions); see `ExploreOptions`.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "World")] world: Unknown,
        #[napi(ts_arg_type = "ExploreOptions")] options: Option<Unknown>,
    ) -> napi::Result<Self> {
        guard(&env, || Explorer::build(&env, world, options))
    }

    /// The invariants' names, in the order they are checked.
    #[napi(getter)]
    pub fn invariant_names(&self) -> Vec<String> {
        self.invariants.iter().map(|i| i.name.clone()).collect()
    }

    /// Runs `schedules` random schedules (schedule `i` draws its own seed from
    /// `seed`: the same call finds the same counterexample); stops at the first
    /// broken invariant and shrinks it.
    #[napi]
    pub fn random(&self, env: Env, schedules: f64, seed: Option<f64>) -> napi::Result<ExploreReport> {
        guard(&env, || {
            let schedules = whole(schedules, "random() schedules")?;
            let seed = whole(seed.unwrap_or(0.0), "random() seed")?;
            let report = self.run(&env, |ex| ex.random(schedules, seed))?;
            Ok(explore_report(&report))
        })
    }

    /// Explores every distinguishable schedule, depth first with state
    /// hashing and a partial-order reduction; throws a `StepforgeError` with
    /// code `TooLarge` at `maxStates`.
    #[napi]
    pub fn exhaustive(&self, env: Env, options: Option<ExhaustiveOptions>) -> napi::Result<ExploreReport> {
        guard(&env, || {
            let mut limits = ExhaustiveLimits::default();
            if let Some(o) = options {
                if let Some(m) = o.max_states {
                    limits.max_states = whole(m, "exhaustive() maxStates")?;
                }
                if let Some(m) = o.max_faults {
                    limits.max_faults = m;
                }
                if let Some(s) = o.seed {
                    limits.seed = whole(s, "exhaustive() seed")?;
                }
                if let Some(p) = o.partial_order_reduction {
                    limits.partial_order_reduction = p;
                }
            }
            match self.run(&env, |ex| ex.exhaustive(&limits))? {
                Ok(report) => Ok(explore_report(&report)),
                Err(e @ ExploreError::TooLarge { .. }) => Err(stepforge_error(&env, "TooLarge", e.to_string())),
                Err(e) => Err(stepforge_error(&env, "InvalidExploration", e.to_string())),
            }
        })
    }

    /// Replays one schedule (`SEED:PICKS`, as a counterexample gives it), recording every step.
    #[napi]
    pub fn replay(&self, env: Env, schedule: String) -> napi::Result<ReplayResult> {
        guard(&env, || {
            let schedule: Schedule = schedule
                .parse()
                .map_err(|e: String| stepforge_error(&env, "InvalidSchedule", format!("replay(): {e}")))?;
            let (v, records, world) = self.run(&env, |ex| ex.replay(&schedule))?;
            Ok(ReplayResult {
                violation: v.as_ref().map(violation),
                timeline: report::timeline_text(&records),
                mermaid: report::mermaid(&records),
                executions: world.executions().map(|e| Execution { inner: e.clone() }).collect(),
            })
        })
    }
}

fn whole(f: f64, what: &str) -> Result<u64> {
    if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= 9_007_199_254_740_991.0 {
        Ok(f as u64)
    } else {
        Err(value_error(format!("{what} must be a whole number >= 0, not {f}")))
    }
}
