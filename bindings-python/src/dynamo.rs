//! `marshall`, `marshall_value`, `unmarshall`, `unmarshall_value`: Python
//! values ⇄ DynamoDB attribute values.
//!
//! Two readers walk Python data: [`PlainReader`] reads plain values (`str` S,
//! `int` N exact and of any size, `float` N with the digits `repr` prints,
//! `Decimal` N exact, `bool` BOOL, `None` NULL, `bytes`/`bytearray`/
//! `memoryview` B, `dict` with str keys M, `list`/`tuple` L, `set`/`frozenset`
//! SS, NS or BS) and [`TypedReader`] reads DynamoDB JSON (`{"S": "x"}`, as
//! the AWS CLI prints it; `B` as base64 text, or as bytes the way boto3's
//! client returns it). Each hands what it reads to a [`Build`]er:
//!
//! - [`Typed`] makes DynamoDB JSON dicts (`marshall`),
//! - [`Plain`] makes plain Python values (`unmarshall`),
//! - [`Attr`] makes the core's `AttributeValue`s (`load_ddb`'s items).
//!
//! The rules are the core's: every number goes through
//! `number::normalize_cow` (38 significant digits, DynamoDB's range), sets
//! through `AttributeValue::string_set`/`number_set`/`binary_set` (not empty,
//! no repeats), lists and maps nest at most `attr::MAX_DEPTH` deep, binary
//! text through `attr::from_base64`. What breaks them is a `MarshalError` with
//! the JSON pointer of the value. There is no JSON text and no intermediate
//! tree in between: strings and dict keys are passed on as the same Python
//! objects, a number already in normal form (most are) stays on the stack and
//! its Python str is passed on too, and most of `marshall`'s time goes into
//! making the result dicts.

use std::borrow::Cow;
use std::io::Write as _;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PyMemoryView, PySet, PyString, PyTuple,
    PyType,
};
use pyo3::{ffi, intern};
use stepforge::dynamo::attr::{self, AttributeValue, Item, MAX_DEPTH};
use stepforge::dynamo::{MarshalError, number};
use stepforge::error::escape_token;

use crate::errors::{guard, marshal_error};

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `decimal.Decimal`, imported once.
fn decimal_type(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal").cloned()
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_string())
}

/// Where a value is; made into a JSON pointer only when an error needs it.
#[derive(Clone, Copy)]
pub(crate) enum Loc<'a, 'py> {
    /// What was given.
    Root,
    /// A member of a dict.
    Key(&'a Loc<'a, 'py>, &'a Bound<'py, PyString>),
    /// The type tag of a typed value (`/S`).
    Tag(&'a Loc<'a, 'py>, &'a str),
    /// An element of a list (or of the items given to `load_ddb`), or a set member.
    Index(&'a Loc<'a, 'py>, usize),
}

impl Loc<'_, '_> {
    fn pointer(&self) -> String {
        match self {
            Loc::Root => String::new(),
            Loc::Key(parent, key) => format!("{}/{}", parent.pointer(), escape_token(&key.to_string_lossy())),
            Loc::Tag(parent, tag) => format!("{}/{}", parent.pointer(), escape_token(tag)),
            Loc::Index(parent, i) => format!("{}/{i}", parent.pointer()),
        }
    }

    /// A `MarshalError` here.
    fn fail(&self, message: impl Into<String>) -> PyErr {
        marshal_error(MarshalError::new(self.pointer(), message))
    }

    /// The core's message for a list or map nested too deep.
    fn too_deep(&self) -> PyErr {
        self.fail(format!("documents nest at most {MAX_DEPTH} levels deep in DynamoDB"))
    }
}

/// The str itself, or an exact `str` copy of a subclass (a `StrEnum` member
/// stays out of the result).
fn exact_str<'py>(s: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    if s.is_exact_instance_of::<PyString>() { Ok(s.clone()) } else { Ok(PyString::new(s.py(), &s.to_cow()?)) }
}

/// The UTF-8 text of a str, or a `MarshalError` at `loc` for a str that has
/// none: a lone surrogate (`"\udc80"`, as `os.fsdecode` makes of bad bytes)
/// cannot be encoded, so DynamoDB cannot store it as written.
pub(crate) fn utf8<'s>(s: &'s Bound<'_, PyString>, loc: &Loc<'_, '_>) -> PyResult<&'s str> {
    s.to_str().map_err(|e| {
        let py = s.py();
        let at = e.value(py).getattr(intern!(py, "start")).and_then(|v| v.extract::<usize>()).ok();
        let what = at
            .and_then(|i| s.get_item(i).ok())
            .and_then(|c| c.cast_into::<PyString>().ok())
            .and_then(|c| c.as_any().call_method0(intern!(py, "__repr__")).ok())
            .map(|r| r.to_string())
            .unwrap_or_default();
        let index = at.map(|i| format!(" at index {i}")).unwrap_or_default();
        loc.fail(format!(
            "the str holds a lone surrogate {what}{index}: it cannot be encoded as UTF-8, so DynamoDB cannot store it"
        ))
    })
}

/// `dict[key] = value` with `key` as an exact str.
fn set_str_item<'py>(dict: &Bound<'py, PyDict>, key: &Bound<'py, PyString>, value: &Bound<'py, PyAny>) -> PyResult<()> {
    if key.is_exact_instance_of::<PyString>() {
        dict.set_item(key, value)
    } else {
        dict.set_item(exact_str(key)?, value)
    }
}

