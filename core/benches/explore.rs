//! Exploration speed: schedules per second and transitions per second.
//!
//! - random: 10,000 schedules of 10 executions of stepforge's semaphore
//!   (limit 3), every fault at 3 %, for each design (with cleanup, with a
//!   lease, with both); goal: under 10 s each;
//! - exhaustive: 3 executions, limit 2, each design; goal: under a minute.
//!
//! `cargo bench -p stepforge --bench explore [-- SCHEDULES] [--threads 1,2]
//! [--random-only | --exhaustive-only]` (or `bash bench/explore.sh …`).
//! Random mode runs once per thread count (default: one thread per core).
//!
//! The binary allocates with mimalloc when built with that feature, as the
//! `stepforge` command does.

use stepforge::exec::explore::{ExhaustiveLimits, Faults, Report, SemaphoreScenario};

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU seconds this process has used (user + system, from `/proc/self/stat`;
/// `None` where there is no such file): on a shared machine the wall time
/// also counts other people's work, the CPU time does not.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at `) `.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn line(what: &str, threads: usize, r: &Report, cpu: Option<f64>) {
    println!(
        "| {what} | {threads} | {} | {} | {} | {:.2} s | {} | {:.0} | {:.0} | {} |",
        r.schedules,
        r.transitions,
        if r.mode == "exhaustive" { r.states.to_string() } else { "—".into() },
        r.elapsed.as_secs_f64(),
        cpu.map_or("—".into(), |c| format!("{c:.2} s")),
        r.schedules_per_second(),
        r.transitions_per_second(),
        if r.counterexample.is_some() { "BROKEN" } else { "held" },
    );
    if let Some(cx) = &r.counterexample {
        eprintln!("{}", cx.describe());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let schedules: u64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads: Vec<usize> = match args.iter().position(|a| a == "--threads") {
        Some(i) => {
            let list = args.get(i + 1).map(String::as_str).unwrap_or_default();
            let parsed: Result<Vec<usize>, _> = list.split(',').map(str::parse).collect();
            match parsed {
                Ok(t) if !t.is_empty() && t.iter().all(|n| *n > 0) => t,
                _ => {
                    eprintln!("--threads takes thread counts separated by commas (`1,2`), not `{list}`");
                    std::process::exit(2);
                }
            }
        }
        None => vec![cores],
    };
    let random = !args.iter().any(|a| a == "--exhaustive-only");
    let exhaustive = !args.iter().any(|a| a == "--random-only");
    println!("cores: {cores}");
    println!(
        "| run | threads | schedules | transitions | distinct states | time | CPU time | schedules/s | transitions/s \
         | invariants |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    let designs = [("with cleanup", true, None), ("with lease", false, Some(60)), ("with both", true, Some(60))];
    for (name, cleanup, lease) in designs.iter().filter(|_| random) {
        let ex = match SemaphoreScenario::fragment(3, 10, *cleanup, *lease).explorer() {
            Ok(ex) => ex.faults(Faults::all(0.03)),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        for &t in &threads {
            let what = format!("random, 10 executions, limit 3, all faults 3 %, {name}");
            let cpu = cpu_seconds();
            let r = ex.clone().threads(t).random(schedules, 1);
            line(&what, t, &r, cpu_seconds().zip(cpu).map(|(b, a)| b - a));
        }
    }
    for (name, cleanup, lease) in designs.iter().filter(|_| exhaustive) {
        let (cleanup, lease) = (*cleanup, *lease);
        let ex = match SemaphoreScenario::fragment(2, 3, cleanup, lease).explorer() {
            Ok(ex) => ex,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        let cpu = cpu_seconds();
        match ex.exhaustive(&ExhaustiveLimits::default()) {
            Ok(r) => {
                let cpu = cpu_seconds().zip(cpu).map(|(b, a)| b - a);
                line(&format!("exhaustive, 3 executions, limit 2, {name}"), 1, &r, cpu)
            }
            Err(e) => println!("| exhaustive, {name} | {e} |"),
        }
    }
}
