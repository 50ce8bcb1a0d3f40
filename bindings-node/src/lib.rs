//! The native addon behind the npm package `stepforge`.
use napi_derive::napi;

/// Parses JSON text and writes it back pretty-printed.
#[napi]
pub fn format_json(text: String) -> napi::Result<String> {
    stepforge::format_json(&text).map_err(|e| napi::Error::from_reason(e.to_string()))
}

/// The version of the stepforge core this addon was built from.
#[napi]
pub fn version() -> String {
    stepforge::VERSION.to_string()
}
