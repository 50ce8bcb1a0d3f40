//! Exploring interleavings: run many executions against the in-memory
//! DynamoDB in every order that matters, with faults where AWS can inject
//! them, and check invariants after every step.
//!
//! An [`Explorer`] starts from a [`World`] set up by the caller (machines
//! registered, tables seeded, handlers, status-change rules, executions
//! started). At each step, the events due at the earliest virtual instant,
//! and the faults that could strike there, are the alternatives; a
//! *schedule* picks one at every decision point ([`Schedule`]).
//!
//! - [`Explorer::random`]: N schedules, each from its own seed, events drawn
//!   uniformly and each fault at its rate.
//! - [`Explorer::exhaustive`]: every distinguishable schedule, depth first,
//!   with state hashing ([`hash`]) and a partial-order reduction (an event
//!   that touches nothing shared and is invisible to the invariants is taken
//!   alone), up to a bound on distinct states.
//! - [`Explorer::replay`]: one schedule, recorded step by step.
//!
//! A broken invariant gives a [`Counterexample`]: the schedule shrunk by
//! delta debugging ([`shrink`]), replayable by its text form, with a
//! timeline and a Mermaid sequence diagram ([`report`]).

pub mod exhaustive;
pub mod faults;
mod hash;
pub mod invariant;
pub mod report;
mod run;
pub mod schedule;
pub mod semaphore;
pub mod shrink;
pub mod surface;

use std::time::{Duration, Instant};

use serde_json::Value;

pub use exhaustive::ExhaustiveLimits;
pub(crate) use faults::Injection;
pub use faults::{Fault, Faults};
pub use invariant::{CheckAt, Invariant, SemaphoreSpec, StepFacts, WorldView, Write, semaphore_invariants};
pub use run::StepRecord;
pub use schedule::Schedule;
pub use semaphore::{SemaphoreDesign, SemaphoreScenario};

use super::World;

/// After the schedule, executions started once the lease has passed: they
/// must all get a slot and end, which they can only do if every slot left
/// behind is given back by the lease.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The state machine to start (name or ARN).
    pub machine: String,
    /// How many to start at once (the lock's limit takes every slot).
    pub executions: usize,
    /// How long after the schedule's end they start (ms): past the lease.
    pub after_ms: i64,
    /// Their input.
    pub input: Value,
}

/// A broken invariant.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The invariant's name.
    pub invariant: String,
    /// What it said.
    pub message: String,
    /// The step after which it broke (the last step for end-of-schedule checks).
    pub step: u64,
}

/// A failing schedule, shrunk, with what happened in it.
#[derive(Debug, Clone)]
pub struct Counterexample {
    /// What broke.
    pub violation: Violation,
    /// The shrunk schedule: `stepforge explore … --replay <this>` runs it again.
    pub schedule: Schedule,
    /// The schedule as first found.
    pub found: Schedule,
    /// Steps of the shrunk schedule.
    pub steps: u64,
    /// Every step, as a person reads it.
    pub timeline: Vec<StepRecord>,
}

/// What an exploration did.
#[derive(Debug, Clone)]
pub struct Report {
    /// `random` or `exhaustive`.
    pub mode: &'static str,
    /// Schedules run to their end (exhaustive: paths not cut by a known state).
    pub schedules: u64,
    /// Distinct world states seen (exhaustive mode; 0 in random mode).
    pub states: u64,
    /// Paths cut because they reached a state already explored (exhaustive mode).
    pub pruned: u64,
    /// Steps taken, over all schedules.
    pub transitions: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Exhaustive mode explored everything (false: it stopped at its bound, or at a counterexample).
    pub complete: bool,
    /// The first broken invariant, shrunk.
    pub counterexample: Option<Counterexample>,
}

