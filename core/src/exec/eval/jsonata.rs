//! JSONata evaluation through `jsonata-rs` 0.3, with Step Functions' bindings
//! and functions.
//!
//! # What is bound
//!
//! - `$states`: `{ input, context }`, plus `result` and `errorOutput` when the
//!   field being evaluated can see them; workflow variables as `$name`.
//! - There is no `$`: Step Functions gives top-level expressions no input.
//!
//! # Functions
//!
//! Step Functions' own (each tested in `core/tests/exec_eval.rs`):
//! `$partition(array, size)`, `$range(start, end, step)` (end included, at most
//! 1000 items), `$hash(string, algorithm)` (MD5, SHA-1, SHA-256, SHA-384,
//! SHA-512; lowercase hex), `$random()` and `$random(seed)` (from the caller's
//! [`Entropy`]; a seed gives a fixed number), `$uuid()` (version 4 from
//! [`Entropy`]), `$parse(json)`.
//!
//! `$now()` and `$millis()` read the executor's virtual clock
//! ([`JsonataEnv::now_millis`]); `$now(picture, timezone)` formats it with
//! `jsonata-rs`'s `$fromMillis`.
//!
//! Added here because `jsonata-rs` lacks them (to the JSONata 2.0
//! reference): `$average`, `$type`, `$formatBase`, `$spread`, `$sift`,
//! `$shuffle` (from [`Entropy`]), `$clone`, `$encodeUrl`,
//! `$encodeUrlComponent`, `$decodeUrl`, `$decodeUrlComponent`, and
//! `$formatNumber` for decimal pictures (`#,##0.00`, `0%`, `#0.0;(#0.0)`; an
//! exponent, another digit family or the options argument is an error), and
//! `$formatInteger` and `$parseInteger` for decimal pictures (`000`, `#,##0`;
//! words, roman numerals and ordinals are an error).
//!
//! Replaced here because `jsonata-rs` lists object keys in a random order
//! (its objects are hash maps seeded per map): `$keys`, `$each`, `$string`
//! list keys in the order of the JSON the object came from, and in sorted
//! order for objects the expression built.
//!
//! From `jsonata-rs`: `$abs $append $assert $base64decode $base64encode
//! $boolean $ceil $contains $count $distinct $error $exists $filter
//! $floor $fromMillis $join $length $lookup $lowercase $map $match $max
//! $merge $min $not $number $pad $power $reduce $replace $reverse $round
//! $single $sort $split $sqrt $substring $substringAfter
//! $substringBefore $sum $toMillis $trim $uppercase $zip`.
//!
//! Not available, a `States.QueryEvaluationError` naming the function before
//! anything is evaluated: `$eval`, which Step Functions does not offer either
//! (use `$parse`). The wildcards `.*` and `**` are
//! refused the same way: they walk object values in hash-map order.
//!
//! # Known differences from AWS
//!
//! - An object the expression builds (`{'b': 1, 'a': 2}`, `$merge`, a
//!   transform) comes out with its keys sorted, not in insertion order; an
//!   object passed through from the input, the context or a variable keeps
//!   its order, and its numbers keep their digits.
//! - Numbers are doubles inside JSONata (as in JavaScript); a computed integer
//!   beyond 2^53 loses digits.
//! - The `&` operator stringifies its operands with `jsonata-rs`'s own
//!   `$string`, not ours: an object operand lists its keys in a random order,
//!   and a number from 1e21 up or below 1e-6 loses its exponent. Write
//!   `$string(x) & …` for such operands.
//! - Evaluation deeper than 100 levels (a runaway recursive function) is
//!   stopped with an error, as is one that runs for more than 10 seconds.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use bumpalo::Bump;
use jsonata_rs::{ArrayFlags, Error as JError, FunctionContext, JsonAta, Value as JValue};
use serde_json::{Map, Number, Value};

use super::intrinsic::hash;
use super::{Entropy, EvalError};
use crate::asl::jsonata::{Jsonata, JsonataTemplate};

/// What a JSONata expression sees: `$states.input`, `$states.result`,
/// `$states.errorOutput`, `$states.context`, the workflow variables, and the
/// virtual clock for `$now()` and `$millis()`.
#[derive(Debug, Clone, Copy)]
pub struct JsonataEnv<'a> {
    /// `$states.input`: the state's input.
    pub input: &'a Value,
    /// `$states.result`: the task's (or Map's, Parallel's) result, in `Output` and `Assign`.
    pub result: Option<&'a Value>,
    /// `$states.errorOutput`: the error in a `Catch`'s `Output` and `Assign`.
    pub error_output: Option<&'a Value>,
    /// `$states.context`: the context object.
    pub context: &'a Value,
    /// Workflow variables visible here, by name without `$`.
    pub variables: &'a Map<String, Value>,
    /// Milliseconds since the Unix epoch on the executor's (virtual) clock.
    pub now_millis: i64,
}

/// How deep evaluation may recurse before it is stopped: a runaway recursive
/// lambda must fail, not overflow the stack. `jsonata-rs` takes about 12 KB of
/// stack per level in a debug build, so 100 levels stay within 1.2 MB (a test
/// thread has 2 MB); real expressions nest far less.
const MAX_DEPTH: usize = 100;

/// Wall-clock limit for one evaluation, in milliseconds: only a runaway
/// expression reaches it.
const TIME_LIMIT_MS: usize = 10_000;

/// Standard JSONata functions `jsonata-rs` does not provide.
const UNSUPPORTED: &[&str] = &["eval"];

/// The names `jsonata-rs` binds itself at evaluation time, over anything bound
/// before: a workflow variable with one of these names is renamed in the
/// expression so that it is not hidden.
const BUILTINS: &[&str] = &[
    "abs",
    "append",
    "assert",
    "base64decode",
    "base64encode",
    "boolean",
    "ceil",
    "contains",
    "count",
    "distinct",
    "each",
    "error",
    "exists",
    "fromMillis",
    "toMillis",
    "single",
    "filter",
    "floor",
    "join",
    "keys",
    "length",
    "lookup",
    "lowercase",
    "map",
    "match",
    "max",
    "merge",
    "min",
    "not",
    "now",
    "number",
    "pad",
    "power",
    "random",
    "reduce",
    "replace",
    "reverse",
    "round",
    "sort",
    "split",
    "sqrt",
    "string",
    "substring",
    "substringBefore",
    "substringAfter",
    "sum",
    "trim",
    "uppercase",
    "zip",
    "millis",
    "uuid",
];

/// Step Functions' functions that replace `jsonata-rs`'s (which read the
/// machine's clock and generator), under the names they are bound as.
///
/// `$keys`, `$each` and `$string` are replaced too: `jsonata-rs` keeps objects
/// in hash maps seeded at random, so its versions list keys in an order that
/// changes from run to run. Ours follow the key order of the JSON the object
/// came from (sorted keys for objects the expression built).
const REPLACED: &[(&str, &str)] = &[
    ("now", "__sfn_now"),
    ("millis", "__sfn_millis"),
    ("random", "__sfn_random"),
    ("uuid", "__sfn_uuid"),
    ("keys", "__sfn_keys"),
    ("each", "__sfn_each"),
    ("string", "__sfn_string"),
];

