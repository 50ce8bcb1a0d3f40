//! A fast path for the JSONata that state machines use most: a kept syntax
//! tree evaluated over the caller's JSON by reference, with `jsonata-rs` as
//! the reference for everything else.
//!
//! # Why
//!
//! `jsonata-rs` 0.3 parses the expression, binds some fifty functions and
//! copies the input into its arena on every evaluation, and offers no way to
//! keep a parsed expression. For the semaphore fragment's read step that was
//! about half of the explorer's time (see `bench/RESULTS.md`, Exploration).
//!
//! # The subset
//!
//! Literals; `$name` (local bindings, `$states`, workflow variables); paths
//! of names from a variable or a call (`$states.input.x`,
//! `$lookup($o, $k).S`); `[n]` on a variable or a call; blocks and `:=`;
//! `function($a, $b) { … }` as the predicate of `$filter`; unary minus,
//! `+ - * / %`, `&` on strings, `= != < <= > >=`, `and`, `or`, `? :`; array
//! and object constructors (string-literal keys); and the functions
//! `$exists $lookup $keys $filter $toMillis $number $max $min $ceil $floor
//! $abs $power $count $random`.
//!
//! # Exactly `jsonata-rs`'s results, or nothing
//!
//! The fast path returns a value only where it is sure `jsonata-rs` gives
//! the same JSON; otherwise it gives up ([`Fast::Fallback`]) and the caller
//! evaluates with `jsonata-rs`, so every error, and every case the subset
//! does not model (a path over an array, a function outside the list, an
//! unusual timestamp), is `jsonata-rs`'s. An expression is taken into the
//! subset only if `jsonata-rs` also parses it. `$random()` draws from a
//! generator seeded exactly as the engine's is, and the seed is handed on
//! when the fast path gives up, so the caller's generator advances the same
//! way on either path. The one difference: `jsonata-rs` stops an evaluation
//! after 10 seconds, which no expression of the subset comes near.
//!
//! `core/src/exec/eval/jsonata/fast/tests.rs` evaluates fixture and random
//! expressions both ways and requires identical JSON.

mod eval;
mod parse;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use serde_json::{Map, Value};

use super::JsonataEnv;
use super::convert::number;
use crate::exec::eval::Entropy;
use eval::{Bail, Eval, Out, Scope, V};
use parse::Node;

/// The outcome of the fast path.
pub(super) enum Fast {
    /// The expression's value (`None`: undefined).
    Done(Option<Value>),
    /// Evaluate with `jsonata-rs`; the seed is the one already drawn from
    /// the caller's generator for this evaluation, if any.
    Fallback { seed: Option<u64> },
}

/// A parsed expression of the subset.
struct Parsed {
    node: Node,
    /// The `$names` mentioned (as the engine's rewrite collects them).
    names: Vec<Rc<str>>,
}

/// How many expression texts a thread keeps: a state machine has a handful;
/// past this (generated texts), the cache starts over.
const CACHE_LIMIT: usize = 4096;

thread_local! {
    /// Parsed expressions by text; `None` for texts outside the subset.
    static CACHE: RefCell<rustc_hash::FxHashMap<Box<str>, Option<Rc<Parsed>>>> =
        RefCell::new(rustc_hash::FxHashMap::default());
}

fn parsed(text: &str) -> Option<Rc<Parsed>> {
    if let Some(hit) = CACHE.with(|c| c.borrow().get(text).cloned()) {
        return hit;
    }
    let entry = parse::parse(text)
        // The engine's rewrite refuses these names before it draws a seed:
        // the fast path must not draw one for them either.
        .filter(|(_, names)| !names.iter().any(|n| super::UNSUPPORTED.contains(&&**n)))
        .filter(|_| engine_parses(text))
        .map(|(node, names)| Rc::new(Parsed { node, names }));
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(text.into(), entry.clone());
    });
    entry
}

/// Whether `jsonata-rs` parses the text too (its parser is the reference
/// for what is an expression).
fn engine_parses(text: &str) -> bool {
    catch_unwind(AssertUnwindSafe(|| {
        let arena = bumpalo::Bump::new();
        jsonata_rs::JsonAta::new(text, &arena).is_ok()
    }))
    .unwrap_or(false)
}

/// Evaluates expression text (between the delimiters) on the fast path.
pub(super) fn evaluate(text: &str, env: &JsonataEnv, rng: &mut dyn Entropy) -> Fast {
    let Some(parsed) = parsed(text) else { return Fast::Fallback { seed: None } };
    // The engine's rewrite draws a seed when `$random`, `$uuid` or
    // `$shuffle` appear as functions (not as workflow variables).
    let draws =
        parsed.names.iter().any(|n| matches!(&**n, "random" | "uuid" | "shuffle") && !env.variables.contains_key(&**n));
    let seed = draws.then(|| rng.next_u64());
    let mut eval = Eval { env, rng: fastrand::Rng::with_seed(seed.unwrap_or(0)) };
    let result = eval.eval(&parsed.node, &Scope::root()).and_then(|v| to_json(&v));
    match result {
        Ok(value) => Fast::Done(value),
        Err(Bail) => Fast::Fallback { seed },
    }
}

/// A value as JSON, as the engine's conversion writes it: borrowed JSON
/// unchanged, built objects with sorted keys, computed numbers as integers
/// when integral.
fn to_json(v: &V) -> Out<Option<Value>> {
    Ok(Some(match v {
        V::Undefined => return Ok(None),
        V::Json(j) => (*j).clone(),
        V::Number(x) => Value::Number(number(*x).map_err(|_| Bail)?),
        V::Str(s) => Value::String(s.to_string()),
        V::Bool(b) => Value::Bool(*b),
        V::Null => Value::Null,
        V::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                out.extend(to_json(item)?);
            }
            Value::Array(out)
        }
        V::Object(entries) => {
            let mut sorted: Vec<&(Rc<str>, V)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Map::with_capacity(sorted.len());
            for (k, v) in sorted {
                if let Some(v) = to_json(v)? {
                    out.insert(k.to_string(), v);
                }
            }
            Value::Object(out)
        }
        V::States | V::Lambda(..) => return Err(Bail),
    }))
}
