//! Intrinsic functions at run time, with the semantics of the AWS Step
//! Functions developer guide ("Intrinsic functions for JSONPath states"):
//! arguments that are wrong for the function fail with
//! `States.IntrinsicFailure`.

use std::fmt::Write as _;

use base64::Engine as _;
use serde_json::{Map, Value};

use super::json::{as_integer, compare_numbers, decimal, number_value};
use super::select::{select, select_ref};
use super::{Entropy, EvalError, Scope};
use crate::asl::intrinsic::{Arg, Call, Function, Intrinsic};
use crate::error::kind_of;

/// The most items `States.ArrayRange` returns.
const MAX_RANGE_ITEMS: i128 = 1000;

/// The longest string `States.Base64Encode`, `States.Base64Decode` and
/// `States.Hash` take, in characters (AWS's documented limit).
const MAX_ENCODE_CHARS: usize = 10_000;

/// Evaluates an intrinsic call: arguments first (literals, paths into the
/// input, `$$` or a variable, nested calls), then the function.
pub fn call_intrinsic(i: &Intrinsic, input: &Value, scope: &Scope, rng: &mut dyn Entropy) -> Result<Value, EvalError> {
    Evaluator { text: i.as_str(), input, scope, rng }.call(i.call())
}

struct Evaluator<'a, 'r> {
    /// The whole call as written, for `States.Format` escapes.
    text: &'a str,
    input: &'a Value,
    scope: &'a Scope<'a>,
    rng: &'r mut dyn Entropy,
}

