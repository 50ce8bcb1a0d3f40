//! `Condition`: the tests of Choice rules. Every helper is one entry of the
//! core's `COMPARISONS` or `TYPE_TESTS` table, built by `Condition::by_name`;
//! the binding only lists the names (a test checks the list against the tables).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use serde_json::Value;
use stepforge::builder::{COMPARISONS, Condition, TYPE_TESTS};

use crate::convert::{from_json, to_json};
use crate::errors::check;
use crate::json_path::PyJsonPathExpr;

/// A Choice rule's test: build one with the static methods, combine with
/// `and_`, `or_` and `not_`, and pass it to `Choice.when`.
#[pyclass(frozen, eq, module = "stepforge", name = "Condition")]
#[derive(Debug, Clone, PartialEq)]
pub struct PyCondition {
    pub(crate) inner: Condition,
}

/// A variable or path argument: a str or a `JsonPathExpr`.
fn path_text(value: &Bound<'_, PyAny>, function: &str, arg: &str) -> PyResult<String> {
    if let Ok(e) = value.cast::<PyJsonPathExpr>() {
        return Ok(e.get().expression().to_string());
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.to_string());
    }
    Err(PyTypeError::new_err(format!(
        "Condition.{function}() argument `{arg}` must be a path (str or JsonPathExpr), not {}",
        value.get_type().name()?
    )))
}

/// A comparison by its helper name; `value` is plain JSON (its type is
/// checked when the state machine renders, with a pointer to the rule).
fn compare(name: &str, variable: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>, path: bool) -> PyResult<PyCondition> {
    let variable = path_text(variable, name, "variable")?;
    let value = if path {
        Value::String(path_text(value, name, "path")?)
    } else {
        to_json(value, &format!("Condition.{name}() value"))?
    };
    Ok(PyCondition { inner: check(|| Condition::by_name(name, &variable, value))? })
}

fn type_test(name: &str, variable: &Bound<'_, PyAny>) -> PyResult<PyCondition> {
    let variable = path_text(variable, name, "variable")?;
    Ok(PyCondition { inner: check(|| Condition::by_name(name, &variable, Value::Null))? })
}

fn conditions(args: &Bound<'_, PyTuple>, function: &str) -> PyResult<Vec<Condition>> {
    args.iter()
        .enumerate()
        .map(|(i, c)| match c.cast::<PyCondition>() {
            Ok(c) => Ok(c.get().inner.clone()),
            Err(_) => Err(PyTypeError::new_err(format!(
                "Condition.{function}() argument {} must be a Condition, not {}",
                i + 1,
                c.get_type().name()?
            ))),
        })
        .collect()
}

/// The names of the core's condition tables, so tests can check that every
/// helper below exists.
#[pyfunction]
pub(crate) fn _condition_names() -> Vec<&'static str> {
    COMPARISONS.iter().map(|c| c.0).chain(TYPE_TESTS.iter().map(|t| t.0)).collect()
}

/// The `Condition` class with one static method per table entry.
macro_rules! conditions {
    (
        compare: [$($cmp:ident => $op:literal),* $(,)?],
        compare_path: [$($cmp_path:ident => $op_path:literal),* $(,)?],
        type_tests: [$($test:ident => $test_op:literal),* $(,)?] $(,)?
    ) => {
        #[pymethods]
        impl PyCondition {
            $(
                #[doc = concat!("`variable` `", $op, "` `value`.")]
                #[staticmethod]
                fn $cmp(variable: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<Self> {
                    compare(stringify!($cmp), variable, value, false)
                }
            )*
            $(
                #[doc = concat!("`variable` `", $op_path, "` the value at `path`.")]
                #[staticmethod]
                fn $cmp_path(variable: &Bound<'_, PyAny>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
                    compare(stringify!($cmp_path), variable, path, true)
                }
            )*
            $(
                #[doc = $test_op]
                #[staticmethod]
                fn $test(variable: &Bound<'_, PyAny>) -> PyResult<Self> {
                    type_test(stringify!($test), variable)
                }
            )*

            /// Every condition holds (`And`).
            #[staticmethod]
            #[pyo3(signature = (*conditions))]
            fn and_(conditions: &Bound<'_, PyTuple>) -> PyResult<Self> {
                Ok(PyCondition { inner: Condition::and(self::conditions(conditions, "and_")?) })
            }

            /// At least one condition holds (`Or`).
            #[staticmethod]
            #[pyo3(signature = (*conditions))]
            fn or_(conditions: &Bound<'_, PyTuple>) -> PyResult<Self> {
                Ok(PyCondition { inner: Condition::or(self::conditions(conditions, "or_")?) })
            }

            /// The condition does not hold (`Not`).
            #[staticmethod]
            fn not_(condition: &Bound<'_, PyCondition>) -> Self {
                PyCondition { inner: Condition::not(condition.get().inner.clone()) }
            }

            /// A JSONata condition, `"{% ... %}"`, for JSONata Choice states.
            #[staticmethod]
            fn jsonata(expression: &str) -> Self {
                PyCondition { inner: Condition::jsonata(expression) }
            }

            /// The rule as a dict (without `Next`).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                Ok(from_json(py, &self.inner.to_json())?.cast_into::<PyDict>()?)
            }

            fn __repr__(&self) -> String {
                format!("Condition({})", self.inner.to_json())
            }
        }
    };
}

