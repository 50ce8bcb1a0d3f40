//! Step Functions' `TestState`, locally: one state run once on a given input,
//! with the same data pipeline as the executor ([`super::data`]), and the
//! response AWS gives (`output`, `error`, `cause`, `nextState`, `status`,
//! `inspectionData`).
//! <https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html>
//!
//! As in AWS, a Task, Parallel or Map state does not reach any service here:
//! its result comes from `mock.result` or `mock.errorOutput` (a Task or
//! fan-out state without a mock is refused locally, where AWS would call the
//! service). Retriers and Catchers then apply as AWS documents: an error a
//! retrier still has attempts for is `RETRIABLE` (the attempt number comes
//! from `stateConfiguration.retrierRetryCount`), one a Catcher handles is
//! `CAUGHT_ERROR` with the Catcher's `Next` as `nextState`.

use std::fmt;

use serde_json::{Map, Value, json};

use super::data::{self, View};
use super::errors::{self, Failure};
use crate::asl::{Catcher, Definition, QueryLanguage, Retrier, State, Transition};

/// Why a TestState request was refused, with the exception AWS names for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestStateError {
    /// `InvalidDefinition`, `InvalidExecutionInput` or `ValidationException`.
    pub code: &'static str,
    /// What is wrong, and where.
    pub message: String,
}

impl fmt::Display for TestStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for TestStateError {}

fn invalid(code: &'static str, message: impl Into<String>) -> TestStateError {
    TestStateError { code, message: message.into() }
}

/// A request field that AWS sends as JSON text; a JSON value is taken as is.
fn json_field(request: &Value, key: &str) -> Result<Option<Value>, TestStateError> {
    match request.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => serde_json::from_str(text)
            .map(Some)
            .map_err(|e| invalid("InvalidExecutionInput", format!("`{key}` is not JSON text: {e}"))),
        Some(other) => Ok(Some(other.clone())),
    }
}

/// The virtual "now" of a test: the executor's default epoch.
const NOW: i64 = super::DEFAULT_EPOCH_MILLIS;

/// Runs one TestState request (the API's request shape: `definition`,
/// `stateName`, `input`, `variables`, `context`, `mock`, `stateConfiguration`,
/// `inspectionLevel`) and gives its response.
pub fn test_state(request: &Value) -> Result<Value, TestStateError> {
    let Some(def_value) = json_field(request, "definition")? else {
        return Err(invalid("ValidationException", "`definition` is required"));
    };
    let state_name = request.get("stateName").and_then(Value::as_str);
    let (def, name) = load(&def_value, state_name)?;
    let state = def
        .graph
        .states
        .get(&name)
        .ok_or_else(|| invalid("InvalidDefinition", format!("no state `{name}` at the top level")))?;
    let lang = state.query_language().unwrap_or(def.default_query_language());
    let input = json_field(request, "input")?.unwrap_or_else(|| json!({}));
    let vars = match json_field(request, "variables")? {
        None => Map::new(),
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(invalid("ValidationException", format!("`variables` must be an object, not {other}")));
        }
    };
    let config = request.get("stateConfiguration").cloned().unwrap_or(Value::Null);
    let retry_count = config.get("retrierRetryCount").and_then(Value::as_u64).unwrap_or(0);
    let context = json_field(request, "context")?.unwrap_or_else(|| default_context(&name, &input, retry_count));
    let level = request.get("inspectionLevel").and_then(Value::as_str).unwrap_or("INFO");
    if !matches!(level, "INFO" | "DEBUG" | "TRACE") {
        return Err(invalid(
            "ValidationException",
            format!("inspectionLevel must be INFO, DEBUG or TRACE, not {level}"),
        ));
    }
    let mock = Mock::read(request)?;
    check_configuration(state, &config, &mock)?;
    let mut run = Run { vars, inspection: Map::new(), rng: fastrand::Rng::with_seed(0) };
    run.inspection.insert("input".into(), text(&input));
    let outcome = run.state(state, lang, &input, &context, &mock, &config);
    let mut response = Map::new();
    match outcome {
        Outcome::Next(output, next) => {
            response.insert("output".into(), text(&output));
            if let Some(n) = next {
                response.insert("nextState".into(), n.into());
            }
            response.insert("status".into(), "SUCCEEDED".into());
        }
        Outcome::Failed(f, handling) => {
            response.insert("error".into(), f.error.clone().into());
            response.insert("cause".into(), f.cause.clone().into());
            match handling {
                Handling::None => {
                    response.insert("status".into(), "FAILED".into());
                }
                Handling::Retry { index, backoff_seconds } => {
                    response.insert("status".into(), "RETRIABLE".into());
                    run.inspection.insert(
                        "errorDetails".into(),
                        json!({"retryIndex": index, "retryBackoffIntervalSeconds": backoff_seconds}),
                    );
                }
                Handling::Catch { index, next, output } => {
                    response.insert("output".into(), text(&output));
                    response.insert("nextState".into(), next.into());
                    response.insert("status".into(), "CAUGHT_ERROR".into());
                    run.inspection.insert("errorDetails".into(), json!({"catchIndex": index}));
                }
            }
        }
    }
    if level != "INFO" {
        run.inspection.insert("variables".into(), text(&Value::Object(run.vars)));
        response.insert("inspectionData".into(), Value::Object(run.inspection));
    }
    Ok(Value::Object(response))
}

