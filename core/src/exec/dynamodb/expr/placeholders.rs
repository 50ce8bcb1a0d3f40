//! `ExpressionAttributeNames` and `ExpressionAttributeValues`: what each
//! placeholder stands for, and which ones the expressions used (DynamoDB
//! rejects a request that defines a placeholder no expression uses).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::ast::ExprKind;
use crate::dynamo::AttributeValue;
use crate::exec::dynamodb::error::{Result, ServiceError};

/// The placeholders of one request.
#[derive(Debug, Default)]
pub struct Placeholders {
    names: BTreeMap<String, String>,
    values: BTreeMap<String, AttributeValue>,
    used_names: RefCell<BTreeSet<String>>,
    used_values: RefCell<BTreeSet<String>>,
}

impl Placeholders {
    /// Reads the request's `ExpressionAttributeNames` and `ExpressionAttributeValues`.
    pub fn from_request(request: &serde_json::Map<String, Value>) -> Result<Self> {
        let mut out = Placeholders::default();
        if let Some(names) = request.get("ExpressionAttributeNames") {
            let Value::Object(names) = names else {
                return Err(ServiceError::validation("ExpressionAttributeNames must be an object of strings"));
            };
            if names.is_empty() {
                return Err(ServiceError::validation("ExpressionAttributeNames must not be empty"));
            }
            for (k, v) in names {
                let Value::String(name) = v else {
                    return Err(ServiceError::validation(format!(
                        "ExpressionAttributeNames contains invalid value: the name for {k} must be a string"
                    )));
                };
                if !placeholder_syntax(k, '#') {
                    return Err(ServiceError::validation(format!(
                        "ExpressionAttributeNames contains invalid key: Syntax error; key: \"{k}\""
                    )));
                }
                if name.is_empty() {
                    return Err(ServiceError::validation(format!(
                        "ExpressionAttributeNames contains invalid value: Empty attribute name for key {k}"
                    )));
                }
                out.names.insert(k.clone(), name.clone());
            }
        }
        if let Some(values) = request.get("ExpressionAttributeValues") {
            let Value::Object(values) = values else {
                return Err(ServiceError::validation(
                    "ExpressionAttributeValues must be an object of attribute values",
                ));
            };
            if values.is_empty() {
                return Err(ServiceError::validation("ExpressionAttributeValues must not be empty"));
            }
            for (k, v) in values {
                if !placeholder_syntax(k, ':') {
                    return Err(ServiceError::validation(format!(
                        "ExpressionAttributeValues contains invalid key: Syntax error; key: \"{k}\""
                    )));
                }
                let value = AttributeValue::from_dynamodb_json(v).map_err(|e| {
                    ServiceError::validation(format!(
                        "ExpressionAttributeValues contains invalid value: {} for key {k}",
                        e.to_string().trim_start_matches("at ")
                    ))
                })?;
                out.values.insert(k.clone(), value);
            }
        }
        Ok(out)
    }

    /// Whether the request defines any placeholder (then it needs an expression).
    pub fn check_needed(&self, has_expression: bool) -> Result<()> {
        if has_expression {
            return Ok(());
        }
        if !self.names.is_empty() {
            return Err(ServiceError::validation(
                "ExpressionAttributeNames can only be specified when using expressions",
            ));
        }
        if !self.values.is_empty() {
            return Err(ServiceError::validation(
                "ExpressionAttributeValues can only be specified when using expressions",
            ));
        }
        Ok(())
    }

    /// The attribute name `#token` stands for.
    pub fn name(&self, token: &str, kind: ExprKind) -> Result<String> {
        let name = self.names.get(token).ok_or_else(|| {
            ServiceError::validation(format!(
                "Invalid {}: An expression attribute name used in the document path is not defined; attribute name: {token}",
                kind.name()
            ))
        })?;
        self.used_names.borrow_mut().insert(token.to_string());
        Ok(name.clone())
    }

    /// The value `:token` stands for.
    pub fn value(&self, token: &str, kind: ExprKind) -> Result<AttributeValue> {
        let value = self.values.get(token).ok_or_else(|| {
            ServiceError::validation(format!(
                "Invalid {}: An expression attribute value used in expression is not defined; attribute value: {token}",
                kind.name()
            ))
        })?;
        self.used_values.borrow_mut().insert(token.to_string());
        Ok(value.clone())
    }

    /// After every expression of the request is parsed: each placeholder was used.
    pub fn check_all_used(&self) -> Result<()> {
        let unused = |defined: Vec<&String>, used: &BTreeSet<String>| {
            defined.into_iter().filter(|k| !used.contains(*k)).cloned().collect::<Vec<_>>()
        };
        let names = unused(self.names.keys().collect(), &self.used_names.borrow());
        if !names.is_empty() {
            return Err(ServiceError::validation(format!(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {{{}}}",
                names.join(", ")
            )));
        }
        let values = unused(self.values.keys().collect(), &self.used_values.borrow());
        if !values.is_empty() {
            return Err(ServiceError::validation(format!(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {{{}}}",
                values.join(", ")
            )));
        }
        Ok(())
    }
}

/// A placeholder is its sigil and one or more letters, digits or `_`: what
/// the expressions' tokenizer reads as one, so a key it could never match
/// is reported as such rather than as unused.
fn placeholder_syntax(key: &str, sigil: char) -> bool {
    key.strip_prefix(sigil)
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}
