//! `marshall`, `marshall_value`, `unmarshall`, `unmarshall_value`: Python
//! values ⇄ DynamoDB attribute values.
//!
//! The walk and its rules are the core's (`stepforge::dynamo::walk`): this
//! module says only how to read Python values ([`PyHost`]: `str` S, `int` N
//! exact and of any size, `float` N with the digits `repr` prints, `Decimal`
//! N exact, `bool` BOOL, `None` NULL, `bytes`/`bytearray`/`memoryview` B,
//! `dict` with str keys M, `list`/`tuple` L, `set`/`frozenset` SS, NS or BS)
//! and how to make them: [`Typed`] makes DynamoDB JSON dicts (`marshall`),
//! [`Plain`] plain Python values (`unmarshall`); the core's `Attr` makes the
//! loader's items. There is no JSON text and no intermediate tree in
//! between: strings and dict keys are passed on as the same Python objects,
//! a number already in normal form (most are) stays on the stack and its
//! Python str is passed on too.

use std::borrow::Cow;
use std::io::Write as _;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::iter::{BoundDictIterator, BoundListIterator, BoundTupleIterator};
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyIterator, PyList, PyMemoryView, PySet,
    PyString, PyTuple, PyType,
};
use pyo3::{ffi, intern};
use stepforge::dynamo::attr::{self, AttributeValue};
use stepforge::dynamo::walk::{
    self, Build, Dialect, Host, Kind, MapKey, PlainReader, SetValue, Tag, Tagged, TypedReader, Unsupported,
};
use stepforge::dynamo::{MarshalError, number};

use crate::errors::{guard, marshal_error};

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `decimal.Decimal`, imported once.
fn decimal_type(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal").cloned()
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_string())
}

/// Where a value is: the core's pointer, keyed by Python strs.
pub(crate) type Loc<'a, 'py> = walk::Loc<'a, Bound<'py, PyString>>;

/// The str itself, or an exact `str` copy of a subclass (a `StrEnum` member
/// stays out of the result).
fn exact_str<'py>(s: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    if s.is_exact_instance_of::<PyString>() { Ok(s.clone()) } else { Ok(PyString::new(s.py(), &s.to_cow()?)) }
}

/// The UTF-8 text of a str, or a `MarshalError` at `loc` for a str that has
/// none (a lone surrogate, as `os.fsdecode` makes of bad bytes).
fn utf8<'s>(host: &PyHost<'_>, s: &'s Bound<'_, PyString>, loc: &Loc<'_, '_>) -> PyResult<&'s str> {
    s.to_str().map_err(|_| match host.lone_surrogate(s) {
        Ok(Some((unit, index))) => host.error_at(loc, Dialect::Python.lone_surrogate(unit, index)),
        Ok(None) => host.error_at(loc, "the str cannot be encoded as UTF-8"),
        Err(e) => e,
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

    fn spelled(&self) -> Option<&Bound<'py, PyString>> {
        match self {
            Num::Inline { spelled, .. } | Num::Normal { spelled, .. } => spelled.as_ref(),
        }
    }

    /// The text `short_ascii` copied from `s` into `buf`, checked by the
    /// core; kept where it is (and `s` with it) when already normal.
    fn from_inline(
        s: &Bound<'py, PyString>,
        buf: [u8; INLINE],
        len: usize,
        host: &PyHost<'py>,
        loc: &Loc<'_, 'py>,
    ) -> PyResult<Num<'py>> {
        match number::normalize_cow(inline_text(&buf, len)).map_err(|e| host.error_at(loc, e))? {
            Cow::Borrowed(_) => Ok(Num::Inline { buf, len, spelled: is_exact_str(s).then(|| s.clone()) }),
            Cow::Owned(text) => Ok(Num::Normal { text, spelled: None }),
        }
    }

    /// `text` (the text of `s`), checked and normalized by the core; `s` is
    /// kept when it already reads the same.
    fn from_text(s: &Bound<'py, PyString>, text: String, host: &PyHost<'py>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
        let rewritten = match number::normalize_cow(&text).map_err(|e| host.error_at(loc, e))? {
            Cow::Borrowed(_) => None,
            Cow::Owned(normal) => Some(normal),
        };
        Ok(match rewritten {
            None => Num::Normal { text, spelled: is_exact_str(s).then(|| s.clone()) },
            Some(text) => Num::Normal { text, spelled: None },
        })
    }

    /// The text of the str `s`, checked and normalized.
    fn from_str(s: &Bound<'py, PyString>, host: &PyHost<'py>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
        let mut buf = [0u8; INLINE];
        match short_ascii(s, &mut buf) {
            Some(len) => Num::from_inline(s, buf, len, host, loc),
            None => Num::from_text(s, utf8(host, s, loc)?.to_owned(), host, loc),
        }
    }
}