conditions! {
    compare: [
        string_equals => "StringEquals",
        string_less_than => "StringLessThan",
        string_greater_than => "StringGreaterThan",
        string_less_than_equals => "StringLessThanEquals",
        string_greater_than_equals => "StringGreaterThanEquals",
        string_matches => "StringMatches",
        number_equals => "NumericEquals",
        number_less_than => "NumericLessThan",
        number_greater_than => "NumericGreaterThan",
        number_less_than_equals => "NumericLessThanEquals",
        number_greater_than_equals => "NumericGreaterThanEquals",
        boolean_equals => "BooleanEquals",
        timestamp_equals => "TimestampEquals",
        timestamp_less_than => "TimestampLessThan",
        timestamp_greater_than => "TimestampGreaterThan",
        timestamp_less_than_equals => "TimestampLessThanEquals",
        timestamp_greater_than_equals => "TimestampGreaterThanEquals",
    ],
    compare_path: [
        string_equals_json_path => "StringEqualsPath",
        string_less_than_json_path => "StringLessThanPath",
        string_greater_than_json_path => "StringGreaterThanPath",
        string_less_than_equals_json_path => "StringLessThanEqualsPath",
        string_greater_than_equals_json_path => "StringGreaterThanEqualsPath",
        number_equals_json_path => "NumericEqualsPath",
        number_less_than_json_path => "NumericLessThanPath",
        number_greater_than_json_path => "NumericGreaterThanPath",
        number_less_than_equals_json_path => "NumericLessThanEqualsPath",
        number_greater_than_equals_json_path => "NumericGreaterThanEqualsPath",
        boolean_equals_json_path => "BooleanEqualsPath",
        timestamp_equals_json_path => "TimestampEqualsPath",
        timestamp_less_than_json_path => "TimestampLessThanPath",
        timestamp_greater_than_json_path => "TimestampGreaterThanPath",
        timestamp_less_than_equals_json_path => "TimestampLessThanEqualsPath",
        timestamp_greater_than_equals_json_path => "TimestampGreaterThanEqualsPath",
    ],
    type_tests: [
        is_present => "`variable` is present (`IsPresent: true`).",
        is_not_present => "`variable` is not present (`IsPresent: false`).",
        is_null => "`variable` is null (`IsNull: true`).",
        is_not_null => "`variable` is not null (`IsNull: false`).",
        is_string => "`variable` is a string (`IsString: true`).",
        is_not_string => "`variable` is not a string (`IsString: false`).",
        is_numeric => "`variable` is a number (`IsNumeric: true`).",
        is_not_numeric => "`variable` is not a number (`IsNumeric: false`).",
        is_boolean => "`variable` is a boolean (`IsBoolean: true`).",
        is_not_boolean => "`variable` is not a boolean (`IsBoolean: false`).",
        is_timestamp => "`variable` is a timestamp (`IsTimestamp: true`).",
        is_not_timestamp => "`variable` is not a timestamp (`IsTimestamp: false`).",
    ],
}
