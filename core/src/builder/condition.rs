//! Conditions for Choice rules, named as in the CDK (`string_equals`,
//! `number_greater_than_json_path`, `is_present`, `and`, …). A condition is
//! the ASL rule object; its paths are checked when the state machine renders.

use serde_json::{Map, Value};

use crate::asl::Operator;
use crate::error::{Code, Problem, Problems};

/// A Choice rule's test.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition(Map<String, Value>);

/// Every comparison helper: its name, the operator, whether the operand is a
/// path, and whether the test is negated (`is_not_present`).
pub const COMPARISONS: &[(&str, Operator, bool, bool)] = &[
    ("string_equals", Operator::StringEquals, false, false),
    ("string_equals_json_path", Operator::StringEquals, true, false),
    ("string_less_than", Operator::StringLessThan, false, false),
    ("string_less_than_json_path", Operator::StringLessThan, true, false),
    ("string_greater_than", Operator::StringGreaterThan, false, false),
    ("string_greater_than_json_path", Operator::StringGreaterThan, true, false),
    ("string_less_than_equals", Operator::StringLessThanEquals, false, false),
    ("string_less_than_equals_json_path", Operator::StringLessThanEquals, true, false),
    ("string_greater_than_equals", Operator::StringGreaterThanEquals, false, false),
    ("string_greater_than_equals_json_path", Operator::StringGreaterThanEquals, true, false),
    ("string_matches", Operator::StringMatches, false, false),
    ("number_equals", Operator::NumericEquals, false, false),
    ("number_equals_json_path", Operator::NumericEquals, true, false),
    ("number_less_than", Operator::NumericLessThan, false, false),
    ("number_less_than_json_path", Operator::NumericLessThan, true, false),
    ("number_greater_than", Operator::NumericGreaterThan, false, false),
    ("number_greater_than_json_path", Operator::NumericGreaterThan, true, false),
    ("number_less_than_equals", Operator::NumericLessThanEquals, false, false),
    ("number_less_than_equals_json_path", Operator::NumericLessThanEquals, true, false),
    ("number_greater_than_equals", Operator::NumericGreaterThanEquals, false, false),
    ("number_greater_than_equals_json_path", Operator::NumericGreaterThanEquals, true, false),
    ("boolean_equals", Operator::BooleanEquals, false, false),
    ("boolean_equals_json_path", Operator::BooleanEquals, true, false),
    ("timestamp_equals", Operator::TimestampEquals, false, false),
    ("timestamp_equals_json_path", Operator::TimestampEquals, true, false),
    ("timestamp_less_than", Operator::TimestampLessThan, false, false),
    ("timestamp_less_than_json_path", Operator::TimestampLessThan, true, false),
    ("timestamp_greater_than", Operator::TimestampGreaterThan, false, false),
    ("timestamp_greater_than_json_path", Operator::TimestampGreaterThan, true, false),
    ("timestamp_less_than_equals", Operator::TimestampLessThanEquals, false, false),
    ("timestamp_less_than_equals_json_path", Operator::TimestampLessThanEquals, true, false),
    ("timestamp_greater_than_equals", Operator::TimestampGreaterThanEquals, false, false),
    ("timestamp_greater_than_equals_json_path", Operator::TimestampGreaterThanEquals, true, false),
];

/// The type tests: name, operator, negated.
pub const TYPE_TESTS: &[(&str, Operator, bool)] = &[
    ("is_present", Operator::IsPresent, false),
    ("is_not_present", Operator::IsPresent, true),
    ("is_null", Operator::IsNull, false),
    ("is_not_null", Operator::IsNull, true),
    ("is_string", Operator::IsString, false),
    ("is_not_string", Operator::IsString, true),
    ("is_numeric", Operator::IsNumeric, false),
    ("is_not_numeric", Operator::IsNumeric, true),
    ("is_boolean", Operator::IsBoolean, false),
    ("is_not_boolean", Operator::IsBoolean, true),
    ("is_timestamp", Operator::IsTimestamp, false),
    ("is_not_timestamp", Operator::IsTimestamp, true),
];

impl Condition {
    /// `Variable` compared with `value` by `operator`; `path` picks the `…Path` form.
    pub fn compare(variable: &str, operator: Operator, path: bool, value: Value) -> Condition {
        let key = if path { operator.path_key().unwrap_or(operator.as_str()) } else { operator.as_str() };
        let mut rule = Map::new();
        rule.insert("Variable".into(), variable.into());
        rule.insert(key.into(), value);
        Condition(rule)
    }

