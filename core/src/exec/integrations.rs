//! Task states: an attempt's parameters and timers, the call to the resource
//! (a caller's handler, the in-memory DynamoDB, a nested execution, a Lambda
//! function), the result or error, and the host's callbacks
//! (`send_task_success/failure/heartbeat`).
//!
//! Service integration shapes: <https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html>,
//! <https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html>,
//! <https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html>,
//! <https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html>.

use serde_json::{Value, json};

use super::data::{self, View};
use super::errors::Failure;
use super::handler::{TaskCall, TaskOutcome};
use super::history::text;
use super::step::After;
use super::world::{Event, ExecError, Execution, Phase, REGION, Status, SyncMode, TaskRun, Thread, ThreadId, World};
use crate::asl::State;

/// Reshapes a handler's output (the `lambda:invoke` envelope).
type Wrap<'a> = &'a dyn Fn(Value, &mut World) -> Value;

/// How a Task waits for its work (the resource's suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pattern {
    RequestResponse,
    Sync,
    Sync2,
    WaitForToken,
}

/// Splits `.sync`, `.sync:2` or `.waitForTaskToken` off a resource.
fn pattern(resource: &str) -> (&str, Pattern) {
    if let Some(base) = resource.strip_suffix(".waitForTaskToken") {
        (base, Pattern::WaitForToken)
    } else if let Some(base) = resource.strip_suffix(".sync:2") {
        (base, Pattern::Sync2)
    } else if let Some(base) = resource.strip_suffix(".sync") {
        (base, Pattern::Sync)
    } else {
        (resource, Pattern::RequestResponse)
    }
}

/// `resourceType` and `resource` as history events name an integration:
/// `arn:aws:states:::dynamodb:getItem` → (`dynamodb`, `getItem`).
fn history_names(resource: &str) -> (String, String) {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::") {
        let split =
            if rest.starts_with("aws-sdk:") { rest.match_indices(':').nth(1).map(|(i, _)| i) } else { rest.find(':') };
        if let Some(i) = split {
            return (rest[..i].to_string(), rest[i + 1..].to_string());
        }
    }
    if resource.contains(":activity:") {
        return ("activity".into(), resource.into());
    }
    ("lambda".into(), resource.into())
}

/// A plain Lambda function ARN (not a service integration).
fn is_lambda_arn(resource: &str) -> bool {
    resource.starts_with("arn:aws:lambda:") || resource.starts_with("arn:aws-cn:lambda:")
}

/// The function name inside a Lambda ARN (`…:function:NAME[:alias]`).
fn function_name(arn: &str) -> Option<&str> {
    let rest = arn.split(":function:").nth(1)?;
    rest.split(':').next()
}

