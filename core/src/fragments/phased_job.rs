//! Seed 002's phased job graph compiled into states.
//!
//! The seed's object names phases; each phase has `steps` keyed by what
//! starts them: the phase itself (a step named after the phase, or
//! `<phase>Start` as the seed's later phases write it) or a job whose success
//! starts the step's `jobs`. `waitFor` lists the jobs the phase waits for
//! before moving to `next` (a phase, or `end`). `currentPhase` is where to
//! begin; `finished`, `id` and `purposeId` are runtime bookkeeping and are
//! ignored.
//!
//! Compiled: phases one after another from `currentPhase` (each opens with a
//! Pass named `Phase <name>`); a step's jobs run in a Parallel (one job: just
//! that job), and the step a job starts follows that job inside its branch,
//! exactly as the seed's events would run them. Each job is a task: a Lambda
//! function of the job's name by default, or a resource ARN the caller maps.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map as JsonMap, Value};

use super::iam::PolicyStatement;
use super::{MAX_STATE_NAME, lambda, option_error};
use crate::builder::{Chain, Chainable, Fragment, Parallel, Pass, StateMachine, StateRef, Task};
use crate::error::{Code, Problems, escape_token, kind_of};

/// The keyword of `next` that ends the graph.
pub const END: &str = "end";

/// One phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    /// The phase's name.
    pub name: String,
    /// Step key → the jobs it starts, in the order written.
    pub steps: Vec<(String, Vec<String>)>,
    /// The jobs the phase waits for.
    pub wait_for: Vec<String>,
    /// The next phase, or `end`.
    pub next: String,
}

/// A checked phase graph, ready to compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhasedJob {
    current_phase: String,
    /// In execution order, from `currentPhase`.
    phases: Vec<Phase>,
    resources: BTreeMap<String, String>,
}

fn err(code: Code, pointer: String, message: String) -> Problems {
    option_error(code, &pointer, message)
}

fn ptr(parts: &[&str]) -> String {
    parts.iter().map(|p| format!("/{}", escape_token(p))).collect()
}

fn object<'a>(v: &'a Value, at: &[&str]) -> Result<&'a JsonMap<String, Value>, Problems> {
    v.as_object().ok_or_else(|| err(Code::InvalidType, ptr(at), format!("expected an object, found {}", kind_of(v))))
}

fn known(o: &JsonMap<String, Value>, at: &[&str], fields: &[&str]) -> Result<(), Problems> {
    if let Some(k) = o.keys().find(|k| !fields.contains(&k.as_str())) {
        let mut here = at.to_vec();
        here.push(k);
        let message = format!("`{k}` is not a field here; the fields are {}", fields.join(", "));
        return Err(err(Code::UnknownField, ptr(&here), message));
    }
    Ok(())
}

fn string_list(v: Option<&Value>, at: &[&str]) -> Result<Vec<String>, Problems> {
    let Some(v) = v else { return Err(err(Code::MissingField, ptr(at), "this list is missing".into())) };
    let list = v.as_array().ok_or_else(|| {
        err(Code::InvalidType, ptr(at), format!("expected a list of job names, found {}", kind_of(v)))
    })?;
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let here = format!("{}/{i}", ptr(at));
        match item.as_str() {
            Some("") => return Err(err(Code::InvalidValue, here, "a job name is empty".into())),
            Some(s) => out.push(s.to_string()),
            None => return Err(err(Code::InvalidType, here, format!("a job name is a string, not {}", kind_of(item)))),
        }
    }
    Ok(out)
}