/// The bytes of a `bytes`, `bytearray` or `memoryview`; `None` for anything else.
fn binary<'a>(value: &'a Bound<'_, PyAny>) -> PyResult<Option<Cow<'a, [u8]>>> {
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(Some(Cow::Borrowed(b.as_bytes())));
    }
    if let Ok(b) = value.cast::<PyByteArray>() {
        return Ok(Some(Cow::Owned(b.to_vec())));
    }
    if value.cast::<PyMemoryView>().is_ok() {
        let bytes = value.py().get_type::<PyBytes>().call1((value,))?;
        return Ok(Some(Cow::Owned(bytes.cast::<PyBytes>()?.as_bytes().to_vec())));
    }
    Ok(None)
}

/// The longest number text kept on the stack.
const INLINE: usize = 64;

/// Copies the text of a short ASCII str onto the stack and returns its
/// length, so that a number in normal form (most are) needs no `String`.
/// `None` when the str is longer than the buffer, not ASCII, or not
/// encodable (the caller then takes the slow path, which reports it).
fn short_ascii(s: &Bound<'_, PyString>, buf: &mut [u8; INLINE]) -> Option<usize> {
    let text = s.to_str().ok()?;
    if text.len() > INLINE || !text.is_ascii() {
        return None;
    }
    buf[..text.len()].copy_from_slice(text.as_bytes());
    Some(text.len())
}

/// The ASCII text `short_ascii` (or an integer formatter) left in `buf`.
fn inline_text(buf: &[u8; INLINE], len: usize) -> &str {
    std::str::from_utf8(&buf[..len]).unwrap_or("0")
}

/// A number in DynamoDB's normal form.
pub(crate) enum Num<'py> {
    /// Short normal text on the stack, no heap allocation: a machine
    /// integer, or a str that was already in normal form (the common case);
    /// `spelled` is then that str, passed on instead of a new one.
    Inline { buf: [u8; INLINE], len: usize, spelled: Option<Bound<'py, PyString>> },
    /// Longer text, or text the core had to rewrite (`1.50` → `1.5`);
    /// `spelled` as above.
    Normal { text: String, spelled: Option<Bound<'py, PyString>> },
}

impl<'py> Num<'py> {
    fn text(&self) -> &str {
        match self {
            Num::Inline { buf, len, .. } => inline_text(buf, *len),
            Num::Normal { text, .. } => text,
        }
    }

    /// The text, as an owned `String`.
    fn into_text(self) -> String {
        match self {
            Num::Normal { text, .. } => text,
            inline => inline.text().to_owned(),
        }
    }

    fn spelled(&self) -> Option<&Bound<'py, PyString>> {
        match self {
            Num::Inline { spelled, .. } | Num::Normal { spelled, .. } => spelled.as_ref(),
        }
    }

    /// The text `short_ascii` copied from `s` into `buf`, checked by the
    /// core; kept where it is (and `s` with it) when already normal.
    fn from_inline(s: &Bound<'py, PyString>, buf: [u8; INLINE], len: usize, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
        match number::normalize_cow(inline_text(&buf, len)).map_err(|e| loc.fail(e))? {
            Cow::Borrowed(_) => Ok(Num::Inline { buf, len, spelled: is_exact_str(s).then(|| s.clone()) }),
            Cow::Owned(text) => Ok(Num::Normal { text, spelled: None }),
        }
    }

    /// `text` (the text of `s`), checked and normalized by the core; `s` is
    /// kept when it already reads the same.
    fn from_text(s: &Bound<'py, PyString>, text: String, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
        let rewritten = match number::normalize_cow(&text).map_err(|e| loc.fail(e))? {
            Cow::Borrowed(_) => None,
            Cow::Owned(normal) => Some(normal),
        };
        Ok(match rewritten {
            None => Num::Normal { text, spelled: is_exact_str(s).then(|| s.clone()) },
            Some(text) => Num::Normal { text, spelled: None },
        })
    }

    /// The text of the str `s`, checked and normalized.
    fn from_str(s: &Bound<'py, PyString>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
        let mut buf = [0u8; INLINE];
        match short_ascii(s, &mut buf) {
            Some(len) => Num::from_inline(s, buf, len, loc),
            None => Num::from_text(s, utf8(s, loc)?.to_owned(), loc),
        }
    }
}

/// Whether `s` is a `str` itself (a subclass is not passed on into results).
fn is_exact_str(s: &Bound<'_, PyString>) -> bool {
    s.is_exact_instance_of::<PyString>()
}

/// A Python int as DynamoDB's normal text: exact, any size up to 38 significant digits.
fn int_number<'py>(i: &Bound<'py, PyInt>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
    let mut overflow = 0;
    // SAFETY: `i` is a live int object and the GIL is held. Unlike
    // `extract::<i64>`, this reports a too-large value without raising.
    let n = unsafe { ffi::PyLong_AsLongLongAndOverflow(i.as_ptr(), &mut overflow) };
    if overflow == 0 {
        if n == -1
            && let Some(e) = PyErr::take(i.py())
        {
            return Err(e);
        }
        // At most 20 characters, no leading zeros, never "-0": already what
        // `number::normalize` returns.
        let mut buf = [0u8; INLINE];
        let mut w = &mut buf[..];
        let _ = write!(w, "{n}");
        let len = INLINE - w.len();
        return Ok(Num::Inline { buf, len, spelled: None });
    }
    // Beyond 64 bits: the decimal text of the value (of `int(i)` for a
    // subclass, whose `str` may say something else).
    let text =
        if i.is_exact_instance_of::<PyInt>() { i.str()? } else { i.py().get_type::<PyInt>().call1((i,))?.str()? };
    Num::from_str(&text, loc)
}

