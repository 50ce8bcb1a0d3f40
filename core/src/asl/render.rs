//! [`Definition`] → ASL JSON, keys in a fixed, readable order: what a state
//! is, what it does, how its input and output are shaped, its limits, its
//! error handling, and where it goes next.

use serde_json::{Map, Value};

use super::choice::{ChoiceRule, Comparison, Condition, Operand, Rule};
use super::retry::{Catcher, Retrier};
use super::states::*;
use super::template::{Template, TemplateValue};
use super::{Definition, Graph, QueryLanguage, State, Transition};
use crate::asl::jsonata::JsonataTemplate;

/// Renders a definition as pretty-printed JSON (two-space indent, no trailing newline).
pub fn render(def: &Definition) -> String {
    // Rendering a Value cannot fail: every key is a string.
    serde_json::to_string_pretty(&render_value(def)).unwrap_or_default()
}

/// Renders a definition as a JSON value with keys in canonical order.
pub fn render_value(def: &Definition) -> Value {
    let mut o = Obj::default();
    o.opt_str("Comment", &def.comment);
    o.ql(def.query_language);
    o.put("StartAt", Value::String(def.graph.start_at.clone()));
    o.put("States", states(&def.graph));
    o.opt_u64("TimeoutSeconds", def.timeout_seconds);
    o.opt_str("Version", &def.version);
    o.into_value()
}

/// An object under construction, in insertion order.
#[derive(Default)]
struct Obj(Map<String, Value>);

impl Obj {
    fn put(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_string(), value);
    }
    fn opt(&mut self, key: &str, value: Option<Value>) {
        if let Some(v) = value {
            self.put(key, v);
        }
    }
    fn opt_str(&mut self, key: &str, value: &Option<String>) {
        self.opt(key, value.clone().map(Value::String));
    }
    fn opt_u64(&mut self, key: &str, value: Option<u64>) {
        self.opt(key, value.map(|v| Value::Number(v.into())));
    }
    fn ql(&mut self, ql: Option<QueryLanguage>) {
        self.opt("QueryLanguage", ql.map(|q| Value::String(q.as_str().into())));
    }
    fn path_or_null<P: AsStr>(&mut self, key: &str, value: &Option<PathOrNull<P>>) {
        self.opt(
            key,
            value.as_ref().map(|p| match p {
                PathOrNull::Path(p) => Value::String(p.as_str().to_string()),
                PathOrNull::Null => Value::Null,
            }),
        );
    }
    fn template(&mut self, key: &str, value: &Option<TemplateValue>) {
        self.opt(key, value.as_ref().map(template_value));
    }
    fn jsonata(&mut self, key: &str, value: &Option<JsonataTemplate>) {
        self.opt(key, value.as_ref().map(|j| j.0.clone()));
    }
    fn payload(&mut self, key: &str, value: &Option<Payload>) {
        self.opt(key, value.as_ref().map(payload));
    }
    /// `Key`, `KeyPath` or `Key: "{% %}"`.
    fn dynamic<T>(&mut self, key: &str, value: &Option<Dynamic<T>>, literal: impl Fn(&T) -> Value) {
        match value {
            Some(Dynamic::Value(v)) => self.put(key, literal(v)),
            Some(Dynamic::Path(p)) => self.put(&format!("{key}Path"), Value::String(p.as_str().to_string())),
            Some(Dynamic::Jsonata(j)) => self.put(key, Value::String(j.as_str().to_string())),
            None => {}
        }
    }
    fn dynamic_u64(&mut self, key: &str, value: &Option<Dynamic<u64>>) {
        self.dynamic(key, value, |v| Value::Number((*v).into()));
    }
    fn retry_catch(&mut self, retry: &Option<Vec<Retrier>>, catch: &Option<Vec<Catcher>>) {
        self.opt("Retry", retry.as_ref().map(|rs| Value::Array(rs.iter().map(retrier).collect())));
        self.opt("Catch", catch.as_ref().map(|cs| Value::Array(cs.iter().map(catcher).collect())));
    }
    fn transition(&mut self, t: &Transition) {
        match t {
            Transition::Next(n) => self.put("Next", Value::String(n.clone())),
            Transition::End => self.put("End", Value::Bool(true)),
        }
    }
    fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

