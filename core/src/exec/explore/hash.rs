//! State hashing for exhaustive mode: two worlds with the same hash are
//! taken to have the same futures, so the second is not explored again.
//!
//! What counts: the virtual time; the tables' items; each execution's
//! machine, input (a status event's random `id` left out), status and
//! threads (scope, state, what it is doing, its input, variables and retry
//! counts); every pending event (what, when, and whose). What does not: the
//! order executions and threads were created in (so two interleavings that
//! started the same cleanup executions in another order meet), histories,
//! task tokens and the position of the random generator. Leaving the
//! generator out is an abstraction: two worlds that differ only in the
//! random numbers still to be drawn (jitter, handlers' `random`) are merged.

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
pub(crate) fn world_hash(w: &World) -> u64 {
    let mut h = FxHasher::default();
    w.now.hash(&mut h);
    hash_value(&w.db.to_json(), &mut h, false);
    // Per execution: its own facts plus its threads and events, combined order-free.
    let mut per_exec: Vec<u64> = w
        .executions
        .iter()
        .map(|e| {
            let mut eh = FxHasher::default();
            e.machine.arn.hash(&mut eh);
            hash_value(&e.input, &mut eh, true);
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
