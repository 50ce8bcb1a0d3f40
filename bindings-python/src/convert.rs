//! Python values ⇄ JSON.
//!
//! Python → JSON accepts dict (str keys), list, tuple, str, int (any size,
//! kept exact), float (through `stepforge::builder::number`, so `2.0` renders
//! as `2` like in Node), bool and None; payloads also accept `JsonPathExpr`
//! anywhere. Anything else is a `TypeError` that names where it was found.

use std::str::FromStr;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};
use stepforge::builder::{PayloadValue, number};
use stepforge::error::escape_token;

use crate::json_path::PyJsonPathExpr;

/// Deeper than this is refused rather than risk the native stack (a list that
/// contains itself would otherwise recurse forever). The core's JSON text
/// parser stops at 128 levels.
const MAX_DEPTH: usize = 256;

/// Where a value sits inside the argument, for error messages.
#[derive(Clone, Copy)]
enum Loc<'a> {
    Root,
    Key(&'a Loc<'a>, &'a str),
    Index(&'a Loc<'a>, usize),
}

impl Loc<'_> {
    /// The location as a JSON pointer, built only when an error needs it.
    fn pointer(&self) -> String {
        match self {
            Loc::Root => String::new(),
            Loc::Key(parent, key) => format!("{}/{}", parent.pointer(), escape_token(key)),
            Loc::Index(parent, i) => format!("{}/{i}", parent.pointer()),
        }
    }

    /// ` at /a/0`, or nothing at the top.
    fn at(&self) -> String {
        match self {
            Loc::Root => String::new(),
            _ => format!(" at {}", self.pointer()),
        }
    }
}

/// Converts a payload: plain JSON, with `JsonPathExpr` objects allowed anywhere.
/// `what` names the argument in error messages.
pub(crate) fn to_payload(value: &Bound<'_, PyAny>, what: &str) -> PyResult<PayloadValue> {
    Walker { what, exprs: true }.walk(value, &Loc::Root, 0)
}

/// Converts plain JSON (no `JsonPathExpr`).
pub(crate) fn to_json(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    let payload = Walker { what, exprs: false }.walk(value, &Loc::Root, 0)?;
    // Without expressions `into_value` has nothing to refuse.
    payload.into_value().map_err(|p| PyValueError::new_err(format!("{what}: {p}")))
}

struct Walker<'w> {
    what: &'w str,
    exprs: bool,
}

