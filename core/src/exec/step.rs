//! One transition at a time: entering a state and doing what its type says,
//! the end of a Wait, a task's result, a retry, the end of a Parallel or Map,
//! the end of an execution. State semantics follow the Amazon States Language
//! (<https://states-language.net/spec.html>) and the Step Functions guide
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/concepts-states.html>).

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::data::{self, View};
use super::errors::{self, Failure};
use super::history::{Details, TextWriter, entered_kind, exited_kind, format_millis, parse_timestamp, text};
use super::world::{Event, ExecutionId, Fanout, Hop, Machine, Phase, Status, Stay, TaskRun, Thread, ThreadId, World};
use crate::asl::{Definition, Dynamic, Payload, QueryLanguage, State, Transition, WaitFor};

/// Inline Map runs at most this many iterations at once
/// (<https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html>).
const INLINE_MAP_CONCURRENCY: usize = 40;

/// A distributed Map runs at most this many child workflows at once
/// (<https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html>).
const DISTRIBUTED_MAP_CONCURRENCY: usize = 10_000;

/// What a state's logic decided (the next state's name borrowed from the definition).
pub(crate) enum After<'d> {
    /// Stay: an event will move the thread later.
    Park,
    /// Leave the state with this output for that state.
    Next(&'d str, Value),
    /// Leave the state and end the thread with this output.
    End(Value),
    /// The state failed: Retry and Catch apply.
    Fail(Failure),
}

/// `Next` or `End` as an [`After`].
fn go(transition: &Transition, output: Value) -> After<'_> {
    match transition {
        Transition::Next(n) => After::Next(n, output),
        Transition::End => After::End(output),
    }
}

impl World {
    pub(crate) fn dispatch(&mut self, event: Event) {
        match event {
            Event::Enter(t) => self.enter(t),
            Event::WaitOver(t) => self.wait_over(t),
            Event::Invoke(t) => self.invoke(t),
            Event::TaskDone(t, r) => self.task_done(t, r),
            Event::TaskTimeout(t, name) => self.task_timeout(t, name),
            Event::Retry(t) => {
                if let Some(th) = self.take(t) {
                    self.body(t, th);
                }
            }
            Event::FanoutDone(t) => self.fanout_done(t),
            Event::ExecutionTimeout(e) => {
                let f = Failure::new("States.Timeout", "The execution ran longer than its TimeoutSeconds");
                self.end_execution(e, Status::TimedOut, Err(f), None);
            }
            Event::Deliver(rule, payload) => {
                if let Some(target) = self.rules.get(rule).map(|r| r.target.clone()) {
                    // A rule whose target is not registered drops the event, as
                    // EventBridge drops events to a missing target.
                    let _ = self.start_inner(&target, payload, None, None);
                }
            }
            // Nobody waits for the answer any more: only the write matters.
            Event::LateWrite(_, action, request) => {
                let _ = self.db.call(&action, &request);
            }
        }
    }

    pub(crate) fn take(&mut self, t: ThreadId) -> Option<Box<Thread>> {
        self.threads.get_mut(t.0).and_then(Option::take)
    }

    pub(crate) fn put(&mut self, t: ThreadId, th: Box<Thread>) {
        if let Some(slot) = self.threads.get_mut(t.0) {
            *slot = Some(th);
        }
    }

    pub(crate) fn machine_of(&self, th: &Thread) -> Arc<Machine> {
        self.executions[th.exec.0].machine.clone()
    }

