//! The path parser: a cursor over the bytes of a path, with the lexing that
//! intrinsic function calls share (quoted strings, numbers, literals).

use std::sync::OnceLock;

use serde_json::{Number, Value};

use super::{CompareOp, Filter, FilterOperand, MAX_NESTING, Path, Root, Segment, Selector, SyntaxError};

/// The zero-argument Jayway functions that may end a path.
const FUNCTIONS: &[&str] = &["length", "size", "min", "max", "avg", "stddev", "sum", "keys", "first", "last"];

/// Which characters end a dot name: inside a filter the comparison and logical
/// operator characters do too, so that `@.price<10` splits where Jayway splits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Names {
    Path,
    Filter,
}

fn is_name_byte(byte: u8, names: Names) -> bool {
    match byte {
        0..=0x20 | 0x7f => false,
        b'.' | b'[' | b']' | b'(' | b')' | b'\'' | b'"' | b',' | b'*' | b'@' | b'?' | b':' | b'$' => false,
        b'<' | b'>' | b'=' | b'~' | b'!' | b'&' | b'|' => names == Names::Path,
        _ => true,
    }
}

/// A byte of a variable or function name: ASCII letters, digits and `_`, and
/// any byte of a non-ASCII character (variable names are Unicode identifiers).
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// How backslash escapes in a quoted string are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escapes {
    /// Jayway's: `\n \r \t \b \f \uXXXX`, and any other escaped character stands for itself.
    JsonPath,
    /// Intrinsic functions': any escaped character stands for itself (`\'`, `\{`, `\}`, `\\`).
    Verbatim,
}

/// The bare words a literal may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    True,
    False,
    Null,
}

impl Keyword {
    fn value(self) -> Value {
        match self {
            Keyword::True => Value::Bool(true),
            Keyword::False => Value::Bool(false),
            Keyword::Null => Value::Null,
        }
    }
}

/// A position in a text being parsed, with the lexing shared by paths and
/// intrinsic calls. Positions only ever land on character boundaries.
pub(crate) struct Cursor<'t> {
    text: &'t str,
    pub(crate) pos: usize,
    depth: usize,
    /// Whether to build what is parsed, or only check it (no names or segments
    /// are allocated then).
    build: bool,
    /// The first top-level segment of the last path that selects more than one node.
    pub(super) non_reference: Option<(usize, &'static str)>,
}

impl<'t> Cursor<'t> {
    pub(crate) fn new(text: &'t str) -> Cursor<'t> {
        Cursor { text, pos: 0, depth: 0, build: true, non_reference: None }
    }

    pub(crate) fn text(&self) -> &'t str {
        self.text
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.text.as_bytes().get(self.pos.saturating_add(ahead)).copied()
    }

