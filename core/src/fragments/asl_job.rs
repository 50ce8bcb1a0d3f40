//! A job given as ASL JSON (`{"StartAt": …, "States": {…}}`, as a Parallel
//! branch or a whole definition is written) turned into builder states, so a
//! fragment can wrap it like states built in code. Plain-ASL users (SAM,
//! Terraform, the CLI) hand their job over this way.

use serde_json::{Map as JsonMap, Value};

use crate::asl::{ExecutionType, JitterStrategy, Operator, ProcessorConfig, ProcessorMode, QueryLanguage};
use crate::builder::{
    Catch, Chain, Chainable, Choice, Condition, EndRef, Fail, Map, Parallel, Pass, Retry, StateRef, Succeed, Task,
    Wait, WhenOptions,
};
use crate::error::{Code, Problem, Problems};

/// Fields the builder holds as links or nested scopes rather than as plain fields.
const STRUCTURAL: &[&str] =
    &["Type", "Next", "End", "Choices", "Default", "Retry", "Catch", "Branches", "ItemProcessor", "Iterator"];

/// A job a fragment wraps, as a binding receives it: states built in code
/// (`T`, the binding's handle on its own state objects) or ASL JSON, built
/// into states by [`job_from_json`]. Either way the fragment chains it.
pub enum Job<T> {
    /// States built in code.
    States(T),
    /// States built from ASL JSON.
    Asl(Chain),
}

impl<T> Job<T> {
    /// A job from ASL JSON text (see [`job_from_str`]).
    pub fn from_text(text: &str) -> Result<Job<T>, Problems> {
        job_from_str(text).map(Job::Asl)
    }

    /// A job from ASL JSON (see [`job_from_json`]).
    pub fn from_json(job: &Value) -> Result<Job<T>, Problems> {
        job_from_json(job).map(Job::Asl)
    }

    /// The states built in code, if that is what the job is.
    pub fn states(&self) -> Option<&T> {
        match self {
            Job::States(t) => Some(t),
            Job::Asl(_) => None,
        }
    }
}

impl<T: Chainable> Chainable for Job<T> {
    fn start_state(&self) -> StateRef {
        match self {
            Job::States(t) => t.start_state(),
            Job::Asl(c) => c.start_state(),
        }
    }

    fn end_states(&self) -> Vec<EndRef> {
        match self {
            Job::States(t) => t.end_states(),
            Job::Asl(c) => c.end_states(),
        }
    }
}

/// Builds the states of `job` (an object with `StartAt` and `States`, and
/// optionally `QueryLanguage`, `Comment`, `TimeoutSeconds`, `Version`) and
/// returns them as a chain from `StartAt` to the states that had `End: true`.
///
/// The job is validated first as a definition of its own; its problems point
/// into the job JSON. A job written in JSONata at its top level keeps that
/// language: each of its states is marked `QueryLanguage: JSONata`.
pub fn job_from_json(job: &Value) -> Result<Chain, Problems> {
    let Some(top) = job.as_object() else {
        let message = format!("a job is an object with `StartAt` and `States`, not {}", crate::error::kind_of(job));
        return Err(Problems::from(Problem::new(Code::InvalidType, "", message)));
    };
    let problems = crate::validate::validate_value(job);
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let jsonata = top.get("QueryLanguage").and_then(Value::as_str) == Some(QueryLanguage::Jsonata.as_str());
    let (start, ends) = scope(top, jsonata)?;
    Ok(Chain::custom(start, ends))
}

/// Reads an ASL JSON job from text (see [`job_from_json`]).
pub fn job_from_str(text: &str) -> Result<Chain, Problems> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Problems::from(Problem::new(Code::InvalidJson, "", format!("the job is not JSON: {e}"))))?;
    job_from_json(&value)
}

/// An internal inconsistency: the job passed validation but is not shaped as
/// validation promises. Reported, never a panic.
fn shape(what: &str) -> Problems {
    Problems::from(Problem::new(Code::Internal, "", format!("a validated job has no {what}")))
}

/// Builds one scope (`StartAt` + `States`); returns its start and the states with `End: true`.
fn scope(graph: &JsonMap<String, Value>, jsonata: bool) -> Result<(StateRef, Vec<EndRef>), Problems> {
    let states = graph.get("States").and_then(Value::as_object).ok_or_else(|| shape("States"))?;
    let start_name = graph.get("StartAt").and_then(Value::as_str).ok_or_else(|| shape("StartAt"))?;
    // Create every state first, then link them by name.
    let mut refs: Vec<(String, StateRef)> = Vec::with_capacity(states.len());
    for (name, body) in states {
        let body = body.as_object().ok_or_else(|| shape("state object"))?;
        refs.push((name.clone(), create(name, body, jsonata)?));
    }
    let find = |name: &str| -> Result<StateRef, Problems> {
        refs.iter().find(|(n, _)| n == name).map(|(_, s)| s.clone()).ok_or_else(|| shape("transition target"))
    };
    let mut ends = Vec::new();
    for (name, body) in states {
        let body = body.as_object().ok_or_else(|| shape("state object"))?;
        let state = find(name)?;
        if let Some(next) = body.get("Next").and_then(Value::as_str) {
            state.next(&find(next)?)?;
        } else if body.get("End").and_then(Value::as_bool) == Some(true) {
            ends.push(EndRef::Next(state.clone()));
        }
        link_choice(&state, body, &find)?;
        link_errors(&state, body, &find)?;
        link_nested(&state, body, jsonata)?;
    }
    Ok((find(start_name)?, ends))
}

