//! Intrinsic functions of the JSONPath query language: `States.Format(...)` and
//! friends, written as the value of a `.$` field.
//!
//! Parsing also makes the static checks that Step Functions makes when a state
//! machine is created, or whose failure at run time is certain: unknown names,
//! arity, literal argument types, `States.Format` placeholder counts.

use std::fmt;

use serde_json::Number;

use crate::asl::path::{Cursor, Escapes, Keyword, Path, SyntaxError};

/// A parsed intrinsic call. It keeps its text so that rendering writes back
/// exactly what the author wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intrinsic {
    text: String,
    call: Call,
}

/// One call: the function and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Which function.
    pub function: Function,
    /// The arguments, in order.
    pub args: Vec<Arg>,
}

/// An argument of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// `'text'`, unescaped (`\'`, `\{`, `\}`, `\\` and any other `\x` stand for the
    /// character after the backslash).
    String(String),
    /// `12`, `-1.5`, `1e3`, with arbitrary precision: no digit is lost.
    Number(Number),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `$.a`, `$$.Execution.Id`, `$var`.
    Path(Path),
    /// A nested call.
    Call(Call),
}

/// The intrinsic functions Step Functions defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    /// `States.Format`
    Format,
    /// `States.StringToJson`
    StringToJson,
    /// `States.JsonToString`
    JsonToString,
    /// `States.Array`
    Array,
    /// `States.ArrayPartition`
    ArrayPartition,
    /// `States.ArrayContains`
    ArrayContains,
    /// `States.ArrayRange`
    ArrayRange,
    /// `States.ArrayGetItem`
    ArrayGetItem,
    /// `States.ArrayLength`
    ArrayLength,
    /// `States.ArrayUnique`
    ArrayUnique,
    /// `States.Base64Encode`
    Base64Encode,
    /// `States.Base64Decode`
    Base64Decode,
    /// `States.Hash`
    Hash,
    /// `States.JsonMerge`
    JsonMerge,
    /// `States.MathRandom`
    MathRandom,
    /// `States.MathAdd`
    MathAdd,
    /// `States.StringSplit`
    StringSplit,
    /// `States.UUID`
    Uuid,
}

/// The algorithms `States.Hash` accepts.
const HASH_ALGORITHMS: &[&str] = &["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// The most items `States.ArrayRange` may produce.
const MAX_RANGE_ITEMS: i128 = 1000;

impl Function {
    /// Every function, in declaration order.
    pub const ALL: &'static [Function] = &[
        Function::Format,
        Function::StringToJson,
        Function::JsonToString,
        Function::Array,
        Function::ArrayPartition,
        Function::ArrayContains,
        Function::ArrayRange,
        Function::ArrayGetItem,
        Function::ArrayLength,
        Function::ArrayUnique,
        Function::Base64Encode,
        Function::Base64Decode,
        Function::Hash,
        Function::JsonMerge,
        Function::MathRandom,
        Function::MathAdd,
        Function::StringSplit,
        Function::Uuid,
    ];

    /// The name as written in a definition, `States.` included.
    pub fn name(self) -> &'static str {
        match self {
            Function::Format => "States.Format",
            Function::StringToJson => "States.StringToJson",
            Function::JsonToString => "States.JsonToString",
            Function::Array => "States.Array",
            Function::ArrayPartition => "States.ArrayPartition",
            Function::ArrayContains => "States.ArrayContains",
            Function::ArrayRange => "States.ArrayRange",
            Function::ArrayGetItem => "States.ArrayGetItem",
            Function::ArrayLength => "States.ArrayLength",
            Function::ArrayUnique => "States.ArrayUnique",
            Function::Base64Encode => "States.Base64Encode",
            Function::Base64Decode => "States.Base64Decode",
            Function::Hash => "States.Hash",
            Function::JsonMerge => "States.JsonMerge",
            Function::MathRandom => "States.MathRandom",
            Function::MathAdd => "States.MathAdd",
            Function::StringSplit => "States.StringSplit",
            Function::Uuid => "States.UUID",
        }
    }

    /// Looks a function up by its full name (`States.Format`); case-sensitive, as AWS is.
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The fewest and most arguments.
    fn arity(self) -> (usize, usize) {
        use Function::*;
        match self {
            Format => (1, usize::MAX),
            Array => (0, usize::MAX),
            Uuid => (0, 0),
            StringToJson | JsonToString | ArrayLength | ArrayUnique | Base64Encode | Base64Decode => (1, 1),
            ArrayPartition | ArrayContains | ArrayGetItem | Hash | MathAdd | StringSplit => (2, 2),
            MathRandom => (2, 3),
            ArrayRange | JsonMerge => (3, 3),
        }
    }

    /// What a literal in argument `index` must be.
    fn param(self, index: usize) -> Param {
        use Function::*;
        match (self, index) {
            (Format, 0) | (StringToJson | Base64Encode | Base64Decode | StringSplit, _) => Param::String,
            (ArrayPartition | ArrayContains | ArrayGetItem | ArrayLength | ArrayUnique, 0) => Param::Array,
            (ArrayPartition, 1) => Param::PositiveInteger,
            (ArrayGetItem, 1) | (ArrayRange | MathRandom, _) => Param::Integer,
            (MathAdd, _) => Param::Number,
            (Hash, 1) => Param::HashAlgorithm,
            (JsonMerge, 0 | 1) => Param::Object,
            (JsonMerge, 2) => Param::False,
            _ => Param::Any,
        }
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a literal argument must be. Paths and nested calls are not checked:
/// their values are only known at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Param {
    Any,
    String,
    Number,
    Integer,
    PositiveInteger,
    /// No literal is an array, so any literal fails.
    Array,
    /// No literal is an object, so any literal fails.
    Object,
    /// `States.JsonMerge` only does shallow merges.
    False,
    HashAlgorithm,
}

