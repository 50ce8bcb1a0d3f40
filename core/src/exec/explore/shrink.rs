//! Shrinking a failing schedule by delta debugging over its picks: drop
//! chunks of picks (halving the chunk size down to one), then set chunks to
//! 0 (the oldest event, no fault), then lower single picks, keeping every
//! change after which the same invariant still breaks in fewer steps or
//! with fewer and smaller picks. Picks past the list's end are 0, so a
//! shorter list is a schedule closer to first-in-first-out without faults.

use super::run::Replay;
use super::{Explorer, Schedule};

/// How good a failing schedule is: fewer steps, then fewer non-zero picks, then smaller ones.
type Score = (u64, usize, u64);

fn score(steps: u64, picks: &[u32]) -> Score {
    (steps, picks.iter().filter(|p| **p != 0).count(), picks.iter().map(|p| u64::from(*p)).sum())
}

/// Trailing zeros are what replay does anyway.
fn trim(mut picks: Vec<u32>) -> Vec<u32> {
    while picks.last() == Some(&0) {
        picks.pop();
    }
    picks
}

/// Replays `picks`; when `invariant` breaks, the picks actually used and the steps taken.
fn fails(ex: &Explorer, seed: u64, picks: &[u32], invariant: &str) -> Option<(Vec<u32>, u64)> {
    let mut chooser = Replay { picks, at: 0 };
    let out = ex.run_schedule(seed, &mut chooser, false);
    match out.violation {
        Some(v) if v.invariant == invariant => Some((trim(out.picks), out.steps)),
        _ => None,
    }
}

/// The smallest failing schedule found within `budget` replays, and the replays used.
pub fn shrink(ex: &Explorer, found: &Schedule, invariant: &str, budget: u64) -> (Schedule, u64) {
    let mut runs = 0u64;
    let Some((mut best, steps)) = fails(ex, found.seed, &found.picks, invariant) else {
        return (found.clone(), 1);
    };
    runs += 1;
    let mut best_score = score(steps, &best);
    let mut improved = true;
    while improved && runs < budget {
        improved = false;
        // Drop chunks, then zero chunks.
        for zero in [false, true] {
            let mut size = best.len().div_ceil(2).max(1);
            loop {
                let mut start = 0;
                while start < best.len() && runs < budget {
                    let end = (start + size).min(best.len());
                    let mut candidate = best.clone();
                    if zero {
                        if candidate[start..end].iter().all(|p| *p == 0) {
                            start = end;
                            continue;
                        }
                        candidate[start..end].iter_mut().for_each(|p| *p = 0);
                    } else {
                        candidate.drain(start..end);
                    }
                    runs += 1;
                    match fails(ex, found.seed, &candidate, invariant) {
                        Some((picks, steps)) if score(steps, &picks) < best_score => {
                            best_score = score(steps, &picks);
                            best = picks;
                            improved = true;
                        }
                        _ => start = end,
                    }
                }
                if size == 1 || runs >= budget {
                    break;
                }
                size = size.div_ceil(2);
            }
        }
        // Lower single picks.
        let mut i = 0;
        while i < best.len() && runs < budget {
            if best[i] > 1 {
                let mut candidate = best.clone();
                candidate[i] -= 1;
                runs += 1;
                if let Some((picks, steps)) = fails(ex, found.seed, &candidate, invariant)
                    && score(steps, &picks) < best_score
                {
                    best_score = score(steps, &picks);
                    best = picks;
                    improved = true;
                    continue;
                }
            }
            i += 1;
        }
    }
    (Schedule { seed: found.seed, picks: best }, runs)
}
