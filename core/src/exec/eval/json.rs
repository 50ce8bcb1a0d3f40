//! Exact numbers: JSON numbers keep their text (serde_json's arbitrary
//! precision), and comparisons and sums go through `bigdecimal` so that no
//! digit is lost, as the ASL spec asks for numeric comparisons.

use std::cmp::Ordering;
use std::str::FromStr;

use bigdecimal::BigDecimal;
use serde_json::{Number, Value};

/// A JSON number as an exact decimal.
pub(crate) fn decimal(n: &Number) -> Option<BigDecimal> {
    BigDecimal::from_str(n.as_str()).ok()
}

/// Compares two JSON numbers exactly.
pub(crate) fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    Some(decimal(a)?.cmp(&decimal(b)?))
}

/// A decimal as a JSON number, written without an exponent when it is an
/// integer of reasonable size (what AWS writes for `MathAdd`).
pub(crate) fn number_value(d: &BigDecimal) -> Value {
    let normalized = d.normalized();
    let text = if normalized.is_integer() && normalized.order_of_magnitude() < 40 {
        normalized.with_scale(0).to_string()
    } else {
        normalized.to_string()
    };
    Value::Number(Number::from_string_unchecked(text))
}

/// An integer argument, when the number is one (`3`, `3.0`, `3e0`) and fits in 64 bits.
pub(crate) fn as_integer(n: &Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let d = decimal(n)?;
    // Beyond 19 digits nothing fits; refuse before rescaling a huge exponent.
    if d.order_of_magnitude() > 19 || !d.is_integer() {
        return None;
    }
    i64::from_str(&d.with_scale(0).to_string()).ok()
}
