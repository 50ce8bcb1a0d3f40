//! JSONPath selection with the semantics Step Functions gets from Jayway
//! JsonPath: a definite path (fields and indexes only) yields the one value it
//! names or fails; an indefinite path (`..`, `*`, slices, unions, filters)
//! yields the array of every match, possibly empty. A trailing function such
//! as `.length()` applies to what the path before it selects.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::json::{compare_numbers, decimal, number_value};
use super::{EvalError, Scope};
use crate::asl::path::{CompareOp, Filter, FilterOperand, Path, ReferencePath, Root, Segment, Selector};

/// Selects what `path` names: `$` is `input`, `$$` the context object,
/// `$name` a variable. A definite path that names nothing is `States.Runtime`
/// (`Invalid path '$.x' : No results for path: $['x']`, as AWS words it).
pub fn select(path: &Path, input: &Value, scope: &Scope) -> Result<Value, EvalError> {
    let root = root_value(path, input, scope)?;
    select_in(path, root).map_err(|_| EvalError::runtime(no_results(path)))
}

/// Selects the one value a reference path (`TimeoutSecondsPath`, a Choice
/// `…Path` operand) names, like [`select`].
pub fn select_reference(path: &ReferencePath, input: &Value, scope: &Scope) -> Result<Value, EvalError> {
    select(path.path(), input, scope)
}

/// The value a definite path (fields and indexes only) names, by reference;
/// `None` for an indefinite path or one that names nothing (where
/// [`select`] gives the copy or the error).
pub(crate) fn select_ref<'v>(path: &Path, input: &'v Value, scope: &Scope<'v>) -> Option<&'v Value> {
    if !path.is_definite() {
        return None;
    }
    select_in_ref(path, root_value(path, input, scope).ok()?)
}

/// [`select_ref`] from the document the path starts from.
pub(crate) fn select_in_ref<'v>(path: &Path, root: &'v Value) -> Option<&'v Value> {
    if !path.is_definite() {
        return None;
    }
    definite(path.segments(), root).ok()
}

/// The document a path starts from.
pub(crate) fn root_value<'v>(path: &Path, input: &'v Value, scope: &Scope<'v>) -> Result<&'v Value, EvalError> {
    match path.root() {
        Root::Input => Ok(input),
        Root::Context => Ok(scope.context),
        Root::Variable(name) => scope.variables.get(name).ok_or_else(|| {
            EvalError::runtime(format!("Invalid path '{}': the variable '${name}' is not defined here", path.as_str()))
        }),
    }
}

/// What a path selects inside `root`; on failure, the segments of a definite
/// path that did match (for the message).
pub(crate) fn select_in(path: &Path, root: &Value) -> Result<Value, usize> {
    let segments = path.segments();
    if path.is_definite() {
        return definite(segments, root).cloned();
    }
    let (function, segments) = match segments.split_last() {
        Some((Segment::Function(name), rest)) => (Some(name.as_str()), rest),
        _ => (None, segments),
    };
    let selected = if segments.iter().all(|s| matches!(s, Segment::Field(_) | Segment::Index(_))) {
        definite(segments, root)?.clone()
    } else {
        let mut matches = Vec::new();
        walk(segments, root, root, &mut matches);
        Value::Array(matches.into_iter().cloned().collect())
    };
    match function {
        // Jayway applies a trailing function to the selection and fails when
        // it does not fit (an average of strings): no result then.
        Some(name) => apply_function(name, &selected).ok_or(segments.len()),
        None => Ok(selected),
    }
}

/// Follows fields and indexes; on failure, how many segments matched.
fn definite<'v>(segments: &[Segment], root: &'v Value) -> Result<&'v Value, usize> {
    let mut node = root;
    for (depth, segment) in segments.iter().enumerate() {
        let next = match segment {
            Segment::Field(name) => node.as_object().and_then(|m| m.get(name)),
            Segment::Index(index) => node.as_array().and_then(|items| items.get(resolve_index(*index, items.len())?)),
            _ => None,
        };
        node = next.ok_or(depth)?;
    }
    Ok(node)
}

