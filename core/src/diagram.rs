//! Diagrams of a state machine: Mermaid flowcharts and Graphviz dot.
//!
//! One node per state (its name and type), an edge per transition (`Next`,
//! each Choice rule with its condition, `Default`, each `Catch` with its
//! errors, `End` to the scope's end marker); Parallel branches and the Map
//! item processor are drawn as nested subgraphs (clusters in dot), each with
//! its own start and end markers. Node ids are generated (`s0`, `s1`, …), so
//! any state name is safe; names only ever appear inside escaped labels.
//!
//! The states an execution entered (see [`entered_states`]) can be
//! highlighted: they get the `entered` class (Mermaid `classDef`, dot `class`
//! attribute plus a fill, so SVG output can be styled too).

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::asl::{Condition, Definition, Graph, Operand, Rule, State, Transition};
use crate::exec::HistoryEvent;

/// The output language of a diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A Mermaid `flowchart TD`.
    Mermaid,
    /// A Graphviz `digraph`.
    Dot,
}

/// Renders `def` in `format`, highlighting the states named in `entered`
/// (empty: no highlight).
pub fn render(def: &Definition, format: Format, entered: &HashSet<String>) -> String {
    let model = Model::build(def, entered);
    match format {
        Format::Mermaid => model.mermaid(),
        Format::Dot => model.dot(),
    }
}

/// A Mermaid flowchart of `def` (see [`render`]).
pub fn mermaid(def: &Definition, entered: &HashSet<String>) -> String {
    render(def, Format::Mermaid, entered)
}

/// A Graphviz dot digraph of `def` (see [`render`]).
pub fn dot(def: &Definition, entered: &HashSet<String>) -> String {
    render(def, Format::Dot, entered)
}

/// The names of the states an execution entered (every `*StateEntered`
/// event of its history, any depth).
pub fn entered_states(history: &[HistoryEvent]) -> HashSet<String> {
    history
        .iter()
        .filter(|e| e.kind.ends_with("StateEntered"))
        .filter_map(|e| e.details.as_ref()?.get("name")?.as_str().map(str::to_string))
        .collect()
}

/// Labels longer than this many characters are cut with an ellipsis: a
/// condition is a hint on an edge, not the definition.
const MAX_LABEL: usize = 48;

/// What an edge stands for; it picks the line style.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EdgeKind {
    /// `Next`, a Choice rule, `Default`, `End`, a scope's start.
    Flow,
    /// A `Catch`.
    Catch,
    /// From a Parallel or Map state into one of its nested scopes.
    Nested,
}

struct Node {
    id: String,
    /// The state's name, or `Start`/`End` for a scope's markers.
    name: String,
    /// The ASL type; `None` for the markers.
    kind: Option<&'static str>,
    entered: bool,
}

struct Edge {
    from: String,
    to: String,
    label: Option<String>,
    kind: EdgeKind,
}

/// One scope: the top level, a Parallel branch or a Map item processor.
struct Cluster {
    id: String,
    label: String,
    nodes: Vec<Node>,
    children: Vec<Cluster>,
}

struct Model {
    root: Cluster,
    edges: Vec<Edge>,
}

/// Hands out ids; every name lookup is per scope, as ASL scopes names.
struct Builder<'e> {
    next_state: usize,
    next_cluster: usize,
    edges: Vec<Edge>,
    entered: &'e HashSet<String>,
}

impl Model {
    fn build(def: &Definition, entered: &HashSet<String>) -> Model {
        let mut b = Builder { next_state: 0, next_cluster: 0, edges: Vec::new(), entered };
        let root = b.scope(&def.graph, "root".into(), "State machine".into(), None);
        Model { root, edges: b.edges }
    }
}