impl Walker<'_> {
    fn walk(&self, value: &Bound<'_, PyAny>, loc: &Loc<'_>, depth: usize) -> PyResult<PayloadValue> {
        if depth > MAX_DEPTH {
            // No pointer: it would be hundreds of levels long.
            return Err(PyValueError::new_err(format!(
                "{}: nested more than {MAX_DEPTH} levels deep (does a list or dict contain itself?)",
                self.what
            )));
        }
        if value.is_none() {
            return Ok(PayloadValue::Json(Value::Null));
        }
        // bool before int: Python's bool is an int.
        if let Ok(b) = value.cast::<PyBool>() {
            return Ok(PayloadValue::Json(Value::Bool(b.is_true())));
        }
        if let Ok(i) = value.cast::<PyInt>() {
            return Ok(PayloadValue::Json(Value::Number(self.int(i, loc)?)));
        }
        if let Ok(f) = value.cast::<PyFloat>() {
            let f = f.value();
            return match number(f) {
                Some(n) => Ok(PayloadValue::Json(n)),
                None => Err(PyValueError::new_err(format!("{}: {f}{} is not a JSON number", self.what, loc.at()))),
            };
        }
        if let Ok(s) = value.cast::<PyString>() {
            return Ok(PayloadValue::Json(Value::String(s.to_cow()?.to_string())));
        }
        if let Ok(d) = value.cast::<PyDict>() {
            let mut fields = Vec::with_capacity(d.len());
            for (k, v) in d.iter() {
                let Ok(key) = k.cast::<PyString>() else {
                    return Err(PyTypeError::new_err(format!(
                        "{}: the dict{} has a key of type {} ({}); JSON object keys must be str",
                        self.what,
                        loc.at(),
                        type_name(&k),
                        k.repr().map(|r| r.to_string()).unwrap_or_default()
                    )));
                };
                let key = key.to_cow()?;
                let item = self.walk(&v, &Loc::Key(loc, &key), depth + 1)?;
                fields.push((key.to_string(), item));
            }
            return Ok(self.object(fields));
        }
        if value.cast::<PyList>().is_ok() || value.cast::<PyTuple>().is_ok() {
            let mut items = Vec::with_capacity(value.len()?);
            for (i, item) in value.try_iter()?.enumerate() {
                items.push(self.walk(&item?, &Loc::Index(loc, i), depth + 1)?);
            }
            return Ok(self.array(items));
        }
        if let Ok(e) = value.cast::<PyJsonPathExpr>() {
            if self.exprs {
                return Ok(PayloadValue::Expr(e.get().expression().to_string()));
            }
            return Err(PyTypeError::new_err(format!(
                "{}: a JsonPathExpr{} is not plain JSON; write its text ({:?}) instead",
                self.what,
                loc.at(),
                e.get().expression()
            )));
        }
        let expected = if self.exprs {
            "dict, list, tuple, str, int, float, bool, None or a JsonPath expression"
        } else {
            "dict, list, tuple, str, int, float, bool or None"
        };
        Err(PyTypeError::new_err(format!(
            "{}: a value of type {}{} is not JSON (expected {expected})",
            self.what,
            type_name(value),
            loc.at()
        )))
    }

    /// Any Python int, exactly: through its decimal text when it does not fit 64 bits.
    fn int(&self, i: &Bound<'_, PyInt>, loc: &Loc<'_>) -> PyResult<Number> {
        if let Ok(n) = i.extract::<i64>() {
            return Ok(n.into());
        }
        if let Ok(n) = i.extract::<u64>() {
            return Ok(n.into());
        }
        let text = i.str()?.to_string();
        Number::from_str(&text)
            .map_err(|e| PyValueError::new_err(format!("{}: the int{} is not a JSON number: {e}", self.what, loc.at())))
    }

    /// A dict without expressions stays plain JSON, so the common case never
    /// goes through `PayloadValue::into_value`.
    fn object(&self, fields: Vec<(String, PayloadValue)>) -> PayloadValue {
        if fields.iter().all(|(_, v)| matches!(v, PayloadValue::Json(_))) {
            let map: Map<String, Value> = fields
                .into_iter()
                .map(|(k, v)| match v {
                    PayloadValue::Json(v) => (k, v),
                    _ => unreachable!("checked above"),
                })
                .collect();
            PayloadValue::Json(Value::Object(map))
        } else {
            PayloadValue::Object(fields)
        }
    }

    fn array(&self, items: Vec<PayloadValue>) -> PayloadValue {
        if items.iter().all(|v| matches!(v, PayloadValue::Json(_))) {
            PayloadValue::Json(Value::Array(
                items
                    .into_iter()
                    .map(|v| match v {
                        PayloadValue::Json(v) => v,
                        _ => unreachable!("checked above"),
                    })
                    .collect(),
            ))
        } else {
            PayloadValue::Array(items)
        }
    }
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_string())
}

/// JSON → Python: dict (keys in order), list, str, int (exact), float, bool, None.
pub(crate) fn from_json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                let text = n.to_string();
                if text.contains(['.', 'e', 'E']) {
                    PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
                } else {
                    // An integer beyond 64 bits: Python's int parses it exactly.
                    py.get_type::<PyInt>().call1((text,))?
                }
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(from_json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, from_json(py, v)?)?;
            }
            dict.into_any()
        }
    })
}
