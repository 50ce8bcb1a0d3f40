//! The explore API as the bindings present it, host-neutral, so Python and
//! Node share one set of rules: the options a host gives in its own units and
//! spelling (seconds; `snake_case` or `camelCase` names) are checked here,
//! with the messages both show, and what an exploration returns is built here
//! as JSON, which each binding hands to its JSON→host converter. A binding
//! keeps only what only its host can do: calling a host function as an
//! invariant, classifying its answer ([`Answer`]) and raising host errors.

use std::ffi::c_void;
use std::sync::{Arc, PoisonError, RwLock};

use serde_json::{Map, Value, json};

use super::{CheckAt, Invariant, report};
use super::{Counterexample, Explorer, Fault, Faults, Probe, Report, SemaphoreSpec, StepRecord, Violation, WorldView};
pub use crate::builder::Naming;
use crate::exec::World;

/// `words` (separated by `-` or `_`) as the host spells API names.
fn spell(naming: Naming, words: &str) -> String {
    naming.api(&words.replace('-', "_"))
}

/// `text` in the quotes the host's messages use.
fn quote(naming: Naming, text: &str) -> String {
    match naming {
        Naming::Snake => format!("\"{text}\""),
        Naming::Camel => format!("'{text}'"),
    }
}

/// What an option's message starts with (Node's options are one object).
fn options_prefix(naming: Naming) -> &'static str {
    match naming {
        Naming::Snake => "",
        Naming::Camel => "explore options: ",
    }
}

/// Which host error an argument problem becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A value of the wrong type (Python `TypeError`, JavaScript `TypeError`).
    Type,
    /// A value out of its range or not one of its names (`ValueError`).
    Value,
    /// A configuration that does not fit the world (`ExploreError` `Config`).
    Config,
    /// A `WorldView` read after its invariant's call (Python `RuntimeError`).
    Expired,
}

/// A bad argument of the explore API: its kind and the message to show.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct SurfaceError {
    /// Which host error to raise.
    pub kind: ErrorKind,
    /// What is wrong, and where.
    pub message: String,
}

fn fail<T>(kind: ErrorKind, message: String) -> Result<T, SurfaceError> {
    Err(SurfaceError { kind, message })
}

/// A fault's name in the host's spelling (`error_after_write`, `errorAfterWrite`).
pub fn fault_name(fault: Fault, naming: Naming) -> String {
    spell(naming, fault.name())
}

/// Every fault's name in the host's spelling.
pub fn fault_names(naming: Naming) -> Vec<String> {
    Fault::ALL.iter().map(|f| fault_name(*f, naming)).collect()
}

/// Reads a fault's name: the host's spelling or the core's (`error-after-write`).
pub fn fault_named(name: &str, naming: Naming) -> Result<Fault, SurfaceError> {
    let found = match naming {
        Naming::Snake => Fault::from_name(&name.replace('_', "-")),
        Naming::Camel => Fault::ALL.into_iter().find(|f| fault_name(*f, naming) == name || f.name() == name),
    };
    found.map_or_else(
        || {
            let names = fault_names(naming).join(", ");
            fail(ErrorKind::Value, format!("{name:?} is not a fault; the faults are {names}"))
        },
        Ok,
    )
}

/// Checks the rate of the fault `name` (0 to 1).
pub fn rate(name: &str, rate: f64) -> Result<f64, SurfaceError> {
    if !(0.0..=1.0).contains(&rate) {
        return fail(ErrorKind::Value, format!("the rate of {name:?} is {rate}: a rate is between 0 and 1"));
    }
    Ok(rate)
}

/// Seconds, as the host gives them, in milliseconds of virtual time.
pub fn millis(seconds: f64, what: &str) -> Result<i64, SurfaceError> {
    // The range excludes NaN and the infinities too.
    if !(0.0..1e12).contains(&seconds) {
        return fail(ErrorKind::Value, format!("{what} must be a finite number of seconds >= 0, not {seconds}"));
    }
    Ok((seconds * 1000.0).round() as i64)
}

/// A count or seed a host gives as a float (JavaScript numbers): whole, >= 0 and exact.
pub fn whole(value: f64, what: &str) -> Result<u64, SurfaceError> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0 {
        Ok(value as u64)
    } else {
        fail(ErrorKind::Value, format!("{what} must be a whole number >= 0, not {value}"))
    }
}

