//! Exploration from JavaScript: `Explorer` (`world.explore()`), `Faults`,
//! `Invariant`, `semaphoreInvariants`, and the read-only `WorldView` an
//! invariant receives.
//!
//! Thin by design: the search, faults, shrinking, the options' rules and the
//! reports are `stepforge::exec::explore` (its `surface` module gives them in
//! JavaScript's spelling, the reports as JSON). The core's invariants are
//! `Send + Sync` closures and JavaScript functions can only be called on the
//! JavaScript thread, so exploration runs there (one thread), and a closure
//! reaches its function through a thread-local set for the run (as task
//! handlers do in `exec.rs`). A small JavaScript checker calls the function
//! and classifies its answer; the core's `verdict` says what it means.

use std::cell::Cell;
use std::sync::Arc;

use napi::bindgen_prelude::{
    Array, ClassInstance, FnArgs, FromNapiValue, Function, FunctionRef, JavaScriptClassExt, JsObjectValue, Object,
    ObjectRef, Unknown,
};
use napi::{Env, JsValue, ValueType, sys};
use napi_derive::napi;
use serde_json::Value;
use stepforge::exec::explore::surface::{self, Answer, ErrorKind, LentView, Naming::Camel, SurfaceError};
use stepforge::exec::explore::{
    CheckAt, ExhaustiveLimits, ExploreError, Explorer as CoreExplorer, Faults as CoreFaults,
    Invariant as CoreInvariant, Schedule, WorldView as CoreView, report,
};

use crate::errors::{Failure, Result, guard, type_error, value_error};
use crate::exec::{Execution, World, stepforge_error, with_world_host};
use crate::runtime;
use crate::value::{At, JsonValue, Props, native, to_json};

thread_local! {
    /// While an exploration runs on this thread: the env and its checker object.
    static CHECKING: Cell<Option<(sys::napi_env, sys::napi_value)>> = const { Cell::new(None) };
}

/// Calls the invariants' functions and classifies their answers as
/// `[kind, text]` (kinds: see `call_check`); the first invariant that could
/// not be checked is kept in `state` and stops the exploration.
const CHECKER_SOURCE: &str = r#"(function makeChecker(fns) {
  'use strict'
  const state = { error: undefined, id: -1, message: '' }
  function check(id, view) {
    if (state.id >= 0) return [6]
    let v
    try {
      v = fns[id](view)
    } catch (e) {
      if (e !== null && typeof e === 'object' && e.name === 'AssertionError') {
        return [1, String(e.message) || 'assertion failed']
      }
      state.error = e
      state.id = id
      return [5, e instanceof Error ? `${e.name}: ${e.message}` : String(e)]
    }
    if (v === undefined || v === null || v === true) return [0]
    if (v === false) return [2]
    if (typeof v === 'string') return [1, v]
    state.id = id
    return [4, typeof v === 'object' ? JSON.stringify(v) : String(v)]
  }
  return { check, state }
})"#;

/// The core's argument problem as the JavaScript error of its kind.
fn err(e: SurfaceError) -> Failure {
    match e.kind {
        ErrorKind::Type => type_error(e.message),
        ErrorKind::Value | ErrorKind::Config | ErrorKind::Expired => value_error(e.message),
    }
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

fn fault_options(o: Option<FaultOptions>) -> surface::FaultOptions {
    o.map_or_else(Default::default, |o| surface::FaultOptions {
        max_per_schedule: o.max_per_schedule,
        late_delivery_seconds: o.late_delivery_seconds,
        late_write_seconds: o.late_write_seconds,
    })
}

/// Which faults to inject and how often: `new Faults({ errorAfterWrite: 0.03 })`,
/// `Faults.all(0.03)`. Names: `throttle`, `errorBeforeWrite`, `errorAfterWrite`,
/// `lateWrite`, `jobFail`, `jobTimeout`, `abort`, `timeout`, `lateDelivery`,
/// `duplicateDelivery`.
#[napi]
pub struct Faults {
    inner: CoreFaults,
}

fn faults_from_rates(env: &Env, rates: Option<Unknown>, options: Option<FaultOptions>) -> Result<CoreFaults> {
    let rates = rates.map(|r| to_json(env, r, &At::new("Faults rates"))).transpose()?;
    surface::faults(rates.as_ref(), fault_options(options), Camel).map_err(err)
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
        guard(&env, || Ok(Faults { inner: faults_from_rates(&env, rates, options)? }))
    }

    /// Every fault at `rate`.
    #[napi(factory)]
    pub fn all(env: Env, rate: f64, options: Option<FaultOptions>) -> napi::Result<Self> {
        guard(&env, || Ok(Faults { inner: surface::all_faults(rate, fault_options(options), Camel).map_err(err)? }))
    }

    /// No faults.
    #[napi(factory)]
    pub fn none() -> Self {
        Faults { inner: CoreFaults::none() }
    }

    /// Every fault's name.
    #[napi(ts_return_type = "FaultName[]")]
    pub fn names() -> Vec<String> {
        surface::fault_names(Camel)
    }

    /// The rate of the fault `name`.
    #[napi]
    pub fn rate(&self, env: Env, #[napi(ts_arg_type = "FaultName")] name: String) -> napi::Result<f64> {
        guard(&env, || Ok(self.inner.rate(surface::fault_named(&name, Camel).map_err(err)?)))
    }

    /// The most faults in one schedule (`null`: no bound).
    #[napi(getter)]
    pub fn max_per_schedule(&self) -> Option<u32> {
        surface::max_per_schedule(&self.inner)
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
            let at = surface::check_at(&name, options.and_then(|o| o.at).as_deref(), Camel).map_err(err)?;
            if check.get_type()? != ValueType::Function {
                return Err(type_error(format!("Invariant({name:?}, check): check must be a function")));
            }
            let f = Function::<(), ()>::from_unknown(check)?;
            Ok(Invariant { name, at, body: Body::Js(f.create_ref()?) })
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
        surface::at_name(self.at, Camel).into()
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
        let spec = surface::semaphore_spec(table, lock, limit, job_states, Camel).map_err(err)?;
        Ok(stepforge::exec::explore::semaphore_invariants(&spec)
            .into_iter()
            .map(|inv| Invariant { name: inv.name().to_string(), at: inv.check_at(), body: Body::Builtin(inv) })
            .collect())
    })
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
    lent: Arc<LentView>,
}

