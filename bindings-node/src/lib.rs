//! The native addon behind the npm package `stepforge` (being written).
use napi_derive::napi;

/// Validates ASL JSON text; returns `CODE POINTER: message` lines.
#[napi]
pub fn validate_text(text: String) -> Vec<String> {
    stepforge::validate::validate_str(&text).iter().map(ToString::to_string).collect()
}

/// The version of the stepforge core this addon was built from.
#[napi]
pub fn version() -> String {
    stepforge::VERSION.to_string()
}