/// Paths and reference paths render as their text.
trait AsStr {
    fn as_str(&self) -> &str;
}
impl AsStr for super::Path {
    fn as_str(&self) -> &str {
        super::Path::as_str(self)
    }
}
impl AsStr for super::ReferencePath {
    fn as_str(&self) -> &str {
        super::ReferencePath::as_str(self)
    }
}

fn states(graph: &Graph) -> Value {
    Value::Object(graph.states.iter().map(|(name, s)| (name.clone(), state(s))).collect())
}

fn graph(g: &Graph, extra: impl FnOnce(&mut Obj)) -> Value {
    let mut o = Obj::default();
    o.opt_str("Comment", &g.comment);
    extra(&mut o);
    o.put("StartAt", Value::String(g.start_at.clone()));
    o.put("States", states(g));
    o.into_value()
}

fn state(s: &State) -> Value {
    let mut o = Obj::default();
    o.put("Type", Value::String(s.type_name().into()));
    o.opt_str("Comment", &s.comment().map(str::to_string));
    o.ql(s.query_language());
    match s {
        State::Pass(p) => {
            o.path_or_null("InputPath", &p.input_path);
            o.template("Parameters", &p.parameters);
            o.opt("Result", p.result.clone());
            o.path_or_null("ResultPath", &p.result_path);
            o.path_or_null("OutputPath", &p.output_path);
            o.jsonata("Output", &p.output);
            o.payload("Assign", &p.assign);
            o.transition(&p.transition);
        }
        State::Task(t) => {
            o.put("Resource", Value::String(t.resource.clone()));
            o.payload("Credentials", &t.credentials);
            o.path_or_null("InputPath", &t.input_path);
            o.template("Parameters", &t.parameters);
            o.jsonata("Arguments", &t.arguments);
            o.template("ResultSelector", &t.result_selector);
            o.path_or_null("ResultPath", &t.result_path);
            o.path_or_null("OutputPath", &t.output_path);
            o.jsonata("Output", &t.output);
            o.payload("Assign", &t.assign);
            o.dynamic_u64("TimeoutSeconds", &t.timeout_seconds);
            o.dynamic_u64("HeartbeatSeconds", &t.heartbeat_seconds);
            o.retry_catch(&t.retry, &t.catch);
            o.transition(&t.transition);
        }
        State::Choice(c) => {
            o.path_or_null("InputPath", &c.input_path);
            o.put("Choices", Value::Array(c.choices.iter().map(choice_rule).collect()));
            o.opt_str("Default", &c.default);
            o.path_or_null("OutputPath", &c.output_path);
            o.jsonata("Output", &c.output);
            o.payload("Assign", &c.assign);
        }
        State::Wait(w) => {
            match &w.wait {
                WaitFor::Seconds(d) => o.dynamic_u64("Seconds", &Some(d.clone())),
                WaitFor::Timestamp(d) => o.dynamic("Timestamp", &Some(d.clone()), |t| Value::String(t.as_str().into())),
            }
            o.path_or_null("InputPath", &w.input_path);
            o.path_or_null("OutputPath", &w.output_path);
            o.jsonata("Output", &w.output);
            o.payload("Assign", &w.assign);
            o.transition(&w.transition);
        }
        State::Succeed(s) => {
            o.path_or_null("InputPath", &s.input_path);
            o.path_or_null("OutputPath", &s.output_path);
            o.jsonata("Output", &s.output);
        }
        State::Fail(f) => {
            fail_text(&mut o, "Error", &f.error);
            fail_text(&mut o, "Cause", &f.cause);
        }
        State::Parallel(p) => {
            o.put("Branches", Value::Array(p.branches.iter().map(|b| graph(b, |_| {})).collect()));
            o.path_or_null("InputPath", &p.input_path);
            o.template("Parameters", &p.parameters);
            o.jsonata("Arguments", &p.arguments);
            o.template("ResultSelector", &p.result_selector);
            o.path_or_null("ResultPath", &p.result_path);
            o.path_or_null("OutputPath", &p.output_path);
            o.jsonata("Output", &p.output);
            o.payload("Assign", &p.assign);
            o.retry_catch(&p.retry, &p.catch);
            o.transition(&p.transition);
        }
        State::Map(m) => map(&mut o, m),
    }
    o.into_value()
}