/// Evaluates a `{% … %}` expression. Failures, and a result JSON cannot hold
/// (nothing, a function), are `States.QueryEvaluationError`.
pub fn jsonata(expr: &Jsonata, env: &JsonataEnv, rng: &mut dyn Entropy) -> Result<Value, EvalError> {
    evaluate(expr.expression(), env, rng)?.ok_or_else(|| {
        EvalError::query(format!("The JSONata expression '{}' returned nothing (undefined)", expr.as_str()))
    })
}

/// Evaluates a JSONata `Condition`: its value must be a boolean.
pub fn jsonata_condition(expr: &Jsonata, env: &JsonataEnv, rng: &mut dyn Entropy) -> Result<bool, EvalError> {
    match jsonata(expr, env, rng)? {
        Value::Bool(b) => Ok(b),
        other => Err(EvalError::query(format!(
            "The JSONata expression '{}' of a Condition must return a boolean, but returned {}",
            expr.as_str(),
            other
        ))),
    }
}

/// Evaluates a JSONata template (`Arguments`, `Output`, `Assign`, `Items`, …):
/// every string written `{% … %}`, at any depth, is replaced by its value (a
/// string that is exactly one expression takes the value's type); everything
/// else is copied.
pub fn jsonata_template(t: &JsonataTemplate, env: &JsonataEnv, rng: &mut dyn Entropy) -> Result<Value, EvalError> {
    template_value(&t.0, &mut Vec::new(), env, rng)
}

/// One step from a template's root to a value inside it.
enum Step<'t> {
    Key(&'t str),
    Index(usize),
}

fn template_value<'t>(
    value: &'t Value,
    at: &mut Vec<Step<'t>>,
    env: &JsonataEnv,
    rng: &mut dyn Entropy,
) -> Result<Value, EvalError> {
    match value {
        Value::String(s) if Jsonata::is_expression(s) => {
            let inner = s.get(2..s.len() - 2).unwrap_or_default().trim();
            let result = evaluate(inner, env, rng).and_then(|value| {
                value.ok_or_else(|| {
                    EvalError::query(format!("The JSONata expression '{s}' returned nothing (undefined)"))
                })
            });
            // Say where in the template the expression is, when it is not the whole of it.
            result.map_err(|mut e| {
                if !at.is_empty() {
                    e.cause.push_str(&format!(" (at {})", pointer(at)));
                }
                e
            })
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                at.push(Step::Index(i));
                let value = template_value(item, at, env, rng);
                at.pop();
                out.push(value?);
            }
            Ok(Value::Array(out))
        }
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                at.push(Step::Key(k));
                let value = template_value(v, at, env, rng);
                at.pop();
                out.insert(k.clone(), value?);
            }
            Ok(Value::Object(out))
        }
        other => Ok(other.clone()),
    }
}

/// A JSON pointer (RFC 6901) to a value in a template.
fn pointer(at: &[Step]) -> String {
    let mut out = String::new();
    for step in at {
        out.push('/');
        match step {
            Step::Key(k) => out.push_str(&crate::error::escape_token(k)),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// What one evaluation needs from outside: the clock and a generator seeded
/// from the caller's [`Entropy`]. `jsonata-rs` takes plain `fn` pointers, so
/// its functions reach these through a thread-local set for the evaluation.
struct Ambient {
    now_millis: i64,
    rng: fastrand::Rng,
    /// The key order of each object made from JSON, by engine-value address
    /// (filled only when the expression lists keys).
    key_orders: rustc_hash::FxHashMap<usize, Vec<String>>,
}

thread_local! {
    static AMBIENT: RefCell<Option<Ambient>> = const { RefCell::new(None) };
}

/// Clears the thread-local when an evaluation ends, panicking or not.
struct AmbientGuard;

impl Drop for AmbientGuard {
    fn drop(&mut self) {
        AMBIENT.with(|a| a.borrow_mut().take());
    }
}

/// Evaluates expression text (between the delimiters); `None` is undefined.
fn evaluate(text: &str, env: &JsonataEnv, rng: &mut dyn Entropy) -> Result<Option<Value>, EvalError> {
    let rewritten = rewrite(text, env.variables)?;
    // Draw from the caller's generator only when the expression needs it, so
    // that adding a JSONata field without randomness does not shift the rest.
    let seed = if rewritten.random { rng.next_u64() } else { 0 };
    AMBIENT.with(|a| {
        *a.borrow_mut() = Some(Ambient {
            now_millis: env.now_millis,
            rng: fastrand::Rng::with_seed(seed),
            key_orders: rustc_hash::FxHashMap::default(),
        })
    });
    let _guard = AmbientGuard;
    let fail = |why: String| EvalError::query(format!("The JSONata expression '{{% {text} %}}' failed: {why}"));
    // jsonata-rs is third-party code that panics on some inputs: a panic must
    // become an error, not take the executor down.
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<Option<Value>, String> {
        let arena = Bump::new();
        let expr = JsonAta::new(&rewritten.text, &arena).map_err(|e| e.to_string())?;
        register(&expr, &rewritten.mentioned);
        let mut origins = Origins { record_keys: rewritten.lists_keys, ..Origins::default() };
        bind(&expr, &arena, env, &rewritten, &mut origins)?;
        if rewritten.lists_keys {
            let orders = std::mem::take(&mut origins.key_orders);
            AMBIENT.with(|a| a.borrow_mut().as_mut().map(|a| a.key_orders = orders));
        }
        let result = expr.evaluate_timeboxed(None, Some(MAX_DEPTH), Some(TIME_LIMIT_MS)).map_err(|e| describe(&e))?;
        to_json(result, &origins)
    }));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(why)) => Err(fail(why)),
        Err(_) => Err(fail("the JSONata engine failed on this expression".into())),
    }
}

/// An engine error, with the code JSONata documents.
fn describe(e: &JError) -> String {
    match e {
        JError::U1001StackOverflow => "U1001: the expression recursed too deeply".into(),
        JError::U1001Timeout => "U1001: the expression ran too long".into(),
        JError::T1006InvokedNonFunction(_) | JError::T1005InvokedNonFunctionSuggest(..) => {
            format!("{e} (an undefined function or variable was called)")
        }
        _ => e.to_string(),
    }
}

/// A function this module binds: the name written in expressions, the name
/// it is bound as, its arity.
type Binding =
    (&'static str, &'static str, usize, for<'a, 'e> fn(FunctionContext<'a, 'e>, &[&'a JValue<'a>]) -> Native<'a>);

const FUNCTIONS: &[Binding] = &[
    ("partition", "partition", 2, fn_partition),
    ("range", "range", 3, fn_range),
    ("hash", "hash", 2, fn_hash),
    ("parse", "parse", 1, fn_parse),
    ("random", "__sfn_random", 1, fn_random),
    ("uuid", "__sfn_uuid", 0, fn_uuid),
    ("now", "__sfn_now", 2, fn_now),
    ("millis", "__sfn_millis", 0, fn_millis),
    ("average", "average", 1, fn_average),
    ("type", "type", 1, fn_type),
    ("keys", "__sfn_keys", 1, fn_keys),
    ("each", "__sfn_each", 2, fn_each),
    ("string", "__sfn_string", 2, fn_string),
    ("formatBase", "formatBase", 2, fn_format_base),
    ("formatNumber", "formatNumber", 3, fn_format_number),
    ("formatInteger", "formatInteger", 2, fn_format_integer),
    ("parseInteger", "parseInteger", 2, fn_parse_integer),
    ("spread", "spread", 1, fn_spread),
    ("sift", "sift", 2, fn_sift),
    ("shuffle", "shuffle", 1, fn_shuffle),
    ("clone", "clone", 1, fn_clone),
    ("encodeUrlComponent", "encodeUrlComponent", 1, fn_encode_url_component),
    ("encodeUrl", "encodeUrl", 1, fn_encode_url),
    ("decodeUrlComponent", "decodeUrlComponent", 1, fn_decode_url_component),
    ("decodeUrl", "decodeUrl", 1, fn_decode_url),
];

/// Binds the functions the expression mentions (binding costs an allocation
/// or two each, and most expressions call none of them).
fn register<'a>(expr: &JsonAta<'a>, mentioned: &rustc_hash::FxHashSet<String>) {
    for (name, bound, arity, function) in FUNCTIONS {
        if mentioned.contains(*name) {
            expr.register_function(bound, *arity, *function);
        }
    }
}

