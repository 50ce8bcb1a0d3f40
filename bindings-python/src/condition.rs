//! `Condition`: the tests of Choice rules. Every helper is one entry of the
//! core's table (`stepforge::for_each_condition!`), built by `Condition::by_name`.

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

/// The `Condition` class with one static method per entry of the core's
/// table (`stepforge::for_each_condition!`).
macro_rules! conditions {
    (
        compare: [$($name:ident($param:ident: $kind:ident) => $op:ident, $doc:tt;)*],
        type_tests: [$($test:ident => $test_op:ident, $holds:tt, $test_doc:tt;)*] $(,)?
    ) => {
        #[pymethods]
        impl PyCondition {
            $(
                #[doc = $doc]
                #[staticmethod]
                fn $name(variable: &Bound<'_, PyAny>, $param: &Bound<'_, PyAny>) -> PyResult<Self> {
                    // The `path` kind is the `…Path` form: its operand is a path, not a value.
                    compare(stringify!($name), variable, $param, stringify!($kind) == "path")
                }
            )*
            $(
                #[doc = $test_doc]
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

stepforge::for_each_condition!(conditions);
