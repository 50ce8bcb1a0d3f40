//! A recursive-descent parser for DynamoDB's expression grammar, following
//! the precedence AWS documents for conditions (comparisons, IN, BETWEEN and
//! functions bind tightest, then parentheses, NOT, AND, OR).

use super::ast::*;
use super::lexer::{Tok, Token, syntax_error, tokenize};
use super::placeholders::Placeholders;
use crate::dynamo::AttributeValue;
use crate::exec::dynamodb::error::{Result, ServiceError};
use crate::exec::dynamodb::value::long_type_name;

/// DynamoDB allows at most 100 operands in an IN list.
const MAX_IN_OPERANDS: usize = 100;

/// The longest expression DynamoDB accepts: 4 KB.
const MAX_EXPRESSION_BYTES: usize = 4096;

/// How deep parentheses, NOTs and SET functions may nest. DynamoDB's 4 KB
/// limit allows about two thousand levels; the parser recurses for each, so
/// it stops long before a small (2 MB, unoptimized) thread stack could.
const MAX_NESTING: usize = 64;

/// Parses a ConditionExpression, FilterExpression or KeyConditionExpression.
pub fn condition(src: &str, kind: ExprKind, placeholders: &Placeholders) -> Result<Condition> {
    let mut p = Parser::new(src, kind, placeholders)?;
    if p.peek() == &Tok::Eof {
        return Err(ServiceError::validation(format!("Invalid {}: The expression can not be empty;", kind.name())));
    }
    let c = p.or()?;
    p.expect_end()?;
    Ok(c)
}

/// Parses a ProjectionExpression: document paths separated by commas.
pub fn projection(src: &str, placeholders: &Placeholders) -> Result<Vec<DocPath>> {
    let kind = ExprKind::Projection;
    let mut p = Parser::new(src, kind, placeholders)?;
    if p.peek() == &Tok::Eof {
        return Err(ServiceError::validation(format!("Invalid {}: The expression can not be empty;", kind.name())));
    }
    let mut paths = vec![p.path()?];
    while p.eat(&Tok::Comma) {
        paths.push(p.path()?);
    }
    p.expect_end()?;
    check_overlaps(paths.iter(), kind)?;
    Ok(paths)
}

/// Parses an UpdateExpression: SET, REMOVE, ADD and DELETE sections, each at most once.
pub fn update(src: &str, placeholders: &Placeholders) -> Result<Vec<UpdateAction>> {
    let kind = ExprKind::Update;
    let mut p = Parser::new(src, kind, placeholders)?;
    if p.peek() == &Tok::Eof {
        return Err(ServiceError::validation(format!("Invalid {}: The expression can not be empty;", kind.name())));
    }
    let mut actions = Vec::new();
    let mut seen: Vec<&'static str> = Vec::new();
    while p.peek() != &Tok::Eof {
        let section = match p.peek() {
            Tok::Word(w) => match w.to_ascii_uppercase().as_str() {
                "SET" => "SET",
                "REMOVE" => "REMOVE",
                "ADD" => "ADD",
                "DELETE" => "DELETE",
                _ => return Err(p.unexpected()),
            },
            _ => return Err(p.unexpected()),
        };
        if seen.contains(&section) {
            return Err(ServiceError::validation(format!(
                "Invalid {}: The \"{section}\" section can only be used once in an update expression;",
                kind.name()
            )));
        }
        seen.push(section);
        p.advance();
        loop {
            actions.push(p.update_action(section)?);
            if !p.eat(&Tok::Comma) {
                break;
            }
        }
    }
    check_overlaps(actions.iter().map(UpdateAction::path), kind)?;
    Ok(actions)
}

/// DynamoDB refuses two paths where one is, or contains, the other, and two
/// paths that treat the same value as a map in one and a list in the other.
fn check_overlaps<'a>(paths: impl Iterator<Item = &'a DocPath> + Clone, kind: ExprKind) -> Result<()> {
    let all: Vec<&DocPath> = paths.collect();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            let common = a.0.iter().zip(&b.0).take_while(|(x, y)| x == y).count();
            if common == a.0.len().min(b.0.len()) {
                return Err(ServiceError::validation(format!(
                    "Invalid {}: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {a}, path two: {b}",
                    kind.name()
                )));
            }
            let differs_in_kind = matches!(
                (&a.0[common], &b.0[common]),
                (Segment::Attr(_), Segment::Index(_)) | (Segment::Index(_), Segment::Attr(_))
            );
            if differs_in_kind {
                return Err(ServiceError::validation(format!(
                    "Invalid {}: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {a}, path two: {b}",
                    kind.name()
                )));
            }
        }
    }
    Ok(())
}