/// Binds the workflow variables and `$states` the expression mentions (after
/// the functions, so that a variable hides a function of the same name, as in
/// JSONata).
fn bind<'a, 'v>(
    expr: &JsonAta<'a>,
    arena: &'a Bump,
    env: &JsonataEnv<'v>,
    rewritten: &Rewritten,
    origins: &mut Origins<'v>,
) -> Result<(), String> {
    for (name, value) in env.variables {
        if !rewritten.mentioned.contains(name) {
            continue;
        }
        let bound = if rewritten.renamed.contains(name) { format!("__sfn_var_{name}") } else { name.clone() };
        expr.assign_var(&bound, to_jsonata(arena, value, origins)?);
    }
    if !rewritten.mentioned.contains("states") {
        return Ok(());
    }
    let states = JValue::object_with_capacity(arena, 4);
    states.insert("input", to_jsonata(arena, env.input, origins)?);
    states.insert("context", to_jsonata(arena, env.context, origins)?);
    if let Some(result) = env.result {
        states.insert("result", to_jsonata(arena, result, origins)?);
    }
    if let Some(error) = env.error_output {
        states.insert("errorOutput", to_jsonata(arena, error, origins)?);
    }
    expr.assign_var("states", states);
    Ok(())
}

/// The JSON each object and number given to the engine came from, by the
/// address of its engine value. A value the expression passes through comes
/// back as the same engine value: it is written back with its keys in their
/// order and its number exactly as it was, not as a double.
#[derive(Default)]
struct Origins<'v> {
    objects: rustc_hash::FxHashMap<usize, &'v Map<String, Value>>,
    numbers: rustc_hash::FxHashMap<usize, &'v Number>,
    /// Whether to copy key orders for the functions that list keys.
    record_keys: bool,
    key_orders: rustc_hash::FxHashMap<usize, Vec<String>>,
}

fn address(value: &JValue) -> usize {
    value as *const JValue as usize
}

/// A JSON value in the arena, its objects and numbers noted in `origins`.
fn to_jsonata<'a, 'v>(arena: &'a Bump, value: &'v Value, origins: &mut Origins<'v>) -> Result<&'a JValue<'a>, String> {
    Ok(match value {
        Value::Null => JValue::null(arena),
        Value::Bool(b) => JValue::bool(*b),
        Value::Number(n) => {
            // A number beyond the doubles is infinite here, as JSON.parse
            // makes it; only an expression computing with it fails.
            let x: f64 = n.as_str().parse().map_err(|_| format!("the number {n} cannot be read"))?;
            let number = JValue::number(arena, x);
            origins.numbers.insert(address(number), n);
            number
        }
        Value::String(s) => JValue::string(arena, s),
        Value::Array(items) => {
            let array = JValue::array_with_capacity(arena, items.len(), ArrayFlags::empty());
            for item in items {
                array.push(to_jsonata(arena, item, origins)?);
            }
            array
        }
        Value::Object(map) => {
            let object = JValue::object_with_capacity(arena, map.len());
            for (k, v) in map {
                object.insert(k, to_jsonata(arena, v, origins)?);
            }
            origins.objects.insert(address(object), map);
            if origins.record_keys {
                origins.key_orders.insert(address(object), map.keys().cloned().collect());
            }
            object
        }
    })
}

/// A JSONata value as JSON; `None` for undefined. Undefined members of arrays
/// and objects are left out, as JSON.stringify does.
fn to_json<'a>(value: &'a JValue<'a>, origins: &Origins) -> Result<Option<Value>, String> {
    Ok(Some(match value {
        JValue::Undefined => return Ok(None),
        JValue::Null => Value::Null,
        JValue::Bool(b) => Value::Bool(*b),
        JValue::Number(x) => match origins.numbers.get(&address(value)) {
            Some(original) => Value::Number((*original).clone()),
            None => Value::Number(number(*x)?),
        },
        JValue::String(s) => Value::String(s.to_string()),
        JValue::Array(..) | JValue::Range(..) => {
            let mut items = Vec::with_capacity(value.len());
            for member in value.members() {
                items.extend(to_json(member, origins)?);
            }
            Value::Array(items)
        }
        JValue::Object(_) => {
            let mut entries: Vec<(String, Value)> = Vec::with_capacity(value.entries().len());
            for (k, v) in value.entries() {
                if let Some(v) = to_json(v, origins)? {
                    entries.push((k.to_string(), v));
                }
            }
            // Keys in the order of the JSON the object came from; a new
            // object's hash-map order is not reproducible, sorted keys are.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let Some(original) = origins.objects.get(&address(value)) else {
                return Ok(Some(Value::Object(entries.into_iter().collect())));
            };
            let mut by_key: rustc_hash::FxHashMap<String, Value> = entries.into_iter().collect();
            let mut ordered = Map::with_capacity(by_key.len());
            for key in original.keys() {
                if let Some(v) = by_key.remove(key) {
                    ordered.insert(key.clone(), v);
                }
            }
            // Keys a transform added go after, sorted.
            let mut added: Vec<(String, Value)> = by_key.into_iter().collect();
            added.sort_by(|a, b| a.0.cmp(&b.0));
            ordered.extend(added);
            Value::Object(ordered)
        }
        JValue::Lambda { .. } | JValue::NativeFn { .. } | JValue::Transformer { .. } => {
            return Err("the expression returned a function, which JSON cannot hold".into());
        }
        JValue::Regex(_) => return Err("the expression returned a regular expression, which JSON cannot hold".into()),
    }))
}

/// A double as a JSON number: integers without a fraction, the rest in the
/// shortest form that reads back the same.
fn number(x: f64) -> Result<Number, String> {
    if !x.is_finite() {
        return Err(format!("the result {x} is not a JSON number"));
    }
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        return Ok(Number::from(x as i64));
    }
    Number::from_f64(x).ok_or_else(|| format!("the result {x} is not a JSON number"))
}

/// The expression with Step Functions' functions and clashing variable names
/// renamed, and what it uses.
struct Rewritten {
    text: String,
    /// Whether `$random` or `$uuid` appear (they draw from the generator).
    random: bool,
    /// Workflow variables renamed to `__sfn_var_<name>`.
    renamed: Vec<String>,
    /// Whether `$keys`, `$each`, `$string`, `$spread` or `$sift` appear (they
    /// list object keys).
    lists_keys: bool,
    /// The `$names` the expression mentions: only these are bound, so that a
    /// large variable the expression does not read costs nothing.
    mentioned: rustc_hash::FxHashSet<String>,
}