/// The options of `Faults` besides the rates (`None`: the core's default).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FaultOptions {
    /// The most faults in one schedule (`None`: no bound).
    pub max_per_schedule: Option<u32>,
    /// How much later a late status-change event arrives, seconds.
    pub late_delivery_seconds: Option<f64>,
    /// How much later a late write lands, seconds.
    pub late_write_seconds: Option<f64>,
}

impl FaultOptions {
    fn apply(self, mut faults: Faults, naming: Naming) -> Result<Faults, SurfaceError> {
        if let Some(n) = self.max_per_schedule {
            faults = faults.max_per_schedule(n);
        }
        if let Some(s) = self.late_delivery_seconds {
            faults.late_delivery_ms = millis(s, &spell(naming, "late_delivery_seconds"))?.max(1);
        }
        if let Some(s) = self.late_write_seconds {
            faults.late_write_ms = millis(s, &spell(naming, "late_write_seconds"))?.max(1);
        }
        Ok(faults)
    }
}

/// `Faults(rates, options)`: `rates` an object of fault names to rates (or absent).
pub fn faults(rates: Option<&Value>, options: FaultOptions, naming: Naming) -> Result<Faults, SurfaceError> {
    let mut faults = Faults::none();
    match rates {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, given) in map {
                let Some(r) = given.as_f64() else {
                    return fail(ErrorKind::Type, format!("Faults: the rate of {name:?} is a number"));
                };
                faults = faults.with(fault_named(name, naming)?, rate(name, r)?);
            }
        }
        Some(_) => return fail(ErrorKind::Type, "Faults rates must be an object of fault names to rates".into()),
    }
    options.apply(faults, naming)
}

/// `Faults.all(rate, options)`: every fault at `rate`.
pub fn all_faults(at: f64, options: FaultOptions, naming: Naming) -> Result<Faults, SurfaceError> {
    options.apply(Faults::all(rate("all", at)?), naming)
}

/// The faults with a rate, as `Faults({...})` shows them.
pub fn faults_repr(faults: &Faults, naming: Naming) -> String {
    let rates: Vec<String> = Fault::ALL
        .iter()
        .filter(|f| faults.enabled(**f))
        .map(|f| format!("{}: {}", quote(naming, &fault_name(*f, naming)), faults.rate(*f)))
        .collect();
    format!("Faults({{{}}})", rates.join(", "))
}

/// The bound on faults per schedule, `None` when there is none.
pub fn max_per_schedule(faults: &Faults) -> Option<u32> {
    (faults.max_per_schedule != u32::MAX).then_some(faults.max_per_schedule)
}

/// When an invariant is checked, in the host's spelling (`every_step`, `everyStep`, `end`).
pub fn at_name(at: CheckAt, naming: Naming) -> &'static str {
    match (at, naming) {
        (CheckAt::EveryStep, Naming::Snake) => "every_step",
        (CheckAt::EveryStep, Naming::Camel) => "everyStep",
        (CheckAt::End, _) => "end",
    }
}

/// Reads the `at` option of the invariant `invariant` (absent: every step).
pub fn check_at(invariant: &str, at: Option<&str>, naming: Naming) -> Result<CheckAt, SurfaceError> {
    let Some(at) = at else { return Ok(CheckAt::EveryStep) };
    [CheckAt::EveryStep, CheckAt::End].into_iter().find(|c| at_name(*c, naming) == at).map_or_else(
        || {
            let (every, end) = (quote(naming, at_name(CheckAt::EveryStep, naming)), quote(naming, "end"));
            fail(ErrorKind::Value, format!("Invariant({invariant:?}): at is {every} or {end}, not {at:?}"))
        },
        Ok,
    )
}

/// The semaphore invariants' specification, checked.
pub fn semaphore_spec(
    table: String,
    lock: String,
    limit: i64,
    job_states: Vec<String>,
    naming: Naming,
) -> Result<SemaphoreSpec, SurfaceError> {
    if limit < 1 {
        let function = spell(naming, "semaphore_invariants");
        return fail(ErrorKind::Value, format!("{function}(): the limit is {limit}; at least 1"));
    }
    Ok(SemaphoreSpec { table, lock, limit, job_states })
}