/// Reads `definition`: a whole state machine (with `stateName`, or its
/// `StartAt`), or a single state, wrapped in a machine of its own whose
/// other states are placeholders for the names it refers to.
fn load(def: &Value, state_name: Option<&str>) -> Result<(Definition, String), TestStateError> {
    let problems = |p: crate::Problems| {
        let text: Vec<String> = p.iter().map(|p| p.to_string()).collect();
        invalid("InvalidDefinition", text.join("; "))
    };
    if def.get("States").is_some() {
        let parsed = crate::asl::parse_value(def).map_err(problems)?;
        let name = state_name.map(str::to_string).unwrap_or_else(|| parsed.graph.start_at.clone());
        return Ok((parsed, name));
    }
    if def.get("Type").is_none() {
        return Err(invalid(
            "InvalidDefinition",
            "`definition` is neither a state (no `Type`) nor a state machine (no `States`)",
        ));
    }
    let name = state_name.unwrap_or("TestState").to_string();
    let mut states = Map::new();
    states.insert(name.clone(), def.clone());
    for target in targets(def) {
        if target != name {
            states.entry(target).or_insert_with(|| json!({"Type": "Succeed"}));
        }
    }
    let machine = json!({"StartAt": name, "States": states});
    let parsed = crate::asl::parse_value(&machine).map_err(problems)?;
    Ok((parsed, name))
}

/// The state names a single state's JSON refers to (`Next`, `Default`, each
/// Choice rule's and Catcher's `Next`).
fn targets(state: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |v: &Value| {
        if let Some(s) = v.get("Next").and_then(Value::as_str) {
            out.push(s.to_string());
        }
    };
    push(state);
    for list in ["Choices", "Catch"] {
        for item in state.get(list).and_then(Value::as_array).into_iter().flatten() {
            push(item);
        }
    }
    if let Some(d) = state.get("Default").and_then(Value::as_str) {
        out.push(d.to_string());
    }
    out
}

/// A context object like the one an execution would give the state.
fn default_context(state: &str, input: &Value, retry_count: u64) -> Value {
    let now = super::history::format_millis(NOW);
    let machine = format!("arn:aws:states:{}:{}:stateMachine:TestState", super::REGION, super::ACCOUNT);
    json!({
        "Execution": {
            "Id": format!("arn:aws:states:{}:{}:execution:TestState:test-state", super::REGION, super::ACCOUNT),
            "Input": input,
            "Name": "test-state",
            "RoleArn": format!("arn:aws:iam::{}:role/TestState", super::ACCOUNT),
            "StartTime": now,
        },
        "State": {"EnteredTime": now, "Name": state, "RetryCount": retry_count},
        "StateMachine": {"Id": machine, "Name": "TestState"},
    })
}

