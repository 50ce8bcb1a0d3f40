//! Comparing attribute values and number arithmetic, by DynamoDB's rules:
//! numbers exactly (38 significant digits), strings and binaries by bytes,
//! values of different types never equal and never ordered.

use std::cmp::Ordering;
use std::str::FromStr;

use bigdecimal::BigDecimal;

use super::error::{Result, ServiceError};
use crate::dynamo::AttributeValue;
use crate::dynamo::number;

/// A number attribute's exact value. Stored numbers are normalized decimal
/// text, so this only fails on text that did not come through the marshaller.
pub fn decimal(text: &str) -> Result<BigDecimal> {
    BigDecimal::from_str(text).map_err(|_| ServiceError::validation(format!("{text:?} is not a valid number")))
}

/// The order of two scalar values of one type (`N`, `S`, `B`); `None` for
/// values of different types or of types that have no order.
pub fn order(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
    match (a, b) {
        (AttributeValue::N(x), AttributeValue::N(y)) => Some(decimal(x).ok()?.cmp(&decimal(y).ok()?)),
        (AttributeValue::S(x), AttributeValue::S(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (AttributeValue::B(x), AttributeValue::B(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Whether two values are equal: same type and same value; sets regardless
/// of order, maps regardless of member order, numbers by value.
pub fn equal(a: &AttributeValue, b: &AttributeValue) -> bool {
    use AttributeValue as A;
    match (a, b) {
        (A::N(x), A::N(y)) => x == y || order(a, b) == Some(Ordering::Equal),
        (A::Ss(x), A::Ss(y)) => x.len() == y.len() && x.iter().all(|v| y.contains(v)),
        (A::Bs(x), A::Bs(y)) => x.len() == y.len() && x.iter().all(|v| y.contains(v)),
        (A::Ns(x), A::Ns(y)) => x.len() == y.len() && x.iter().all(|v| y.iter().any(|w| numbers_equal(v, w))),
        (A::M(x), A::M(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w))),
        (A::L(x), A::L(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| equal(v, w)),
        _ => a == b,
    }
}

fn numbers_equal(a: &str, b: &str) -> bool {
    a == b || matches!((decimal(a), decimal(b)), (Ok(x), Ok(y)) if x == y)
}

/// `a + b` or `a - b` on number text, exact, checked against DynamoDB's
/// limits (38 significant digits, magnitude 1E-130 to 9.99…E+125).
pub fn arithmetic(a: &str, b: &str, subtract: bool) -> Result<String> {
    let (x, y) = (decimal(a)?, decimal(b)?);
    let result = if subtract { x - y } else { x + y };
    store_number(&result)
}

/// The normalized text of a computed number, or DynamoDB's error when it
/// cannot be stored.
pub fn store_number(value: &BigDecimal) -> Result<String> {
    let normalized = value.normalized();
    let (digits, scale) = normalized.as_bigint_and_exponent();
    if digits.sign() == bigdecimal::num_bigint::Sign::NoSign {
        return Ok("0".to_string());
    }
    let significant = digits.magnitude().to_string().len() as i64;
    // The value is 0.DIGITS × 10^point.
    let point = significant - scale;
    if point > 126 {
        return Err(ServiceError::validation(
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ));
    }
    if point < -129 {
        return Err(ServiceError::validation(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range",
        ));
    }
    if significant > 38 {
        return Err(ServiceError::validation("Attempting to store more than 38 significant digits in a Number"));
    }
    number::normalize(&normalized.to_string()).map_err(ServiceError::validation)
}

/// DynamoDB's long name for a type, as its operand-type messages print it.
pub fn long_type_name(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::S(_) => "STRING",
        AttributeValue::N(_) => "NUMBER",
        AttributeValue::B(_) => "BINARY",
        AttributeValue::Bool(_) => "BOOLEAN",
        AttributeValue::Null => "NULL",
        AttributeValue::M(_) => "MAP",
        AttributeValue::L(_) => "LIST",
        AttributeValue::Ss(_) => "STRING_SET",
        AttributeValue::Ns(_) => "NUMBER_SET",
        AttributeValue::Bs(_) => "BINARY_SET",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(text.to_string())
    }

    #[test]
    fn numbers_compare_by_value_strings_by_bytes() {
        assert_eq!(order(&n("9"), &n("10")), Some(Ordering::Less));
        assert_eq!(order(&n("-0.5"), &n("-0.25")), Some(Ordering::Less));
        let (upper, lower) = (AttributeValue::S("Z".into()), AttributeValue::S("a".into()));
        assert_eq!(order(&upper, &lower), Some(Ordering::Less));
        assert_eq!(order(&n("1"), &AttributeValue::S("1".into())), None);
        assert!(!equal(&n("1"), &AttributeValue::S("1".into())));
        let a = AttributeValue::Ss(vec!["x".into(), "y".into()]);
        let b = AttributeValue::Ss(vec!["y".into(), "x".into()]);
        assert!(equal(&a, &b));
    }

    #[test]
    fn arithmetic_is_exact_and_bounded() {
        assert_eq!(arithmetic("0.1", "0.2", false).unwrap(), "0.3");
        assert_eq!(arithmetic("5", "1", true).unwrap(), "4");
        assert_eq!(arithmetic("1", "1", true).unwrap(), "0");
        let big = "9".repeat(38);
        assert_eq!(arithmetic(&big, "1", false).unwrap(), format!("1{}", "0".repeat(38)));
        let err = arithmetic(&big, "0.1", false).unwrap_err();
        assert!(err.message.contains("38 significant digits"), "{err}");
        let largest = format!("{}{}", "9".repeat(38), "0".repeat(88));
        let err = arithmetic(&largest, &largest, false).unwrap_err();
        assert!(err.message.starts_with("Number overflow"), "{err}");
    }
}
