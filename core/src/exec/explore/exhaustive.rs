//! Bounded exhaustive mode: a depth-first walk over every alternative at
//! every decision point, forking the world (it is `Clone`) for each.
//!
//! Two reductions keep it finite and small:
//!
//! - **State hashing** ([`super::hash`]): a world already seen is not
//!   explored again (the path is counted as pruned).
//! - **Partial-order reduction**: when an enabled event touches only its own
//!   thread (entering a state, a Wait ending, a retry timer, a task's result
//!   arriving, a Parallel or Map finishing) and its thread is not in a watched
//!   state (the states invariants look at, e.g. a semaphore's job), it
//!   commutes with every other enabled event and no invariant can tell the
//!   orders apart, so it is taken alone. Calls to DynamoDB or handlers,
//!   deliveries, late writes and timeouts are always branched on.
//!
//! The walk stops at `max_states` distinct states and says so; it never runs
//! unbounded.

use std::time::Instant;

use rustc_hash::FxHashSet;

use super::schedule::{Alt, alternatives};
use super::{Counterexample, ExploreError, Explorer, Report, Schedule};
use crate::exec::World;
use crate::exec::world::Event;

/// Bounds and switches of exhaustive mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExhaustiveLimits {
    /// The most distinct states to explore before giving up (default 2,000,000).
    pub max_states: u64,
    /// Take thread-local, invisible events alone (default true).
    pub partial_order_reduction: bool,
    /// The world's seed (task tokens, jitter, handlers' random numbers; default 0).
    pub seed: u64,
    /// The most faults on one path (default 1; the faults' own bound applies too).
    pub max_faults: u32,
}

impl Default for ExhaustiveLimits {
    fn default() -> Self {
        ExhaustiveLimits { max_states: 2_000_000, partial_order_reduction: true, seed: 0, max_faults: 1 }
    }
}

struct Node {
    world: World,
    steps: u64,
    faults: u32,
    picks: Vec<u32>,
}

impl Explorer {
    /// Explores every distinguishable schedule (see the module's documentation).
    /// Stops at the first broken invariant with a shrunk counterexample; fails
    /// with [`ExploreError::TooLarge`] at the bound.
    pub fn exhaustive(&self, limits: &ExhaustiveLimits) -> Result<Report, ExploreError> {
        let started = Instant::now();
        let mut root = self.world.clone();
        root.rng = fastrand::Rng::with_seed(limits.seed);
        root.trace = self.histories;
        let start = root.now;
        let mut seen: FxHashSet<u64> = FxHashSet::default();
        let named = root.executions.len();
        seen.insert(super::hash::world_hash(&root, named));
        let budget = limits.max_faults.min(self.faults.max_per_schedule);
        let mut stack = vec![Node { world: root, steps: 0, faults: 0, picks: Vec::new() }];
        let (mut schedules, mut pruned, mut transitions) = (0u64, 0u64, 0u64);
        let report = |schedules, pruned, transitions, states, counterexample: Option<Counterexample>| Report {
            mode: "exhaustive",
            schedules,
            states,
            pruned,
            transitions,
            elapsed: started.elapsed(),
            complete: counterexample.is_none(),
            counterexample,
        };
        while let Some(mut node) = stack.pop() {
            if seen.len() as u64 > limits.max_states {
                return Err(ExploreError::TooLarge { bound: limits.max_states, schedules });
            }
            let due = node.world.queue.earliest_due();
            let stuck = node.steps >= self.max_steps || due.is_some_and(|d| d > start + self.horizon_ms);
            let alts = if stuck { Vec::new() } else { alternatives(&node.world, &self.faults, &self.targets) };
            if alts.is_empty() {
                schedules += 1;
                let mut steps = node.steps;
                let v = self.finish(&mut node.world, start, &mut steps, stuck, None);
                transitions += steps - node.steps;
                if let Some(v) = v {
                    let found = Schedule { seed: limits.seed, picks: node.picks };
                    let cx = self.counterexample(found, v);
                    return Ok(report(schedules, pruned, transitions, seen.len() as u64, Some(cx)));
                }
                continue;
            }
            let mut chosen: Vec<usize> = match limits.partial_order_reduction {
                true => self.ample(&node.world, &alts).into_iter().collect(),
                false => Vec::new(),
            };
            if chosen.is_empty() {
                chosen = (0..alts.len()).filter(|i| alts[*i].fault().is_none() || node.faults < budget).collect();
            }
            // Push in reverse so alternative 0 is explored first.
            for &i in chosen.iter().rev() {
                let mut world = node.world.clone();
                let mut picks = node.picks.clone();
                if alts.len() > 1 {
                    picks.push(i as u32);
                }
                let steps = node.steps + 1;
                transitions += 1;
                if let Some(v) = self.take_step(&mut world, &alts[i], steps, start, None) {
                    let cx = self.counterexample(Schedule { seed: limits.seed, picks }, v);
                    return Ok(report(schedules + 1, pruned, transitions, seen.len() as u64, Some(cx)));
                }
                if !seen.insert(super::hash::world_hash(&world, named)) {
                    pruned += 1;
                    continue;
                }
                let faults = node.faults + u32::from(alts[i].fault().is_some());
                stack.push(Node { world, steps, faults, picks });
            }
        }
        Ok(report(schedules, pruned, transitions, seen.len() as u64, None))
    }

    /// The one alternative to take alone, if an enabled event is thread-local and invisible.
    fn ample(&self, w: &World, alts: &[Alt]) -> Option<usize> {
        alts.iter().position(|alt| {
            let Alt::Take(key, None) = alt else { return false };
            let thread = match w.queue.get(key) {
                Some(
                    Event::Enter(t)
                    | Event::WaitOver(t)
                    | Event::Retry(t)
                    | Event::FanoutDone(t)
                    | Event::TaskDone(t, _)
                    | Event::TaskTimeout(t, _),
                ) => w.threads.get(t.0).and_then(Option::as_ref),
                _ => None,
            };
            thread.is_some_and(|th| !self.watch.contains(&th.state))
        })
    }
}
