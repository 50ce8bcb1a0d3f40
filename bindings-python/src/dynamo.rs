//! `marshall`, `marshall_value`, `unmarshall`, `unmarshall_value`: Python
//! values ⇄ DynamoDB attribute values.
//!
//! The walk and its rules are the core's (`stepforge::dynamo::walk`): this
//! module says only how to read Python values ([`PyHost`]: `str` S, `int` N
//! exact and of any size, `float` N with the digits `repr` prints, `Decimal`
//! N exact, `bool` BOOL, `None` NULL, `bytes`/`bytearray`/`memoryview` B,
//! `dict` with str keys M, `list`/`tuple` L, `set`/`frozenset` SS, NS or BS)
//! and how to make them (`Make`: the core's `Typed` builder makes DynamoDB
//! JSON dicts for `marshall`, its `Plain` builder plain values for
//! `unmarshall`, its `Attr` the loader's items). There is no JSON text and
//! no intermediate tree in between: strings and dict keys are passed on as
//! the same Python objects, a number already in normal form (most are) stays
//! on the stack (the core's `Normal`) and its Python str is passed on too.

use std::borrow::Cow;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::iter::{BoundDictIterator, BoundListIterator, BoundTupleIterator};
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyIterator, PyList, PyMemoryView, PySet,
    PyString, PyTuple, PyType,
};
use pyo3::{ffi, intern};
use stepforge::dynamo::MarshalError;
use stepforge::dynamo::walk::{
    self, BinaryForm, Dialect, Host, Kind, Make, MapKey, Normal, Numbers, Plain, PlainReader, Tag, Tagged, Typed,
    TypedReader, Unsupported,
};

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

/// A number in DynamoDB's normal form; its Python str, when it had one
/// that reads the same (an exact `str`), is passed on instead of a new one.
pub(crate) type Num<'py> = Normal<Bound<'py, PyString>>;

/// The text of the str `s`, checked and normalized by the core.
fn str_number<'py>(s: &Bound<'py, PyString>, host: &PyHost<'py>, loc: &Loc<'_, 'py>) -> PyResult<Num<'py>> {
    let spelled = || s.is_exact_instance_of::<PyString>().then(|| s.clone());
    Num::parse(utf8(host, s, loc)?, spelled).map_err(|e| host.error_at(loc, e))
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
        return Ok(Num::int(n));
    }
    // Beyond 64 bits: the decimal text of the value (of `int(i)` for a
    // subclass, whose `str` may say something else).
    let text =
        if i.is_exact_instance_of::<PyInt>() { i.str()? } else { i.py().get_type::<PyInt>().call1((i,))?.str()? };
    str_number(&text, host, loc)
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
    str_number(&repr, host, loc)
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
    let text = s.to_cow()?;
    if text.contains(['N', 'n', 'I', 'i']) {
        return Err(host.error_at(loc, Dialect::Python.not_finite(&format!("Decimal('{text}')"))));
    }
    let spelled = || s.is_exact_instance_of::<PyString>().then(|| s.clone());
    Num::parse(&text, spelled).map_err(|e| host.error_at(loc, e))
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
            Some(tag) => Ok(tag),
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
        str_number(text, self, loc)
    }

    fn number_text<'n>(&self, n: &'n Num<'py>, _: &Loc<'_, 'py>) -> PyResult<Cow<'n, str>> {
        Ok(Cow::Borrowed(n.text()))
    }
}

impl<'py> Make for PyHost<'py> {
    type Out = Bound<'py, PyAny>;
    type MapOut = Bound<'py, PyDict>;
    type ListOut = Vec<Bound<'py, PyAny>>;