/// Renames `$now`, `$millis`, `$random`, `$uuid` and workflow variables that
/// share a name with a `jsonata-rs` function, outside strings, comments,
/// regular expressions and backquoted names; refuses unsupported functions.
fn rewrite(text: &str, variables: &Map<String, Value>) -> Result<Rewritten, EvalError> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut random = false;
    let mut lists_keys = false;
    let mut renamed: Vec<String> = Vec::new();
    let mut mentioned = rustc_hash::FxHashSet::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    // Whether a `/` here starts a regular expression (nothing before it that
    // could be a left operand) rather than dividing.
    let mut operand_expected = true;
    let names = scan_names(text);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\'' | b'"' | b'`' => {
                let end = quoted_end(bytes, i, b);
                out.push_str(&text[i..end]);
                i = end;
                operand_expected = false;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(bytes.len(), |e| i + 2 + e + 2);
                out.push_str(&text[i..end]);
                i = end;
            }
            b'/' if operand_expected || after_keyword(&text[..i]) => {
                let end = quoted_end(bytes, i, b'/');
                let mut end = end;
                while bytes.get(end).is_some_and(u8::is_ascii_alphabetic) {
                    end += 1;
                }
                out.push_str(&text[i..end]);
                i = end;
                operand_expected = false;
            }
            b'$' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_' || bytes[end] >= 0x80)
                {
                    end += 1;
                }
                let name = &text[start..end];
                if !mentioned.contains(name) {
                    mentioned.insert(name.to_owned());
                }
                random |= name == "shuffle" && !variables.contains_key(name);
                lists_keys |= matches!(name, "spread" | "sift");
                let is_variable = variables.contains_key(name);
                let replacement = REPLACED.iter().find(|(n, _)| *n == name).map(|(_, r)| *r);
                if is_variable && BUILTINS.contains(&name) {
                    if !renamed.iter().any(|r| r == name) {
                        renamed.push(name.to_owned());
                    }
                    out.push_str("$__sfn_var_");
                    out.push_str(name);
                } else if let (false, Some(replacement)) = (is_variable, replacement) {
                    // Renamed everywhere, so a local `$now := …` or a
                    // parameter `$now` still hides the function consistently.
                    random |= name == "random" || name == "uuid";
                    lists_keys |= matches!(name, "keys" | "each" | "string");
                    out.push('$');
                    out.push_str(replacement);
                } else if !is_variable && UNSUPPORTED.contains(&name) && !names.assigned.iter().any(|a| a == name) {
                    let why = if name == "eval" {
                        "Step Functions does not support $eval; use $parse to read JSON text".to_owned()
                    } else {
                        format!("the function ${name} is not available in stepforge's JSONata engine (jsonata-rs)")
                    };
                    return Err(EvalError::query(format!("The JSONata expression '{{% {text} %}}' failed: {why}")));
                } else {
                    out.push_str(&text[i..end]);
                }
                i = end;
                operand_expected = false;
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                // `.*` and `**` walk object values in jsonata-rs's hash-map
                // order, which changes from run to run: refuse them rather
                // than return values in a random order.
                let next = text[i + c.len_utf8()..].trim_start().chars().next();
                if (c == '.' || c == '*') && next == Some('*') {
                    let what = if c == '.' { ".*" } else { "**" };
                    return Err(EvalError::query(format!(
                        "The JSONata expression '{{% {text} %}}' failed: the wildcard `{what}` is not supported by \
                         stepforge's JSONata engine (jsonata-rs does not keep the order of object keys); name the \
                         fields, or use $keys/$each"
                    )));
                }
                out.push(c);
                i += c.len_utf8();
                if !c.is_whitespace() {
                    operand_expected = !(c.is_alphanumeric() || c == '_' || c == ')' || c == ']' || c == '}');
                }
            }
        }
    }
    Ok(Rewritten { text: out, random, renamed, lists_keys, mentioned })
}

/// Whether `before` ends with a keyword operator (`and`, `or`, `in`), after
/// which a `/` starts a regular expression.
fn after_keyword(before: &str) -> bool {
    let trimmed = before.trim_end();
    ["and", "or", "in"].iter().any(|k| {
        trimmed
            .strip_suffix(k)
            .is_some_and(|rest| !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$'))
    })
}

/// Names assigned in the expression (`$name :=`), which hide functions.
struct Names {
    assigned: Vec<String>,
}

fn scan_names(text: &str) -> Names {
    let mut assigned = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        let len = after.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(after.len());
        let name = &after[..len];
        if !name.is_empty() && after[len..].trim_start().starts_with(":=") {
            assigned.push(name.to_owned());
        }
        rest = &after[len..];
    }
    // Function parameters (`function($x)`) also hide functions of the same name.
    let mut rest = text;
    while let Some(at) = rest.find("function") {
        let after = rest[at + "function".len()..].trim_start();
        if let Some(params) = after.strip_prefix('(').and_then(|p| p.split(')').next()) {
            for param in params.split(',') {
                if let Some(name) = param.trim().strip_prefix('$') {
                    assigned.push(name.to_owned());
                }
            }
        }
        rest = &rest[at + "function".len()..];
    }
    Names { assigned }
}

/// The offset after a quoted run starting at `start` (backslash escapes skipped).
fn quoted_end(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Whether `text` matches a Jayway filter regex (`/pattern/flags`) in full,
/// using the JSONata engine's ECMAScript regular expressions (no regex crate
/// is a dependency). `None` when the pattern does not compile.
pub(crate) fn regex_matches(literal: &str, text: &str) -> Option<bool> {
    let body = literal.strip_prefix('/')?;
    let close = body.rfind('/')?;
    let (pattern, flags) = (&body[..close], &body[close + 1..]);
    let flags: String = flags.chars().filter(|c| matches!(c, 'i' | 'm')).collect();
    let expression = format!("$contains($s, /^(?:{pattern})$/{flags})");
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Option<bool> {
        let arena = Bump::new();
        let expr = JsonAta::new(&expression, &arena).ok()?;
        expr.assign_var("s", JValue::string(&arena, text));
        match expr.evaluate_timeboxed(None, Some(MAX_DEPTH), Some(TIME_LIMIT_MS)).ok()? {
            JValue::Bool(b) => Some(*b),
            _ => None,
        }
    }));
    outcome.ok().flatten()
}

// Step Functions' functions. Each fails with a message naming itself; the
// engine reports it as a `States.QueryEvaluationError`.

type Native<'a> = jsonata_rs::Result<&'a JValue<'a>>;

fn fail<'a>(name: &str, why: impl std::fmt::Display) -> Native<'a> {
    Err(JError::D3137Error(format!("${name}: {why}")))
}

fn arg<'a>(args: &[&'a JValue<'a>], index: usize) -> &'a JValue<'a> {
    args.get(index).copied().unwrap_or_else(JValue::undefined)
}

/// An integral number argument.
fn integer(value: &JValue) -> Option<i64> {
    match value {
        JValue::Number(x) if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 => Some(*x as i64),
        _ => None,
    }
}

fn fn_partition<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let array = arg(args, 0);
    let Some(size) = integer(arg(args, 1)).filter(|&s| s > 0) else {
        return fail("partition", "the second argument must be a positive integer");
    };
    let items: Vec<&'a JValue<'a>> = match array {
        JValue::Array(..) | JValue::Range(..) => array.members().collect(),
        JValue::Undefined => return Ok(JValue::undefined()),
        single => vec![single],
    };
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let out = JValue::array_with_capacity(ctx.arena, items.len().div_ceil(size), ArrayFlags::empty());
    for chunk in items.chunks(size) {
        let part = JValue::array_with_capacity(ctx.arena, chunk.len(), ArrayFlags::empty());
        for item in chunk {
            part.push(item);
        }
        out.push(part);
    }
    Ok(out)
}

