//! Step Functions' own JSONata functions (`$partition`, `$range`, `$hash`,
//! `$parse`, `$random`, `$uuid`), the virtual clock (`$now`, `$millis`), and
//! the standard functions `jsonata-rs` lacks that need neither object order
//! nor pictures. Each failure names its function; the engine reports it as a
//! `States.QueryEvaluationError`.

use jsonata_rs::{ArrayFlags, Error as JError, FunctionContext, Value as JValue};
use serde_json::Value;

use super::AMBIENT;
use super::convert::{Origins, to_json, to_jsonata};
use crate::exec::eval::Entropy;
use crate::exec::eval::intrinsic::hash;

/// What a function bound into `jsonata-rs` returns.
pub(super) type Native<'a> = jsonata_rs::Result<&'a JValue<'a>>;

/// A failure of function `$name`, worded for the cause.
pub(super) fn fail<'a>(name: &str, why: impl std::fmt::Display) -> Native<'a> {
    Err(JError::D3137Error(format!("${name}: {why}")))
}

/// Argument `index`, undefined when not given.
pub(super) fn arg<'a>(args: &[&'a JValue<'a>], index: usize) -> &'a JValue<'a> {
    args.get(index).copied().unwrap_or_else(JValue::undefined)
}

/// An integral number argument.
pub(super) fn integer(value: &JValue) -> Option<i64> {
    match value {
        JValue::Number(x) if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 => Some(*x as i64),
        _ => None,
    }
}

pub(super) fn fn_partition<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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

pub(super) fn fn_range<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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

pub(super) fn fn_hash<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let (JValue::String(data), JValue::String(algorithm)) = (arg(args, 0), arg(args, 1)) else {
        return fail("hash", "both arguments must be strings: the data and the algorithm");
    };
    match hash(data, algorithm) {
        Some(hex) => Ok(JValue::string(ctx.arena, &hex)),
        None => fail("hash", format!("unknown algorithm '{algorithm}': use MD5, SHA-1, SHA-256, SHA-384 or SHA-512")),
    }
}

pub(super) fn fn_parse<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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

pub(super) fn fn_random<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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

pub(super) fn fn_uuid<'a>(ctx: FunctionContext<'a, '_>, _args: &[&'a JValue<'a>]) -> Native<'a> {
    let id = AMBIENT.with(|a| {
        a.borrow_mut().as_mut().map(|a| {
            let mut source = RngEntropy(&mut a.rng);
            crate::exec::eval::intrinsic::uuid_v4(&mut source)
        })
    });
    match id {
        Some(id) => Ok(JValue::string(ctx.arena, &id)),
        None => fail("uuid", "no generator is set for this evaluation"),
    }
}

pub(super) struct RngEntropy<'r>(&'r mut fastrand::Rng);

impl Entropy for RngEntropy<'_> {
    fn next_u64(&mut self) -> u64 {
        self.0.u64(..)
    }
}

pub(super) fn now_millis() -> Option<i64> {
    AMBIENT.with(|a| a.borrow().as_ref().map(|a| a.now_millis))
}

pub(super) fn fn_millis<'a>(ctx: FunctionContext<'a, '_>, _args: &[&'a JValue<'a>]) -> Native<'a> {
    match now_millis() {
        Some(ms) => Ok(JValue::number(ctx.arena, ms as f64)),
        None => fail("millis", "no clock is set for this evaluation"),
    }
}

pub(super) fn fn_now<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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
pub(super) fn iso_millis(ms: i64) -> Option<String> {
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

pub(super) fn fn_average<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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

pub(super) fn fn_type<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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

/// `$shuffle(array)`: the items in a random order, from the caller's generator.
pub(super) fn fn_shuffle<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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
pub(super) fn fn_clone<'a>(_ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    Ok(arg(args, 0))
}
