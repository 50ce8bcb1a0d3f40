//! JSONata evaluation through `jsonata-rs` 0.3, with Step Functions' bindings
//! and functions.
//!
//! # What is bound
//!
//! - `$states`: `{ input, context }`, plus `result` and `errorOutput` when the
//!   field being evaluated can see them; workflow variables as `$name`.
//! - There is no `$`: Step Functions gives top-level expressions no input.
//!
//! # Two paths, one result
//!
//! Expressions in a common subset (paths, blocks, `$filter` with a lambda,
//! arithmetic, comparisons, constructors, a dozen functions) run on a kept
//! syntax tree over the JSON by reference (`fast`); everything else, and
//! every error, is `jsonata-rs`'s. The fast path answers only where it gives
//! `jsonata-rs`'s JSON exactly (tested against it). In the explorer's
//! profile the semaphore's read step fell from about half of all time to
//! under a tenth.
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

mod convert;
mod fast;
mod format;
mod functions;
mod objects;
mod rewrite;
mod url;

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use bumpalo::Bump;
use jsonata_rs::{Error as JError, FunctionContext, JsonAta, Value as JValue};
use serde_json::{Map, Value};

use super::{Entropy, EvalError};
use crate::asl::jsonata::{Jsonata, JsonataTemplate};
use convert::{Origins, to_json, to_jsonata};
use format::{fn_format_base, fn_format_integer, fn_format_number, fn_parse_integer};
use functions::{
    Native, fn_average, fn_clone, fn_hash, fn_millis, fn_now, fn_parse, fn_partition, fn_random, fn_range, fn_shuffle,
    fn_type, fn_uuid,
};
use objects::{fn_each, fn_keys, fn_sift, fn_spread, fn_string};
use rewrite::{Rewritten, rewrite};
use url::{fn_decode_url, fn_decode_url_component, fn_encode_url, fn_encode_url_component};

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
    // A bug in the fast path must cost speed, not the executor.
    let fast = catch_unwind(AssertUnwindSafe(|| fast::evaluate(text, env, rng)));
    match fast.unwrap_or(fast::Fast::Fallback { seed: None }) {
        fast::Fast::Done(value) => Ok(value),
        fast::Fast::Fallback { seed } => evaluate_engine(text, env, rng, seed),
    }
}

/// Evaluates expression text with `jsonata-rs`. `drawn` is the seed the fast
/// path already drew from `rng` for this evaluation, if it did.
fn evaluate_engine(
    text: &str,
    env: &JsonataEnv,
    rng: &mut dyn Entropy,
    drawn: Option<u64>,
) -> Result<Option<Value>, EvalError> {
    let rewritten = rewrite(text, env.variables)?;
    // Draw from the caller's generator only when the expression needs it, so
    // that adding a JSONata field without randomness does not shift the rest.
    let seed = if rewritten.random { drawn.unwrap_or_else(|| rng.next_u64()) } else { 0 };
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
