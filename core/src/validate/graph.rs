//! Rules over the state graph: transition targets and scopes, duplicate
//! names, reachability, and whether every state can still reach an end.

use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::asl::parse::{MISSING_NAME, join};
use crate::asl::{Definition, Graph, State};
use crate::error::{Code, Problem};

/// Runs every graph rule over a (possibly partial) definition. `ghosts` are
/// states that exist but could not be read; rules that would need to see
/// their transitions stay quiet in their scope.
pub(crate) fn check(def: &Definition, ghosts: &HashSet<(String, String)>, out: &mut Vec<Problem>) {
    let mut scopes = Vec::new();
    collect_scopes(&def.graph, String::new(), &mut scopes);
    // Where each name is defined, across every scope: for duplicate names and
    // to tell a transition into another scope from a missing target.
    let mut owner: FxHashMap<&str, &str> = FxHashMap::default();
    owner.reserve(scopes.iter().map(|(_, g)| g.states.len()).sum());
    for (scope_ptr, graph) in &scopes {
        for name in graph.states.keys() {
            if owner.insert(name.as_str(), scope_ptr.as_str()).is_some() {
                out.push(Problem::new(
                    Code::DuplicateStateName,
                    join(&join(scope_ptr, "States"), name),
                    format!("another state is already named `{name}`; state names must be unique across the whole state machine, branches and item processors included"),
                ));
            }
        }
    }
    for (scope_ptr, graph) in &scopes {
        let scope_ghosts: FxHashSet<&str> =
            ghosts.iter().filter(|(s, _)| s == scope_ptr).map(|(_, n)| n.as_str()).collect();
        Scope { ptr: scope_ptr, graph, ghosts: &scope_ghosts, owner: &owner }.check(out);
    }
}

/// Every scope with its pointer, parents before children.
fn collect_scopes<'g>(graph: &'g Graph, ptr: String, out: &mut Vec<(String, &'g Graph)>) {
    let mut children = Vec::new();
    for (name, state) in &graph.states {
        if matches!(state, State::Parallel(_) | State::Map(_)) {
            let state_ptr = join(&join(&ptr, "States"), name);
            children.extend(state.child_graphs().into_iter().map(|(suffix, g)| (format!("{state_ptr}{suffix}"), g)));
        }
    }
    out.push((ptr, graph));
    for (child_ptr, child) in children {
        collect_scopes(child, child_ptr, out);
    }
}

struct Scope<'a> {
    ptr: &'a str,
    graph: &'a Graph,
    ghosts: &'a FxHashSet<&'a str>,
    owner: &'a FxHashMap<&'a str, &'a str>,
}