fn fn_range<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let (Some(start), Some(end)) = (integer(arg(args, 0)), integer(arg(args, 1))) else {
        return fail("range", "the start and end must be integers");
    };
    let step = match arg(args, 2) {
        JValue::Undefined => 1,
        v => match integer(v) {
            Some(s) if s != 0 => s,
            _ => return fail("range", "the step must be a non-zero integer"),
        },
    };
    let (start, end, step) = (i128::from(start), i128::from(end), i128::from(step));
    let count = if (step > 0 && start > end) || (step < 0 && start < end) { 0 } else { (end - start) / step + 1 };
    if count > 1000 {
        return fail("range", format!("the range would have {count} items; at most 1000 are allowed"));
    }
    let out = JValue::array_with_capacity(ctx.arena, count as usize, ArrayFlags::empty());
    for i in 0..count {
        out.push(JValue::number(ctx.arena, (start + i * step) as f64));
    }
    Ok(out)
}

fn fn_hash<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let (JValue::String(data), JValue::String(algorithm)) = (arg(args, 0), arg(args, 1)) else {
        return fail("hash", "both arguments must be strings: the data and the algorithm");
    };
    match hash(data, algorithm) {
        Some(hex) => Ok(JValue::string(ctx.arena, &hex)),
        None => fail("hash", format!("unknown algorithm '{algorithm}': use MD5, SHA-1, SHA-256, SHA-384 or SHA-512")),
    }
}

fn fn_parse<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let JValue::String(text) = arg(args, 0) else {
        return fail("parse", "the argument must be a string of JSON");
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return fail("parse", format!("not valid JSON ({e})")),
    };
    // Parsed text has no origin to keep: its numbers become doubles.
    match to_jsonata(ctx.arena, &value, &mut Origins::default()) {
        Ok(v) => Ok(v),
        Err(why) => fail("parse", why),
    }
}

fn fn_random<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let x = match arg(args, 0) {
        JValue::Undefined => AMBIENT.with(|a| a.borrow_mut().as_mut().map(|a| a.rng.f64())),
        // A seed gives the same number every time.
        seed => match to_json(seed, &Origins::default()) {
            Ok(Some(v)) => {
                let text = v.to_string();
                let digest = hash(&text, "SHA-256").unwrap_or_default();
                let bits = u64::from_str_radix(digest.get(..16).unwrap_or("0"), 16).unwrap_or(0);
                Some(fastrand::Rng::with_seed(bits).f64())
            }
            _ => return fail("random", "the seed must be a JSON value"),
        },
    };
    match x {
        Some(x) => Ok(JValue::number(ctx.arena, x)),
        None => fail("random", "no generator is set for this evaluation"),
    }
}

fn fn_uuid<'a>(ctx: FunctionContext<'a, '_>, _args: &[&'a JValue<'a>]) -> Native<'a> {
    let id = AMBIENT.with(|a| {
        a.borrow_mut().as_mut().map(|a| {
            let mut source = RngEntropy(&mut a.rng);
            super::intrinsic::uuid_v4(&mut source)
        })
    });
    match id {
        Some(id) => Ok(JValue::string(ctx.arena, &id)),
        None => fail("uuid", "no generator is set for this evaluation"),
    }
}

struct RngEntropy<'r>(&'r mut fastrand::Rng);

impl Entropy for RngEntropy<'_> {
    fn next_u64(&mut self) -> u64 {
        self.0.u64(..)
    }
}

fn now_millis() -> Option<i64> {
    AMBIENT.with(|a| a.borrow().as_ref().map(|a| a.now_millis))
}

fn fn_millis<'a>(ctx: FunctionContext<'a, '_>, _args: &[&'a JValue<'a>]) -> Native<'a> {
    match now_millis() {
        Some(ms) => Ok(JValue::number(ctx.arena, ms as f64)),
        None => fail("millis", "no clock is set for this evaluation"),
    }
}

fn fn_now<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let Some(ms) = now_millis() else {
        return fail("now", "no clock is set for this evaluation");
    };
    let picture_given = args.iter().any(|a| !a.is_undefined());
    if !picture_given {
        return match iso_millis(ms) {
            Some(text) => Ok(JValue::string(ctx.arena, &text)),
            None => fail("now", format!("the clock ({ms} ms) is out of range")),
        };
    }
    // With a picture or a timezone: `$fromMillis` formats the virtual instant.
    let Some(from_millis) = ctx.frame.lookup("fromMillis") else {
        return fail("now", "$fromMillis is not available");
    };
    let mut call_args: Vec<&'a JValue<'a>> = vec![JValue::number(ctx.arena, ms as f64)];
    call_args.extend(args.iter().copied());
    ctx.evaluate_function(from_millis, &call_args)
}

/// `2026-03-14T01:59:00.000Z`: what JSONata's `$now()` returns.
fn iso_millis(ms: i64) -> Option<String> {
    let ts = jiff::Timestamp::from_millisecond(ms).ok()?;
    let dt = jiff::tz::TimeZone::UTC.to_datetime(ts);
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.subsec_nanosecond() / 1_000_000
    ))
}

fn fn_average<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let value = arg(args, 0);
    let numbers: Vec<f64> = match value {
        JValue::Undefined => return Ok(JValue::undefined()),
        JValue::Number(x) => vec![*x],
        JValue::Array(..) | JValue::Range(..) => {
            let mut out = Vec::new();
            for member in value.members() {
                match member {
                    JValue::Number(x) => out.push(*x),
                    _ => return fail("average", "the array must hold only numbers"),
                }
            }
            out
        }
        _ => return fail("average", "the argument must be an array of numbers"),
    };
    if numbers.is_empty() {
        return Ok(JValue::undefined());
    }
    Ok(JValue::number(ctx.arena, numbers.iter().sum::<f64>() / numbers.len() as f64))
}

fn fn_type<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let name = match arg(args, 0) {
        JValue::Undefined => return Ok(JValue::undefined()),
        JValue::Null => "null",
        JValue::Number(_) => "number",
        JValue::String(_) => "string",
        JValue::Bool(_) => "boolean",
        JValue::Array(..) | JValue::Range(..) => "array",
        JValue::Object(_) => "object",
        JValue::Lambda { .. } | JValue::NativeFn { .. } | JValue::Transformer { .. } | JValue::Regex(_) => "function",
    };
    Ok(JValue::string(ctx.arena, name))
}

/// An object's entries in the order of the JSON it came from, or sorted by key
/// when the expression built it.
fn ordered_entries<'a>(object: &'a JValue<'a>) -> Vec<(String, &'a JValue<'a>)> {
    let mut entries: Vec<(String, &'a JValue<'a>)> = object.entries().map(|(k, v)| (k.to_string(), *v)).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let order = AMBIENT.with(|a| a.borrow().as_ref().and_then(|a| a.key_orders.get(&address(object)).cloned()));
    if let Some(order) = order {
        let position: rustc_hash::FxHashMap<&str, usize> =
            order.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        entries.sort_by_key(|(k, _)| position.get(k.as_str()).copied().unwrap_or(usize::MAX));
    }
    entries
}