/// A probe: `executions` (1 to 10,000) of `machine` start `after_seconds` after the schedule's end.
pub fn probe(
    machine: String,
    executions: usize,
    after_seconds: f64,
    input: Option<Value>,
    naming: Naming,
) -> Result<Probe, SurfaceError> {
    if executions == 0 || executions > 10_000 {
        return fail(ErrorKind::Value, format!("Probe: {executions} executions; between 1 and 10,000"));
    }
    let what = match naming {
        Naming::Snake => "Probe after_seconds",
        Naming::Camel => "probe.afterSeconds",
    };
    let after_ms = millis(after_seconds, what)?;
    Ok(Probe { machine, executions, after_ms, input: input.unwrap_or_else(|| json!({})) })
}

/// An explorer's options as a host gives them, before checking against the world.
#[derive(Debug, Clone)]
pub struct ExploreOptions {
    /// The faults to inject.
    pub faults: Faults,
    /// Machines whose executions faults may strike (`None`: those of the started executions).
    pub fault_targets: Option<Vec<String>>,
    /// States the invariants look at.
    pub watch_states: Vec<String>,
    /// Executions started after each schedule.
    pub probe: Option<Probe>,
    /// Virtual time before running executions count as stuck, seconds.
    pub horizon_seconds: f64,
    /// The most steps of one schedule.
    pub max_steps: u64,
    /// Random mode's threads.
    pub threads: usize,
    /// Keep histories while searching.
    pub histories: bool,
    /// Replays shrinking may spend.
    pub shrink_runs: u64,
}

impl Default for ExploreOptions {
    /// The bindings' defaults: one thread (host callbacks run on the host's thread).
    fn default() -> Self {
        ExploreOptions {
            faults: Faults::none(),
            fault_targets: None,
            watch_states: Vec::new(),
            probe: None,
            horizon_seconds: 3600.0,
            max_steps: 100_000,
            threads: 1,
            histories: false,
            shrink_runs: 2000,
        }
    }
}

impl ExploreOptions {
    /// The explorer of `world` with these options, once every machine they name is registered.
    pub fn explorer(self, world: World, naming: Naming) -> Result<Explorer, SurfaceError> {
        let unknown = |what: &str, m: &str| {
            let message =
                format!("{}{what}: no state machine {m:?} is registered in the world", options_prefix(naming));
            SurfaceError { kind: ErrorKind::Config, message }
        };
        let targets: Vec<String> = match self.fault_targets {
            Some(t) => {
                if let Some(m) = t.iter().find(|m| world.machine(m).is_none()) {
                    return Err(unknown(&spell(naming, "fault_targets"), m));
                }
                t
            }
            None => world.executions().map(|e| e.state_machine_arn().to_string()).collect(),
        };
        if let Some(p) = self.probe.as_ref().filter(|p| world.machine(&p.machine).is_none()) {
            return Err(unknown("probe", &p.machine));
        }
        let horizon_ms = millis(self.horizon_seconds, &spell(naming, "horizon_seconds"))?.max(1);
        let target_refs: Vec<&str> = targets.iter().map(String::as_str).collect();
        let mut explorer = Explorer::new(world)
            .faults(self.faults)
            .fault_targets(&target_refs)
            .watch_states(&self.watch_states)
            .horizon_ms(horizon_ms)
            .max_steps(self.max_steps)
            .threads(self.threads)
            .histories(self.histories)
            .shrink_runs(self.shrink_runs);
        if let Some(p) = self.probe {
            explorer = explorer.probe(p);
        }
        Ok(explorer)
    }
}