impl Builder<'_> {
    /// Lays out one scope and its nested scopes; `parent` is the node id of
    /// the Parallel or Map state that owns it.
    fn scope(&mut self, graph: &Graph, id: String, label: String, parent: Option<&str>) -> Cluster {
        let start = format!("{id}_start");
        let end = format!("{id}_end");
        let ids: Vec<(String, &str, &State)> = graph
            .states
            .iter()
            .map(|(name, state)| {
                let sid = format!("s{}", self.next_state);
                self.next_state += 1;
                (sid, name.as_str(), state)
            })
            .collect();
        let lookup = |name: &str| ids.iter().find(|(_, n, _)| *n == name).map(|(sid, _, _)| sid.clone());
        let mut nodes = vec![Node { id: start.clone(), name: "Start".into(), kind: None, entered: false }];
        let mut children = Vec::new();
        if let Some(p) = parent {
            self.edges.push(Edge { from: p.to_string(), to: start.clone(), label: None, kind: EdgeKind::Nested });
        }
        if let Some(first) = lookup(&graph.start_at) {
            self.edges.push(Edge { from: start.clone(), to: first, label: None, kind: EdgeKind::Flow });
        }
        let mut has_end = false;
        for (sid, name, state) in &ids {
            nodes.push(Node {
                id: sid.clone(),
                name: (*name).to_string(),
                kind: Some(state.type_name()),
                entered: self.entered.contains(*name),
            });
            let flow = |to: Option<String>, label: Option<String>, kind: EdgeKind, edges: &mut Vec<Edge>| {
                if let Some(to) = to {
                    edges.push(Edge { from: sid.clone(), to, label, kind });
                }
            };
            match state {
                State::Choice(c) => {
                    for rule in &c.choices {
                        let label = shorten(&condition_text(&rule.condition));
                        flow(lookup(&rule.next), Some(label), EdgeKind::Flow, &mut self.edges);
                    }
                    if let Some(d) = &c.default {
                        flow(lookup(d), Some("Default".into()), EdgeKind::Flow, &mut self.edges);
                    }
                }
                _ => match state.transition() {
                    Some(Transition::Next(n)) => flow(lookup(n), None, EdgeKind::Flow, &mut self.edges),
                    Some(Transition::End) => {
                        has_end = true;
                        flow(Some(end.clone()), None, EdgeKind::Flow, &mut self.edges);
                    }
                    None => {
                        // Succeed and Fail end their scope.
                        has_end = true;
                        flow(Some(end.clone()), None, EdgeKind::Flow, &mut self.edges);
                    }
                },
            }
            let catch = match state {
                State::Task(t) => t.catch.as_deref(),
                State::Parallel(p) => p.catch.as_deref(),
                State::Map(m) => m.catch.as_deref(),
                _ => None,
            };
            for c in catch.unwrap_or_default() {
                let label = shorten(&format!("Catch: {}", c.error_equals.join(", ")));
                flow(lookup(&c.next), Some(label), EdgeKind::Catch, &mut self.edges);
            }
            match state {
                State::Parallel(p) => {
                    for (i, branch) in p.branches.iter().enumerate() {
                        let cid = self.cluster_id();
                        let label = format!("{name} · branch {}", i + 1);
                        children.push(self.scope(branch, cid, label, Some(sid)));
                    }
                }
                State::Map(m) => {
                    let cid = self.cluster_id();
                    let label = format!("{name} · {}", m.processor_key.as_str());
                    children.push(self.scope(&m.item_processor.graph, cid, label, Some(sid)));
                }
                _ => {}
            }
        }
        if has_end {
            nodes.push(Node { id: end, name: "End".into(), kind: None, entered: false });
        }
        Cluster { id, label, nodes, children }
    }

    fn cluster_id(&mut self) -> String {
        self.next_cluster += 1;
        format!("g{}", self.next_cluster)
    }
}

/// A Choice rule's condition, compactly: `$.x NumericGreaterThan 3`,
/// `And(…, …)`, `Not(…)`, or the JSONata expression.
fn condition_text(c: &Condition) -> String {
    let rules = |rules: &[Rule]| rules.iter().map(|r| condition_text(&r.condition)).collect::<Vec<_>>().join(", ");
    match c {
        Condition::Compare(cmp) => {
            let operand = match &cmp.operand {
                Operand::String(s) => serde_json::to_string(s).unwrap_or_default(),
                Operand::Number(n) => n.to_string(),
                Operand::Boolean(b) => b.to_string(),
                Operand::Timestamp(t) => t.as_str().to_string(),
                Operand::Path(p) => p.to_string(),
            };
            let op = match &cmp.operand {
                Operand::Path(_) => format!("{}Path", cmp.operator.as_str()),
                _ => cmp.operator.as_str().to_string(),
            };
            format!("{} {op} {operand}", cmp.variable)
        }
        Condition::And(r) => format!("And({})", rules(r)),
        Condition::Or(r) => format!("Or({})", rules(r)),
        Condition::Not(r) => format!("Not({})", condition_text(&r.condition)),
        Condition::Jsonata(j) => j.as_str().to_string(),
    }
}

/// Cuts `s` to [`MAX_LABEL`] characters.
fn shorten(s: &str) -> String {
    if s.chars().count() <= MAX_LABEL {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_LABEL - 1).collect();
    out.push('…');
    out
}

