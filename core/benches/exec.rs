//! Local executor speed on the definitions of `bench/exec/` (a Pass/Choice
//! machine, a 1,000-iteration loop, a 1,000-item inline Map, a Parallel whose
//! failing branch is caught): `cargo bench -p stepforge --bench exec`.
//!
//! Criterion reports the time of one execution (executions/s is its inverse)
//! and, as its throughput, state transitions per second. With `--report`
//! (`cargo bench -p stepforge --bench exec -- --report`) the binary skips
//! criterion and prints JSON lines instead, which `bench/exec.sh` puts next to
//! the peers (`aws-local-stepfunctions`, moto): executions/s and transitions/s
//! per case, allocations per transition, and 10,000 executions waiting in an
//! hour-long Wait at once with their memory.
//!
//! Allocations are counted by a `#[global_allocator]` of this binary that
//! wraps the real allocator (mimalloc with the default features, the system
//! allocator without): it counts calls to `alloc`/`alloc_zeroed`/`realloc`
//! and the bytes live, only while a measurement turns counting on (a relaxed
//! load otherwise). Memory is reported both as those live heap bytes and as
//! the change of the process's resident set (`VmRSS` in `/proc/self/status`).

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use serde_json::{Value, json};
use stepforge::exec::{Status, World};

#[cfg(feature = "mimalloc")]
static INNER: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[cfg(not(feature = "mimalloc"))]
static INNER: std::alloc::System = std::alloc::System;

/// Counts allocations and live bytes while [`COUNTING`] is on.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static LIVE: AtomicI64 = AtomicI64::new(0);

