//! JSONata fields: strings of the form `{% expression %}`.

use serde_json::Value;

/// A JSONata expression as written, `{% … %}` included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jsonata {
    text: String,
}

impl Jsonata {
    /// Whether a string is written as a JSONata expression.
    pub fn is_expression(text: &str) -> bool {
        text.starts_with("{%") && text.ends_with("%}") && text.len() >= 4
    }

    /// Checks the `{% %}` wrapping and the expression's syntax (with the
    /// parser of the `jsonata-rs` crate; functions are not looked up, so
    /// Step Functions' own, like `$partition`, are fine).
    pub fn parse(text: &str) -> Result<Jsonata, String> {
        if !Jsonata::is_expression(text) {
            return Err("a JSONata expression is written as \"{% expression %}\"".into());
        }
        let inner = &text[2..text.len() - 2];
        if inner.trim().is_empty() {
            return Err("the JSONata expression between {% and %} is empty".into());
        }
        check_syntax(inner)?;
        Ok(Jsonata { text: text.to_string() })
    }

    /// The whole text, `{% %}` included.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The expression between the delimiters, trimmed.
    pub fn expression(&self) -> &str {
        self.text[2..self.text.len() - 2].trim()
    }
}

/// Parses the expression; the error names the JSONata error code and position.
fn check_syntax(expr: &str) -> Result<(), String> {
    let arena = bumpalo::Bump::new();
    // The parser is third-party code: a panic in it must not take the caller down.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        jsonata_rs::JsonAta::new(expr, &arena).map(|_| ()).map_err(|e| e.to_string())
    }));
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("the JSONata expression does not parse ({e})")),
        Err(_) => Err("the JSONata expression could not be parsed".into()),
    }
}

/// A JSON value in a JSONata state (`Arguments`, `Output`, `Assign`, `Items`):
/// any string inside written as `{% … %}` is an expression, evaluated at run time.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonataTemplate(pub Value);

impl JsonataTemplate {
    /// Every expression inside, with its JSON pointer relative to the value.
    pub fn expressions(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        collect(&self.0, &mut String::new(), &mut out);
        out
    }
}

fn collect<'v>(value: &'v Value, ptr: &mut String, out: &mut Vec<(String, &'v str)>) {
    match value {
        Value::String(s) if Jsonata::is_expression(s) => out.push((ptr.clone(), s.as_str())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&i.to_string());
                collect(item, ptr, out);
                ptr.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&crate::error::escape_token(k));
                collect(v, ptr, out);
                ptr.truncate(len);
            }
        }
        _ => {}
    }
}
