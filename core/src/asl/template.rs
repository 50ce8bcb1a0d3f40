//! Payload templates (JSONPath query language): `Parameters`, `ResultSelector`,
//! `ItemSelector`, `Assign`, where a key ending in `.$` takes its value from a
//! path or an intrinsic function call.

use serde_json::Value;

use super::intrinsic::Intrinsic;
use super::path::Path;

/// The value of a `.$` field: a path or an intrinsic function call.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A JSONPath (`$.a`, `$$.Execution.Id`, `$var`).
    Path(Path),
    /// `States.Format(...)` and friends.
    Intrinsic(Intrinsic),
}

impl Expr {
    /// Parses a `.$` value: an intrinsic call when it starts with `States.`, a path otherwise.
    pub fn parse(text: &str) -> Result<Expr, super::path::SyntaxError> {
        if Intrinsic::looks_like(text) {
            Intrinsic::parse(text).map(Expr::Intrinsic)
        } else {
            Path::parse(text).map(Expr::Path)
        }
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        match self {
            Expr::Path(p) => p.as_str(),
            Expr::Intrinsic(i) => i.as_str(),
        }
    }
}

/// The object form of a payload template: fields whose names end in `.$` are computed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Template {
    /// The fields in order. Keys of [`TemplateValue::Expr`] fields are stored
    /// without their `.$` suffix.
    pub fields: Vec<(String, TemplateValue)>,
}

/// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`, …) or
/// a value inside one. Objects anywhere inside, arrays included, may have
/// computed fields.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateValue {
    /// Static JSON with no `.$` field anywhere inside.
    Literal(Value),
    /// A `.$` field's expression.
    Expr(Expr),
    /// An object with computed fields somewhere inside.
    Object(Template),
    /// An array with computed fields somewhere inside.
    Array(Vec<TemplateValue>),
}

impl Template {
    /// Looks a field up by its key (without `.$`).
    pub fn get(&self, key: &str) -> Option<&TemplateValue> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl TemplateValue {
    /// Whether nothing inside is computed.
    pub fn is_static(&self) -> bool {
        matches!(self, TemplateValue::Literal(_))
    }
}