// SAFETY: every call forwards to the wrapped allocator with the same
// arguments; the counters are side bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
            LIVE.fetch_add(layout.size() as i64, Relaxed);
        }
        unsafe { INNER.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
            LIVE.fetch_add(layout.size() as i64, Relaxed);
        }
        unsafe { INNER.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Relaxed) {
            LIVE.fetch_sub(layout.size() as i64, Relaxed);
        }
        unsafe { INNER.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
            LIVE.fetch_add(new_size as i64 - layout.size() as i64, Relaxed);
        }
        unsafe { INNER.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocation calls and the change of live heap bytes while `f` ran.
/// (Frees of memory allocated before counting began lower the live bytes.)
fn counted<T>(f: impl FnOnce() -> T) -> (T, u64, i64) {
    ALLOCS.store(0, Relaxed);
    LIVE.store(0, Relaxed);
    COUNTING.store(true, Relaxed);
    let out = f();
    COUNTING.store(false, Relaxed);
    (out, ALLOCS.load(Relaxed), LIVE.load(Relaxed))
}

/// One case of `bench/exec/cases.json`.
struct Case {
    name: String,
    definition: &'static str,
    input: Value,
    expected: Value,
}

fn cases() -> Vec<Case> {
    let defs = [
        ("choice.json", include_str!("../../bench/exec/choice.json")),
        ("loop.json", include_str!("../../bench/exec/loop.json")),
        ("map.json", include_str!("../../bench/exec/map.json")),
        ("parallel.json", include_str!("../../bench/exec/parallel.json")),
    ];
    let all: Value =
        serde_json::from_str(include_str!("../../bench/exec/cases.json")).expect("bench/exec/cases.json is JSON");
    let list = all["cases"].as_array().expect("bench/exec/cases.json has a `cases` array");
    list.iter()
        .map(|c| {
            let file = c["definition"].as_str().expect("each case names its definition");
            let definition = defs
                .iter()
                .find(|(name, _)| *name == file)
                .unwrap_or_else(|| panic!("{file} is not among the definitions this bench includes"))
                .1;
            Case {
                name: c["name"].as_str().expect("each case has a name").to_string(),
                definition,
                input: c["input"].clone(),
                expected: c["expected"].clone(),
            }
        })
        .collect()
}

/// A world with the case's state machine registered as `bench`.
fn world_for(definition: &str) -> World {
    let mut world = World::new(0);
    world.register_json("bench", definition).expect("the bench definition validates");
    world
}

/// Runs one execution to its end; its state transitions. Panics unless it
/// succeeded with the expected output (a run that skips work must not count).
/// The history is recorded as always; it is rendered (and its transitions
/// checked against the count) only by [`check_history`], outside the timing.
fn run_checked(world: &mut World, input: Value, expected: &Value) -> u64 {
    let arn = world.start_execution("bench", input, None).expect("the execution starts");
    world.run_until_idle();
    let exec = world.execution(&arn).expect("the execution exists");
    assert_eq!(exec.status(), Status::Succeeded, "{:?}: {:?}", exec.error(), exec.cause());
    assert_eq!(exec.output(), Some(expected), "unexpected output");
    exec.transitions()
}

/// The transitions of an execution's rendered history (its `*StateEntered`
/// events), which must equal the executor's count.
fn check_history(world: &World, transitions: u64) {
    for exec in world.executions() {
        let entered = exec.history().iter().filter(|e| e.kind.ends_with("StateEntered")).count() as u64;
        assert_eq!(entered, transitions, "the history's *StateEntered events and the transitions differ");
        assert_eq!(exec.history_json()["events"].as_array().map(Vec::len), Some(exec.history_len()));
    }
}

fn executions(c: &mut Criterion) {
    let mut group = c.benchmark_group("exec");
    group.sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    for case in cases() {
        let base = world_for(case.definition);
        let mut first = base.clone();
        let transitions = run_checked(&mut first, case.input.clone(), &case.expected);
        check_history(&first, transitions);
        group.throughput(Throughput::Elements(transitions));
        group.bench_function(BenchmarkId::from_parameter(&case.name), |b| {
            b.iter_batched(
                || (base.clone(), case.input.clone()),
                |(mut world, input)| run_checked(&mut world, input, &case.expected),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

/// The process's resident set, in bytes.
fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// `--report`: one JSON line per measurement. `STEPFORGE_BENCH_CASES`
/// (comma-separated case names, e.g. `choice,parallel-catch`) runs only
/// those cases and skips the 10,000-execution Wait, to profile one case.
fn report() {
    let only = std::env::var("STEPFORGE_BENCH_CASES").ok();
    let wanted = |name: &str| only.as_deref().is_none_or(|list| list.split(',').any(|n| n == name));
    for case in cases().into_iter().filter(|c| wanted(&c.name)) {
        let base = world_for(case.definition);
        let (mut world, input) = (base.clone(), case.input.clone());
        let (transitions, allocs, _) = counted(|| run_checked(&mut world, input, &case.expected));
        check_history(&world, transitions);
        // And with the history read back as GetExecutionHistory JSON text.
        let (mut world, input) = (base.clone(), case.input.clone());
        let (_, allocs_read, _) = counted(|| {
            run_checked(&mut world, input, &case.expected);
            world.executions().map(|e| e.history_json().to_string().len()).sum::<usize>()
        });
        // Runs executions for about two seconds (at least 5), each in a fresh
        // copy of the world, the input copy made outside the timing.
        let mut runs = 0u64;
        let mut spent = Duration::ZERO;
        while runs < 5 || spent < Duration::from_secs(2) {
            let (mut world, input) = (base.clone(), case.input.clone());
            let t = Instant::now();
            run_checked(&mut world, input, &case.expected);
            spent += t.elapsed();
            runs += 1;
        }
        let per_s = runs as f64 / spent.as_secs_f64();
        println!(
            "{}",
            json!({
                "case": case.name,
                "executions": runs,
                "executions_per_s": per_s,
                "transitions_per_execution": transitions,
                "transitions_per_s": per_s * transitions as f64,
                "allocations_per_execution": allocs,
                "allocations_per_transition": allocs as f64 / transitions as f64,
                "allocations_per_transition_history_read": allocs_read as f64 / transitions as f64,
            })
        );
    }

    if only.is_some() {
        return;
    }
    // 10,000 executions waiting in an hour-long Wait at once.
    let count = 10_000;
    let rss_before = rss_bytes();
    let t = Instant::now();
    let (mut world, allocs, live) = counted(|| {
        let mut world = world_for(include_str!("../../bench/exec/wait.json"));
        for i in 0..count {
            world.start_execution("bench", json!({ "n": i }), None).expect("the execution starts");
        }
        // Everything due now: each execution enters the Wait and stays there.
        let now = world.now_millis();
        world.run_until(now);
        world
    });
    let started = t.elapsed();
    let rss_after = rss_bytes();
    let waiting = world.executions().filter(|e| e.status() == Status::Running).count();
    let in_wait = world.executions().filter(|e| e.last_event_kind() == Some("WaitStateEntered")).count();
    assert_eq!((waiting, in_wait), (count, count), "every execution waits in the Wait state");
    let t = Instant::now();
    world.run_until_idle();
    let finished = t.elapsed();
    let succeeded = world.executions().filter(|e| e.status() == Status::Succeeded).count();
    assert_eq!(succeeded, count, "every execution ends after the hour");
    println!(
        "{}",
        json!({
            "case": "wait-10000",
            "executions": count,
            "waiting": waiting,
            "start_and_enter_wait_s": started.as_secs_f64(),
            "finish_after_the_hour_s": finished.as_secs_f64(),
            "live_heap_bytes": live,
            "heap_bytes_per_execution": live as f64 / count as f64,
            "allocations": allocs,
            "rss_before_bytes": rss_before,
            "rss_after_bytes": rss_after,
            "rss_growth_bytes": rss_after.saturating_sub(rss_before),
        })
    );
}

fn main() {
    if std::env::args().any(|a| a == "--report") {
        report();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    executions(&mut c);
    c.final_summary();
}
