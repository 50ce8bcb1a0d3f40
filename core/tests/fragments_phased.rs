//! Seed 002's phased job graph compiled into states.

use serde_json::{Value, json};
use stepforge::Code;
use stepforge::builder::*;
use stepforge::fragments::*;

/// Seed 002's object, with its second phase (the example's file).
fn catch_the_fish() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/seed002-phased-jobs/catch_the_fish.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn render(machine: &StateMachine) -> Value {
    let text = machine.render().unwrap_or_else(|e| panic!("{e}"));
    assert!(stepforge::validate::validate_str(&text).is_empty());
    serde_json::from_str(&text).unwrap()
}

#[test]
fn catch_the_fish_compiles_to_phases_steps_and_parallel_jobs() {
    let graph = PhasedJob::from_json(&catch_the_fish()).unwrap();
    assert_eq!(graph.phases().iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["thinking", "cooking"]);
    let def = render(&graph.state_machine().unwrap());
    let s = &def["States"];
    assert_eq!(def["StartAt"], "Phase thinking");
    // Steps in order.
    assert_eq!(s["Phase thinking"]["Next"], "buy_fishing_gear");
    assert_eq!(s["buy_fishing_gear"]["Next"], "rent_a_boat");
    assert_eq!(s["rent_a_boat"]["Next"], "go_to_fishing_ground");
    assert_eq!(s["go_to_fishing_ground"]["Next"], "After go_to_fishing_ground");
    // A step's jobs in a Parallel; go_home follows catch_fish in its branch.
    let parallel = &s["After go_to_fishing_ground"];
    let starts: Vec<&str> =
        parallel["Branches"].as_array().unwrap().iter().map(|b| b["StartAt"].as_str().unwrap()).collect();
    assert_eq!(starts, ["cast_fishing_pole", "drink_beer", "catch_fish"]);
    assert_eq!(parallel["Branches"][2]["States"]["catch_fish"]["Next"], "go_home");
    assert_eq!(parallel["ResultPath"], Value::Null);
    // Phases in order.
    assert_eq!(parallel["Next"], "Phase cooking");
    assert_eq!(s["Phase cooking"]["Next"], "clean");
    assert_eq!(s["clean"]["Next"], "cook");
    assert_eq!(s["cook"]["End"], true);
    // Each job a Lambda function of its name.
    assert_eq!(s["clean"]["Resource"], "arn:aws:states:::lambda:invoke");
    assert_eq!(s["clean"]["Parameters"]["FunctionName"], "clean");
    assert_eq!(s["clean"]["ResultPath"], Value::Null);
}

#[test]
fn jobs_can_be_mapped_to_resources() {
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:Cook";
    let activity = "arn:aws:states:us-east-1:123456789012:activity:clean";
    let graph = PhasedJob::from_json(&catch_the_fish()).unwrap().resource("cook", arn).resource("clean", activity);
    let def = render(&graph.state_machine().unwrap());
    assert_eq!(def["States"]["cook"]["Resource"], arn);
    assert_eq!(def["States"]["clean"]["Resource"], activity);
    let iam = graph.iam();
    assert_eq!(iam.len(), 1);
    assert!(iam[0].resources.contains(&arn.to_string()));
    assert!(iam[0].resources.iter().any(|r| r.ends_with(":function:drink_beer")));
    assert!(!iam[0].resources.iter().any(|r| r.contains("activity")), "activities need no invoke grant");
    let err = PhasedJob::from_json(&catch_the_fish()).unwrap().resource("fly", arn).fragment().unwrap_err();
    assert!(err.0[0].message.contains("`fly`"), "{err}");
}

#[test]
fn resources_read_from_json_name_the_bad_entry() {
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:Cook";
    let graph = PhasedJob::from_json(&catch_the_fish()).unwrap();
    let mapped = graph.clone().resources_from_json(&json!({"cook": arn}), "resources").unwrap();
    assert_eq!(render(&mapped.state_machine().unwrap())["States"]["cook"]["Resource"], arn);
    let err = graph.clone().resources_from_json(&json!(["cook"]), "opts.resources").unwrap_err();
    assert_eq!(err, "`opts.resources` must be an object of job name → resource ARN");
    let err = graph.resources_from_json(&json!({"cook": 1}), "opts.resources").unwrap_err();
    assert_eq!(err, "`opts.resources.cook` must be a string");
}

#[test]
fn the_graph_starts_at_the_current_phase() {
    let mut graph = catch_the_fish();
    graph["currentPhase"] = json!("cooking");
    graph["phases"]["cooking"]["next"] = json!("thinking");
    graph["phases"]["thinking"]["next"] = json!("end");
    let def = render(&PhasedJob::from_json(&graph).unwrap().state_machine().unwrap());
    assert_eq!(def["StartAt"], "Phase cooking");
    assert_eq!(def["States"]["cook"]["Next"], "Phase thinking");
}