impl Scope<'_> {
    fn state_ptr(&self, name: &str) -> String {
        join(&join(self.ptr, "States"), name)
    }

    /// Reports a target that is not a state of this scope; `ptr` makes the
    /// pointer only when there is something to report. A name that was not
    /// given at all was reported by the parser already.
    fn check_target(&self, target: &str, ptr: impl FnOnce() -> String, out: &mut Vec<Problem>) -> bool {
        if self.graph.states.contains_key(target) || self.ghosts.contains(target) {
            return true;
        }
        if target == MISSING_NAME {
            return false;
        }
        let (code, message) = match self.owner.get(target) {
            Some(other) => (
                Code::TransitionOutOfScope,
                format!(
                    "`{target}` is in {}, not in this {}; a transition cannot cross a Parallel branch or Map item processor boundary",
                    describe_scope(other),
                    if self.ptr.is_empty() { "state machine's top level" } else { "branch or item processor" }
                ),
            ),
            None => {
                (Code::MissingTransitionTarget, format!("there is no state named `{target}`{}", self.suggest(target)))
            }
        };
        out.push(Problem::new(code, ptr(), message));
        false
    }

    /// " (did you mean `X`?)" for a near miss in this scope.
    fn suggest(&self, target: &str) -> String {
        super::suggest::did_you_mean(target, self.graph.states.keys().map(String::as_str))
    }

    fn check(&self, out: &mut Vec<Problem>) {
        let names: Vec<&str> = self.graph.states.keys().map(String::as_str).collect();
        let index: FxHashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        // Edges within the scope, by index; targets elsewhere are reported.
        let mut edges = Edges::with_capacity(names.len());
        for (i, state) in self.graph.states.values().enumerate() {
            state.for_each_target(|via, target| {
                if self.check_target(target, || format!("{}{}", self.state_ptr(names[i]), via.pointer_suffix()), out) {
                    if let Some(&j) = index.get(target) {
                        edges.push(j);
                    }
                }
            });
            edges.close_node();
        }
        if self.ghosts.contains("") {
            // `States` itself could not be read (reported): nothing to check here.
            return;
        }
        let start = self.graph.start_at.as_str();
        let start_ok = self.check_target(start, || join(self.ptr, "StartAt"), out);
        if names.is_empty() || !self.ghosts.is_empty() {
            return;
        }
        if !self.graph.states.values().any(|s| s.is_terminal()) {
            out.push(Problem::new(
                Code::MissingTerminalState,
                join(self.ptr, "States"),
                "no state here ends: add a Succeed or Fail state, or `\"End\": true` on the last state",
            ));
            return;
        }
        let Some(&start_idx) = index.get(start).filter(|_| start_ok) else { return };
        let reached = reach(&edges, [start_idx]);
        for (i, name) in names.iter().enumerate() {
            if !reached[i] {
                out.push(Problem::new(
                    Code::UnreachableState,
                    self.state_ptr(name),
                    format!("no path from `StartAt` ({start}) leads to `{name}`"),
                ));
            }
        }
        // States that can still reach an end: walk the edges backwards from the terminal states.
        let reverse = edges.reversed();
        let terminals = self.graph.states.values().enumerate().filter(|(_, s)| s.is_terminal()).map(|(i, _)| i);
        let can_end = reach(&reverse, terminals);
        for (i, name) in names.iter().enumerate() {
            if reached[i] && !can_end[i] {
                out.push(Problem::new(
                    Code::NoPathToEnd,
                    self.state_ptr(name),
                    format!("no path from `{name}` reaches a Succeed, Fail or `\"End\": true` state: an execution that gets here loops forever or fails"),
                ));
            }
        }
    }
}

/// A directed graph over state indexes, stored flat: the targets of node
/// `i` are `targets[offsets[i]..offsets[i + 1]]`.
struct Edges {
    offsets: Vec<usize>,
    targets: Vec<usize>,
}

impl Edges {
    fn with_capacity(nodes: usize) -> Edges {
        let mut offsets = Vec::with_capacity(nodes + 1);
        offsets.push(0);
        Edges { offsets, targets: Vec::with_capacity(nodes * 2) }
    }

    /// Adds an edge from the node being built.
    fn push(&mut self, target: usize) {
        self.targets.push(target);
    }

    /// Ends the node being built; the next push starts the following node.
    fn close_node(&mut self) {
        self.offsets.push(self.targets.len());
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn of(&self, i: usize) -> &[usize] {
        &self.targets[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The same graph with every edge turned around.
    fn reversed(&self) -> Edges {
        let n = self.len();
        let mut counts = vec![0usize; n + 1];
        for &t in &self.targets {
            counts[t + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut fill = counts.clone();
        let mut targets = vec![0; self.targets.len()];
        for i in 0..n {
            for &t in self.of(i) {
                targets[fill[t]] = i;
                fill[t] += 1;
            }
        }
        Edges { offsets: counts, targets }
    }
}

/// Marks every node reachable from `starts` along `edges`.
fn reach(edges: &Edges, starts: impl IntoIterator<Item = usize>) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut stack: Vec<usize> = Vec::new();
    for s in starts {
        if !seen[s] {
            seen[s] = true;
            stack.push(s);
        }
    }
    while let Some(i) = stack.pop() {
        for &j in edges.of(i) {
            if !seen[j] {
                seen[j] = true;
                stack.push(j);
            }
        }
    }
    seen
}

fn describe_scope(ptr: &str) -> String {
    if ptr.is_empty() { "the top level".to_string() } else { format!("the scope at {ptr}") }
}