/// Whether `s` is a `str` itself (a subclass is not passed on into results).
fn is_exact_str(s: &Bound<'_, PyString>) -> bool {
    s.is_exact_instance_of::<PyString>()
}

/// A Python int as DynamoDB's normal text: exact, any size up to 38 significant digits.
fn int_number<'py>(i: &Bound<'py, PyInt>, host: &PyHost<'py>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
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
    Num::from_str(&text, host, loc)
}

/// A float as DynamoDB's normal text, from the digits `repr` prints: the
/// shortest that read back as the same float and, of those, the closest.
/// (Rust's shortest formatting can pick another last digit among equally
/// short ones — `1059438285926254.2` for `repr`'s `…254.3` —, so Python's
/// own `repr` is used; test_floats_marshall_to_their_repr holds it.)
fn float_number<'py>(f: &Bound<'py, PyFloat>, host: &PyHost<'py>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
    let value = f.value();
    if !value.is_finite() {
        return Err(host.error_at(loc, Dialect::Python.not_finite(&value.to_string())));
    }
    let repr = if f.is_exact_instance_of::<PyFloat>() { f.repr()? } else { PyFloat::new(f.py(), value).repr()? };
    Num::from_str(&repr, host, loc)
}

/// A Decimal as DynamoDB's normal text, exactly. (`Decimal.__str__` itself,
/// so a subclass that prints itself differently is still read by value.)
fn decimal_number<'py>(d: &Bound<'py, PyAny>, host: &PyHost<'py>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
    let decimal = &host.decimal;
    let s = if d.get_type().is(decimal) {
        d.str()?
    } else {
        decimal.getattr(intern!(d.py(), "__str__"))?.call1((d,))?.cast_into::<PyString>()?
    };
    let not_finite = |text: &str| host.error_at(loc, Dialect::Python.not_finite(&format!("Decimal('{text}')")));
    let mut buf = [0u8; INLINE];
    match short_ascii(&s, &mut buf) {
        Some(len) => {
            let text = inline_text(&buf, len);
            if text.contains(['N', 'n', 'I', 'i']) {
                return Err(not_finite(text));
            }
            Num::from_inline(&s, buf, len, host, loc)
        }
        None => {
            let text = s.to_cow()?.into_owned();
            if text.contains(['N', 'n', 'I', 'i']) {
                return Err(not_finite(&text));
            }
            Num::from_text(&s, text, host, loc)
        }
    }
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

/// Binary read from Python: a `bytes` object, or bytes copied or decoded.
pub(crate) enum PyBin<'py> {
    /// A `bytes` object, read in place.
    Bytes(Bound<'py, PyBytes>),
    /// A copy (`bytearray`, `memoryview`) or decoded base64.
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for PyBin<'_> {
    fn as_ref(&self) -> &[u8] {
        match self {
            PyBin::Bytes(b) => b.as_bytes(),
            PyBin::Owned(v) => v,
        }
    }
}

impl From<Vec<u8>> for PyBin<'_> {
    fn from(bytes: Vec<u8>) -> Self {
        PyBin::Owned(bytes)
    }
}

