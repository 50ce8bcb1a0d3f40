//! The fast path's parser: a Pratt parser for the subset of JSONata the fast
//! evaluator runs. Anything outside the subset is `None`, never an error: the
//! expression then goes to `jsonata-rs`, which reports its own errors.
//!
//! Binding powers are JSONata's: `:=` 10, `?` 20, `or` 25, `and` 30,
//! comparisons 40, `+ - &` 50, `* / %` 60, unary minus binds its operand at
//! 70, `.` 75, `[` and `(` 80.

use std::rc::Rc;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// A lambda literal: its parameter names and body.
#[derive(Debug)]
pub(super) struct Lambda {
    pub(super) params: Vec<Rc<str>>,
    pub(super) body: Node,
}

/// A node of the subset's syntax tree.
#[derive(Debug)]
pub(super) enum Node {
    Number(f64),
    Str(Rc<str>),
    Bool(bool),
    Null,
    /// `$name`.
    Var(Rc<str>),
    /// `base.a.b`: the base is a variable or a function call, the steps are names.
    Path(Box<Node>, Vec<Rc<str>>),
    /// `base[n]`: a variable or a function call indexed by a non-negative integer literal.
    Index(Box<Node>, usize),
    /// `$name(args)`.
    Call(Rc<str>, Vec<Node>),
    Lambda(Rc<Lambda>),
    /// `( a; b; … )`: a new scope.
    Block(Vec<Node>),
    /// `$name := value`.
    Bind(Rc<str>, Box<Node>),
    Neg(Box<Node>),
    Binary(Op, Box<Node>, Box<Node>),
    /// `cond ? then : else` (else optional).
    Cond(Box<Node>, Box<Node>, Option<Box<Node>>),
    /// `[a, b]`.
    Array(Vec<Node>),
    /// `{'k': v, …}` with string-literal keys, each once.
    Object(Vec<(Rc<str>, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Str(Rc<str>),
    Var(Rc<str>),
    Name(Rc<str>),
    /// Punctuation and operators, as written.
    Sym(&'static str),
}

/// How deep the subset's syntax tree may nest. `jsonata-rs` stops at 100
/// levels of its own evaluation, which takes at most a few of its levels per
/// node of this tree; staying far below keeps the fast path from returning a
/// value where `jsonata-rs` would report the depth limit.
const MAX_DEPTH: usize = 24;

/// The expression's syntax tree and the `$names` it mentions, or `None` when
/// it is outside the subset.
pub(super) fn parse(text: &str) -> Option<(Node, Vec<Rc<str>>)> {
    let tokens = tokenize(text)?;
    let mut names: Vec<Rc<str>> = Vec::new();
    for t in &tokens {
        if let Token::Var(n) = t
            && !names.contains(n)
        {
            names.push(n.clone());
        }
    }
    let mut p = Parser { tokens, at: 0, depth: 0 };
    let node = p.expression(0)?;
    if p.at != p.tokens.len() {
        return None;
    }
    Some((node, names))
}

const SYMBOLS: &[&str] = &[
    ":=", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "?", "+", "-", "*", "/", "%", "&", "=",
    "<", ">",
];

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        if b == b'\'' || b == b'"' {
            let (s, end) = string(text, i)?;
            out.push(Token::Str(s.into()));
            i = end;
            continue;
        }
        if b.is_ascii_digit() {
            let end = number_end(bytes, i)?;
            out.push(Token::Number(text[i..end].parse().ok()?));
            i = end;
            continue;
        }
        if b == b'$' {
            let end = name_end(bytes, i + 1)?;
            // `$` alone (the context) is outside the subset.
            if end == i + 1 {
                return None;
            }
            out.push(Token::Var(text[i + 1..end].into()));
            i = end;
            continue;
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            let end = name_end(bytes, i)?;
            out.push(Token::Name(text[i..end].into()));
            i = end;
            continue;
        }
        // A comment, a regular expression (a `/` where an operand is
        // expected) and other punctuation are outside the subset.
        if b == b'/' && (bytes.get(i + 1) == Some(&b'*') || !after_operand(out.last())) {
            return None;
        }
        let sym = SYMBOLS.iter().find(|s| text[i..].starts_with(**s))?;
        out.push(Token::Sym(sym));
        i += sym.len();
    }
    Some(out)
}

fn after_operand(last: Option<&Token>) -> bool {
    match last {
        Some(Token::Number(_) | Token::Str(_) | Token::Var(_)) => true,
        Some(Token::Name(n)) => !matches!(&**n, "and" | "or" | "in"),
        Some(Token::Sym(s)) => matches!(*s, ")" | "]" | "}"),
        None => false,
    }
}

/// The end of a name: ASCII letters, digits and `_`. A non-ASCII character
/// continues a name in JSONata: such names are outside the subset.
fn name_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    (bytes.get(i).is_none_or(|b| *b < 0x80)).then_some(i)
}