/// A host invariant from its name, check point and body.
pub fn invariant(
    name: String,
    at: CheckAt,
    check: impl Fn(&WorldView<'_>) -> Result<(), String> + Send + Sync + 'static,
) -> Invariant {
    match at {
        CheckAt::EveryStep => Invariant::every_step(name, check),
        CheckAt::End => Invariant::at_end(name, check),
    }
}

/// A [`WorldView`] lent to a host object for one invariant call. The host
/// object may outlive the call (a user can keep it): reading it afterwards
/// is an error, never a dangling read.
pub struct LentView {
    /// The view while the call lasts, null after; the lock makes the clearing
    /// wait for a read in progress on another thread.
    view: RwLock<*const c_void>,
}

// SAFETY: the pointer is only dereferenced under the read lock, and `lend`
// clears it under the write lock before the view it points at goes away.
unsafe impl Send for LentView {}
unsafe impl Sync for LentView {}

impl LentView {
    /// Runs `call` with `view` lent as a `LentView`, which expires when `call` returns or unwinds.
    pub fn lend<R>(view: &WorldView<'_>, call: impl FnOnce(&Arc<LentView>) -> R) -> R {
        struct Expire(Arc<LentView>);
        impl Drop for Expire {
            fn drop(&mut self) {
                let mut slot = self.0.view.write().unwrap_or_else(PoisonError::into_inner);
                *slot = std::ptr::null();
            }
        }
        let lent = Expire(Arc::new(LentView { view: RwLock::new(view as *const WorldView<'_> as *const c_void) }));
        call(&lent.0)
    }

    /// Reads the view, while its call lasts.
    pub fn with<T>(&self, body: impl FnOnce(&WorldView<'_>) -> T) -> Result<T, SurfaceError> {
        let slot = self.view.read().unwrap_or_else(PoisonError::into_inner);
        if slot.is_null() {
            let message = "this WorldView was kept past its invariant's call: read what you need during the call";
            return fail(ErrorKind::Expired, message.into());
        }
        // SAFETY: non-null only inside `lend`, whose caller holds the view
        // alive until the pointer is cleared, which waits for this read lock.
        Ok(body(unsafe { &*(*slot as *const WorldView<'_>) }))
    }

    /// Whether the call it was lent for still lasts.
    pub fn live(&self) -> bool {
        !self.view.read().unwrap_or_else(PoisonError::into_inner).is_null()
    }
}

/// What a host invariant answered, as the binding classifies it.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Nothing (`None`, `undefined`, `null`) or true: it holds.
    Holds,
    /// False: it broke.
    False,
    /// A message (a string returned, or a failed assertion's): it broke.
    Message(String),
    /// Some other value, as the host shows it: it could not be checked.
    Other(String),
    /// It raised (threw) an error, as the host shows it: it could not be checked.
    Raised(String),
}

/// What an answer means: `Ok(Ok(()))` holds, `Ok(Err(message))` broken,
/// `Err(message)` the invariant could not be checked (the exploration stops).
pub fn verdict(invariant: &str, answer: Answer, naming: Naming) -> Result<Result<(), String>, String> {
    let (none, yes, no) = match naming {
        Naming::Snake => ("None", "True", "False"),
        Naming::Camel => ("undefined", "true", "false"),
    };
    match answer {
        Answer::Holds => Ok(Ok(())),
        Answer::False => Ok(Err(format!("the invariant returned {no}"))),
        Answer::Message(m) if m.is_empty() => Ok(Err("the invariant returned an empty message".into())),
        Answer::Message(m) => Ok(Err(m)),
        Answer::Other(shown) => Err(format!(
            "the invariant `{invariant}` returned {shown}: an invariant returns {none} or {yes} when it holds, and \
             {no} or a message when it breaks"
        )),
        Answer::Raised(what) => {
            let verb = if naming == Naming::Snake { "raised" } else { "threw" };
            Err(format!("the invariant `{invariant}` {verb} {what}"))
        }
    }
}

/// What a core invariant returns when a host invariant stopped the exploration.
pub const STOPPED: &str = "the exploration stopped: an invariant could not be checked";

/// An object with `fields` keyed in the host's spelling. A null field named
/// in `optional` stays None for Python and is left out for JavaScript (its
/// typings declare `field?:`, as napi-rs leaves out an absent `Option`).
fn object<const N: usize>(naming: Naming, optional: &[&str], fields: [(&str, Value); N]) -> Value {
    let absent = |k: &str, v: &Value| naming == Naming::Camel && v.is_null() && optional.contains(&k);
    let fields = fields.into_iter().filter(|(k, v)| !absent(k, v)).map(|(k, v)| (spell(naming, k), v));
    Value::Object(fields.collect::<Map<String, Value>>())
}

/// Every execution of the view, as an invariant sees it: `arn`, `name`,
/// `state_machine_arn`, `status`, `states` (those it is in now), `input`,
/// `output` (null until it succeeded), `error`, `cause`.
pub fn executions(view: &WorldView<'_>, naming: Naming) -> Vec<Value> {
    view.executions()
        .map(|e| {
            object(
                naming,
                &["error", "cause"],
                [
                    ("arn", json!(e.arn())),
                    ("name", json!(e.name())),
                    ("state_machine_arn", json!(e.state_machine_arn())),
                    ("status", json!(e.status().as_str())),
                    ("states", json!(view.states_of(e.arn()))),
                    ("input", e.input().clone()),
                    ("output", e.output().cloned().unwrap_or(Value::Null)),
                    ("error", json!(e.error())),
                    ("cause", json!(e.cause())),
                ],
            )
        })
        .collect()
}

/// What the last step did: `execution`, `state`, `entered`, `write`
/// (`{table, key, before, after}` as plain data) and `fault` (its host name);
/// null for an end-of-schedule check.
pub fn step(view: &WorldView<'_>, naming: Naming) -> Value {
    use crate::dynamo::attr::item_to_plain_json as plain;
    let Some(s) = view.step() else { return Value::Null };
    let write = s.write.as_ref().map(|w| {
        json!({"table": w.table, "key": plain(&w.key), "before": w.before.as_ref().map(plain), "after": w.after.as_ref().map(plain)})
    });
    json!({
        "execution": s.execution,
        "state": s.state,
        "entered": s.entered,
        "write": write,
        "fault": s.fault.map(|f| fault_name(f, naming)),
    })
}

/// A broken invariant: `invariant`, `message`, `step`.
pub fn violation(v: &Violation, naming: Naming) -> Value {
    object(naming, &[], [("invariant", json!(v.invariant)), ("message", json!(v.message)), ("step", json!(v.step))])
}

/// A counterexample: `violation`, `schedule` (shrunk), `found`, `steps`,
/// `timeline`, `mermaid` and `description` (the three in words).
pub fn counterexample(cx: &Counterexample, naming: Naming) -> Value {
    object(
        naming,
        &[],
        [
            ("violation", violation(&cx.violation, naming)),
            ("schedule", json!(cx.schedule.to_string())),
            ("found", json!(cx.found.to_string())),
            ("steps", json!(cx.steps)),
            ("timeline", json!(report::timeline_text(&cx.timeline))),
            ("mermaid", json!(cx.mermaid())),
            ("description", json!(cx.describe())),
        ],
    )
}

/// What an exploration did: its counts and rates, `counterexample` (or
/// null) and `summary` (one line).
pub fn report(r: &Report, naming: Naming) -> Value {
    object(
        naming,
        &["counterexample"],
        [
            ("mode", json!(r.mode)),
            ("schedules", json!(r.schedules)),
            ("states", json!(r.states)),
            ("pruned", json!(r.pruned)),
            ("transitions", json!(r.transitions)),
            ("elapsed_seconds", json!(r.elapsed.as_secs_f64())),
            ("complete", json!(r.complete)),
            ("schedules_per_second", json!(r.schedules_per_second())),
            ("transitions_per_second", json!(r.transitions_per_second())),
            ("counterexample", r.counterexample.as_ref().map_or(Value::Null, |cx| counterexample(cx, naming))),
            ("summary", json!(r.summary())),
        ],
    )
}

/// One schedule replayed: `violation` (or null), `timeline`, `mermaid`
/// (the executions at its end are host objects the binding adds).
pub fn replay(v: Option<&Violation>, records: &[StepRecord], naming: Naming) -> Value {
    object(
        naming,
        &["violation"],
        [
            ("violation", v.map_or(Value::Null, |v| violation(v, naming))),
            ("timeline", json!(report::timeline_text(records))),
            ("mermaid", json!(report::mermaid(records))),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_spelled_per_host_and_read_back() {
        assert_eq!(spell(Naming::Snake, "error-after-write"), "error_after_write");
        assert_eq!(spell(Naming::Camel, "late_delivery_seconds"), "lateDeliverySeconds");
        for naming in [Naming::Snake, Naming::Camel] {
            for f in Fault::ALL {
                assert_eq!(fault_named(&fault_name(f, naming), naming), Ok(f));
                assert_eq!(fault_named(f.name(), naming), Ok(f));
            }
        }
        let e = fault_named("slow", Naming::Camel).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Value);
        assert!(e.message.contains("the faults are throttle, errorBeforeWrite"), "{}", e.message);
    }

    #[test]
    fn rates_and_seconds_are_checked() {
        assert_eq!(rate("abort", 2.0).unwrap_err().message, "the rate of \"abort\" is 2: a rate is between 0 and 1");
        assert_eq!(millis(1.5, "x"), Ok(1500));
        assert!(millis(f64::NAN, "x").is_err() && millis(-1.0, "x").is_err() && millis(f64::INFINITY, "x").is_err());
        assert_eq!(whole(3.0, "n"), Ok(3));
        assert!(whole(3.5, "n").is_err() && whole(-1.0, "n").is_err());
    }

    #[test]
    fn faults_read_rates_and_options() {
        let rates = json!({"late_write": 0.2, "abort": 1});
        let opts = FaultOptions { max_per_schedule: Some(2), late_write_seconds: Some(0.0), ..Default::default() };
        let f = faults(Some(&rates), opts, Naming::Snake).unwrap();
        assert_eq!((f.rate(Fault::LateWrite), f.rate(Fault::Abort), f.rate(Fault::Throttle)), (0.2, 1.0, 0.0));
        assert_eq!((max_per_schedule(&f), f.late_write_ms, f.late_delivery_ms), (Some(2), 1, 30_000));
        assert_eq!(faults_repr(&f, Naming::Camel), "Faults({'lateWrite': 0.2, 'abort': 1})");
        let bad = faults(Some(&json!({"abort": "x"})), FaultOptions::default(), Naming::Camel).unwrap_err();
        assert_eq!(bad.kind, ErrorKind::Type);
        assert_eq!(faults(Some(&json!([])), FaultOptions::default(), Naming::Camel).unwrap_err().kind, ErrorKind::Type);
        assert!(all_faults(1.5, FaultOptions::default(), Naming::Snake).is_err());
    }

    #[test]
    fn check_points_and_answers() {
        assert_eq!(check_at("i", Some("everyStep"), Naming::Camel), Ok(CheckAt::EveryStep));
        assert_eq!(check_at("i", None, Naming::Snake), Ok(CheckAt::EveryStep));
        assert_eq!(check_at("i", Some("end"), Naming::Snake).map(|a| at_name(a, Naming::Snake)), Ok("end"));
        let e = check_at("i", Some("everyStep"), Naming::Snake).unwrap_err();
        assert_eq!(e.message, "Invariant(\"i\"): at is \"every_step\" or \"end\", not \"everyStep\"");
        assert_eq!(verdict("i", Answer::False, Naming::Snake), Ok(Err("the invariant returned False".into())));
        assert_eq!(
            verdict("i", Answer::Message(String::new()), Naming::Camel),
            Ok(Err("the invariant returned an empty message".into()))
        );
        assert!(verdict("i", Answer::Other("42".into()), Naming::Camel).unwrap_err().contains("returned 42: an"));
        assert_eq!(
            verdict("i", Answer::Raised("KeyError".into()), Naming::Snake),
            Err("the invariant `i` raised KeyError".into())
        );
    }

    #[test]
    fn probes_and_semaphore_specs_are_checked() {
        assert!(probe("m".into(), 0, 1.0, None, Naming::Snake).is_err());
        let p = probe("m".into(), 2, 1.5, None, Naming::Camel).unwrap();
        assert_eq!((p.after_ms, p.input), (1500, json!({})));
        let e = semaphore_spec("t".into(), "l".into(), 0, vec![], Naming::Camel).unwrap_err();
        assert_eq!(e.message, "semaphoreInvariants(): the limit is 0; at least 1");
    }

    #[test]
    fn reports_are_keyed_per_host() {
        let r = Report {
            mode: "random",
            schedules: 2,
            states: 0,
            pruned: 0,
            transitions: 10,
            elapsed: std::time::Duration::from_secs(1),
            complete: true,
            counterexample: None,
        };
        let camel = report(&r, Naming::Camel);
        assert_eq!((camel["schedulesPerSecond"].as_f64(), camel.get("counterexample")), (Some(2.0), None));
        let snake = report(&r, Naming::Snake);
        assert_eq!((&snake["elapsed_seconds"], &snake["counterexample"]), (&json!(1.0), &Value::Null));
        let v = Violation { invariant: "i".into(), message: "m".into(), step: 3 };
        assert_eq!(replay(Some(&v), &[], Naming::Snake)["violation"]["step"], json!(3));
    }

    #[test]
    fn a_lent_view_expires_with_its_call() {
        let world = World::new(0);
        let view = WorldView::new(&world, true);
        let kept = LentView::lend(&view, |lent| {
            assert_eq!(lent.with(|v| (v.at_end(), v.dynamodb().items_json("none", true))), Ok((true, vec![])));
            assert!(lent.live());
            lent.clone()
        });
        assert!(!kept.live());
        assert_eq!(kept.with(|_| ()).unwrap_err().kind, ErrorKind::Expired);
    }

    #[test]
    fn options_name_unknown_machines() {
        let world = World::new(0);
        let opts = ExploreOptions { fault_targets: Some(vec!["nope".into()]), ..Default::default() };
        let e = opts.explorer(world, Naming::Camel).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Config);
        assert_eq!(e.message, "explore options: faultTargets: no state machine \"nope\" is registered in the world");
    }
}