/// The argument, or the context value when a function is applied with `~>`
/// or called without it.
fn subject<'a>(ctx: &FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> &'a JValue<'a> {
    match args.first() {
        Some(value) => value,
        None if ctx.input.is_array() && ctx.input.has_flags(ArrayFlags::WRAPPED) => ctx.input.get_member(0),
        None => ctx.input,
    }
}

fn fn_keys<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let value = subject(&ctx, args);
    let mut keys: Vec<String> = Vec::new();
    match value {
        JValue::Object(_) => keys.extend(ordered_entries(value).into_iter().map(|(k, _)| k)),
        JValue::Array(..) if value.members().all(JValue::is_object) => {
            for member in value.members() {
                for (k, _) in ordered_entries(member) {
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            }
        }
        _ => return Ok(JValue::undefined()),
    }
    let out = JValue::array(ctx.arena, ArrayFlags::SEQUENCE);
    for key in keys {
        out.push(JValue::string(ctx.arena, &key));
    }
    Ok(out)
}

fn fn_each<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let (object, function) = match args {
        [function] => (subject(&ctx, &[]), *function),
        [object, function, ..] => (*object, *function),
        [] => return fail("each", "a function is required"),
    };
    if object.is_undefined() {
        return Ok(JValue::undefined());
    }
    if !object.is_object() {
        return fail("each", "the first argument must be an object");
    }
    if !function.is_function() {
        return fail("each", "the second argument must be a function");
    }
    let out = JValue::array(ctx.arena, ArrayFlags::SEQUENCE);
    for (key, value) in ordered_entries(object) {
        let key = JValue::string(ctx.arena, &key);
        let mapped = if function.arity() >= 3 {
            ctx.evaluate_function(function, &[value, key, object])?
        } else {
            ctx.evaluate_function(function, &[value, key])?
        };
        if !mapped.is_undefined() {
            out.push(mapped);
        }
    }
    Ok(out)
}

/// `$string`: strings as they are, everything else as JSON text with
/// JSONata's number formatting and keys in a reproducible order.
fn fn_string<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let value = subject(&ctx, args);
    let pretty = matches!(args.get(1), Some(JValue::Bool(true)));
    match value {
        JValue::Undefined => Ok(JValue::undefined()),
        JValue::String(_) => Ok(value),
        JValue::Lambda { .. } | JValue::NativeFn { .. } | JValue::Transformer { .. } | JValue::Regex(_) => {
            Ok(JValue::string(ctx.arena, ""))
        }
        _ => {
            let mut out = String::new();
            match write_json(value, pretty, 0, &mut out) {
                Ok(()) => Ok(JValue::string(ctx.arena, &out)),
                Err(why) => Err(JError::D3137Error(format!("$string: {why}"))),
            }
        }
    }
}

/// JSON.stringify as JSONata applies it: numbers to 15 significant digits,
/// functions as `""`, undefined members left out; two-space indents when pretty.
fn write_json<'a>(value: &'a JValue<'a>, pretty: bool, depth: usize, out: &mut String) -> Result<(), String> {
    let newline = |out: &mut String, depth: usize| {
        if pretty {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        }
    };
    match value {
        JValue::Undefined => out.push_str("null"),
        JValue::Null => out.push_str("null"),
        JValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JValue::Number(x) => {
            if !x.is_finite() {
                return Err(format!("the number {x} cannot be written as JSON"));
            }
            out.push_str(&js_number(*x));
        }
        JValue::String(s) => out.push_str(&Value::String(s.to_string()).to_string()),
        JValue::Array(..) | JValue::Range(..) => {
            out.push('[');
            let mut first = true;
            for member in value.members().filter(|m| !m.is_undefined()) {
                if !first {
                    out.push(',');
                }
                first = false;
                newline(out, depth + 1);
                write_json(member, pretty, depth + 1, out)?;
            }
            if !first {
                newline(out, depth);
            }
            out.push(']');
        }
        JValue::Object(_) => {
            out.push('{');
            let mut first = true;
            for (key, member) in ordered_entries(value).into_iter().filter(|(_, m)| !m.is_undefined()) {
                if !first {
                    out.push(',');
                }
                first = false;
                newline(out, depth + 1);
                out.push_str(&Value::String(key).to_string());
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                write_json(member, pretty, depth + 1, out)?;
            }
            if !first {
                newline(out, depth);
            }
            out.push('}');
        }
        JValue::Lambda { .. } | JValue::NativeFn { .. } | JValue::Transformer { .. } | JValue::Regex(_) => {
            out.push_str("\"\"");
        }
    }
    Ok(())
}

// Standard JSONata functions jsonata-rs lacks, written to the JSONata 2.0
// reference (https://docs.jsonata.org/).

/// `$formatBase(number, radix)`: the number rounded, written in base 2 to 36.
fn fn_format_base<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let JValue::Number(x) = arg(args, 0) else {
        return if arg(args, 0).is_undefined() {
            Ok(JValue::undefined())
        } else {
            fail("formatBase", "the number must be a number")
        };
    };
    let radix = match arg(args, 1) {
        JValue::Undefined => 10,
        v => match integer(v) {
            Some(r) if (2..=36).contains(&r) => r as u32,
            _ => return fail("formatBase", "the radix must be an integer from 2 to 36"),
        },
    };
    let rounded = x.round_ties_even();
    if !rounded.is_finite() || rounded.abs() >= 9_007_199_254_740_992.0 {
        return fail("formatBase", format!("{x} is too large to write exactly"));
    }
    let mut n = rounded.abs() as u64;
    let mut digits = Vec::new();
    loop {
        digits.push(std::char::from_digit((n % u64::from(radix)) as u32, radix).unwrap_or('0'));
        n /= u64::from(radix);
        if n == 0 {
            break;
        }
    }
    if rounded < 0.0 {
        digits.push('-');
    }
    let text: String = digits.into_iter().rev().collect();
    Ok(JValue::string(ctx.arena, &text))
}

/// `$spread(object)`: an array of one-key objects, in the object's key order.
fn fn_spread<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let value = subject(&ctx, args);
    let out = JValue::array(ctx.arena, ArrayFlags::SEQUENCE);
    let mut spread_one = |object: &'a JValue<'a>| {
        for (key, member) in ordered_entries(object) {
            let single = JValue::object_with_capacity(ctx.arena, 1);
            single.insert(&key, member);
            out.push(single);
        }
    };
    match value {
        JValue::Object(_) => spread_one(value),
        JValue::Array(..) => {
            for member in value.members() {
                if member.is_object() {
                    spread_one(member);
                } else {
                    return Ok(value);
                }
            }
        }
        _ => return Ok(value),
    }
    Ok(out)
}

/// `$sift(object, function)`: the entries for which the function is truthy.
fn fn_sift<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let (object, function) = match args {
        [function] => (subject(&ctx, &[]), *function),
        [object, function, ..] => (*object, *function),
        [] => return fail("sift", "a function is required"),
    };
    if object.is_undefined() {
        return Ok(JValue::undefined());
    }
    if !object.is_object() || !function.is_function() {
        return fail("sift", "the arguments must be an object and a function");
    }
    let out = JValue::object(ctx.arena);
    let mut any = false;
    for (key, value) in ordered_entries(object) {
        let key_value = JValue::string(ctx.arena, &key);
        let keep = match function.arity() {
            0 | 1 => ctx.evaluate_function(function, &[value])?,
            2 => ctx.evaluate_function(function, &[value, key_value])?,
            _ => ctx.evaluate_function(function, &[value, key_value, object])?,
        };
        if keep.is_truthy() {
            out.insert(&key, value);
            any = true;
        }
    }
    Ok(if any { out } else { JValue::undefined() })
}