/// Every node `segments` select from `node`, in document order.
fn walk<'v>(segments: &[Segment], node: &'v Value, root: &'v Value, out: &mut Vec<&'v Value>) {
    let Some((segment, rest)) = segments.split_first() else {
        out.push(node);
        return;
    };
    match segment {
        Segment::Descendant(inner) => {
            let mut found = Vec::new();
            descend(inner, node, root, &mut found);
            for child in found {
                walk(rest, child, root, out);
            }
        }
        _ => {
            let mut children = Vec::new();
            step(segment, node, root, &mut children);
            for child in children {
                walk(rest, child, root, out);
            }
        }
    }
}

/// `..inner`: `inner` applied to `node` and to every value below it, pre-order.
fn descend<'v>(inner: &Segment, node: &'v Value, root: &'v Value, out: &mut Vec<&'v Value>) {
    step(inner, node, root, out);
    match node {
        Value::Object(map) => map.values().for_each(|v| descend(inner, v, root, out)),
        Value::Array(items) => items.iter().for_each(|v| descend(inner, v, root, out)),
        _ => {}
    }
}

/// One segment applied to one node; a segment that does not fit selects nothing.
fn step<'v>(segment: &Segment, node: &'v Value, root: &'v Value, out: &mut Vec<&'v Value>) {
    match (segment, node) {
        (Segment::Field(name), Value::Object(map)) => out.extend(map.get(name)),
        (Segment::Index(index), Value::Array(items)) => {
            out.extend(resolve_index(*index, items.len()).and_then(|i| items.get(i)));
        }
        (Segment::Wildcard, Value::Object(map)) => out.extend(map.values()),
        (Segment::Wildcard, Value::Array(items)) => out.extend(items.iter()),
        (Segment::Slice { start, end, step }, Value::Array(items)) => {
            out.extend(slice_indexes(*start, *end, *step, items.len()).filter_map(|i| items.get(i)));
        }
        (Segment::Union(selectors), _) => {
            for selector in selectors {
                match (selector, node) {
                    (Selector::Name(name), Value::Object(map)) => out.extend(map.get(name)),
                    (Selector::Index(index), Value::Array(items)) => {
                        out.extend(resolve_index(*index, items.len()).and_then(|i| items.get(i)));
                    }
                    _ => {}
                }
            }
        }
        (Segment::Filter(filter), Value::Array(items)) => {
            out.extend(items.iter().filter(|item| holds(filter, item, root)));
        }
        // Jayway tests a filter on an object against the object itself.
        (Segment::Filter(filter), Value::Object(_)) if holds(filter, node, root) => out.push(node),
        (Segment::Descendant(inner), _) => descend(inner, node, root, out),
        // A function only ends a path; `select_in` applies it to the selection.
        _ => {}
    }
}

/// A position in `0..len` for a Jayway index (negative counts from the end).
fn resolve_index(index: i64, len: usize) -> Option<usize> {
    if index >= 0 {
        usize::try_from(index).ok().filter(|&i| i < len)
    } else {
        len.checked_sub(usize::try_from(index.unsigned_abs()).ok()?)
    }
}

/// The indexes of `[start:end:step]` over `len` items (negative bounds count
/// from the end; out-of-range bounds are clamped).
fn slice_indexes(start: Option<i64>, end: Option<i64>, step: Option<i64>, len: usize) -> impl Iterator<Item = usize> {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let step = step.filter(|&s| s != 0).unwrap_or(1);
    let clamp = |bound: i64, low: i64, high: i64| {
        let b = if bound < 0 { bound.saturating_add(len_i) } else { bound };
        b.clamp(low, high)
    };
    let (from, to) = if step > 0 {
        (start.map_or(0, |s| clamp(s, 0, len_i)), end.map_or(len_i, |e| clamp(e, 0, len_i)))
    } else {
        (start.map_or(len_i - 1, |s| clamp(s, -1, len_i - 1)), end.map_or(-1, |e| clamp(e, -1, len_i - 1)))
    };
    let mut i = from;
    std::iter::from_fn(move || {
        let inside = if step > 0 { i < to } else { i > to };
        if !inside {
            return None;
        }
        let current = i;
        i = i.saturating_add(step);
        usize::try_from(current).ok()
    })
}