/// `mock`: a result (JSON text) or an error.
enum Mock {
    None,
    Result(Value),
    Error(Failure),
}

impl Mock {
    fn read(request: &Value) -> Result<Mock, TestStateError> {
        let Some(mock) = request.get("mock").filter(|m| !m.is_null()) else { return Ok(Mock::None) };
        match (json_field(mock, "result")?, mock.get("errorOutput")) {
            (Some(_), Some(_)) => {
                Err(invalid("ValidationException", "`mock` takes `result` or `errorOutput`, not both"))
            }
            (Some(r), None) => Ok(Mock::Result(r)),
            (None, Some(e)) => {
                let field = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                Ok(Mock::Error(Failure::new(field("error"), field("cause"))))
            }
            (None, None) => Err(invalid("ValidationException", "`mock` needs `result` or `errorOutput`")),
        }
    }
}

/// The `stateConfiguration` fields that only make sense for some states.
fn check_configuration(state: &State, config: &Value, mock: &Mock) -> Result<(), TestStateError> {
    let fanout = matches!(state, State::Parallel(_) | State::Map(_));
    if let Some(by) = config.get("errorCausedByState").and_then(Value::as_str) {
        if !fanout || !matches!(mock, Mock::Error(_)) {
            return Err(invalid(
                "ValidationException",
                "stateConfiguration.errorCausedByState needs a Parallel or Map state and mock.errorOutput",
            ));
        }
        let inner = state.child_graphs().iter().any(|(_, g)| contains(g, by));
        if !inner {
            return Err(invalid(
                "ValidationException",
                format!("errorCausedByState: no state `{by}` inside this state"),
            ));
        }
    }
    if config.get("mapIterationFailureCount").is_some() && !matches!(state, State::Map(_)) {
        return Err(invalid("ValidationException", "stateConfiguration.mapIterationFailureCount needs a Map state"));
    }
    if config.get("mapItemReaderData").is_some() {
        return Err(invalid("ValidationException", "stateConfiguration.mapItemReaderData is not supported locally"));
    }
    Ok(())
}

fn contains(graph: &crate::asl::Graph, name: &str) -> bool {
    graph.states.contains_key(name)
        || graph.states.values().any(|s| s.child_graphs().iter().any(|(_, g)| contains(g, name)))
}

/// What running the state gave.
enum Outcome {
    /// The output and the next state (`None` at the end).
    Next(Value, Option<String>),
    /// An error, and what the state's Retry/Catch make of it.
    Failed(Failure, Handling),
}

enum Handling {
    None,
    Retry { index: usize, backoff_seconds: f64 },
    Catch { index: usize, next: String, output: Value },
}

/// One test's variables, its inspection data and its random generator.
struct Run {
    vars: Map<String, Value>,
    inspection: Map<String, Value>,
    rng: fastrand::Rng,
}

fn text(v: &Value) -> Value {
    Value::String(serde_json::to_string(v).unwrap_or_default())
}

fn next_of(t: &Transition) -> Option<String> {
    match t {
        Transition::Next(n) => Some(n.clone()),
        Transition::End => None,
    }
}

impl Run {
    fn state(
        &mut self,
        state: &State,
        lang: QueryLanguage,
        input: &Value,
        context: &Value,
        mock: &Mock,
        config: &Value,
    ) -> Outcome {
        let retry_count = config.get("retrierRetryCount").and_then(Value::as_u64).unwrap_or(0);
        let failure_count = config.get("mapIterationFailureCount").and_then(Value::as_u64);
        match self.run(state, lang, input, context, mock, failure_count) {
            Ok(o) => o,
            Err(f) => {
                let handling = self.handle(state, lang, input, context, &f, retry_count);
                Outcome::Failed(f, handling)
            }
        }
    }

