//! The timeline query: how many executions were inside a set of states at once.

use super::world::Stay;

/// The answer of [`World::peak_occupancy`](super::World::peak_occupancy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Peak {
    /// The most executions inside the states at once.
    pub count: usize,
    /// When that count was first reached (virtual ms since the Unix epoch); `None` if never inside.
    pub at_millis: Option<i64>,
}

/// Sweeps entries and exits in the order they happened (not by timestamp:
/// events at the same virtual instant still happen one after the other). An
/// execution counts once however many of its threads are inside.
pub(crate) fn peak(stays: &[Stay], states: &[&str]) -> Peak {
    let mut marks: Vec<(u64, i64, usize, i32)> = Vec::new();
    for s in stays.iter().filter(|s| states.contains(&&*s.state)) {
        marks.push((s.enter_mark, s.enter_ms, s.exec.0, 1));
        if let Some(exit) = s.exit_mark {
            marks.push((exit, s.exit_ms.unwrap_or(s.enter_ms), s.exec.0, -1));
        }
    }
    // Exits sort before entries at the same mark: a thread leaving one
    // state of the set for another is not counted twice.
    marks.sort_by_key(|&(mark, _, _, delta)| (mark, delta));
    let mut per_exec: rustc_hash::FxHashMap<usize, i32> = Default::default();
    let mut inside = 0usize;
    let mut best = Peak::default();
    for (_, ms, exec, delta) in marks {
        let n = per_exec.entry(exec).or_insert(0);
        let before = *n > 0;
        *n += delta;
        let after = *n > 0;
        match (before, after) {
            (false, true) => inside += 1,
            (true, false) => inside -= 1,
            _ => {}
        }
        if inside > best.count {
            best = Peak { count: inside, at_millis: Some(ms) };
        }
    }
    best
}