/// A state of the right type with its plain fields.
fn create(name: &str, body: &JsonMap<String, Value>, jsonata: bool) -> Result<StateRef, Problems> {
    let state: StateRef = match body.get("Type").and_then(Value::as_str) {
        Some("Pass") => Pass::new(name).into(),
        Some("Task") => Task::new(name).into(),
        Some("Choice") => Choice::new(name).into(),
        Some("Wait") => Wait::new(name).into(),
        Some("Succeed") => Succeed::new(name).into(),
        Some("Fail") => Fail::new(name).into(),
        Some("Parallel") => Parallel::new(name).into(),
        Some("Map") => Map::new(name).into(),
        _ => return Err(shape("known state type")),
    };
    for (key, value) in body {
        if !STRUCTURAL.contains(&key.as_str()) {
            state.set_field(key, value.clone());
        }
    }
    if jsonata && !body.contains_key("QueryLanguage") {
        state.set_field("QueryLanguage", QueryLanguage::Jsonata.as_str().into());
    }
    Ok(state)
}

fn link_choice(
    state: &StateRef,
    body: &JsonMap<String, Value>,
    find: &dyn Fn(&str) -> Result<StateRef, Problems>,
) -> Result<(), Problems> {
    let Ok(mut choice) = Choice::try_from(state.clone()) else { return Ok(()) };
    for rule in body.get("Choices").and_then(Value::as_array).into_iter().flatten() {
        let rule = rule.as_object().ok_or_else(|| shape("Choice rule object"))?;
        let target = find(rule.get("Next").and_then(Value::as_str).ok_or_else(|| shape("Choice rule Next"))?)?;
        let options = WhenOptions {
            comment: rule.get("Comment").and_then(Value::as_str).map(str::to_string),
            assign: rule.get("Assign").cloned(),
            output: rule.get("Output").cloned(),
        };
        choice = choice.when_with(condition(rule)?, &target, options);
    }
    if let Some(default) = body.get("Default").and_then(Value::as_str) {
        choice.otherwise(&find(default)?)?;
    }
    Ok(())
}

/// A Choice rule (or a nested one) as a builder condition.
fn condition(rule: &JsonMap<String, Value>) -> Result<Condition, Problems> {
    let nested = |v: &Value| v.as_object().ok_or_else(|| shape("nested rule object")).and_then(condition);
    if let Some(list) = rule.get("And").and_then(Value::as_array) {
        return Ok(Condition::and(list.iter().map(nested).collect::<Result<Vec<_>, _>>()?));
    }
    if let Some(list) = rule.get("Or").and_then(Value::as_array) {
        return Ok(Condition::or(list.iter().map(nested).collect::<Result<Vec<_>, _>>()?));
    }
    if let Some(inner) = rule.get("Not") {
        return Ok(Condition::not(nested(inner)?));
    }
    if let Some(expr) = rule.get("Condition").and_then(Value::as_str) {
        return Ok(Condition::jsonata(expr));
    }
    let variable = rule.get("Variable").and_then(Value::as_str).ok_or_else(|| shape("rule Variable"))?;
    for (key, value) in rule {
        if let Some((op, path)) = Operator::from_key(key) {
            return Ok(Condition::compare(variable, op, path, value.clone()));
        }
    }
    Err(shape("rule operator"))
}

fn link_errors(
    state: &StateRef,
    body: &JsonMap<String, Value>,
    find: &dyn Fn(&str) -> Result<StateRef, Problems>,
) -> Result<(), Problems> {
    let retries = body.get("Retry").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let catches = body.get("Catch").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for r in retries {
        let r = r.as_object().ok_or_else(|| shape("retrier object"))?;
        add_retry(state, retrier(r));
    }
    for c in catches {
        let c = c.as_object().ok_or_else(|| shape("catcher object"))?;
        let target = find(c.get("Next").and_then(Value::as_str).ok_or_else(|| shape("catcher Next"))?)?;
        let catch = Catch {
            errors: errors(c),
            result_path: c.get("ResultPath").cloned(),
            output: c.get("Output").cloned(),
            assign: c.get("Assign").cloned(),
            comment: c.get("Comment").and_then(Value::as_str).map(str::to_string),
        };
        add_catch(state, &target, catch);
    }
    Ok(())
}

