//! State hashing for exhaustive mode: two worlds with the same hash are
//! taken to have the same futures, so the second is not explored again.
//!
//! What counts: the virtual time; the tables' items; the random
//! generator's state; each execution's machine, input (a status event's
//! random `id` left out), status and threads (scope, state, what it is
//! doing, its input, variables and retry counts), and the name of every
//! execution the caller started; every pending event (what, when, and
//! whose). What does not: the order executions and threads were created in
//! (so two interleavings that started the same cleanup executions in another
//! order meet), histories, task tokens, and the names of executions started
//! during the search.
//!
//! Why that is sound for the semaphore's invariants (and when it is not):
//!
//! - *The generator.* Job durations, retry jitter, the read step's
//!   `$random()` wait and the names of executions started by rules are all
//!   drawn from it. Two worlds equal in everything else but at different
//!   positions of the generator draw different numbers from then on: other
//!   job lengths, so other events fall at the same instant and other orders
//!   become possible. Merging them would leave the second world's orders
//!   unexplored, so a violation only they reach could be missed. The
//!   generator's state is one `u64` (`fastrand`'s wyrand counter), equal on
//!   two paths that drew the same number of times, so counting it costs few
//!   merges.
//! - *Names.* The lock item's owner entries are execution ARNs, and the read
//!   step compares them with `$states.context.Execution.Id`: a name is
//!   observable. Per-execution hashes are combined order-free, so without
//!   names two worlds in which two executions with the same input swapped
//!   roles (one holds the slot, the other waits) would meet although their
//!   futures differ. The executions the caller started (`e1`…`eN`, with
//!   distinct inputs in the semaphore scenario, but not in general) keep
//!   their names on every path, so their names are hashed at no cost in
//!   merges. Executions started during the search (cleanups, children) get
//!   generated names in an order that depends on the path; they are told
//!   apart by their input instead (a status event names the execution it is
//!   about). Two of them with the same input (a status event delivered twice
//!   starts two identical cleanups) are interchangeable unless a name of
//!   theirs is written somewhere shared; the semaphore's cleanup writes only
//!   the ARN from its input, so merging them is sound there. A user's
//!   machine that writes its own generated name into a table and runs twice
//!   on the same input is the one case this hash can merge wrongly.
//! - *Tokens and histories* are not read by the semaphore's steps or its
//!   invariants (a counterexample's replay records the history afresh).

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use serde_json::Value;

use crate::exec::world::{Event, Phase, Thread, World};

fn hash_value(v: &Value, h: &mut impl Hasher, skip_id: bool) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => (2u8, n.to_string()).hash(h),
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(a) => {
            (4u8, a.len()).hash(h);
            for x in a {
                hash_value(x, h, false);
            }
        }
        Value::Object(m) => {
            5u8.hash(h);
            // Key order is insertion order: combine members order-free.
            let mut acc = 0u64;
            for (k, x) in m {
                if skip_id && k == "id" {
                    continue;
                }
                let mut kh = FxHasher::default();
                k.hash(&mut kh);
                hash_value(x, &mut kh, false);
                acc = acc.wrapping_add(mix(kh.finish()));
            }
            acc.hash(h);
        }
    }
}

/// Spreads bits so that sums of hashes stay collision-resistant.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn hash_thread(th: &Thread, h: &mut impl Hasher) {
    for hop in th.scope.iter() {
        (&hop.state, hop.branch).hash(h);
    }
    th.state.hash(h);
    hash_value(&th.input, h, false);
    hash_value(&Value::Object(th.vars.clone()), h, false);
    th.retry_counts.hash(h);
    th.map_item.as_ref().map(|(i, _)| *i).hash(h);
    match &th.phase {
        Phase::Idle => 0u8.hash(h),
        Phase::Task(run) => {
            1u8.hash(h);
            hash_value(&run.params, h, false);
            (run.host_pending, run.callback).hash(h);
        }
        Phase::Fanout(f) => {
            2u8.hash(h);
            (f.next, f.running, f.done, f.failed).hash(h);
            for r in &f.results {
                hash_value(r, h, false);
            }
        }
    }
}

