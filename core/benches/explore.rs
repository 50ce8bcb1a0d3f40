//! Exploration speed: schedules per second and transitions per second.
//!
//! - random: 10,000 schedules of 10 executions of stepforge's semaphore
//!   (limit 3), every fault at 3 %, for each design (with cleanup, with a
//!   lease, with both); goal: under 10 s each;
//! - exhaustive: 3 executions, limit 2, each design; goal: under a minute.
//!
//! `cargo bench -p stepforge --bench explore [-- SCHEDULES]` (or `bash bench/explore.sh`).

use stepforge::exec::explore::{ExhaustiveLimits, Faults, Report, SemaphoreScenario};

fn line(what: &str, r: &Report) {
    println!(
        "| {what} | {} | {} | {} | {:.2} s | {:.0} | {:.0} | {} |",
        r.schedules,
        r.transitions,
        if r.mode == "exhaustive" { r.states.to_string() } else { "—".into() },
        r.elapsed.as_secs_f64(),
        r.schedules_per_second(),
        r.transitions_per_second(),
        if r.counterexample.is_some() { "BROKEN" } else { "held" },
    );
    if let Some(cx) = &r.counterexample {
        eprintln!("{}", cx.describe());
    }
}

fn main() {
    let schedules: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("threads: {threads}");
    println!("| run | schedules | transitions | distinct states | time | schedules/s | transitions/s | invariants |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    let designs = [("with cleanup", true, None), ("with lease", false, Some(60)), ("with both", true, Some(60))];
    for (name, cleanup, lease) in designs {
        let ex = match SemaphoreScenario::fragment(3, 10, cleanup, lease).explorer() {
            Ok(ex) => ex.faults(Faults::all(0.03)),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        line(&format!("random, 10 executions, limit 3, all faults 3 %, {name}"), &ex.random(schedules, 1));
    }
    for (name, cleanup, lease) in designs {
        let ex = match SemaphoreScenario::fragment(2, 3, cleanup, lease).explorer() {
            Ok(ex) => ex,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        match ex.exhaustive(&ExhaustiveLimits::default()) {
            Ok(r) => line(&format!("exhaustive, 3 executions, limit 2, {name}"), &r),
            Err(e) => println!("| exhaustive, {name} | {e} |"),
        }
    }
}