    /// The state a thread is in.
    pub(crate) fn state_in<'d>(def: &'d Definition, th: &Thread) -> Option<&'d State> {
        World::graph_of(def, &th.scope)?.states.get(&th.state)
    }

    /// The context object for a thread (`$$`).
    pub(crate) fn context(&self, th: &Thread, token: Option<&str>) -> Value {
        let exec = &self.executions[th.exec.0];
        if !exec.machine.needs_context.contains(&th.state) {
            return Value::Null;
        }
        let mut ctx = exec.context_base();
        if let Value::Object(map) = &mut ctx {
            map.insert(
                "State".into(),
                json!({"EnteredTime": format_millis(th.entered), "Name": th.state, "RetryCount": th.retry_total}),
            );
            if let Some(token) = token {
                map.insert("Task".into(), json!({ "Token": token }));
            }
            if let Some((index, value)) = &th.map_item {
                map.insert("Map".into(), json!({"Item": {"Index": index, "Value": value}}));
            }
        }
        ctx
    }

    /// Appends a history event that follows the thread's last one.
    pub(crate) fn rec(&mut self, th: &mut Thread, kind: &'static str, details: Option<Value>) {
        th.last_event = self.record(th.exec, th.last_event, kind, details);
    }

    /// [`World::rec`] with details written into the history's buffer.
    pub(crate) fn rec_with(
        &mut self,
        th: &mut Thread,
        kind: &'static str,
        details: impl FnOnce(&mut TextWriter) -> Details,
    ) {
        th.last_event = self.record_with(th.exec, th.last_event, kind, details);
    }

    fn open_stay(&mut self, th: &mut Thread, machine: &Machine) {
        self.mark += 1;
        if !self.trace {
            return;
        }
        self.stays.push(Stay {
            exec: th.exec,
            state: machine.intern(&th.state),
            enter_mark: self.mark,
            enter_ms: self.now,
            exit_mark: None,
            exit_ms: None,
        });
        th.stay = Some(self.stays.len() - 1);
    }

    fn close_stay(&mut self, th: &mut Thread) {
        if let Some(i) = th.stay.take() {
            self.mark += 1;
            self.stays[i].exit_mark = Some(self.mark);
            self.stays[i].exit_ms = Some(self.now);
        }
    }

    fn running(&self, exec: ExecutionId) -> bool {
        self.executions[exec.0].status == Status::Running
    }

    /// Enters the thread's current state.
    fn enter(&mut self, tid: ThreadId) {
        let Some(mut th) = self.take(tid) else { return };
        if !self.running(th.exec) {
            return;
        }
        let machine = self.machine_of(&th);
        let Some(state) = World::state_in(&machine.definition, &th) else {
            let f = Failure::new("States.Runtime", format!("the state `{}` does not exist in its scope", th.state));
            return self.finish_thread(tid, th, Err(f));
        };
        let exec = &mut self.executions[th.exec.0];
        exec.transitions += 1;
        if exec.transitions > self.transition_limit {
            let cause = format!(
                "the execution made {} state transitions, stepforge's limit (set_transition_limit; AWS ends an \
                 execution at 25,000 history events): a loop that never reaches a Wait or an end?",
                self.transition_limit
            );
            return self.finish_thread(tid, th, Err(Failure::new("States.Runtime", cause)));
        }
        th.entered = self.now;
        th.retry_counts.clear();
        th.retry_total = 0;
        if self.trace {
            let carried = match self.executions[th.exec.0].carried_text.take() {
                Some((t, text)) if t == tid => Some(text),
                _ => None,
            };
            let (name, input) = (&th.state, &th.input);
            let last = self.record_with(th.exec, th.last_event, entered_kind(state.type_name()), |h| {
                Details::Entered { name: h.name(name), input: carried.unwrap_or_else(|| h.json_text(input)) }
            });
            th.last_event = last;
        } else {
            // No history to search later: remember the id error causes quote.
            self.rec(&mut th, "", None);
            let entered = &mut self.executions[th.exec.0].entered_ids;
            match entered.iter_mut().find(|(name, _)| *name == th.state) {
                Some(slot) => slot.1 = th.last_event,
                None => entered.push((th.state.clone(), th.last_event)),
            }
        }
        self.open_stay(&mut th, &machine);
        self.run_body(tid, th, &machine.definition, state);
    }

    /// Does what the state's type says (also after a retry interval).
    fn body(&mut self, tid: ThreadId, th: Box<Thread>) {
        let machine = self.machine_of(&th);
        let Some(state) = World::state_in(&machine.definition, &th) else { return };
        self.run_body(tid, th, &machine.definition, state);
    }

    /// [`World::body`] with the state already looked up (entering a state
    /// finds it once).
    fn run_body(&mut self, tid: ThreadId, mut th: Box<Thread>, def: &Definition, state: &State) {
        let lang = state.query_language().unwrap_or(def.default_query_language());
        let after = match self.run_state(tid, &mut th, state, lang) {
            Ok(a) => a,
            Err(f) => After::Fail(self.in_state(&th, f)),
        };
        self.settle(tid, th, state, lang, after);
    }

    /// AWS prefixes evaluation errors with the state and the event that entered it.
    fn in_state(&self, th: &Thread, f: Failure) -> Failure {
        let exec = &self.executions[th.exec.0];
        let entered = if self.trace {
            exec.history.last_entered(&th.state).unwrap_or(0)
        } else {
            exec.entered_ids.iter().find(|(name, _)| *name == th.state).map_or(0, |(_, id)| *id)
        };
        let cause = format!(
            "An error occurred while executing the state '{}' (entered at the event id #{entered}). {}",
            th.state, f.cause
        );
        Failure::new(f.error, cause)
    }

    fn run_state<'d>(
        &mut self,
        tid: ThreadId,
        th: &mut Thread,
        state: &'d State,
        lang: QueryLanguage,
    ) -> Result<After<'d>, Failure> {
        let ctx = self.context(th, None);
        let view = View { context: &ctx, vars: &th.vars, now: self.now };
        let jsonata = lang == QueryLanguage::Jsonata;
        match state {
            State::Pass(p) => {
                let (out, vars) = if jsonata {
                    let out = match &p.output {
                        Some(o) => data::jsonata_value(o, &view, &th.input, None, None, &mut self.rng)?,
                        None => th.input.clone(),
                    };
                    let vars = match &p.assign {
                        Some(a) => Some(data::assign(a, &view, &th.input, &th.input, None, None, &mut self.rng)?),
                        None => None,
                    };
                    (out, vars)
                } else {
                    // The input is copied only when it is the result as it is.
                    let eff = data::filter_path_cow(p.input_path.as_ref(), &th.input, &view)?;
                    let params = match &p.parameters {
                        Some(t) => Some(data::template(t, &eff, &view, &mut self.rng)?),
                        None => None,
                    };
                    let result = match (&p.result, params) {
                        (Some(r), _) => r.clone(),
                        (None, Some(v)) => v,
                        (None, None) => eff.into_owned(),
                    };
                    let vars = match &p.assign {
                        Some(a) => Some(data::assign(a, &view, &result, &th.input, None, None, &mut self.rng)?),
                        None => None,
                    };
                    let placed = data::result_path_ref(p.result_path.as_ref(), &th.input, result)?;
                    (data::filter_path_owned(p.output_path.as_ref(), placed, &view)?, vars)
                };
                if let Some(vars) = vars {
                    th.vars.extend(vars);
                }
                Ok(go(&p.transition, out))
            }
            State::Choice(c) => {
                let eff = if jsonata {
                    std::borrow::Cow::Borrowed(&th.input)
                } else {
                    data::filter_path_cow(c.input_path.as_ref(), &th.input, &view)?
                };
                let mut chosen = None;
                for rule in &c.choices {
                    let hit = match &rule.condition {
                        crate::asl::Condition::Jsonata(j) => {
                            data::jsonata_condition(j, &view, &th.input, &mut self.rng)?
                        }
                        other => data::choose(other, &eff, &view)?,
                    };
                    if hit {
                        chosen = Some(rule);
                        break;
                    }
                }
                let (next, output, assign) = match (chosen, &c.default) {
                    (Some(rule), _) => (
                        rule.next.as_str(),
                        rule.output.as_ref().or(c.output.as_ref()),
                        rule.assign.as_ref().or(c.assign.as_ref()),
                    ),
                    (None, Some(d)) => (d.as_str(), c.output.as_ref(), c.assign.as_ref()),
                    (None, None) => {
                        return Ok(After::Fail(Failure::new(
                            "States.NoChoiceMatched",
                            format!(
                                "No Choice rule matched the input in the state '{}' and it has no Default",
                                th.state
                            ),
                        )));
                    }
                };
                // JSONata's Output may draw random numbers, so it comes before
                // Assign; a JSONPath OutputPath draws none and can come after,
                // which lets the input move through without a copy.
                let out = match (jsonata, output) {
                    (true, Some(o)) => Some(data::jsonata_value(o, &view, &th.input, None, None, &mut self.rng)?),
                    _ => None,
                };
                let vars = match assign {
                    Some(a) => data::assign(a, &view, &eff, &th.input, None, None, &mut self.rng)?,
                    None => Map::new(),
                };
                let out = match out {
                    Some(o) => o,
                    None => {
                        let output_path = if jsonata { None } else { c.output_path.as_ref() };
                        let eff = match eff {
                            std::borrow::Cow::Owned(v) => v,
                            std::borrow::Cow::Borrowed(_) => std::mem::take(&mut th.input),
                        };
                        data::filter_path_owned(output_path, eff, &view)?
                    }
                };
                if !vars.is_empty() {
                    th.vars.extend(vars);
                }
                Ok(After::Next(next, out))
            }
            State::Wait(w) => {
                let eff = if jsonata {
                    th.input.clone()
                } else {
                    data::filter_path(w.input_path.as_ref(), &th.input, &view)?
                };
                let until = match &w.wait {
                    WaitFor::Seconds(d) => {
                        let s = data::dynamic_count(d, "Seconds", &eff, &view, &mut self.rng)?;
                        self.now.saturating_add(i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX / 2))
                    }
                    WaitFor::Timestamp(d) => {
                        let text = match d {
                            Dynamic::Value(ts) => ts.as_str().to_string(),
                            Dynamic::Path(p) => match super::eval::select_reference(p, &eff, &view_scope(&view)) {
                                Ok(Value::String(s)) => s,
                                Ok(other) => {
                                    return Err(Failure::new(
                                        "States.Runtime",
                                        format!("TimestampPath gave {other}, not a timestamp string"),
                                    ));
                                }
                                Err(e) => return Err(data::fail(e)),
                            },
                            Dynamic::Jsonata(j) => match data::jsonata_expr(j, &view, &th.input, &mut self.rng)? {
                                Value::String(s) => s,
                                other => {
                                    return Err(Failure::new(
                                        "States.QueryEvaluationError",
                                        format!("Timestamp gave {other}, not a timestamp string"),
                                    ));
                                }
                            },
                        };
                        parse_timestamp(&text).ok_or_else(|| {
                            Failure::new("States.Runtime", format!("`{text}` is not an RFC 3339 timestamp"))
                        })?
                    }
                };
                self.schedule_for(th, until, Event::WaitOver(tid));
                Ok(After::Park)
            }
            State::Succeed(s) => {
                let out = if jsonata {
                    match &s.output {
                        Some(o) => data::jsonata_value(o, &view, &th.input, None, None, &mut self.rng)?,
                        None => th.input.clone(),
                    }
                } else {
                    let eff = match data::filter_path_cow(s.input_path.as_ref(), &th.input, &view)? {
                        std::borrow::Cow::Owned(v) => v,
                        // The thread ends here: its input moves to the output.
                        std::borrow::Cow::Borrowed(_) => std::mem::take(&mut th.input),
                    };
                    data::filter_path_owned(s.output_path.as_ref(), eff, &view)?
                };
                Ok(After::End(out))
            }
            State::Fail(f) => {
                let error = match &f.error {
                    Some(t) => data::fail_text(t, &th.input, &view, &mut self.rng)?,
                    None => String::new(),
                };
                let cause = match &f.cause {
                    Some(t) => data::fail_text(t, &th.input, &view, &mut self.rng)?,
                    None => String::new(),
                };
                Ok(After::Fail(Failure::new(error, cause)))
            }
            State::Task(_) => {
                drop(ctx);
                self.start_attempt(tid, th, state, jsonata)
            }
            State::Parallel(_) | State::Map(_) => {
                drop(ctx);
                self.start_fanout(tid, th, state, jsonata)
            }
        }
    }

    /// Applies a state's decision to its thread.
    pub(crate) fn settle(
        &mut self,
        tid: ThreadId,
        mut th: Box<Thread>,
        state: &State,
        lang: QueryLanguage,
        after: After,
    ) {
        match after {
            After::Park => self.put(tid, th),
            After::Next(next, output) => {
                let text = self.exit(&mut th, state, &output);
                // The output is the next state's input as it is.
                self.executions[th.exec.0].carried_text = text.map(|text| (tid, text));
                // Reuses the name's buffer: no allocation per transition.
                th.state.clear();
                th.state.push_str(next);
                th.input = output;
                th.phase = Phase::Idle;
                self.schedule_for(&mut th, self.now, Event::Enter(tid));
                self.put(tid, th);
            }
            After::End(output) => {
                let text = self.exit(&mut th, state, &output);
                // At the top level this output is the execution's.
                self.executions[th.exec.0].carried_text = text.map(|text| (tid, text));
                self.finish_thread(tid, th, Ok(output));
            }
            After::Fail(f) => self.handle_error(tid, th, state, lang, f),
        }
    }

    /// Records the state's `*StateExited` event; where its output's JSON text
    /// sits in the history's buffer (when histories are kept).
    fn exit(&mut self, th: &mut Thread, state: &State, output: &Value) -> Option<std::ops::Range<usize>> {
        self.cancel_keys(th);
        let mut text = None;
        if self.trace {
            let name = &th.state;
            let last = self.record_with(th.exec, th.last_event, exited_kind(state.type_name()), |h| {
                let name = h.name(name);
                let output = h.json_text(output);
                text = Some(output.clone());
                Details::Exited { name, output }
            });
            th.last_event = last;
        } else {
            self.rec(th, "", None);
        }
        self.close_stay(th);
        text
    }

    /// Retry, else Catch, else the thread fails.
    fn handle_error(&mut self, tid: ThreadId, mut th: Box<Thread>, state: &State, lang: QueryLanguage, f: Failure) {
        self.cancel_keys(&mut th);
        if let Phase::Task(run) = &th.phase {
            self.tokens.remove(&run.token);
        }
        th.phase = Phase::Idle;
        let (retry, catch) = match state {
            State::Task(t) => (t.retry.as_deref(), t.catch.as_deref()),
            State::Parallel(p) => (p.retry.as_deref(), p.catch.as_deref()),
            State::Map(m) => (m.retry.as_deref(), m.catch.as_deref()),
            _ => (None, None),
        };
        if !errors::is_terminal(&f.error) && self.running(th.exec) {
            if let Some(retriers) = retry
                && let Some(i) = retriers.iter().position(|r| errors::matches(&r.error_equals, &f.error))
            {
                th.retry_counts.resize(retriers.len(), 0);
                let count = th.retry_counts[i];
                if count < errors::max_attempts(&retriers[i]) {
                    let delay = errors::retry_delay_millis(&retriers[i], count, || self.rng.f64());
                    th.retry_counts[i] += 1;
                    th.retry_total += 1;
                    self.schedule_for(&mut th, self.now + delay, Event::Retry(tid));
                    return self.put(tid, th);
                }
            }
            if let Some(catcher) = catch.and_then(|cs| cs.iter().find(|c| errors::matches(&c.error_equals, &f.error))) {
                if lang != QueryLanguage::Jsonata && catcher.assign.is_none() {
                    // Only ResultPath reads the state input and the error output
                    // here: it takes both rather than copies.
                    let input = std::mem::take(&mut th.input);
                    return match data::result_path(catcher.result_path.as_ref(), input, f.to_output()) {
                        Ok(out) => self.settle(tid, th, state, lang, After::Next(&catcher.next, out)),
                        Err(e) => self.finish_thread(tid, th, Err(e)),
                    };
                }
                let error_output = f.to_output();
                let ctx = self.context(&th, None);
                let view = View { context: &ctx, vars: &th.vars, now: self.now };
                let outcome = (|| -> Result<(Value, Map<String, Value>), Failure> {
                    let out = if lang == QueryLanguage::Jsonata {
                        match &catcher.output {
                            Some(o) => {
                                data::jsonata_value(o, &view, &th.input, None, Some(&error_output), &mut self.rng)?
                            }
                            None => error_output.clone(),
                        }
                    } else {
                        data::result_path(catcher.result_path.as_ref(), th.input.clone(), error_output.clone())?
                    };
                    let vars = match &catcher.assign {
                        Some(a) => {
                            data::assign(a, &view, &error_output, &th.input, None, Some(&error_output), &mut self.rng)?
                        }
                        None => Map::new(),
                    };
                    Ok((out, vars))
                })();
                match outcome {
                    Ok((out, vars)) => {
                        th.vars.extend(vars);
                        return self.settle(tid, th, state, lang, After::Next(&catcher.next, out));
                    }
                    Err(e) => return self.finish_thread(tid, th, Err(e)),
                }
            }
        }
        self.finish_thread(tid, th, Err(f))
    }

    /// A thread ends: a branch or iteration reports to its Parallel or Map;
    /// the top level ends the execution.
    pub(crate) fn finish_thread(&mut self, tid: ThreadId, mut th: Box<Thread>, result: Result<Value, Failure>) {
        self.cancel_keys(&mut th);
        self.close_stay(&mut th);
        if let Phase::Task(run) = &th.phase {
            self.tokens.remove(&run.token);
        }
        let Some((pid, slot)) = th.parent else {
            let status = if result.is_ok() { Status::Succeeded } else { Status::Failed };
            return self.end_execution(th.exec, status, result, Some(th.last_event));
        };
        // A Map Run's child execution ends itself before its Map hears of it.
        if let Some(run) = self.child_of_map_run(tid, &th) {
            self.finish_child(run, &th, &result);
        }
        self.report_to_parent(pid, slot, result);
    }

    /// A branch, iteration or child execution in `slot` of the Parallel or
    /// Map thread `pid` ended with `result`.
    pub(crate) fn report_to_parent(&mut self, pid: ThreadId, slot: usize, result: Result<Value, Failure>) {
        let Some(mut parent) = self.take(pid) else { return };
        let machine = self.machine_of(&parent);
        let Some(state) = World::state_in(&machine.definition, &parent) else { return };
        let lang = state.query_language().unwrap_or(machine.definition.default_query_language());
        let is_map = matches!(state, State::Map(_));
        let Phase::Fanout(fan) = &mut parent.phase else { return self.put(pid, parent) };
        // A distributed Map's items are child executions: no MapIteration* events.
        let map_run = fan.map_run;
        let iteration_events = is_map && map_run.is_none();
        fan.children[slot] = None;
        fan.running = fan.running.saturating_sub(1);
        match result {
            Ok(v) => {
                fan.results[slot] = v;
                fan.done += 1;
                if iteration_events {
                    let (name, index) = (std::mem::take(&mut parent.state), slot as u64);
                    self.rec_with(&mut parent, "MapIterationSucceeded", |h| Details::Iteration {
                        name: h.name(&name),
                        index,
                    });
                    parent.state = name;
                }
                self.more_iterations(pid, &mut parent);
                self.put(pid, parent);
            }
            Err(f) => {
                if is_map {
                    let name = parent.state.clone();
                    if iteration_events {
                        self.rec(&mut parent, "MapIterationFailed", Some(json!({"name": name, "index": slot})));
                    }
                    let Phase::Fanout(fan) = &mut parent.phase else { return };
                    fan.failed += 1;
                    fan.done += 1;
                    let total = fan.results.len() as f64;
                    let within_count = fan.tolerated_count.is_some_and(|n| fan.failed <= n);
                    let within_pct = fan.tolerated_percentage.is_some_and(|p| fan.failed as f64 * 100.0 <= p * total);
                    if within_count || within_pct {
                        fan.results[slot] = f.to_output();
                        self.more_iterations(pid, &mut parent);
                        return self.put(pid, parent);
                    }
                    let f = if fan.tolerated_count.is_some() || fan.tolerated_percentage.is_some() {
                        Failure::new(
                            "States.ExceedToleratedFailureThreshold",
                            format!(
                                "The number of failed items ({}) exceeds the tolerated failure threshold",
                                fan.failed
                            ),
                        )
                    } else {
                        f
                    };
                    let aborted: Vec<usize> =
                        fan.children.iter().enumerate().filter(|(_, c)| c.is_some()).map(|(i, _)| i).collect();
                    self.stop_children(&mut parent);
                    for index in aborted.into_iter().filter(|_| iteration_events) {
                        self.rec(&mut parent, "MapIterationAborted", Some(json!({"name": name, "index": index})));
                    }
                    if let Some(run) = map_run {
                        self.close_map_run(run, &mut parent, Err(&f), false);
                    }
                    self.rec_with(&mut parent, "MapStateFailed", |h| failed(h, &f));
                    self.handle_error(pid, parent, state, lang, f);
                } else {
                    self.stop_children(&mut parent);
                    self.rec_with(&mut parent, "ParallelStateFailed", |h| failed(h, &f));
                    self.handle_error(pid, parent, state, lang, f);
                }
            }
        }
    }

    /// Starts Map iterations while the concurrency limit allows; queues the
    /// Map's end when every iteration is done.
    fn more_iterations(&mut self, pid: ThreadId, parent: &mut Thread) {
        let Phase::Fanout(fan) = &parent.phase else { return };
        let all_done = fan.done == fan.results.len();
        if fan.running < fan.limit && fan.next < fan.items.len() {
            // The item processor's scope and start state, once for every iteration started now.
            let machine = self.machine_of(parent);
            let scope = child_scope(parent, &machine.intern(&parent.state), 0);
            let branch_start = World::graph_of(&machine.definition, &scope).map_or("", |g| g.start_at.as_str());
            while let Phase::Fanout(fan) = &mut parent.phase
                && fan.running < fan.limit
                && fan.next < fan.items.len()
            {
                let (index, input) = (fan.next, std::mem::take(&mut fan.items[fan.next]));
                fan.next += 1;
                fan.running += 1;
                if let Some(run) = fan.map_run {
                    let child = self.start_map_run_child(run, pid, index, input);
                    if let Phase::Fanout(fan) = &mut parent.phase {
                        fan.children[index] = Some(child);
                    }
                    continue;
                }
                let name = std::mem::take(&mut parent.state);
                self.rec_with(parent, "MapIterationStarted", |h| Details::Iteration {
                    name: h.name(&name),
                    index: index as u64,
                });
                parent.state = name;
                let child = self.spawn(parent, pid, scope.clone(), index, branch_start.to_string(), input);
                if let Phase::Fanout(fan) = &mut parent.phase {
                    fan.children[index] = Some(child);
                }
            }
        }
        if all_done {
            self.schedule_for(parent, self.now, Event::FanoutDone(pid));
        }
    }

    /// A new thread in a Parallel branch or Map item processor.
    fn spawn(
        &mut self,
        parent: &Thread,
        pid: ThreadId,
        scope: Arc<[Hop]>,
        slot: usize,
        start: String,
        input: Value,
    ) -> ThreadId {
        let id = ThreadId(self.threads.len());
        let vars = parent.vars.clone();
        let th = Thread {
            last_event: parent.last_event,
            ..Thread::entering(parent.exec, scope, start, input, vars, Some((pid, slot)), self.now)
        };
        self.threads.push(Some(Box::new(th)));
        self.schedule(id, self.now, Event::Enter(id));
        id
    }

    /// Stops every running branch or iteration of a Parallel or Map.
    fn stop_children(&mut self, parent: &mut Thread) {
        if let Phase::Fanout(fan) = &mut parent.phase {
            let children: Vec<ThreadId> = fan.children.iter_mut().filter_map(Option::take).collect();
            for c in children {
                self.stop_child(c);
            }
        }
    }

    /// Drops a thread and everything under it.
    pub(crate) fn cancel_thread(&mut self, tid: ThreadId) {
        let Some(mut th) = self.take(tid) else { return };
        self.cancel_keys(&mut th);
        self.close_stay(&mut th);
        if let Phase::Task(run) = &th.phase {
            self.tokens.remove(&run.token);
        }
        self.stop_children(&mut th);
        if let Phase::Fanout(Fanout { map_run: Some(run), .. }) = th.phase {
            self.close_map_run(run, &mut th, Ok(()), true);
        }
    }

    fn start_fanout(
        &mut self,
        tid: ThreadId,
        th: &mut Thread,
        state: &State,
        jsonata: bool,
    ) -> Result<After<'static>, Failure> {
        let ctx = self.context(th, None);
        let view = View { context: &ctx, vars: &th.vars, now: self.now };
        match state {
            State::Parallel(p) => {
                let eff = if jsonata {
                    match &p.arguments {
                        Some(a) => data::jsonata_value(a, &view, &th.input, None, None, &mut self.rng)?,
                        None => th.input.clone(),
                    }
                } else {
                    let eff = data::filter_path(p.input_path.as_ref(), &th.input, &view)?;
                    match &p.parameters {
                        Some(t) => data::template(t, &eff, &view, &mut self.rng)?,
                        None => eff,
                    }
                };
                let n = p.branches.len();
                self.rec(th, "ParallelStateStarted", None);
                th.phase = Phase::Fanout(Fanout {
                    children: vec![None; n],
                    results: vec![Value::Null; n],
                    items: Vec::new(),
                    next: n,
                    running: n,
                    done: 0,
                    limit: n,
                    failed: 0,
                    tolerated_count: None,
                    tolerated_percentage: None,
                    map_run: None,
                });
                let name = self.executions[th.exec.0].machine.intern(&th.state);
                let mut eff = eff;
                for (i, branch) in p.branches.iter().enumerate() {
                    // The last branch takes the effective input itself.
                    let input = if i + 1 == n { std::mem::take(&mut eff) } else { eff.clone() };
                    let child = self.spawn(th, tid, child_scope(th, &name, i), i, branch.start_at.clone(), input);
                    if let Phase::Fanout(fan) = &mut th.phase {
                        fan.children[i] = Some(child);
                    }
                }
                if n == 0 {
                    self.schedule_for(th, self.now, Event::FanoutDone(tid));
                }
                Ok(After::Park)
            }
            State::Map(m) => {
                let eff = if jsonata {
                    th.input.clone()
                } else {
                    data::filter_path(m.input_path.as_ref(), &th.input, &view)?
                };
                let items = if let Some(reader) = &m.item_reader {
                    let params = match &reader.parameters {
                        Some(Payload::Template(t)) => data::template(t, &eff, &view, &mut self.rng)?,
                        Some(Payload::Jsonata(t)) => {
                            data::jsonata_value(t, &view, &th.input, None, None, &mut self.rng)?
                        }
                        None => json!({}),
                    };
                    let config = reader.reader_config.as_ref();
                    let max = match config.and_then(|c| c.max_items.as_ref()) {
                        Some(d) => Some(data::dynamic_count(d, "MaxItems", &eff, &view, &mut self.rng)?),
                        None => None,
                    };
                    Value::Array(super::reader::read_items(&self.objects, &reader.resource, &params, config, max)?)
                } else if jsonata {
                    match &m.items {
                        Some(t) => data::jsonata_value(t, &view, &th.input, None, None, &mut self.rng)?,
                        None => eff.clone(),
                    }
                } else {
                    match &m.items_path {
                        Some(p) => super::eval::select_reference(p, &eff, &view_scope(&view)).map_err(data::fail)?,
                        None => eff.clone(),
                    }
                };
                let Value::Array(items) = items else {
                    let field = if jsonata { "Items" } else { "ItemsPath" };
                    return Err(Failure::new(
                        "States.Runtime",
                        format!("the Map state's {field} must give an array, not {}", kind_of(&items)),
                    ));
                };
                let limit = match &m.max_concurrency {
                    Some(d) => data::dynamic_count(d, "MaxConcurrency", &eff, &view, &mut self.rng)?,
                    None => 0,
                };
                let distributed = m.is_distributed();
                let configured_limit = limit;
                // 0 means "as many as the mode allows"; inline never runs more than 40.
                let cap = if distributed { DISTRIBUTED_MAP_CONCURRENCY } else { INLINE_MAP_CONCURRENCY };
                let limit = match usize::try_from(limit).unwrap_or(usize::MAX) {
                    0 => cap,
                    n if distributed => n,
                    n => n.min(cap),
                };
                let tolerated_count = match &m.tolerated_failure_count {
                    Some(d) => Some(data::dynamic_count(d, "ToleratedFailureCount", &eff, &view, &mut self.rng)?),
                    None => None,
                };
                let tolerated_percentage = match &m.tolerated_failure_percentage {
                    Some(d) => Some(data::dynamic_number(d, "ToleratedFailurePercentage", &eff, &view, &mut self.rng)?),
                    None => None,
                };
                let items = self.batch(m, items, &eff, &view)?;
                // How many items each child execution processes (a batch's size, or one).
                let slot_items: Vec<u64> = if distributed {
                    let size = |b: &Value| b.get("Items").and_then(Value::as_array).map_or(1, |a| a.len() as u64);
                    items.iter().map(|b| if m.item_batcher.is_some() { size(b) } else { 1 }).collect()
                } else {
                    Vec::new()
                };
                // Each iteration's input: ItemSelector with `$$.Map.Item`, else the item.
                let mut inputs = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    let input = match &m.item_selector {
                        None => item,
                        Some(sel) => {
                            let mut item_ctx = ctx.clone();
                            item_ctx["Map"] = json!({"Item": {"Index": index, "Value": item}});
                            let item_view = View { context: &item_ctx, vars: &th.vars, now: self.now };
                            match sel {
                                Payload::Template(t) => data::template(t, &eff, &item_view, &mut self.rng)?,
                                Payload::Jsonata(t) => {
                                    data::jsonata_value(t, &item_view, &th.input, None, None, &mut self.rng)?
                                }
                            }
                        }
                    };
                    inputs.push(input);
                }
                let n = inputs.len();
                self.rec(th, "MapStateStarted", Some(json!({ "length": n })));
                let map_run = distributed.then(|| {
                    let express = m.item_processor.config.as_ref().and_then(|c| c.execution_type)
                        == Some(crate::asl::ExecutionType::Express);
                    let config = super::map_run::MapRunConfig {
                        label: m.label.as_deref(),
                        express,
                        max_concurrency: configured_limit,
                        tolerated_failure_count: tolerated_count,
                        tolerated_failure_percentage: tolerated_percentage,
                        slot_items,
                    };
                    self.open_map_run(th, config)
                });
                th.phase = Phase::Fanout(Fanout {
                    children: vec![None; n],
                    results: vec![Value::Null; n],
                    items: inputs,
                    next: 0,
                    running: 0,
                    done: 0,
                    limit,
                    failed: 0,
                    tolerated_count,
                    tolerated_percentage,
                    map_run,
                });
                self.more_iterations(tid, th);
                Ok(After::Park)
            }
            _ => Ok(After::Park),
        }
    }

    /// `ItemBatcher`: groups items into `{"Items": [...], "BatchInput": ...}`.
    fn batch(
        &mut self,
        m: &crate::asl::Map,
        items: Vec<Value>,
        eff: &Value,
        view: &View,
    ) -> Result<Vec<Value>, Failure> {
        let Some(b) = &m.item_batcher else { return Ok(items) };
        let max_items = match &b.max_items_per_batch {
            Some(d) => data::dynamic_count(d, "MaxItemsPerBatch", eff, view, &mut self.rng)?,
            None => u64::MAX,
        };
        let max_bytes = match &b.max_input_bytes_per_batch {
            Some(d) => data::dynamic_count(d, "MaxInputBytesPerBatch", eff, view, &mut self.rng)?,
            None => 256 * 1024,
        };
        let batch_input = match &b.batch_input {
            Some(Payload::Template(t)) => Some(data::template(t, eff, view, &mut self.rng)?),
            Some(Payload::Jsonata(t)) => Some(data::jsonata_value(t, view, eff, None, None, &mut self.rng)?),
            None => None,
        };
        let mut batches = Vec::new();
        let mut current: Vec<Value> = Vec::new();
        let mut bytes = 0u64;
        for item in items {
            let size = text(&item).len() as u64 + 1;
            if !current.is_empty() && (current.len() as u64 >= max_items || bytes + size > max_bytes) {
                batches.push(std::mem::take(&mut current));
                bytes = 0;
            }
            bytes += size;
            current.push(item);
        }
        if !current.is_empty() {
            batches.push(current);
        }
        Ok(batches
            .into_iter()
            .map(|items| {
                let mut v = json!({ "Items": items });
                if let Some(bi) = &batch_input {
                    v["BatchInput"] = bi.clone();
                }
                v
            })
            .collect())
    }

    fn fanout_done(&mut self, tid: ThreadId) {
        let Some(mut th) = self.take(tid) else { return };
        let machine = self.machine_of(&th);
        let Some(state) = World::state_in(&machine.definition, &th) else { return };
        let lang = state.query_language().unwrap_or(machine.definition.default_query_language());
        let Phase::Fanout(fan) = std::mem::replace(&mut th.phase, Phase::Idle) else { return self.put(tid, th) };
        if let Some(run) = fan.map_run {
            self.close_map_run(run, &mut th, Ok(()), false);
        }
        let result = match state {
            State::Map(m) => write_results(m, fan.results),
            _ => Ok(Value::Array(fan.results)),
        };
        let kind = if matches!(state, State::Map(_)) { "MapStateSucceeded" } else { "ParallelStateSucceeded" };
        self.rec(&mut th, kind, None);
        let after = match result.and_then(|r| self.finish_result(&mut th, state, lang, r, None)) {
            Ok(a) => a,
            Err(f) => After::Fail(self.in_state(&th, f)),
        };
        self.settle(tid, th, state, lang, after);
    }

    /// The end of a Task, Parallel or Map with its result: ResultSelector,
    /// ResultPath, OutputPath and Assign (JSONPath) or Output and Assign (JSONata).
    pub(crate) fn finish_result<'d>(
        &mut self,
        th: &mut Thread,
        state: &'d State,
        lang: QueryLanguage,
        result: Value,
        token: Option<&str>,
    ) -> Result<After<'d>, Failure> {
        let (selector, result_path, output_path, output, assign, transition) = match state {
            State::Task(t) => (&t.result_selector, &t.result_path, &t.output_path, &t.output, &t.assign, &t.transition),
            State::Parallel(p) => {
                (&p.result_selector, &p.result_path, &p.output_path, &p.output, &p.assign, &p.transition)
            }
            State::Map(m) => (&m.result_selector, &m.result_path, &m.output_path, &m.output, &m.assign, &m.transition),
            _ => return Ok(After::Park),
        };
        let ctx = self.context(th, token);
        let view = View { context: &ctx, vars: &th.vars, now: self.now };
        let (out, vars) = if lang == QueryLanguage::Jsonata {
            let out = match output {
                Some(o) => data::jsonata_value(o, &view, &th.input, Some(&result), None, &mut self.rng)?,
                None => result.clone(),
            };
            let vars = match assign {
                Some(a) => data::assign(a, &view, &result, &th.input, Some(&result), None, &mut self.rng)?,
                None => Map::new(),
            };
            (out, vars)
        } else {
            let result = match selector {
                Some(t) => data::template(t, &result, &view, &mut self.rng)?,
                None => result,
            };
            let vars = match assign {
                Some(a) => data::assign(a, &view, &result, &th.input, Some(&result), None, &mut self.rng)?,
                None => Map::new(),
            };
            let placed = data::result_path_ref(result_path.as_ref(), &th.input, result)?;
            (data::filter_path_owned(output_path.as_ref(), placed, &view)?, vars)
        };
        th.vars.extend(vars);
        Ok(go(transition, out))
    }

    fn wait_over(&mut self, tid: ThreadId) {
        let Some(mut th) = self.take(tid) else { return };
        let machine = self.machine_of(&th);
        let def = &machine.definition;
        let Some(state @ State::Wait(w)) = World::state_in(def, &th) else { return };
        let lang = state.query_language().unwrap_or(def.default_query_language());
        let ctx = self.context(&th, None);
        let view = View { context: &ctx, vars: &th.vars, now: self.now };
        let outcome = (|| -> Result<(Value, Map<String, Value>), Failure> {
            if lang == QueryLanguage::Jsonata {
                let out = match &w.output {
                    Some(o) => data::jsonata_value(o, &view, &th.input, None, None, &mut self.rng)?,
                    None => th.input.clone(),
                };
                let vars = match &w.assign {
                    Some(a) => data::assign(a, &view, &th.input, &th.input, None, None, &mut self.rng)?,
                    None => Map::new(),
                };
                Ok((out, vars))
            } else {
                let eff = data::filter_path(w.input_path.as_ref(), &th.input, &view)?;
                let vars = match &w.assign {
                    Some(a) => data::assign(a, &view, &eff, &th.input, None, None, &mut self.rng)?,
                    None => Map::new(),
                };
                Ok((data::filter_path(w.output_path.as_ref(), &eff, &view)?, vars))
            }
        })();
        let after = match outcome {
            Ok((out, vars)) => {
                th.vars.extend(vars);
                go(&w.transition, out)
            }
            Err(f) => After::Fail(self.in_state(&th, f)),
        };
        self.settle(tid, th, state, lang, after);
    }

    /// Ends an execution: its status, the last history event, the Task waiting
    /// on it (`startExecution.sync`), and the status-change rules.
    pub(crate) fn end_execution(
        &mut self,
        eid: ExecutionId,
        status: Status,
        result: Result<Value, Failure>,
        previous: Option<u64>,
    ) {
        if self.executions[eid.0].status != Status::Running {
            return;
        }
        let root = self.executions[eid.0].root;
        self.cancel_thread(root);
        if let Some(key) = self.executions[eid.0].timeout_key.take() {
            self.queue.remove(&key);
        }
        let previous = previous.unwrap_or(self.executions[eid.0].events);
        let (kind, details) = match (&result, status) {
            (Ok(_), _) if !self.trace => ("ExecutionSucceeded", Value::Null),
            (Ok(out), _) => {
                // The top-level thread's last state wrote this output's text just before.
                let exec = &mut self.executions[eid.0];
                let carried = match exec.carried_text.take() {
                    Some((t, text)) if t == exec.root => Some(text),
                    _ => None,
                };
                self.record_with(eid, previous, "ExecutionSucceeded", |h| Details::Output {
                    output: carried.unwrap_or_else(|| h.json_text(out)),
                });
                ("", Value::Null)
            }
            (Err(f), status) => {
                let kind = match status {
                    Status::TimedOut => "ExecutionTimedOut",
                    Status::Aborted => "ExecutionAborted",
                    _ => "ExecutionFailed",
                };
                self.record_with(eid, previous, kind, |h| failed(h, f));
                ("", Value::Null)
            }
        };
        if !kind.is_empty() {
            self.record(eid, previous, kind, Some(details));
        }
        let exec = &mut self.executions[eid.0];
        exec.status = status;
        exec.stop = Some(self.now);
        match result {
            Ok(out) => exec.output = Some(out),
            Err(f) => exec.failure = Some(f),
        }
        if let Some((waiter, token, mode)) = exec.waiter.clone() {
            let outcome = super::integrations::sync_result(&self.executions[eid.0], mode);
            let waiting = self
                .threads
                .get(waiter.0)
                .and_then(Option::as_ref)
                .is_some_and(|t| matches!(&t.phase, Phase::Task(TaskRun { token: tk, .. }) if *tk == token));
            if waiting {
                self.schedule(waiter, self.now, Event::TaskDone(waiter, outcome));
            }
        }
        for i in 0..self.rules.len() {
            if self.rules[i].fires(&self.executions[eid.0], status) {
                let id = self.uuid();
                let payload = super::status::event(&self.executions[eid.0], id, format_millis(self.now));
                self.push_event(self.now, Event::Deliver(i, payload));
            }
        }
    }

    /// Stops a running execution (`StopExecution`): status ABORTED.
    pub fn stop_execution(
        &mut self,
        arn: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<(), super::ExecError> {
        let Some(&id) = self.exec_by_arn.get(arn) else {
            return Err(super::ExecError::ExecutionDoesNotExist(arn.into()));
        };
        if self.executions[id.0].status != Status::Running {
            return Err(super::ExecError::ExecutionNotRunning(arn.into()));
        }
        let f = Failure::new(error.unwrap_or_default(), cause.unwrap_or_default());
        // A Map Run's child execution also counts as a failed item of its Map.
        if !self.stop_map_run_child(id, f.clone()) {
            self.end_execution(id, Status::Aborted, Err(f), None);
        }
        Ok(())
    }
}

