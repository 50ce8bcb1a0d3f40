//! JSONPath as the Amazon States Language uses it: paths (`InputPath`, `.$` values),
//! reference paths (`ResultPath`, `*Path` fields), the context object (`$$`) and
//! variables (`$name`).
//!
//! Step Functions evaluates paths with the Jayway JsonPath library, so this parser
//! follows Jayway's dialect where it differs from RFC 9535: dot names may hold `-`
//! and other unambiguous punctuation, filters are written `[?(...)]`, and a
//! zero-argument function such as `.length()` may end a path.
//!
//! The parser works over bytes by hand and keeps the original text, so a definition
//! renders back exactly as it was written. The parts:
//!
//! - this module: the model of a path ([`Path`], [`Segment`], …) and where
//!   parsing starts;
//! - `syntax`: the parser, over bytes, shared with intrinsic functions;
//! - `reference`: evaluating a [`ReferencePath`] against a JSON value
//!   ([`ReferencePath::get`], [`ReferencePath::set`]), which the executor uses.

mod reference;
mod syntax;

use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

use syntax::Names;
pub(crate) use syntax::{Cursor, Escapes, Keyword};

/// How deep brackets, filter parentheses, filter operators, list literals and
/// nested intrinsic calls may nest. Deeper input is refused rather than risking
/// the stack on hostile text.
pub const MAX_NESTING: usize = 64;

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// `$`: the state's input (or effective input).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable set by `Assign`.
    Variable(String),
}

/// A syntax error in a path or an intrinsic call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset into the text where the problem is.
    pub offset: usize,
    /// What is wrong, as a sentence fragment ("expected `]`").
    pub message: String,
}

impl SyntaxError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError { offset, message: message.into() }
    }

    /// The 1-based character (not byte) position of the error in `text`, the
    /// number a person counts to in an editor.
    pub fn position_in(&self, text: &str) -> usize {
        let chars = text.char_indices().take_while(|&(i, _)| i < self.offset).count();
        chars + 1 + self.offset.saturating_sub(text.len())
    }

    /// `at character N: message`, with N counted in characters of `text`.
    pub fn describe(&self, text: &str) -> String {
        format!("at character {}: {}", self.position_in(text), self.message)
    }
}

impl fmt::Display for SyntaxError {
    /// `at character N: message`. The error does not carry its text, so N is
    /// `offset + 1`, which counts characters only for ASCII text; use
    /// [`SyntaxError::describe`] when the text may hold other characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}: {}", self.offset.saturating_add(1), self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// A parsed JSONPath. It keeps its text so that rendering writes back exactly
/// what the author wrote.
///
/// Parsing validates the whole path but builds its segments only when
/// [`Path::segments`] is first called: a validator checks tens of thousands of
/// paths and mostly needs nothing more than [`Path::is_reference`].
#[derive(Clone)]
pub struct Path {
    text: String,
    root: Root,
    reference: bool,
    segments: OnceLock<Vec<Segment>>,
}

/// One step of a path after its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// `.name`, `['name']`, `["name"]`.
    Field(String),
    /// `[0]`, `[-1]` (negative counts from the end, as in Jayway).
    Index(i64),
    /// `.*` or `[*]`.
    Wildcard,
    /// `[1:3]`, `[:2]`, `[-2:]`, `[::2]`.
    Slice {
        /// First index, inclusive.
        start: Option<i64>,
        /// Last index, exclusive.
        end: Option<i64>,
        /// Stride.
        step: Option<i64>,
    },
    /// `[0,2]` or `['a','b']` (never mixed: Jayway refuses that).
    Union(Vec<Selector>),
    /// `..name`, `..*`, `..[0]`: the inner segment applied at every depth.
    Descendant(Box<Segment>),
    /// `[?(<expr>)]`. Boxed: a filter is large and rare, and an unboxed one
    /// would triple the size of every segment.
    Filter(Box<Filter>),
    /// A trailing zero-argument function such as `.length()`; always the last segment.
    Function(String),
}

/// One member of a union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `'name'`.
    Name(String),
    /// `0`, `-1`.
    Index(i64),
}