fn errors(o: &JsonMap<String, Value>) -> Vec<String> {
    o.get("ErrorEquals")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

fn retrier(r: &JsonMap<String, Value>) -> Retry {
    Retry {
        errors: errors(r),
        interval_seconds: r.get("IntervalSeconds").and_then(Value::as_u64),
        max_attempts: r.get("MaxAttempts").and_then(Value::as_u64),
        backoff_rate: r.get("BackoffRate").and_then(Value::as_f64),
        max_delay_seconds: r.get("MaxDelaySeconds").and_then(Value::as_u64),
        jitter_strategy: r.get("JitterStrategy").and_then(Value::as_str).and_then(JitterStrategy::from_str_opt),
        comment: r.get("Comment").and_then(Value::as_str).map(str::to_string),
    }
}

fn add_retry(state: &StateRef, retry: Retry) {
    // Only Task, Parallel and Map have Retry; validation has made sure of it.
    if let Ok(t) = Task::try_from(state.clone()) {
        t.add_retry(retry);
    } else if let Ok(p) = Parallel::try_from(state.clone()) {
        p.add_retry(retry);
    } else if let Ok(m) = Map::try_from(state.clone()) {
        m.add_retry(retry);
    }
}

fn add_catch(state: &StateRef, target: &StateRef, catch: Catch) {
    if let Ok(t) = Task::try_from(state.clone()) {
        t.add_catch(target, catch);
    } else if let Ok(p) = Parallel::try_from(state.clone()) {
        p.add_catch(target, catch);
    } else if let Ok(m) = Map::try_from(state.clone()) {
        m.add_catch(target, catch);
    }
}

/// Parallel branches and Map item processors, built recursively.
fn link_nested(state: &StateRef, body: &JsonMap<String, Value>, jsonata: bool) -> Result<(), Problems> {
    // A nested scope inherits the language of its state.
    let inner = match body.get("QueryLanguage").and_then(Value::as_str) {
        Some(ql) => ql == QueryLanguage::Jsonata.as_str(),
        None => jsonata,
    };
    if let Ok(mut parallel) = Parallel::try_from(state.clone()) {
        for branch in body.get("Branches").and_then(Value::as_array).into_iter().flatten() {
            let branch = branch.as_object().ok_or_else(|| shape("branch object"))?;
            let (start, _) = scope(branch, inner)?;
            parallel = parallel.branch(&start);
        }
    } else if let Ok(map) = Map::try_from(state.clone()) {
        let processor = body.get("ItemProcessor").or_else(|| body.get("Iterator"));
        let processor = processor.and_then(Value::as_object).ok_or_else(|| shape("ItemProcessor"))?;
        let (start, _) = scope(processor, inner)?;
        let config = processor.get("ProcessorConfig").and_then(Value::as_object).map(|c| ProcessorConfig {
            mode: c.get("Mode").and_then(Value::as_str).and_then(ProcessorMode::from_str_opt),
            execution_type: c.get("ExecutionType").and_then(Value::as_str).and_then(ExecutionType::from_str_opt),
        });
        map.item_processor(&start, config);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::StateMachine;
    use serde_json::json;

    #[test]
    fn a_branch_round_trips_through_the_builder() {
        let job = json!({
            "StartAt": "Pick",
            "States": {
                "Pick": {"Type": "Choice", "Choices": [
                    {"And": [{"Variable": "$.n", "IsPresent": true}, {"Not": {"Variable": "$.n", "NumericLessThanPath": "$.m"}}], "Next": "Work"}
                ], "Default": "Skip"},
                "Skip": {"Type": "Pass", "End": true},
                "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "f", "Payload.$": "$"},
                    "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 3, "BackoffRate": 1.5, "JitterStrategy": "FULL"}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Skip"}],
                    "Next": "Each"},
                "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": true}}}, "End": true}
            }
        });
        let chain = job_from_json(&job).unwrap();
        assert_eq!(chain.end_states().len(), 2);
        let rendered = StateMachine::new(&chain).to_json().unwrap();
        assert_eq!(rendered, crate::asl::render_value(&crate::asl::parse_value(&job).unwrap()));
    }

    #[test]
    fn a_jsonata_job_keeps_its_language() {
        let job = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $states.input.a %}", "End": true}}});
        let chain = job_from_json(&job).unwrap();
        assert_eq!(chain.start_state().field("QueryLanguage"), Some(json!("JSONata")));
    }

    #[test]
    fn problems_point_into_the_job() {
        let err = job_from_json(&json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}})).unwrap_err();
        assert!(
            err.0.iter().any(|p| p.code == Code::MissingTransitionTarget && p.pointer == "/States/A/Next"),
            "{err}"
        );
        let err = job_from_json(&json!([1])).unwrap_err();
        assert_eq!(err.0[0].code, Code::InvalidType);
        assert_eq!(job_from_str("{").unwrap_err().0[0].code, Code::InvalidJson);
    }
}
