//! Host values → ASL JSON: numbers the same way in every language, and
//! payloads where a [`JsonPath`](super::JsonPath) value turns its key into `key.$`.

use serde_json::{Map, Number, Value};

use crate::error::{Code, Problem, Problems};

/// A float as JSON the way JavaScript writes it: a whole number without `.0`
/// (so `2.0` from Python and `2` from Node render alike). `None` for NaN and
/// the infinities, which JSON cannot hold.
pub fn number(f: f64) -> Option<Value> {
    const SAFE: f64 = 9_007_199_254_740_992.0; // 2^53
    if f.fract() == 0.0 && f.abs() < SAFE {
        Some(Value::Number(Number::from(f as i64)))
    } else {
        Number::from_f64(f).map(Value::Number)
    }
}

/// A payload as the bindings hand it over: plain JSON, or a path/intrinsic
/// expression where the user used a `JsonPath` helper.
#[derive(Debug, Clone, PartialEq)]
pub enum PayloadValue {
    /// Plain JSON.
    Json(Value),
    /// A path or intrinsic function call (`$.a`, `States.Format(...)`).
    Expr(String),
    /// An object, possibly with expressions inside.
    Object(Vec<(String, PayloadValue)>),
    /// An array, possibly with expressions inside.
    Array(Vec<PayloadValue>),
}

impl PayloadValue {
    /// The ASL JSON: an expression field `k` becomes `"k.$": "expr"`; an array
    /// field holding expressions becomes `"k.$": "States.Array(...)"`. A bare
    /// expression renders as its text (for fields such as `ResultPath`).
    /// Errors point into the payload (`/items/2`).
    pub fn into_value(self) -> Result<Value, Problems> {
        self.convert(&mut String::new())
    }

    fn convert(self, ptr: &mut String) -> Result<Value, Problems> {
        match self {
            PayloadValue::Json(v) => Ok(v),
            PayloadValue::Expr(e) => Ok(Value::String(e)),
            PayloadValue::Object(fields) => {
                let mut map = Map::with_capacity(fields.len());
                for (key, value) in fields {
                    let len = ptr.len();
                    ptr.push('/');
                    ptr.push_str(&crate::error::escape_token(&key));
                    match value {
                        PayloadValue::Expr(e) => {
                            map.insert(format!("{key}.$"), Value::String(e));
                        }
                        PayloadValue::Array(items) if items.iter().any(|i| matches!(i, PayloadValue::Expr(_))) => {
                            map.insert(format!("{key}.$"), Value::String(array_call(&key, items, ptr)?));
                        }
                        other => {
                            map.insert(key, other.convert(ptr)?);
                        }
                    }
                    ptr.truncate(len);
                }
                Ok(Value::Object(map))
            }
            PayloadValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let len = ptr.len();
                    ptr.push_str(&format!("/{i}"));
                    if matches!(item, PayloadValue::Expr(_)) {
                        return Err(Problems::from(Problem::new(
                            Code::InvalidDynamicValue,
                            ptr.clone(),
                            "a JsonPath value inside a list needs a field name to hang `.$` on: put the list in an object field",
                        )));
                    }
                    out.push(item.convert(ptr)?);
                    ptr.truncate(len);
                }
                Ok(Value::Array(out))
            }
        }
    }
}

/// `States.Array(a, b, …)` from a list of expressions and scalars.
fn array_call(key: &str, items: Vec<PayloadValue>, ptr: &str) -> Result<String, Problems> {
    let mut args = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let literal = match item {
            PayloadValue::Expr(e) => Some(e),
            PayloadValue::Json(v) => super::json_path::literal(&v),
            _ => None,
        };
        let Some(arg) = literal else {
            return Err(Problems::from(Problem::new(
                Code::InvalidDynamicValue,
                format!("{ptr}/{i}"),
                format!(
                    "the list in `{key}` mixes JsonPath values with objects or lists, which States.Array cannot hold"
                ),
            )));
        };
        args.push(arg);
    }
    Ok(format!("States.Array({})", args.join(", ")))
}