impl World {
    /// Starts a Task attempt: token, parameters, timeouts; the call itself is
    /// a separate event so the scheduler orders it among the others.
    pub(crate) fn start_attempt(
        &mut self,
        tid: ThreadId,
        th: &mut Thread,
        state: &State,
        jsonata: bool,
    ) -> Result<After<'static>, Failure> {
        let State::Task(t) = state else { return Ok(After::Park) };
        let token = self.token();
        let ctx = self.context(th, Some(&token));
        let view = View { context: &ctx, vars: &th.vars, now: self.now };
        let (params, eff) = if jsonata {
            let args = match &t.arguments {
                Some(a) => data::jsonata_value(a, &view, &th.input, None, None, &mut self.rng)?,
                None => th.input.clone(),
            };
            (args, th.input.clone())
        } else {
            let eff = data::filter_path(t.input_path.as_ref(), &th.input, &view)?;
            let params = match &t.parameters {
                Some(p) => data::template(p, &eff, &view, &mut self.rng)?,
                None => eff.clone(),
            };
            (params, eff)
        };
        let timeout = match &t.timeout_seconds {
            Some(d) => Some(data::dynamic_count(d, "TimeoutSeconds", &eff, &view, &mut self.rng)?),
            None => None,
        };
        let heartbeat = match &t.heartbeat_seconds {
            Some(d) => Some(data::dynamic_count(d, "HeartbeatSeconds", &eff, &view, &mut self.rng)?),
            None => None,
        };
        let to_ms = |s: u64| i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX / 4);
        self.tokens.insert(token.clone(), tid);
        th.phase = Phase::Task(TaskRun {
            token,
            params,
            heartbeat_ms: heartbeat.map(to_ms),
            heartbeat_key: None,
            timeout_ms: timeout.map(to_ms),
            lambda_events: is_lambda_arn(&t.resource),
            host_pending: false,
            callback: false,
        });
        self.schedule_for(th, self.now, Event::Invoke(tid));
        Ok(After::Park)
    }

    /// A task token: 64 hex digits from the seeded generator.
    fn token(&mut self) -> String {
        format!("{:032x}{:032x}", self.rng.u128(..), self.rng.u128(..))
    }

    /// Calls the Task's resource.
    pub(crate) fn invoke(&mut self, tid: ThreadId) {
        let Some(mut th) = self.take(tid) else { return };
        let machine = self.machine_of(&th);
        let Some(State::Task(task)) = World::state_in(&machine.definition, &th) else { return self.put(tid, th) };
        let Phase::Task(run) = &th.phase else { return self.put(tid, th) };
        let run = run.clone();
        let (base, pat) = pattern(&task.resource);
        let (rtype, rname) = history_names(&task.resource);
        if !self.trace {
            // No history: count the two events without building their details.
            self.rec(&mut th, "", None);
            self.rec(&mut th, "", None);
        } else if run.lambda_events {
            let mut d =
                json!({"resource": task.resource, "input": text(&run.params), "inputDetails": {"truncated": false}});
            if let Some(ms) = run.timeout_ms {
                d["timeoutInSeconds"] = (ms / 1000).into();
            }
            self.rec(&mut th, "LambdaFunctionScheduled", Some(d));
            self.rec(&mut th, "LambdaFunctionStarted", None);
        } else {
            let mut d =
                json!({"resourceType": rtype, "resource": rname, "region": REGION, "parameters": text(&run.params)});
            if let Some(ms) = run.timeout_ms {
                d["timeoutInSeconds"] = (ms / 1000).into();
            }
            if let Some(ms) = run.heartbeat_ms {
                d["heartbeatInSeconds"] = (ms / 1000).into();
            }
            self.rec(&mut th, "TaskScheduled", Some(d));
            self.rec(&mut th, "TaskStarted", Some(json!({"resourceType": rtype, "resource": rname})));
        }
        if let Some(ms) = run.timeout_ms {
            self.schedule_for(&mut th, self.now + ms, Event::TaskTimeout(tid, "States.Timeout"));
        }
        if let Some(ms) = run.heartbeat_ms {
            let key = self.schedule_for(&mut th, self.now + ms, Event::TaskTimeout(tid, "States.HeartbeatTimeout"));
            if let Phase::Task(r) = &mut th.phase {
                r.heartbeat_key = Some(key);
            }
        }
        // A fault the explorer chose for this call replaces it.
        if let Some(injected) = self.injection.take() {
            if let Some(result) = self.injected_outcome(injected, base, &run.params, th.exec) {
                self.schedule_for(&mut th, self.now, Event::TaskDone(tid, result));
            }
            return self.put(tid, th);
        }
        let exec_arn = self.executions[th.exec.0].arn.to_string();
        let call = |resource: String, input: Value, world: &mut World| TaskCall {
            resource,
            input,
            token: Some(run.token.clone()),
            execution_arn: exec_arn.clone(),
            state_name: th.state.clone(),
            retry_count: th.retry_total,
            random: world.rng.u64(..),
            now_millis: world.now,
        };
        // A handler registered for the exact resource wins over the built-in
        // integrations, so a test can replace any of them.
        let outcome: Option<Result<Value, Failure>>;
        let mocked = self
            .mocks
            .get(machine.owner_arn.as_deref().unwrap_or(&machine.arn))
            .filter(|m| m.mocks(&th.state))
            .cloned();
        if let Some(case) = mocked {
            // A Step Functions Local mock answers in place of the integration.
            let calls = self.executions[th.exec.0].mock_calls.entry(th.state.clone()).or_insert(0);
            let n = *calls;
            *calls += 1;
            outcome = case.response(&th.state, n);
        } else if let Some((name, h)) = self.handlers.find_exact(&[task.resource.as_str(), base]) {
            let c = call(name, run.params.clone(), self);
            outcome = self.handler_outcome(&mut th, tid, guarded(h.as_ref(), &c), pat, None);
        } else if let Some(op) = base.strip_prefix("arn:aws:states:::lambda:") {
            let fname = run.params.get("FunctionName").and_then(Value::as_str).unwrap_or_default().to_string();
            let names: Vec<&str> = [Some(fname.as_str()), function_name(&fname)].into_iter().flatten().collect();
            outcome = match (op, self.handlers.find(&names)) {
                ("invoke", Some((name, h))) => {
                    let payload = run.params.get("Payload").cloned().unwrap_or_else(|| json!({}));
                    let c = call(name, payload, self);
                    let wrap = |payload: Value, world: &mut World| {
                        json!({
                            "ExecutedVersion": "$LATEST",
                            "Payload": payload,
                            "SdkHttpMetadata": {"HttpStatusCode": 200},
                            "SdkResponseMetadata": {"RequestId": world.uuid()},
                            "StatusCode": 200,
                        })
                    };
                    self.handler_outcome(&mut th, tid, guarded(h.as_ref(), &c), pat, Some(&wrap))
                }
                _ => Some(Err(missing_handler(&task.resource, &fname))),
            };
        } else if let Some(op) = base.strip_prefix("arn:aws:states:::dynamodb:") {
            outcome = Some(self.dynamodb_call(op, &run.params, "DynamoDB"));
        } else if let Some(op) = base.strip_prefix("arn:aws:states:::aws-sdk:dynamodb:") {
            outcome = Some(self.dynamodb_call(op, &run.params, "DynamoDb"));
        } else if base == "arn:aws:states:::states:startExecution" {
            outcome = self.start_child(tid, &run, pat);
            if outcome.is_none()
                && let Some(child) = self.executions.last()
            {
                // `.sync`: the start request's answer, then the wait for the child.
                let submitted = json!({"ExecutionArn": child.arn(), "StartDate": child.start});
                let d = json!({"resourceType": rtype, "resource": rname, "output": text(&submitted), "outputDetails": {"truncated": false}});
                self.rec(&mut th, "TaskSubmitted", Some(d));
            }
        } else if is_lambda_arn(base) {
            let names: Vec<&str> = [Some(base), function_name(base)].into_iter().flatten().collect();
            outcome = match self.handlers.find(&names) {
                Some((name, h)) => {
                    let c = call(name, run.params.clone(), self);
                    self.handler_outcome(&mut th, tid, guarded(h.as_ref(), &c), pat, None)
                }
                None => Some(Err(missing_handler(&task.resource, base))),
            };
        } else {
            outcome = match self.handlers.find(&[task.resource.as_str(), base]) {
                Some((name, h)) => {
                    let c = call(name, run.params.clone(), self);
                    self.handler_outcome(&mut th, tid, guarded(h.as_ref(), &c), pat, None)
                }
                // `.waitForTaskToken` without a handler: the host answers with the token.
                None if pat == Pattern::WaitForToken => {
                    if let Phase::Task(r) = &mut th.phase {
                        r.callback = true;
                    }
                    None
                }
                None => Some(Err(missing_handler(&task.resource, base))),
            };
        }
        if let Some(result) = outcome {
            self.schedule_for(&mut th, self.now, Event::TaskDone(tid, result));
        }
        self.put(tid, th);
    }

    /// Turns a handler's answer into a completion (now or later), or nothing
    /// while the host or a token holder has to answer.
    fn handler_outcome(
        &mut self,
        th: &mut Thread,
        tid: ThreadId,
        outcome: TaskOutcome,
        pat: Pattern,
        wrap: Option<Wrap<'_>>,
    ) -> Option<Result<Value, Failure>> {
        match outcome {
            // With `.waitForTaskToken` the result comes with the token, not from the call.
            TaskOutcome::Succeed { .. } if pat == Pattern::WaitForToken => {
                if let Phase::Task(run) = &mut th.phase {
                    run.callback = true;
                }
                None
            }
            TaskOutcome::Succeed { output, after } => {
                let output = match wrap {
                    Some(w) => w(output, self),
                    None => output,
                };
                let after_ms = i64::try_from(after.as_millis()).unwrap_or(i64::MAX / 4);
                if after_ms == 0 {
                    Some(Ok(output))
                } else {
                    self.schedule_for(th, self.now + after_ms, Event::TaskDone(tid, Ok(output)));
                    None
                }
            }
            TaskOutcome::Fail { error, cause } => Some(Err(Failure::new(error, cause))),
            TaskOutcome::Pending => {
                if let Phase::Task(run) = &mut th.phase {
                    run.host_pending = true;
                    run.callback = true;
                }
                None
            }
        }
    }

    pub(crate) fn dynamodb_call(&mut self, op: &str, params: &Value, prefix: &str) -> Result<Value, Failure> {
        let mut action = String::with_capacity(op.len());
        let mut chars = op.chars();
        if let Some(c) = chars.next() {
            action.push(c.to_ascii_uppercase());
        }
        action.extend(chars);
        self.db.call(&action, params).map_err(|e| {
            if e.is_modeled() {
                Failure::new(format!("{prefix}.{}", e.code), e.message)
            } else {
                // Step Functions names errors after the SDK's exception classes;
                // exceptions without a class of their own arrive as the
                // service's generic one, the code kept in the cause.
                let generic = if prefix == "DynamoDB" { "AmazonDynamoDBException" } else { "DynamoDbException" };
                Failure::new(format!("{prefix}.{generic}"), format!("{}: {}", e.code, e.message))
            }
        })
    }

    /// `states:startExecution`: starts the child; fire-and-forget answers at
    /// once, `.sync` and `.sync:2` answer when the child ends.
    fn start_child(&mut self, tid: ThreadId, run: &TaskRun, pat: Pattern) -> Option<Result<Value, Failure>> {
        let p = &run.params;
        let Some(machine) = p.get("StateMachineArn").and_then(Value::as_str) else {
            return Some(Err(Failure::new(
                "StepFunctions.InvalidArnException",
                "startExecution needs a StateMachineArn parameter",
            )));
        };
        let input = match p.get("Input") {
            None | Some(Value::Null) => json!({}),
            Some(Value::String(s)) => match serde_json::from_str(s) {
                Ok(v) => v,
                Err(e) => {
                    return Some(Err(Failure::new(
                        "StepFunctions.InvalidExecutionInputException",
                        format!("the Input string is not JSON: {e}"),
                    )));
                }
            },
            Some(v) => v.clone(),
        };
        let name = p.get("Name").and_then(Value::as_str);
        let waiter = match pat {
            Pattern::Sync => Some((tid, run.token.clone(), SyncMode::Text)),
            Pattern::Sync2 => Some((tid, run.token.clone(), SyncMode::Json)),
            _ => None,
        };
        match self.start_inner(machine, input, name, waiter) {
            Ok(id) => {
                let e = &self.executions[id.0];
                match pat {
                    Pattern::Sync | Pattern::Sync2 => None,
                    _ => Some(Ok(json!({"ExecutionArn": e.arn(), "StartDate": e.start}))),
                }
            }
            Err(ExecError::StateMachineDoesNotExist(m)) => Some(Err(Failure::new(
                "StepFunctions.StateMachineDoesNotExistException",
                format!("State Machine Does Not Exist: '{m}'"),
            ))),
            Err(ExecError::ExecutionAlreadyExists(n)) => Some(Err(Failure::new(
                "StepFunctions.ExecutionAlreadyExistsException",
                format!("Execution Already Exists: '{n}'"),
            ))),
            Err(e) => Some(Err(Failure::new("StepFunctions.InvalidExecutionInputException", e.to_string()))),
        }
    }

    /// A task's work ended.
    pub(crate) fn task_done(&mut self, tid: ThreadId, result: Result<Value, Failure>) {
        let Some(mut th) = self.take(tid) else { return };
        let machine = self.machine_of(&th);
        let def = &machine.definition;
        let Some(state @ State::Task(task)) = World::state_in(def, &th) else { return self.put(tid, th) };
        let Phase::Task(run) = std::mem::replace(&mut th.phase, Phase::Idle) else { return self.put(tid, th) };
        self.cancel_keys(&mut th);
        self.tokens.remove(&run.token);
        let lang = state.query_language().unwrap_or(def.default_query_language());
        let (rtype, rname) = history_names(&task.resource);
        let after = match result {
            Ok(output) => {
                let d = if self.trace {
                    json!({"output": text(&output), "outputDetails": {"truncated": false}})
                } else {
                    Value::Null
                };
                if run.lambda_events {
                    self.rec(&mut th, "LambdaFunctionSucceeded", Some(d));
                } else {
                    let mut d = d;
                    d["resourceType"] = rtype.into();
                    d["resource"] = rname.into();
                    self.rec(&mut th, "TaskSucceeded", Some(d));
                }
                match self.finish_result(&mut th, state, lang, output, Some(&run.token)) {
                    Ok(a) => a,
                    Err(f) => After::Fail(f),
                }
            }
            Err(f) => {
                if run.lambda_events {
                    self.rec_with(&mut th, "LambdaFunctionFailed", |h| super::step::failed(h, &f));
                } else {
                    let d = json!({"resourceType": rtype, "resource": rname, "error": f.error, "cause": f.cause});
                    self.rec(&mut th, "TaskFailed", Some(d));
                }
                After::Fail(f)
            }
        };
        self.settle(tid, th, state, lang, after);
    }

    /// `TimeoutSeconds` or `HeartbeatSeconds` ran out.
    pub(crate) fn task_timeout(&mut self, tid: ThreadId, error: &'static str) {
        let Some(mut th) = self.take(tid) else { return };
        let machine = self.machine_of(&th);
        let def = &machine.definition;
        let Some(state @ State::Task(task)) = World::state_in(def, &th) else { return self.put(tid, th) };
        let Phase::Task(run) = std::mem::replace(&mut th.phase, Phase::Idle) else { return self.put(tid, th) };
        self.cancel_keys(&mut th);
        self.tokens.remove(&run.token);
        let lang = state.query_language().unwrap_or(def.default_query_language());
        let cause = if error == "States.Timeout" {
            "The task ran longer than its TimeoutSeconds".to_string()
        } else {
            "The task sent no heartbeat within its HeartbeatSeconds".to_string()
        };
        let (rtype, rname) = history_names(&task.resource);
        if run.lambda_events {
            self.rec(&mut th, "LambdaFunctionTimedOut", Some(json!({"error": error, "cause": cause})));
        } else {
            let d = json!({"resourceType": rtype, "resource": rname, "error": error, "cause": cause});
            self.rec(&mut th, "TaskTimedOut", Some(d));
        }
        self.settle(tid, th, state, lang, After::Fail(Failure::new(error, cause)));
    }

    /// The thread of the task waiting for a callback with this token.
    fn token_owner(&self, token: &str) -> Result<ThreadId, ExecError> {
        self.tokens
            .get(token)
            .copied()
            .filter(|tid| self.awaits_callback(*tid))
            .ok_or_else(|| ExecError::TaskDoesNotExist(token.into()))
    }

    fn awaits_callback(&self, tid: ThreadId) -> bool {
        self.threads
            .get(tid.0)
            .and_then(Option::as_ref)
            .is_some_and(|th| matches!(&th.phase, Phase::Task(run) if run.callback))
    }

    /// `SendTaskSuccess`: the task waiting on `token` succeeds with `output`.
    pub fn send_task_success(&mut self, token: &str, output: Value) -> Result<(), ExecError> {
        let tid = self.token_owner(token)?;
        self.tokens.remove(token);
        self.schedule(tid, self.now, Event::TaskDone(tid, Ok(output)));
        Ok(())
    }

    /// `SendTaskFailure`: the task waiting on `token` fails with `error` and `cause`.
    pub fn send_task_failure(&mut self, token: &str, error: &str, cause: &str) -> Result<(), ExecError> {
        let tid = self.token_owner(token)?;
        self.tokens.remove(token);
        self.schedule(tid, self.now, Event::TaskDone(tid, Err(Failure::new(error, cause))));
        Ok(())
    }

    /// `SendTaskHeartbeat`: restarts the task's `HeartbeatSeconds` countdown.
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), ExecError> {
        let tid = self.token_owner(token)?;
        let Some(mut th) = self.take(tid) else { return Err(ExecError::TaskDoesNotExist(token.into())) };
        if let Phase::Task(run) = &mut th.phase
            && let (Some(ms), Some(old)) = (run.heartbeat_ms, run.heartbeat_key.take())
        {
            self.queue.remove(&old);
            th.keys.remove(old);
            let key = self.schedule_for(&mut th, self.now + ms, Event::TaskTimeout(tid, "States.HeartbeatTimeout"));
            if let Phase::Task(run) = &mut th.phase {
                run.heartbeat_key = Some(key);
            }
        }
        self.put(tid, th);
        Ok(())
    }

    /// The tokens of every task waiting for a callback (a `.waitForTaskToken`
    /// resource, or a handler that returned `Pending`), with the execution ARN
    /// and state name, in token order.
    pub fn waiting_tasks(&self) -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, String)> = self
            .tokens
            .iter()
            .filter(|(_, tid)| self.awaits_callback(**tid))
            .filter_map(|(token, tid)| {
                let th = self.threads.get(tid.0)?.as_ref()?;
                let exec = &self.executions[th.exec.0];
                Some((token.clone(), exec.arn.to_string(), th.state.clone()))
            })
            .collect();
        out.sort();
        out
    }
}

