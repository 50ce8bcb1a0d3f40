//! Field readers shared by the state parsers: query language, paths,
//! templates, JSONata values, dynamic numbers, Retry and Catch.

use std::borrow::Cow;

use super::dom::Node;

use super::object::{Obj, uint_value};
use super::{Cx, join};
use crate::asl::QueryLanguage;
use crate::asl::jsonata::{Jsonata, JsonataTemplate};
use crate::asl::path::{Path, ReferencePath, Root};
use crate::asl::retry::{Catcher, JitterStrategy, PREDEFINED_ERRORS, Retrier};
use crate::asl::states::{Dynamic, PathOrNull, Payload};
use crate::asl::template::{Expr, Template, TemplateValue};
use crate::error::Code;

/// The largest number of seconds AWS accepts in `TimeoutSeconds`, `Seconds`, …
pub(crate) const MAX_SECONDS: u64 = 99_999_999;

/// "a string", "a number", … for messages.
pub(crate) fn kind(value: &Node<'_>) -> &'static str {
    match value {
        Node::Null => "null",
        Node::Bool(_) => "a boolean",
        Node::Number(_) => "a number",
        Node::String(_) => "a string",
        Node::Array(_) => "an array",
        Node::Object(_) => "an object",
    }
}

/// `QueryLanguage`.
pub(crate) fn query_language(cx: &mut Cx, obj: &mut Obj<'_>) -> Option<QueryLanguage> {
    QueryLanguage::from_str_opt(&obj.one_of(cx, "QueryLanguage", &["JSONPath", "JSONata"])?)
}

/// Fields that only the JSONPath query language has.
pub(crate) const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "ItemsPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
    "Result",
];

/// Fields that only the JSONata query language has.
pub(crate) const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items", "Condition"];

/// Reports the fields of the other query language, so they are not read.
pub(crate) fn reject_other_language(cx: &mut Cx, obj: &mut Obj<'_>, ql: QueryLanguage) {
    match ql {
        QueryLanguage::Jsonata => obj.reject(cx, JSONPATH_ONLY, Code::QueryLanguageMismatch, |key| {
            format!("`{key}` is a JSONPath field, but this state uses JSONata (use `Arguments`, `Output` and `{{% %}}` expressions, or set \"QueryLanguage\": \"JSONPath\")")
        }),
        QueryLanguage::JsonPath => obj.reject(cx, JSONATA_ONLY, Code::QueryLanguageMismatch, |key| {
            format!("`{key}` is a JSONata field, but this state uses JSONPath (set \"QueryLanguage\": \"JSONata\" on the state or the state machine)")
        }),
    }
}

/// A JSONPath string.
pub(crate) fn path_value(cx: &mut Cx, value: &Node<'_>, ptr: &str, key: &str) -> Option<Path> {
    let Node::String(s) = value else {
        cx.report(Code::InvalidType, ptr, format!("`{key}` must be a path string, not {}", kind(value)));
        return None;
    };
    match Path::parse(s) {
        Ok(p) => Some(p),
        Err(e) => {
            cx.report(
                Code::InvalidJsonPath,
                ptr,
                format!("`{key}` is not a valid JSONPath ({s:?}): {}", e.describe(s)),
            );
            None
        }
    }
}

/// A reference path string (one node: no wildcards, filters or functions).
pub(crate) fn reference_path_value(cx: &mut Cx, value: &Node<'_>, ptr: &str, key: &str) -> Option<ReferencePath> {
    let Node::String(s) = value else {
        cx.report(Code::InvalidType, ptr, format!("`{key}` must be a reference path string, not {}", kind(value)));
        return None;
    };
    match ReferencePath::parse(s) {
        Ok(p) => Some(p),
        Err(e) => {
            cx.report(
                Code::InvalidReferencePath,
                ptr,
                format!("`{key}` is not a valid reference path ({s:?}): {}", e.describe(s)),
            );
            None
        }
    }
}

/// `InputPath` / `OutputPath`: a path or null.
pub(crate) fn path_or_null(cx: &mut Cx, obj: &mut Obj<'_>, key: &'static str) -> Option<PathOrNull<Path>> {
    match obj.get(key)? {
        Node::Null => Some(PathOrNull::Null),
        v => path_value(cx, v, &obj.ptr_of(key), key).map(PathOrNull::Path),
    }
}

/// `ResultPath`: a reference path into the state input, or null.
pub(crate) fn result_path(cx: &mut Cx, obj: &mut Obj<'_>) -> Option<PathOrNull<ReferencePath>> {
    let value = obj.get("ResultPath")?;
    let ptr = obj.ptr_of("ResultPath");
    match value {
        Node::Null => Some(PathOrNull::Null),
        v => {
            let p = reference_path_value(cx, v, &ptr, "ResultPath")?;
            if *p.path().root() != Root::Input {
                cx.report(
                    Code::InvalidReferencePath,
                    ptr,
                    format!(
                        "`ResultPath` writes into the state input, so it must start with `$.` or be `$`, not {:?}",
                        p.as_str()
                    ),
                );
                return None;
            }
            Some(PathOrNull::Path(p))
        }
    }
}