impl PhasedJob {
    /// Reads and checks the seed's object: unknown phases or jobs, cycles,
    /// jobs nobody waits for, steps nothing starts and unreachable phases are
    /// errors naming them.
    pub fn from_json(graph: &Value) -> Result<PhasedJob, Problems> {
        let top = object(graph, &[])?;
        known(top, &[], &["id", "purposeId", "currentPhase", "phases"])?;
        let phases_value =
            top.get("phases").ok_or_else(|| err(Code::MissingField, "/phases".into(), "`phases` is missing".into()))?;
        let phases_obj = object(phases_value, &["phases"])?;
        if phases_obj.is_empty() {
            return Err(err(Code::EmptyList, "/phases".into(), "there are no phases".into()));
        }
        let mut all: Vec<Phase> = Vec::new();
        for (name, body) in phases_obj {
            all.push(read_phase(name, body)?);
        }
        let current = match top.get("currentPhase") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                let message = format!("`currentPhase` is a phase name, not {}", kind_of(other));
                return Err(err(Code::InvalidType, "/currentPhase".into(), message));
            }
            None => return Err(err(Code::MissingField, "/currentPhase".into(), "`currentPhase` is missing".into())),
        };
        let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        if !names.contains(&current.as_str()) {
            let message =
                format!("`currentPhase` is `{current}`, which is not a phase; the phases are {}", names.join(", "));
            return Err(err(Code::InvalidValue, "/currentPhase".into(), message));
        }
        for p in &all {
            if p.next != END && !names.contains(&p.next.as_str()) {
                let message = format!(
                    "`next` of phase `{}` is `{}`, which is not a phase; the phases are {} (or `{END}`)",
                    p.name,
                    p.next,
                    names.join(", ")
                );
                return Err(err(Code::InvalidValue, ptr(&["phases", &p.name, "next"]), message));
            }
        }
        // Phases in order from currentPhase.
        let mut order: Vec<Phase> = Vec::new();
        let mut at = current.clone();
        while at != END {
            if let Some(i) = order.iter().position(|p| p.name == at) {
                let mut cycle: Vec<&str> = order[i..].iter().map(|p| p.name.as_str()).collect();
                cycle.push(&at);
                let message = format!("the phases form a cycle: {}", cycle.join(" → "));
                return Err(err(Code::InvalidValue, ptr(&["phases", &order[order.len() - 1].name, "next"]), message));
            }
            // Every `next` names a phase (checked above).
            let Some(phase) = all.iter().find(|p| p.name == at) else { break };
            order.push(phase.clone());
            at = phase.next.clone();
        }
        let unreachable: Vec<&str> =
            all.iter().filter(|p| !order.iter().any(|o| o.name == p.name)).map(|p| p.name.as_str()).collect();
        if !unreachable.is_empty() {
            let message = format!(
                "phase{} {} cannot be reached from `{current}` by following `next`",
                if unreachable.len() > 1 { "s" } else { "" },
                unreachable.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            );
            return Err(err(Code::UnreachableState, ptr(&["phases", unreachable[0]]), message));
        }
        // Every job is one state: a job in two phases would need two.
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for phase in &order {
            for (_, jobs) in &phase.steps {
                for job in jobs {
                    if let Some(other) = seen.insert(job, &phase.name) {
                        if other != phase.name {
                            let message =
                                format!("the job `{job}` runs in phase `{other}` and again in `{}`", phase.name);
                            return Err(err(Code::InvalidValue, ptr(&["phases", &phase.name, "steps"]), message));
                        }
                    }
                }
            }
        }
        Ok(PhasedJob { current_phase: current, phases: order, resources: BTreeMap::new() })
    }

    /// Reads and checks the object from JSON text.
    pub fn from_text(text: &str) -> Result<PhasedJob, Problems> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| option_error(Code::InvalidJson, "", format!("the job graph is not JSON: {e}")))?;
        PhasedJob::from_json(&value)
    }

    /// Runs `job` as a Task with `Resource` = `resource` (a Lambda function
    /// ARN, an activity ARN…) instead of invoking a Lambda function named after it.
    pub fn resource(mut self, job: &str, resource: &str) -> Self {
        self.resources.insert(job.to_string(), resource.to_string());
        self
    }

    /// [`resource`](Self::resource) for each entry of `resources`, a JSON
    /// object of job name → resource ARN; anything else is the message,
    /// naming the place as `what` (`PhasedJob options.resources`).
    pub fn resources_from_json(mut self, resources: &Value, what: &str) -> Result<Self, String> {
        let Value::Object(map) = resources else {
            return Err(format!("`{what}` must be an object of job name → resource ARN"));
        };
        for (job, resource) in map {
            let Value::String(resource) = resource else {
                return Err(format!("`{what}.{job}` must be a string"));
            };
            self = self.resource(job, resource);
        }
        Ok(self)
    }

    /// The phases, in the order they run.
    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    /// The phase the graph starts with.
    pub fn current_phase(&self) -> &str {
        &self.current_phase
    }

    /// Every job, in the order the phases and steps name them.
    pub fn jobs(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in &self.phases {
            for (_, jobs) in &p.steps {
                for j in jobs {
                    if !out.contains(j) {
                        out.push(j.clone());
                    }
                }
            }
        }
        out
    }

    /// The states: phases in order, each step's jobs in a Parallel.
    pub fn fragment(&self) -> Result<Fragment, Problems> {
        for job in self.resources.keys() {
            if !self.jobs().contains(job) {
                let message = format!("a resource is given for `{job}`, which is not a job of the graph");
                return Err(err(Code::InvalidValue, ptr(&["resources", job]), message));
            }
        }
        let mut chain: Option<Chain> = None;
        for phase in &self.phases {
            let opener = Pass::new(format!("Phase {}", phase.name));
            let mut body = Chain::start(&opener);
            if let Some(steps) = self.step(phase, root(phase).unwrap_or_default().as_str())? {
                body = body.next(&steps)?;
            }
            chain = Some(match chain {
                None => body,
                Some(c) => c.next(&body)?,
            });
        }
        let chain = chain.ok_or_else(|| err(Code::EmptyList, "/phases".into(), "there are no phases".into()))?;
        Ok(Fragment::from_chainable(&chain))
    }

    /// The whole machine.
    pub fn state_machine(&self) -> Result<StateMachine, Problems> {
        Ok(StateMachine::new(&self.fragment()?))
    }

    /// `lambda:InvokeFunction` on the functions invoked by name or mapped to a
    /// Lambda function ARN. Other mapped resources (activities…) need their
    /// own grants, which only the caller knows.
    pub fn iam(&self) -> Vec<PolicyStatement> {
        let mut resources = Vec::new();
        for job in self.jobs() {
            match self.resources.get(&job) {
                None => resources.extend(lambda::invoke_resources(&job)),
                Some(r) if r.contains(":lambda:") && r.contains(":function:") => {
                    resources.extend(lambda::invoke_resources(r))
                }
                Some(_) => {}
            }
        }
        if resources.is_empty() {
            return Vec::new();
        }
        vec![PolicyStatement { actions: vec!["lambda:InvokeFunction".into()], resources }]
    }

    /// The task of one job.
    fn task(&self, job: &str) -> StateRef {
        match self.resources.get(job) {
            Some(resource) => Task::new(job).resource(resource.as_str()).result_path(Value::Null).into(),
            None => lambda::invoke(job, job).result_path(Value::Null).into(),
        }
    }

    /// The states of the step `key`: its jobs (in a Parallel when several),
    /// each followed by the step it starts. `None` for a step with no jobs.
    fn step(&self, phase: &Phase, key: &str) -> Result<Option<Chain>, Problems> {
        let Some((_, jobs)) = phase.steps.iter().find(|(k, _)| k == key) else { return Ok(None) };
        let branch = |job: &String| -> Result<Chain, Problems> {
            let task = self.task(job);
            match self.step(phase, job)? {
                Some(then) => task.next(&then),
                None => Ok(Chain::start(&task)),
            }
        };
        match jobs.as_slice() {
            [] => Ok(None),
            [one] => branch(one).map(Some),
            many => {
                let mut parallel = Parallel::new(format!("After {key}")).result_path(Value::Null);
                for job in many {
                    parallel = parallel.branch(&branch(job)?);
                }
                Ok(Some(Chain::start(&parallel)))
            }
        }
    }
}