/// `$shuffle(array)`: the items in a random order, from the caller's generator.
fn fn_shuffle<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let value = arg(args, 0);
    let mut items: Vec<&'a JValue<'a>> = match value {
        JValue::Undefined => return Ok(JValue::undefined()),
        JValue::Array(..) | JValue::Range(..) => value.members().collect(),
        single => vec![single],
    };
    let shuffled = AMBIENT.with(|a| {
        a.borrow_mut().as_mut().map(|a| {
            // Fisher-Yates from the back.
            for i in (1..items.len()).rev() {
                items.swap(i, a.rng.usize(..=i));
            }
        })
    });
    if shuffled.is_none() {
        return fail("shuffle", "no generator is set for this evaluation");
    }
    let out = JValue::array_with_capacity(ctx.arena, items.len(), ArrayFlags::empty());
    for item in items {
        out.push(item);
    }
    Ok(out)
}

/// `$clone(value)`: values are never changed in place here, so the value itself.
fn fn_clone<'a>(_ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    Ok(arg(args, 0))
}

/// Characters `encodeURIComponent` leaves as they are.
fn url_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c)
}

/// Characters `encodeURI` also leaves as they are (and `decodeURI` does not decode).
fn url_reserved(c: char) -> bool {
    ";,/?:@&=+$#".contains(c)
}

fn percent_encode(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if keep(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// Decodes `%XX` sequences as UTF-8; `None` when malformed (JavaScript's
/// URIError). Sequences that decode to a character `keep_encoded` accepts stay
/// as written, as `decodeURI` leaves reserved characters.
fn percent_decode(text: &str, keep_encoded: impl Fn(char) -> bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        // One character: a lead byte and its continuation bytes, each %XX.
        let hex = |at: usize| -> Option<u8> {
            let pair = text.get(at + 1..at + 3)?;
            u8::from_str_radix(pair, 16).ok()
        };
        let lead = hex(i)?;
        let len = match lead {
            0x00..=0x7f => 1,
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return None,
        };
        let mut encoded = vec![lead];
        for k in 1..len {
            let at = i + 3 * k;
            if bytes.get(at) != Some(&b'%') {
                return None;
            }
            encoded.push(hex(at)?);
        }
        let c = std::str::from_utf8(&encoded).ok()?.chars().next()?;
        if keep_encoded(c) {
            out.extend_from_slice(&bytes[i..i + 3 * len]);
        } else {
            out.extend_from_slice(&encoded);
        }
        i += 3 * len;
    }
    String::from_utf8(out).ok()
}

fn url_string<'a>(name: &str, args: &[&'a JValue<'a>]) -> Result<Option<String>, JError> {
    match arg(args, 0) {
        JValue::Undefined => Ok(None),
        JValue::String(s) => Ok(Some(s.to_string())),
        _ => Err(JError::D3137Error(format!("${name}: the argument must be a string"))),
    }
}

fn fn_encode_url_component<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    match url_string("encodeUrlComponent", args)? {
        None => Ok(JValue::undefined()),
        Some(text) => Ok(JValue::string(ctx.arena, &percent_encode(&text, url_unreserved))),
    }
}

fn fn_encode_url<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    match url_string("encodeUrl", args)? {
        None => Ok(JValue::undefined()),
        Some(text) => Ok(JValue::string(ctx.arena, &percent_encode(&text, |c| url_unreserved(c) || url_reserved(c)))),
    }
}

fn fn_decode_url_component<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    match url_string("decodeUrlComponent", args)? {
        None => Ok(JValue::undefined()),
        Some(text) => match percent_decode(&text, |_| false) {
            Some(decoded) => Ok(JValue::string(ctx.arena, &decoded)),
            None => fail("decodeUrlComponent", format!("'{text}' is not a valid encoded URL component (D3140)")),
        },
    }
}

fn fn_decode_url<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    match url_string("decodeUrl", args)? {
        None => Ok(JValue::undefined()),
        Some(text) => match percent_decode(&text, url_reserved) {
            Some(decoded) => Ok(JValue::string(ctx.arena, &decoded)),
            None => fail("decodeUrl", format!("'{text}' is not a valid encoded URL (D3140)")),
        },
    }
}

/// A number as JSONata's `$string` writes it: rounded to 15 significant
/// digits (`toPrecision(15)`), then in JavaScript's shortest form, with an
/// exponent from 1e21 up and below 1e-6 (`1e+21`, `1e-7`). jsonata-rs's own
/// serializer drops the exponent of such numbers, so it is not used here.
fn js_number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let rounded: f64 = format!("{x:.14e}").parse().unwrap_or(x);
    // Rust's `{:e}` is the shortest round-trip form: "1.2345e2", "-1e23".
    let sci = format!("{rounded:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if (-7 < exponent) && (exponent < 21) {
        let point = exponent + 1;
        if point <= 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat(point.unsigned_abs() as usize));
            out.push_str(&digits);
        } else if point as usize >= digits.len() {
            out.push_str(&digits);
            out.push_str(&"0".repeat(point as usize - digits.len()));
        } else {
            out.push_str(&digits[..point as usize]);
            out.push('.');
            out.push_str(&digits[point as usize..]);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        out.push_str(&exponent.unsigned_abs().to_string());
    }
    out
}

/// `$formatNumber(number, picture)` for decimal pictures: digits `0` and `#`,
/// grouping `,`, decimal `.`, `%` and `‰`, a prefix and a suffix, and a
/// negative sub-picture after `;`. Exponents (`e`), other digit families and
/// the options argument are refused with an error rather than guessed.
fn fn_format_number<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let value = match arg(args, 0) {
        JValue::Undefined => return Ok(JValue::undefined()),
        JValue::Number(x) if x.is_finite() => *x,
        _ => return fail("formatNumber", "the first argument must be a finite number"),
    };
    let JValue::String(picture) = arg(args, 1) else {
        return fail("formatNumber", "the picture must be a string");
    };
    if !arg(args, 2).is_undefined() {
        return fail("formatNumber", "the options argument is not supported by stepforge's JSONata engine");
    }
    let (positive, negative) = match picture.split_once(';') {
        Some((p, n)) => (p, Some(n)),
        None => (picture.as_str(), None),
    };
    let (sub, explicit_negative) = match (value < 0.0, negative) {
        (true, Some(n)) => (n, true),
        _ => (positive, false),
    };
    let Some(parsed) = Picture::parse(sub) else {
        return fail("formatNumber", format!("the picture '{picture}' is not supported (decimal pictures only)"));
    };
    let mut magnitude = value.abs();
    if parsed.percent {
        magnitude *= 100.0;
    } else if parsed.per_mille {
        magnitude *= 1000.0;
    }
    let Some(digits) = round_decimal(magnitude, parsed.max_fraction) else {
        return fail("formatNumber", format!("{value} cannot be formatted"));
    };
    let (int_digits, frac_digits) = digits.split_once('.').unwrap_or((&digits, ""));
    let mut frac: String = frac_digits.to_owned();
    while frac.len() > parsed.min_fraction && frac.ends_with('0') {
        frac.pop();
    }
    while frac.len() < parsed.min_fraction {
        frac.push('0');
    }
    let mut int: String = int_digits.trim_start_matches('0').to_owned();
    while int.len() < parsed.min_integer {
        int.insert(0, '0');
    }
    let int = group(&int, &parsed.grouping);
    let mut out = String::new();
    if value < 0.0 && !explicit_negative {
        out.push('-');
    }
    out.push_str(&parsed.prefix);
    out.push_str(&int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    out.push_str(&parsed.suffix);
    Ok(JValue::string(ctx.arena, &out))
}