/// A distributed Map's `ResultWriter.WriterConfig.Transformation` applied to
/// its results without export: `COMPACT` (the outputs, the default) or
/// `FLATTEN` (array outputs flattened one level). Exporting to S3, and `NONE`
/// (which returns each child execution's metadata), are refused clearly.
/// <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html>
fn write_results(m: &crate::asl::Map, results: Vec<Value>) -> Result<Value, Failure> {
    let Some(writer) = &m.result_writer else { return Ok(Value::Array(results)) };
    let refuse =
        |what: &str| Err(Failure::new("States.ResultWriterFailed", format!("stepforge does not support {what} yet")));
    if let Some(resource) = &writer.resource {
        return refuse(&format!("exporting Map results with `{resource}`"));
    }
    match writer.writer_config.as_ref().and_then(|c| c.transformation.as_deref()).unwrap_or("COMPACT") {
        "COMPACT" => Ok(Value::Array(results)),
        "FLATTEN" => Ok(Value::Array(
            results
                .into_iter()
                .flat_map(|r| match r {
                    Value::Array(items) => items,
                    other => vec![other],
                })
                .collect(),
        )),
        other => refuse(&format!("the {other} transformation")),
    }
}

/// `{"error", "cause"}` details written into the history's buffer.
pub(crate) fn failed(h: &mut TextWriter, f: &Failure) -> Details {
    Details::Failed { error: h.name(&f.error), cause: h.name(&f.cause) }
}

/// The scope of a branch (or item processor) of the parent's state, built
/// in one allocation; `state` is the parent state's interned name.
fn child_scope(parent: &Thread, state: &Arc<str>, branch: usize) -> Arc<[Hop]> {
    parent.scope.iter().cloned().chain(std::iter::once(Hop { state: state.clone(), branch })).collect()
}

fn view_scope<'a>(view: &View<'a>) -> super::eval::Scope<'a> {
    super::eval::Scope::new(view.context, view.vars)
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