struct Parser<'a> {
    src: &'a str,
    kind: ExprKind,
    tokens: Vec<Token>,
    pos: usize,
    placeholders: &'a Placeholders,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, kind: ExprKind, placeholders: &'a Placeholders) -> Result<Self> {
        if src.len() > MAX_EXPRESSION_BYTES {
            return Err(ServiceError::validation(format!(
                "Invalid {}: Expression size has exceeded the maximum allowed size; expression size: {}",
                kind.name(),
                src.len()
            )));
        }
        Ok(Parser { src, kind, tokens: tokenize(src, kind)?, pos: 0, placeholders, depth: 0 })
    }

    /// Enters one more level of parentheses or NOT.
    fn nest(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error(format_args!("The expression nests more than {MAX_NESTING} levels deep")));
        }
        Ok(())
    }

    fn peek(&self) -> &Tok {
        &self.tokens[self.pos.min(self.tokens.len() - 1)].tok
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        &self.tokens[(self.pos + ahead).min(self.tokens.len() - 1)].tok
    }

    fn advance(&mut self) {
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == tok {
            self.advance();
            true
        } else {
            false
        }
    }

    /// Whether the next token is the keyword `word` (keywords are case-insensitive).
    fn at_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Word(w) if w.eq_ignore_ascii_case(word))
    }

    fn unexpected(&self) -> ServiceError {
        let t = &self.tokens[self.pos.min(self.tokens.len() - 1)];
        syntax_error(self.src, self.kind, t.start, t.end)
    }

    fn expect(&mut self, tok: &Tok) -> Result<()> {
        if self.eat(tok) { Ok(()) } else { Err(self.unexpected()) }
    }

    fn expect_end(&self) -> Result<()> {
        if self.peek() == &Tok::Eof { Ok(()) } else { Err(self.unexpected()) }
    }

    fn error(&self, message: impl std::fmt::Display) -> ServiceError {
        ServiceError::validation(format!("Invalid {}: {message}", self.kind.name()))
    }

    // --- document paths and operands

    /// `name ('.' name | '[' int ']')*`, where a name is a word or `#name`.
    fn path(&mut self) -> Result<DocPath> {
        let mut segments = vec![Segment::Attr(self.path_name()?)];
        loop {
            match self.peek() {
                Tok::Dot => {
                    self.advance();
                    segments.push(Segment::Attr(self.path_name()?));
                }
                Tok::LBracket => {
                    self.advance();
                    let index = match self.peek() {
                        Tok::Int(digits) => digits.parse::<usize>().map_err(|_| self.unexpected())?,
                        _ => return Err(self.unexpected()),
                    };
                    self.advance();
                    self.expect(&Tok::RBracket)?;
                    segments.push(Segment::Index(index));
                }
                _ => return Ok(DocPath(segments)),
            }
        }
    }

    fn path_name(&mut self) -> Result<String> {
        let name = match self.peek() {
            Tok::Word(w) => {
                // DynamoDB quotes the word as written.
                if super::reserved::reserved(w).is_some() {
                    return Err(self.error(format_args!("Attribute name is a reserved keyword; reserved keyword: {w}")));
                }
                w.clone()
            }
            Tok::Name(token) => self.placeholders.name(token, self.kind)?,
            _ => return Err(self.unexpected()),
        };
        self.advance();
        Ok(name)
    }

    fn value(&mut self) -> Result<AttributeValue> {
        match self.peek() {
            Tok::Value(token) => {
                let v = self.placeholders.value(token, self.kind)?;
                self.advance();
                Ok(v)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// A function name followed by `(`, if that is what comes next.
    fn function_name(&self) -> Option<String> {
        match (self.peek(), self.peek_at(1)) {
            (Tok::Word(w), Tok::LParen) => Some(w.clone()),
            _ => None,
        }
    }

    fn operand(&mut self) -> Result<Operand> {
        if let Some(name) = self.function_name() {
            return match name.as_str() {
                "size" => {
                    self.advance();
                    self.advance();
                    let path = self.path()?;
                    self.expect(&Tok::RParen)?;
                    Ok(Operand::Size(path))
                }
                "attribute_exists" | "attribute_not_exists" | "attribute_type" | "begins_with" | "contains" => {
                    Err(self.error(format_args!(
                        "The function is not allowed to be used this way in an expression; function: {name}"
                    )))
                }
                _ => Err(self.error(format_args!("Invalid function name; function: {name}"))),
            };
        }
        match self.peek() {
            Tok::Value(_) => Ok(Operand::Value(self.value()?)),
            Tok::Word(_) | Tok::Name(_) => Ok(Operand::Path(self.path()?)),
            _ => Err(self.unexpected()),
        }
    }

    // --- conditions

    fn or(&mut self) -> Result<Condition> {
        let mut terms = vec![self.and()?];
        while self.at_keyword("OR") {
            self.advance();
            terms.push(self.and()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { Condition::Or(terms) })
    }

    fn and(&mut self) -> Result<Condition> {
        let mut terms = vec![self.not()?];
        while self.at_keyword("AND") {
            self.advance();
            terms.push(self.not()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { Condition::And(terms) })
    }

    fn not(&mut self) -> Result<Condition> {
        if self.at_keyword("NOT") {
            self.advance();
            self.nest()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Condition::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Condition> {
        if self.eat(&Tok::LParen) {
            self.nest()?;
            let c = self.or()?;
            self.expect(&Tok::RParen)?;
            self.depth -= 1;
            return Ok(c);
        }
        if let Some(name) = self.function_name()
            && name != "size"
        {
            return self.condition_function(&name);
        }
        let left = self.operand()?;
        let comparator = match self.peek() {
            Tok::Eq => Comparator::Eq,
            Tok::Ne => Comparator::Ne,
            Tok::Lt => Comparator::Lt,
            Tok::Le => Comparator::Le,
            Tok::Gt => Comparator::Gt,
            Tok::Ge => Comparator::Ge,
            Tok::Word(w) if w.eq_ignore_ascii_case("BETWEEN") => {
                self.advance();
                let low = self.operand()?;
                if !self.at_keyword("AND") {
                    return Err(self.unexpected());
                }
                self.advance();
                let high = self.operand()?;
                self.check_orderable("BETWEEN", &[&left, &low, &high])?;
                if let (Operand::Value(lo), Operand::Value(hi)) = (&low, &high)
                    && crate::exec::dynamodb::value::order(lo, hi) == Some(std::cmp::Ordering::Greater)
                {
                    return Err(self.error(format_args!(
                        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower operand: {}, upper operand: {}",
                        show(lo),
                        show(hi)
                    )));
                }
                return Ok(Condition::Between(left, low, high));
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("IN") => {
                self.advance();
                self.expect(&Tok::LParen)?;
                let mut list = vec![self.operand()?];
                while self.eat(&Tok::Comma) {
                    list.push(self.operand()?);
                }
                self.expect(&Tok::RParen)?;
                if list.len() > MAX_IN_OPERANDS {
                    return Err(self.error(format_args!(
                        "The IN operator is provided with too many operands; number of operands: {}",
                        list.len()
                    )));
                }
                return Ok(Condition::In(left, list));
            }
            _ => return Err(self.unexpected()),
        };
        self.advance();
        let right = self.operand()?;
        if !matches!(comparator, Comparator::Eq | Comparator::Ne) {
            self.check_orderable(comparator.symbol(), &[&left, &right])?;
        }
        Ok(Condition::Compare(left, comparator, right))
    }

    /// `<`, `<=`, `>`, `>=` and BETWEEN take numbers, strings or binaries.
    fn check_orderable(&self, operator: &str, operands: &[&Operand]) -> Result<()> {
        for operand in operands {
            if let Operand::Value(v) = operand
                && !matches!(v, AttributeValue::N(_) | AttributeValue::S(_) | AttributeValue::B(_))
            {
                return Err(self.error(format_args!(
                    "Incorrect operand type for operator or function; operator: {operator}, operand type: {}",
                    long_type_name(v)
                )));
            }
        }
        Ok(())
    }

    fn condition_function(&mut self, name: &str) -> Result<Condition> {
        let known = ["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"];
        if !known.contains(&name) {
            return Err(self.error(format_args!("Invalid function name; function: {name}")));
        }
        self.advance();
        self.advance();
        let path_arg = |p: &mut Self| -> Result<DocPath> {
            match p.peek() {
                Tok::Word(_) | Tok::Name(_) if p.peek_at(1) != &Tok::LParen => p.path(),
                _ => Err(p.error(format_args!(
                    "Operator or function requires a document path; operator or function: {name}"
                ))),
            }
        };
        let c = match name {
            "attribute_exists" => Condition::Exists(path_arg(self)?),
            "attribute_not_exists" => Condition::NotExists(path_arg(self)?),
            "attribute_type" => {
                let path = path_arg(self)?;
                self.expect(&Tok::Comma)?;
                let type_value = self.operand()?;
                if let Operand::Value(v) = &type_value {
                    check_type_name(v, self.kind)?;
                }
                Condition::Type(path, type_value)
            }
            _ => {
                let first = self.operand()?;
                self.expect(&Tok::Comma)?;
                let second = self.operand()?;
                if name == "begins_with"
                    && let Operand::Value(v) = &second
                    && !matches!(v, AttributeValue::S(_) | AttributeValue::B(_))
                {
                    return Err(self.error(format_args!(
                        "Incorrect operand type for operator or function; operator or function: begins_with, operand type: {}",
                        long_type_name(v)
                    )));
                }
                if name == "begins_with" {
                    Condition::BeginsWith(first, second)
                } else {
                    Condition::Contains(first, second)
                }
            }
        };
        self.expect(&Tok::RParen)?;
        Ok(c)
    }

    // --- updates

    fn update_action(&mut self, section: &str) -> Result<UpdateAction> {
        let path = self.path()?;
        match section {
            "SET" => {
                self.expect(&Tok::Eq)?;
                let first = self.set_operand()?;
                let value = if self.eat(&Tok::Plus) {
                    SetValue::Plus(first, self.set_operand()?)
                } else if self.eat(&Tok::Minus) {
                    SetValue::Minus(first, self.set_operand()?)
                } else {
                    SetValue::Single(first)
                };
                Ok(UpdateAction::Set(path, value))
            }
            "REMOVE" => Ok(UpdateAction::Remove(path)),
            _ => {
                let value = self.value()?;
                let is_set = matches!(value, AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_));
                let fits = if section == "ADD" { is_set || matches!(value, AttributeValue::N(_)) } else { is_set };
                if !fits {
                    return Err(self.error(format_args!(
                        "Incorrect operand type for operator or function; operator: {section}, operand type: {}",
                        long_type_name(&value)
                    )));
                }
                Ok(if section == "ADD" { UpdateAction::Add(path, value) } else { UpdateAction::Delete(path, value) })
            }
        }
    }

    fn set_operand(&mut self) -> Result<SetOperand> {
        if let Some(name) = self.function_name() {
            self.advance();
            self.advance();
            self.nest()?;
            let operand = match name.as_str() {
                "if_not_exists" => {
                    let path = match self.peek() {
                        Tok::Word(_) | Tok::Name(_) if self.peek_at(1) != &Tok::LParen => self.path()?,
                        _ => {
                            return Err(self.error(
                                "Operator or function requires a document path; operator or function: if_not_exists",
                            ));
                        }
                    };
                    self.expect(&Tok::Comma)?;
                    SetOperand::IfNotExists(path, Box::new(self.set_operand()?))
                }
                "list_append" => {
                    let a = self.set_operand()?;
                    self.expect(&Tok::Comma)?;
                    SetOperand::ListAppend(Box::new(a), Box::new(self.set_operand()?))
                }
                "attribute_exists"
                | "attribute_not_exists"
                | "attribute_type"
                | "begins_with"
                | "contains"
                | "size" => {
                    return Err(self
                        .error(format_args!("The function is not allowed in an update expression; function: {name}")));
                }
                _ => return Err(self.error(format_args!("Invalid function name; function: {name}"))),
            };
            self.expect(&Tok::RParen)?;
            self.depth -= 1;
            return Ok(operand);
        }
        match self.peek() {
            Tok::Value(_) => Ok(SetOperand::Value(self.value()?)),
            Tok::Word(_) | Tok::Name(_) => Ok(SetOperand::Path(self.path()?)),
            _ => Err(self.unexpected()),
        }
    }
}

/// `attribute_type`'s second operand names a type.
fn check_type_name(v: &AttributeValue, kind: ExprKind) -> Result<()> {
    const TYPES: [&str; 10] = ["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"];
    match v {
        AttributeValue::S(t) if TYPES.contains(&t.as_str()) => Ok(()),
        AttributeValue::S(t) => Err(ServiceError::validation(format!(
            "Invalid {}: Invalid attribute type name found; type: {t}, valid types: {{ B,NULL,SS,BOOL,L,BS,N,NS,S,M }}",
            kind.name()
        ))),
        other => Err(ServiceError::validation(format!(
            "Invalid {}: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {}",
            kind.name(),
            long_type_name(other)
        ))),
    }
}

/// A value as DynamoDB prints one in messages: `AttributeValue: {N:5}`.
fn show(v: &AttributeValue) -> String {
    let text = match v {
        AttributeValue::S(s) | AttributeValue::N(s) => s.clone(),
        other => other.to_dynamodb_json().to_string(),
    };
    format!("AttributeValue: {{{}:{text}}}", v.type_name())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(names: serde_json::Value, values: serde_json::Value) -> Placeholders {
        let mut request = serde_json::Map::new();
        if !names.as_object().is_some_and(|n| n.is_empty()) {
            request.insert("ExpressionAttributeNames".into(), names);
        }
        if !values.as_object().is_some_and(|v| v.is_empty()) {
            request.insert("ExpressionAttributeValues".into(), values);
        }
        Placeholders::from_request(&request).unwrap()
    }

    fn path(segments: &[&str]) -> DocPath {
        DocPath(
            segments
                .iter()
                .map(|s| match s.parse::<usize>() {
                    Ok(i) => Segment::Index(i),
                    Err(_) => Segment::Attr(s.to_string()),
                })
                .collect(),
        )
    }

    #[test]
    fn paths_resolve_names_per_segment() {
        let p = placeholders(serde_json::json!({"#a": "a.b", "#c": "c"}), serde_json::json!({}));
        let paths = projection("#a[2].#c, x.y[0][1]", &p).unwrap();
        assert_eq!(paths, vec![path(&["a.b", "2", "c"]), path(&["x", "y", "0", "1"])]);
        assert_eq!(paths[0].to_string(), "[a.b, [2], c]");
        p.check_all_used().unwrap();
    }

    #[test]
    fn and_binds_tighter_than_or_and_not_tighter_than_and() {
        let p = placeholders(serde_json::json!({}), serde_json::json!({":v": {"N": "1"}}));
        let c = condition("NOT a = :v AND b = :v OR c = :v", ExprKind::Condition, &p).unwrap();
        let cmp = |name: &str| {
            Condition::Compare(
                Operand::Path(path(&[name])),
                Comparator::Eq,
                Operand::Value(AttributeValue::N("1".into())),
            )
        };
        let want = Condition::Or(vec![Condition::And(vec![Condition::Not(Box::new(cmp("a"))), cmp("b")]), cmp("c")]);
        assert_eq!(c, want);
    }

    #[test]
    fn update_sections_in_any_order_and_case() {
        let p = placeholders(serde_json::json!({}), serde_json::json!({":n": {"N": "1"}, ":s": {"SS": ["x"]}}));
        let actions = update("remove a, b[1] add c :n set d = d - :n delete e :s", &p).unwrap();
        let kinds: Vec<&str> = actions
            .iter()
            .map(|a| match a {
                UpdateAction::Set(..) => "SET",
                UpdateAction::Remove(_) => "REMOVE",
                UpdateAction::Add(..) => "ADD",
                UpdateAction::Delete(..) => "DELETE",
            })
            .collect();
        assert_eq!(kinds, ["REMOVE", "REMOVE", "ADD", "SET", "DELETE"]);
        assert!(matches!(&actions[3], UpdateAction::Set(_, SetValue::Minus(..))));
    }
}