impl Evaluator<'_, '_> {
    fn call(&mut self, call: &Call) -> Result<Value, EvalError> {
        if call.function == Function::MathAdd
            && let Some(sum) = self.small_sum(call)
        {
            return Ok(Value::from(sum));
        }
        let mut args = Vec::with_capacity(call.args.len());
        for arg in &call.args {
            args.push(self.arg(arg)?);
        }
        let f = call.function;
        let checker = Args { function: f, values: &args };
        match f {
            Function::Format => self.format(call, &args),
            Function::StringToJson => {
                let text = checker.string(0)?;
                if text.trim().is_empty() {
                    return Ok(Value::Null);
                }
                serde_json::from_str(text)
                    .map_err(|e| checker.fail(format!("the string is not valid JSON ({e}): '{text}'")))
            }
            Function::JsonToString => Ok(Value::String(checker.any(0)?.to_string())),
            Function::Array => Ok(Value::Array(args)),
            Function::ArrayPartition => {
                let items = checker.array(0)?;
                let size = checker.integer(1)?;
                let size = usize::try_from(size)
                    .ok()
                    .filter(|&s| s > 0)
                    .ok_or_else(|| checker.fail(format!("the chunk size must be a positive integer, found {size}")))?;
                Ok(Value::Array(items.chunks(size).map(|c| Value::Array(c.to_vec())).collect()))
            }
            Function::ArrayContains => {
                let items = checker.array(0)?;
                let wanted = checker.any(1)?;
                Ok(Value::Bool(items.iter().any(|item| same(item, wanted))))
            }
            Function::ArrayRange => range(&checker),
            Function::ArrayGetItem => {
                let items = checker.array(0)?;
                let index = checker.integer(1)?;
                usize::try_from(index).ok().and_then(|i| items.get(i)).cloned().ok_or_else(|| {
                    checker.fail(format!("index {index} is out of bounds for an array of {} items", items.len()))
                })
            }
            Function::ArrayLength => Ok(Value::from(checker.array(0)?.len())),
            Function::ArrayUnique => {
                let mut unique: Vec<Value> = Vec::new();
                for item in checker.array(0)? {
                    if !unique.iter().any(|u| same(u, item)) {
                        unique.push(item.clone());
                    }
                }
                Ok(Value::Array(unique))
            }
            Function::Base64Encode => {
                let text = checker.limited_string(0)?;
                Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(text)))
            }
            Function::Base64Decode => {
                let text = checker.limited_string(0)?;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .map_err(|e| checker.fail(format!("'{text}' is not valid base64 ({e})")))?;
                String::from_utf8(bytes)
                    .map(Value::String)
                    .map_err(|_| checker.fail(format!("'{text}' does not decode to UTF-8 text")))
            }
            Function::Hash => {
                let data = checker.limited_string(0)?;
                let algorithm = checker.string(1)?;
                hash(data, algorithm).map(Value::String).ok_or_else(|| {
                    checker
                        .fail(format!("unknown algorithm '{algorithm}': use MD5, SHA-1, SHA-256, SHA-384 or SHA-512"))
                })
            }
            Function::JsonMerge => {
                let left = checker.object(0)?;
                let right = checker.object(1)?;
                if checker.any(2)? != &Value::Bool(false) {
                    return Err(checker.fail("only shallow merges are supported: the third argument must be false"));
                }
                let mut merged: Map<String, Value> = left.clone();
                for (k, v) in right {
                    merged.insert(k.clone(), v.clone());
                }
                Ok(Value::Object(merged))
            }
            Function::MathRandom => {
                // "If you specify a non-integer value for the start number or
                // end number argument, Step Functions will round it off to
                // the nearest integer" (the developer guide).
                let start = checker.rounded(0)?;
                let end = checker.rounded(1)?;
                if end <= start {
                    return Err(checker.fail(format!("the end ({end}) must be greater than the start ({start})")));
                }
                let bits = match args.get(2) {
                    Some(_) => seeded(checker.integer(2)?),
                    None => self.rng.next_u64(),
                };
                Ok(Value::from(random_in(bits, start, end)))
            }
            Function::MathAdd => {
                let a = checker.whole(0)?;
                let b = checker.whole(1)?;
                Ok(number_value(&(a + b)))
            }
            Function::StringSplit => {
                let text = checker.string(0)?;
                let delimiters = checker.string(1)?;
                // Every character of the second argument is a delimiter, and
                // empty pieces are dropped (AWS's example splits
                // "This.is+a,test=string" on ".+,=").
                let parts = text
                    .split(|c: char| delimiters.contains(c))
                    .filter(|part| !part.is_empty())
                    .map(|part| Value::String(part.to_owned()));
                Ok(Value::Array(parts.collect()))
            }
            Function::Uuid => Ok(Value::String(uuid_v4(self.rng))),
        }
    }

    /// `States.MathAdd` of two integers that fit in 64 bits, read in place
    /// (no copy of the arguments, no decimals); `None` for anything else
    /// (fractions, big numbers, overflow, nested calls, errors), which the
    /// general path then handles with the same result it always gave.
    fn small_sum(&self, call: &Call) -> Option<i64> {
        let [a, b] = call.args.as_slice() else { return None };
        self.small_integer(a)?.checked_add(self.small_integer(b)?)
    }

    /// An argument that is a literal integer or a definite path to one, as `i64`.
    fn small_integer(&self, arg: &Arg) -> Option<i64> {
        match arg {
            Arg::Number(n) => n.as_i64(),
            Arg::Path(path) => select_ref(path, self.input, self.scope)?.as_number()?.as_i64(),
            _ => None,
        }
    }

    fn arg(&mut self, arg: &Arg) -> Result<Value, EvalError> {
        Ok(match arg {
            Arg::String(s) => Value::String(s.clone()),
            Arg::Number(n) => Value::Number(n.clone()),
            Arg::Bool(b) => Value::Bool(*b),
            Arg::Null => Value::Null,
            Arg::Path(path) => select(path, self.input, self.scope)?,
            Arg::Call(call) => self.call(call)?,
        })
    }

    /// `States.Format`: each `{}` of the template takes the next value.
    fn format(&self, call: &Call, args: &[Value]) -> Result<Value, EvalError> {
        let checker = Args { function: Function::Format, values: args };
        let template = checker.string(0)?;
        let values = args.get(1..).unwrap_or_default();
        // A literal template was unescaped by the parser: `\{}` and `{}` look
        // alike there. When the count of `{}` is the count of values they are
        // all placeholders; otherwise read the template as written.
        let pieces: Vec<String> = match call.args.first() {
            Some(Arg::String(_)) if template.matches("{}").count() != values.len() => {
                raw_template(self.text, template, values.len())
                    .map(|raw| split_raw(&raw))
                    .unwrap_or_else(|| template.split("{}").map(str::to_owned).collect())
            }
            _ => template.split("{}").map(str::to_owned).collect(),
        };
        if pieces.len() != values.len() + 1 {
            return Err(checker.fail(format!(
                "the template '{template}' has {} placeholders but {} values follow it",
                pieces.len() - 1,
                values.len()
            )));
        }
        let mut out = String::with_capacity(template.len());
        for (i, piece) in pieces.iter().enumerate() {
            out.push_str(piece);
            if let Some(value) = values.get(i) {
                natural_string(value, &mut out);
            }
        }
        Ok(Value::String(out))
    }
}