/// The entries of a dict, keys sorted into str and not.
pub(crate) struct Entries<'py>(BoundDictIterator<'py>);

impl<'py> Iterator for Entries<'py> {
    type Item = PyResult<(MapKey<Bound<'py, PyString>>, Bound<'py, PyAny>)>;

    fn next(&mut self) -> Option<Self::Item> {
        let (k, v) = self.0.next()?;
        Some(Ok(match k.cast_into::<PyString>() {
            Ok(key) => (MapKey::Key(key), v),
            Err(e) => {
                let k = e.into_inner();
                let repr = k.repr().map(|r| r.to_string()).unwrap_or_default();
                (MapKey::NotText { what: type_name(&k), repr }, v)
            }
        }))
    }
}

/// The items of a list, a tuple, or any other iterable (a set).
pub(crate) enum Items<'py> {
    List(BoundListIterator<'py>),
    Tuple(BoundTupleIterator<'py>),
    Other(Bound<'py, PyIterator>),
}

impl<'py> Iterator for Items<'py> {
    type Item = PyResult<Bound<'py, PyAny>>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Items::List(i) => i.next().map(Ok),
            Items::Tuple(i) => i.next().map(Ok),
            Items::Other(i) => i.next(),
        }
    }
}

/// How the core's walk reads Python values.
pub(crate) struct PyHost<'py> {
    py: Python<'py>,
    decimal: Bound<'py, PyType>,
}

impl<'py> PyHost<'py> {
    pub(crate) fn new(py: Python<'py>) -> PyResult<Self> {
        Ok(PyHost { py, decimal: decimal_type(py)? })
    }
}

impl<'py> Host for PyHost<'py> {
    type Value = Bound<'py, PyAny>;
    type Str = Bound<'py, PyString>;
    type Num = Num<'py>;
    type Bytes = PyBin<'py>;
    type Map = Bound<'py, PyDict>;
    type List = Bound<'py, PyAny>;
    type Entries = Entries<'py>;
    type Items = Items<'py>;
    type Error = PyErr;

    const DIALECT: Dialect = Dialect::Python;

    fn fail(&self, error: MarshalError) -> PyErr {
        marshal_error(error)
    }

    fn key_text(&self, key: &Bound<'py, PyString>) -> String {
        key.to_string_lossy().into_owned()
    }

    fn describe(&self, value: &Bound<'py, PyAny>) -> PyResult<String> {
        Ok(type_name(value))
    }

    fn classify(&self, value: &Bound<'py, PyAny>, loc: &Loc<'_, 'py>) -> PyResult<Kind<Self>> {
        // The common types first; bool before int (Python's bool is an int).
        Ok(if let Ok(s) = value.cast::<PyString>() {
            Kind::Str(s.clone())
        } else if value.is_none() {
            Kind::Null
        } else if let Ok(b) = value.cast::<PyBool>() {
            Kind::Bool(b.is_true())
        } else if let Ok(i) = value.cast::<PyInt>() {
            Kind::Number(int_number(i, self, loc)?)
        } else if let Ok(f) = value.cast::<PyFloat>() {
            Kind::Number(float_number(f, self, loc)?)
        } else if let Ok(dict) = value.cast::<PyDict>() {
            Kind::Map(dict.clone())
        } else if value.cast::<PyList>().is_ok() || value.cast::<PyTuple>().is_ok() {
            Kind::List(value.clone())
        } else if value.is_instance(&self.decimal)? {
            Kind::Number(decimal_number(value, self, loc)?)
        } else if let Some(bytes) = self.as_binary(value)? {
            Kind::Binary(bytes)
        } else if value.cast::<PySet>().is_ok() || value.cast::<PyFrozenSet>().is_ok() {
            Kind::Set(value.clone())
        } else {
            Kind::Unsupported(Unsupported::Type(type_name(value)))
        })
    }

