//! Choice rules.

use super::dom::Node;

use super::Cx;
use super::fields::{self, assign, jsonata_template, kind};
use super::object::Obj;
use crate::asl::QueryLanguage;
use crate::asl::choice::{ChoiceRule, Comparison, Condition, Operand, OperandKind, Operator, Rule};
use crate::asl::states::Timestamp;
use crate::error::Code;

/// `Choices`: a non-empty list of top-level rules.
pub(crate) fn rules(cx: &mut Cx, obj: &mut Obj<'_>, ql: QueryLanguage) -> Vec<ChoiceRule> {
    let ptr = obj.ptr_of("Choices");
    if !obj.has("Choices") {
        cx.report(Code::MissingField, obj.ptr().to_string(), "a Choice state needs `Choices`");
        return Vec::new();
    }
    let Some(items) = obj.array(cx, "Choices") else { return Vec::new() };
    if items.is_empty() {
        cx.report(Code::EmptyList, ptr.clone(), "`Choices` needs at least one rule");
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(mut r) = Obj::new(cx, item, format!("{ptr}/{i}"), "a choice rule") else {
            out.push(placeholder_rule(super::missing_name()));
            continue;
        };
        let comment = r.string(cx, "Comment");
        let next = r.required_string(cx, "Next").unwrap_or_else(super::missing_name);
        let (condition, output) = match ql {
            QueryLanguage::Jsonata => {
                r.reject(cx, &["Variable", "And", "Or", "Not"], Code::QueryLanguageMismatch, |key| {
                    format!("`{key}` belongs to JSONPath choice rules; a JSONata rule tests a `Condition` expression")
                });
                reject_operators(cx, &mut r);
                let cond_ptr = r.ptr_of("Condition");
                let condition = match r.required(cx, "Condition") {
                    Some(v) => fields::jsonata_expr(cx, v, &cond_ptr, "Condition").map(Condition::Jsonata),
                    None => None,
                };
                (condition, jsonata_template(cx, &mut r, "Output"))
            }
            QueryLanguage::JsonPath => {
                r.reject(cx, &["Condition", "Output"], Code::QueryLanguageMismatch, |key| {
                    format!("`{key}` belongs to JSONata choice rules; this state uses JSONPath")
                });
                (condition(cx, &mut r), None)
            }
        };
        let assign = assign(cx, &mut r, ql);
        r.finish(cx, "a choice rule");
        match condition {
            Some(condition) => out.push(ChoiceRule { comment, condition, next, assign, output }),
            // The rule's test was reported; keep its target so it is not also unreachable.
            None => out.push(placeholder_rule(next)),
        }
    }
    out
}

/// A stand-in for a rule that could not be read, keeping the indexes of the
/// rules after it and its target. Only the lenient parse makes these; a
/// definition with one always has problems, so it never reaches a caller.
fn placeholder_rule(next: String) -> ChoiceRule {
    ChoiceRule { comment: None, condition: Condition::And(Vec::new()), next, assign: None, output: None }
}

/// In JSONata states, comparison operators have no place.
fn reject_operators(cx: &mut Cx, r: &mut Obj<'_>) {
    for op in Operator::ALL {
        r.reject(cx, &[op.as_str()], Code::QueryLanguageMismatch, |key| {
            format!("`{key}` belongs to JSONPath choice rules; a JSONata rule tests a `Condition` expression")
        });
        if let Some(path_key) = op.path_key() {
            r.reject(cx, &[path_key], Code::QueryLanguageMismatch, |key| {
                format!("`{key}` belongs to JSONPath choice rules; a JSONata rule tests a `Condition` expression")
            });
        }
    }
}

/// Reads a JSONPath boolean expression from a rule object (top-level or nested).
fn condition(cx: &mut Cx, r: &mut Obj<'_>) -> Option<Condition> {
    let found = comparison_keys(r);
    match found.as_slice() {
        [] => {
            cx.report(Code::ChoiceRuleNoComparison, r.ptr().to_string(), "this rule tests nothing: give it `Variable` and an operator such as `StringEquals`, or `And`, `Or`, `Not`");
            skip_known(r, &found);
            None
        }
        [key] => {
            let key = *key;
            match key {
                "And" | "Or" => {
                    r.reject(cx, &["Variable"], Code::UnknownField, |_| {
                        format!("`Variable` has no place beside `{key}`: each rule inside has its own")
                    });
                    let rules = nested_list(cx, r, key)?;
                    Some(if key == "And" { Condition::And(rules) } else { Condition::Or(rules) })
                }
                "Not" => {
                    r.reject(cx, &["Variable"], Code::UnknownField, |_| {
                        "`Variable` has no place beside `Not`: the rule inside has its own".to_string()
                    });
                    let ptr = r.ptr_of("Not");
                    let rule = nested(cx, r.get("Not")?, &ptr)?;
                    Some(Condition::Not(Box::new(rule)))
                }
                _ => comparison(cx, r, key).map(Condition::Compare),
            }
        }
        [first, second, ..] => {
            cx.report(
                Code::ChoiceRuleMultipleComparisons,
                r.ptr_of(second),
                format!(
                    "a rule has one operator; this one has `{first}` and `{second}` (combine rules with `And` or `Or`)"
                ),
            );
            skip_known(r, &found);
            None
        }
    }
}