/// Text for inside a Mermaid `"…"` label: characters Mermaid or its HTML
/// labels would read as syntax become entity codes.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for inside a dot `"…"` string.
fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl Model {
    fn mermaid(&self) -> String {
        let mut out = String::from("flowchart TD\n");
        let mut entered = Vec::new();
        mermaid_cluster(&self.root, 1, true, &mut out, &mut entered);
        for e in &self.edges {
            let arrow = match e.kind {
                EdgeKind::Flow => "-->",
                EdgeKind::Catch | EdgeKind::Nested => "-.->",
            };
            match &e.label {
                Some(l) => {
                    let _ = writeln!(out, "    {} {arrow}|\"{}\"| {}", e.from, mermaid_escape(l), e.to);
                }
                None => {
                    let _ = writeln!(out, "    {} {arrow} {}", e.from, e.to);
                }
            }
        }
        if !entered.is_empty() {
            out.push_str("    classDef entered fill:#d4edda,stroke:#2e7d32,stroke-width:2px\n");
            let _ = writeln!(out, "    class {} entered", entered.join(","));
        }
        out
    }

    fn dot(&self) -> String {
        let mut out = String::from("digraph stepforge {\n    rankdir=TB;\n    node [fontname=\"Helvetica\"];\n");
        out.push_str("    edge [fontname=\"Helvetica\", fontsize=10];\n");
        dot_cluster(&self.root, 1, true, &mut out);
        for e in &self.edges {
            let mut attrs = Vec::new();
            if let Some(l) = &e.label {
                attrs.push(format!("label=\"{}\"", dot_escape(l)));
            }
            match e.kind {
                EdgeKind::Flow => {}
                EdgeKind::Catch => attrs.push("style=dashed, color=\"#c62828\"".into()),
                EdgeKind::Nested => attrs.push("style=dotted".into()),
            }
            if attrs.is_empty() {
                let _ = writeln!(out, "    {} -> {};", e.from, e.to);
            } else {
                let _ = writeln!(out, "    {} -> {} [{}];", e.from, e.to, attrs.join(", "));
            }
        }
        out.push_str("}\n");
        out
    }
}

fn mermaid_cluster(c: &Cluster, depth: usize, root: bool, out: &mut String, entered: &mut Vec<String>) {
    let pad = "    ".repeat(depth);
    let inner = if root { pad.clone() } else { "    ".repeat(depth + 1) };
    if !root {
        let _ = writeln!(out, "{pad}subgraph {}[\"{}\"]", c.id, mermaid_escape(&c.label));
    }
    for n in &c.nodes {
        let shape = match n.kind {
            None => {
                let _ = writeln!(out, "{inner}{}((\"{}\"))", n.id, n.name);
                continue;
            }
            Some("Choice") => ("{", "}"),
            Some("Succeed" | "Fail") => ("([", "])"),
            Some("Parallel" | "Map") => ("[[", "]]"),
            Some("Wait") => ("{{", "}}"),
            Some("Pass") => ("(", ")"),
            Some(_) => ("[", "]"),
        };
        let kind = n.kind.unwrap_or_default();
        let _ = writeln!(out, "{inner}{}{}\"{}<br/><i>{kind}</i>\"{}", n.id, shape.0, mermaid_escape(&n.name), shape.1);
        if n.entered {
            entered.push(n.id.clone());
        }
    }
    for child in &c.children {
        mermaid_cluster(child, if root { depth } else { depth + 1 }, false, out, entered);
    }
    if !root {
        let _ = writeln!(out, "{pad}end");
    }
}

fn dot_cluster(c: &Cluster, depth: usize, root: bool, out: &mut String) {
    let pad = "    ".repeat(depth);
    let inner = if root { pad.clone() } else { "    ".repeat(depth + 1) };
    if !root {
        let _ = writeln!(out, "{pad}subgraph cluster_{} {{", c.id);
        let _ = writeln!(out, "{inner}label=\"{}\";", dot_escape(&c.label));
        let _ = writeln!(out, "{inner}style=rounded;");
    }
    for n in &c.nodes {
        let Some(kind) = n.kind else {
            let shape = if n.name == "Start" { "circle" } else { "doublecircle" };
            let _ = writeln!(out, "{inner}{} [label=\"{}\", shape={shape}, width=0.3];", n.id, n.name);
            continue;
        };
        let shape = match kind {
            "Choice" => "diamond",
            "Succeed" | "Fail" => "oval",
            "Parallel" | "Map" => "box3d",
            "Wait" => "hexagon",
            _ => "box",
        };
        let mut attrs = format!("label=\"{}\\n{kind}\", shape={shape}", dot_escape(&n.name));
        if n.entered {
            attrs.push_str(", class=\"entered\", style=filled, fillcolor=\"#d4edda\", color=\"#2e7d32\", penwidth=2");
        }
        let _ = writeln!(out, "{inner}{} [{attrs}];", n.id);
    }
    for child in &c.children {
        dot_cluster(child, if root { depth } else { depth + 1 }, false, out);
    }
    if !root {
        let _ = writeln!(out, "{pad}}}");
    }
}
