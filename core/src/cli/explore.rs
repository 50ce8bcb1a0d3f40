//! `stepforge explore`: many executions of a semaphore machine against the
//! in-memory DynamoDB, in random or every order, with faults; exit 1 with a
//! shrunk counterexample when an invariant breaks.

use std::io::Write;

use clap::Args;

use crate::exec::explore::{ExhaustiveLimits, Faults, Schedule, SemaphoreDesign, SemaphoreScenario};

/// The options of `stepforge explore`.
#[derive(Args, Debug, Clone)]
pub struct ExploreArgs {
    /// The main state machine (ASL JSON); leave out with `--semaphore`.
    #[arg(required_unless_present = "semaphore", conflicts_with = "semaphore")]
    pub main: Option<String>,
    /// Explore stepforge's semaphore fragment around a one-task job (`Work`).
    #[arg(long)]
    pub semaphore: bool,
    /// The cleanup machine started on FAILED, TIMED_OUT and ABORTED: a file,
    /// or with `--semaphore` and no value, the fragment's own.
    #[arg(long, num_args = 0..=1, default_missing_value = "")]
    pub cleanup: Option<String>,
    /// The lease in seconds after which a waiter reclaims a slot: sets the
    /// fragment's lease; for a given machine, says it has one (lease probes run after it).
    #[arg(long)]
    pub lease: Option<u64>,
    /// The lock table (partition key `LockName`).
    #[arg(long, default_value = "Locks")]
    pub table: String,
    /// The lock name.
    #[arg(long, default_value = "life")]
    pub lock: String,
    /// How many may hold the lock at once.
    #[arg(long, default_value_t = 3)]
    pub limit: i64,
    /// A state of the job the lock guards (repeat for several; default `Work` with `--semaphore`).
    #[arg(long = "job-state")]
    pub job_states: Vec<String>,
    /// The lock item before anything runs, as DynamoDB JSON (default: none; the first execution creates it).
    #[arg(long)]
    pub lock_item: Option<String>,
    /// How many executions start at once.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub executions: u64,
    /// How many random schedules to run.
    #[arg(long, default_value_t = 1000, conflicts_with = "exhaustive")]
    pub schedules: u64,
    /// Explore every distinguishable schedule (keep the configuration small: 3 executions, limit 2).
    #[arg(long)]
    pub exhaustive: bool,
    /// Exhaustive mode's bound on distinct states; it stops there with an error.
    #[arg(long, default_value_t = 2_000_000)]
    pub max_states: u64,
    /// Faults: `all`, or names with optional rates, `throttle,error-after-write=0.1,abort` (names:
    /// throttle, error-before-write, error-after-write, late-write, job-fail, job-timeout, abort,
    /// timeout, late-delivery, duplicate-delivery).
    #[arg(long, default_value = "")]
    pub faults: String,
    /// The rate of a fault named without one.
    #[arg(long, default_value_t = 0.03)]
    pub fault_rate: f64,
    /// The most faults in one schedule (exhaustive mode: default 1).
    #[arg(long)]
    pub max_faults: Option<u32>,
    /// The seed: schedule `i` of random mode uses a seed drawn from it.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Replay one schedule (`SEED:PICKS`, as a counterexample prints it) and print its timeline.
    #[arg(long, conflicts_with = "exhaustive")]
    pub replay: Option<String>,
    /// Virtual seconds a schedule may take before its running executions count as stuck.
    #[arg(long, default_value_t = 3600)]
    pub horizon: u64,
    /// Threads for random mode (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Also write the counterexample's Mermaid sequence diagram to this file.
    #[arg(long)]
    pub mermaid: Option<String>,
}

