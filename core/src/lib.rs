//! stepforge: a toolkit for AWS Step Functions state machines.
//!
//! The crate holds every piece of logic; the Python and Node packages are thin
//! bindings over it.

/// The crate version, as the bindings report it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Parses JSON text and writes it back pretty-printed with two-space indents.
///
/// Placeholder for the ASL model's canonical rendering.
pub fn format_json(text: &str) -> Result<String, serde_json::Error> {
    let value: serde_json::Value = serde_json::from_str(text)?;
    serde_json::to_string_pretty(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_numbers() {
        let out = format_json(r#"{"b":1.50,"a":12345678901234567890123}"#).unwrap();
        assert_eq!(out, "{\n  \"b\": 1.50,\n  \"a\": 12345678901234567890123\n}");
    }
}