/// The operator keys (and `And`/`Or`/`Not`) present in a rule, in the order
/// the object has them.
fn comparison_keys(r: &Obj<'_>) -> Vec<&'static str> {
    let mut found = Vec::new();
    for key in ["And", "Or", "Not"] {
        if r.has(key) {
            found.push(key);
        }
    }
    for op in Operator::ALL {
        if r.has(op.as_str()) {
            found.push(op.as_str());
        }
        if let Some(pk) = op.path_key() {
            if r.has(pk) {
                found.push(pk);
            }
        }
    }
    found
}

fn skip_known(r: &mut Obj<'_>, keys: &[&'static str]) {
    for key in keys {
        r.skip(key);
    }
    r.skip("Variable");
}

fn nested_list(cx: &mut Cx, r: &mut Obj<'_>, key: &'static str) -> Option<Vec<Rule>> {
    let ptr = r.ptr_of(key);
    let items = r.array(cx, key)?;
    if items.is_empty() {
        cx.report(Code::EmptyList, ptr.clone(), format!("`{key}` needs at least one rule"));
    }
    Some(items.iter().enumerate().filter_map(|(i, item)| nested(cx, item, &format!("{ptr}/{i}"))).collect())
}

/// A rule inside `And`, `Or` or `Not`: no `Next`.
fn nested(cx: &mut Cx, value: &Node<'_>, ptr: &str) -> Option<Rule> {
    let mut r = Obj::new(cx, value, ptr, "a nested choice rule")?;
    let comment = r.string(cx, "Comment");
    r.reject(cx, &["Next"], Code::UnknownField, |_| {
        "rules inside `And`, `Or` and `Not` have no `Next`; only top-level rules do".to_string()
    });
    let condition = condition(cx, &mut r);
    r.finish(cx, "a nested choice rule");
    Some(Rule { comment, condition: condition? })
}

fn comparison(cx: &mut Cx, r: &mut Obj<'_>, key: &'static str) -> Option<Comparison> {
    let variable_ptr = r.ptr_of("Variable");
    let variable = match r.required(cx, "Variable") {
        Some(v) => fields::path_value(cx, v, &variable_ptr, "Variable"),
        None => None,
    };
    let (operator, is_path) = Operator::from_key(key)?;
    let ptr = r.ptr_of(key);
    let value = r.get(key)?;
    let operand = if is_path {
        fields::reference_path_value(cx, value, &ptr, key).map(Operand::Path)
    } else {
        literal(cx, operator, value, &ptr, key)
    };
    Some(Comparison { variable: variable?, operator, operand: operand? })
}

fn literal(cx: &mut Cx, operator: Operator, value: &Node<'_>, ptr: &str, key: &str) -> Option<Operand> {
    let wrong = |cx: &mut Cx, want: &str| {
        cx.report(Code::InvalidType, ptr, format!("`{key}` compares with {want}, not {}", kind(value)));
        None
    };
    match (operator.operand_kind(), value) {
        (OperandKind::String, Node::String(s)) => Some(Operand::String(s.to_string())),
        (OperandKind::String, _) => wrong(cx, "a string"),
        (OperandKind::Number, Node::Number(n)) => n.parse().ok().map(Operand::Number),
        (OperandKind::Number, _) => wrong(cx, "a number"),
        (OperandKind::Boolean, Node::Bool(b)) => Some(Operand::Boolean(*b)),
        (OperandKind::Boolean, _) => wrong(cx, "true or false"),
        (OperandKind::Timestamp, Node::String(s)) => match Timestamp::parse(s) {
            Ok(t) => Some(Operand::Timestamp(t)),
            Err(e) => {
                cx.report(Code::InvalidTimestamp, ptr, e);
                None
            }
        },
        (OperandKind::Timestamp, _) => wrong(cx, "a timestamp string"),
    }
}