fn scenario(args: &ExploreArgs) -> std::io::Result<Result<SemaphoreScenario, String>> {
    let cleanup_file = match args.cleanup.as_deref() {
        None => None,
        Some("") if args.semaphore => None,
        Some("") => return Ok(Err("--cleanup needs a file unless --semaphore builds the fragment".into())),
        Some(file) => Some(super::read(file)?),
    };
    let design = match &args.main {
        None => {
            if cleanup_file.is_some() {
                return Ok(Err(
                    "with --semaphore, --cleanup takes no file: the fragment's cleanup machine is used".into()
                ));
            }
            SemaphoreDesign::Fragment { cleanup: args.cleanup.is_some(), lease_seconds: args.lease }
        }
        Some(main) => {
            SemaphoreDesign::Asl { main: super::read(main)?, cleanup: cleanup_file, lease_seconds: args.lease }
        }
    };
    let lock_item = match &args.lock_item {
        Some(text) => match serde_json::from_str(text) {
            Ok(v) => Some(v),
            Err(e) => return Ok(Err(format!("--lock-item is not JSON: {e}"))),
        },
        None => None,
    };
    let job_states =
        if args.job_states.is_empty() && args.semaphore { vec!["Work".into()] } else { args.job_states.clone() };
    if job_states.is_empty() {
        return Ok(Err("name the job's states with --job-state (the invariant counts executions inside them)".into()));
    }
    Ok(Ok(SemaphoreScenario {
        design,
        table: args.table.clone(),
        lock: args.lock.clone(),
        limit: args.limit,
        executions: args.executions as usize,
        job_states,
        job_ms: (1000, 5000),
        lock_item,
    }))
}

/// Runs `stepforge explore`; the exit code (0: every invariant held, 1: one broke, 2: bad input).
pub fn run(args: &ExploreArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let scenario = match scenario(args)? {
        Ok(s) => s,
        Err(message) => {
            writeln!(err, "stepforge explore: {message}")?;
            return Ok(2);
        }
    };
    let mut faults = match Faults::parse(&args.faults, args.fault_rate) {
        Ok(f) => f,
        Err(message) => {
            writeln!(err, "stepforge explore: --faults: {message}")?;
            return Ok(2);
        }
    };
    if let Some(n) = args.max_faults {
        faults = faults.max_per_schedule(n);
    }
    let mut ex = match scenario.explorer() {
        Ok(ex) => ex,
        Err(e) => {
            writeln!(err, "stepforge explore: {e}")?;
            return Ok(2);
        }
    };
    ex = ex.faults(faults).horizon_ms(i64::try_from(args.horizon.saturating_mul(1000)).unwrap_or(i64::MAX / 4));
    if let Some(t) = args.threads {
        ex = ex.threads(t);
    }
    if let Some(text) = &args.replay {
        let schedule: Schedule = match text.parse() {
            Ok(s) => s,
            Err(message) => {
                writeln!(err, "stepforge explore: --replay: {message}")?;
                return Ok(2);
            }
        };
        let (violation, timeline, _) = ex.replay(&schedule);
        write!(out, "{}", crate::exec::explore::report::timeline_text(&timeline))?;
        if let Some(path) = &args.mermaid {
            std::fs::write(path, crate::exec::explore::report::mermaid(&timeline))?;
        }
        return Ok(match violation {
            Some(v) => {
                writeln!(out, "\ninvariant broken: {}\n  {}", v.invariant, v.message)?;
                1
            }
            None => {
                writeln!(out, "\nevery invariant held")?;
                0
            }
        });
    }
    let report = if args.exhaustive {
        let limits = ExhaustiveLimits {
            max_states: args.max_states,
            seed: args.seed,
            max_faults: args.max_faults.unwrap_or(1),
            ..ExhaustiveLimits::default()
        };
        match ex.exhaustive(&limits) {
            Ok(r) => r,
            Err(e) => {
                writeln!(err, "stepforge explore: {e}")?;
                return Ok(2);
            }
        }
    } else {
        ex.random(args.schedules, args.seed)
    };
    writeln!(out, "{}", report.summary())?;
    match &report.counterexample {
        None => Ok(0),
        Some(cx) => {
            writeln!(out)?;
            write!(out, "{}", cx.describe())?;
            if let Some(path) = &args.mermaid {
                std::fs::write(path, cx.mermaid())?;
                writeln!(out, "\nMermaid sequence diagram written to {path}")?;
            }
            Ok(1)
        }
    }
}