impl Param {
    fn accepts(self, arg: &Arg) -> bool {
        match self {
            Param::Any => true,
            Param::String => matches!(arg, Arg::String(_)),
            Param::Number => matches!(arg, Arg::Number(_)),
            Param::Integer => integer(arg).is_some(),
            Param::PositiveInteger => integer(arg).is_some_and(|n| n > 0),
            Param::Array | Param::Object => false,
            Param::False => matches!(arg, Arg::Bool(false)),
            Param::HashAlgorithm => {
                matches!(arg, Arg::String(s) if HASH_ALGORITHMS.contains(&s.as_str()))
            }
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Param::Any => "any value",
            Param::String => "a string",
            Param::Number => "a number",
            Param::Integer => "an integer",
            Param::PositiveInteger => "a positive integer",
            Param::Array => "an array (a path or a call that returns one)",
            Param::Object => "an object (a path or a call that returns one)",
            Param::False => "`false` (Step Functions only does shallow merges)",
            Param::HashAlgorithm => "one of MD5, SHA-1, SHA-256, SHA-384, SHA-512",
        }
    }
}

impl Intrinsic {
    /// Parses one call that spans the whole text: no spaces may surround it.
    pub fn parse(text: &str) -> Result<Intrinsic, SyntaxError> {
        let mut cursor = Cursor::new(text);
        let call = call(&mut cursor)?;
        if cursor.peek().is_some() {
            return Err(cursor.unexpected("the end of the text after the call"));
        }
        Ok(Intrinsic { text: text.to_owned(), call })
    }