/// A float as DynamoDB's normal text, from the digits `repr` prints: the
/// shortest that read back as the same float and, of those, the closest.
/// (Rust's shortest formatting can pick another last digit among equally
/// short ones — `1059438285926254.2` for `repr`'s `…254.3` —, so Python's
/// own `repr` is used; test_floats_marshall_to_their_repr holds it.)
fn float_number<'py>(f: &Bound<'py, PyFloat>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
    let value = f.value();
    if !value.is_finite() {
        return Err(loc.fail(format!("{value} cannot be stored in DynamoDB: numbers must be finite")));
    }
    let repr = if f.is_exact_instance_of::<PyFloat>() { f.repr()? } else { PyFloat::new(f.py(), value).repr()? };
    Num::from_str(&repr, loc)
}

/// A Decimal as DynamoDB's normal text, exactly. (`Decimal.__str__` itself,
/// so a subclass that prints itself differently is still read by value.)
fn decimal_number<'py>(d: &Bound<'py, PyAny>, decimal: &Bound<'py, PyType>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
    let s = if d.get_type().is(decimal) {
        d.str()?
    } else {
        decimal.getattr(intern!(d.py(), "__str__"))?.call1((d,))?.cast_into::<PyString>()?
    };
    let not_finite =
        |text: &str| loc.fail(format!("Decimal('{text}') cannot be stored in DynamoDB: numbers must be finite"));
    let mut buf = [0u8; INLINE];
    match short_ascii(&s, &mut buf) {
        Some(len) => {
            let text = inline_text(&buf, len);
            if text.contains(['N', 'n', 'I', 'i']) {
                return Err(not_finite(text));
            }
            Num::from_inline(&s, buf, len, loc)
        }
        None => {
            let text = s.to_cow()?.into_owned();
            if text.contains(['N', 'n', 'I', 'i']) {
                return Err(not_finite(&text));
            }
            Num::from_text(&s, text, loc)
        }
    }
}

/// What a reader hands over; each builder makes its own kind of output.
pub(crate) trait Build<'py> {
    /// One value.
    type Out;
    /// A map being filled.
    type Map;
    /// A str; `loc` is where it is, for builders whose output must be UTF-8.
    fn string(&self, s: &Bound<'py, PyString>, loc: &Loc<'_, 'py>) -> PyResult<Self::Out>;
    fn number(&self, n: &Num<'py>) -> PyResult<Self::Out>;
    fn boolean(&self, b: bool) -> PyResult<Self::Out>;
    fn null(&self) -> PyResult<Self::Out>;
    fn binary(&self, bytes: &[u8]) -> PyResult<Self::Out>;
    /// A set the core has checked (`Ss`, `Ns` or `Bs`).
    fn set(&self, set: AttributeValue) -> PyResult<Self::Out>;
    fn list(&self, items: Vec<Self::Out>) -> PyResult<Self::Out>;
    fn new_map(&self, len: usize) -> Self::Map;
    /// Adds a member; `loc` is the map's location (the key's is `Loc::Key(loc, key)`).
    fn insert(
        &self,
        map: &mut Self::Map,
        key: &Bound<'py, PyString>,
        value: Self::Out,
        loc: &Loc<'_, 'py>,
    ) -> PyResult<()>;
    fn map(&self, map: Self::Map) -> PyResult<Self::Out>;
}

/// How `marshall` writes binary (`B`, `BS`).
#[derive(Clone, Copy)]
pub(crate) enum BinaryForm {
    /// `bytes`: what boto3's client and `TypeSerializer` use (the client
    /// base64-encodes it for the wire itself).
    Bytes,
    /// Base64 text: DynamoDB JSON as the AWS CLI prints it, for JSON files.
    Base64,
}

impl BinaryForm {
    fn parse(name: &str) -> PyResult<BinaryForm> {
        match name {
            "bytes" => Ok(BinaryForm::Bytes),
            "base64" => Ok(BinaryForm::Base64),
            other => Err(PyValueError::new_err(format!("binary={other:?}: expected \"bytes\" or \"base64\""))),
        }
    }
}

/// Builds DynamoDB JSON as Python dicts: `{"S": "x"}`, `{"N": "1"}`, …
pub(crate) struct Typed<'py> {
    py: Python<'py>,
    binary: BinaryForm,
}

impl<'py> Typed<'py> {
    /// One binary value in the chosen form.
    fn bytes(&self, bytes: &[u8]) -> Bound<'py, PyAny> {
        match self.binary {
            BinaryForm::Bytes => PyBytes::new(self.py, bytes).into_any(),
            BinaryForm::Base64 => PyString::new(self.py, &attr::base64(bytes)).into_any(),
        }
    }

    fn tagged(&self, tag: &Bound<'py, PyString>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let dict = PyDict::new(self.py);
        dict.set_item(tag, value)?;
        Ok(dict.into_any())
    }
}