/// The world's hash (see the module's documentation for what counts).
///
/// `named`: how many of the world's first executions the caller started
/// (their names count).
pub(crate) fn world_hash(w: &World, named: usize) -> u64 {
    let mut h = FxHasher::default();
    w.now.hash(&mut h);
    w.rng.get_seed().hash(&mut h);
    hash_value(&w.db.to_json(), &mut h, false);
    // Per execution: its own facts plus its threads and events, combined order-free.
    let mut per_exec: Vec<u64> = w
        .executions
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut eh = FxHasher::default();
            e.machine.arn.hash(&mut eh);
            if i < named {
                e.name().hash(&mut eh);
            }
            hash_value(e.input(), &mut eh, true);
            e.status.hash(&mut eh);
            eh.finish()
        })
        .collect();
    for th in w.threads.iter().flatten() {
        let mut th_h = FxHasher::default();
        hash_thread(th, &mut th_h);
        per_exec[th.exec.0] = per_exec[th.exec.0].wrapping_add(mix(th_h.finish()));
    }
    let mut loose = 0u64;
    for ((due, _), event) in w.queue.iter() {
        let mut eh = FxHasher::default();
        (due - w.now).hash(&mut eh);
        let owner = match event {
            Event::Enter(t) => Some((0u8, *t)),
            Event::WaitOver(t) => Some((1, *t)),
            Event::Invoke(t) => Some((2, *t)),
            Event::TaskDone(t, r) => {
                match r {
                    Ok(v) => hash_value(v, &mut eh, false),
                    Err(f) => (&f.error, &f.cause).hash(&mut eh),
                }
                Some((3, *t))
            }
            Event::TaskTimeout(t, name) => {
                name.hash(&mut eh);
                Some((4, *t))
            }
            Event::Retry(t) => Some((5, *t)),
            Event::FanoutDone(t) => Some((6, *t)),
            Event::ExecutionTimeout(e) => {
                7u8.hash(&mut eh);
                per_exec[e.0] = per_exec[e.0].wrapping_add(mix(eh.finish()));
                None
            }
            Event::Deliver(rule, payload) => {
                (8u8, rule).hash(&mut eh);
                hash_value(payload, &mut eh, true);
                loose = loose.wrapping_add(mix(eh.finish()));
                None
            }
            Event::LateWrite(e, action, request) => {
                (9u8, action).hash(&mut eh);
                hash_value(request, &mut eh, false);
                per_exec[e.0] = per_exec[e.0].wrapping_add(mix(eh.finish()));
                None
            }
        };
        if let Some((kind, t)) = owner
            && let Some(th) = w.threads.get(t.0).and_then(Option::as_ref)
        {
            kind.hash(&mut eh);
            hash_thread(th, &mut eh);
            per_exec[th.exec.0] = per_exec[th.exec.0].wrapping_add(mix(eh.finish()));
        }
    }
    let mut all = loose;
    for x in per_exec {
        all = all.wrapping_add(mix(x));
    }
    all.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_and_the_callers_names_count() {
        let mut w = World::new(1);
        w.register_json("m", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#).unwrap();
        w.start_execution("m", serde_json::json!({}), Some("a")).unwrap();
        let h = world_hash(&w, 1);
        assert_eq!(h, world_hash(&w.clone(), 1));
        let mut drawn = w.clone();
        drawn.rng.u64(..);
        assert_ne!(h, world_hash(&drawn, 1), "another position of the generator is another state");
        let mut other = World::new(1);
        other.register_json("m", r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#).unwrap();
        other.start_execution("m", serde_json::json!({}), Some("b")).unwrap();
        assert_ne!(h, world_hash(&other, 1), "a name the caller gave counts");
        assert_eq!(world_hash(&w, 0), world_hash(&other, 0), "a name made during the search does not");
    }
}