    /// Whether a `.$` value is meant as an intrinsic call rather than a path, so
    /// that the caller reports the right kind of error for it.
    pub fn looks_like(text: &str) -> bool {
        text.starts_with("States.")
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The outermost call.
    pub fn call(&self) -> &Call {
        &self.call
    }
}

impl fmt::Display for Intrinsic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Where an argument is in the text, for error offsets.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

/// `States.Name(arg, ...)` at the cursor, checked.
fn call(cursor: &mut Cursor<'_>) -> Result<Call, SyntaxError> {
    cursor.enter()?;
    let function = function_name(cursor)?;
    cursor.skip_ws();
    if !cursor.eat(b'(') {
        return Err(cursor.unexpected("`(` after the function name"));
    }
    let mut args = Vec::new();
    let mut spans = Vec::new();
    cursor.skip_ws();
    if !cursor.eat(b')') {
        loop {
            cursor.skip_ws();
            let start = cursor.pos;
            args.push(arg(cursor)?);
            spans.push(Span { start, end: cursor.pos });
            cursor.skip_ws();
            if cursor.eat(b')') {
                break;
            }
            if !cursor.eat(b',') {
                return Err(cursor.unexpected("`,` or `)` after the argument"));
            }
        }
    }
    let close = cursor.pos.saturating_sub(1);
    let call = Call { function, args };
    check(cursor.text(), &call, &spans, close)?;
    cursor.leave();
    Ok(call)
}

fn function_name(cursor: &mut Cursor<'_>) -> Result<Function, SyntaxError> {
    let start = cursor.pos;
    if !cursor.eat_str("States.") {
        return Err(cursor.unexpected("an intrinsic function such as `States.Format(...)`"));
    }
    let end = cursor.word_end();
    if end == cursor.pos {
        return Err(cursor.unexpected("a function name after `States.`"));
    }
    let name = cursor.slice(start, end);
    let function =
        Function::from_name(name).ok_or_else(|| cursor.error(start, format!("unknown intrinsic function `{name}`")))?;
    cursor.pos = end;
    Ok(function)
}

fn arg(cursor: &mut Cursor<'_>) -> Result<Arg, SyntaxError> {
    match cursor.peek() {
        Some(b'\'') => Ok(Arg::String(cursor.string(Escapes::Verbatim)?)),
        Some(b'-' | b'0'..=b'9') => Ok(Arg::Number(cursor.number()?)),
        Some(b'$') => Ok(Arg::Path(cursor.path()?)),
        Some(b'"') => Err(cursor.error(cursor.pos, "strings in intrinsic functions are written in single quotes")),
        Some(b'S') if cursor.rest().starts_with("States.") => Ok(Arg::Call(call(cursor)?)),
        _ => match cursor.keyword() {
            Some(Keyword::True) => Ok(Arg::Bool(true)),
            Some(Keyword::False) => Ok(Arg::Bool(false)),
            Some(Keyword::Null) => Ok(Arg::Null),
            None => Err(cursor.unexpected(
                "an argument: a string in single quotes, a number, `true`, `false`, `null`, \
                 a path or an intrinsic function",
            )),
        },
    }
}

/// The static checks of one call; `close` is the offset of its `)`.
fn check(text: &str, call: &Call, spans: &[Span], close: usize) -> Result<(), SyntaxError> {
    check_arity(call, spans, close)?;
    let function = call.function;
    for (index, (arg, span)) in call.args.iter().zip(spans).enumerate() {
        let param = function.param(index);
        if !matches!(arg, Arg::Path(_) | Arg::Call(_)) && !param.accepts(arg) {
            return Err(SyntaxError::new(
                span.start,
                format!(
                    "the {} argument of `{function}` must be {}, found {}",
                    ordinal(index),
                    param.describe(),
                    describe(arg)
                ),
            ));
        }
    }
    match function {
        Function::Format => check_format(text, call, spans),
        Function::ArrayRange => check_range(call, spans),
        _ => Ok(()),
    }
}

fn check_arity(call: &Call, spans: &[Span], close: usize) -> Result<(), SyntaxError> {
    let (min, max) = call.function.arity();
    let found = call.args.len();
    let offset = match spans.get(max) {
        Some(extra) => extra.start,
        None if found < min => close,
        None => return Ok(()),
    };
    let takes = match (min, max) {
        (min, usize::MAX) => format!("at least {min} argument{}", plural(min)),
        (min, max) if min == max => format!("{min} argument{}", plural(min)),
        (min, max) => format!("{min} or {max} arguments"),
    };
    Err(SyntaxError::new(offset, format!("`{}` takes {takes}, found {found}", call.function)))
}

/// A literal template's `{}` count must match the values after it.
fn check_format(text: &str, call: &Call, spans: &[Span]) -> Result<(), SyntaxError> {
    let (Some(Arg::String(_)), Some(span)) = (call.args.first(), spans.first()) else {
        return Ok(());
    };
    let raw = text.get(span.start + 1..span.end.saturating_sub(1)).unwrap_or_default();
    let placeholders = count_placeholders(raw);
    let values = call.args.len() - 1;
    if placeholders == values {
        return Ok(());
    }
    Err(SyntaxError::new(
        span.start,
        format!(
            "the template has {placeholders} `{{}}` placeholder{} but {values} value{} follow{} it",
            plural(placeholders),
            plural(values),
            if values == 1 { "s" } else { "" },
        ),
    ))
}

/// Unescaped `{}` pairs in a template as written (escapes not yet removed).
fn count_placeholders(raw: &str) -> usize {
    let mut count = 0;
    let mut bytes = raw.bytes().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            b'\\' => {
                bytes.next();
            }
            b'{' if bytes.peek() == Some(&b'}') => {
                bytes.next();
                count += 1;
            }
            _ => {}
        }
    }
    count
}

/// A literal range must have a non-zero step and at most 1000 items.
fn check_range(call: &Call, spans: &[Span]) -> Result<(), SyntaxError> {
    let offset = |index: usize| spans.get(index).map_or(0, |span| span.start);
    let [start, end, step] = [0, 1, 2].map(|index| call.args.get(index).and_then(integer));
    if step == Some(0) {
        return Err(SyntaxError::new(offset(2), "the step of `States.ArrayRange` must not be 0"));
    }
    let (Some(start), Some(end), Some(step)) = (start, end, step) else {
        return Ok(());
    };
    let (start, end, step) = (i128::from(start), i128::from(end), i128::from(step));
    let items = if (end - start) * step.signum() < 0 { 0 } else { (end - start) / step + 1 };
    if items <= MAX_RANGE_ITEMS {
        return Ok(());
    }
    Err(SyntaxError::new(
        offset(0),
        format!(
            "`States.ArrayRange` returns at most {MAX_RANGE_ITEMS} items; \
             this call would return {items}"
        ),
    ))
}

/// The value of an integer literal that fits in 64 bits.
fn integer(arg: &Arg) -> Option<i64> {
    match arg {
        Arg::Number(n) => n.as_i64(),
        _ => None,
    }
}

fn describe(arg: &Arg) -> String {
    match arg {
        Arg::String(s) => format!("the string '{s}'"),
        Arg::Number(n) => format!("the number {n}"),
        Arg::Bool(b) => format!("`{b}`"),
        Arg::Null => "`null`".to_owned(),
        Arg::Path(_) => "a path".to_owned(),
        Arg::Call(_) => "a call".to_owned(),
    }
}

fn ordinal(index: usize) -> String {
    match index {
        0 => "first".to_owned(),
        1 => "second".to_owned(),
        2 => "third".to_owned(),
        n => format!("{}th", n + 1),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
