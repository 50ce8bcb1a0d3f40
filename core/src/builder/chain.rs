//! Chaining: anything with a start state and end states can be followed by
//! something else. `a.next(b)` links every end of `a` to the start of `b` and
//! gives back a [`Chain`] from `a`'s start to `b`'s ends.

use std::collections::HashSet;

use super::naming::api;
use super::node::{Kind, StateRef};
use crate::error::{Code, Problem, Problems};

/// Where a following state gets attached.
#[derive(Debug, Clone)]
pub enum EndRef {
    /// The state's `Next`.
    Next(StateRef),
    /// A Choice state's `Default` (from `afterwards(include_otherwise)`).
    Default(StateRef),
}

impl EndRef {
    fn state(&self) -> &StateRef {
        match self {
            EndRef::Next(s) | EndRef::Default(s) => s,
        }
    }

    /// Attaches `target`; an end that already leads somewhere else is an error.
    pub(crate) fn attach(&self, target: &StateRef) -> Result<(), Problems> {
        let state = self.state();
        // Never call `name()` on another handle while holding a lock: it may be
        // the same state (a loop), and the mutex is not reentrant.
        let existing = {
            let node = state.lock();
            match self {
                EndRef::Next(_) => node.next.clone(),
                EndRef::Default(_) => node.default.clone(),
            }
        };
        if let Some(existing) = existing {
            if existing.same(target) {
                return Ok(());
            }
            let what = if matches!(self, EndRef::Next(_)) { "a next state" } else { "an `otherwise` state" };
            let name = state.name();
            let message = format!(
                "`{name}` already has {what} (`{}`); it cannot also go to `{}`",
                existing.name(),
                target.name()
            );
            return Err(chain_error(&name, message));
        }
        let mut node = state.lock();
        match self {
            EndRef::Next(_) => node.next = Some(target.clone()),
            EndRef::Default(_) => node.default = Some(target.clone()),
        }
        Ok(())
    }
}

/// An error in how states were linked, pointing at the state.
pub(crate) fn chain_error(state: &str, message: String) -> Problems {
    let ptr = format!("/States/{}", crate::error::escape_token(state));
    Problems::from(Problem::new(Code::InvalidChain, ptr, message))
}

/// Something that can be chained: a state, a [`Chain`] or a [`Fragment`].
pub trait Chainable {
    /// The state execution enters first.
    fn start_state(&self) -> StateRef;
    /// The places a following state is attached to.
    fn end_states(&self) -> Vec<EndRef>;

    /// Follows this with `next`: every end state moves on to `next`'s start.
    fn next(&self, next: &dyn Chainable) -> Result<Chain, Problems> {
        let ends = self.end_states();
        if ends.is_empty() {
            let start = self.start_state();
            let name = start.name();
            let kind = start.kind();
            let why = match kind {
                Kind::Succeed | Kind::Fail => format!("`{name}` is a {} state: nothing can follow it", kind.as_str()),
                Kind::Choice => format!(
                    "`{name}` is a Choice state: use `{}`/`{}`, or `{}()` to go on after its branches",
                    api("when"),
                    api("otherwise"),
                    api("afterwards")
                ),
                _ => format!("nothing after `{name}` can be followed: every path ends in Succeed or Fail"),
            };
            return Err(chain_error(&name, why));
        }
        let target = next.start_state();
        for end in &ends {
            end.attach(&target)?;
        }
        Ok(Chain { start: self.start_state(), ends: next.end_states() })
    }
}

impl<T: Chainable + ?Sized> Chainable for &T {
    fn start_state(&self) -> StateRef {
        (**self).start_state()
    }
    fn end_states(&self) -> Vec<EndRef> {
        (**self).end_states()
    }
}

impl Chainable for StateRef {
    fn start_state(&self) -> StateRef {
        self.clone()
    }
    /// A state is its own end if it can have `Next` (linking it twice is an
    /// error); Choice, Succeed and Fail have none (use `afterwards` on a Choice).
    fn end_states(&self) -> Vec<EndRef> {
        if self.kind().has_next() { vec![EndRef::Next(self.clone())] } else { Vec::new() }
    }
}

