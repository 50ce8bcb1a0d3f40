//! Choice rules: comparisons, `And`/`Or`/`Not`, and JSONata conditions.

use serde_json::Number;

use super::jsonata::{Jsonata, JsonataTemplate};
use super::path::{Path, ReferencePath};
use super::states::{Payload, Timestamp};

/// A top-level rule of a Choice state: a condition and where to go when it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRule {
    /// `Comment`.
    pub comment: Option<String>,
    /// The test.
    pub condition: Condition,
    /// `Next`.
    pub next: String,
    /// `Assign` when this rule is taken.
    pub assign: Option<Payload>,
    /// `Output` when this rule is taken (JSONata).
    pub output: Option<JsonataTemplate>,
}

/// A nested rule inside `And`, `Or` or `Not`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// `Comment`.
    pub comment: Option<String>,
    /// The test.
    pub condition: Condition,
}

/// A boolean test over the state input.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `Variable` compared with one operator.
    Compare(Comparison),
    /// `And`: every rule holds.
    And(Vec<Rule>),
    /// `Or`: some rule holds.
    Or(Vec<Rule>),
    /// `Not`: the rule does not hold.
    Not(Box<Rule>),
    /// `Condition`: a JSONata expression (top-level rules of JSONata states only).
    Jsonata(Jsonata),
}

/// `Variable` + operator + operand.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// `Variable`: the value under test.
    pub variable: Path,
    /// The operator.
    pub operator: Operator,
    /// What it is compared with; [`Operand::Path`] is the `…Path` form of the operator.
    pub operand: Operand,
}

/// A comparison operator, without its `Path` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `StringEquals`.
    StringEquals,
    /// `StringLessThan`.
    StringLessThan,
    /// `StringGreaterThan`.
    StringGreaterThan,
    /// `StringLessThanEquals`.
    StringLessThanEquals,
    /// `StringGreaterThanEquals`.
    StringGreaterThanEquals,
    /// `StringMatches`: `*` is a wildcard, `\*` a literal star.
    StringMatches,
    /// `NumericEquals`.
    NumericEquals,
    /// `NumericLessThan`.
    NumericLessThan,
    /// `NumericGreaterThan`.
    NumericGreaterThan,
    /// `NumericLessThanEquals`.
    NumericLessThanEquals,
    /// `NumericGreaterThanEquals`.
    NumericGreaterThanEquals,
    /// `BooleanEquals`.
    BooleanEquals,
    /// `TimestampEquals`.
    TimestampEquals,
    /// `TimestampLessThan`.
    TimestampLessThan,
    /// `TimestampGreaterThan`.
    TimestampGreaterThan,
    /// `TimestampLessThanEquals`.
    TimestampLessThanEquals,
    /// `TimestampGreaterThanEquals`.
    TimestampGreaterThanEquals,
    /// `IsNull`.
    IsNull,
    /// `IsPresent`.
    IsPresent,
    /// `IsNumeric`.
    IsNumeric,
    /// `IsString`.
    IsString,
    /// `IsBoolean`.
    IsBoolean,
    /// `IsTimestamp`.
    IsTimestamp,
}

/// The kind of literal an operator takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperandKind {
    /// A string.
    String,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// An RFC 3339 timestamp string.
    Timestamp,
}