/// A payload template field (`Parameters`, `ResultSelector`, …). Usually an
/// object; the language does not forbid other JSON, so neither do we.
pub(crate) fn template(cx: &mut Cx, obj: &mut Obj<'_>, key: &'static str) -> Option<TemplateValue> {
    let value = obj.get(key)?;
    Some(template_value(cx, value, &obj.ptr_of(key)))
}

/// Reads a payload template object.
pub(crate) fn template_object(cx: &mut Cx, map: &[(Cow<'_, str>, Node<'_>)], ptr: &str) -> Template {
    let mut fields = Vec::with_capacity(map.len());
    for (key, value) in map {
        let field_ptr = join(ptr, key);
        if let Some(base) = key.strip_suffix(".$") {
            if map.iter().any(|(k, _)| k == base) {
                cx.report(
                    Code::DuplicateTemplateField,
                    field_ptr.clone(),
                    format!("both `{base}` and `{key}` are set; keep one"),
                );
            }
            if let Some(expr) = dynamic_expr(cx, value, &field_ptr, key) {
                fields.push((base.to_string(), TemplateValue::Expr(expr)));
            }
        } else {
            fields.push((key.to_string(), template_value(cx, value, &field_ptr)));
        }
    }
    Template { fields }
}

fn template_value(cx: &mut Cx, value: &Node<'_>, ptr: &str) -> TemplateValue {
    if !has_dynamic_key(value) {
        return TemplateValue::Literal(value.to_value());
    }
    match value {
        Node::Object(map) => TemplateValue::Object(template_object(cx, map, ptr)),
        Node::Array(items) => TemplateValue::Array(
            items.iter().enumerate().map(|(i, v)| template_value(cx, v, &format!("{ptr}/{i}"))).collect(),
        ),
        _ => TemplateValue::Literal(value.to_value()),
    }
}

/// Whether a `.$` key occurs anywhere inside.
fn has_dynamic_key(value: &Node<'_>) -> bool {
    match value {
        Node::Object(map) => map.iter().any(|(k, v)| k.ends_with(".$") || has_dynamic_key(v)),
        Node::Array(items) => items.iter().any(has_dynamic_key),
        _ => false,
    }
}

/// The value of a `.$` field: a path or an intrinsic function call.
pub(crate) fn dynamic_expr(cx: &mut Cx, value: &Node<'_>, ptr: &str, key: &str) -> Option<Expr> {
    let Node::String(s) = value else {
        cx.report(
            Code::InvalidDynamicValue,
            ptr,
            format!(
                "`{key}` ends in `.$`, so its value must be a path or intrinsic function string, not {}",
                kind(value)
            ),
        );
        return None;
    };
    match Expr::parse(s) {
        Ok(e) => Some(e),
        Err(e) => {
            let (code, what) = if crate::asl::intrinsic::Intrinsic::looks_like(s) {
                (Code::InvalidIntrinsic, "intrinsic function call")
            } else if s.starts_with('$') {
                (Code::InvalidJsonPath, "JSONPath")
            } else {
                (Code::InvalidDynamicValue, "path or intrinsic function call (it ends in `.$`)")
            };
            cx.report(code, ptr, format!("`{key}` is not a valid {what} ({s:?}): {}", e.describe(s)));
            None
        }
    }
}

/// A JSONata template field (`Arguments`, `Output`, …): any JSON; strings
/// that look like `{% … %}` must be well formed.
pub(crate) fn jsonata_template(cx: &mut Cx, obj: &mut Obj<'_>, key: &'static str) -> Option<JsonataTemplate> {
    let value = obj.get(key)?;
    check_jsonata_strings(cx, value, &obj.ptr_of(key));
    Some(JsonataTemplate(value.to_value()))
}

fn check_jsonata_strings(cx: &mut Cx, value: &Node<'_>, ptr: &str) {
    match value {
        Node::String(s) if s.starts_with("{%") || s.ends_with("%}") => {
            if let Err(e) = Jsonata::parse(s) {
                cx.report(Code::InvalidJsonata, ptr, format!("{e}: {s:?}"));
            }
        }
        Node::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_jsonata_strings(cx, v, &format!("{ptr}/{i}"));
            }
        }
        Node::Object(map) => {
            for (k, v) in map {
                check_jsonata_strings(cx, v, &join(ptr, k));
            }
        }
        _ => {}
    }
}