impl<'py> Build<'py> for Typed<'py> {
    type Out = Bound<'py, PyAny>;
    type Map = Bound<'py, PyDict>;

    fn string(&self, s: &Bound<'py, PyString>, loc: &Loc<'_, 'py>) -> PyResult<Self::Out> {
        utf8(s, loc)?;
        if s.is_exact_instance_of::<PyString>() {
            self.tagged(intern!(self.py, "S"), s.as_any())
        } else {
            self.tagged(intern!(self.py, "S"), exact_str(s)?.as_any())
        }
    }
    fn number(&self, n: &Num<'py>) -> PyResult<Self::Out> {
        match n.spelled() {
            Some(s) => self.tagged(intern!(self.py, "N"), s.as_any()),
            None => self.tagged(intern!(self.py, "N"), PyString::new(self.py, n.text()).as_any()),
        }
    }
    fn boolean(&self, b: bool) -> PyResult<Self::Out> {
        self.tagged(intern!(self.py, "BOOL"), PyBool::new(self.py, b).as_any())
    }
    fn null(&self) -> PyResult<Self::Out> {
        self.tagged(intern!(self.py, "NULL"), PyBool::new(self.py, true).as_any())
    }
    fn binary(&self, bytes: &[u8]) -> PyResult<Self::Out> {
        self.tagged(intern!(self.py, "B"), &self.bytes(bytes))
    }
    fn set(&self, set: AttributeValue) -> PyResult<Self::Out> {
        let py = self.py;
        match set {
            AttributeValue::Ss(s) => self.tagged(intern!(py, "SS"), PyList::new(py, s)?.as_any()),
            AttributeValue::Ns(n) => self.tagged(intern!(py, "NS"), PyList::new(py, n)?.as_any()),
            AttributeValue::Bs(b) => {
                self.tagged(intern!(py, "BS"), PyList::new(py, b.iter().map(|x| self.bytes(x)))?.as_any())
            }
            other => Err(PyValueError::new_err(format!("not a set: {}", other.type_name()))),
        }
    }
    fn list(&self, items: Vec<Self::Out>) -> PyResult<Self::Out> {
        self.tagged(intern!(self.py, "L"), PyList::new(self.py, items)?.as_any())
    }
    fn new_map(&self, _len: usize) -> Self::Map {
        PyDict::new(self.py)
    }
    fn insert(
        &self,
        map: &mut Self::Map,
        key: &Bound<'py, PyString>,
        value: Self::Out,
        loc: &Loc<'_, 'py>,
    ) -> PyResult<()> {
        utf8(key, &Loc::Key(loc, key))?;
        set_str_item(map, key, &value)
    }
    fn map(&self, map: Self::Map) -> PyResult<Self::Out> {
        self.tagged(intern!(self.py, "M"), map.as_any())
    }
}

/// How `unmarshall` returns numbers.
#[derive(Clone, Copy)]
enum Numbers {
    /// `decimal.Decimal`, exact (as boto3's `TypeDeserializer`).
    Decimal,
    /// `int` when integral, else `float`.
    IntOrFloat,
}

/// Builds plain Python values: str, Decimal (or int/float), bytes, bool,
/// None, dict, list, set.
pub(crate) struct Plain<'py> {
    py: Python<'py>,
    decimal: Bound<'py, PyType>,
    numbers: Numbers,
}

impl<'py> Plain<'py> {
    fn new(py: Python<'py>, numbers: &str) -> PyResult<Self> {
        let numbers = match numbers {
            "decimal" => Numbers::Decimal,
            "int_or_float" => Numbers::IntOrFloat,
            other => {
                return Err(PyValueError::new_err(format!(
                    "numbers={other:?}: expected \"decimal\" or \"int_or_float\""
                )));
            }
        };
        Ok(Plain { py, decimal: decimal_type(py)?, numbers })
    }
}