/// The argument values of one call, with typed accessors that fail with
/// `States.IntrinsicFailure`.
struct Args<'v> {
    function: Function,
    values: &'v [Value],
}

impl<'v> Args<'v> {
    fn fail(&self, why: impl std::fmt::Display) -> EvalError {
        EvalError::intrinsic(format!("Invalid arguments in {}: {why}", self.function.name()))
    }

    fn any(&self, index: usize) -> Result<&'v Value, EvalError> {
        self.values.get(index).ok_or_else(|| self.fail(format!("argument {} is missing", index + 1)))
    }

    fn wrong(&self, index: usize, wanted: &str, found: &Value) -> EvalError {
        self.fail(format!("argument {} must be {wanted}, found {}: {}", index + 1, kind_of(found), found))
    }

    fn string(&self, index: usize) -> Result<&'v str, EvalError> {
        match self.any(index)? {
            Value::String(s) => Ok(s),
            other => Err(self.wrong(index, "a string", other)),
        }
    }

    fn limited_string(&self, index: usize) -> Result<&'v str, EvalError> {
        let text = self.string(index)?;
        if text.chars().count() > MAX_ENCODE_CHARS {
            return Err(self.fail(format!("the string is longer than {MAX_ENCODE_CHARS} characters")));
        }
        Ok(text)
    }

    fn array(&self, index: usize) -> Result<&'v Vec<Value>, EvalError> {
        match self.any(index)? {
            Value::Array(items) => Ok(items),
            other => Err(self.wrong(index, "an array", other)),
        }
    }

    fn object(&self, index: usize) -> Result<&'v Map<String, Value>, EvalError> {
        match self.any(index)? {
            Value::Object(map) => Ok(map),
            other => Err(self.wrong(index, "an object", other)),
        }
    }

    /// A number rounded to the nearest integer (halves away from zero).
    fn rounded(&self, index: usize) -> Result<i64, EvalError> {
        let value = self.any(index)?;
        let Value::Number(n) = value else {
            return Err(self.wrong(index, "a number", value));
        };
        if let Some(i) = as_integer(n) {
            return Ok(i);
        }
        let x = n.as_f64().filter(|x| x.is_finite() && x.abs() < 9.2e18);
        x.map(|x| x.round() as i64).ok_or_else(|| self.wrong(index, "an integer", value))
    }

    fn integer(&self, index: usize) -> Result<i64, EvalError> {
        match self.any(index)? {
            Value::Number(n) => as_integer(n).ok_or_else(|| self.wrong(index, "an integer", &Value::Number(n.clone()))),
            other => Err(self.wrong(index, "an integer", other)),
        }
    }

    /// A number with its fraction dropped (toward zero), as Step Functions
    /// does for `States.MathAdd`.
    fn whole(&self, index: usize) -> Result<bigdecimal::BigDecimal, EvalError> {
        let value = self.any(index)?;
        let Value::Number(n) = value else {
            return Err(self.wrong(index, "a number", value));
        };
        let d = decimal(n).ok_or_else(|| self.wrong(index, "a number", value))?;
        // Refuse magnitudes whose integer part would take megabytes to write.
        if d.order_of_magnitude() > 100 {
            return Err(self.fail(format!("argument {} is too large: {n}", index + 1)));
        }
        Ok(d.with_scale_round(0, bigdecimal::RoundingMode::Down))
    }
}

/// The "natural string representation" `States.Format` gives a value: a
/// string without quotes; a number, boolean or null as in JSON. The ASL spec
/// says a value MUST NOT be an array or object; Step Functions writes those
/// the way Java writes its maps and lists (`{a=1, b=[x, 2]}`), and so do we.
fn natural_string(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n.as_str()),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                natural_string(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                natural_string(v, out);
            }
            out.push('}');
        }
    }
}