impl Operator {
    /// Every operator.
    pub const ALL: &'static [Operator] = &[
        Operator::StringEquals,
        Operator::StringLessThan,
        Operator::StringGreaterThan,
        Operator::StringLessThanEquals,
        Operator::StringGreaterThanEquals,
        Operator::StringMatches,
        Operator::NumericEquals,
        Operator::NumericLessThan,
        Operator::NumericGreaterThan,
        Operator::NumericLessThanEquals,
        Operator::NumericGreaterThanEquals,
        Operator::BooleanEquals,
        Operator::TimestampEquals,
        Operator::TimestampLessThan,
        Operator::TimestampGreaterThan,
        Operator::TimestampLessThanEquals,
        Operator::TimestampGreaterThanEquals,
        Operator::IsNull,
        Operator::IsPresent,
        Operator::IsNumeric,
        Operator::IsString,
        Operator::IsBoolean,
        Operator::IsTimestamp,
    ];

    /// The ASL key of the literal form.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::StringEquals => "StringEquals",
            Operator::StringLessThan => "StringLessThan",
            Operator::StringGreaterThan => "StringGreaterThan",
            Operator::StringLessThanEquals => "StringLessThanEquals",
            Operator::StringGreaterThanEquals => "StringGreaterThanEquals",
            Operator::StringMatches => "StringMatches",
            Operator::NumericEquals => "NumericEquals",
            Operator::NumericLessThan => "NumericLessThan",
            Operator::NumericGreaterThan => "NumericGreaterThan",
            Operator::NumericLessThanEquals => "NumericLessThanEquals",
            Operator::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            Operator::BooleanEquals => "BooleanEquals",
            Operator::TimestampEquals => "TimestampEquals",
            Operator::TimestampLessThan => "TimestampLessThan",
            Operator::TimestampGreaterThan => "TimestampGreaterThan",
            Operator::TimestampLessThanEquals => "TimestampLessThanEquals",
            Operator::TimestampGreaterThanEquals => "TimestampGreaterThanEquals",
            Operator::IsNull => "IsNull",
            Operator::IsPresent => "IsPresent",
            Operator::IsNumeric => "IsNumeric",
            Operator::IsString => "IsString",
            Operator::IsBoolean => "IsBoolean",
            Operator::IsTimestamp => "IsTimestamp",
        }
    }

    /// The key of the `…Path` form, for the operators that have one.
    pub fn path_key(self) -> Option<&'static str> {
        Some(match self {
            Operator::StringEquals => "StringEqualsPath",
            Operator::StringLessThan => "StringLessThanPath",
            Operator::StringGreaterThan => "StringGreaterThanPath",
            Operator::StringLessThanEquals => "StringLessThanEqualsPath",
            Operator::StringGreaterThanEquals => "StringGreaterThanEqualsPath",
            Operator::NumericEquals => "NumericEqualsPath",
            Operator::NumericLessThan => "NumericLessThanPath",
            Operator::NumericGreaterThan => "NumericGreaterThanPath",
            Operator::NumericLessThanEquals => "NumericLessThanEqualsPath",
            Operator::NumericGreaterThanEquals => "NumericGreaterThanEqualsPath",
            Operator::BooleanEquals => "BooleanEqualsPath",
            Operator::TimestampEquals => "TimestampEqualsPath",
            Operator::TimestampLessThan => "TimestampLessThanPath",
            Operator::TimestampGreaterThan => "TimestampGreaterThanPath",
            Operator::TimestampLessThanEquals => "TimestampLessThanEqualsPath",
            Operator::TimestampGreaterThanEquals => "TimestampGreaterThanEqualsPath",
            _ => return None,
        })
    }

    /// Finds the operator an ASL key names; the flag says whether it is the `…Path` form.
    pub fn from_key(key: &str) -> Option<(Operator, bool)> {
        if let Some(op) = Operator::ALL.iter().find(|op| op.as_str() == key) {
            return Some((*op, false));
        }
        Operator::ALL.iter().find(|op| op.path_key() == Some(key)).map(|op| (*op, true))
    }

    /// What literal the operator compares with.
    pub fn operand_kind(self) -> OperandKind {
        use Operator::*;
        match self {
            StringEquals
            | StringLessThan
            | StringGreaterThan
            | StringLessThanEquals
            | StringGreaterThanEquals
            | StringMatches => OperandKind::String,
            NumericEquals | NumericLessThan | NumericGreaterThan | NumericLessThanEquals | NumericGreaterThanEquals => {
                OperandKind::Number
            }
            TimestampEquals
            | TimestampLessThan
            | TimestampGreaterThan
            | TimestampLessThanEquals
            | TimestampGreaterThanEquals => OperandKind::Timestamp,
            BooleanEquals | IsNull | IsPresent | IsNumeric | IsString | IsBoolean | IsTimestamp => OperandKind::Boolean,
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A string (`String*` operators).
    String(String),
    /// A number (`Numeric*`).
    Number(Number),
    /// A boolean (`BooleanEquals`, `Is*`).
    Boolean(bool),
    /// A timestamp (`Timestamp*`).
    Timestamp(Timestamp),
    /// The `…Path` form: compare with the value at this path.
    Path(ReferencePath),
}
