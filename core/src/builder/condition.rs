//! Conditions for Choice rules, named as in the CDK (`string_equals`,
//! `number_greater_than_json_path`, `is_present`, `and`, …). A condition is
//! the ASL rule object; its paths are checked when the state machine renders.

use serde_json::{Map, Value};

use crate::asl::Operator;
use crate::error::{Code, Problem, Problems};

/// A Choice rule's test.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition(Map<String, Value>);

/// Calls `$callback!` with the Condition helpers: the comparisons,
/// `name(operand: kind) => Operator, "doc";` where the kind of the operand
/// is `text`, `number`, `boolean` or `path` (the `…Path` form), then the
/// type tests, `name => Operator, holds, "doc";`. The core's tables below
/// and both bindings' `Condition` classes are made from it.
#[macro_export]
#[doc(hidden)]
macro_rules! for_each_condition {
    ($callback:ident) => {
        $callback! {
            compare: [
                string_equals(value: text) => StringEquals, "`StringEquals`: the string at `variable` equals `value`.";
                string_equals_json_path(path: path) => StringEquals, "`StringEqualsPath`: the string at `variable` equals the one at `path`.";
                string_less_than(value: text) => StringLessThan, "`StringLessThan`.";
                string_less_than_json_path(path: path) => StringLessThan, "`StringLessThanPath`.";
                string_greater_than(value: text) => StringGreaterThan, "`StringGreaterThan`.";
                string_greater_than_json_path(path: path) => StringGreaterThan, "`StringGreaterThanPath`.";
                string_less_than_equals(value: text) => StringLessThanEquals, "`StringLessThanEquals`.";
                string_less_than_equals_json_path(path: path) => StringLessThanEquals, "`StringLessThanEqualsPath`.";
                string_greater_than_equals(value: text) => StringGreaterThanEquals, "`StringGreaterThanEquals`.";
                string_greater_than_equals_json_path(path: path) => StringGreaterThanEquals, "`StringGreaterThanEqualsPath`.";
                string_matches(value: text) => StringMatches, "`StringMatches`: `value` may use `*` as a wildcard (`\\\\*` for a literal star).";
                number_equals(value: number) => NumericEquals, "`NumericEquals`.";
                number_equals_json_path(path: path) => NumericEquals, "`NumericEqualsPath`.";
                number_less_than(value: number) => NumericLessThan, "`NumericLessThan`.";
                number_less_than_json_path(path: path) => NumericLessThan, "`NumericLessThanPath`.";
                number_greater_than(value: number) => NumericGreaterThan, "`NumericGreaterThan`.";
                number_greater_than_json_path(path: path) => NumericGreaterThan, "`NumericGreaterThanPath`.";
                number_less_than_equals(value: number) => NumericLessThanEquals, "`NumericLessThanEquals`.";
                number_less_than_equals_json_path(path: path) => NumericLessThanEquals, "`NumericLessThanEqualsPath`.";
                number_greater_than_equals(value: number) => NumericGreaterThanEquals, "`NumericGreaterThanEquals`.";
                number_greater_than_equals_json_path(path: path) => NumericGreaterThanEquals, "`NumericGreaterThanEqualsPath`.";
                boolean_equals(value: boolean) => BooleanEquals, "`BooleanEquals`.";
                boolean_equals_json_path(path: path) => BooleanEquals, "`BooleanEqualsPath`.";
                timestamp_equals(value: text) => TimestampEquals, "`TimestampEquals` (`value` is an RFC 3339 timestamp).";
                timestamp_equals_json_path(path: path) => TimestampEquals, "`TimestampEqualsPath`.";
                timestamp_less_than(value: text) => TimestampLessThan, "`TimestampLessThan`.";
                timestamp_less_than_json_path(path: path) => TimestampLessThan, "`TimestampLessThanPath`.";
                timestamp_greater_than(value: text) => TimestampGreaterThan, "`TimestampGreaterThan`.";
                timestamp_greater_than_json_path(path: path) => TimestampGreaterThan, "`TimestampGreaterThanPath`.";
                timestamp_less_than_equals(value: text) => TimestampLessThanEquals, "`TimestampLessThanEquals`.";
                timestamp_less_than_equals_json_path(path: path) => TimestampLessThanEquals, "`TimestampLessThanEqualsPath`.";
                timestamp_greater_than_equals(value: text) => TimestampGreaterThanEquals, "`TimestampGreaterThanEquals`.";
                timestamp_greater_than_equals_json_path(path: path) => TimestampGreaterThanEquals, "`TimestampGreaterThanEqualsPath`.";
            ],
            type_tests: [
                is_present => IsPresent, true, "`IsPresent: true`: `variable` exists in the input.";
                is_not_present => IsPresent, false, "`IsPresent: false`.";
                is_null => IsNull, true, "`IsNull: true`.";
                is_not_null => IsNull, false, "`IsNull: false`.";
                is_string => IsString, true, "`IsString: true`.";
                is_not_string => IsString, false, "`IsString: false`.";
                is_numeric => IsNumeric, true, "`IsNumeric: true`.";
                is_not_numeric => IsNumeric, false, "`IsNumeric: false`.";
                is_boolean => IsBoolean, true, "`IsBoolean: true`.";
                is_not_boolean => IsBoolean, false, "`IsBoolean: false`.";
                is_timestamp => IsTimestamp, true, "`IsTimestamp: true`.";
                is_not_timestamp => IsTimestamp, false, "`IsTimestamp: false`.";
            ],
        }
    };
}

/// Whether an operand kind of [`for_each_condition!`] is the `…Path` form.
macro_rules! is_path {
    (path) => {
        true
    };
    ($other:ident) => {
        false
    };
}

macro_rules! tables {
    (
        compare: [$($name:ident($param:ident: $kind:ident) => $op:ident, $doc:tt;)*],
        type_tests: [$($test:ident => $test_op:ident, $holds:tt, $test_doc:tt;)*] $(,)?
    ) => {
        /// Every comparison helper: its name, the operator, whether the
        /// operand is a path, and whether the test is negated (never, for a
        /// comparison).
        pub const COMPARISONS: &[(&str, Operator, bool, bool)] =
            &[$((stringify!($name), Operator::$op, is_path!($kind), false)),*];

        /// The type tests: name, operator, negated.
        pub const TYPE_TESTS: &[(&str, Operator, bool)] = &[$((stringify!($test), Operator::$test_op, !$holds)),*];
    };
}

crate::for_each_condition!(tables);

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