impl<'py> Build<'py> for Plain<'py> {
    type Out = Bound<'py, PyAny>;
    type Map = Bound<'py, PyDict>;

    fn string(&self, s: &Bound<'py, PyString>, _: &Loc<'_, 'py>) -> PyResult<Self::Out> {
        Ok(exact_str(s)?.into_any())
    }
    fn number(&self, n: &Num<'py>) -> PyResult<Self::Out> {
        let py = self.py;
        let text = n.text();
        match self.numbers {
            Numbers::Decimal => match n.spelled() {
                Some(s) => self.decimal.call1((s,)),
                None => self.decimal.call1((text,)),
            },
            // Normalized text has a point exactly when it is not integral.
            Numbers::IntOrFloat if text.contains('.') => {
                let f = text.parse::<f64>().map_err(|e| PyValueError::new_err(format!("{text}: {e}")))?;
                Ok(PyFloat::new(py, f).into_any())
            }
            Numbers::IntOrFloat => match text.parse::<i64>() {
                Ok(i) => Ok(i.into_pyobject(py)?.into_any()),
                // Beyond 64 bits: Python's int parses it exactly.
                Err(_) => py.get_type::<PyInt>().call1((text,)),
            },
        }
    }
    fn boolean(&self, b: bool) -> PyResult<Self::Out> {
        Ok(PyBool::new(self.py, b).to_owned().into_any())
    }
    fn null(&self) -> PyResult<Self::Out> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn binary(&self, bytes: &[u8]) -> PyResult<Self::Out> {
        Ok(PyBytes::new(self.py, bytes).into_any())
    }
    fn set(&self, set: AttributeValue) -> PyResult<Self::Out> {
        let py = self.py;
        Ok(match set {
            AttributeValue::Ss(s) => PySet::new(py, s)?.into_any(),
            AttributeValue::Ns(n) => {
                let numbers = n
                    .into_iter()
                    .map(|text| self.number(&Num::Normal { text, spelled: None }))
                    .collect::<PyResult<Vec<_>>>()?;
                PySet::new(py, numbers)?.into_any()
            }
            AttributeValue::Bs(b) => PySet::new(py, b.iter().map(|x| PyBytes::new(py, x)))?.into_any(),
            other => return Err(PyValueError::new_err(format!("not a set: {}", other.type_name()))),
        })
    }
    fn list(&self, items: Vec<Self::Out>) -> PyResult<Self::Out> {
        Ok(PyList::new(self.py, items)?.into_any())
    }
    fn new_map(&self, _len: usize) -> Self::Map {
        PyDict::new(self.py)
    }
    fn insert(
        &self,
        map: &mut Self::Map,
        key: &Bound<'py, PyString>,
        value: Self::Out,
        _: &Loc<'_, 'py>,
    ) -> PyResult<()> {
        set_str_item(map, key, &value)
    }
    fn map(&self, map: Self::Map) -> PyResult<Self::Out> {
        Ok(map.into_any())
    }
}

/// Builds the core's attribute values (the loader's items).
pub(crate) struct Attr;

impl<'py> Build<'py> for Attr {
    type Out = AttributeValue;
    type Map = Item;

    fn string(&self, s: &Bound<'py, PyString>, loc: &Loc<'_, 'py>) -> PyResult<Self::Out> {
        Ok(AttributeValue::S(utf8(s, loc)?.to_owned()))
    }
    fn number(&self, n: &Num<'py>) -> PyResult<Self::Out> {
        Ok(AttributeValue::N(n.text().to_owned()))
    }
    fn boolean(&self, b: bool) -> PyResult<Self::Out> {
        Ok(AttributeValue::Bool(b))
    }
    fn null(&self) -> PyResult<Self::Out> {
        Ok(AttributeValue::Null)
    }
    fn binary(&self, bytes: &[u8]) -> PyResult<Self::Out> {
        Ok(AttributeValue::B(bytes.to_vec()))
    }
    fn set(&self, set: AttributeValue) -> PyResult<Self::Out> {
        Ok(set)
    }
    fn list(&self, items: Vec<Self::Out>) -> PyResult<Self::Out> {
        Ok(AttributeValue::L(items))
    }
    fn new_map(&self, len: usize) -> Self::Map {
        Item::with_capacity(len)
    }
    fn insert(
        &self,
        map: &mut Self::Map,
        key: &Bound<'py, PyString>,
        value: Self::Out,
        loc: &Loc<'_, 'py>,
    ) -> PyResult<()> {
        map.insert(utf8(key, &Loc::Key(loc, key))?.to_owned(), value);
        Ok(())
    }
    fn map(&self, map: Self::Map) -> PyResult<Self::Out> {
        Ok(AttributeValue::M(map))
    }
}

/// The three kinds of set members.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SetKind {
    Strings,
    Numbers,
    Binary,
}

/// Reads plain Python values (`marshall`'s input).
pub(crate) struct PlainReader<'py, B> {
    decimal: Bound<'py, PyType>,
    build: B,
}