#[test]
fn malformed_graphs_are_errors_naming_what_is_wrong() {
    let expect = |edit: &dyn Fn(&mut Value), code: Code, pointer: &str, words: &[&str]| {
        let mut graph = catch_the_fish();
        edit(&mut graph);
        let err = PhasedJob::from_json(&graph).unwrap_err();
        assert_eq!((err.0[0].code, err.0[0].pointer.as_str()), (code, pointer), "{err}");
        for w in words {
            assert!(err.0[0].message.contains(w), "{w} not in: {}", err.0[0].message);
        }
    };
    // A cycle of steps.
    expect(
        &|g| {
            g["phases"]["cooking"]["steps"]["a"] = json!({"jobs": ["b"]});
            g["phases"]["cooking"]["steps"]["b"] = json!({"jobs": ["a"]});
            g["phases"]["cooking"]["waitFor"] = json!(["cook", "clean", "a", "b"]);
        },
        Code::InvalidValue,
        "/phases/cooking/steps/a",
        &["cycle", "b → a → b"],
    );
    // A cycle of phases.
    expect(
        &|g| g["phases"]["cooking"]["next"] = json!("thinking"),
        Code::InvalidValue,
        "/phases/cooking/next",
        &["cycle", "thinking → cooking → thinking"],
    );
    // Unknown jobs in waitFor.
    expect(
        &|g| g["phases"]["cooking"]["waitFor"] = json!(["cook", "clean", "eat"]),
        Code::InvalidValue,
        "/phases/cooking/waitFor",
        &["`eat`"],
    );
    // Jobs nobody waits for.
    expect(
        &|g| g["phases"]["cooking"]["waitFor"] = json!(["clean"]),
        Code::InvalidValue,
        "/phases/cooking/waitFor",
        &["`cook`"],
    );
    // Unreachable phases.
    expect(
        &|g| g["phases"]["thinking"]["next"] = json!("end"),
        Code::UnreachableState,
        "/phases/cooking",
        &["`cooking`"],
    );
    // Unknown phases.
    expect(
        &|g| g["phases"]["thinking"]["next"] = json!("eating"),
        Code::InvalidValue,
        "/phases/thinking/next",
        &["`eating`"],
    );
    expect(&|g| g["currentPhase"] = json!("sleeping"), Code::InvalidValue, "/currentPhase", &["`sleeping`"]);
    // A step nothing starts.
    expect(
        &|g| g["phases"]["cooking"]["steps"]["eat"] = json!({"jobs": ["wash_up"]}),
        Code::UnreachableState,
        "/phases/cooking/steps/eat",
        &["`eat`"],
    );
    // No step opens the phase.
    expect(
        &|g| {
            g["phases"]["cooking"]["steps"].as_object_mut().unwrap().remove("cookingStart");
        },
        Code::MissingField,
        "/phases/cooking/steps",
        &["`cookingStart`"],
    );
    // A job started twice.
    expect(
        &|g| g["phases"]["cooking"]["steps"]["cookingStart"] = json!({"jobs": ["clean", "cook"]}),
        Code::InvalidValue,
        "/phases/cooking/steps/clean/jobs",
        &["`cook`", "twice"],
    );
    // A job in two phases.
    expect(
        &|g| {
            g["phases"]["cooking"]["steps"]["cook"] = json!({"jobs": ["go_home"]});
            g["phases"]["cooking"]["waitFor"] = json!(["cook", "clean", "go_home"]);
        },
        Code::InvalidValue,
        "/phases/cooking/steps",
        &["`go_home`", "`thinking`"],
    );
    // Unknown fields and wrong types.
    expect(&|g| g["phases"]["cooking"]["wait_for"] = json!([]), Code::UnknownField, "/phases/cooking/wait_for", &[]);
    expect(
        &|g| g["phases"]["cooking"]["steps"]["clean"]["jobs"] = json!("cook"),
        Code::InvalidType,
        "/phases/cooking/steps/clean/jobs",
        &[],
    );
    expect(
        &|g| g["phases"]["cooking"]["steps"]["clean"]["jobs"] = json!([""]),
        Code::InvalidValue,
        "/phases/cooking/steps/clean/jobs/0",
        &[],
    );
    expect(
        &|g| {
            g["phases"]["cooking"].as_object_mut().unwrap().remove("next");
        },
        Code::MissingField,
        "/phases/cooking/next",
        &[],
    );
    expect(&|g| g["phases"] = json!({}), Code::EmptyList, "/phases", &[]);
    expect(
        &|g| {
            g.as_object_mut().unwrap().remove("currentPhase");
        },
        Code::MissingField,
        "/currentPhase",
        &[],
    );
    // Names that would make state names over 80 characters.
    let phase = "p".repeat(75);
    expect(
        &|g| {
            let cooking = g["phases"]["cooking"].clone();
            g["phases"][phase.as_str()] = cooking;
            g["phases"][phase.as_str()]["steps"] = json!({format!("{phase}Start"): {"jobs": ["wash"]}});
            g["phases"][phase.as_str()]["waitFor"] = json!(["wash"]);
            g["phases"]["cooking"]["next"] = json!(phase);
        },
        Code::InvalidStateName,
        &format!("/phases/{phase}"),
        &["Phase ppp", "shorten it by 1"],
    );
    let step = "s".repeat(75);
    expect(
        &|g| {
            g["phases"]["cooking"]["steps"] =
                json!({"cookingStart": {"jobs": [step]}, step.as_str(): {"jobs": ["a", "b"]}});
            g["phases"]["cooking"]["waitFor"] = json!([step, "a", "b"]);
        },
        Code::InvalidStateName,
        &format!("/phases/cooking/steps/{step}"),
        &["After sss"],
    );
    let long = "j".repeat(81);
    expect(
        &|g| {
            g["phases"]["cooking"]["steps"]["clean"]["jobs"] = json!([long]);
            g["phases"]["cooking"]["waitFor"] = json!(["clean", long]);
        },
        Code::InvalidStateName,
        "/phases/cooking/steps/clean/jobs",
        &["80"],
    );
}