/// A decimal picture, read.
struct Picture {
    prefix: String,
    suffix: String,
    min_integer: usize,
    min_fraction: usize,
    max_fraction: usize,
    /// Grouping separator positions, counted in digits from the decimal point.
    grouping: Vec<usize>,
    percent: bool,
    per_mille: bool,
}

impl Picture {
    fn parse(text: &str) -> Option<Picture> {
        let is_digit = |c: char| matches!(c, '0'..='9' | '#');
        let is_sign = |c: char| matches!(c, '%' | '\u{2030}');
        let chars: Vec<char> = text.chars().collect();
        let first = chars.iter().position(|&c| is_digit(c) || c == '.')?;
        let last = chars.iter().rposition(|&c| is_digit(c))?;
        let prefix: String = chars[..first].iter().collect();
        // Any decimal digit is a mandatory-digit sign (XPath's digit family).
        let body: String = chars[first..=last].iter().map(|&c| if c.is_ascii_digit() { '0' } else { c }).collect();
        let suffix: String = chars[last + 1..].iter().collect();
        // Outside the digits only passive characters and one % or ‰ sign.
        let passive = |c: char| !matches!(c, '0'..='9' | '#' | ',' | '.' | 'e' | ';');
        let affixes = || prefix.chars().chain(suffix.chars());
        if !affixes().all(passive) || affixes().filter(|&c| is_sign(c)).count() > 1 {
            return None;
        }
        if body.chars().any(|c| !matches!(c, '0' | '#' | ',' | '.')) || body.matches('.').count() > 1 {
            return None;
        }
        let (int_part, frac_part) = body.split_once('.').unwrap_or((&body, ""));
        // Integer part: `#`s then `0`s; fraction: `0`s then `#`s.
        let int_digits: String = int_part.chars().filter(|&c| c != ',').collect();
        if int_digits.trim_start_matches('#').contains('#') || frac_part.contains(',') {
            return None;
        }
        if frac_part.trim_end_matches('#').contains('#') {
            return None;
        }
        let mut grouping = Vec::new();
        let mut digits_right = 0;
        for c in int_part.chars().rev() {
            if c == ',' {
                if digits_right == 0 || grouping.contains(&digits_right) {
                    return None;
                }
                grouping.push(digits_right);
            } else {
                digits_right += 1;
            }
        }
        let min_integer = int_digits.chars().filter(|&c| c == '0').count();
        let min_fraction = frac_part.chars().filter(|&c| c == '0').count();
        let max_fraction = frac_part.len();
        Some(Picture {
            percent: affixes().any(|c| c == '%'),
            per_mille: affixes().any(|c| c == '\u{2030}'),
            prefix,
            suffix,
            min_integer: if min_integer == 0 && max_fraction == 0 { 1 } else { min_integer },
            min_fraction,
            max_fraction,
            grouping,
        })
    }
}

/// `x` rounded half-to-even at `places` decimals, as decimal digits
/// (`"1234.50"`), shifting by the decimal exponent as JSONata does so that
/// 34.555 rounds to 34.56.
fn round_decimal(x: f64, places: usize) -> Option<String> {
    let shifted: f64 = format!("{x}e{places}").parse().ok()?;
    if !shifted.is_finite() || shifted.abs() >= 9.0e15 {
        return None;
    }
    let rounded = shifted.round_ties_even() as u64;
    let text = rounded.to_string();
    if places == 0 {
        return Some(text);
    }
    let padded = format!("{text:0>width$}", width = places + 1);
    let (int, frac) = padded.split_at(padded.len() - places);
    Some(format!("{int}.{frac}"))
}

/// Integer digits with grouping separators: the picture's positions, repeated
/// when they are regular (every multiple of the first, as XPath says).
fn group(digits: &str, positions: &[usize]) -> String {
    let Some(&first) = positions.iter().min() else {
        return digits.to_owned();
    };
    let regular =
        positions.iter().all(|p| p % first == 0) && (1..=positions.len()).all(|k| positions.contains(&(k * first)));
    let chars: Vec<char> = digits.chars().collect();
    let mut out = String::with_capacity(chars.len() + chars.len() / first.max(1));
    for (i, c) in chars.iter().enumerate() {
        let from_right = chars.len() - i;
        if i > 0 && (if regular { from_right % first == 0 } else { positions.contains(&from_right) }) {
            out.push(',');
        }
        out.push(*c);
    }
    out
}

/// A decimal integer picture (`000`, `#,##0`): digits, `#` and grouping
/// separators only.
fn integer_picture(picture: &str) -> Option<Picture> {
    if picture.is_empty() || !picture.chars().all(|c| c.is_ascii_digit() || c == '#' || c == ',') {
        return None;
    }
    Picture::parse(picture).filter(|p| p.max_fraction == 0 && p.prefix.is_empty() && p.suffix.is_empty())
}

/// `$formatInteger(number, picture)` for decimal pictures.
fn fn_format_integer<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let value = match arg(args, 0) {
        JValue::Undefined => return Ok(JValue::undefined()),
        JValue::Number(x) if x.is_finite() && x.abs() < 9.0e15 => x.trunc(),
        _ => return fail("formatInteger", "the first argument must be a finite number"),
    };
    let JValue::String(picture) = arg(args, 1) else {
        return fail("formatInteger", "the picture must be a string");
    };
    let Some(parsed) = integer_picture(picture) else {
        return fail(
            "formatInteger",
            format!("the picture '{picture}' is not supported (decimal pictures such as '000' or '#,##0' only)"),
        );
    };
    let mut digits = format!("{}", value.abs() as u64);
    while digits.len() < parsed.min_integer {
        digits.insert(0, '0');
    }
    let mut out = String::new();
    if value < 0.0 {
        out.push('-');
    }
    out.push_str(&group(&digits, &parsed.grouping));
    Ok(JValue::string(ctx.arena, &out))
}

/// `$parseInteger(string, picture)` for decimal pictures.
fn fn_parse_integer<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let text = match arg(args, 0) {
        JValue::Undefined => return Ok(JValue::undefined()),
        JValue::String(s) => s.to_string(),
        _ => return fail("parseInteger", "the first argument must be a string"),
    };
    let JValue::String(picture) = arg(args, 1) else {
        return fail("parseInteger", "the picture must be a string");
    };
    if integer_picture(picture).is_none() {
        return fail(
            "parseInteger",
            format!("the picture '{picture}' is not supported (decimal pictures such as '000' or '#,##0' only)"),
        );
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let digits: String = body.chars().filter(|&c| c != ',').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return fail("parseInteger", format!("'{text}' does not match the picture '{picture}'"));
    }
    match digits.parse::<f64>() {
        Ok(n) => Ok(JValue::number(ctx.arena, if negative { -n } else { n })),
        Err(_) => fail("parseInteger", format!("'{text}' is not an integer")),
    }
}
