//! Applying an UpdateExpression to an item. Every SET value is computed from
//! the item as it was before the update (as DynamoDB does), then the actions
//! are applied; REMOVE of several elements of one list removes them by their
//! original positions.

use super::ast::{DocPath, Segment, SetOperand, SetValue, UpdateAction};
use super::eval::resolve;
use crate::dynamo::attr::MAX_DEPTH;
use crate::dynamo::{AttributeValue, Item};
use crate::exec::dynamodb::error::{Result, ServiceError};
use crate::exec::dynamodb::value::arithmetic;

fn missing_attribute() -> ServiceError {
    ServiceError::validation("The provided expression refers to an attribute that does not exist in the item")
}

fn wrong_type() -> ServiceError {
    ServiceError::validation("An operand in the update expression has an incorrect data type")
}

fn invalid_path() -> ServiceError {
    ServiceError::validation("The document path provided in the update expression is invalid for update")
}

/// Applies `actions` to `item` (which starts as the old item, or as just the
/// key when there was none).
pub fn apply(item: &mut Item, actions: &[UpdateAction]) -> Result<()> {
    let old = item.clone();
    // Values first, all from the old item.
    let mut sets = Vec::new();
    for action in actions {
        if let UpdateAction::Set(path, value) = action {
            sets.push((path, set_value(&old, value)?));
        }
    }
    // Several elements set past the end of one list are appended in index
    // order, whatever their order in the expression: list elements go last,
    // sorted by path (no other SET can create or replace their list, as
    // overlapping paths are refused).
    let (mut elements, members): (Vec<_>, Vec<_>) =
        sets.into_iter().partition(|(path, _)| matches!(path.0.last(), Some(Segment::Index(_))));
    elements.sort_by(|(a, _), (b, _)| a.0.cmp(&b.0));
    for (path, value) in members.into_iter().chain(elements) {
        write(item, path, value)?;
    }
    // Removals deepest and highest index first, so earlier positions stay valid.
    let mut removals: Vec<&DocPath> = actions
        .iter()
        .filter_map(|a| match a {
            UpdateAction::Remove(p) => Some(p),
            _ => None,
        })
        .collect();
    removals.sort_by(|a, b| b.0.cmp(&a.0));
    for path in removals {
        remove(item, path)?;
    }
    for action in actions {
        match action {
            UpdateAction::Add(path, value) => {
                let new = match resolve(item, path) {
                    None => value.clone(),
                    Some(current) => add(current, value)?,
                };
                write(item, path, new)?;
            }
            UpdateAction::Delete(path, value) => {
                let Some(current) = resolve(item, path) else { continue };
                match delete(current, value)? {
                    Some(rest) => write(item, path, rest)?,
                    None => remove(item, path)?,
                }
            }
            _ => {}
        }
    }
    // As when an item is read: the item is the first level, so an attribute
    // holds at most MAX_DEPTH - 1 nested lists and maps.
    if item.values().any(|v| depth(v) >= MAX_DEPTH) {
        return Err(ServiceError::validation("Nesting Levels have exceeded supported limits"));
    }
    Ok(())
}

/// How many lists and maps nest inside each other in a value.
fn depth(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::M(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        AttributeValue::L(l) => 1 + l.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn set_value(old: &Item, value: &SetValue) -> Result<AttributeValue> {
    let numbers = |a: &SetOperand, b: &SetOperand, subtract: bool| -> Result<AttributeValue> {
        match (operand(old, a)?, operand(old, b)?) {
            (AttributeValue::N(x), AttributeValue::N(y)) => Ok(AttributeValue::N(arithmetic(&x, &y, subtract)?)),
            _ => Err(wrong_type()),
        }
    };
    match value {
        SetValue::Single(a) => operand(old, a),
        SetValue::Plus(a, b) => numbers(a, b, false),
        SetValue::Minus(a, b) => numbers(a, b, true),
    }
}

fn operand(old: &Item, op: &SetOperand) -> Result<AttributeValue> {
    match op {
        SetOperand::Path(path) => resolve(old, path).cloned().ok_or_else(missing_attribute),
        SetOperand::Value(v) => Ok(v.clone()),
        SetOperand::IfNotExists(path, fallback) => match resolve(old, path) {
            Some(v) => Ok(v.clone()),
            None => operand(old, fallback),
        },
        SetOperand::ListAppend(a, b) => match (operand(old, a)?, operand(old, b)?) {
            (AttributeValue::L(mut x), AttributeValue::L(y)) => {
                x.extend(y);
                Ok(AttributeValue::L(x))
            }
            _ => Err(wrong_type()),
        },
    }
}

/// The container a path's last segment lives in: the item's top level
/// (`None`) or a nested map or list.
fn parent_mut<'a>(item: &'a mut Item, path: &DocPath) -> Result<Option<&'a mut AttributeValue>> {
    let segments = &path.0;
    if segments.len() == 1 {
        return Ok(None);
    }
    let Segment::Attr(first) = &segments[0] else { return Err(invalid_path()) };
    let mut current = item.get_mut(first).ok_or_else(invalid_path)?;
    for segment in &segments[1..segments.len() - 1] {
        current = match (segment, current) {
            (Segment::Attr(name), AttributeValue::M(map)) => map.get_mut(name).ok_or_else(invalid_path)?,
            (Segment::Index(i), AttributeValue::L(list)) => list.get_mut(*i).ok_or_else(invalid_path)?,
            _ => return Err(invalid_path()),
        };
    }
    Ok(Some(current))
}