impl WorldView {
    fn with<T>(&self, body: impl FnOnce(&CoreView<'_>) -> Result<T>) -> Result<T> {
        self.lent.with(body).map_err(err)?
    }
}

fn dynamodb_json(options: &Option<ViewItemOptions>) -> bool {
    options.as_ref().and_then(|o| o.dynamodb_json).unwrap_or(false)
}

#[napi]
impl WorldView {
    /// Every item of `table` in key order (plain data, or DynamoDB JSON).
    #[napi(ts_return_type = "Array<Record<string, any>>")]
    pub fn items(&self, env: Env, table: String, options: Option<ViewItemOptions>) -> napi::Result<JsonValue> {
        guard(&env, || {
            self.with(|v| Ok(JsonValue(Value::Array(v.dynamodb().items_json(&table, dynamodb_json(&options))))))
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
        guard(&env, || {
            let ddb = dynamodb_json(&options);
            let key = to_json(&env, key, &At::new("getItem() key"))?;
            self.with(|v| {
                let item = v.dynamodb().get_json(&table, &key, ddb).map_err(Failure::Marshal)?;
                Ok(JsonValue(item.unwrap_or(Value::Null)))
            })
        })
    }

    /// The tables' names.
    #[napi]
    pub fn table_names(&self, env: Env) -> napi::Result<Vec<String>> {
        guard(&env, || self.with(|v| Ok(v.dynamodb().table_names().into_iter().map(String::from).collect())))
    }

    /// Every execution, in the order they started (cleanup and probe executions included).
    #[napi(ts_return_type = "Array<ExecutionView>")]
    pub fn executions(&self, env: Env) -> napi::Result<JsonValue> {
        guard(&env, || self.with(|v| Ok(JsonValue(Value::Array(surface::executions(v, Camel))))))
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
        guard(&env, || self.with(|v| Ok(JsonValue(surface::step(v, Camel)))))
    }
}

/// Calls JavaScript invariant `id` (named `name`) through the running checker.
fn call_check(id: u32, name: &str, view: &CoreView<'_>) -> std::result::Result<(), String> {
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
        let check: Function<FnArgs<(u32, ClassInstance<WorldView>)>, Array> = checker.get_named_property("check")?;
        let call = |lent: &Arc<LentView>| {
            check.call(FnArgs::from((id, WorldView { lent: lent.clone() }.into_instance(&env)?)))
        };
        let out = LentView::lend(view, call)?;
        let text = || out.get::<String>(1).map(Option::unwrap_or_default);
        let answer = match out.get::<u32>(0)?.unwrap_or(6) {
            0 => Answer::Holds,
            1 => Answer::Message(text()?),
            2 => Answer::False,
            4 => Answer::Other(text()?),
            5 => Answer::Raised(text()?),
            _ => return Ok(Err(surface::STOPPED.into())),
        };
        surface::verdict(name, answer, Camel).or_else(|message| {
            let mut state: Object = checker.get_named_property("state")?;
            state.set_named_property("message", message)?;
            Ok::<_, Failure>(Err(surface::STOPPED.to_string()))
        })
    })();
    unsafe { sys::napi_close_handle_scope(raw_env, scope) };
    answer.unwrap_or_else(|e| Err(format!("{} ({e:?})", surface::STOPPED)))
}

/// Restores the previous checker when a run ends.
struct CheckingGuard(Option<(sys::napi_env, sys::napi_value)>);

impl Drop for CheckingGuard {
    fn drop(&mut self) {
        CHECKING.with(|c| c.set(self.0));
    }
}

/// One schedule replayed.
#[napi(object, object_from_js = false)]
pub struct ReplayResult {
    /// The broken invariant, or `null`.
    #[napi(ts_type = "Violation")]
    pub violation: Option<JsonValue>,
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
        return faults_from_rates(env, Some(value), None);
    }
    Err(type_error("explore options: `faults` is a Faults or an object of fault names to rates"))
}