/// A field holding one JSONata expression string.
pub(crate) fn jsonata_expr(cx: &mut Cx, value: &Node<'_>, ptr: &str, key: &str) -> Option<Jsonata> {
    let Node::String(s) = value else {
        cx.report(Code::InvalidType, ptr, format!("`{key}` must be a JSONata expression string, not {}", kind(value)));
        return None;
    };
    match Jsonata::parse(s) {
        Ok(j) => Some(j),
        Err(e) => {
            cx.report(Code::InvalidJsonata, ptr, format!("`{key}`: {e}"));
            None
        }
    }
}

/// A payload in the state's query language (`Assign`, `ItemSelector`, `Credentials`, …).
pub(crate) fn payload(cx: &mut Cx, obj: &mut Obj<'_>, key: &'static str, ql: QueryLanguage) -> Option<Payload> {
    match ql {
        QueryLanguage::JsonPath => template(cx, obj, key).map(Payload::Template),
        QueryLanguage::Jsonata => jsonata_template(cx, obj, key).map(Payload::Jsonata),
    }
}

/// `Assign`: like a payload, but every key must be a valid variable name.
pub(crate) fn assign(cx: &mut Cx, obj: &mut Obj<'_>, ql: QueryLanguage) -> Option<Payload> {
    let value = obj.get("Assign")?;
    let ptr = obj.ptr_of("Assign");
    let Node::Object(map) = value else {
        cx.report(
            Code::InvalidType,
            ptr,
            format!("`Assign` must be an object of variable names to values, not {}", kind(value)),
        );
        return None;
    };
    for (key, _) in map {
        let name = if ql == QueryLanguage::JsonPath { key.strip_suffix(".$").unwrap_or(key) } else { key };
        if !is_variable_name(name) {
            let why = if name == "states" {
                "`states` is reserved: it would hide `$states`".to_string()
            } else {
                format!(
                    "`{name}` is not a valid variable name: start with a letter or `_`, then letters, digits or `_`, at most 80 characters"
                )
            };
            cx.report(Code::InvalidValue, join(&ptr, key), why);
        }
    }
    match ql {
        QueryLanguage::JsonPath => Some(Payload::Template(TemplateValue::Object(template_object(cx, map, &ptr)))),
        QueryLanguage::Jsonata => {
            check_jsonata_strings(cx, value, &ptr);
            Some(Payload::Jsonata(JsonataTemplate(value.to_value())))
        }
    }
}

/// Variable names are identifiers (Unicode letters, digits and `_`, not
/// starting with a digit), at most 80 characters; `states` is taken by `$states`.
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && name.chars().count() <= 80
        && name != "states"
}

/// A number given as `Key`, `KeyPath` or a JSONata expression in `Key`.
pub(crate) fn dynamic_uint(
    cx: &mut Cx,
    obj: &mut Obj<'_>,
    key: &'static str,
    path_key: &'static str,
    ql: QueryLanguage,
    min: u64,
    max: u64,
) -> Option<Dynamic<u64>> {
    dynamic(cx, obj, key, path_key, ql, |cx, value, ptr| uint_value(cx, value, ptr, key, min, max))
}

/// The shared shape of `Key` / `KeyPath` / `{% %}` fields; `literal` reads the plain value.
pub(crate) fn dynamic<T>(
    cx: &mut Cx,
    obj: &mut Obj<'_>,
    key: &'static str,
    path_key: &'static str,
    ql: QueryLanguage,
    literal: impl FnOnce(&mut Cx, &Node<'_>, &str) -> Option<T>,
) -> Option<Dynamic<T>> {
    if obj.has(key) && obj.has(path_key) {
        cx.report(
            Code::FieldConflict,
            obj.ptr_of(path_key),
            format!("`{key}` and `{path_key}` are both set; keep one"),
        );
        obj.skip(path_key);
    }
    if let Some(value) = obj.get(key) {
        let ptr = obj.ptr_of(key);
        return match value {
            Node::String(s) if Jsonata::is_expression(s) || s.starts_with("{%") => {
                if ql != QueryLanguage::Jsonata {
                    cx.report(
                        Code::QueryLanguageMismatch,
                        ptr,
                        format!("`{key}` holds a JSONata expression, but this state uses JSONPath (use `{path_key}`)"),
                    );
                    return None;
                }
                jsonata_expr(cx, value, &ptr, key).map(Dynamic::Jsonata)
            }
            _ => literal(cx, value, &ptr).map(Dynamic::Value),
        };
    }
    let value = obj.get(path_key)?;
    let ptr = obj.ptr_of(path_key);
    reference_path_value(cx, value, &ptr, path_key).map(Dynamic::Path)
}

/// `Retry`.
pub(crate) fn retry(cx: &mut Cx, obj: &mut Obj<'_>) -> Option<Vec<Retrier>> {
    let items = obj.array(cx, "Retry")?;
    let ptr = obj.ptr_of("Retry");
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_ptr = format!("{ptr}/{i}");
        let Some(mut r) = Obj::new(cx, item, item_ptr, "a retrier") else { continue };
        let retrier = Retrier {
            comment: r.string(cx, "Comment"),
            error_equals: error_equals(cx, &mut r),
            interval_seconds: r.uint(cx, "IntervalSeconds", 1, MAX_SECONDS),
            max_attempts: r.uint(cx, "MaxAttempts", 0, MAX_SECONDS),
            backoff_rate: r.number(cx, "BackoffRate").and_then(|n| {
                if n.as_f64().is_some_and(|f| f >= 1.0) {
                    Some(n)
                } else {
                    cx.report(
                        Code::OutOfRange,
                        r.ptr_of("BackoffRate"),
                        format!("`BackoffRate` is {n}; it must be at least 1.0"),
                    );
                    None
                }
            }),
            max_delay_seconds: r.uint(cx, "MaxDelaySeconds", 1, 31_622_400),
            jitter_strategy: r
                .one_of(cx, "JitterStrategy", &["FULL", "NONE"])
                .and_then(|s| JitterStrategy::from_str_opt(&s)),
        };
        r.finish(cx, "a retrier");
        out.push(retrier);
    }
    check_states_all_last(cx, &ptr, out.iter().map(|r| &r.error_equals), "retrier");
    Some(out)
}