/// The states reachable from `start` (through `Next`, Choice rules and
/// `Default`, not Catch handlers) that could still take a `Next`.
pub(crate) fn open_ends(start: &StateRef) -> Vec<EndRef> {
    let mut seen = HashSet::new();
    let mut stack = vec![start.clone()];
    let mut out = Vec::new();
    while let Some(s) = stack.pop() {
        if !seen.insert(s.id()) {
            continue;
        }
        let node = s.lock();
        if node.kind.has_next() && node.next.is_none() {
            out.push(EndRef::Next(s.clone()));
        }
        let mut succ: Vec<StateRef> = node.next.iter().cloned().collect();
        succ.extend(node.choices.iter().map(|c| c.target.clone()));
        succ.extend(node.default.iter().cloned());
        drop(node);
        // Reverse so the first successor is explored first.
        stack.extend(succ.into_iter().rev());
    }
    out
}

/// A sequence of states built with `next`: from a start state to its ends.
#[derive(Debug, Clone)]
pub struct Chain {
    pub(crate) start: StateRef,
    pub(crate) ends: Vec<EndRef>,
}

impl Chain {
    /// A chain that starts (and for now ends) with `state`: `Chain.start(step1).next(step2)`.
    pub fn start(state: &dyn Chainable) -> Chain {
        Chain { start: state.start_state(), ends: state.end_states() }
    }

    /// A chain with explicit start and ends.
    pub fn custom(start: StateRef, ends: Vec<EndRef>) -> Chain {
        Chain { start, ends }
    }

    /// Links the given chainables one after another.
    pub fn sequence(items: &[&dyn Chainable]) -> Result<Chain, Problems> {
        let Some((first, rest)) = items.split_first() else {
            return Err(Problems::from(Problem::new(Code::InvalidChain, "", "a sequence needs at least one state")));
        };
        let mut chain = Chain::start(*first);
        for item in rest {
            chain = chain.next(*item)?;
        }
        Ok(chain)
    }
}

impl Chainable for Chain {
    fn start_state(&self) -> StateRef {
        self.start.clone()
    }
    fn end_states(&self) -> Vec<EndRef> {
        self.ends.clone()
    }
}

/// A reusable piece of a state machine: a start state, end states, and the
/// states that belong to it (for [`Fragment::prefix_states`]).
#[derive(Debug, Clone)]
pub struct Fragment {
    start: StateRef,
    ends: Vec<EndRef>,
    members: Vec<StateRef>,
}

impl Fragment {
    /// A fragment from `start` to `ends`. Its states are those reachable from
    /// `start` (nested branches included) without going past an end state.
    pub fn new(start: &dyn Chainable, ends: Vec<EndRef>) -> Fragment {
        let start = start.start_state();
        let stop: HashSet<usize> = ends.iter().map(|e| e.state().id()).collect();
        let mut members = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = vec![start.clone()];
        while let Some(s) = stack.pop() {
            if !seen.insert(s.id()) {
                continue;
            }
            members.push(s.clone());
            stack.extend(s.nested_starts());
            if !stop.contains(&s.id()) {
                stack.extend(s.successors());
            }
        }
        Fragment { start, ends, members }
    }

    /// A fragment whose ends are the open ends of the chainable.
    pub fn from_chainable(chain: &dyn Chainable) -> Fragment {
        Fragment::new(chain, chain.end_states())
    }

    /// Prefixes the name of every state of the fragment, so that one fragment
    /// can be used several times in one state machine.
    pub fn prefix_states(self, prefix: &str) -> Fragment {
        for s in &self.members {
            let name = s.name();
            s.set_name(format!("{prefix}{name}"));
        }
        self
    }

    /// The states of the fragment.
    pub fn states(&self) -> &[StateRef] {
        &self.members
    }
}

impl Chainable for Fragment {
    fn start_state(&self) -> StateRef {
        self.start.clone()
    }
    fn end_states(&self) -> Vec<EndRef> {
        self.ends.clone()
    }
}