impl Report {
    /// Schedules per second.
    pub fn schedules_per_second(&self) -> f64 {
        self.schedules as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    /// Steps per second.
    pub fn transitions_per_second(&self) -> f64 {
        self.transitions as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Why an exploration could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExploreError {
    /// The configuration is wrong (a machine that does not validate, a bad option…).
    #[error("{0}")]
    Config(String),
    /// Exhaustive mode reached its bound before exploring everything.
    #[error(
        "exhaustive mode stopped at its bound of {bound} distinct states ({schedules} schedules run): the \
         configuration is too large to explore completely; use fewer executions, a lower --max-states \
         bound raised, or random mode"
    )]
    TooLarge {
        /// The bound.
        bound: u64,
        /// Schedules run before it stopped.
        schedules: u64,
    },
}

/// Explores the schedules of a world; see the module's documentation.
#[derive(Clone)]
pub struct Explorer {
    world: World,
    invariants: Vec<Invariant>,
    faults: Faults,
    targets: Vec<String>,
    watch: Vec<String>,
    probe: Option<Probe>,
    horizon_ms: i64,
    max_steps: u64,
    threads: usize,
    shrink_runs: u64,
    histories: bool,
}

impl Explorer {
    /// Explores from `world` (everything set up and the executions started).
    /// Defaults: no invariants, no faults, a horizon of one virtual hour,
    /// 100,000 steps per schedule, one thread per core.
    pub fn new(world: World) -> Explorer {
        Explorer {
            world,
            invariants: Vec::new(),
            faults: Faults::none(),
            targets: Vec::new(),
            watch: Vec::new(),
            probe: None,
            horizon_ms: 3_600_000,
            max_steps: 100_000,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            shrink_runs: 2_000,
            histories: false,
        }
    }

    /// Adds an invariant.
    pub fn invariant(mut self, invariant: Invariant) -> Explorer {
        self.invariants.push(invariant);
        self
    }

    /// Adds invariants.
    pub fn invariants(mut self, invariants: impl IntoIterator<Item = Invariant>) -> Explorer {
        self.invariants.extend(invariants);
        self
    }

    /// The faults to inject.
    pub fn faults(mut self, faults: Faults) -> Explorer {
        self.faults = faults;
        self
    }

    /// The state machines (names or ARNs) whose executions may be aborted or
    /// timed out, whose jobs may fail, and whose writes may land late. DynamoDB
    /// calls of every machine may be throttled or fail.
    pub fn fault_targets(mut self, machines: &[&str]) -> Explorer {
        self.targets =
            machines.iter().map(|m| self.world.machine(m).map_or_else(|| m.to_string(), |x| x.arn.clone())).collect();
        self
    }

    /// States whose entry and exit invariants watch (a semaphore's job):
    /// exhaustive mode never reorders steps around them away.
    pub fn watch_states(mut self, states: &[String]) -> Explorer {
        self.watch = states.to_vec();
        self
    }

    /// Executions to start after the schedule, past the lease.
    pub fn probe(mut self, probe: Probe) -> Explorer {
        self.probe = Some(probe);
        self
    }

    /// How much virtual time a schedule may take before its executions count as stuck (ms).
    pub fn horizon_ms(mut self, ms: i64) -> Explorer {
        self.horizon_ms = ms.max(1);
        self
    }

    /// The most steps one schedule may take.
    pub fn max_steps(mut self, steps: u64) -> Explorer {
        self.max_steps = steps.max(1);
        self
    }

    /// How many threads random mode uses (1 for host callbacks that need one thread).
    pub fn threads(mut self, threads: usize) -> Explorer {
        self.threads = threads.max(1);
        self
    }

    /// Keep every execution's history and the stays inside states while
    /// searching, for invariants that read them ([`Execution::history`],
    /// [`World::stays`], [`World::peak_occupancy`]). Off by default: the
    /// search then records neither (a step allocates less and a fork of the
    /// world copies less); a counterexample's replay always records them.
    ///
    /// [`Execution::history`]: crate::exec::Execution::history
    pub fn histories(mut self, keep: bool) -> Explorer {
        self.histories = keep;
        self
    }