/// Jayway's trailing functions. `None` when the value does not fit the function.
fn apply_function(name: &str, value: &Value) -> Option<Value> {
    let numbers = || -> Option<Vec<f64>> {
        let items = value.as_array()?;
        let nums: Vec<f64> = items.iter().filter_map(Value::as_f64).collect();
        (!nums.is_empty()).then_some(nums)
    };
    match name {
        "length" | "size" => match value {
            Value::Array(items) => Some(items.len().into()),
            Value::Object(map) => Some(map.len().into()),
            Value::String(s) => Some(s.chars().count().into()),
            _ => None,
        },
        "keys" => value.as_object().map(|m| Value::Array(m.keys().cloned().map(Value::String).collect())),
        "first" => value.as_array()?.first().cloned(),
        "last" => value.as_array()?.last().cloned(),
        "min" => numbers()?.into_iter().reduce(f64::min).map(float),
        "max" => numbers()?.into_iter().reduce(f64::max).map(float),
        "sum" => {
            let items = value.as_array()?;
            let mut total = decimal(&Number::from(0))?;
            for item in items.iter().filter_map(Value::as_number) {
                total += decimal(item)?;
            }
            Some(number_value(&total))
        }
        "avg" => {
            let nums = numbers()?;
            Some(float(nums.iter().sum::<f64>() / nums.len() as f64))
        }
        "stddev" => {
            let nums = numbers()?;
            let n = nums.len() as f64;
            let mean = nums.iter().sum::<f64>() / n;
            let variance = nums.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
            Some(float(variance.sqrt()))
        }
        _ => None,
    }
}