/// The step that opens a phase: `<phase>` or `<phase>Start`.
fn root(phase: &Phase) -> Option<String> {
    [phase.name.clone(), format!("{}Start", phase.name)].into_iter().find(|k| phase.steps.iter().any(|(s, _)| s == k))
}

/// Reads one phase and checks its steps.
fn read_phase(name: &str, body: &Value) -> Result<Phase, Problems> {
    let at = ["phases", name];
    let o = object(body, &at)?;
    known(o, &at, &["steps", "finished", "next", "waitFor"])?;
    if let Some(f) = o.get("finished") {
        string_list(Some(f), &["phases", name, "finished"])?;
    }
    let next = match o.get("next") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            let message = format!("`next` is a phase name or `{END}`, not {}", kind_of(other));
            return Err(err(Code::InvalidType, ptr(&["phases", name, "next"]), message));
        }
        None => return Err(err(Code::MissingField, ptr(&["phases", name, "next"]), "`next` is missing".into())),
    };
    let steps_obj = object(
        o.get("steps")
            .ok_or_else(|| err(Code::MissingField, ptr(&["phases", name, "steps"]), "`steps` is missing".into()))?,
        &["phases", name, "steps"],
    )?;
    let mut steps = Vec::new();
    for (key, step) in steps_obj {
        let here = ["phases", name, "steps", key.as_str()];
        let s = object(step, &here)?;
        known(s, &here, &["jobs"])?;
        steps.push((key.clone(), string_list(s.get("jobs"), &["phases", name, "steps", key, "jobs"])?));
    }
    let wait_for = string_list(o.get("waitFor"), &["phases", name, "waitFor"])?;
    let phase = Phase { name: name.to_string(), steps, wait_for, next };
    check_phase(&phase)?;
    Ok(phase)
}

