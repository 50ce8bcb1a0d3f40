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

/// The class's members, made from the core's table
/// (`stepforge::for_each_json_path_helper!`), and the helpers whose
/// arguments vary.
macro_rules! helpers {
    (
        constants: [$($constant:ident, $cdoc:tt;)*],
        paths: [$($path:ident, $pdoc:tt;)*],
        intrinsics: [$($helper:ident($($param:ident),*) => $intrinsic:tt, $idoc:tt;)*] $(,)?
    ) => {
        #[pymethods]
        impl PyJsonPath {
            $(
                #[doc = $cdoc]
                #[classattr]
                #[allow(non_snake_case)]
                fn $constant() -> PyJsonPathExpr {
                    expr(JsonPath::$constant)
                }
            )*
            $(
                #[doc = $pdoc]
                #[staticmethod]
                fn $path(path: &str) -> PyJsonPathExpr {
                    expr(JsonPath::at(path))
                }
            )*
            $(
                #[doc = $idoc]
                #[staticmethod]
                fn $helper($($param: &Bound<'_, PyAny>),*) -> PyResult<PyJsonPathExpr> {
                    call(stringify!($helper), $intrinsic, &[$($param),*])
                }
            )*

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
        }
    };
}

stepforge::for_each_json_path_helper!(helpers);