/// Calls a handler; a handler that panics fails the task instead of the
/// world (`stepforge.HandlerPanicked`, with the panic message as the cause).
fn guarded(handler: &dyn super::handler::TaskHandler, call: &TaskCall) -> TaskOutcome {
    crate::error::catch_panic(|| handler.call(call))
        .unwrap_or_else(|what| TaskOutcome::fail("stepforge.HandlerPanicked", what))
}

fn missing_handler(resource: &str, name: &str) -> Failure {
    Failure::new(
        "States.Runtime",
        format!(
            "no handler is registered for `{name}` (resource `{resource}`); register one with World::handle \
             (an exact resource or function name, or a pattern with *)"
        ),
    )
}

/// What a `startExecution.sync` Task gets when its child ends: the
/// `DescribeExecution` shape, `Input`/`Output` as JSON (`.sync:2`) or text (`.sync`).
pub(crate) fn sync_result(child: &Execution, mode: SyncMode) -> Result<Value, Failure> {
    let show = |v: &Value| match mode {
        SyncMode::Json => v.clone(),
        SyncMode::Text => Value::String(text(v)),
    };
    let mut out = json!({
        "ExecutionArn": child.arn(),
        "Input": show(child.input()),
        "InputDetails": {"Included": true},
        "Name": child.name(),
        "StartDate": child.start,
        "StateMachineArn": child.machine.arn,
        "Status": child.status.as_str(),
        "StopDate": child.stop,
    });
    if let Some(o) = &child.output {
        out["Output"] = show(o);
        out["OutputDetails"] = json!({"Included": true});
    }
    if child.status == Status::Succeeded {
        return Ok(out);
    }
    if let Some(f) = &child.failure {
        out["Error"] = f.error.clone().into();
        out["Cause"] = f.cause.clone().into();
    }
    Err(Failure::new("States.TaskFailed", text(&out)))
}