/// `States.ArrayRange(start, end, step)`: from `start` to `end` inclusive.
fn range(args: &Args) -> Result<Value, EvalError> {
    let start = args.integer(0)?;
    let end = args.integer(1)?;
    let step = args.integer(2)?;
    if step == 0 {
        return Err(args.fail("the step must not be 0"));
    }
    let (start, end, step) = (i128::from(start), i128::from(end), i128::from(step));
    let count = if (step > 0 && start > end) || (step < 0 && start < end) { 0 } else { (end - start) / step + 1 };
    if count > MAX_RANGE_ITEMS {
        return Err(args.fail(format!("the range would have {count} items; at most {MAX_RANGE_ITEMS} are allowed")));
    }
    // Every item lies between start and end, which fit in an i64.
    Ok(Value::Array((0..count).map(|i| Value::from(i64::try_from(start + i * step).unwrap_or_default())).collect()))
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare_numbers(x, y) == Some(std::cmp::Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The lowercase hex digest of `data` (UTF-8) with an algorithm AWS names.
pub(crate) fn hash(data: &str, algorithm: &str) -> Option<String> {
    use sha2::Digest as _;
    let bytes = data.as_bytes();
    let digest: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(bytes).to_vec(),
        "SHA-1" => sha1::Sha1::digest(bytes).to_vec(),
        "SHA-256" => sha2::Sha256::digest(bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => return None,
    };
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    Some(hex)
}

/// 64 bits that depend only on a seed: the same seed gives the same number.
pub(crate) fn seeded(seed: i64) -> u64 {
    fastrand::Rng::with_seed(u64::from_ne_bytes(seed.to_ne_bytes())).u64(..)
}

/// An integer in `start..end` from 64 random bits (`end > start`).
fn random_in(bits: u64, start: i64, end: i64) -> i64 {
    let span = (i128::from(end) - i128::from(start)) as u128;
    let offset = (u128::from(bits) * span) >> 64;
    // offset < span, so start + offset < end.
    i64::try_from(i128::from(start) + offset as i128).unwrap_or(start)
}

/// A version 4 UUID from the caller's generator.
pub(crate) fn uuid_v4(rng: &mut dyn Entropy) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
    bytes[8..].copy_from_slice(&rng.next_u64().to_le_bytes());
    uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().to_string()
}

/// The literal `States.Format` template in `text` that unescapes to
/// `template` and has `values` placeholders, as written (escapes kept).
fn raw_template(text: &str, template: &str, values: usize) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find("States.Format(") {
        rest = &rest[at + "States.Format(".len()..];
        let body = rest.trim_start();
        let Some(quoted) = body.strip_prefix('\'') else { continue };
        let mut raw = String::new();
        let mut unescaped = String::new();
        let mut chars = quoted.chars();
        let mut closed = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    let Some(next) = chars.next() else { break };
                    raw.push('\\');
                    raw.push(next);
                    unescaped.push(next);
                }
                '\'' => {
                    closed = true;
                    break;
                }
                c => {
                    raw.push(c);
                    unescaped.push(c);
                }
            }
        }
        if closed && unescaped == template && split_raw(&raw).len() == values + 1 {
            return Some(raw);
        }
    }
    None
}

/// A template as written split at its unescaped `{}`, escapes removed from the pieces.
fn split_raw(raw: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(piece)) = (chars.next(), pieces.last_mut()) {
                    piece.push(next);
                }
            }
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                pieces.push(String::new());
            }
            c => {
                if let Some(p) = pieces.last_mut() {
                    p.push(c);
                }
            }
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn add(text: &str, input: &Value) -> Result<String, EvalError> {
        let (context, vars) = (Value::Null, Map::new());
        let call = Intrinsic::parse(text).expect("the call parses");
        call_intrinsic(&call, input, &Scope::new(&context, &vars), &mut fastrand::Rng::with_seed(1))
            .map(|v| v.to_string())
    }

    /// `States.MathAdd` past the 64-bit shortcut: overflow, fractions and
    /// errors go the exact way.
    #[test]
    fn math_add_beyond_the_integer_shortcut() {
        let input = json!({"max": i64::MAX, "min": i64::MIN, "f": 1.7, "s": "1", "a": [4, 5]});
        assert_eq!(add("States.MathAdd($.max, 1)", &input).unwrap(), "9223372036854775808");
        assert_eq!(add("States.MathAdd($.min, -1)", &input).unwrap(), "-9223372036854775809");
        assert_eq!(add("States.MathAdd($.f, 1)", &input).unwrap(), "2");
        assert_eq!(add("States.MathAdd($.a[1], -10)", &input).unwrap(), "-5");
        assert_eq!(add("States.MathAdd(States.MathAdd(1, 2), 3)", &input).unwrap(), "6");
        assert_eq!(add("States.MathAdd($.s, 1)", &input).unwrap_err().error, "States.IntrinsicFailure");
        let missing = add("States.MathAdd($.nope, 1)", &input).unwrap_err();
        assert_eq!(missing.error, "States.Runtime", "{missing:?}");
    }
}