/// JSON number syntax without a sign: `0|[1-9][0-9]*`, fraction, exponent.
fn number_end(bytes: &[u8], start: usize) -> Option<usize> {
    let digits = |mut i: usize| {
        let from = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        (i > from).then_some(i)
    };
    let mut i = digits(start)?;
    if bytes[start] == b'0' && i > start + 1 {
        return None;
    }
    if bytes.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        i = digits(j)?;
    }
    // `1a`, `1.x`: leave odd adjacency to jsonata-rs.
    if bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'.' || *b == b'$') {
        return None;
    }
    Some(i)
}

/// A quoted string with the simple escapes; `\u` escapes are outside the subset.
fn string(text: &str, start: usize) -> Option<(String, usize)> {
    let quote = text.as_bytes()[start] as char;
    let mut out = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, e) = chars.next()?;
                out.push(match e {
                    '"' => '"',
                    '\'' => '\'',
                    '\\' => '\\',
                    '/' => '/',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    _ => return None,
                });
            }
            c if c == quote => return Some((out, start + 1 + at + 1)),
            c => out.push(c),
        }
    }
    None
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn is(&self, sym: &str) -> bool {
        matches!(self.peek(), Some(Token::Sym(s)) if *s == sym)
    }

    fn eat(&mut self, sym: &str) -> Option<()> {
        if self.is(sym) {
            self.at += 1;
            Some(())
        } else {
            None
        }
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    /// The left binding power of the next token as an infix operator.
    fn power(&self) -> u32 {
        match self.peek() {
            Some(Token::Sym(s)) => match *s {
                ":=" => 10,
                "?" => 20,
                "=" | "!=" | "<" | "<=" | ">" | ">=" => 40,
                "+" | "-" | "&" => 50,
                "*" | "/" | "%" => 60,
                "{" => 70,
                "." => 75,
                "[" | "(" => 80,
                _ => 0,
            },
            Some(Token::Name(n)) => match &**n {
                "or" => 25,
                "and" => 30,
                "in" => 40,
                _ => 0,
            },
            _ => 0,
        }
    }

    fn expression(&mut self, rbp: u32) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut left = self.prefix()?;
        while rbp < self.power() {
            left = self.infix(left)?;
        }
        self.depth -= 1;
        Some(left)
    }

    fn prefix(&mut self) -> Option<Node> {
        Some(match self.next()? {
            Token::Number(x) => Node::Number(x),
            Token::Str(s) => Node::Str(s),
            Token::Var(n) => Node::Var(n),
            Token::Name(n) => match &*n {
                "true" => Node::Bool(true),
                "false" => Node::Bool(false),
                "null" => Node::Null,
                "function" => self.lambda()?,
                // A bare name reads the context, which is outside the subset.
                _ => return None,
            },
            Token::Sym("-") => Node::Neg(Box::new(self.expression(70)?)),
            Token::Sym("(") => {
                let mut items = Vec::new();
                while !self.is(")") {
                    items.push(self.expression(0)?);
                    if self.eat(";").is_none() {
                        break;
                    }
                }
                self.eat(")")?;
                Node::Block(items)
            }
            Token::Sym("[") => {
                let mut items = Vec::new();
                if !self.is("]") {
                    loop {
                        items.push(self.expression(0)?);
                        if self.eat(",").is_none() {
                            break;
                        }
                    }
                }
                self.eat("]")?;
                Node::Array(items)
            }
            Token::Sym("{") => {
                let mut pairs: Vec<(Rc<str>, Node)> = Vec::new();
                if !self.is("}") {
                    loop {
                        let Some(Token::Str(key)) = self.next() else { return None };
                        self.eat(":")?;
                        let value = self.expression(0)?;
                        if pairs.iter().any(|(k, _)| *k == key) {
                            return None;
                        }
                        pairs.push((key, value));
                        if self.eat(",").is_none() {
                            break;
                        }
                    }
                }
                self.eat("}")?;
                // jsonata-rs evaluates an object's values in hash-map order:
                // values that bind variables, or more than one drawing random
                // numbers, would depend on that order.
                let drawing = pairs.iter().filter(|(_, v)| v.draws()).count();
                if drawing > 1 || pairs.iter().any(|(_, v)| v.binds()) {
                    return None;
                }
                Node::Object(pairs)
            }
            _ => return None,
        })
    }

    fn lambda(&mut self) -> Option<Node> {
        self.eat("(")?;
        let mut params = Vec::new();
        if !self.is(")") {
            loop {
                let Some(Token::Var(name)) = self.next() else { return None };
                params.push(name);
                if self.eat(",").is_none() {
                    break;
                }
            }
        }
        self.eat(")")?;
        self.eat("{")?;
        let body = self.expression(0)?;
        self.eat("}")?;
        Some(Node::Lambda(Rc::new(Lambda { params, body })))
    }

    fn infix(&mut self, left: Node) -> Option<Node> {
        let token = self.next()?;
        let op = match token {
            Token::Name(n) => match &*n {
                "and" => Op::And,
                "or" => Op::Or,
                _ => return None,
            },
            Token::Sym(s) => match s {
                "+" => Op::Add,
                "-" => Op::Sub,
                "*" => Op::Mul,
                "/" => Op::Div,
                "%" => Op::Rem,
                "&" => Op::Concat,
                "=" => Op::Eq,
                "!=" => Op::Ne,
                "<" => Op::Lt,
                "<=" => Op::Le,
                ">" => Op::Gt,
                ">=" => Op::Ge,
                ":=" => {
                    let Node::Var(name) = left else { return None };
                    return Some(Node::Bind(name, Box::new(self.expression(9)?)));
                }
                "?" => {
                    let then = self.expression(0)?;
                    let otherwise = if self.eat(":").is_some() { Some(Box::new(self.expression(0)?)) } else { None };
                    return Some(Node::Cond(Box::new(left), Box::new(then), otherwise));
                }
                "." => {
                    let Some(Token::Name(step)) = self.next() else { return None };
                    if matches!(&*step, "and" | "or" | "in" | "true" | "false" | "null" | "function") {
                        return None;
                    }
                    return match left {
                        Node::Path(base, mut steps) => {
                            steps.push(step);
                            Some(Node::Path(base, steps))
                        }
                        base @ (Node::Var(_) | Node::Call(..)) => Some(Node::Path(Box::new(base), vec![step])),
                        _ => None,
                    };
                }
                "[" => {
                    let Some(Token::Number(n)) = self.next() else { return None };
                    self.eat("]")?;
                    if n.fract() != 0.0 || !(0.0..1e9).contains(&n) {
                        return None;
                    }
                    return match left {
                        base @ (Node::Var(_) | Node::Call(..)) => Some(Node::Index(Box::new(base), n as usize)),
                        _ => None,
                    };
                }
                "(" => {
                    let Node::Var(name) = left else { return None };
                    let mut args = Vec::new();
                    if !self.is(")") {
                        loop {
                            args.push(self.expression(0)?);
                            if self.eat(",").is_none() {
                                break;
                            }
                        }
                    }
                    self.eat(")")?;
                    return Some(Node::Call(name, args));
                }
                _ => return None,
            },
            _ => return None,
        };
        let power = match op {
            Op::Or => 25,
            Op::And => 30,
            Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => 40,
            Op::Add | Op::Sub | Op::Concat => 50,
            Op::Mul | Op::Div | Op::Rem => 60,
        };
        let right = self.expression(power)?;
        Some(Node::Binary(op, Box::new(left), Box::new(right)))
    }
}

