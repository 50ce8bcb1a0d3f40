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

    /// Checks the `{% %}` wrapping and that brackets and quotes inside balance.
    pub fn parse(text: &str) -> Result<Jsonata, String> {
        if !Jsonata::is_expression(text) {
            return Err("a JSONata expression is written as \"{% expression %}\"".into());
        }
        let inner = &text[2..text.len() - 2];
        if inner.trim().is_empty() {
            return Err("the JSONata expression between {% and %} is empty".into());
        }
        check_balanced(inner)?;
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

/// Catches the commonest slips (an unclosed bracket or string) without a full
/// JSONata parser: strings, comments and regex bodies are skipped over.
fn check_balanced(expr: &str) -> Result<(), String> {
    let mut stack: Vec<char> = Vec::new();
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' | '`' => {
                let mut closed = false;
                while let Some(d) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == c {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err(format!("unterminated string (opened with {c}) in the JSONata expression"));
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                let mut closed = false;
                for d in chars.by_ref() {
                    if prev == '*' && d == '/' {
                        closed = true;
                        break;
                    }
                    prev = d;
                }
                if !closed {
                    return Err("unterminated comment in the JSONata expression".into());
                }
            }
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.pop() != Some(open) {
                    return Err(format!("unbalanced `{c}` in the JSONata expression"));
                }
            }
            _ => {}
        }
    }
    match stack.last() {
        Some(open) => Err(format!("`{open}` is never closed in the JSONata expression")),
        None => Ok(()),
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
