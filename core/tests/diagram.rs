//! `stepforge::diagram` and `stepforge diagram`: Mermaid and dot output of a
//! definition, and the path one execution took, highlighted.

use std::collections::HashSet;

use serde_json::json;
use stepforge::diagram::{self, Format};
use stepforge::exec::World;

#[cfg(feature = "cli")]
mod cli_run;
#[cfg(feature = "cli")]
use cli_run::cli;

fn every_state_type_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/every_state_type/expected.json")
}

fn every_state_type() -> stepforge::asl::Definition {
    let text = std::fs::read_to_string(every_state_type_path()).unwrap();
    stepforge::asl::parse_str(&text).unwrap()
}

/// The id Mermaid output gives the state `name` (from its node line).
fn mermaid_id(text: &str, name: &str) -> String {
    let needle = format!("\"{name}<br/>");
    let line = text.lines().find(|l| l.contains(&needle)).unwrap_or_else(|| panic!("no node for {name}:\n{text}"));
    let trimmed = line.trim_start();
    trimmed.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

#[test]
fn mermaid_of_every_state_type_has_a_node_per_state_and_every_edge() {
    let text = diagram::mermaid(&every_state_type(), &HashSet::new());
    assert!(text.starts_with("flowchart TD\n"));
    for (name, kind) in [
        ("Start", "Pass"),
        ("Wait Until", "Wait"),
        ("Charge Card", "Task"),
        ("For Each Item", "Map"),
        ("Payment Failed", "Fail"),
        ("Both Ways", "Parallel"),
        ("Route", "Choice"),
        ("Blue", "Succeed"),
        ("Other", "Succeed"),
        ("Double", "Pass"),
        ("Left", "Pass"),
        ("Right", "Wait"),
    ] {
        assert!(text.contains(&format!("\"{name}<br/><i>{kind}</i>\"")), "{name} ({kind}) missing:\n{text}");
    }
    let id = |n| mermaid_id(&text, n);
    // Next, Catch (dotted, labelled with its errors), Choice rules and Default.
    assert!(text.contains(&format!("{} --> {}", id("Charge Card"), id("For Each Item"))));
    assert!(text.contains(&format!("{} -.->|\"Catch: States.ALL\"| {}", id("Charge Card"), id("Payment Failed"))));
    assert!(text.contains(&format!("{} -->|\"Not($.flag BooleanEquals true)\"| {}", id("Route"), id("Other"))));
    assert!(text.contains(&format!("{} -->|\"Default\"| {}", id("Route"), id("Other"))));
    // Choice labels are escaped and cut short.
    let and_edge = text.lines().find(|l| l.contains("And(")).unwrap();
    assert!(and_edge.contains("#quot;BLUE#quot;") && and_edge.contains('…'), "{and_edge}");
    // Terminal states reach the end marker; the Map and Parallel open subgraphs.
    assert!(text.contains(&format!("{} --> root_end", id("Blue"))));
    assert_eq!(text.matches("subgraph ").count(), 3);
    assert!(text.contains("[\"For Each Item · ItemProcessor\"]"));
    assert!(text.contains("[\"Both Ways · branch 2\"]"));
    assert!(text.contains(&format!("{} -.-> g1_start", id("For Each Item"))));
    assert!(!text.contains("classDef"), "no highlight without a run");
}

#[test]
fn dot_of_every_state_type_has_clusters_and_the_same_edges() {
    let def = every_state_type();
    let mermaid = diagram::mermaid(&def, &HashSet::new());
    let dot = diagram::render(&def, Format::Dot, &HashSet::new());
    assert!(dot.starts_with("digraph stepforge {") && dot.trim_end().ends_with('}'));
    assert_eq!(dot.matches("subgraph cluster_").count(), 3);
    assert!(dot.contains("label=\"Route\\nChoice\", shape=diamond"));
    assert!(dot.contains("label=\"Catch: States.ALL\", style=dashed"));
    let dot_edges = dot.lines().filter(|l| l.contains(" -> ")).count();
    let mermaid_edges = mermaid.lines().filter(|l| l.contains("-->") || l.contains("-.->")).count();
    assert_eq!(dot_edges, mermaid_edges);
    assert_eq!(dot.matches('{').count(), dot.matches('}').count(), "balanced braces:\n{dot}");
}

#[test]
fn any_state_name_is_safe() {
    let nasty = "a \"quoted\" --> |pipe| end; <b>#1</b> & \\back";
    let def = stepforge::asl::parse_value(&json!({"StartAt": nasty, "States": {
        nasty: {"Type": "Pass", "Next": "end"},
        "end": {"Type": "Succeed"}}}))
    .unwrap();
    let text = diagram::mermaid(&def, &HashSet::new());
    // Ids are generated, so the names never reach Mermaid's syntax.
    assert!(
        text.contains(
            "s0(\"a #quot;quoted#quot; --#gt; #124;pipe#124; end; #lt;b#gt;#35;1#lt;/b#gt; #amp; \\back<br/>"
        )
    );
    assert!(text.contains("s0 --> s1"));
    assert!(text.contains("s1([\"end<br/><i>Succeed</i>\"])"));
    let dot = diagram::dot(&def, &HashSet::new());
    assert!(dot.contains(r#"s0 [label="a \"quoted\" --> |pipe| end; <b>#1</b> & \\back\nPass", shape=box];"#), "{dot}");
}

#[test]
fn a_run_highlights_the_states_it_entered() {
    let def = stepforge::asl::parse_value(&json!({"StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"},
        "Big": {"Type": "Parallel", "Branches": [
            {"StartAt": "Inside", "States": {"Inside": {"Type": "Pass", "End": true}}}], "End": true},
        "Small": {"Type": "Pass", "End": true}}}))
    .unwrap();
    let mut world = World::new(7);
    world.register("m", def.clone()).unwrap();
    let arn = world.start_execution("m", json!({"n": 42}), None).unwrap();
    world.run_until_idle();
    let entered = diagram::entered_states(world.execution(&arn).unwrap().history());
    assert_eq!(entered, HashSet::from(["Route".to_string(), "Big".to_string(), "Inside".to_string()]));
    let text = diagram::mermaid(&def, &entered);
    let id = |n| mermaid_id(&text, n);
    let class_line = text.lines().find(|l| l.trim_start().starts_with("class ")).unwrap();
    let mut ids: Vec<String> = class_line
        .trim()
        .trim_start_matches("class ")
        .trim_end_matches(" entered")
        .split(',')
        .map(String::from)
        .collect();
    ids.sort();
    let mut want = vec![id("Route"), id("Big"), id("Inside")];
    want.sort();
    assert_eq!(ids, want);
    assert!(text.contains("classDef entered "));
    let dot = diagram::dot(&def, &entered);
    assert_eq!(dot.matches("class=\"entered\"").count(), 3);
    assert!(!dot.lines().any(|l| l.contains("Small\\n") && l.contains("entered")));
}

#[test]
#[cfg(feature = "cli")]
fn cli_diagram_with_input_highlights_the_path_taken() {
    let path = every_state_type_path();
    let path = path.to_str().unwrap();
    let (code, plain, _) = cli(&["diagram", path]);
    assert_eq!(code, 0);
    assert!(plain.starts_with("flowchart TD") && !plain.contains("class "));
    let (code, dot, _) = cli(&["diagram", path, "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(dot.starts_with("digraph"));

    let dir = std::env::temp_dir().join(format!("stepforge-diagram-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let def = dir.join("choice.json");
    std::fs::write(
        &def,
        json!({"StartAt": "Route", "States": {
            "Route": {"Type": "Choice", "Choices": [
                {"Variable": "$.go", "BooleanEquals": true, "Next": "Yes"}], "Default": "No"},
            "Yes": {"Type": "Succeed"}, "No": {"Type": "Fail", "Error": "E"}}})
        .to_string(),
    )
    .unwrap();
    let def = def.to_str().unwrap();
    let (code, yes, err) = cli(&["diagram", def, "--input", r#"{"go": true}"#]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("SUCCEEDED"), "{err}");
    assert!(yes.contains(&format!("class {},{} entered", mermaid_id(&yes, "Route"), mermaid_id(&yes, "Yes"))), "{yes}");
    let (code, no, err) = cli(&["diagram", def, "--input", r#"{"go": false}"#, "--seed", "3"]);
    assert_eq!(code, 0);
    assert!(err.contains("FAILED"), "{err}");
    assert!(no.contains(&format!("class {},{} entered", mermaid_id(&no, "Route"), mermaid_id(&no, "No"))), "{no}");
    let (code, _, err) = cli(&["diagram", def, "--input", "{not json"]);
    assert_eq!(code, 2);
    assert!(err.contains("not JSON"));
}