impl<'py, B: Build<'py>> PlainReader<'py, B> {
    pub(crate) fn new(py: Python<'py>, build: B) -> PyResult<Self> {
        Ok(PlainReader { decimal: decimal_type(py)?, build })
    }

    /// An item: a dict whose values are attribute values.
    pub(crate) fn item(&self, value: &Bound<'py, PyAny>, loc: &Loc<'_, 'py>) -> PyResult<B::Map> {
        match value.cast::<PyDict>() {
            Ok(dict) => self.map(dict, loc, 0),
            Err(_) => Err(loc.fail(format!("an item must be a dict, not {}", type_name(value)))),
        }
    }

    /// One value, `depth` lists and maps down.
    pub(crate) fn value(&self, value: &Bound<'py, PyAny>, loc: &Loc<'_, 'py>, depth: usize) -> PyResult<B::Out> {
        // The common types first; bool before int (Python's bool is an int).
        if let Ok(s) = value.cast::<PyString>() {
            return self.build.string(s, loc);
        }
        if value.is_none() {
            return self.build.null();
        }
        if let Ok(b) = value.cast::<PyBool>() {
            return self.build.boolean(b.is_true());
        }
        if let Ok(i) = value.cast::<PyInt>() {
            return self.build.number(&int_number(i, loc)?);
        }
        if let Ok(f) = value.cast::<PyFloat>() {
            return self.build.number(&float_number(f, loc)?);
        }
        if let Ok(dict) = value.cast::<PyDict>() {
            if depth >= MAX_DEPTH {
                return Err(loc.too_deep());
            }
            let map = self.map(dict, loc, depth)?;
            return self.build.map(map);
        }
        if let Ok(list) = value.cast::<PyList>() {
            if depth >= MAX_DEPTH {
                return Err(loc.too_deep());
            }
            let mut items = Vec::with_capacity(list.len());
            for (i, item) in list.iter().enumerate() {
                items.push(self.value(&item, &Loc::Index(loc, i), depth + 1)?);
            }
            return self.build.list(items);
        }
        if let Ok(tuple) = value.cast::<PyTuple>() {
            if depth >= MAX_DEPTH {
                return Err(loc.too_deep());
            }
            let mut items = Vec::with_capacity(tuple.len());
            for (i, item) in tuple.iter().enumerate() {
                items.push(self.value(&item, &Loc::Index(loc, i), depth + 1)?);
            }
            return self.build.list(items);
        }
        if value.is_instance(&self.decimal)? {
            return self.build.number(&decimal_number(value, &self.decimal, loc)?);
        }
        if let Some(bytes) = binary(value)? {
            return self.build.binary(&bytes);
        }
        if value.cast::<PySet>().is_ok() || value.cast::<PyFrozenSet>().is_ok() {
            let set = self.set(value, loc)?;
            return self.build.set(set);
        }
        Err(loc.fail(format!(
            "a value of type {} cannot be stored in DynamoDB (expected str, int, float, Decimal, bool, None, bytes, \
             dict, list, tuple or set)",
            type_name(value)
        )))
    }

    /// The members of a dict (the dict itself is `depth` down).
    fn map(&self, dict: &Bound<'py, PyDict>, loc: &Loc<'_, 'py>, depth: usize) -> PyResult<B::Map> {
        let mut map = self.build.new_map(dict.len());
        for (k, v) in dict.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(loc.fail(format!(
                    "a map key must be a str, not {} ({})",
                    type_name(&k),
                    k.repr().map(|r| r.to_string()).unwrap_or_default()
                )));
            };
            let value = self.value(&v, &Loc::Key(loc, key), depth + 1)?;
            self.build.insert(&mut map, key, value, loc)?;
        }
        Ok(map)
    }

    /// A number, checked: int, float or Decimal (not bool).
    fn number(&self, value: &Bound<'py, PyAny>, loc: &Loc<'_, 'py>) -> PyResult<Option<String>> {
        let n = if let Ok(i) = value.cast::<PyInt>() {
            int_number(i, loc)?
        } else if let Ok(f) = value.cast::<PyFloat>() {
            float_number(f, loc)?
        } else if value.is_instance(&self.decimal)? {
            decimal_number(value, &self.decimal, loc)?
        } else {
            return Ok(None);
        };
        Ok(Some(n.into_text()))
    }

    /// A set of str (SS), of numbers (NS) or of binary (BS), checked by the core.
    fn set(&self, value: &Bound<'py, PyAny>, loc: &Loc<'_, 'py>) -> PyResult<AttributeValue> {
        let mut strings = Vec::new();
        let mut numbers = Vec::new();
        let mut binaries = Vec::new();
        let mut first: Option<(SetKind, String)> = None;
        for (i, member) in value.try_iter()?.enumerate() {
            let member = member?;
            let here = Loc::Index(loc, i);
            let cannot_hold = || {
                here.fail(format!(
                    "a DynamoDB set cannot hold {}; sets hold strings, numbers or binary",
                    type_name(&member)
                ))
            };
            let kind = if let Ok(s) = member.cast::<PyString>() {
                strings.push(utf8(s, &here)?.to_owned());
                SetKind::Strings
            } else if member.cast::<PyBool>().is_ok() {
                return Err(cannot_hold());
            } else if let Some(n) = self.number(&member, &here)? {
                numbers.push(n);
                SetKind::Numbers
            } else if let Some(b) = binary(&member)? {
                binaries.push(b.into_owned());
                SetKind::Binary
            } else {
                return Err(cannot_hold());
            };
            match &first {
                None => first = Some((kind, type_name(&member))),
                Some((k, name)) if *k != kind => {
                    return Err(loc.fail(format!(
                        "a DynamoDB set holds only strings, only numbers or only binary; this one mixes {name} and {}",
                        type_name(&member)
                    )));
                }
                Some(_) => {}
            }
        }
        let set = match first.map(|(k, _)| k) {
            None | Some(SetKind::Strings) => AttributeValue::string_set(strings),
            Some(SetKind::Numbers) => AttributeValue::number_set(&numbers),
            Some(SetKind::Binary) => AttributeValue::binary_set(binaries),
        };
        set.map_err(|e| loc.fail(e))
    }
}