/// `Catch`.
pub(crate) fn catch(cx: &mut Cx, obj: &mut Obj<'_>, ql: QueryLanguage) -> Option<Vec<Catcher>> {
    let items = obj.array(cx, "Catch")?;
    let ptr = obj.ptr_of("Catch");
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_ptr = format!("{ptr}/{i}");
        let Some(mut c) = Obj::new(cx, item, item_ptr, "a catcher") else {
            // A placeholder keeps the later catchers' indexes (its empty `Next` names nothing).
            let next = super::missing_name();
            out.push(Catcher {
                comment: None,
                error_equals: Vec::new(),
                next,
                result_path: None,
                output: None,
                assign: None,
            });
            continue;
        };
        reject_other_language(cx, &mut c, ql);
        let catcher = Catcher {
            comment: c.string(cx, "Comment"),
            error_equals: error_equals(cx, &mut c),
            next: c.required_string(cx, "Next").unwrap_or_else(super::missing_name),
            result_path: result_path(cx, &mut c),
            output: jsonata_template(cx, &mut c, "Output"),
            assign: assign(cx, &mut c, ql),
        };
        c.finish(cx, "a catcher");
        out.push(catcher);
    }
    check_states_all_last(cx, &ptr, out.iter().map(|c| &c.error_equals), "catcher");
    Some(out)
}

/// `ErrorEquals`: a non-empty list of error names; `States.ALL` alone.
fn error_equals(cx: &mut Cx, obj: &mut Obj<'_>) -> Vec<String> {
    let ptr = obj.ptr_of("ErrorEquals");
    if !obj.has("ErrorEquals") {
        cx.report(Code::MissingField, obj.ptr().to_string(), "`ErrorEquals` is required here");
        return Vec::new();
    }
    let Some(items) = obj.array(cx, "ErrorEquals") else { return Vec::new() };
    if items.is_empty() {
        cx.report(Code::EmptyList, ptr.clone(), "`ErrorEquals` needs at least one error name");
    }
    let mut names = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Node::String(name) = item else {
            cx.report(
                Code::InvalidType,
                format!("{ptr}/{i}"),
                format!("an error name must be a string, not {}", kind(item)),
            );
            continue;
        };
        if name.starts_with("States.") && !PREDEFINED_ERRORS.contains(&name.as_ref()) {
            cx.report(
                Code::UnknownPredefinedError,
                format!("{ptr}/{i}"),
                format!("`{name}` is not an error Step Functions defines; names starting with `States.` are reserved"),
            );
        }
        names.push(name.to_string());
    }
    if names.len() > 1 && names.iter().any(|n| n == "States.ALL") {
        cx.report(Code::StatesAllPosition, ptr, "`States.ALL` must be the only name in its `ErrorEquals`");
    }
    names
}

/// A retrier or catcher that handles `States.ALL` must be the last one.
fn check_states_all_last<'a>(cx: &mut Cx, ptr: &str, lists: impl Iterator<Item = &'a Vec<String>>, what: &str) {
    let lists: Vec<_> = lists.collect();
    for (i, names) in lists.iter().enumerate() {
        if i + 1 < lists.len() && names.iter().any(|n| n == "States.ALL") {
            cx.report(
                Code::StatesAllPosition,
                format!("{ptr}/{i}/ErrorEquals"),
                format!("the {what} for `States.ALL` must come last: the ones after it could never run"),
            );
        }
    }
}