fn probe_option(env: &Env, value: Unknown) -> Result<stepforge::exec::explore::Probe> {
    let p =
        Props::new(env, Some(value), "explore options: probe", &["machine", "executions", "afterSeconds", "input"])?;
    let machine = p.string("machine")?.ok_or_else(|| type_error("explore options: probe.machine is required"))?;
    let executions = p.count("executions")?.unwrap_or(1).clamp(1, 10_000) as usize;
    let after = p.float("afterSeconds")?.unwrap_or(0.0);
    surface::probe(machine, executions, after, p.json(env, "input")?, Camel).map_err(err)
}

impl Explorer {
    /// Builds from a World object and options.
    pub(crate) fn build(env: &Env, world_value: Unknown, options: Option<Unknown>) -> Result<Explorer> {
        let Some(world) = native::<World>(env, &world_value)? else {
            return Err(type_error("new Explorer(world): world must be a World"));
        };
        let core_world = world.core(env)?.clone();
        let props = Props::new(env, options, "explore options", OPTIONS)?;
        let invariants = props.get("invariants")?.map(|v| invariant_list(env, v)).transpose()?.unwrap_or_default();
        let defaults = surface::ExploreOptions::default();
        let options = surface::ExploreOptions {
            faults: faults_option(env, props.get("faults")?)?,
            fault_targets: props.strings("faultTargets")?,
            watch_states: props.strings("watchStates")?.unwrap_or_default(),
            probe: props.get("probe")?.map(|v| probe_option(env, v)).transpose()?,
            horizon_seconds: props.float("horizonSeconds")?.unwrap_or(defaults.horizon_seconds),
            max_steps: props.count("maxSteps")?.unwrap_or(defaults.max_steps),
            histories: props.bool("histories")?.unwrap_or(defaults.histories),
            shrink_runs: props.count("shrinkRuns")?.unwrap_or(defaults.shrink_runs),
            ..defaults
        };
        let explorer = options.explorer(core_world, Camel).map_err(err)?;
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
                    let name = inv.name.clone();
                    let check = move |v: &CoreView<'_>| call_check(id, &name, v);
                    core.push(surface::invariant(inv.name.clone(), inv.at, check));
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
            let message: String = state.get_named_property("message")?;
            let cause: Unknown = state.get_named_property("error")?;
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
    #[napi(ts_return_type = "ExploreReport")]
    pub fn random(&self, env: Env, schedules: f64, seed: Option<f64>) -> napi::Result<JsonValue> {
        guard(&env, || {
            let schedules = surface::whole(schedules, "random() schedules").map_err(err)?;
            let seed = surface::whole(seed.unwrap_or(0.0), "random() seed").map_err(err)?;
            let report = self.run(&env, |ex| ex.random(schedules, seed))?;
            Ok(JsonValue(surface::report(&report, Camel)))
        })
    }

    /// Explores every distinguishable schedule, depth first with state
    /// hashing and a partial-order reduction; throws a `StepforgeError` with
    /// code `TooLarge` at `maxStates`.
    #[napi(ts_return_type = "ExploreReport")]
    pub fn exhaustive(&self, env: Env, options: Option<ExhaustiveOptions>) -> napi::Result<JsonValue> {
        guard(&env, || {
            let mut limits = ExhaustiveLimits::default();
            if let Some(o) = options {
                let whole = |value: Option<f64>, what, default| {
                    value.map_or(Ok(default), |v| surface::whole(v, what)).map_err(err)
                };
                limits.max_states = whole(o.max_states, "exhaustive() maxStates", limits.max_states)?;
                limits.seed = whole(o.seed, "exhaustive() seed", limits.seed)?;
                limits.max_faults = o.max_faults.unwrap_or(limits.max_faults);
                limits.partial_order_reduction = o.partial_order_reduction.unwrap_or(limits.partial_order_reduction);
            }
            match self.run(&env, |ex| ex.exhaustive(&limits))? {
                Ok(report) => Ok(JsonValue(surface::report(&report, Camel))),
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
                violation: v.map(|v| JsonValue(surface::violation(&v, Camel))),
                timeline: report::timeline_text(&records),
                mermaid: report::mermaid(&records),
                executions: world.executions().map(|e| Execution { inner: e.clone() }).collect(),
            })
        })
    }
}