/// The tag when it is one of the interned tag strings (the usual case for
/// literals and for dicts `marshall` made): no text conversion needed.
fn known_tag(tag: &Bound<'_, PyString>) -> Option<&'static str> {
    let py = tag.py();
    let p = tag.as_ptr();
    macro_rules! check {
        ($($t:literal),*) => {
            $(if p == intern!(py, $t).as_ptr() { return Some($t); })*
        };
    }
    check!("S", "N", "M", "L", "BOOL", "NULL", "B", "SS", "NS", "BS");
    None
}

/// Reads DynamoDB JSON as Python dicts (`unmarshall`'s input). Pointers
/// include the type tags, as in the core: `/tags/L/0/S`.
pub(crate) struct TypedReader<B> {
    build: B,
}

impl<'py, B: Build<'py>> TypedReader<B> {
    pub(crate) fn new(build: B) -> Self {
        TypedReader { build }
    }

    /// An item: a dict of typed values.
    pub(crate) fn item(&self, value: &Bound<'py, PyAny>, loc: &Loc<'_, 'py>) -> PyResult<B::Map> {
        match value.cast::<PyDict>() {
            Ok(dict) => self.map(dict, loc, 0),
            Err(_) => Err(loc.fail(format!("an item must be a dict, not {}", type_name(value)))),
        }
    }

    fn map(&self, dict: &Bound<'py, PyDict>, loc: &Loc<'_, 'py>, depth: usize) -> PyResult<B::Map> {
        let mut map = self.build.new_map(dict.len());
        for (k, v) in dict.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(loc.fail(format!("a map key must be a str, not {}", type_name(&k))));
            };
            let value = self.value(&v, &Loc::Key(loc, key), depth + 1)?;
            self.build.insert(&mut map, key, value, loc)?;
        }
        Ok(map)
    }

    /// One typed value (`{"S": "x"}`), `depth` lists and maps down.
    pub(crate) fn value(&self, value: &Bound<'py, PyAny>, loc: &Loc<'_, 'py>, depth: usize) -> PyResult<B::Out> {
        let Ok(dict) = value.cast::<PyDict>() else {
            return Err(loc.fail(format!("expected a typed value like {{\"S\": \"text\"}}, not {}", type_name(value))));
        };
        let mut entries = dict.iter();
        let (Some((tag, inner)), None) = (entries.next(), entries.next()) else {
            return Err(loc.fail("a typed value has exactly one type tag, like {\"S\": \"text\"}"));
        };
        let Ok(tag) = tag.cast::<PyString>() else {
            return Err(loc.fail(format!("a type tag is a str like \"S\", not {}", type_name(&tag))));
        };
        let tag: Cow<'_, str> = match known_tag(tag) {
            Some(t) => Cow::Borrowed(t),
            None => tag.to_cow()?,
        };
        let tag: &str = &tag;
        let here = Loc::Tag(loc, tag);
        let text = |v: &Bound<'py, PyAny>, at: &Loc<'_, 'py>| -> PyResult<String> {
            match v.cast::<PyString>() {
                Ok(s) => Ok(s.to_cow()?.into_owned()),
                Err(_) => Err(at.fail(format!("`{tag}` holds a str, not {}", type_name(v)))),
            }
        };
        let bytes = |v: &Bound<'py, PyAny>, at: &Loc<'_, 'py>| -> PyResult<Vec<u8>> {
            if let Ok(s) = v.cast::<PyString>() {
                return attr::from_base64(&s.to_cow()?).map_err(|e| at.fail(format!("`{tag}` is {e}")));
            }
            match binary(v)? {
                Some(b) => Ok(b.into_owned()),
                None => Err(at.fail(format!("`{tag}` holds base64 text or bytes, not {}", type_name(v)))),
            }
        };
        let members = |v: &Bound<'py, PyAny>| -> PyResult<Vec<Bound<'py, PyAny>>> {
            let listlike = v.cast::<PyList>().is_ok()
                || v.cast::<PyTuple>().is_ok()
                || v.cast::<PySet>().is_ok()
                || v.cast::<PyFrozenSet>().is_ok();
            if !listlike {
                return Err(here.fail(format!("`{tag}` holds a list, not {}", type_name(v))));
            }
            v.try_iter()?.collect()
        };
        match tag {
            "S" => match inner.cast::<PyString>() {
                Ok(s) => self.build.string(s, &here),
                Err(_) => Err(here.fail(format!("`S` holds a str, not {}", type_name(&inner)))),
            },
            "N" => match inner.cast::<PyString>() {
                Ok(s) => self.build.number(&Num::from_str(s, &here)?),
                Err(_) => Err(here.fail(format!("`N` holds a str, not {}", type_name(&inner)))),
            },
            "B" => self.build.binary(&bytes(&inner, &here)?),
            "BOOL" => match inner.cast::<PyBool>() {
                Ok(b) => self.build.boolean(b.is_true()),
                Err(_) => Err(here.fail(format!("`BOOL` holds True or False, not {}", type_name(&inner)))),
            },
            "NULL" => match inner.cast::<PyBool>() {
                Ok(b) if b.is_true() => self.build.null(),
                _ => Err(here.fail("`NULL` must be True")),
            },
            "M" => {
                let Ok(map) = inner.cast::<PyDict>() else {
                    return Err(here.fail(format!("`M` holds a dict, not {}", type_name(&inner))));
                };
                if depth >= MAX_DEPTH {
                    return Err(loc.too_deep());
                }
                let map = self.map(map, &here, depth)?;
                self.build.map(map)
            }
            "L" => {
                if inner.cast::<PyList>().is_err() && inner.cast::<PyTuple>().is_err() {
                    return Err(here.fail(format!("`L` holds a list, not {}", type_name(&inner))));
                }
                if depth >= MAX_DEPTH {
                    return Err(loc.too_deep());
                }
                let mut items = Vec::with_capacity(inner.len()?);
                for (i, item) in inner.try_iter()?.enumerate() {
                    items.push(self.value(&item?, &Loc::Index(&here, i), depth + 1)?);
                }
                self.build.list(items)
            }
            "SS" => {
                let strings = members(&inner)?
                    .iter()
                    .enumerate()
                    .map(|(i, m)| text(m, &Loc::Index(&here, i)))
                    .collect::<PyResult<Vec<_>>>()?;
                self.build.set(AttributeValue::string_set(strings).map_err(|e| here.fail(e))?)
            }
            "NS" => {
                let members = members(&inner)?;
                let mut numbers = Vec::with_capacity(members.len());
                for (i, m) in members.iter().enumerate() {
                    let at = Loc::Index(&here, i);
                    let member = text(m, &at)?;
                    let rewritten = match number::normalize_cow(&member).map_err(|e| at.fail(e))? {
                        Cow::Borrowed(_) => None,
                        Cow::Owned(normal) => Some(normal),
                    };
                    numbers.push(rewritten.unwrap_or(member));
                }
                self.build.set(AttributeValue::number_set(&numbers).map_err(|e| here.fail(e))?)
            }
            "BS" => {
                let binaries = members(&inner)?
                    .iter()
                    .enumerate()
                    .map(|(i, m)| bytes(m, &Loc::Index(&here, i)))
                    .collect::<PyResult<Vec<_>>>()?;
                self.build.set(AttributeValue::binary_set(binaries).map_err(|e| here.fail(e))?)
            }
            other => {
                Err(loc.fail(format!("`{other}` is not a DynamoDB type; use S, N, B, BOOL, NULL, M, L, SS, NS or BS")))
            }
        }
    }
}

