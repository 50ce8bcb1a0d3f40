//! `JsonPath`: paths, the context object and intrinsic function calls, as
//! `JsonPathExpr` values. Put one in a payload and its key becomes `key.$`.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use serde_json::Value;
use stepforge::builder::{Arg, JsonPath};

use crate::convert::to_json;

/// A path (`$.order.id`) or intrinsic function call (`States.Format(...)`).
///
/// In a payload (`parameters`, `item_selector`, ...) the key holding it is
/// written `key.$`; as the value of a path option (`result_path`, ...) it is
/// written as its text.
#[pyclass(frozen, eq, hash, module = "stepforge", name = "JsonPathExpr")]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PyJsonPathExpr {
    expression: String,
}

impl PyJsonPathExpr {
    pub(crate) fn expression(&self) -> &str {
        &self.expression
    }
}

#[pymethods]
impl PyJsonPathExpr {
    /// An expression from its text, written as is.
    #[new]
    fn new(expression: String) -> Self {
        PyJsonPathExpr { expression }
    }

    /// The expression's text.
    #[getter(expression)]
    fn get_expression(&self) -> &str {
        &self.expression
    }

    fn __str__(&self) -> &str {
        &self.expression
    }

    fn __repr__(&self) -> String {
        format!("JsonPathExpr({:?})", self.expression)
    }
}

fn expr(expression: impl Into<String>) -> PyJsonPathExpr {
    PyJsonPathExpr { expression: expression.into() }
}

