//! Choice rules (JSONPath): comparisons, `And`/`Or`/`Not`, by the rules of the
//! Amazon States Language spec and the Choice state page of the developer guide.
//!
//! - A comparison whose value under test has the wrong type is false
//!   (`NumericEquals` on a string), never an error.
//! - A `Variable` (or a `…Path` operand) that names nothing makes the state
//!   fail with `States.Runtime`, except for `IsPresent`, which exists for that.
//! - Numbers compare exactly (decimals, not doubles); timestamps compare as
//!   instants, whatever their offsets; strings compare by UTF-16 code units,
//!   as Java's `compareTo` does.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

use super::json::compare_numbers;
use super::select::{root_value, select_in, select_in_ref};
use super::{EvalError, Scope};
use crate::asl::choice::{Comparison, Condition, Operand, Operator};
use crate::asl::path::Path;
use crate::asl::states::Timestamp;

/// Whether a Choice rule holds for `input`.
///
/// A JSONata `Condition` is not evaluated here (it needs the JSONata
/// environment): use [`super::jsonata_condition`]; passing one is a
/// `States.Runtime` error.
pub fn choose(rule: &Condition, input: &Value, scope: &Scope) -> Result<bool, EvalError> {
    match rule {
        Condition::Compare(comparison) => compare(comparison, input, scope),
        Condition::And(rules) => {
            for rule in rules {
                if !choose(&rule.condition, input, scope)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Condition::Or(rules) => {
            for rule in rules {
                if choose(&rule.condition, input, scope)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Condition::Not(rule) => Ok(!choose(&rule.condition, input, scope)?),
        Condition::Jsonata(expr) => Err(EvalError::runtime(format!(
            "the JSONata condition '{}' must be evaluated with jsonata_condition",
            expr.as_str()
        ))),
    }
}

/// The value a path names, or `None` when it names nothing; borrowed for a
/// definite path (the usual `$.field`), so a comparison copies nothing.
fn lookup<'v>(path: &Path, input: &'v Value, scope: &Scope<'v>) -> Result<Option<Cow<'v, Value>>, EvalError> {
    let root = root_value(path, input, scope)?;
    if path.is_definite() {
        return Ok(select_in_ref(path, root).map(Cow::Borrowed));
    }
    Ok(select_in(path, root).ok().map(Cow::Owned))
}

fn invalid(path: &Path) -> EvalError {
    EvalError::runtime(format!(
        "Invalid path '{}': The choice state's condition path references an invalid value.",
        path.as_str()
    ))
}

fn compare(c: &Comparison, input: &Value, scope: &Scope) -> Result<bool, EvalError> {
    let value = lookup(&c.variable, input, scope)?;
    if c.operator == Operator::IsPresent {
        let expected = matches!(c.operand, Operand::Boolean(true));
        return Ok(value.is_some() == expected);
    }
    let value = value.ok_or_else(|| invalid(&c.variable))?;
    // The operand: the literal, or the value its path names.
    let from_path;
    let operand: Operand2 = match &c.operand {
        Operand::Path(path) => {
            from_path = lookup(path.path(), input, scope)?.ok_or_else(|| invalid(path.path()))?;
            Operand2::Json(&from_path)
        }
        Operand::String(s) => Operand2::String(s),
        Operand::Number(n) => Operand2::Number(n),
        Operand::Boolean(b) => Operand2::Bool(*b),
        Operand::Timestamp(t) => Operand2::Timestamp(t),
    };
    use Operator::*;
    Ok(match c.operator {
        StringEquals | StringLessThan | StringGreaterThan | StringLessThanEquals | StringGreaterThanEquals => {
            match (value.as_str(), operand.string()) {
                (Some(a), Some(b)) => holds(c.operator, utf16_cmp(a, b)),
                _ => false,
            }
        }
        StringMatches => match (value.as_str(), operand.string()) {
            (Some(a), Some(pattern)) => matches_pattern(a, pattern),
            _ => false,
        },
        NumericEquals | NumericLessThan | NumericGreaterThan | NumericLessThanEquals | NumericGreaterThanEquals => {
            match (value.as_number(), operand.number()) {
                (Some(a), Some(b)) => compare_numbers(a, b).is_some_and(|o| holds(c.operator, o)),
                _ => false,
            }
        }
        BooleanEquals => match (value.as_bool(), operand.boolean()) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        TimestampEquals
        | TimestampLessThan
        | TimestampGreaterThan
        | TimestampLessThanEquals
        | TimestampGreaterThanEquals => match (value.as_str().and_then(instant), operand.instant()) {
            (Some(a), Some(b)) => holds(c.operator, a.cmp(&b)),
            _ => false,
        },
        IsNull => value.is_null() == expected(&operand),
        IsNumeric => value.is_number() == expected(&operand),
        IsString => value.is_string() == expected(&operand),
        IsBoolean => value.is_boolean() == expected(&operand),
        IsTimestamp => value.as_str().is_some_and(|s| instant(s).is_some()) == expected(&operand),
        IsPresent => true,
    })
}

/// An operand, literal or read through its path.
enum Operand2<'a> {
    String(&'a str),
    Number(&'a serde_json::Number),
    Bool(bool),
    Timestamp(&'a Timestamp),
    Json(&'a Value),
}

impl Operand2<'_> {
    fn string(&self) -> Option<&str> {
        match self {
            Operand2::String(s) => Some(s),
            Operand2::Json(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    fn number(&self) -> Option<&serde_json::Number> {
        match self {
            Operand2::Number(n) => Some(n),
            Operand2::Json(Value::Number(n)) => Some(n),
            _ => None,
        }
    }

    fn boolean(&self) -> Option<bool> {
        match self {
            Operand2::Bool(b) => Some(*b),
            Operand2::Json(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn instant(&self) -> Option<jiff::Timestamp> {
        match self {
            Operand2::Timestamp(t) => instant(t.as_str()),
            Operand2::Json(Value::String(s)) => instant(s),
            _ => None,
        }
    }
}

/// The expected outcome of an `Is*` test (its literal `true` or `false`).
fn expected(operand: &Operand2) -> bool {
    operand.boolean().unwrap_or(true)
}

/// Whether an ordering satisfies a comparison operator.
fn holds(op: Operator, ordering: Ordering) -> bool {
    use Operator::*;
    match op {
        StringEquals | NumericEquals | TimestampEquals => ordering == Ordering::Equal,
        StringLessThan | NumericLessThan | TimestampLessThan => ordering == Ordering::Less,
        StringGreaterThan | NumericGreaterThan | TimestampGreaterThan => ordering == Ordering::Greater,
        StringLessThanEquals | NumericLessThanEquals | TimestampLessThanEquals => ordering != Ordering::Greater,
        StringGreaterThanEquals | NumericGreaterThanEquals | TimestampGreaterThanEquals => ordering != Ordering::Less,
        _ => false,
    }
}

/// Java's `String.compareTo`: lexicographic over UTF-16 code units.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// A timestamp in the ASL profile of RFC 3339, as an instant.
pub(crate) fn instant(text: &str) -> Option<jiff::Timestamp> {
    Timestamp::parse(text).ok()?;
    text.parse::<jiff::Timestamp>().ok()
}

/// `StringMatches`: `*` matches any run of characters (none included), `\*`
/// a literal star and `\\` a literal backslash; the whole string must match.
pub(crate) fn matches_pattern(text: &str, pattern: &str) -> bool {
    // The pattern as tokens: Some(c) a literal character, None a wildcard.
    let mut tokens: Vec<Option<char>> = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => tokens.push(Some(chars.next().unwrap_or('\\'))),
            '*' => tokens.push(None),
            c => tokens.push(Some(c)),
        }
    }
    let text: Vec<char> = text.chars().collect();
    // Greedy matching with one backtrack point: linear for patterns without
    // stars, quadratic at worst.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(None) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Some(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    tokens[p..].iter().all(Option::is_none)
}
