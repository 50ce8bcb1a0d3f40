//! `ResultPath`: where a state's result goes in its output.

use serde_json::Value;

use super::{EvalError, show};
use crate::asl::path::{ReferencePath, Root};
use crate::asl::states::PathOrNull;

/// Places a state's result into its input, as `ResultPath` says:
///
/// - absent (`None`) or `"$"`: the result replaces the input;
/// - `null`: the result is discarded and the input passes through;
/// - a path: the result is written there, fields missing on the way created
///   as objects. When that cannot be (the input, or a value on the way, is not
///   an object; an index is out of range) the error is
///   `States.ResultPathMatchFailure`.
pub fn place_result(path: Option<&PathOrNull<ReferencePath>>, input: Value, result: Value) -> Result<Value, EvalError> {
    let path = match path {
        None => return Ok(result),
        Some(PathOrNull::Null) => return Ok(input),
        Some(PathOrNull::Path(path)) => path,
    };
    if *path.path().root() != Root::Input {
        return Err(EvalError::result_path(format!(
            "Unable to apply ResultPath '{}': a ResultPath must start with '$'",
            path.as_str()
        )));
    }
    if path.path().segments().is_empty() {
        return Ok(result);
    }
    let mut output = input;
    match path.set(&mut output, result) {
        Ok(()) => Ok(output),
        Err(detail) => Err(EvalError::result_path(format!(
            "Unable to apply ResultPath '{}' to input '{}': {detail}",
            path.as_str(),
            show(&output)
        ))),
    }
}
