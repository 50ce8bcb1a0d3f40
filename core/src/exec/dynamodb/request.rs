//! Reading a request's members: the JSON a task passes, checked the way the
//! DynamoDB API checks its parameters.

use serde_json::{Map, Value};

use super::error::{Result, ServiceError};
use super::expr::ast::{Condition, DocPath, ExprKind, UpdateAction};
use super::expr::parser;
use super::expr::placeholders::Placeholders;
use crate::dynamo::Item;
use crate::dynamo::attr::item_from_dynamodb_json;

/// A request object and its placeholders.
pub struct Request<'a> {
    /// The members.
    pub fields: &'a Map<String, Value>,
    /// `ExpressionAttributeNames` / `ExpressionAttributeValues`.
    pub placeholders: Placeholders,
}

/// AWS's constraint message for a member, as the API's validation prints it.
pub fn constraint(member: &str, value: &Value, rule: &str) -> ServiceError {
    let shown = match value {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    };
    ServiceError::validation(format!(
        "1 validation error detected: Value {shown} at '{}' failed to satisfy constraint: {rule}",
        lower_first(member)
    ))
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The members no in-memory operation reads: the legacy (pre-expression)
/// parameters. Refused rather than ignored, so that a condition never silently passes.
const LEGACY: [&str; 7] = [
    "Expected",
    "AttributeUpdates",
    "AttributesToGet",
    "KeyConditions",
    "QueryFilter",
    "ScanFilter",
    "ConditionalOperator",
];

impl<'a> Request<'a> {
    /// Reads the request object and its placeholders.
    pub fn new(request: &'a Value) -> Result<Self> {
        let Value::Object(fields) = request else {
            return Err(ServiceError::validation(format!(
                "The request must be a JSON object, not {}",
                crate::error::kind_of(request)
            )));
        };
        if let Some(legacy) = LEGACY.iter().find(|m| fields.contains_key(**m)) {
            return Err(ServiceError::validation(format!(
                "The legacy parameter {legacy} is not supported by the in-memory DynamoDB; use expressions \
                 (ConditionExpression, UpdateExpression, ProjectionExpression, KeyConditionExpression, FilterExpression)"
            )));
        }
        Ok(Request { fields, placeholders: Placeholders::from_request(fields)? })
    }

    /// `TableName`, required.
    pub fn table_name(&self) -> Result<&'a str> {
        match self.fields.get("TableName") {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(constraint("TableName", other, "Member must be a string")),
            None => Err(ServiceError::validation(
                "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
            )),
        }
    }

    /// A string member, if present.
    pub fn string(&self, member: &str) -> Result<Option<&'a str>> {
        match self.fields.get(member) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(constraint(member, other, "Member must be a string")),
        }
    }

    /// A boolean member, if present.
    pub fn boolean(&self, member: &str) -> Result<Option<bool>> {
        match self.fields.get(member) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(constraint(member, other, "Member must be a boolean")),
        }
    }

    /// A positive integer member (`Limit`), if present.
    pub fn positive(&self, member: &str) -> Result<Option<usize>> {
        match self.fields.get(member) {
            None | Some(Value::Null) => Ok(None),
            // JSONata and intrinsics can give integral numbers as floats (`10.0`).
            Some(v) => {
                match v.as_u64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64)) {
                    Some(n) if n >= 1 => Ok(Some(n as usize)),
                    _ => Err(constraint(member, v, "Member must have value greater than or equal to 1")),
                }
            }
        }
    }

    /// An enumerated string member, if present, checked against `allowed`.
    pub fn one_of(&self, member: &str, allowed: &[&str]) -> Result<Option<&'a str>> {
        let Some(s) = self.string(member)? else { return Ok(None) };
        if allowed.contains(&s) {
            Ok(Some(s))
        } else {
            Err(constraint(
                member,
                &Value::String(s.into()),
                &format!("Member must satisfy enum value set: [{}]", allowed.join(", ")),
            ))
        }
    }

    /// A member holding an item or key in DynamoDB JSON, if present.
    pub fn item(&self, member: &str) -> Result<Option<Item>> {
        match self.fields.get(member) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => item_member(member, v).map(Some),
        }
    }

    /// A required item or key member.
    pub fn required_item(&self, member: &str) -> Result<Item> {
        self.item(member)?.ok_or_else(|| {
            ServiceError::validation(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(member)
            ))
        })
    }

    /// A condition-like expression member, parsed.
    pub fn condition(&self, member: &str, kind: ExprKind) -> Result<Option<Condition>> {
        self.string(member)?.map(|src| parser::condition(src, kind, &self.placeholders)).transpose()
    }

    /// `ProjectionExpression`, parsed.
    pub fn projection(&self) -> Result<Option<Vec<DocPath>>> {
        self.string("ProjectionExpression")?.map(|src| parser::projection(src, &self.placeholders)).transpose()
    }

    /// `UpdateExpression`, parsed.
    pub fn update(&self) -> Result<Option<Vec<UpdateAction>>> {
        self.string("UpdateExpression")?.map(|src| parser::update(src, &self.placeholders)).transpose()
    }

    /// After parsing every expression: placeholders are needed and all used.
    pub fn finish_placeholders(&self, has_expression: bool) -> Result<()> {
        self.placeholders.check_needed(has_expression)?;
        self.placeholders.check_all_used()
    }
}

/// An item or key in DynamoDB JSON, with a message that names the member and
/// the place in it when it is malformed.
pub fn item_member(member: &str, v: &Value) -> Result<Item> {
    item_from_dynamodb_json(v).map_err(|e| {
        let at = if e.pointer.is_empty() { String::new() } else { format!(" at {}", e.pointer) };
        ServiceError::validation(format!("{member}{at}: {} (items are given in DynamoDB JSON)", e.message))
    })
}
