//! The fast path's evaluator: runs a kept syntax tree over the caller's JSON
//! by reference. Every case it is not sure to evaluate exactly as
//! `jsonata-rs` (an array where a path steps, an error, a function outside
//! the subset) is a [`Bail`], and the caller evaluates with `jsonata-rs`.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

use super::super::JsonataEnv;
use super::parse::{Lambda, Node, Op};

/// The fast path cannot evaluate this exactly: use `jsonata-rs`.
#[derive(Debug)]
pub(super) struct Bail;

pub(super) type Out<T> = Result<T, Bail>;

/// A value during evaluation. JSON from the caller is borrowed, so what
/// passes through comes out unchanged (as `jsonata-rs`'s origins do it).
#[derive(Clone)]
pub(super) enum V<'v> {
    Undefined,
    Json(&'v Value),
    /// A number the expression computed (a double, as in JSONata).
    Number(f64),
    Str(Rc<str>),
    Bool(bool),
    Null,
    /// An array the expression built (or a sequence of two or more items).
    Array(Rc<Vec<V<'v>>>),
    /// An object the expression built: its keys come out sorted.
    Object(Rc<Vec<(Rc<str>, V<'v>)>>),
    /// `$states`, whose members are the environment's.
    States,
    Lambda(Rc<Lambda>, Rc<Scope<'v>>),
}

/// The variables bound by `:=` and lambda parameters, innermost first.
pub(super) struct Scope<'v> {
    vars: RefCell<Vec<(Rc<str>, V<'v>)>>,
    parent: Option<Rc<Scope<'v>>>,
}

impl<'v> Scope<'v> {
    pub(super) fn root() -> Rc<Scope<'v>> {
        Rc::new(Scope { vars: RefCell::new(Vec::new()), parent: None })
    }

    fn child(parent: &Rc<Scope<'v>>) -> Rc<Scope<'v>> {
        Rc::new(Scope { vars: RefCell::new(Vec::new()), parent: Some(parent.clone()) })
    }

    fn bind(&self, name: &Rc<str>, value: V<'v>) {
        let mut vars = self.vars.borrow_mut();
        match vars.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => vars.push((name.clone(), value)),
        }
    }

    fn lookup(&self, name: &str) -> Option<V<'v>> {
        let mut scope = Some(self);
        while let Some(s) = scope {
            if let Some((_, v)) = s.vars.borrow().iter().find(|(n, _)| &**n == name) {
                return Some(v.clone());
            }
            scope = s.parent.as_deref();
        }
        None
    }
}

/// What an evaluation reads besides the tree: the environment and the
/// generator seeded for it.
pub(super) struct Eval<'e, 'v> {
    pub(super) env: &'e JsonataEnv<'v>,
    pub(super) rng: fastrand::Rng,
}

/// Names that are functions in `jsonata-rs`'s root scope (its own and the
/// ones this module binds); a function used as a value is outside the subset.
fn is_function_name(name: &str) -> bool {
    super::super::BUILTINS.contains(&name)
        || super::super::FUNCTIONS.iter().any(|(n, ..)| *n == name)
        || name.starts_with("__sfn_")
}

impl<'v> V<'v> {
    fn number(&self) -> Option<f64> {
        match self {
            V::Number(x) => Some(*x),
            // The same reading as the engine's input conversion.
            V::Json(Value::Number(n)) => n.as_str().parse().ok(),
            _ => None,
        }
    }

    fn string(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            V::Json(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    fn is_undefined(&self) -> bool {
        matches!(self, V::Undefined)
    }

    fn is_array(&self) -> bool {
        matches!(self, V::Array(_) | V::Json(Value::Array(_)))
    }

    /// The members of an array (`None` for anything else).
    fn members(&self) -> Option<Vec<V<'v>>> {
        match self {
            V::Array(items) => Some(items.as_ref().clone()),
            V::Json(Value::Array(items)) => Some(items.iter().map(V::Json).collect()),
            _ => None,
        }
    }

    /// A sequence as JSONata hands it on: nothing is undefined, one item is
    /// the item.
    fn sequence(mut items: Vec<V<'v>>) -> V<'v> {
        match items.len() {
            0 => V::Undefined,
            1 => items.pop().unwrap_or(V::Undefined),
            _ => V::Array(Rc::new(items)),
        }
    }
}

/// JSONata's truthiness (`jsonata-rs`'s `is_truthy`).
fn truthy(v: &V) -> bool {
    fn json(v: &Value) -> bool {
        match v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => !n.as_str().parse::<f64>().is_ok_and(|x| x == 0.0),
            Value::String(s) => !s.is_empty(),
            Value::Array(items) => match items.len() {
                0 => false,
                1 => json(&items[0]),
                _ => items.iter().any(json),
            },
            Value::Object(map) => !map.is_empty(),
        }
    }
    match v {
        V::Undefined | V::Null => false,
        V::Json(j) => json(j),
        V::Number(x) => *x != 0.0,
        V::Str(s) => !s.is_empty(),
        V::Bool(b) => *b,
        V::Array(items) => match items.len() {
            0 => false,
            1 => truthy(&items[0]),
            _ => items.iter().any(truthy),
        },
        V::Object(entries) => !entries.is_empty(),
        V::States => true,
        V::Lambda(..) => false,
    }
}

impl<'e, 'v> Eval<'e, 'v> {
    pub(super) fn eval(&mut self, node: &Node, scope: &Rc<Scope<'v>>) -> Out<V<'v>> {
        Ok(match node {
            Node::Number(x) => V::Number(*x),
            Node::Str(s) => V::Str(s.clone()),
            Node::Bool(b) => V::Bool(*b),
            Node::Null => V::Null,
            Node::Var(name) => self.var(name, scope)?,
            Node::Path(base, steps) => {
                let mut at = self.eval(base, scope)?;
                for step in steps {
                    // A path over an array maps and flattens: left to jsonata-rs.
                    if at.is_array() {
                        return Err(Bail);
                    }
                    at = self.member(&at, step);
                    if at.is_undefined() {
                        break;
                    }
                }
                at
            }
            Node::Index(base, n) => match self.eval(base, scope)? {
                V::Undefined => V::Undefined,
                array if array.is_array() => {
                    array.members().and_then(|mut m| (*n < m.len()).then(|| m.swap_remove(*n))).unwrap_or(V::Undefined)
                }
                single if *n == 0 => single,
                _ => V::Undefined,
            },
            Node::Call(name, args) => self.call(name, args, scope)?,
            Node::Lambda(l) => V::Lambda(l.clone(), scope.clone()),
            Node::Block(items) => {
                let inner = Scope::child(scope);
                let mut last = V::Undefined;
                for item in items {
                    last = self.eval(item, &inner)?;
                }
                last
            }
            Node::Bind(name, value) => {
                let v = self.eval(value, scope)?;
                scope.bind(name, v.clone());
                v
            }
            Node::Neg(operand) => match self.eval(operand, scope)? {
                V::Undefined => V::Undefined,
                v => V::Number(-finite(&v)?),
            },
            Node::Binary(op, left, right) => self.binary(*op, left, right, scope)?,
            Node::Cond(cond, then, otherwise) => {
                if truthy(&self.eval(cond, scope)?) {
                    self.eval(then, scope)?
                } else if let Some(otherwise) = otherwise {
                    self.eval(otherwise, scope)?
                } else {
                    V::Undefined
                }
            }
            Node::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let v = self.eval(item, scope)?;
                    if matches!(item, Node::Array(_)) {
                        // A nested constructor stays one member.
                        out.push(v);
                    } else if let Some(members) = v.members() {
                        out.extend(members);
                    } else if !v.is_undefined() {
                        out.push(v);
                    }
                }
                V::Array(Rc::new(out))
            }
            Node::Object(pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (key, value) in pairs {
                    let v = self.eval(value, scope)?;
                    if !v.is_undefined() {
                        out.push((key.clone(), v));
                    }
                }
                V::Object(Rc::new(out))
            }
        })
    }

    /// A lambda's body as `jsonata-rs` runs it for `$filter`: its parser
    /// turns a call in tail position into a thunk, and `$filter` tests the
    /// thunk (a function, so false) without running it.
    fn tail(&mut self, node: &Node, scope: &Rc<Scope<'v>>) -> Out<V<'v>> {
        match node {
            Node::Call(..) => Ok(V::Bool(false)),
            Node::Cond(cond, then, otherwise) => {
                if truthy(&self.eval(cond, scope)?) {
                    self.tail(then, scope)
                } else if let Some(otherwise) = otherwise {
                    self.tail(otherwise, scope)
                } else {
                    Ok(V::Undefined)
                }
            }
            Node::Block(items) => {
                let inner = Scope::child(scope);
                let Some((last, before)) = items.split_last() else { return Ok(V::Undefined) };
                for item in before {
                    self.eval(item, &inner)?;
                }
                self.tail(last, &inner)
            }
            _ => self.eval(node, scope),
        }
    }

    /// `$name`: a local binding, `$states`, a workflow variable, or nothing.
    fn var(&self, name: &str, scope: &Scope<'v>) -> Out<V<'v>> {
        if let Some(v) = scope.lookup(name) {
            return Ok(v);
        }
        if name == "states" {
            return Ok(V::States);
        }
        if let Some(v) = self.env.variables.get(name) {
            return Ok(V::Json(v));
        }
        if is_function_name(name) {
            return Err(Bail);
        }
        Ok(V::Undefined)
    }

    /// A field of an object (`jsonata-rs`'s lookup): nothing for other values.
    fn member(&self, v: &V<'v>, key: &str) -> V<'v> {
        match v {
            V::Json(Value::Object(map)) => map.get(key).map_or(V::Undefined, V::Json),
            V::Object(entries) => entries.iter().find(|(k, _)| &**k == key).map_or(V::Undefined, |(_, v)| v.clone()),
            V::States => {
                let env = self.env;
                match key {
                    "input" => V::Json(env.input),
                    "context" => V::Json(env.context),
                    "result" => env.result.map_or(V::Undefined, V::Json),
                    "errorOutput" => env.error_output.map_or(V::Undefined, V::Json),
                    _ => V::Undefined,
                }
            }
            _ => V::Undefined,
        }
    }

    fn binary(&mut self, op: Op, left: &Node, right: &Node, scope: &Rc<Scope<'v>>) -> Out<V<'v>> {
        let l = self.eval(left, scope)?;
        match op {
            Op::And => return Ok(V::Bool(truthy(&l) && truthy(&self.eval(right, scope)?))),
            Op::Or => return Ok(V::Bool(truthy(&l) || truthy(&self.eval(right, scope)?))),
            _ => {}
        }
        let r = self.eval(right, scope)?;
        Ok(match op {
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Rem => {
                if l.is_undefined() || r.is_undefined() {
                    // jsonata-rs checks the left side first: a bad left side
                    // with an undefined right is its error.
                    if !l.is_undefined() {
                        finite(&l)?;
                    }
                    return Ok(V::Undefined);
                }
                let (a, b) = (finite(&l)?, finite(&r)?);
                V::Number(match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => a / b,
                    _ => a % b,
                })
            }
            Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                if l.is_undefined() || r.is_undefined() {
                    return Ok(V::Undefined);
                }
                let order = if let (Some(a), Some(b)) = (l.number(), r.number()) {
                    a.partial_cmp(&b)
                } else if let (Some(a), Some(b)) = (l.string(), r.string()) {
                    Some(a.cmp(b))
                } else {
                    return Err(Bail);
                };
                use std::cmp::Ordering::*;
                V::Bool(match op {
                    Op::Lt => order == Some(Less),
                    Op::Le => matches!(order, Some(Less | Equal)),
                    Op::Gt => order == Some(Greater),
                    _ => matches!(order, Some(Greater | Equal)),
                })
            }
            Op::Eq | Op::Ne => {
                if l.is_undefined() || r.is_undefined() {
                    return Ok(V::Bool(false));
                }
                let same = equal(&l, &r)?;
                V::Bool(if op == Op::Eq { same } else { !same })
            }
            Op::Concat => {
                let mut out = String::new();
                for v in [&l, &r] {
                    match v {
                        V::Undefined => {}
                        v => out.push_str(v.string().ok_or(Bail)?),
                    }
                }
                V::Str(out.into())
            }
            // Short-circuited above.
            Op::And | Op::Or => V::Undefined,
        })
    }

    fn call(&mut self, name: &str, args: &[Node], scope: &Rc<Scope<'v>>) -> Out<V<'v>> {
        // A function bound by the expression or a variable of that name is
        // outside the subset; so is any function not below.
        if scope.lookup(name).is_some() || name == "states" || self.env.variables.contains_key(name) {
            return Err(Bail);
        }
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.eval(arg, scope)?);
        }
        let one = |values: &[V<'v>]| -> Out<V<'v>> {
            match values {
                [v] => Ok(v.clone()),
                _ => Err(Bail),
            }
        };
        Ok(match name {
            "exists" => V::Bool(!one(&values)?.is_undefined()),
            "lookup" => {
                let [object, key] = values.as_slice() else { return Err(Bail) };
                let key = key.string().ok_or(Bail)?;
                if object.is_array() {
                    return Err(Bail);
                }
                self.member(object, key)
            }
            "keys" => match one(&values)? {
                V::Json(Value::Object(map)) => V::sequence(map.keys().map(|k| V::Str(k.as_str().into())).collect()),
                V::Object(entries) => {
                    let mut keys: Vec<Rc<str>> = entries.iter().map(|(k, _)| k.clone()).collect();
                    keys.sort();
                    V::sequence(keys.into_iter().map(V::Str).collect())
                }
                V::States | V::Array(_) | V::Json(Value::Array(_)) => return Err(Bail),
                _ => V::Undefined,
            },
            "filter" => {
                let [items, function] = values.as_slice() else { return Err(Bail) };
                if items.is_undefined() {
                    return Ok(V::Undefined);
                }
                let V::Lambda(lambda, closure) = function else { return Err(Bail) };
                if lambda.params.len() > 2 {
                    return Err(Bail);
                }
                let items = items.members().unwrap_or_else(|| vec![items.clone()]);
                let mut kept = Vec::new();
                for (index, item) in items.into_iter().enumerate() {
                    let frame = Scope::child(closure);
                    if let Some(p) = lambda.params.first() {
                        frame.bind(p, item.clone());
                    }
                    if let Some(p) = lambda.params.get(1) {
                        frame.bind(p, V::Number(index as f64));
                    }
                    if truthy(&self.tail(&lambda.body, &frame)?) {
                        kept.push(item);
                    }
                }
                V::sequence(kept)
            }
            "toMillis" => match one(&values)? {
                V::Undefined => V::Undefined,
                v => match v.string().ok_or(Bail)? {
                    "" => V::Undefined,
                    s => V::Number(to_millis(s).ok_or(Bail)? as f64),
                },
            },
            "number" => match one(&values)? {
                V::Undefined => V::Undefined,
                v @ (V::Number(_) | V::Json(Value::Number(_))) => v,
                V::Bool(b) | V::Json(&Value::Bool(b)) => V::Number(if b { 1.0 } else { 0.0 }),
                v => {
                    let x: f64 = v.string().ok_or(Bail)?.parse().map_err(|_| Bail)?;
                    if x.is_finite() { V::Number(x) } else { V::Undefined }
                }
            },
            "max" | "min" => {
                let v = one(&values)?;
                let items = v.members().unwrap_or_else(|| vec![v.clone()]);
                if v.is_undefined() || items.is_empty() {
                    return Ok(V::Undefined);
                }
                let mut acc = if name == "max" { f64::MIN } else { f64::MAX };
                for item in &items {
                    let x = item.number().ok_or(Bail)?;
                    acc = if name == "max" { acc.max(x) } else { acc.min(x) };
                }
                V::Number(acc)
            }
            "ceil" | "floor" | "abs" => match one(&values)? {
                V::Undefined => V::Undefined,
                v => {
                    let x = v.number().ok_or(Bail)?;
                    V::Number(match name {
                        "ceil" => x.ceil(),
                        "floor" => x.floor(),
                        _ => x.abs(),
                    })
                }
            },
            "power" => {
                let [base, exponent] = values.as_slice() else { return Err(Bail) };
                if base.is_undefined() {
                    return Ok(V::Undefined);
                }
                let x = base.number().ok_or(Bail)?.powf(exponent.number().ok_or(Bail)?);
                if !x.is_finite() {
                    return Err(Bail);
                }
                V::Number(x)
            }
            "count" => match one(&values)? {
                V::Undefined => V::Number(0.0),
                v => V::Number(v.members().map_or(1, |m| m.len()) as f64),
            },
            // Step Functions' `$random()`, from the generator seeded for this evaluation.
            "random" if values.is_empty() => V::Number(self.rng.f64()),
            _ => return Err(Bail),
        })
    }
}

/// A number arithmetic accepts (`jsonata-rs`'s `is_valid_number`: not NaN,
/// not infinite).
fn finite(v: &V) -> Out<f64> {
    v.number().filter(|x| x.is_finite()).ok_or(Bail)
}

/// `=` between two defined values; arrays, objects and functions are left to
/// `jsonata-rs`.
fn equal(a: &V, b: &V) -> Out<bool> {
    let kind = |v: &V| match v {
        V::Null | V::Json(Value::Null) => Ok(0),
        V::Bool(_) | V::Json(Value::Bool(_)) => Ok(1),
        V::Number(_) | V::Json(Value::Number(_)) => Ok(2),
        V::Str(_) | V::Json(Value::String(_)) => Ok(3),
        _ => Err(Bail),
    };
    let (ka, kb) = (kind(a)?, kind(b)?);
    if ka != kb {
        return Ok(false);
    }
    Ok(match ka {
        0 => true,
        1 => {
            let flag = |v: &V| matches!(v, V::Bool(true) | V::Json(Value::Bool(true)));
            flag(a) == flag(b)
        }
        2 => a.number() == b.number(),
        _ => a.string() == b.string(),
    })
}

/// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (what
/// the executor writes); any other form is left to `jsonata-rs` (which also
/// reads dates alone, years alone and offsets). Sub-millisecond digits are
/// cut, as `chrono`'s `timestamp_millis` does.
fn to_millis(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let digits = |from: usize, to: usize| -> Option<i64> {
        let part = s.get(from..to)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (year, month, day) = (digits(0, 4)?, digits(5, 7)?, digits(8, 10)?);
    let (hour, minute, second) = (digits(11, 13)?, digits(14, 16)?, digits(17, 19)?);
    let rest = &s[19..];
    let fraction = match rest.strip_suffix('Z')? {
        "" => 0,
        f => {
            let f = f.strip_prefix('.')?;
            if f.is_empty() || f.len() > 9 || !f.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let padded = format!("{f:0<3}");
            padded[..3].parse::<i64>().ok()?
        }
    };
    if !(1..=12).contains(&month) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let date = jiff::civil::Date::new(i16::try_from(year).ok()?, month as i8, day as i8).ok()?;
    let days = i64::from(date.since(jiff::civil::date(1970, 1, 1)).ok()?.get_days());
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + fraction)
}

#[cfg(test)]
mod tests {
    use super::to_millis;

    #[test]
    fn to_millis_reads_the_executors_timestamps() {
        assert_eq!(to_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(to_millis("1970-01-01T00:00:00.001Z"), Some(1));
        assert_eq!(to_millis("2024-02-29T12:34:56.789123Z"), Some(1_709_210_096_789));
        assert_eq!(to_millis("1969-12-31T23:59:59.5Z"), Some(-500));
        assert_eq!(to_millis("2023-02-29T00:00:00Z"), None);
        assert_eq!(to_millis("2024-01-01T00:00:00+00:00"), None);
        assert_eq!(to_millis("2024-01-01"), None);
    }
}
