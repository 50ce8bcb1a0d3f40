//! JSON values into `jsonata-rs` values and back, remembering where each
//! object and number came from so that what passes through is unchanged.

use bumpalo::Bump;
use jsonata_rs::{ArrayFlags, Value as JValue};
use serde_json::{Map, Number, Value};

/// The JSON each object and number given to the engine came from, by the
/// address of its engine value. A value the expression passes through comes
/// back as the same engine value: it is written back with its keys in their
/// order and its number exactly as it was, not as a double.
#[derive(Default)]
pub(super) struct Origins<'v> {
    pub(super) objects: rustc_hash::FxHashMap<usize, &'v Map<String, Value>>,
    pub(super) numbers: rustc_hash::FxHashMap<usize, &'v Number>,
    /// Whether to copy key orders for the functions that list keys.
    pub(super) record_keys: bool,
    pub(super) key_orders: rustc_hash::FxHashMap<usize, Vec<String>>,
}

pub(super) fn address(value: &JValue) -> usize {
    value as *const JValue as usize
}

/// A JSON value in the arena, its objects and numbers noted in `origins`.
pub(super) fn to_jsonata<'a, 'v>(
    arena: &'a Bump,
    value: &'v Value,
    origins: &mut Origins<'v>,
) -> Result<&'a JValue<'a>, String> {
    Ok(match value {
        Value::Null => JValue::null(arena),
        Value::Bool(b) => JValue::bool(*b),
        Value::Number(n) => {
            // A number beyond the doubles is infinite here, as JSON.parse
            // makes it; only an expression computing with it fails.
            let x: f64 = n.as_str().parse().map_err(|_| format!("the number {n} cannot be read"))?;
            let number = JValue::number(arena, x);
            origins.numbers.insert(address(number), n);
            number
        }
        Value::String(s) => JValue::string(arena, s),
        Value::Array(items) => {
            let array = JValue::array_with_capacity(arena, items.len(), ArrayFlags::empty());
            for item in items {
                array.push(to_jsonata(arena, item, origins)?);
            }
            array
        }
        Value::Object(map) => {
            let object = JValue::object_with_capacity(arena, map.len());
            for (k, v) in map {
                object.insert(k, to_jsonata(arena, v, origins)?);
            }
            origins.objects.insert(address(object), map);
            if origins.record_keys {
                origins.key_orders.insert(address(object), map.keys().cloned().collect());
            }
            object
        }
    })
}

/// A JSONata value as JSON; `None` for undefined. Undefined members of arrays
/// and objects are left out, as JSON.stringify does.
pub(super) fn to_json<'a>(value: &'a JValue<'a>, origins: &Origins) -> Result<Option<Value>, String> {
    to_json_at(value, origins, 0)
}

/// How deep a result may nest: an expression can build nesting in a loop,
/// and writing it out must not overflow the stack. JSON input nests at most
/// 128 levels (serde_json's limit), far below this.
pub(super) const MAX_NESTING: usize = 512;

fn to_json_at<'a>(value: &'a JValue<'a>, origins: &Origins, depth: usize) -> Result<Option<Value>, String> {
    if depth > MAX_NESTING {
        return Err(format!("the result nests more than {MAX_NESTING} levels deep"));
    }
    Ok(Some(match value {
        JValue::Undefined => return Ok(None),
        JValue::Null => Value::Null,
        JValue::Bool(b) => Value::Bool(*b),
        JValue::Number(x) => match origins.numbers.get(&address(value)) {
            Some(original) => Value::Number((*original).clone()),
            None => Value::Number(number(*x)?),
        },
        JValue::String(s) => Value::String(s.to_string()),
        JValue::Array(..) | JValue::Range(..) => {
            let mut items = Vec::with_capacity(value.len());
            for member in value.members() {
                items.extend(to_json_at(member, origins, depth + 1)?);
            }
            Value::Array(items)
        }
        JValue::Object(_) => {
            let mut entries: Vec<(String, Value)> = Vec::with_capacity(value.entries().len());
            for (k, v) in value.entries() {
                if let Some(v) = to_json_at(v, origins, depth + 1)? {
                    entries.push((k.to_string(), v));
                }
            }
            // Keys in the order of the JSON the object came from; a new
            // object's hash-map order is not reproducible, sorted keys are.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let Some(original) = origins.objects.get(&address(value)) else {
                return Ok(Some(Value::Object(entries.into_iter().collect())));
            };
            let mut by_key: rustc_hash::FxHashMap<String, Value> = entries.into_iter().collect();
            let mut ordered = Map::with_capacity(by_key.len());
            for key in original.keys() {
                if let Some(v) = by_key.remove(key) {
                    ordered.insert(key.clone(), v);
                }
            }
            // Keys a transform added go after, sorted.
            let mut added: Vec<(String, Value)> = by_key.into_iter().collect();
            added.sort_by(|a, b| a.0.cmp(&b.0));
            ordered.extend(added);
            Value::Object(ordered)
        }
        JValue::Lambda { .. } | JValue::NativeFn { .. } | JValue::Transformer { .. } => {
            return Err("the expression returned a function, which JSON cannot hold".into());
        }
        JValue::Regex(_) => return Err("the expression returned a regular expression, which JSON cannot hold".into()),
    }))
}

/// A double as a JSON number: integers without a fraction, the rest in the
/// shortest form that reads back the same.
pub(super) fn number(x: f64) -> Result<Number, String> {
    if !x.is_finite() {
        return Err(format!("the result {x} is not a JSON number"));
    }
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        return Ok(Number::from(x as i64));
    }
    Number::from_f64(x).ok_or_else(|| format!("the result {x} is not a JSON number"))
}