/// Sets the value at a path: a map member is added or replaced, a list
/// element replaced, or appended when the index is past the end.
fn write(item: &mut Item, path: &DocPath, value: AttributeValue) -> Result<()> {
    let last = path.0.last().ok_or_else(invalid_path)?;
    match (parent_mut(item, path)?, last) {
        (None, Segment::Attr(name)) => {
            item.insert(name.clone(), value);
        }
        (Some(AttributeValue::M(map)), Segment::Attr(name)) => {
            map.insert(name.clone(), value);
        }
        (Some(AttributeValue::L(list)), Segment::Index(i)) => {
            if *i < list.len() {
                list[*i] = value;
            } else {
                list.push(value);
            }
        }
        _ => return Err(invalid_path()),
    }
    Ok(())
}

/// Removes the value at a path; nothing happens if there is none.
fn remove(item: &mut Item, path: &DocPath) -> Result<()> {
    let last = path.0.last().ok_or_else(invalid_path)?;
    match (parent_mut(item, path)?, last) {
        (None, Segment::Attr(name)) => {
            item.shift_remove(name);
        }
        (Some(AttributeValue::M(map)), Segment::Attr(name)) => {
            map.shift_remove(name);
        }
        (Some(AttributeValue::L(list)), Segment::Index(i)) => {
            if *i < list.len() {
                list.remove(*i);
            }
        }
        _ => return Err(invalid_path()),
    }
    Ok(())
}

/// ADD: numbers are summed, sets of one type united.
fn add(current: &AttributeValue, value: &AttributeValue) -> Result<AttributeValue> {
    use AttributeValue as A;
    Ok(match (current, value) {
        (A::N(x), A::N(y)) => A::N(arithmetic(x, y, false)?),
        (A::Ss(x), A::Ss(y)) => A::Ss(union(x, y)),
        (A::Ns(x), A::Ns(y)) => A::Ns(union(x, y)),
        (A::Bs(x), A::Bs(y)) => A::Bs(union(x, y)),
        _ => return Err(wrong_type()),
    })
}

/// DELETE: the set without the given elements; `None` when nothing is left
/// (DynamoDB sets cannot be empty, so the attribute goes).
fn delete(current: &AttributeValue, value: &AttributeValue) -> Result<Option<AttributeValue>> {
    use AttributeValue as A;
    let rest = match (current, value) {
        (A::Ss(x), A::Ss(y)) => A::Ss(difference(x, y)),
        (A::Ns(x), A::Ns(y)) => A::Ns(difference(x, y)),
        (A::Bs(x), A::Bs(y)) => A::Bs(difference(x, y)),
        _ => return Err(wrong_type()),
    };
    let empty = match &rest {
        A::Ss(s) => s.is_empty(),
        A::Ns(n) => n.is_empty(),
        A::Bs(b) => b.is_empty(),
        _ => false,
    };
    Ok((!empty).then_some(rest))
}

// Set members are normalized (numbers too), so equality of the stored form is set equality.
fn union<T: Clone + PartialEq>(x: &[T], y: &[T]) -> Vec<T> {
    let mut out = x.to_vec();
    for v in y {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

fn difference<T: Clone + PartialEq>(x: &[T], y: &[T]) -> Vec<T> {
    x.iter().filter(|v| !y.contains(v)).cloned().collect()
}