impl Node {
    /// The direct children, for the checks below.
    fn children(&self) -> Vec<&Node> {
        match self {
            Node::Number(_) | Node::Str(_) | Node::Bool(_) | Node::Null | Node::Var(_) => vec![],
            Node::Path(b, _) | Node::Index(b, _) | Node::Neg(b) | Node::Bind(_, b) => vec![b],
            Node::Call(_, args) | Node::Block(args) | Node::Array(args) => args.iter().collect(),
            Node::Lambda(l) => vec![&l.body],
            Node::Binary(_, a, b) => vec![a, b],
            Node::Cond(a, b, c) => {
                let mut v: Vec<&Node> = vec![a, b];
                v.extend(c.as_deref());
                v
            }
            Node::Object(pairs) => pairs.iter().map(|(_, v)| v).collect(),
        }
    }

    /// Whether evaluating this may draw from the generator (`$random`,
    /// `$uuid`, `$shuffle`, or a call the subset resolves at run time).
    fn draws(&self) -> bool {
        matches!(self, Node::Call(..)) && !matches!(self, Node::Call(n, _) if PURE.contains(&&**n))
            || self.children().iter().any(|c| c.draws())
    }

    /// Whether this binds a variable in the enclosing scope.
    fn binds(&self) -> bool {
        match self {
            Node::Bind(..) => true,
            // A lambda's bindings stay in its own scope.
            Node::Lambda(_) => false,
            _ => self.children().iter().any(|c| c.binds()),
        }
    }
}

/// Functions of the subset that never draw from the generator.
const PURE: &[&str] = &[
    "exists", "lookup", "keys", "filter", "toMillis", "number", "max", "min", "ceil", "floor", "abs", "power", "count",
];