    fn run(
        &mut self,
        state: &State,
        lang: QueryLanguage,
        input: &Value,
        context: &Value,
        mock: &Mock,
        failure_count: Option<u64>,
    ) -> Result<Outcome, Failure> {
        let jsonata = lang == QueryLanguage::Jsonata;
        let vars = self.vars.clone();
        let view = View { context, vars: &vars, now: NOW };
        match state {
            State::Pass(p) => {
                if jsonata {
                    let out = match &p.output {
                        Some(o) => data::jsonata_value(o, &view, input, None, None, &mut self.rng)?,
                        None => input.clone(),
                    };
                    if let Some(a) = &p.assign {
                        let v = data::assign(a, &view, input, input, None, None, &mut self.rng)?;
                        self.vars.extend(v);
                    }
                    return Ok(Outcome::Next(out, next_of(&p.transition)));
                }
                let eff = data::filter_path(p.input_path.as_ref(), input, &view)?;
                self.inspection.insert("afterInputPath".into(), text(&eff));
                let eff = match &p.parameters {
                    Some(t) => data::template(t, &eff, &view, &mut self.rng)?,
                    None => eff,
                };
                self.inspection.insert("afterParameters".into(), text(&eff));
                let result = p.result.clone().unwrap_or(eff);
                self.inspection.insert("result".into(), text(&result));
                if let Some(a) = &p.assign {
                    let v = data::assign(a, &view, &result, input, None, None, &mut self.rng)?;
                    self.vars.extend(v);
                }
                let placed = data::result_path(p.result_path.as_ref(), input.clone(), result)?;
                self.inspection.insert("afterResultPath".into(), text(&placed));
                let out = data::filter_path(p.output_path.as_ref(), &placed, &view)?;
                Ok(Outcome::Next(out, next_of(&p.transition)))
            }
            State::Choice(c) => {
                let eff = if jsonata { input.clone() } else { data::filter_path(c.input_path.as_ref(), input, &view)? };
                if !jsonata {
                    self.inspection.insert("afterInputPath".into(), text(&eff));
                }
                let mut chosen = None;
                for rule in &c.choices {
                    let hit = match &rule.condition {
                        crate::asl::Condition::Jsonata(j) => data::jsonata_condition(j, &view, input, &mut self.rng)?,
                        other => data::choose(other, &eff, &view)?,
                    };
                    if hit {
                        chosen = Some(rule);
                        break;
                    }
                }
                let (next, output, assign) = match (chosen, &c.default) {
                    (Some(rule), _) => (
                        rule.next.clone(),
                        rule.output.as_ref().or(c.output.as_ref()),
                        rule.assign.as_ref().or(c.assign.as_ref()),
                    ),
                    (None, Some(d)) => (d.clone(), c.output.as_ref(), c.assign.as_ref()),
                    (None, None) => {
                        return Err(Failure::new(
                            "States.NoChoiceMatched",
                            "No Choice rule matched the input and the state has no Default",
                        ));
                    }
                };
                let out = match (jsonata, output) {
                    (true, Some(o)) => data::jsonata_value(o, &view, input, None, None, &mut self.rng)?,
                    (true, None) => input.clone(),
                    (false, _) => data::filter_path(c.output_path.as_ref(), &eff, &view)?,
                };
                if let Some(a) = assign {
                    let v = data::assign(a, &view, &eff, input, None, None, &mut self.rng)?;
                    self.vars.extend(v);
                }
                Ok(Outcome::Next(out, Some(next)))
            }
            State::Wait(w) => {
                // The wait itself is not spent: TestState reports the data flow.
                let out = if jsonata {
                    match &w.output {
                        Some(o) => data::jsonata_value(o, &view, input, None, None, &mut self.rng)?,
                        None => input.clone(),
                    }
                } else {
                    let eff = data::filter_path(w.input_path.as_ref(), input, &view)?;
                    self.inspection.insert("afterInputPath".into(), text(&eff));
                    data::filter_path(w.output_path.as_ref(), &eff, &view)?
                };
                if let Some(a) = &w.assign {
                    let v = data::assign(a, &view, input, input, None, None, &mut self.rng)?;
                    self.vars.extend(v);
                }
                Ok(Outcome::Next(out, next_of(&w.transition)))
            }
            State::Succeed(s) => {
                let out = if jsonata {
                    match &s.output {
                        Some(o) => data::jsonata_value(o, &view, input, None, None, &mut self.rng)?,
                        None => input.clone(),
                    }
                } else {
                    let eff = data::filter_path(s.input_path.as_ref(), input, &view)?;
                    self.inspection.insert("afterInputPath".into(), text(&eff));
                    data::filter_path(s.output_path.as_ref(), &eff, &view)?
                };
                Ok(Outcome::Next(out, None))
            }
            State::Fail(f) => {
                let error = match &f.error {
                    Some(t) => data::fail_text(t, input, &view, &mut self.rng)?,
                    None => String::new(),
                };
                let cause = match &f.cause {
                    Some(t) => data::fail_text(t, input, &view, &mut self.rng)?,
                    None => String::new(),
                };
                Err(Failure::new(error, cause))
            }
            State::Task(_) | State::Parallel(_) | State::Map(_) => {
                self.fanout_or_task(state, jsonata, input, &view, mock, failure_count)
            }
        }
    }