    /// How many replays shrinking may spend on a counterexample.
    pub fn shrink_runs(mut self, runs: u64) -> Explorer {
        self.shrink_runs = runs;
        self
    }

    /// The initial world.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Runs `schedules` random schedules; schedule `i` uses the seed
    /// `mix(seed, i)`, so the same call finds the same counterexample. Stops
    /// at the first broken invariant (the one with the lowest index).
    pub fn random(&self, schedules: u64, seed: u64) -> Report {
        let started = Instant::now();
        let threads = self.threads.min(schedules.max(1) as usize).max(1);
        let first_bad = std::sync::atomic::AtomicU64::new(u64::MAX);
        let work = |t: usize| -> ThreadResult {
            let (mut runs, mut steps, mut slab) = (0u64, 0u64, 0usize);
            let mut i = t as u64;
            while i < schedules && i < first_bad.load(std::sync::atomic::Ordering::Relaxed) {
                let s = schedule_seed(seed, i);
                let mut chooser = run::RandomChooser::new(s, &self.faults);
                let out = self.run_schedule_sized(s, &mut chooser, false, slab);
                slab = slab.max(out.world.threads.len());
                runs += 1;
                steps += out.steps;
                if out.violation.is_some() {
                    first_bad.fetch_min(i, std::sync::atomic::Ordering::Relaxed);
                    return (runs, steps, Some((i, out)));
                }
                i += threads as u64;
            }
            (runs, steps, None)
        };
        // One thread runs on the caller's own: host callbacks that must stay
        // on their thread (JavaScript functions) work there.
        let results: Vec<ThreadResult> = if threads == 1 {
            vec![work(0)]
        } else {
            let work = &work;
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads).map(|t| scope.spawn(move || work(t))).collect();
                handles.into_iter().map(|h| h.join().unwrap_or((0, 0, None))).collect()
            })
        };
        let schedules_run: u64 = results.iter().map(|r| r.0).sum();
        let transitions: u64 = results.iter().map(|r| r.1).sum();
        let failing = results.into_iter().filter_map(|r| r.2).min_by_key(|(i, _)| *i);
        let counterexample = failing.map(|(i, out)| {
            let found = Schedule { seed: schedule_seed(seed, i), picks: out.picks.clone() };
            self.counterexample(found, out.violation.unwrap_or_else(unreachable_violation))
        });
        Report {
            mode: "random",
            schedules: schedules_run,
            states: 0,
            pruned: 0,
            transitions,
            elapsed: started.elapsed(),
            complete: counterexample.is_none(),
            counterexample,
        }
    }

    /// Replays one schedule, recording every step. Returns the violation, if any, and the timeline.
    pub fn replay(&self, schedule: &Schedule) -> (Option<Violation>, Vec<StepRecord>, World) {
        let mut chooser = run::Replay { picks: &schedule.picks, at: 0 };
        let out = self.run_schedule(schedule.seed, &mut chooser, true);
        (out.violation, out.records, out.world)
    }

    /// Shrinks a failing schedule and records its timeline.
    pub(crate) fn counterexample(&self, found: Schedule, violation: Violation) -> Counterexample {
        let (schedule, _) = shrink::shrink(self, &found, &violation.invariant, self.shrink_runs);
        let (v, timeline, _) = self.replay(&schedule);
        let violation = v.unwrap_or(violation);
        Counterexample {
            steps: timeline.iter().map(|r| r.step).max().unwrap_or(0),
            violation,
            schedule,
            found,
            timeline,
        }
    }
}

/// What one random-mode thread did: schedules, steps, and its first failing schedule.
type ThreadResult = (u64, u64, Option<(u64, run::RunOutcome)>);

/// The seed of random schedule `i` (splitmix64 of both).
pub fn schedule_seed(seed: u64, i: u64) -> u64 {
    let mut z = seed.wrapping_add(i.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn unreachable_violation() -> Violation {
    Violation { invariant: "?".into(), message: "the failing run lost its violation".into(), step: 0 }
}
