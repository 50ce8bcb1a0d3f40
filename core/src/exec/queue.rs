//! The world's one event queue. Events due later wait in time order; the
//! events due at the current instant sit in a "ready" list from which the
//! scheduler draws in O(1), so ten thousand executions started at the same
//! instant cost no more per step than one. Cancelled events are dropped from
//! the map at once and from the ready list lazily.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use super::world::{Event, Key};

#[derive(Clone, Default)]
pub(crate) struct EventQueue {
    /// Live events by sequence number, with their due time.
    events: FxHashMap<u64, (i64, Event)>,
    /// Live events not in `ready`, by due time then sequence.
    later: BTreeSet<Key>,
    /// Sequence numbers of events due at `ready_due` (some possibly cancelled).
    ready: Vec<u64>,
    ready_due: i64,
    /// How many entries of `ready` are live.
    ready_live: usize,
}

impl EventQueue {
    pub(crate) fn insert(&mut self, key: Key, event: Event) {
        self.events.insert(key.1, (key.0, event));
        if !self.ready.is_empty() && key.0 == self.ready_due {
            self.ready.push(key.1);
            self.ready_live += 1;
        } else if self.ready.is_empty()
            && key.0 == self.ready_due
            && self.later.first().is_none_or(|first| first.0 > key.0)
        {
            // Due at the instant last drawn from (the world's now: nothing
            // can be queued earlier) with nothing else due then: the ready
            // list `pick` would build holds just this event, so start it here
            // and skip the ordered set (the common one-thread step).
            self.ready.push(key.1);
            self.ready_due = key.0;
            self.ready_live = 1;
        } else {
            self.later.insert(key);
        }
    }

    /// Cancels an event; returns it if it was still queued.
    pub(crate) fn remove(&mut self, key: &Key) -> Option<Event> {
        let (due, event) = self.events.remove(&key.1)?;
        if !self.ready.is_empty() && due == self.ready_due {
            self.ready_live -= 1;
        } else {
            self.later.remove(&(due, key.1));
        }
        Some(event)
    }

    /// Takes a specific event (the explorer's choice).
    pub(crate) fn take(&mut self, key: &Key) -> Option<Event> {
        let (due, _) = self.events.get(&key.1)?;
        if !self.ready.is_empty() && *due == self.ready_due {
            self.ready.retain(|s| *s != key.1);
            self.ready_live -= 1;
        } else {
            self.later.remove(&(*due, key.1));
        }
        self.events.remove(&key.1).map(|(_, e)| e)
    }

    pub(crate) fn contains(&self, key: &Key) -> bool {
        self.events.get(&key.1).is_some_and(|(due, _)| *due == key.0)
    }

    /// When the earliest event is due.
    pub(crate) fn earliest_due(&self) -> Option<i64> {
        if self.ready_live > 0 { Some(self.ready_due) } else { self.later.first().map(|k| k.0) }
    }

    /// The events due at the earliest instant, in the order they were queued.
    pub(crate) fn current(&self) -> Vec<(Key, &Event)> {
        if self.ready_live > 0 {
            let mut out: Vec<(Key, &Event)> =
                self.ready.iter().filter_map(|s| self.events.get(s).map(|(due, e)| ((*due, *s), e))).collect();
            out.sort_by_key(|(k, _)| k.1);
            return out;
        }
        let Some(&(due, _)) = self.later.first() else { return Vec::new() };
        self.later
            .range((due, 0)..=(due, u64::MAX))
            .filter_map(|k| self.events.get(&k.1).map(|(_, e)| (*k, e)))
            .collect()
    }

    /// The queued event with this key, if any.
    pub(crate) fn get(&self, key: &Key) -> Option<&Event> {
        self.events.get(&key.1).filter(|(due, _)| *due == key.0).map(|(_, e)| e)
    }

    /// Every queued event with its key, in no particular order (for state hashing).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Key, &Event)> {
        self.events.iter().map(|(seq, (due, e))| ((*due, *seq), e))
    }

    /// Draws one of the events due at the earliest instant and removes it.
    pub(crate) fn pick(&mut self, mut draw: impl FnMut(usize) -> usize) -> Option<(Key, Event)> {
        if self.ready_live == 0 {
            self.ready.clear();
            let &(due, _) = self.later.first()?;
            while let Some(&(d, seq)) = self.later.first() {
                if d != due {
                    break;
                }
                self.later.pop_first();
                self.ready.push(seq);
            }
            self.ready_due = due;
            self.ready_live = self.ready.len();
        }
        while !self.ready.is_empty() {
            let i = if self.ready.len() > 1 { draw(self.ready.len()) } else { 0 };
            let seq = self.ready.swap_remove(i);
            if let Some((due, event)) = self.events.remove(&seq) {
                self.ready_live -= 1;
                return Some(((due, seq), event));
            }
        }
        None
    }
}

/// The keys of the events a thread has queued, so ending or moving the
/// thread cancels them. A thread rarely has more than two queued at once (a
/// Task's completion and its timeout), so two live inline and a thread's
/// events cost no allocation of their own.
#[derive(Debug, Clone, Default)]
pub(crate) struct ThreadKeys {
    inline: [Option<Key>; 2],
    spill: Vec<Key>,
}

impl ThreadKeys {
    /// Adds a key.
    pub(crate) fn push(&mut self, key: Key) {
        match self.inline.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(key),
            None => self.spill.push(key),
        }
    }

    /// Forgets a key (its event fired or was cancelled).
    pub(crate) fn remove(&mut self, key: Key) {
        for slot in &mut self.inline {
            if *slot == Some(key) {
                *slot = None;
            }
        }
        self.spill.retain(|k| *k != key);
    }

    /// Takes every key, leaving none (the order does not matter: each names its own event).
    pub(crate) fn take_all(&mut self) -> impl Iterator<Item = Key> + use<> {
        let inline = std::mem::take(&mut self.inline);
        inline.into_iter().flatten().chain(std::mem::take(&mut self.spill))
    }
}

#[cfg(test)]
mod tests {
    use super::ThreadKeys;

    #[test]
    fn thread_keys_hold_spill_and_forget() {
        let mut keys = ThreadKeys::default();
        for seq in 0..4 {
            keys.push((10, seq));
        }
        keys.remove((10, 0));
        keys.remove((10, 3));
        keys.push((20, 9));
        let mut all: Vec<_> = keys.take_all().collect();
        all.sort();
        assert_eq!(all, vec![(10, 1), (10, 2), (20, 9)]);
        assert_eq!(keys.take_all().count(), 0);
    }
}