    /// Task, Parallel and Map: the input side of the pipeline, the mocked
    /// result or error, then the result side.
    fn fanout_or_task(
        &mut self,
        state: &State,
        jsonata: bool,
        input: &Value,
        view: &View,
        mock: &Mock,
        failure_count: Option<u64>,
    ) -> Result<Outcome, Failure> {
        let (input_path, parameters, arguments, selector, result_path, output_path, output, assign, transition) =
            match state {
                State::Task(t) => (
                    &t.input_path,
                    &t.parameters,
                    &t.arguments,
                    &t.result_selector,
                    &t.result_path,
                    &t.output_path,
                    &t.output,
                    &t.assign,
                    &t.transition,
                ),
                State::Parallel(p) => (
                    &p.input_path,
                    &p.parameters,
                    &p.arguments,
                    &p.result_selector,
                    &p.result_path,
                    &p.output_path,
                    &p.output,
                    &p.assign,
                    &p.transition,
                ),
                State::Map(m) => (
                    &m.input_path,
                    &None,
                    &None,
                    &m.result_selector,
                    &m.result_path,
                    &m.output_path,
                    &m.output,
                    &m.assign,
                    &m.transition,
                ),
                _ => return Err(Failure::new("States.Runtime", "not a Task, Parallel or Map state")),
            };
        if jsonata {
            if let Some(a) = arguments {
                let args = data::jsonata_value(a, view, input, None, None, &mut self.rng)?;
                self.inspection.insert("afterArguments".into(), text(&args));
            }
        } else {
            let eff = data::filter_path(input_path.as_ref(), input, view)?;
            self.inspection.insert("afterInputPath".into(), text(&eff));
            let eff = match parameters {
                Some(t) => data::template(t, &eff, view, &mut self.rng)?,
                None => eff,
            };
            self.inspection.insert("afterParameters".into(), text(&eff));
        }
        if let (State::Map(m), Some(failed)) = (state, failure_count) {
            tolerated(m, failed, input, view, &mut self.rng)?;
        }
        let result = match mock {
            Mock::Result(r) => r.clone(),
            Mock::Error(f) => return Err(f.clone()),
            Mock::None => {
                return Err(Failure::new(
                    "States.Runtime",
                    format!("a {} state needs mock.result or mock.errorOutput to be tested locally", state.type_name()),
                ));
            }
        };
        self.inspection.insert("result".into(), text(&result));
        if jsonata {
            let out = match output {
                Some(o) => data::jsonata_value(o, view, input, Some(&result), None, &mut self.rng)?,
                None => result.clone(),
            };
            if let Some(a) = assign {
                let v = data::assign(a, view, &result, input, Some(&result), None, &mut self.rng)?;
                self.vars.extend(v);
            }
            return Ok(Outcome::Next(out, next_of(transition)));
        }
        let result = match selector {
            Some(t) => data::template(t, &result, view, &mut self.rng)?,
            None => result,
        };
        self.inspection.insert("afterResultSelector".into(), text(&result));
        if let Some(a) = assign {
            let v = data::assign(a, view, &result, input, Some(&result), None, &mut self.rng)?;
            self.vars.extend(v);
        }
        let placed = data::result_path(result_path.as_ref(), input.clone(), result)?;
        self.inspection.insert("afterResultPath".into(), text(&placed));
        let out = data::filter_path(output_path.as_ref(), &placed, view)?;
        Ok(Outcome::Next(out, next_of(transition)))
    }