/// Jayway returns doubles from its numeric functions.
fn float(x: f64) -> Value {
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// Whether a filter holds for `item`.
fn holds(filter: &Filter, item: &Value, root: &Value) -> bool {
    match filter {
        Filter::Exists(operand) => !operand_values(operand, item, root).is_empty(),
        Filter::And(a, b) => holds(a, item, root) && holds(b, item, root),
        Filter::Or(a, b) => holds(a, item, root) || holds(b, item, root),
        Filter::Not(inner) => !holds(inner, item, root),
        Filter::Compare { left, op, right } => {
            let left = operand_value(left, item, root);
            let right = operand_value(right, item, root);
            match (left, right) {
                (Some(l), Some(r)) => compare(&l, *op, &r),
                // A missing operand only satisfies `!=` (Jayway's behaviour).
                (None, Some(_)) | (Some(_), None) => *op == CompareOp::Ne || *op == CompareOp::Nin,
                (None, None) => false,
            }
        }
    }
}

/// The value of one operand: a definite relative path yields its value, an
/// indefinite one the array of its matches.
fn operand_value(operand: &FilterOperand, item: &Value, root: &Value) -> Option<Value> {
    match operand {
        FilterOperand::Literal(v) => Some(v.clone()),
        FilterOperand::Regex(text) => Some(Value::String(text.clone())),
        FilterOperand::Current(segments) | FilterOperand::Root(segments) => {
            let base = if matches!(operand, FilterOperand::Current(_)) { item } else { root };
            if segments.iter().all(|s| matches!(s, Segment::Field(_) | Segment::Index(_))) {
                definite(segments, base).ok().cloned()
            } else {
                let (function, segments) = match segments.split_last() {
                    Some((Segment::Function(name), rest)) => (Some(name.as_str()), rest),
                    _ => (None, segments.as_slice()),
                };
                let mut out = Vec::new();
                walk(segments, base, root, &mut out);
                let selected = if segments.iter().all(|s| matches!(s, Segment::Field(_) | Segment::Index(_))) {
                    out.first().map(|v| (*v).clone())?
                } else {
                    Value::Array(out.into_iter().cloned().collect())
                };
                match function {
                    Some(name) => apply_function(name, &selected),
                    None => Some(selected),
                }
            }
        }
    }
}

fn operand_values<'v>(operand: &FilterOperand, item: &'v Value, root: &'v Value) -> Vec<&'v Value> {
    match operand {
        FilterOperand::Current(segments) => {
            let mut out = Vec::new();
            walk(segments, item, root, &mut out);
            out
        }
        FilterOperand::Root(segments) => {
            let mut out = Vec::new();
            walk(segments, root, root, &mut out);
            out
        }
        _ => Vec::new(),
    }
}

/// One filter comparison, with Jayway's typing: numbers compare as numbers,
/// strings as strings; values of different types are unequal and unordered.
fn compare(left: &Value, op: CompareOp, right: &Value) -> bool {
    match op {
        CompareOp::Eq => equal(left, right),
        CompareOp::Ne => !equal(left, right),
        CompareOp::Lt => order(left, right) == Some(Ordering::Less),
        CompareOp::Le => matches!(order(left, right), Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => order(left, right) == Some(Ordering::Greater),
        CompareOp::Ge => matches!(order(left, right), Some(Ordering::Greater | Ordering::Equal)),
        CompareOp::In => right.as_array().is_some_and(|items| items.iter().any(|i| equal(left, i))),
        CompareOp::Nin => right.as_array().is_some_and(|items| !items.iter().any(|i| equal(left, i))),
        CompareOp::Subsetof => match (left.as_array(), right.as_array()) {
            (Some(l), Some(r)) => l.iter().all(|a| r.iter().any(|b| equal(a, b))),
            _ => false,
        },
        CompareOp::Anyof => match (left.as_array(), right.as_array()) {
            (Some(l), Some(r)) => l.iter().any(|a| r.iter().any(|b| equal(a, b))),
            _ => false,
        },
        CompareOp::Noneof => match (left.as_array(), right.as_array()) {
            (Some(l), Some(r)) => !l.iter().any(|a| r.iter().any(|b| equal(a, b))),
            _ => false,
        },
        CompareOp::Size => {
            let size = match left {
                Value::Array(items) => items.len(),
                Value::String(s) => s.chars().count(),
                _ => return false,
            };
            right.as_u64().and_then(|n| usize::try_from(n).ok()) == Some(size)
        }
        CompareOp::Empty => {
            let empty = match left {
                Value::Array(items) => items.is_empty(),
                Value::String(s) => s.is_empty(),
                _ => return false,
            };
            right.as_bool() == Some(empty)
        }
        CompareOp::RegexMatch => match (left, right) {
            (Value::String(text), Value::String(regex)) => super::jsonata::regex_matches(regex, text).unwrap_or(false),
            _ => false,
        },
    }
}

fn equal(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => compare_numbers(a, b) == Some(Ordering::Equal),
        _ => left == right,
    }
}

fn order(left: &Value, right: &Value) -> Option<Ordering> {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => compare_numbers(a, b),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// AWS's cause for a definite path that names nothing: `Invalid path '$.a.b' :
/// No results for path: $['a']['b']`.
pub(crate) fn no_results(path: &Path) -> String {
    format!("Invalid path '{}' : No results for path: {}", path.as_str(), normalized(path))
}

/// Jayway's normalized form of a path (`$['a'][0]`), used in its messages.
pub(crate) fn normalized(path: &Path) -> String {
    let mut out = match path.root() {
        Root::Input => "$".to_owned(),
        Root::Context => "$$".to_owned(),
        Root::Variable(name) => format!("${name}"),
    };
    for segment in path.segments() {
        match segment {
            Segment::Field(name) => out.push_str(&format!("['{name}']")),
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Wildcard => out.push_str("[*]"),
            _ => return path.as_str().to_owned(),
        }
    }
    out
}