    fn item_map(&self, value: &Bound<'py, PyAny>, _typed: bool) -> PyResult<Option<Bound<'py, PyDict>>> {
        Ok(value.cast::<PyDict>().ok().cloned())
    }

    fn map_len(&self, map: &Bound<'py, PyDict>) -> usize {
        map.len()
    }

    fn entries(&self, map: &Bound<'py, PyDict>) -> PyResult<Entries<'py>> {
        Ok(Entries(map.iter()))
    }

    fn list_len(&self, list: &Bound<'py, PyAny>) -> usize {
        list.len().unwrap_or(0)
    }

    fn items(&self, list: &Bound<'py, PyAny>) -> PyResult<Items<'py>> {
        Ok(if let Ok(l) = list.cast::<PyList>() {
            Items::List(l.iter())
        } else if let Ok(t) = list.cast::<PyTuple>() {
            Items::Tuple(t.iter())
        } else {
            Items::Other(list.try_iter()?)
        })
    }

    fn as_str(&self, value: &Bound<'py, PyAny>) -> Option<Bound<'py, PyString>> {
        value.cast::<PyString>().ok().cloned()
    }

    fn as_bool(&self, value: &Bound<'py, PyAny>) -> PyResult<Option<bool>> {
        Ok(value.cast::<PyBool>().ok().map(|b| b.is_true()))
    }

    fn as_binary(&self, value: &Bound<'py, PyAny>) -> PyResult<Option<PyBin<'py>>> {
        if let Ok(b) = value.cast::<PyBytes>() {
            return Ok(Some(PyBin::Bytes(b.clone())));
        }
        if let Ok(b) = value.cast::<PyByteArray>() {
            return Ok(Some(PyBin::Owned(b.to_vec())));
        }
        if value.cast::<PyMemoryView>().is_ok() {
            let bytes = self.py.get_type::<PyBytes>().call1((value,))?;
            return Ok(Some(PyBin::Bytes(bytes.cast_into::<PyBytes>()?)));
        }
        Ok(None)
    }

    fn as_map(&self, value: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyDict>>> {
        Ok(value.cast::<PyDict>().ok().cloned())
    }

    fn as_list(&self, value: &Bound<'py, PyAny>, set: bool) -> PyResult<Option<Bound<'py, PyAny>>> {
        let listlike = value.cast::<PyList>().is_ok()
            || value.cast::<PyTuple>().is_ok()
            || (set && (value.cast::<PySet>().is_ok() || value.cast::<PyFrozenSet>().is_ok()));
        Ok(listlike.then(|| value.clone()))
    }

    fn tagged(&self, map: &Bound<'py, PyDict>) -> PyResult<Tagged<Bound<'py, PyAny>>> {
        let mut entries = map.iter();
        let (Some((tag, inner)), None) = (entries.next(), entries.next()) else {
            return Ok(Tagged::Keys(Vec::new()));
        };
        let Ok(tag) = tag.cast::<PyString>() else {
            return Ok(Tagged::NotText(type_name(&tag)));
        };
        let tag = match known_tag(tag) {
            Some(name) => Tag::from_name(name.as_bytes()).ok_or_else(|| name.to_owned()),
            None => {
                let name = tag.to_cow()?;
                Tag::from_name(name.as_bytes()).ok_or_else(|| name.into_owned())
            }
        };
        Ok(Tagged::One(tag, inner))
    }

    fn text<'s>(&self, s: &'s Bound<'py, PyString>) -> PyResult<Cow<'s, str>> {
        s.to_cow()
    }

    fn lone_surrogate(&self, s: &Bound<'py, PyString>) -> PyResult<Option<(u16, usize)>> {
        let Err(e) = s.to_str() else { return Ok(None) };
        let py = self.py;
        let index: usize = e.value(py).getattr(intern!(py, "start"))?.extract()?;
        let unit: u32 =
            py.import(intern!(py, "builtins"))?.getattr(intern!(py, "ord"))?.call1((s.get_item(index)?,))?.extract()?;
        Ok(Some((unit as u16, index)))
    }

    fn typed_number(&self, text: &Bound<'py, PyString>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
        Num::from_str(text, self, loc)
    }

    fn number_text<'n>(&self, n: &'n Num<'py>, _: &Loc<'_, 'py>) -> PyResult<Cow<'n, str>> {
        Ok(Cow::Borrowed(n.text()))
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

/// Python lists are built from a `Vec` once the walk has the items.
type Out<'py> = Bound<'py, PyAny>;

impl<'py> Build<PyHost<'py>> for Typed<'py> {
    type Out = Out<'py>;
    type Map = Bound<'py, PyDict>;
    type List = Vec<Out<'py>>;
    const NEEDS_UTF8: bool = true;

    fn string(&mut self, _: &PyHost<'py>, s: Bound<'py, PyString>, _: &Loc<'_, 'py>) -> PyResult<Out<'py>> {
        self.tagged(intern!(self.py, "S"), exact_str(&s)?.as_any())
    }
    fn number(&mut self, _: &PyHost<'py>, n: Num<'py>, _: &Loc<'_, 'py>) -> PyResult<Out<'py>> {
        match n.spelled() {
            Some(s) => self.tagged(intern!(self.py, "N"), s.as_any()),
            None => self.tagged(intern!(self.py, "N"), PyString::new(self.py, n.text()).as_any()),
        }
    }
    fn boolean(&mut self, _: &PyHost<'py>, b: bool) -> PyResult<Out<'py>> {
        self.tagged(intern!(self.py, "BOOL"), PyBool::new(self.py, b).as_any())
    }
    fn null(&mut self, _: &PyHost<'py>) -> PyResult<Out<'py>> {
        self.tagged(intern!(self.py, "NULL"), PyBool::new(self.py, true).as_any())
    }
    fn binary(&mut self, _: &PyHost<'py>, b: PyBin<'py>) -> PyResult<Out<'py>> {
        self.tagged(intern!(self.py, "B"), &self.bytes(b.as_ref()))
    }
    fn set(&mut self, _: &PyHost<'py>, set: SetValue<PyHost<'py>>, _: &Loc<'_, 'py>) -> PyResult<Out<'py>> {
        let py = self.py;
        match set.attr {
            AttributeValue::Ss(s) => self.tagged(intern!(py, "SS"), PyList::new(py, s)?.as_any()),
            AttributeValue::Ns(n) => self.tagged(intern!(py, "NS"), PyList::new(py, n)?.as_any()),
            AttributeValue::Bs(b) => {
                self.tagged(intern!(py, "BS"), PyList::new(py, b.iter().map(|x| self.bytes(x)))?.as_any())
            }
            other => Err(PyValueError::new_err(format!("not a set: {}", other.type_name()))),
        }
    }
    fn new_map(&mut self, _: &PyHost<'py>, _: usize) -> PyResult<Bound<'py, PyDict>> {
        Ok(PyDict::new(self.py))
    }
    fn insert(
        &mut self,
        _: &PyHost<'py>,
        map: &mut Bound<'py, PyDict>,
        key: Bound<'py, PyString>,
        value: Out<'py>,
    ) -> PyResult<()> {
        set_str_item(map, &key, &value)
    }
    fn map(&mut self, _: &PyHost<'py>, map: Bound<'py, PyDict>) -> PyResult<Out<'py>> {
        self.tagged(intern!(self.py, "M"), map.as_any())
    }
    fn new_list(&mut self, _: &PyHost<'py>, len: usize) -> PyResult<Vec<Out<'py>>> {
        Ok(Vec::with_capacity(len))
    }
    fn push(&mut self, _: &PyHost<'py>, list: &mut Vec<Out<'py>>, value: Out<'py>) -> PyResult<()> {
        list.push(value);
        Ok(())
    }
    fn list(&mut self, _: &PyHost<'py>, list: Vec<Out<'py>>) -> PyResult<Out<'py>> {
        self.tagged(intern!(self.py, "L"), PyList::new(self.py, list)?.as_any())
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

    fn number(&self, n: &Num<'py>) -> PyResult<Out<'py>> {
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
}

impl<'py> Build<PyHost<'py>> for Plain<'py> {
    type Out = Out<'py>;
    type Map = Bound<'py, PyDict>;
    type List = Vec<Out<'py>>;
    const NEEDS_UTF8: bool = false;

    fn string(&mut self, _: &PyHost<'py>, s: Bound<'py, PyString>, _: &Loc<'_, 'py>) -> PyResult<Out<'py>> {
        Ok(exact_str(&s)?.into_any())
    }
    fn number(&mut self, _: &PyHost<'py>, n: Num<'py>, _: &Loc<'_, 'py>) -> PyResult<Out<'py>> {
        Plain::number(self, &n)
    }
    fn boolean(&mut self, _: &PyHost<'py>, b: bool) -> PyResult<Out<'py>> {
        Ok(PyBool::new(self.py, b).to_owned().into_any())
    }
    fn null(&mut self, _: &PyHost<'py>) -> PyResult<Out<'py>> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn binary(&mut self, _: &PyHost<'py>, b: PyBin<'py>) -> PyResult<Out<'py>> {
        Ok(PyBytes::new(self.py, b.as_ref()).into_any())
    }
    fn set(&mut self, _: &PyHost<'py>, set: SetValue<PyHost<'py>>, _: &Loc<'_, 'py>) -> PyResult<Out<'py>> {
        let py = self.py;
        Ok(match set.attr {
            AttributeValue::Ss(s) => PySet::new(py, s)?.into_any(),
            AttributeValue::Ns(n) => {
                let numbers = n
                    .into_iter()
                    .map(|text| Plain::number(self, &Num::Normal { text, spelled: None }))
                    .collect::<PyResult<Vec<_>>>()?;
                PySet::new(py, numbers)?.into_any()
            }
            AttributeValue::Bs(b) => PySet::new(py, b.iter().map(|x| PyBytes::new(py, x)))?.into_any(),
            other => return Err(PyValueError::new_err(format!("not a set: {}", other.type_name()))),
        })
    }
    fn new_map(&mut self, _: &PyHost<'py>, _: usize) -> PyResult<Bound<'py, PyDict>> {
        Ok(PyDict::new(self.py))
    }
    fn insert(
        &mut self,
        _: &PyHost<'py>,
        map: &mut Bound<'py, PyDict>,
        key: Bound<'py, PyString>,
        value: Out<'py>,
    ) -> PyResult<()> {
        set_str_item(map, &key, &value)
    }
    fn map(&mut self, _: &PyHost<'py>, map: Bound<'py, PyDict>) -> PyResult<Out<'py>> {
        Ok(map.into_any())
    }
    fn new_list(&mut self, _: &PyHost<'py>, len: usize) -> PyResult<Vec<Out<'py>>> {
        Ok(Vec::with_capacity(len))
    }
    fn push(&mut self, _: &PyHost<'py>, list: &mut Vec<Out<'py>>, value: Out<'py>) -> PyResult<()> {
        list.push(value);
        Ok(())
    }
    fn list(&mut self, _: &PyHost<'py>, list: Vec<Out<'py>>) -> PyResult<Out<'py>> {
        Ok(PyList::new(self.py, list)?.into_any())
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
    guard(|| {
        let host = PyHost::new(py)?;
        PlainReader { host: &host, build: Typed { py, binary }, skip_undefined: false }.item(item, &Loc::Root)
    })?
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
    guard(|| {
        let host = PyHost::new(py)?;
        PlainReader { host: &host, build: Typed { py, binary }, skip_undefined: false }.value(value, &Loc::Root, 0)
    })?
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
    guard(|| {
        let host = PyHost::new(py)?;
        TypedReader { host: &host, build: Plain::new(py, numbers)? }.item(item, &Loc::Root)
    })?
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
    guard(|| {
        let host = PyHost::new(py)?;
        TypedReader { host: &host, build: Plain::new(py, numbers)? }.value(value, &Loc::Root, 0)
    })?
}