fn map(o: &mut Obj, m: &super::states::Map) {
    o.opt("ItemsPath", m.items_path.as_ref().map(|p| Value::String(p.as_str().into())));
    o.jsonata("Items", &m.items);
    if let Some(r) = &m.item_reader {
        let mut ro = Obj::default();
        ro.put("Resource", Value::String(r.resource.clone()));
        io_parameters(&mut ro, &r.parameters);
        if let Some(c) = &r.reader_config {
            let mut co = Obj::default();
            co.opt_str("InputType", &c.input_type);
            co.opt_str("CSVHeaderLocation", &c.csv_header_location);
            co.opt(
                "CSVHeaders",
                c.csv_headers.as_ref().map(|h| Value::Array(h.iter().cloned().map(Value::String).collect())),
            );
            co.opt_str("CSVDelimiter", &c.csv_delimiter);
            co.opt_str("ManifestType", &c.manifest_type);
            co.dynamic_u64("MaxItems", &c.max_items);
            ro.put("ReaderConfig", co.into_value());
        }
        o.put("ItemReader", ro.into_value());
    }
    o.payload(m.selector_key.as_str(), &m.item_selector);
    if let Some(b) = &m.item_batcher {
        let mut bo = Obj::default();
        bo.dynamic_u64("MaxItemsPerBatch", &b.max_items_per_batch);
        bo.dynamic_u64("MaxInputBytesPerBatch", &b.max_input_bytes_per_batch);
        bo.payload("BatchInput", &b.batch_input);
        o.put("ItemBatcher", bo.into_value());
    }
    let processor = graph(&m.item_processor.graph, |po| {
        if let Some(c) = &m.item_processor.config {
            let mut co = Obj::default();
            co.opt("Mode", c.mode.map(|m| Value::String(m.as_str().into())));
            co.opt("ExecutionType", c.execution_type.map(|t| Value::String(t.as_str().into())));
            po.put("ProcessorConfig", co.into_value());
        }
    });
    o.put(m.processor_key.as_str(), processor);
    o.dynamic_u64("MaxConcurrency", &m.max_concurrency);
    o.dynamic_u64("ToleratedFailureCount", &m.tolerated_failure_count);
    o.dynamic("ToleratedFailurePercentage", &m.tolerated_failure_percentage, |n| Value::Number(n.clone()));
    o.opt_str("Label", &m.label);
    if let Some(w) = &m.result_writer {
        let mut wo = Obj::default();
        wo.opt_str("Resource", &w.resource);
        io_parameters(&mut wo, &w.parameters);
        if let Some(c) = &w.writer_config {
            let mut co = Obj::default();
            co.opt_str("OutputType", &c.output_type);
            co.opt_str("Transformation", &c.transformation);
            wo.put("WriterConfig", co.into_value());
        }
        o.put("ResultWriter", wo.into_value());
    }
    o.path_or_null("InputPath", &m.input_path);
    o.template("ResultSelector", &m.result_selector);
    o.path_or_null("ResultPath", &m.result_path);
    o.path_or_null("OutputPath", &m.output_path);
    o.jsonata("Output", &m.output);
    o.payload("Assign", &m.assign);
    o.retry_catch(&m.retry, &m.catch);
    o.transition(&m.transition);
}

/// ItemReader/ResultWriter take `Parameters` in JSONPath and `Arguments` in JSONata.
fn io_parameters(o: &mut Obj, p: &Option<Payload>) {
    match p {
        Some(Payload::Template(t)) => o.put("Parameters", template_value(t)),
        Some(Payload::Jsonata(j)) => o.put("Arguments", j.0.clone()),
        None => {}
    }
}

fn fail_text(o: &mut Obj, key: &str, text: &Option<FailText>) {
    match text {
        Some(FailText::Value(s)) => o.put(key, Value::String(s.clone())),
        Some(FailText::Path(e)) => o.put(&format!("{key}Path"), Value::String(e.as_str().into())),
        Some(FailText::Jsonata(j)) => o.put(key, Value::String(j.as_str().into())),
        None => {}
    }
}