/// The condition of a `[?(...)]` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `@.isbn`: the operand exists.
    Exists(FilterOperand),
    /// `@.price < 10`.
    Compare {
        /// Left side.
        left: FilterOperand,
        /// The operator.
        op: CompareOp,
        /// Right side.
        right: FilterOperand,
    },
    /// `a && b`.
    And(Box<Filter>, Box<Filter>),
    /// `a || b`.
    Or(Box<Filter>, Box<Filter>),
    /// `!a`.
    Not(Box<Filter>),
}

/// A value in a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterOperand {
    /// `@.a.b`: relative to the item being filtered.
    Current(Vec<Segment>),
    /// `$.x`: from the document root.
    Root(Vec<Segment>),
    /// `'str'`, `"str"`, `12`, `-1.5`, `true`, `false`, `null`, or a `[..]` list of these.
    Literal(Value),
    /// `/pattern/flags`, as written (slashes and flags included); only after `=~`.
    Regex(String),
}

/// A filter comparison operator (Jayway's set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=~`
    RegexMatch,
    /// `in`
    In,
    /// `nin`
    Nin,
    /// `subsetof`
    Subsetof,
    /// `anyof`
    Anyof,
    /// `noneof`
    Noneof,
    /// `size`
    Size,
    /// `empty`
    Empty,
}

impl Segment {
    /// Whether the segment names at most one node (what a reference path allows).
    fn selects_one(&self) -> bool {
        matches!(self, Segment::Field(_) | Segment::Index(_))
    }

    /// How an error message names a segment a reference path may not hold.
    fn what(&self) -> &'static str {
        match self {
            Segment::Field(_) | Segment::Index(_) => "this segment",
            Segment::Wildcard => "`*`",
            Segment::Slice { .. } => "a slice",
            Segment::Union(_) => "a union",
            Segment::Descendant(_) => "`..`",
            Segment::Filter(_) => "a filter",
            Segment::Function(_) => "a function",
        }
    }
}

impl Path {
    /// Parses a whole path; nothing may follow it, not even spaces.
    pub fn parse(text: &str) -> Result<Path, SyntaxError> {
        let mut cursor = Cursor::new(text);
        let path = cursor.path()?;
        cursor.expect_end()?;
        Ok(path)
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Where the path starts.
    pub fn root(&self) -> &Root {
        &self.root
    }

    /// The steps after the root.
    pub fn segments(&self) -> &[Segment] {
        self.segments.get_or_init(|| {
            // The text parsed once already, so this cannot fail.
            let mut cursor = Cursor::new(&self.text);
            cursor.root().and_then(|_| cursor.segments(Names::Path)).unwrap_or_default()
        })
    }

    /// Whether the path names a single node: every segment is a field or an index.
    pub fn is_reference(&self) -> bool {
        self.reference
    }

    /// Whether the path yields one value rather than a list; for now the same
    /// as [`Path::is_reference`].
    pub fn is_definite(&self) -> bool {
        self.is_reference()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Path")
            .field("text", &self.text)
            .field("root", &self.root)
            .field("segments", &self.segments())
            .finish()
    }
}

/// The text determines the rest, whether or not the segments have been built yet.
impl PartialEq for Path {
    fn eq(&self, other: &Path) -> bool {
        self.text == other.text
    }
}

impl Eq for Path {}

/// A path that names one node (`$.a.b[0]`): what `ResultPath` and the other
/// fields that write or point at a single value require.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferencePath(Path);

impl ReferencePath {
    /// Parses a path and refuses any segment that could select more than one node.
    pub fn parse(text: &str) -> Result<ReferencePath, SyntaxError> {
        let mut cursor = Cursor::new(text);
        let path = cursor.path()?;
        cursor.expect_end()?;
        match cursor.non_reference {
            Some((offset, what)) => {
                Err(SyntaxError::new(offset, format!("a reference path selects one node: {what} is not allowed here")))
            }
            None => Ok(ReferencePath(path)),
        }
    }

    /// The underlying path.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for ReferencePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ReferencePath> for Path {
    fn from(path: ReferencePath) -> Path {
        path.0
    }
}