    fn make_str(&self, s: Bound<'py, PyString>) -> PyResult<Out<'py>> {
        Ok(exact_str(&s)?.into_any())
    }
    fn make_text(&self, text: &str) -> PyResult<Out<'py>> {
        Ok(PyString::new(self.py, text).into_any())
    }
    fn make_bool(&self, b: bool) -> PyResult<Out<'py>> {
        Ok(PyBool::new(self.py, b).to_owned().into_any())
    }
    fn make_null(&self) -> PyResult<Out<'py>> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn make_binary(&self, b: &PyBin<'py>) -> PyResult<Out<'py>> {
        match b {
            PyBin::Bytes(b) if b.is_exact_instance_of::<PyBytes>() => Ok(b.clone().into_any()),
            other => Ok(PyBytes::new(self.py, other.as_ref()).into_any()),
        }
    }
    fn make_number_text(&self, n: &Num<'py>, _: &Loc<'_, 'py>) -> PyResult<Out<'py>> {
        match n.spelled() {
            Some(s) => Ok(s.clone().into_any()),
            None => self.make_text(n.text()),
        }
    }
    fn make_number(&self, n: &Num<'py>, numbers: Numbers, _: &Loc<'_, 'py>) -> PyResult<Out<'py>> {
        let (py, text) = (self.py, n.text());
        match numbers {
            Numbers::Exact => self.decimal.call1((self.make_number_text(n, &Loc::Root)?,)),
            // Normal text has a point exactly when it is not integral.
            Numbers::Native if text.contains('.') => {
                let f = text.parse::<f64>().map_err(|e| PyValueError::new_err(format!("{text}: {e}")))?;
                Ok(PyFloat::new(py, f).into_any())
            }
            Numbers::Native => match text.parse::<i64>() {
                Ok(i) => Ok(i.into_pyobject(py)?.into_any()),
                // Beyond 64 bits: Python's int parses it exactly.
                Err(_) => py.get_type::<PyInt>().call1((text,)),
            },
        }
    }
    fn make_tagged(&self, tag: Tag, value: Out<'py>) -> PyResult<Out<'py>> {
        let dict = PyDict::new(self.py);
        dict.set_item(tag_key(self.py, tag), value)?;
        Ok(dict.into_any())
    }
    fn make_set(&self, members: Vec<Out<'py>>) -> PyResult<Out<'py>> {
        Ok(PySet::new(self.py, members)?.into_any())
    }
    fn new_map_out(&self) -> PyResult<Bound<'py, PyDict>> {
        Ok(PyDict::new(self.py))
    }
    fn insert_out(&self, map: &mut Bound<'py, PyDict>, key: Bound<'py, PyString>, value: Out<'py>) -> PyResult<()> {
        if key.is_exact_instance_of::<PyString>() {
            map.set_item(key, value)
        } else {
            map.set_item(exact_str(&key)?, value)
        }
    }
    fn map_out(&self, map: Bound<'py, PyDict>) -> PyResult<Out<'py>> {
        Ok(map.into_any())
    }
    fn new_list_out(&self, len: usize) -> PyResult<Vec<Out<'py>>> {
        Ok(Vec::with_capacity(len))
    }
    fn push_out(&self, list: &mut Vec<Out<'py>>, value: Out<'py>) -> PyResult<()> {
        list.push(value);
        Ok(())
    }
    fn list_out(&self, list: Vec<Out<'py>>) -> PyResult<Out<'py>> {
        Ok(PyList::new(self.py, list)?.into_any())
    }
}

/// Python values are made from a `Vec` once the walk has the items.
type Out<'py> = Bound<'py, PyAny>;

/// A type tag's key, as an interned str.
fn tag_key(py: Python<'_>, tag: Tag) -> &Bound<'_, PyString> {
    match tag {
        Tag::S => intern!(py, "S"),
        Tag::N => intern!(py, "N"),
        Tag::B => intern!(py, "B"),
        Tag::Bool => intern!(py, "BOOL"),
        Tag::Null => intern!(py, "NULL"),
        Tag::M => intern!(py, "M"),
        Tag::L => intern!(py, "L"),
        Tag::Ss => intern!(py, "SS"),
        Tag::Ns => intern!(py, "NS"),
        Tag::Bs => intern!(py, "BS"),
    }
}

/// The tag when its key is one of the interned tag strs (the usual case for
/// literals and for dicts `marshall` made): no text conversion needed.
fn known_tag(tag: &Bound<'_, PyString>) -> Option<Tag> {
    Tag::ALL.into_iter().find(|&t| tag_key(tag.py(), t).as_ptr() == tag.as_ptr())
}

fn binary_form(binary: &str) -> PyResult<Typed> {
    Ok(Typed { binary: BinaryForm::parse(Dialect::Python, binary).map_err(PyValueError::new_err)? })
}

fn numbers(numbers: &str) -> PyResult<Plain> {
    Ok(Plain { numbers: Numbers::parse_python(numbers).map_err(PyValueError::new_err)? })
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
    let build = binary_form(binary)?;
    guard(|| {
        let host = PyHost::new(py)?;
        PlainReader { host: &host, build, skip_undefined: false }.item(item, &Loc::Root)
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
    let build = binary_form(binary)?;
    guard(|| {
        let host = PyHost::new(py)?;
        PlainReader { host: &host, build, skip_undefined: false }.value(value, &Loc::Root, 0)
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
        TypedReader { host: &host, build: self::numbers(numbers)? }.item(item, &Loc::Root)
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
        TypedReader { host: &host, build: self::numbers(numbers)? }.value(value, &Loc::Root, 0)
    })?
}
