//! The functions that list object keys (`$keys`, `$each`, `$string`,
//! `$spread`, `$sift`), in a reproducible order: `jsonata-rs` keeps objects in
//! hash maps seeded at random.

use jsonata_rs::{ArrayFlags, Error as JError, FunctionContext, Value as JValue};
use serde_json::Value;

use super::AMBIENT;
use super::convert::address;
use super::functions::{Native, fail};

/// An object's entries in the order of the JSON it came from, or sorted by key
/// when the expression built it.
pub(super) fn ordered_entries<'a>(object: &'a JValue<'a>) -> Vec<(String, &'a JValue<'a>)> {
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
pub(super) fn subject<'a>(ctx: &FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> &'a JValue<'a> {
    match args.first() {
        Some(value) => value,
        None if ctx.input.is_array() && ctx.input.has_flags(ArrayFlags::WRAPPED) => ctx.input.get_member(0),
        None => ctx.input,
    }
}

pub(super) fn fn_keys<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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

pub(super) fn fn_each<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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
pub(super) fn fn_string<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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
pub(super) fn write_json<'a>(
    value: &'a JValue<'a>,
    pretty: bool,
    depth: usize,
    out: &mut String,
) -> Result<(), String> {
    if depth > super::convert::MAX_NESTING {
        return Err(format!("the value nests more than {} levels deep", super::convert::MAX_NESTING));
    }
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

/// `$spread(object)`: an array of one-key objects, in the object's key order.
pub(super) fn fn_spread<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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
pub(super) fn fn_sift<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
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

/// A number as JSONata's `$string` writes it: rounded to 15 significant
/// digits (`toPrecision(15)`), then in JavaScript's shortest form, with an
/// exponent from 1e21 up and below 1e-6 (`1e+21`, `1e-7`). jsonata-rs's own
/// serializer drops the exponent of such numbers, so it is not used here.
pub(super) fn js_number(x: f64) -> String {
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
