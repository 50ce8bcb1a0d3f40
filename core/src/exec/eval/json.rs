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

/// Compares two JSON numbers exactly: integers that fit in 64 bits (the
/// usual case, and exact as they are) without building decimals.
pub(crate) fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The 64-bit shortcuts of `States.MathAdd` and the numeric comparisons
    /// give exactly what the decimal path gives (same order, same text).
    #[test]
    fn integer_shortcuts_agree_with_decimals() {
        let values = [
            "0",
            "-0",
            "1",
            "-1",
            "7",
            "999",
            "1000",
            "-1000",
            "4294967296",
            "-4294967296",
            "9223372036854775806",
            "9223372036854775807",
            "-9223372036854775807",
            "-9223372036854775808",
        ];
        let number = |t: &str| Number::from_string_unchecked(t.to_string());
        for a in values {
            for b in values {
                let (x, y) = (number(a), number(b));
                let exact = decimal(&x).unwrap().cmp(&decimal(&y).unwrap());
                assert_eq!(compare_numbers(&x, &y), Some(exact), "{a} vs {b}");
                let (i, j) = (x.as_i64().unwrap(), y.as_i64().unwrap());
                if let Some(sum) = i.checked_add(j) {
                    let slow = number_value(&(decimal(&x).unwrap() + decimal(&y).unwrap()));
                    assert_eq!(Value::from(sum).to_string(), slow.to_string(), "{a} + {b}");
                }
            }
        }
        // Not integers in 64 bits: the decimal path alone.
        assert_eq!(compare_numbers(&number("7.5"), &number("7")), Some(Ordering::Greater));
        assert_eq!(compare_numbers(&number("1e3"), &number("1000")), Some(Ordering::Equal));
        assert_eq!(compare_numbers(&number("9223372036854775808"), &number("1")), Some(Ordering::Greater));
    }
}