    /// What the state's Retry and Catch make of `f`: `retry_count` retries
    /// have already been made by the matching retrier.
    fn handle(
        &mut self,
        state: &State,
        lang: QueryLanguage,
        input: &Value,
        context: &Value,
        f: &Failure,
        retry_count: u64,
    ) -> Handling {
        let (retry, catch): (Option<&[Retrier]>, Option<&[Catcher]>) = match state {
            State::Task(t) => (t.retry.as_deref(), t.catch.as_deref()),
            State::Parallel(p) => (p.retry.as_deref(), p.catch.as_deref()),
            State::Map(m) => (m.retry.as_deref(), m.catch.as_deref()),
            _ => (None, None),
        };
        if errors::is_terminal(&f.error) {
            return Handling::None;
        }
        if let Some(retriers) = retry
            && let Some(index) = retriers.iter().position(|r| errors::matches(&r.error_equals, &f.error))
            && retry_count < errors::max_attempts(&retriers[index])
        {
            // Full jitter draws between zero and the interval; the report gives the interval.
            let millis = errors::retry_delay_millis(&retriers[index], retry_count, || 1.0);
            return Handling::Retry { index, backoff_seconds: millis as f64 / 1000.0 };
        }
        let Some((index, catcher)) =
            catch.into_iter().flatten().enumerate().find(|(_, c)| errors::matches(&c.error_equals, &f.error))
        else {
            return Handling::None;
        };
        let error_output = f.to_output();
        let vars = self.vars.clone();
        let view = View { context, vars: &vars, now: NOW };
        let output = if lang == QueryLanguage::Jsonata {
            match &catcher.output {
                Some(o) => data::jsonata_value(o, &view, input, None, Some(&error_output), &mut self.rng),
                None => Ok(error_output.clone()),
            }
        } else {
            data::result_path(catcher.result_path.as_ref(), input.clone(), error_output.clone())
        };
        let assigned = match &catcher.assign {
            Some(a) => data::assign(a, &view, &error_output, input, None, Some(&error_output), &mut self.rng),
            None => Ok(Map::new()),
        };
        match (output, assigned) {
            (Ok(output), Ok(v)) => {
                self.vars.extend(v);
                Handling::Catch { index, next: catcher.next.clone(), output }
            }
            // The Catcher's own fields failed: the state fails with the original error.
            _ => Handling::None,
        }
    }
}

/// `stateConfiguration.mapIterationFailureCount` against the Map's
/// tolerated failure count and percentage; with neither, any failure fails it.
fn tolerated(
    m: &crate::asl::Map,
    failed: u64,
    input: &Value,
    view: &View,
    rng: &mut fastrand::Rng,
) -> Result<(), Failure> {
    if failed == 0 {
        return Ok(());
    }
    let count = match &m.tolerated_failure_count {
        Some(d) => Some(data::dynamic_count(d, "ToleratedFailureCount", input, view, rng)?),
        None => None,
    };
    let percentage = match &m.tolerated_failure_percentage {
        Some(d) => Some(data::dynamic_number(d, "ToleratedFailurePercentage", input, view, rng)?),
        None => None,
    };
    // Without the item count, a percentage below 100 cannot be judged; only 100 tolerates all.
    let ok = count.is_some_and(|c| failed <= c) || percentage.is_some_and(|p| p >= 100.0);
    if ok {
        Ok(())
    } else {
        Err(Failure::new(
            "States.ExceedToleratedFailureThreshold",
            format!("{failed} iterations failed, more than the Map state tolerates"),
        ))
    }
}