    /// A comparison by its helper name (`"number_less_than"`, or camelCase), for the bindings.
    pub fn by_name(name: &str, variable: &str, value: Value) -> Result<Condition, Problems> {
        let snake = name.chars().fold(String::new(), |mut s, c| {
            if c.is_ascii_uppercase() {
                s.push('_');
                s.push(c.to_ascii_lowercase());
            } else {
                s.push(c);
            }
            s
        });
        if let Some((_, op, path, _)) = COMPARISONS.iter().find(|(n, ..)| *n == snake) {
            return Ok(Condition::compare(variable, *op, *path, value));
        }
        if let Some((_, op, negated)) = TYPE_TESTS.iter().find(|(n, ..)| *n == snake) {
            let holds = value.as_bool().unwrap_or(true);
            return Ok(Condition::compare(variable, *op, false, Value::Bool(holds != *negated)));
        }
        Err(Problems::from(Problem::new(Code::InvalidValue, "", format!("`{name}` is not a condition"))))
    }

    /// `StringEquals`.
    pub fn string_equals(variable: &str, value: &str) -> Condition {
        Condition::compare(variable, Operator::StringEquals, false, value.into())
    }

    /// `StringMatches` (`*` is a wildcard).
    pub fn string_matches(variable: &str, pattern: &str) -> Condition {
        Condition::compare(variable, Operator::StringMatches, false, pattern.into())
    }

    /// `NumericEquals`.
    pub fn number_equals(variable: &str, value: impl Into<Value>) -> Condition {
        Condition::compare(variable, Operator::NumericEquals, false, value.into())
    }

    /// `NumericLessThan`.
    pub fn number_less_than(variable: &str, value: impl Into<Value>) -> Condition {
        Condition::compare(variable, Operator::NumericLessThan, false, value.into())
    }

    /// `NumericGreaterThan`.
    pub fn number_greater_than(variable: &str, value: impl Into<Value>) -> Condition {
        Condition::compare(variable, Operator::NumericGreaterThan, false, value.into())
    }

    /// `BooleanEquals`.
    pub fn boolean_equals(variable: &str, value: bool) -> Condition {
        Condition::compare(variable, Operator::BooleanEquals, false, value.into())
    }

    /// `TimestampLessThan`.
    pub fn timestamp_less_than(variable: &str, value: &str) -> Condition {
        Condition::compare(variable, Operator::TimestampLessThan, false, value.into())
    }

    /// `IsPresent: true`.
    pub fn is_present(variable: &str) -> Condition {
        Condition::compare(variable, Operator::IsPresent, false, true.into())
    }

    /// `IsPresent: false`.
    pub fn is_not_present(variable: &str) -> Condition {
        Condition::compare(variable, Operator::IsPresent, false, false.into())
    }

    /// `IsNull: true`.
    pub fn is_null(variable: &str) -> Condition {
        Condition::compare(variable, Operator::IsNull, false, true.into())
    }

    /// Every condition holds.
    pub fn and(conditions: impl IntoIterator<Item = Condition>) -> Condition {
        Condition::combine("And", conditions)
    }

    /// Some condition holds.
    pub fn or(conditions: impl IntoIterator<Item = Condition>) -> Condition {
        Condition::combine("Or", conditions)
    }

    /// The condition does not hold.
    #[allow(clippy::should_implement_trait)]
    pub fn not(condition: Condition) -> Condition {
        let mut rule = Map::new();
        rule.insert("Not".into(), Value::Object(condition.0));
        Condition(rule)
    }

    /// A JSONata condition (`"{% … %}"`), for JSONata Choice states.
    pub fn jsonata(expression: &str) -> Condition {
        let mut rule = Map::new();
        rule.insert("Condition".into(), expression.into());
        Condition(rule)
    }

    fn combine(key: &str, conditions: impl IntoIterator<Item = Condition>) -> Condition {
        let list = conditions.into_iter().map(|c| Value::Object(c.0)).collect();
        let mut rule = Map::new();
        rule.insert(key.into(), Value::Array(list));
        Condition(rule)
    }

    /// The rule object (without `Next`).
    pub fn into_rule(self) -> Map<String, Value> {
        self.0
    }

    /// The rule object as JSON.
    pub fn to_json(&self) -> Value {
        Value::Object(self.0.clone())
    }
}
