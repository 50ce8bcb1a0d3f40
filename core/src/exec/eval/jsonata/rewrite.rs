//! The expression text as `jsonata-rs` gets it: Step Functions' replaced
//! functions and clashing variable names renamed, unsupported functions
//! refused, and the `$names` it mentions noted.

use serde_json::{Map, Value};

use super::{BUILTINS, REPLACED, UNSUPPORTED};
use crate::exec::eval::EvalError;

/// The expression with Step Functions' functions and clashing variable names
/// renamed, and what it uses.
pub(super) struct Rewritten {
    pub(super) text: String,
    /// Whether `$random` or `$uuid` appear (they draw from the generator).
    pub(super) random: bool,
    /// Workflow variables renamed to `__sfn_var_<name>`.
    pub(super) renamed: Vec<String>,
    /// Whether `$keys`, `$each`, `$string`, `$spread` or `$sift` appear (they
    /// list object keys).
    pub(super) lists_keys: bool,
    /// The `$names` the expression mentions: only these are bound, so that a
    /// large variable the expression does not read costs nothing.
    pub(super) mentioned: rustc_hash::FxHashSet<String>,
}

/// Renames `$now`, `$millis`, `$random`, `$uuid` and workflow variables that
/// share a name with a `jsonata-rs` function, outside strings, comments,
/// regular expressions and backquoted names; refuses unsupported functions.
pub(super) fn rewrite(text: &str, variables: &Map<String, Value>) -> Result<Rewritten, EvalError> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut random = false;
    let mut lists_keys = false;
    let mut renamed: Vec<String> = Vec::new();
    let mut mentioned = rustc_hash::FxHashSet::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    // Whether a `/` here starts a regular expression (nothing before it that
    // could be a left operand) rather than dividing.
    let mut operand_expected = true;
    let names = scan_names(text);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\'' | b'"' | b'`' => {
                let end = quoted_end(bytes, i, b);
                out.push_str(&text[i..end]);
                i = end;
                operand_expected = false;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(bytes.len(), |e| i + 2 + e + 2);
                out.push_str(&text[i..end]);
                i = end;
            }
            b'/' if operand_expected || after_keyword(&text[..i]) => {
                let end = quoted_end(bytes, i, b'/');
                let mut end = end;
                while bytes.get(end).is_some_and(u8::is_ascii_alphabetic) {
                    end += 1;
                }
                out.push_str(&text[i..end]);
                i = end;
                operand_expected = false;
            }
            b'$' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_' || bytes[end] >= 0x80)
                {
                    end += 1;
                }
                let name = &text[start..end];
                if !mentioned.contains(name) {
                    mentioned.insert(name.to_owned());
                }
                random |= name == "shuffle" && !variables.contains_key(name);
                lists_keys |= matches!(name, "spread" | "sift");
                let is_variable = variables.contains_key(name);
                let replacement = REPLACED.iter().find(|(n, _)| *n == name).map(|(_, r)| *r);
                if is_variable && BUILTINS.contains(&name) {
                    if !renamed.iter().any(|r| r == name) {
                        renamed.push(name.to_owned());
                    }
                    out.push_str("$__sfn_var_");
                    out.push_str(name);
                } else if let (false, Some(replacement)) = (is_variable, replacement) {
                    // Renamed everywhere, so a local `$now := …` or a
                    // parameter `$now` still hides the function consistently.
                    random |= name == "random" || name == "uuid";
                    lists_keys |= matches!(name, "keys" | "each" | "string");
                    out.push('$');
                    out.push_str(replacement);
                } else if !is_variable && UNSUPPORTED.contains(&name) && !names.assigned.iter().any(|a| a == name) {
                    let why = if name == "eval" {
                        "Step Functions does not support $eval; use $parse to read JSON text".to_owned()
                    } else {
                        format!("the function ${name} is not available in stepforge's JSONata engine (jsonata-rs)")
                    };
                    return Err(EvalError::query(format!("The JSONata expression '{{% {text} %}}' failed: {why}")));
                } else {
                    out.push_str(&text[i..end]);
                }
                i = end;
                operand_expected = false;
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                // `.*` and `**` walk object values in jsonata-rs's hash-map
                // order, which changes from run to run: refuse them rather
                // than return values in a random order.
                let next = text[i + c.len_utf8()..].trim_start().chars().next();
                if (c == '.' || c == '*') && next == Some('*') {
                    let what = if c == '.' { ".*" } else { "**" };
                    return Err(EvalError::query(format!(
                        "The JSONata expression '{{% {text} %}}' failed: the wildcard `{what}` is not supported by \
                         stepforge's JSONata engine (jsonata-rs does not keep the order of object keys); name the \
                         fields, or use $keys/$each"
                    )));
                }
                out.push(c);
                i += c.len_utf8();
                if !c.is_whitespace() {
                    operand_expected = !(c.is_alphanumeric() || c == '_' || c == ')' || c == ']' || c == '}');
                }
            }
        }
    }
    Ok(Rewritten { text: out, random, renamed, lists_keys, mentioned })
}

/// Whether `before` ends with a keyword operator (`and`, `or`, `in`), after
/// which a `/` starts a regular expression.
pub(super) fn after_keyword(before: &str) -> bool {
    let trimmed = before.trim_end();
    ["and", "or", "in"].iter().any(|k| {
        trimmed
            .strip_suffix(k)
            .is_some_and(|rest| !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$'))
    })
}

/// Names assigned in the expression (`$name :=`), which hide functions.
pub(super) struct Names {
    assigned: Vec<String>,
}

pub(super) fn scan_names(text: &str) -> Names {
    let mut assigned = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        let len = after.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(after.len());
        let name = &after[..len];
        if !name.is_empty() && after[len..].trim_start().starts_with(":=") {
            assigned.push(name.to_owned());
        }
        rest = &after[len..];
    }
    // Function parameters (`function($x)`) also hide functions of the same name.
    let mut rest = text;
    while let Some(at) = rest.find("function") {
        let after = rest[at + "function".len()..].trim_start();
        if let Some(params) = after.strip_prefix('(').and_then(|p| p.split(')').next()) {
            for param in params.split(',') {
                if let Some(name) = param.trim().strip_prefix('$') {
                    assigned.push(name.to_owned());
                }
            }
        }
        rest = &rest[at + "function".len()..];
    }
    Names { assigned }
}

/// The offset after a quoted run starting at `start` (backslash escapes skipped).
pub(super) fn quoted_end(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}
