//! The parsed forms of DynamoDB expressions. `#name` placeholders are already
//! replaced by the names they stand for and `:value` placeholders by their
//! values, so evaluation needs nothing but the item.

use std::fmt;

use crate::dynamo::AttributeValue;

/// Which expression of a request, named as DynamoDB names it in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprKind {
    /// `ConditionExpression`.
    Condition,
    /// `UpdateExpression`.
    Update,
    /// `ProjectionExpression`.
    Projection,
    /// `KeyConditionExpression`.
    KeyCondition,
    /// `FilterExpression`.
    Filter,
}

impl ExprKind {
    /// The request member's name.
    pub fn name(self) -> &'static str {
        match self {
            ExprKind::Condition => "ConditionExpression",
            ExprKind::Update => "UpdateExpression",
            ExprKind::Projection => "ProjectionExpression",
            ExprKind::KeyCondition => "KeyConditionExpression",
            ExprKind::Filter => "FilterExpression",
        }
    }
}

/// One step of a document path: a map member or a list element.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Segment {
    /// A member name (top-level attribute or nested map key).
    Attr(String),
    /// A list index.
    Index(usize),
}

/// A document path: `a.b[2].c`. Always starts with an attribute name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPath(pub Vec<Segment>);

impl DocPath {
    /// The top-level attribute the path starts at.
    pub fn top(&self) -> &str {
        match self.0.first() {
            Some(Segment::Attr(name)) => name,
            _ => "",
        }
    }
}

/// DynamoDB prints paths in messages as `[a, b, [2]]`.
impl fmt::Display for DocPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match segment {
                Segment::Attr(name) => f.write_str(name)?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        f.write_str("]")
    }
}

/// A value in a condition: an attribute of the item, a given value, or `size(path)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// The value at a document path (absent if the item has none there).
    Path(DocPath),
    /// An `ExpressionAttributeValues` value.
    Value(AttributeValue),
    /// `size(path)`.
    Size(DocPath),
}

/// `=`, `<>`, `<`, `<=`, `>`, `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// `=`.
    Eq,
    /// `<>`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl Comparator {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "=",
            Comparator::Ne => "<>",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }

    /// The operator with its operands swapped (`a < b` is `b > a`).
    pub fn flipped(self) -> Comparator {
        match self {
            Comparator::Lt => Comparator::Gt,
            Comparator::Le => Comparator::Ge,
            Comparator::Gt => Comparator::Lt,
            Comparator::Ge => Comparator::Le,
            other => other,
        }
    }
}

/// A condition (ConditionExpression, FilterExpression, KeyConditionExpression).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `a <op> b`.
    Compare(Operand, Comparator, Operand),
    /// `a BETWEEN low AND high`.
    Between(Operand, Operand, Operand),
    /// `a IN (b, c, …)`.
    In(Operand, Vec<Operand>),
    /// `attribute_exists(path)`.
    Exists(DocPath),
    /// `attribute_not_exists(path)`.
    NotExists(DocPath),
    /// `attribute_type(path, :type)`.
    Type(DocPath, Operand),
    /// `begins_with(a, b)`.
    BeginsWith(Operand, Operand),
    /// `contains(a, b)`.
    Contains(Operand, Operand),
    /// `NOT c`.
    Not(Box<Condition>),
    /// `a AND b AND …`: kept flat, so a long chain is no deeper than one link.
    And(Vec<Condition>),
    /// `a OR b OR …`, flat like [`Condition::And`].
    Or(Vec<Condition>),
}

/// An operand of a SET action.
#[derive(Debug, Clone, PartialEq)]
pub enum SetOperand {
    /// The value at a path in the item before the update (must exist).
    Path(DocPath),
    /// A given value.
    Value(AttributeValue),
    /// `if_not_exists(path, operand)`.
    IfNotExists(DocPath, Box<SetOperand>),
    /// `list_append(a, b)`.
    ListAppend(Box<SetOperand>, Box<SetOperand>),
}

/// The right-hand side of a SET action.
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    /// `operand`.
    Single(SetOperand),
    /// `a + b`.
    Plus(SetOperand, SetOperand),
    /// `a - b`.
    Minus(SetOperand, SetOperand),
}

/// One action of an UpdateExpression.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateAction {
    /// `SET path = value`.
    Set(DocPath, SetValue),
    /// `REMOVE path`.
    Remove(DocPath),
    /// `ADD path :value` (a number or a set).
    Add(DocPath, AttributeValue),
    /// `DELETE path :set`.
    Delete(DocPath, AttributeValue),
}

impl UpdateAction {
    /// The path the action writes.
    pub fn path(&self) -> &DocPath {
        match self {
            UpdateAction::Set(p, _)
            | UpdateAction::Remove(p)
            | UpdateAction::Add(p, _)
            | UpdateAction::Delete(p, _) => p,
        }
    }
}