/// A payload template back to JSON: computed keys get their `.$` again.
pub(crate) fn template(t: &Template) -> Value {
    let mut map = Map::with_capacity(t.fields.len());
    for (key, value) in &t.fields {
        match value {
            TemplateValue::Expr(e) => map.insert(format!("{key}.$"), Value::String(e.as_str().into())),
            other => map.insert(key.clone(), template_value(other)),
        };
    }
    Value::Object(map)
}

pub(crate) fn template_value(v: &TemplateValue) -> Value {
    match v {
        TemplateValue::Literal(v) => v.clone(),
        TemplateValue::Object(t) => template(t),
        TemplateValue::Array(items) => Value::Array(items.iter().map(template_value).collect()),
        // Only reachable for an Expr inside an array, which the parser never makes.
        TemplateValue::Expr(e) => Value::String(e.as_str().into()),
    }
}

fn payload(p: &Payload) -> Value {
    match p {
        Payload::Template(t) => template_value(t),
        Payload::Jsonata(j) => j.0.clone(),
    }
}

fn retrier(r: &Retrier) -> Value {
    let mut o = Obj::default();
    o.opt_str("Comment", &r.comment);
    o.put("ErrorEquals", Value::Array(r.error_equals.iter().cloned().map(Value::String).collect()));
    o.opt_u64("IntervalSeconds", r.interval_seconds);
    o.opt_u64("MaxAttempts", r.max_attempts);
    o.opt("BackoffRate", r.backoff_rate.clone().map(Value::Number));
    o.opt_u64("MaxDelaySeconds", r.max_delay_seconds);
    o.opt("JitterStrategy", r.jitter_strategy.map(|j| Value::String(j.as_str().into())));
    o.into_value()
}

fn catcher(c: &Catcher) -> Value {
    let mut o = Obj::default();
    o.opt_str("Comment", &c.comment);
    o.put("ErrorEquals", Value::Array(c.error_equals.iter().cloned().map(Value::String).collect()));
    o.path_or_null("ResultPath", &c.result_path);
    o.jsonata("Output", &c.output);
    o.payload("Assign", &c.assign);
    o.put("Next", Value::String(c.next.clone()));
    o.into_value()
}

fn choice_rule(r: &ChoiceRule) -> Value {
    let mut o = Obj::default();
    o.opt_str("Comment", &r.comment);
    condition(&mut o, &r.condition);
    o.jsonata("Output", &r.output);
    o.payload("Assign", &r.assign);
    o.put("Next", Value::String(r.next.clone()));
    o.into_value()
}

fn nested(r: &Rule) -> Value {
    let mut o = Obj::default();
    o.opt_str("Comment", &r.comment);
    condition(&mut o, &r.condition);
    o.into_value()
}

fn condition(o: &mut Obj, c: &Condition) {
    match c {
        Condition::Compare(cmp) => comparison(o, cmp),
        Condition::And(rules) => o.put("And", Value::Array(rules.iter().map(nested).collect())),
        Condition::Or(rules) => o.put("Or", Value::Array(rules.iter().map(nested).collect())),
        Condition::Not(rule) => o.put("Not", nested(rule)),
        Condition::Jsonata(j) => o.put("Condition", Value::String(j.as_str().into())),
    }
}

fn comparison(o: &mut Obj, c: &Comparison) {
    o.put("Variable", Value::String(c.variable.as_str().into()));
    let (key, value) = match &c.operand {
        Operand::Path(p) => (c.operator.path_key().unwrap_or(c.operator.as_str()), Value::String(p.as_str().into())),
        Operand::String(s) => (c.operator.as_str(), Value::String(s.clone())),
        Operand::Number(n) => (c.operator.as_str(), Value::Number(n.clone())),
        Operand::Boolean(b) => (c.operator.as_str(), Value::Bool(*b)),
        Operand::Timestamp(t) => (c.operator.as_str(), Value::String(t.as_str().into())),
    };
    o.put(key, value);
}
