//! What is particular to JavaScript's values, for its host: numbers are
//! doubles (exact only up to `Number.MAX_SAFE_INTEGER`), big integers are
//! BigInts made of 64-bit words, strings are UTF-16 (and may hold a lone
//! surrogate, which has no UTF-8 form). Pure functions, so the rules are
//! tested here rather than through Node.

use super::super::number;

/// The largest integer a double holds with its neighbours told apart
/// (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Checks a JavaScript number for DynamoDB: finite, within
/// `MAX_SAFE_INTEGER` in size (beyond it a number stands for many integers,
/// so which one was meant is unknown), within DynamoDB's range. `spelled`
/// gives its `String(n)`, asked for only when a message or the range check
/// near DynamoDB's limits needs it; `fail` makes the error from a message.
pub fn check_double<E>(
    f: f64,
    spelled: impl FnOnce() -> Result<String, E>,
    fail: impl FnOnce(String) -> E,
) -> Result<(), E> {
    let dialect = super::Dialect::JavaScript;
    let magnitude = f.abs();
    if magnitude > MAX_SAFE_INTEGER as f64 && magnitude.is_finite() {
        return Err(fail(dialect.unsafe_integer(&spelled()?)));
    }
    // Far from DynamoDB's limits (1E-130, 9.99…E+125) the range needs no look at the digits.
    if f == 0.0 || (1e-120..1e120).contains(&magnitude) {
        return Ok(());
    }
    if f.is_nan() {
        return Err(fail(dialect.not_finite("NaN")));
    }
    if f.is_infinite() {
        return Err(fail(dialect.not_finite(if f < 0.0 { "-Infinity" } else { "Infinity" })));
    }
    number::normalize(&spelled()?).map(|_| ()).map_err(fail)
}

/// How `unmarshall` gives a number back to JavaScript.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JsNumber<'a> {
    /// A number holds it exactly.
    Double(f64),
    /// A whole number beyond `MAX_SAFE_INTEGER`: a BigInt of these digits.
    BigInt {
        /// Below zero.
        negative: bool,
        /// The decimal digits, without sign.
        digits: &'a str,
    },
    /// A decimal no number holds exactly: a `DynamoNumber` with the text.
    Exact,
}

/// How normalized `N` text is read in JavaScript: a number when one holds it
/// exactly, a BigInt for a larger whole number, else its exact text, so that
/// every number DynamoDB can hold is read and `marshall` gives it back
/// unchanged.
pub fn js_number(text: &str) -> JsNumber<'_> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if !digits.contains('.') {
        if digits.len() <= 16
            && let Ok(i) = digits.parse::<i64>()
            && i <= MAX_SAFE_INTEGER
        {
            return JsNumber::Double(if negative { -(i as f64) } else { i as f64 });
        }
        return JsNumber::BigInt { negative, digits };
    }
    let significant = digits.bytes().filter(u8::is_ascii_digit).skip_while(|&d| d == b'0').count();
    let Ok(f) = text.parse::<f64>() else { return JsNumber::Exact };
    // Up to 15 significant digits always survive the trip through a double.
    if significant <= 15 || number::normalize(&format!("{f:e}")).is_ok_and(|back| back == text) {
        return JsNumber::Double(f);
    }
    JsNumber::Exact
}

/// Whether `N` text is a small whole number in normal form
/// (`-?[1-9][0-9]{0,14}` or `0`), and which: read without the core's
/// normalizing, as most numbers in items are.
pub fn small_int(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 15 || (digits[0] == b'0' && (digits.len() > 1 || negative)) {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(d - b'0');
    }
    Some(if negative { -n } else { n })
}

/// The 64-bit words, least significant first, of decimal `digits` (what
/// Node-API makes a BigInt from). Other characters than digits count as 0.
pub fn bigint_words(digits: &str) -> Vec<u64> {
    let mut words: Vec<u64> = vec![0];
    for d in digits.bytes() {
        let mut carry = if d.is_ascii_digit() { u128::from(d - b'0') } else { 0 };
        for w in words.iter_mut() {
            let x = u128::from(*w) * 10 + carry;
            *w = x as u64;
            carry = x >> 64;
        }
        if carry > 0 {
            words.push(carry as u64);
        }
    }
    words
}

/// The first lone surrogate of UTF-16 text: the code unit and its index.
pub fn lone_surrogate(units: &[u16]) -> Option<(u16, usize)> {
    let mut i = 0;
    while i < units.len() {
        match units[i] {
            0xD800..=0xDBFF if matches!(units.get(i + 1), Some(0xDC00..=0xDFFF)) => i += 2,
            unit @ 0xD800..=0xDFFF => return Some((unit, i)),
            _ => i += 1,
        }
    }
    None
}