/// The DynamoDB JSON of an item (a dict with str keys), as the AWS CLI
/// prints it: `marshall({"id": "a", "n": 1})` is
/// `{"id": {"S": "a"}, "n": {"N": "1"}}`.
///
/// str → S; int → N (exact, any size up to 38 significant digits); float → N
/// (the digits `repr` prints); Decimal → N (exact); bool → BOOL; None →
/// NULL; bytes, bytearray, memoryview → B (as `bytes`, what boto3's client
/// takes; with `binary="base64"`, base64 text as the AWS CLI prints it, for
/// JSON files); dict → M; list, tuple → L; set, frozenset → SS, NS or BS (as
/// lists). Numbers are written
/// in DynamoDB's normal form (`Decimal("1.50")` → `"1.5"`, `1e20` →
/// `"100000000000000000000"`). Raises MarshalError, with the JSON pointer of
/// the value, for what DynamoDB cannot store: NaN or infinity, more than 38
/// significant digits, an empty or mixed set, a key that is not a str, a str
/// with a lone surrogate (no UTF-8 for it), other types, lists and dicts
/// nested more than 32 deep.
#[pyfunction]
#[pyo3(signature = (item, *, binary = "bytes"))]
pub(crate) fn marshall<'py>(py: Python<'py>, item: &Bound<'py, PyAny>, binary: &str) -> PyResult<Bound<'py, PyDict>> {
    let binary = BinaryForm::parse(binary)?;
    guard(|| PlainReader::new(py, Typed { py, binary })?.item(item, &Loc::Root))?
}

/// The DynamoDB JSON of one attribute value, by the rules of `marshall`:
/// `marshall_value("x")` is `{"S": "x"}`, `marshall_value({1, 2})` is
/// `{"NS": ["1", "2"]}`.
#[pyfunction]
#[pyo3(signature = (value, *, binary = "bytes"))]
pub(crate) fn marshall_value<'py>(
    py: Python<'py>,
    value: &Bound<'py, PyAny>,
    binary: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let binary = BinaryForm::parse(binary)?;
    guard(|| PlainReader::new(py, Typed { py, binary })?.value(value, &Loc::Root, 0))?
}

/// An item in DynamoDB JSON back to Python values: S → str, N →
/// decimal.Decimal (exact, as boto3's TypeDeserializer) or, with
/// `numbers="int_or_float"`, int when integral and float otherwise; B →
/// bytes (from base64 text, or bytes as boto3's client returns them); BOOL →
/// bool; NULL → None; M → dict; L → list; SS, NS, BS → set.
///
/// Raises MarshalError, with the JSON pointer (type tags included, as in
/// `/tags/L/0/S`), for what is not DynamoDB JSON or breaks DynamoDB's rules.
#[pyfunction]
#[pyo3(signature = (item, *, numbers = "decimal"))]
pub(crate) fn unmarshall<'py>(
    py: Python<'py>,
    item: &Bound<'py, PyAny>,
    numbers: &str,
) -> PyResult<Bound<'py, PyDict>> {
    guard(|| TypedReader::new(Plain::new(py, numbers)?).item(item, &Loc::Root))?
}

/// One attribute value in DynamoDB JSON (`{"N": "1.5"}`) back to a Python
/// value, by the rules of `unmarshall`.
#[pyfunction]
#[pyo3(signature = (value, *, numbers = "decimal"))]
pub(crate) fn unmarshall_value<'py>(
    py: Python<'py>,
    value: &Bound<'py, PyAny>,
    numbers: &str,
) -> PyResult<Bound<'py, PyAny>> {
    guard(|| TypedReader::new(Plain::new(py, numbers)?).value(value, &Loc::Root, 0))?
}