    /// The text from the cursor on.
    pub(crate) fn rest(&self) -> &'t str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    /// `text[start..end]`, or `""` if that is not a valid slice (it always is).
    pub(crate) fn slice(&self, start: usize, end: usize) -> &'t str {
        self.text.get(start..end).unwrap_or_default()
    }

    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    pub(crate) fn eat_str(&mut self, s: &str) -> bool {
        let found = self.rest().starts_with(s);
        if found {
            self.pos += s.len();
        }
        found
    }

    pub(crate) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The end of the run of name characters starting at the cursor.
    pub(crate) fn word_end(&self) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = self.pos;
        while bytes.get(end).copied().is_some_and(is_word_byte) {
            end += 1;
        }
        end
    }

    /// `s` as a `String` when building, else an empty one (no allocation).
    fn owned(&self, s: &str) -> String {
        if self.build { s.to_owned() } else { String::new() }
    }

    pub(crate) fn error(&self, offset: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError::new(offset, message)
    }

    /// "expected X, found Y" at the cursor.
    pub(crate) fn unexpected(&self, expected: &str) -> SyntaxError {
        let found = match self.rest().chars().next() {
            None => "the end of the text".to_owned(),
            Some(' ') => "a space".to_owned(),
            Some(c) => format!("`{}`", c.escape_debug()),
        };
        self.error(self.pos, format!("expected {expected}, found {found}"))
    }

    pub(crate) fn expect_end(&self) -> Result<(), SyntaxError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.unexpected("`.`, `[` or the end of the path")),
        }
    }

    /// Goes one nesting level deeper, refusing to pass [`MAX_NESTING`].
    pub(crate) fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error(self.pos, format!("nesting is deeper than {MAX_NESTING} levels")));
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A quoted string starting at the cursor (on its opening quote), unescaped.
    pub(crate) fn string(&mut self, escapes: Escapes) -> Result<String, SyntaxError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let quote = self.peek();
        let mut out = String::new();
        let mut run = start + 1;
        let mut i = run;
        while let Some(&byte) = bytes.get(i) {
            if Some(byte) == quote {
                if self.build {
                    out.push_str(self.slice(run, i));
                }
                self.pos = i + 1;
                return Ok(out);
            }
            if byte == b'\\' {
                let (c, next) = self.escape(start, i, escapes)?;
                if self.build {
                    out.push_str(self.slice(run, i));
                    out.push(c);
                }
                i = next;
                run = next;
            } else {
                i += 1;
            }
        }
        Err(self.error(start, "the string is not closed"))
    }

    /// The character an escape at `at` (a backslash) stands for, and the offset after it.
    fn escape(&self, start: usize, at: usize, escapes: Escapes) -> Result<(char, usize), SyntaxError> {
        let Some(c) = self.text.get(at + 1..).and_then(|s| s.chars().next()) else {
            return Err(self.error(start, "the string is not closed"));
        };
        let next = at + 1 + c.len_utf8();
        let c = match (escapes, c) {
            (Escapes::Verbatim, c) => c,
            (Escapes::JsonPath, 'n') => '\n',
            (Escapes::JsonPath, 'r') => '\r',
            (Escapes::JsonPath, 't') => '\t',
            (Escapes::JsonPath, 'b') => '\u{8}',
            (Escapes::JsonPath, 'f') => '\u{c}',
            (Escapes::JsonPath, 'u') => return self.unicode_escape(at),
            (Escapes::JsonPath, c) => c,
        };
        Ok((c, next))
    }

    /// `\uXXXX`, or a `\uD83D\uDE00` surrogate pair.
    fn unicode_escape(&self, at: usize) -> Result<(char, usize), SyntaxError> {
        let invalid = || self.error(at, "expected four hex digits of a valid character after `\\u`");
        let high = self.hex4(at + 2).ok_or_else(invalid)?;
        let (code, next) = if (0xD800..0xDC00).contains(&high) {
            let low = self
                .text
                .get(at + 6..)
                .filter(|s| s.starts_with("\\u"))
                .and_then(|_| self.hex4(at + 8))
                .filter(|low| (0xDC00..0xE000).contains(low))
                .ok_or_else(invalid)?;
            (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), at + 12)
        } else {
            (high, at + 6)
        };
        char::from_u32(code).map(|c| (c, next)).ok_or_else(invalid)
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.text.get(at..at.checked_add(4)?)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }

    /// A JSON number at the cursor: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    pub(crate) fn number(&mut self) -> Result<Number, SyntaxError> {
        let start = self.pos;
        let end = self.number_end()?;
        let number = self.slice(start, end).parse::<Number>();
        self.pos = end;
        number.map_err(|_| self.error(start, "malformed number"))
    }

    /// Where the JSON number at the cursor ends, or why it is malformed.
    fn number_end(&self) -> Result<usize, SyntaxError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let digits_from = |i: usize| {
            let mut end = i;
            while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            end
        };
        let int_start = start + usize::from(bytes.get(start) == Some(&b'-'));
        let mut i = digits_from(int_start);
        if i == int_start {
            return Err(self.error(int_start, "expected a digit in the number"));
        }
        if i - int_start > 1 && bytes.get(int_start) == Some(&b'0') {
            return Err(self.error(start, "a number cannot start with `0` followed by digits"));
        }
        if bytes.get(i) == Some(&b'.') {
            let fraction = digits_from(i + 1);
            if fraction == i + 1 {
                return Err(self.error(i + 1, "expected a digit after the decimal point"));
            }
            i = fraction;
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            let sign = i + 1 + usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
            i = digits_from(sign);
            if i == sign {
                return Err(self.error(sign, "expected a digit in the exponent"));
            }
        }
        if bytes.get(i).is_some_and(|&b| is_word_byte(b) || b == b'.') {
            return Err(self.error(start, "malformed number"));
        }
        Ok(i)
    }

    /// `true`, `false` or `null` at the cursor, consumed only if it is one of those.
    pub(crate) fn keyword(&mut self) -> Option<Keyword> {
        let end = self.word_end();
        let keyword = match self.slice(self.pos, end) {
            "true" => Keyword::True,
            "false" => Keyword::False,
            "null" => Keyword::Null,
            _ => return None,
        };
        self.pos = end;
        Some(keyword)
    }

    /// A path starting at the cursor. It ends before the first character that
    /// cannot continue it, so callers decide what may follow. Its segments are
    /// checked here and built later, on demand.
    #[inline(always)]
    pub(crate) fn path(&mut self) -> Result<Path, SyntaxError> {
        let start = self.pos;
        let build = std::mem::replace(&mut self.build, false);
        self.non_reference = None;
        let checked = self.root().and_then(|root| self.segments(Names::Path).map(|_| root));
        self.build = build;
        Ok(Path {
            root: checked?,
            text: self.slice(start, self.pos).to_owned(),
            reference: self.non_reference.is_none(),
            segments: OnceLock::new(),
        })
    }

    #[inline(always)]
    pub(super) fn root(&mut self) -> Result<Root, SyntaxError> {
        if !self.eat(b'$') {
            return Err(self.error(self.pos, "a path starts with `$`"));
        }
        if self.eat(b'$') {
            return Ok(Root::Context);
        }
        if !self.peek().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80) {
            return Ok(Root::Input);
        }
        let end = self.word_end();
        let name = self.slice(self.pos, end).to_owned();
        self.pos = end;
        Ok(Root::Variable(name))
    }

    pub(super) fn segments(&mut self, names: Names) -> Result<Vec<Segment>, SyntaxError> {
        let mut segments = Vec::new();
        if !self.build {
            self.skip_plain_segments(names);
        }
        loop {
            let start = self.pos;
            let segment = match self.peek() {
                Some(b'.') => self.dot(names)?,
                Some(b'[') => self.bracket()?,
                _ => return Ok(segments),
            };
            if names == Names::Path && self.non_reference.is_none() && !segment.selects_one() {
                self.non_reference = Some((start, segment.what()));
            }
            let is_function = matches!(segment, Segment::Function(_));
            if self.build {
                segments.push(segment);
            }
            if is_function {
                if matches!(self.peek(), Some(b'.' | b'[')) {
                    return Err(self.error(self.pos, "a function such as `length()` must end the path"));
                }
                return Ok(segments);
            }
        }
    }

    /// Checking only, skips the `.name` and `[0]` segments that make up most
    /// paths in a tight loop. It stops before anything else, where the general
    /// parser takes over, so both accept and reject exactly the same text.
    fn skip_plain_segments(&mut self, names: Names) {
        let bytes = self.text.as_bytes();
        loop {
            let next = match self.peek() {
                Some(b'.') => {
                    let end = self.name_end(self.pos + 1, names);
                    let plain = end > self.pos + 1 && bytes.get(end) != Some(&b'(');
                    plain.then_some(end)
                }
                Some(b'[') => {
                    let digits = self.pos + 1 + usize::from(self.peek_at(1) == Some(b'-'));
                    let mut end = digits;
                    while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                        end += 1;
                    }
                    // Up to 18 digits always fit in an i64.
                    let plain = (digits + 1..=digits + 18).contains(&end) && bytes.get(end) == Some(&b']');
                    plain.then_some(end + 1)
                }
                _ => None,
            };
            match next {
                Some(end) => self.pos = end,
                None => return,
            }
        }
    }

    /// `.name`, `.*`, `.[...]`, `.fn()` or `..x`.
    #[inline(always)]
    fn dot(&mut self, names: Names) -> Result<Segment, SyntaxError> {
        self.pos += 1;
        let descendant = self.eat(b'.');
        let segment = match self.peek() {
            Some(b'*') => {
                self.pos += 1;
                Segment::Wildcard
            }
            Some(b'[') => self.bracket()?,
            _ => self.member(names, descendant)?,
        };
        Ok(if descendant { Segment::Descendant(Box::new(segment)) } else { segment })
    }

    #[inline(always)]
    fn member(&mut self, names: Names, descendant: bool) -> Result<Segment, SyntaxError> {
        let start = self.pos;
        let end = self.name_end(start, names);
        if end == start {
            let after = if descendant { "`..`" } else { "`.`" };
            return Err(self.unexpected(&format!("a name, `*` or `[` after {after}")));
        }
        let name = self.slice(start, end);
        self.pos = end;
        if self.peek() != Some(b'(') {
            return Ok(Segment::Field(self.owned(name)));
        }
        if descendant {
            return Err(self.error(start, "a function cannot follow `..`"));
        }
        if !FUNCTIONS.contains(&name) {
            return Err(self.error(
                start,
                format!(
                    "unknown function `{name}()`: the supported ones are length(), size(), min(), \
                     max(), avg(), stddev(), sum(), keys(), first() and last()"
                ),
            ));
        }
        self.pos += 1;
        self.skip_ws();
        if !self.eat(b')') {
            return Err(self.unexpected(&format!("`)`: `{name}()` takes no arguments")));
        }
        Ok(Segment::Function(self.owned(name)))
    }

    /// The end of the dot name starting at `start`.
    #[inline(always)]
    fn name_end(&self, start: usize, names: Names) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = start;
        while let Some(&byte) = bytes.get(end) {
            if byte.is_ascii() {
                if !is_name_byte(byte, names) {
                    break;
                }
                end += 1;
            } else {
                match self.text.get(end..).and_then(|s| s.chars().next()) {
                    Some(c) if !c.is_control() => end += c.len_utf8(),
                    _ => break,
                }
            }
        }
        end
    }

    /// `[...]`: names, indexes, a slice, `*` or a filter.
    fn bracket(&mut self) -> Result<Segment, SyntaxError> {
        self.enter()?;
        self.pos += 1;
        self.skip_ws();
        let segment = match self.peek() {
            Some(b'\'' | b'"') => self.names()?,
            Some(b'-' | b':' | b'0'..=b'9') => self.indexes()?,
            Some(b'*') => {
                self.pos += 1;
                self.close_bracket("`]` after `*`")?;
                Segment::Wildcard
            }
            Some(b'?') => self.filter()?,
            _ => {
                return Err(self.unexpected("a quoted name, an index, a slice, `*` or `?(` after `[`"));
            }
        };
        self.leave();
        Ok(segment)
    }

    fn close_bracket(&mut self, expected: &str) -> Result<(), SyntaxError> {
        self.skip_ws();
        if self.eat(b']') { Ok(()) } else { Err(self.unexpected(expected)) }
    }

    /// `['a']` or `['a', "b"]`.
    fn names(&mut self) -> Result<Segment, SyntaxError> {
        let first = self.string(Escapes::JsonPath)?;
        self.skip_ws();
        if self.peek() != Some(b',') {
            self.close_bracket("`,` or `]` after the name")?;
            return Ok(Segment::Field(first));
        }
        let mut selectors = vec![Selector::Name(first)];
        while self.eat(b',') {
            self.skip_ws();
            match self.peek() {
                Some(b'\'' | b'"') => selectors.push(Selector::Name(self.string(Escapes::JsonPath)?)),
                Some(b'-' | b'0'..=b'9') => {
                    return Err(self.error(self.pos, "a union cannot mix names and indexes"));
                }
                _ => return Err(self.unexpected("a quoted name after `,`")),
            }
            self.skip_ws();
        }
        self.close_bracket("`,` or `]` after the name")?;
        Ok(Segment::Union(selectors))
    }

    /// `[0]`, `[0, 1]` or a slice.
    fn indexes(&mut self) -> Result<Segment, SyntaxError> {
        let first = self.index()?;
        self.skip_ws();
        if self.eat(b':') {
            return self.slice_rest(first);
        }
        let Some(first) = first else {
            return Err(self.unexpected("an index"));
        };
        if self.peek() != Some(b',') {
            self.close_bracket("`:`, `,` or `]` after the index")?;
            return Ok(Segment::Index(first));
        }
        let mut selectors = vec![Selector::Index(first)];
        while self.eat(b',') {
            self.skip_ws();
            if matches!(self.peek(), Some(b'\'' | b'"')) {
                return Err(self.error(self.pos, "a union cannot mix names and indexes"));
            }
            match self.index()? {
                Some(index) => selectors.push(Selector::Index(index)),
                None => return Err(self.unexpected("an index after `,`")),
            }
            self.skip_ws();
        }
        self.close_bracket("`,` or `]` after the index")?;
        Ok(Segment::Union(selectors))
    }

    /// The rest of a slice after its first `:`.
    fn slice_rest(&mut self, start: Option<i64>) -> Result<Segment, SyntaxError> {
        self.skip_ws();
        let end = self.index()?;
        self.skip_ws();
        let mut step = None;
        if self.eat(b':') {
            self.skip_ws();
            step = self.index()?;
        }
        self.close_bracket("`]` after the slice")?;
        Ok(Segment::Slice { start, end, step })
    }

    /// An optional integer `-?[0-9]+`.
    fn index(&mut self) -> Result<Option<i64>, SyntaxError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let negative = bytes.get(start) == Some(&b'-');
        let mut i = start + usize::from(negative);
        let digits = i;
        let mut value: i64 = 0;
        while let Some(digit) = bytes.get(i).filter(|b| b.is_ascii_digit()).map(|b| i64::from(b - b'0')) {
            value = value
                .checked_mul(10)
                .and_then(|v| if negative { v.checked_sub(digit) } else { v.checked_add(digit) })
                .ok_or_else(|| self.error(start, "the index does not fit in 64 bits"))?;
            i += 1;
        }
        if i == digits {
            return if negative { Err(self.error(i, "expected a digit after `-`")) } else { Ok(None) };
        }
        self.pos = i;
        Ok(Some(value))
    }

    /// `?( expr )` inside brackets.
    fn filter(&mut self) -> Result<Segment, SyntaxError> {
        self.pos += 1;
        self.skip_ws();
        if !self.eat(b'(') {
            return Err(self.unexpected("`(` after `?` (filters are written `[?(...)]`)"));
        }
        let filter = self.or_expr()?;
        self.skip_ws();
        if !self.eat(b')') {
            return Err(self.unexpected("an operator or `)` in the filter"));
        }
        self.close_bracket("`]` after the filter")?;
        Ok(Segment::Filter(Box::new(filter)))
    }

    fn or_expr(&mut self) -> Result<Filter, SyntaxError> {
        self.chain(b"||", Cursor::and_expr, Filter::Or)
    }

    fn and_expr(&mut self) -> Result<Filter, SyntaxError> {
        self.chain(b"&&", Cursor::unary, Filter::And)
    }

    /// `operand (op operand)*`, left-associative. Each operator is a nesting
    /// level, as the tree it builds is that deep.
    fn chain(
        &mut self,
        op: &[u8; 2],
        operand: fn(&mut Self) -> Result<Filter, SyntaxError>,
        combine: fn(Box<Filter>, Box<Filter>) -> Filter,
    ) -> Result<Filter, SyntaxError> {
        let depth = self.depth;
        let mut left = operand(self)?;
        loop {
            self.skip_ws();
            if self.peek() != Some(op[0]) || self.peek_at(1) != Some(op[1]) {
                break;
            }
            self.enter()?;
            self.pos += 2;
            let right = operand(self)?;
            left = combine(Box::new(left), Box::new(right));
        }
        self.depth = depth;
        Ok(left)
    }

    /// `!x`, `( expr )` or a comparison.
    fn unary(&mut self) -> Result<Filter, SyntaxError> {
        self.skip_ws();
        match self.peek() {
            Some(b'!') => {
                self.enter()?;
                self.pos += 1;
                let inner = self.unary()?;
                self.leave();
                Ok(Filter::Not(Box::new(inner)))
            }
            Some(b'(') => {
                self.enter()?;
                self.pos += 1;
                let inner = self.or_expr()?;
                self.skip_ws();
                if !self.eat(b')') {
                    return Err(self.unexpected("an operator or `)`"));
                }
                self.leave();
                Ok(inner)
            }
            _ => self.comparison(),
        }
    }

    /// `operand op operand`, or a lone path (an existence test).
    fn comparison(&mut self) -> Result<Filter, SyntaxError> {
        let start = self.pos;
        let left = self.operand(false)?;
        self.skip_ws();
        let Some(op) = self.compare_op()? else {
            return match left {
                FilterOperand::Current(_) | FilterOperand::Root(_) => Ok(Filter::Exists(left)),
                _ => {
                    Err(self.error(start, "a value alone is not a condition: compare it with an operator such as `==`"))
                }
            };
        };
        self.skip_ws();
        let right_start = self.pos;
        let right = self.operand(op == CompareOp::RegexMatch)?;
        if op == CompareOp::RegexMatch && !matches!(right, FilterOperand::Regex(_)) {
            return Err(self.error(right_start, "expected a regular expression such as `/^a.*/i` after `=~`"));
        }
        Ok(Filter::Compare { left, op, right })
    }

    fn compare_op(&mut self) -> Result<Option<CompareOp>, SyntaxError> {
        let (op, len) = match (self.peek(), self.peek_at(1)) {
            (Some(b'='), Some(b'=')) => (CompareOp::Eq, 2),
            (Some(b'='), Some(b'~')) => (CompareOp::RegexMatch, 2),
            (Some(b'='), _) => {
                return Err(self.error(self.pos, "`=` is not an operator: write `==` to compare"));
            }
            (Some(b'!'), Some(b'=')) => (CompareOp::Ne, 2),
            (Some(b'<'), Some(b'=')) => (CompareOp::Le, 2),
            (Some(b'<'), _) => (CompareOp::Lt, 1),
            (Some(b'>'), Some(b'=')) => (CompareOp::Ge, 2),
            (Some(b'>'), _) => (CompareOp::Gt, 1),
            (Some(b), _) if b.is_ascii_alphabetic() => {
                let end = self.word_end();
                let op = match self.slice(self.pos, end) {
                    "in" => CompareOp::In,
                    "nin" => CompareOp::Nin,
                    "subsetof" => CompareOp::Subsetof,
                    "anyof" => CompareOp::Anyof,
                    "noneof" => CompareOp::Noneof,
                    "size" => CompareOp::Size,
                    "empty" => CompareOp::Empty,
                    _ => return Ok(None),
                };
                (op, end - self.pos)
            }
            _ => return Ok(None),
        };
        self.pos += len;
        Ok(Some(op))
    }

    fn operand(&mut self, allow_regex: bool) -> Result<FilterOperand, SyntaxError> {
        match self.peek() {
            Some(b'@') => {
                self.pos += 1;
                Ok(FilterOperand::Current(self.segments(Names::Filter)?))
            }
            Some(b'$') => {
                if self.peek_at(1).is_some_and(|b| b == b'$' || b.is_ascii_alphabetic() || b == b'_') {
                    return Err(self.error(self.pos, "only `@` and `$` paths can be used in a filter"));
                }
                self.pos += 1;
                Ok(FilterOperand::Root(self.segments(Names::Filter)?))
            }
            Some(b'/') if allow_regex => self.regex(),
            Some(b'/') => Err(self.error(self.pos, "a regular expression can only follow `=~`")),
            _ => Ok(FilterOperand::Literal(self.literal(
                "a value: a path starting with `@` or `$`, a string, a number, `true`, `false`, \
                 `null` or a list",
            )?)),
        }
    }

    /// A string, number, keyword or `[...]` list of these.
    fn literal(&mut self, expected: &str) -> Result<Value, SyntaxError> {
        match self.peek() {
            Some(b'\'' | b'"') => Ok(Value::String(self.string(Escapes::JsonPath)?)),
            Some(b'-' | b'0'..=b'9') if self.build => Ok(Value::Number(self.number()?)),
            Some(b'-' | b'0'..=b'9') => {
                self.pos = self.number_end()?;
                Ok(Value::Null)
            }
            Some(b'[') => self.list(),
            _ => match self.keyword() {
                Some(keyword) => Ok(keyword.value()),
                None => Err(self.unexpected(expected)),
            },
        }
    }

    fn list(&mut self) -> Result<Value, SyntaxError> {
        self.enter()?;
        self.pos += 1;
        self.skip_ws();
        let mut items = Vec::new();
        if !self.eat(b']') {
            loop {
                items.push(self.literal("a string, a number, `true`, `false`, `null` or a list")?);
                self.skip_ws();
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return Err(self.unexpected("`,` or `]` in the list"));
                }
                self.skip_ws();
            }
        }
        self.leave();
        Ok(Value::Array(items))
    }

    /// `/pattern/flags`, kept as written.
    fn regex(&mut self) -> Result<FilterOperand, SyntaxError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut i = start + 1;
        loop {
            match bytes.get(i) {
                None => {
                    return Err(self.error(start, "the regular expression is not closed with `/`"));
                }
                Some(b'\\') => i += 2,
                Some(b'/') => break,
                Some(_) => i += 1,
            }
        }
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
        }
        self.pos = i;
        Ok(FilterOperand::Regex(self.slice(start, i).to_owned()))
    }
}