/// One argument of an intrinsic helper: a `JsonPathExpr` or a str that starts
/// with `$` or `States.` is written as is (a path or call); any other str,
/// number, bool or None is a literal.
fn arg(value: &Bound<'_, PyAny>, function: &str, index: usize) -> PyResult<Arg> {
    if let Ok(e) = value.cast::<PyJsonPathExpr>() {
        return Ok(Arg::Expr(e.get().expression.clone()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Arg::from(&*s.to_cow()?));
    }
    let what = format!("JsonPath.{function}() argument {}", index + 1);
    match to_json(value, &what)? {
        v @ (Value::Array(_) | Value::Object(_)) => Err(PyTypeError::new_err(format!(
            "{what}: intrinsic functions take str, int, float, bool, None or a JsonPath expression, not {}",
            if v.is_array() { "a list" } else { "a dict" }
        ))),
        v => Ok(Arg::Literal(v)),
    }
}

/// `States.<name>(args...)` from Python arguments.
fn call(function: &str, name: &str, values: &[&Bound<'_, PyAny>]) -> PyResult<PyJsonPathExpr> {
    let args = values.iter().enumerate().map(|(i, v)| arg(v, function, i)).collect::<PyResult<Vec<_>>>()?;
    JsonPath::call(name, &args).map(expr).map_err(PyValueError::new_err)
}

/// Paths and intrinsic functions for payloads, like the CDK's `JsonPath`.
///
/// String arguments of the intrinsic helpers that start with `$` (a path) or
/// `States.` (a nested call) are written as is; other strings are quoted
/// literals. Wrap a path in `JsonPath.string_at` to be explicit.
#[pyclass(frozen, module = "stepforge", name = "JsonPath")]
pub struct PyJsonPath;

#[pymethods]
impl PyJsonPath {
    /// The whole state input, `$`.
    #[classattr]
    #[pyo3(name = "ENTIRE_PAYLOAD")]
    fn entire_payload() -> PyJsonPathExpr {
        expr(JsonPath::ENTIRE_PAYLOAD)
    }

    /// The task token, `$$.Task.Token`.
    #[classattr]
    #[pyo3(name = "TASK_TOKEN")]
    fn task_token() -> PyJsonPathExpr {
        expr(JsonPath::TASK_TOKEN)
    }

    /// The execution ARN, `$$.Execution.Id`.
    #[classattr]
    #[pyo3(name = "EXECUTION_ID")]
    fn execution_id() -> PyJsonPathExpr {
        expr(JsonPath::EXECUTION_ID)
    }

    /// The execution name, `$$.Execution.Name`.
    #[classattr]
    #[pyo3(name = "EXECUTION_NAME")]
    fn execution_name() -> PyJsonPathExpr {
        expr(JsonPath::EXECUTION_NAME)
    }

    /// The execution input, `$$.Execution.Input`.
    #[classattr]
    #[pyo3(name = "EXECUTION_INPUT")]
    fn execution_input() -> PyJsonPathExpr {
        expr(JsonPath::EXECUTION_INPUT)
    }

    /// The execution start time, `$$.Execution.StartTime`.
    #[classattr]
    #[pyo3(name = "EXECUTION_START_TIME")]
    fn execution_start_time() -> PyJsonPathExpr {
        expr(JsonPath::EXECUTION_START_TIME)
    }

    /// The state's name, `$$.State.Name`.
    #[classattr]
    #[pyo3(name = "STATE_NAME")]
    fn state_name() -> PyJsonPathExpr {
        expr(JsonPath::STATE_NAME)
    }

    /// When the state was entered, `$$.State.EnteredTime`.
    #[classattr]
    #[pyo3(name = "STATE_ENTERED_TIME")]
    fn state_entered_time() -> PyJsonPathExpr {
        expr(JsonPath::STATE_ENTERED_TIME)
    }

    /// The retry count, `$$.State.RetryCount`.
    #[classattr]
    #[pyo3(name = "STATE_RETRY_COUNT")]
    fn state_retry_count() -> PyJsonPathExpr {
        expr(JsonPath::STATE_RETRY_COUNT)
    }

    /// The Map item's index, `$$.Map.Item.Index`.
    #[classattr]
    #[pyo3(name = "MAP_ITEM_INDEX")]
    fn map_item_index() -> PyJsonPathExpr {
        expr(JsonPath::MAP_ITEM_INDEX)
    }

    /// The Map item's value, `$$.Map.Item.Value`.
    #[classattr]
    #[pyo3(name = "MAP_ITEM_VALUE")]
    fn map_item_value() -> PyJsonPathExpr {
        expr(JsonPath::MAP_ITEM_VALUE)
    }

    /// A string taken from `path`.
    #[staticmethod]
    fn string_at(path: &str) -> PyJsonPathExpr {
        expr(JsonPath::at(path))
    }

    /// A number taken from `path`.
    #[staticmethod]
    fn number_at(path: &str) -> PyJsonPathExpr {
        expr(JsonPath::at(path))
    }

    /// A list taken from `path`.
    #[staticmethod]
    fn list_at(path: &str) -> PyJsonPathExpr {
        expr(JsonPath::at(path))
    }

    /// An object taken from `path`.
    #[staticmethod]
    fn object_at(path: &str) -> PyJsonPathExpr {
        expr(JsonPath::at(path))
    }

    /// Any value taken from `path`.
    #[staticmethod]
    fn json_path_at(path: &str) -> PyJsonPathExpr {
        expr(JsonPath::at(path))
    }

    /// `States.Format(template, args...)`: each `{}` in `template` takes the next argument.
    #[staticmethod]
    #[pyo3(signature = (template, *args))]
    fn format(template: &str, args: &Bound<'_, PyTuple>) -> PyResult<PyJsonPathExpr> {
        let args = args.iter().enumerate().map(|(i, v)| arg(&v, "format", i + 1)).collect::<PyResult<Vec<_>>>()?;
        JsonPath::format(template, &args).map(expr).map_err(PyValueError::new_err)
    }

    /// `States.Array(args...)`: a list of the arguments.
    #[staticmethod]
    #[pyo3(signature = (*args))]
    fn array(args: &Bound<'_, PyTuple>) -> PyResult<PyJsonPathExpr> {
        let items: Vec<Bound<'_, PyAny>> = args.iter().collect();
        call("array", "Array", &items.iter().collect::<Vec<_>>())
    }

    /// `States.ArrayPartition(array, chunk_size)`: the list cut into chunks.
    #[staticmethod]
    fn array_partition(array: &Bound<'_, PyAny>, chunk_size: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("array_partition", "ArrayPartition", &[array, chunk_size])
    }

    /// `States.ArrayContains(array, value)`: whether the list holds the value.
    #[staticmethod]
    fn array_contains(array: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("array_contains", "ArrayContains", &[array, value])
    }

    /// `States.ArrayRange(start, end, step)`: the integers from `start` to `end` (inclusive).
    #[staticmethod]
    fn array_range(
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        step: &Bound<'_, PyAny>,
    ) -> PyResult<PyJsonPathExpr> {
        call("array_range", "ArrayRange", &[start, end, step])
    }

    /// `States.ArrayGetItem(array, index)`: one item of the list.
    #[staticmethod]
    fn array_get_item(array: &Bound<'_, PyAny>, index: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("array_get_item", "ArrayGetItem", &[array, index])
    }

    /// `States.ArrayLength(array)`: the list's length.
    #[staticmethod]
    fn array_length(array: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("array_length", "ArrayLength", &[array])
    }

    /// `States.ArrayUnique(array)`: the list without duplicates.
    #[staticmethod]
    fn array_unique(array: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("array_unique", "ArrayUnique", &[array])
    }

    /// `States.Base64Encode(input)`.
    #[staticmethod]
    fn base64_encode(input: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("base64_encode", "Base64Encode", &[input])
    }

    /// `States.Base64Decode(base64)`.
    #[staticmethod]
    fn base64_decode(base64: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("base64_decode", "Base64Decode", &[base64])
    }

    /// `States.Hash(data, algorithm)`; `algorithm` is one of MD5, SHA-1, SHA-256, SHA-384, SHA-512.
    #[staticmethod]
    fn hash(data: &Bound<'_, PyAny>, algorithm: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("hash", "Hash", &[data, algorithm])
    }

    /// `States.JsonMerge(value1, value2, false)`: a shallow merge of two objects.
    #[staticmethod]
    fn json_merge(value1: &Bound<'_, PyAny>, value2: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        let shallow = pyo3::types::PyBool::new(value1.py(), false).to_owned().into_any();
        call("json_merge", "JsonMerge", &[value1, value2, &shallow])
    }

    /// `States.MathRandom(start, end[, seed])`: a random integer from `start` to `end`.
    #[staticmethod]
    #[pyo3(signature = (start, end, seed = None))]
    fn math_random(
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyJsonPathExpr> {
        match seed {
            Some(seed) => call("math_random", "MathRandom", &[start, end, seed]),
            None => call("math_random", "MathRandom", &[start, end]),
        }
    }

    /// `States.MathAdd(num1, num2)`.
    #[staticmethod]
    fn math_add(num1: &Bound<'_, PyAny>, num2: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("math_add", "MathAdd", &[num1, num2])
    }

    /// `States.StringSplit(input, delimiter)`.
    #[staticmethod]
    fn string_split(input: &Bound<'_, PyAny>, delimiter: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("string_split", "StringSplit", &[input, delimiter])
    }

    /// `States.UUID()`: a new version 4 UUID.
    #[staticmethod]
    fn uuid() -> PyResult<PyJsonPathExpr> {
        call("uuid", "UUID", &[])
    }

    /// `States.StringToJson(json_string)`: parses a JSON string.
    #[staticmethod]
    fn string_to_json(json_string: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("string_to_json", "StringToJson", &[json_string])
    }

    /// `States.JsonToString(value)`: writes a value as a JSON string.
    #[staticmethod]
    fn json_to_string(value: &Bound<'_, PyAny>) -> PyResult<PyJsonPathExpr> {
        call("json_to_string", "JsonToString", &[value])
    }
}
