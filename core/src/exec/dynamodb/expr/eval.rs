//! Evaluating conditions against an item, by DynamoDB's rules: a missing
//! attribute makes a comparison false (and `<>` true), values of different
//! types are never equal or ordered, numbers compare exactly.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::ast::{Comparator, Condition, DocPath, Operand, Segment};
use crate::dynamo::{AttributeValue, Item};
use crate::exec::dynamodb::error::Result;
use crate::exec::dynamodb::value::{equal, order};

/// The value at a document path, if the item has one there.
pub fn resolve<'a>(item: &'a Item, path: &DocPath) -> Option<&'a AttributeValue> {
    let mut segments = path.0.iter();
    let Some(Segment::Attr(first)) = segments.next() else { return None };
    let mut current = item.get(first)?;
    for segment in segments {
        current = match (segment, current) {
            (Segment::Attr(name), AttributeValue::M(map)) => map.get(name)?,
            (Segment::Index(i), AttributeValue::L(list)) => list.get(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

/// An operand's value for this item, if it has one.
fn operand<'a>(item: &'a Item, op: &'a Operand) -> Option<Cow<'a, AttributeValue>> {
    match op {
        Operand::Path(path) => resolve(item, path).map(Cow::Borrowed),
        Operand::Value(v) => Some(Cow::Borrowed(v)),
        Operand::Size(path) => size(resolve(item, path)?).map(|n| Cow::Owned(AttributeValue::N(n.to_string()))),
    }
}

/// `size()`: the length of a string or binary in bytes, the number of
/// elements of a set, list or map; nothing for other types.
fn size(value: &AttributeValue) -> Option<usize> {
    Some(match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::B(b) => b.len(),
        AttributeValue::Ss(s) => s.len(),
        AttributeValue::Ns(n) => n.len(),
        AttributeValue::Bs(b) => b.len(),
        AttributeValue::L(l) => l.len(),
        AttributeValue::M(m) => m.len(),
        _ => return None,
    })
}

/// Whether `condition` holds for `item` (an empty item when there is none).
pub fn holds(item: &Item, condition: &Condition) -> Result<bool> {
    Ok(match condition {
        Condition::Compare(a, comparator, b) => {
            let (a, b) = (operand(item, a), operand(item, b));
            match (a, b, comparator) {
                (Some(a), Some(b), Comparator::Eq) => equal(&a, &b),
                (Some(a), Some(b), Comparator::Ne) => !equal(&a, &b),
                (_, _, Comparator::Ne) => true,
                (Some(a), Some(b), c) => order(&a, &b).is_some_and(|o| compare_holds(o, *c)),
                _ => false,
            }
        }
        Condition::Between(a, low, high) => match (operand(item, a), operand(item, low), operand(item, high)) {
            (Some(a), Some(low), Some(high)) => {
                order(&a, &low).is_some_and(|o| o != Ordering::Less)
                    && order(&a, &high).is_some_and(|o| o != Ordering::Greater)
            }
            _ => false,
        },
        Condition::In(a, list) => match operand(item, a) {
            Some(a) => list.iter().any(|b| operand(item, b).is_some_and(|b| equal(&a, &b))),
            None => false,
        },
        Condition::Exists(path) => resolve(item, path).is_some(),
        Condition::NotExists(path) => resolve(item, path).is_none(),
        Condition::Type(path, wanted) => match (resolve(item, path), operand(item, wanted).as_deref()) {
            (Some(v), Some(AttributeValue::S(t))) => v.type_name() == t,
            _ => false,
        },
        Condition::BeginsWith(a, b) => match (operand(item, a).as_deref(), operand(item, b).as_deref()) {
            (Some(AttributeValue::S(a)), Some(AttributeValue::S(b))) => a.starts_with(b.as_str()),
            (Some(AttributeValue::B(a)), Some(AttributeValue::B(b))) => a.starts_with(b),
            _ => false,
        },
        Condition::Contains(a, b) => match (operand(item, a), operand(item, b)) {
            (Some(a), Some(b)) => contains(&a, &b),
            _ => false,
        },
        Condition::Not(c) => !holds(item, c)?,
        Condition::And(terms) => {
            for term in terms {
                if !holds(item, term)? {
                    return Ok(false);
                }
            }
            true
        }
        Condition::Or(terms) => {
            for term in terms {
                if holds(item, term)? {
                    return Ok(true);
                }
            }
            false
        }
    })
}

fn compare_holds(o: Ordering, c: Comparator) -> bool {
    match c {
        Comparator::Eq => o == Ordering::Equal,
        Comparator::Ne => o != Ordering::Equal,
        Comparator::Lt => o == Ordering::Less,
        Comparator::Le => o != Ordering::Greater,
        Comparator::Gt => o == Ordering::Greater,
        Comparator::Ge => o != Ordering::Less,
    }
}

/// `contains(a, b)`: a substring of a string, a member of a set of b's type,
/// an element of a list.
fn contains(a: &AttributeValue, b: &AttributeValue) -> bool {
    use AttributeValue as A;
    match (a, b) {
        (A::S(a), A::S(b)) => a.contains(b.as_str()),
        (A::B(a), A::B(b)) => b.is_empty() || a.windows(b.len()).any(|w| w == b.as_slice()),
        (A::Ss(set), A::S(b)) => set.contains(b),
        (A::Bs(set), A::B(b)) => set.contains(b),
        (A::Ns(set), A::N(_)) => set.iter().any(|n| equal(&A::N(n.clone()), b)),
        (A::L(list), b) => list.iter().any(|v| equal(v, b)),
        _ => false,
    }
}