/// A state name made from a phase or step name must fit Step Functions' limit.
fn fits(state_name: &str, what: &str, at: &[&str]) -> Result<(), Problems> {
    if state_name.chars().count() > MAX_STATE_NAME {
        let message = format!(
            "{what} makes the state name `{state_name}` longer than {MAX_STATE_NAME} characters; shorten it by {}",
            state_name.chars().count() - MAX_STATE_NAME
        );
        return Err(err(Code::InvalidStateName, ptr(at), message));
    }
    Ok(())
}

fn check_phase(phase: &Phase) -> Result<(), Problems> {
    let name = phase.name.as_str();
    fits(&format!("Phase {name}"), &format!("the phase name `{name}`"), &["phases", name])?;
    for (key, jobs) in &phase.steps {
        if jobs.len() > 1 {
            fits(&format!("After {key}"), &format!("the step name `{key}`"), &["phases", name, "steps", key])?;
        }
    }
    let Some(root) = root(phase) else {
        let message = format!("phase `{name}` has no step that starts it: name one `{name}` or `{name}Start`");
        return Err(err(Code::MissingField, ptr(&["phases", name, "steps"]), message));
    };
    // Who starts each job; a job started twice would run twice.
    let mut started_by: HashMap<&str, &str> = HashMap::new();
    for (key, jobs) in &phase.steps {
        let mut in_step = HashSet::new();
        for job in jobs {
            if !in_step.insert(job) {
                let message = format!("the job `{job}` is listed twice in step `{key}`");
                return Err(err(Code::InvalidValue, ptr(&["phases", name, "steps", key, "jobs"]), message));
            }
            if let Some(other) = started_by.insert(job, key) {
                let message =
                    format!("the job `{job}` is started by step `{other}` and by step `{key}`; it would run twice");
                return Err(err(Code::InvalidValue, ptr(&["phases", name, "steps", key, "jobs"]), message));
            }
            if job.chars().count() > MAX_STATE_NAME {
                let message =
                    format!("the job name `{job}` is longer than {MAX_STATE_NAME} characters, the longest state name");
                return Err(err(Code::InvalidStateName, ptr(&["phases", name, "steps", key, "jobs"]), message));
            }
        }
    }
    // Cycles: follow each job to the step it starts.
    for (key, _) in &phase.steps {
        let mut path = vec![key.as_str()];
        let mut at = key.as_str();
        while let Some(&by) = started_by.get(at) {
            if by == key {
                path.reverse();
                path.push(path[0]);
                let message = format!("the steps of phase `{name}` form a cycle: {}", path.join(" → "));
                return Err(err(Code::InvalidValue, ptr(&["phases", name, "steps", key]), message));
            }
            if path.contains(&by) {
                break; // a cycle not through `key`: reported from one of its own steps
            }
            path.push(by);
            at = by;
        }
    }
    // Steps nothing starts.
    for (key, _) in &phase.steps {
        if *key != root && !started_by.contains_key(key.as_str()) {
            let message = format!(
                "step `{key}` of phase `{name}` is never started: no job `{key}` runs in the phase, and the phase starts with `{root}`"
            );
            return Err(err(Code::UnreachableState, ptr(&["phases", name, "steps", key]), message));
        }
    }
    // Jobs reachable from the root (a cycle aside, every started job is).
    for job in &phase.wait_for {
        if !started_by.contains_key(job.as_str()) {
            let message = format!("`waitFor` names `{job}`, which no step of phase `{name}` starts");
            return Err(err(Code::InvalidValue, ptr(&["phases", name, "waitFor"]), message));
        }
    }
    let mut unwaited: Vec<&str> =
        started_by.keys().copied().filter(|j| !phase.wait_for.iter().any(|w| w == j)).collect();
    unwaited.sort_unstable();
    if !unwaited.is_empty() {
        let message = format!(
            "phase `{name}` does not wait for {}: the phase could move on while they run; add them to `waitFor`",
            unwaited.iter().map(|j| format!("`{j}`")).collect::<Vec<_>>().join(", ")
        );
        return Err(err(Code::InvalidValue, ptr(&["phases", name, "waitFor"]), message));
    }
    if phase.next != END && phase.next == phase.name {
        let message = format!("phase `{name}` names itself as `next`");
        return Err(err(Code::InvalidValue, ptr(&["phases", name, "next"]), message));
    }
    Ok(())
}
