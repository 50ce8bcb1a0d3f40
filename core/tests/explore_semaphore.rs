//! stepforge's semaphore fragment under exploration: random schedules with
//! every fault, and the bounded exhaustive run (3 executions, limit 2), with
//! cleanup, with a lease, and with both. The full numbers (10,000 schedules
//! of 10 executions) are in `bench/explore.sh`; these runs are smaller so
//! the suite stays quick in debug builds.

use stepforge::exec::explore::{ExhaustiveLimits, Faults, Report, SemaphoreScenario};

fn check(report: &Report) {
    if let Some(cx) = &report.counterexample {
        panic!("{}\n{}", report.summary(), cx.describe());
    }
    eprintln!("{}", report.summary());
}

const DESIGNS: [(&str, bool, Option<u64>); 3] =
    [("with cleanup", true, None), ("with lease", false, Some(60)), ("with both", true, Some(60))];

#[test]
fn the_fragment_holds_under_random_schedules_with_every_fault() {
    for (name, cleanup, lease) in DESIGNS {
        let ex = SemaphoreScenario::fragment(3, 10, cleanup, lease).explorer().unwrap().faults(Faults::all(0.03));
        let report = ex.random(20, 7);
        eprint!("{name}: ");
        check(&report);
        assert_eq!(report.schedules, 20);
        assert!(report.transitions > 20 * 100, "{}", report.summary());
    }
}

/// One design here (about 30 s in debug); `bench/explore.sh` runs all three in release.
#[test]
fn the_fragment_holds_in_the_bounded_exhaustive_run() {
    for (name, cleanup, lease) in &DESIGNS[2..] {
        let (cleanup, lease) = (*cleanup, *lease);
        let ex = SemaphoreScenario::fragment(2, 3, cleanup, lease).explorer().unwrap();
        let report = ex.exhaustive(&ExhaustiveLimits::default()).unwrap();
        eprint!("{name}: ");
        check(&report);
        assert!(report.complete);
        assert!(report.states > 10 && report.schedules > 1, "{}", report.summary());
    }
}
