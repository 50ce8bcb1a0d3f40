//! `marshall`, `marshallValue`, `unmarshall`, `unmarshallValue`: JavaScript
//! values ⇄ DynamoDB attribute values, and the items `loadDdb` takes from
//! memory.
//!
//! Two readers walk JavaScript data: [`PlainReader`] reads plain values
//! (string S; number N, written as `String(n)`; bigint N, exact; boolean
//! BOOL; null NULL; Uint8Array, Buffer, ArrayBuffer, other views B; array L;
//! plain object M; `Set` SS, NS or BS; `DynamoNumber` N, exact) and
//! [`TypedReader`] reads attribute values (`{ S: 'x' }`, as the AWS SDK for
//! JavaScript v3 and `marshall` write them; `B` as a Uint8Array or as base64
//! text, as DynamoDB JSON from the AWS CLI has it). Each hands what it reads
//! to a [`Build`]er:
//!
//! - [`Typed`] makes attribute value objects (`marshall`),
//! - [`Native`] makes plain JavaScript values (`unmarshall`),
//! - [`Attr`] makes the core's `AttributeValue`s (`loadDdb`'s items).
//!
//! The rules are the core's: numbers are checked by `number::normalize` (38
//! significant digits, DynamoDB's range), sets by
//! `AttributeValue::string_set`/`number_set`/`binary_set` (not empty, no
//! repeats), lists and maps nest at most `attr::MAX_DEPTH` deep; what breaks
//! them is a `MarshalError` with the JSON pointer of the value.
//!
//! Speed: everything goes through Node-API's value calls directly, with no
//! JSON text and no intermediate tree. Strings, booleans and Uint8Arrays are
//! passed on as the same JavaScript values, a number's text is V8's own
//! `String(n)`, and the type tags are property keys made once by
//! `runtime.js` (see [`Slot`]), so the hot path creates no key strings.
//! Even so, a Node-API call costs more than the same step in JavaScript:
//! `marshall` and `unmarshall` are fronted by `fast_path.js`, which converts
//! the plain cases in JavaScript and hands everything else to this module.

use std::ptr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue, sys};
use napi_derive::napi;
use stepforge::dynamo::attr::{self, AttributeValue, Item, MAX_DEPTH};
use stepforge::dynamo::walk::Tag;
use stepforge::dynamo::{MarshalError, number};
use stepforge::error::escape_token;

use crate::errors::{Failure, Result, guard};
use crate::runtime::{self, js_class};
use crate::value::Props;

type Value = sys::napi_value;

use sys::ValueType::{
    napi_bigint as BIGINT, napi_boolean as BOOLEAN, napi_function as FUNCTION, napi_null as NULL,
    napi_number as NUMBER, napi_object as OBJECT, napi_string as STRING, napi_symbol as SYMBOL,
    napi_undefined as UNDEFINED,
};

// ---- Node-API, thinly ----

#[inline(always)]
fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok { Ok(()) } else { Err(napi_failure(status)) }
}

#[cold]
#[inline(never)]
fn napi_failure(status: sys::napi_status) -> Failure {
    // A pending JavaScript exception (a getter that threw) keeps its status,
    // so napi-rs rethrows that exception rather than this message.
    Failure::Js(napi::Error::new(napi::Status::from(status), "a Node-API call failed while converting a value"))
}

/// Node-API calls on one environment. Only used during a call from
/// JavaScript, on its thread, with values of the current handle scope.
#[derive(Clone, Copy)]
pub(crate) struct Js(sys::napi_env);

/// Calls a Node-API function whose last parameter is its result.
macro_rules! out {
    ($f:ident($env:expr $(, $arg:expr)*) -> value) => {{
        let mut result: Value = ptr::null_mut();
        check(unsafe { sys::$f($env $(, $arg)*, &mut result) }).map(|()| result)
    }};
    ($f:ident($env:expr $(, $arg:expr)*) -> $ty:ty) => {{
        let mut result: $ty = Default::default();
        check(unsafe { sys::$f($env $(, $arg)*, &mut result) }).map(|()| result)
    }};
}

impl Js {
    #[inline]
    fn type_of(self, v: Value) -> Result<i32> {
        out!(napi_typeof(self.0, v) -> i32)
    }

    #[inline]
    fn is_array(self, v: Value) -> Result<bool> {
        out!(napi_is_array(self.0, v) -> bool)
    }

    #[inline]
    fn object(self) -> Result<Value> {
        out!(napi_create_object(self.0) -> value)
    }

    #[inline]
    fn set(self, object: Value, key: Value, value: Value) -> Result<()> {
        check(unsafe { sys::napi_set_property(self.0, object, key, value) })
    }

    /// Defines `key` as an own data property, as an object literal would:
    /// no setter (`__proto__`'s, one on `Object.prototype`) is called.
    fn define(self, object: Value, key: Value, value: Value) -> Result<()> {
        let property = sys::napi_property_descriptor {
            utf8name: ptr::null(),
            name: key,
            method: None,
            getter: None,
            setter: None,
            value,
            attributes: sys::PropertyAttributes::writable
                | sys::PropertyAttributes::enumerable
                | sys::PropertyAttributes::configurable,
            data: ptr::null_mut(),
        };
        check(unsafe { sys::napi_define_properties(self.0, object, 1, &property) })
    }

    fn strict_equals(self, a: Value, b: Value) -> Result<bool> {
        out!(napi_strict_equals(self.0, a, b) -> bool)
    }

    #[inline]
    fn get(self, object: Value, key: Value) -> Result<Value> {
        out!(napi_get_property(self.0, object, key) -> value)
    }

    fn get_named(self, object: Value, key: &std::ffi::CStr) -> Result<Value> {
        out!(napi_get_named_property(self.0, object, key.as_ptr()) -> value)
    }

    #[inline]
    fn element(self, array: Value, index: u32) -> Result<Value> {
        out!(napi_get_element(self.0, array, index) -> value)
    }

    #[inline]
    fn set_element(self, array: Value, index: u32, value: Value) -> Result<()> {
        check(unsafe { sys::napi_set_element(self.0, array, index, value) })
    }

    #[inline]
    fn array(self, len: usize) -> Result<Value> {
        out!(napi_create_array_with_length(self.0, len) -> value)
    }

    #[inline]
    fn length(self, array: Value) -> Result<u32> {
        out!(napi_get_array_length(self.0, array) -> u32)
    }

    #[inline]
    fn prototype(self, v: Value) -> Result<Value> {
        out!(napi_get_prototype(self.0, v) -> value)
    }

    #[inline]
    fn same(self, a: Value, b: Value) -> Result<bool> {
        out!(napi_strict_equals(self.0, a, b) -> bool)
    }

    #[inline]
    fn double(self, v: Value) -> Result<f64> {
        out!(napi_get_value_double(self.0, v) -> f64)
    }

    #[inline]
    fn bool(self, v: Value) -> Result<bool> {
        out!(napi_get_value_bool(self.0, v) -> bool)
    }

    /// `String(v)`.
    #[inline]
    fn to_string(self, v: Value) -> Result<Value> {
        out!(napi_coerce_to_string(self.0, v) -> value)
    }

    #[inline]
    fn create_double(self, f: f64) -> Result<Value> {
        out!(napi_create_double(self.0, f) -> value)
    }

    #[inline]
    fn boolean(self, b: bool) -> Result<Value> {
        out!(napi_get_boolean(self.0, b) -> value)
    }

    #[inline]
    fn null(self) -> Result<Value> {
        out!(napi_get_null(self.0) -> value)
    }

    fn undefined(self) -> Result<Value> {
        out!(napi_get_undefined(self.0) -> value)
    }

    fn string(self, s: &str) -> Result<Value> {
        out!(napi_create_string_utf8(self.0, s.as_ptr().cast(), s.len() as isize) -> value)
    }

    /// A string's text.
    fn utf8(self, v: Value) -> Result<String> {
        let len = out!(napi_get_value_string_utf8(self.0, v, ptr::null_mut(), 0) -> usize)?;
        let mut buf = vec![0u8; len + 1];
        let written = out!(napi_get_value_string_utf8(self.0, v, buf.as_mut_ptr().cast(), buf.len()) -> usize)?;
        buf.truncate(written);
        String::from_utf8(buf).map_err(|_| napi_failure(sys::Status::napi_string_expected))
    }

    /// Where a string has a lone surrogate (a UTF-16 code unit index), if it
    /// has one: such a string has no UTF-8 form, so DynamoDB cannot store it
    /// (`napi_get_value_string_utf8` would put U+FFFD in its place).
    fn lone_surrogate(self, v: Value) -> Result<Option<(usize, u16)>> {
        let len = out!(napi_get_value_string_utf16(self.0, v, ptr::null_mut(), 0) -> usize)?;
        let mut buf = vec![0u16; len + 1];
        let written = out!(napi_get_value_string_utf16(self.0, v, buf.as_mut_ptr(), buf.len()) -> usize)?;
        buf.truncate(written);
        let mut i = 0;
        while i < buf.len() {
            let unit = buf[i];
            match unit {
                0xD800..=0xDBFF if matches!(buf.get(i + 1), Some(0xDC00..=0xDFFF)) => i += 2,
                0xD800..=0xDFFF => return Ok(Some((i, unit))),
                _ => i += 1,
            }
        }
        Ok(None)
    }

    /// A short string's text into `buf`; `None` when it may not fit.
    #[inline]
    fn utf8_short(self, v: Value, buf: &mut [u8]) -> Result<Option<&[u8]>> {
        let written = out!(napi_get_value_string_utf8(self.0, v, buf.as_mut_ptr().cast(), buf.len()) -> usize)?;
        Ok((written + 1 < buf.len()).then(|| &buf[..written]))
    }

    /// An object's own enumerable string keys, in `Object.keys` order.
    #[inline]
    fn keys(self, object: Value) -> Result<Value> {
        out!(napi_get_all_property_names(
            self.0,
            object,
            sys::KeyCollectionMode::own_only,
            sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
            sys::KeyConversion::numbers_to_strings
        ) -> value)
    }

    fn instance_of(self, v: Value, class: Value) -> Result<bool> {
        out!(napi_instanceof(self.0, v, class) -> bool)
    }

    fn call1(self, function: Value, arg: Value) -> Result<Value> {
        let this = self.undefined()?;
        out!(napi_call_function(self.0, this, function, 1, &arg) -> value)
    }

    fn new1(self, class: Value, arg: Value) -> Result<Value> {
        out!(napi_new_instance(self.0, class, 1, &arg) -> value)
    }

    /// A BigInt from decimal digits.
    fn bigint(self, negative: bool, digits: &str) -> Result<Value> {
        let mut words: Vec<u64> = vec![0];
        for d in digits.bytes() {
            let mut carry = u128::from(d - b'0');
            for w in words.iter_mut() {
                let x = u128::from(*w) * 10 + carry;
                *w = x as u64;
                carry = x >> 64;
            }
            if carry > 0 {
                words.push(carry as u64);
            }
        }
        out!(napi_create_bigint_words(self.0, i32::from(negative), words.len(), words.as_ptr()) -> value)
    }

    /// The bytes of a Uint8Array (or Buffer), another typed array, a DataView
    /// or an ArrayBuffer; `None` for other values.
    fn binary(self, v: Value) -> Result<Option<Bin>> {
        if out!(napi_is_typedarray(self.0, v) -> bool)? {
            let (mut kind, mut length, mut data, mut buffer, mut offset) = (0, 0, ptr::null_mut(), ptr::null_mut(), 0);
            check(unsafe {
                sys::napi_get_typedarray_info(self.0, v, &mut kind, &mut length, &mut data, &mut buffer, &mut offset)
            })?;
            use sys::TypedarrayType as T;
            let width = match kind {
                T::int16_array | T::uint16_array => 2,
                T::int32_array | T::uint32_array | T::float32_array => 4,
                T::float64_array | T::bigint64_array | T::biguint64_array => 8,
                _ => 1,
            };
            let bin =
                Bin { js: v, uint8: kind == T::uint8_array, buffer, offset, data: data.cast(), len: length * width };
            return Ok(Some(bin));
        }
        if out!(napi_is_arraybuffer(self.0, v) -> bool)? {
            let (mut data, mut len) = (ptr::null_mut(), 0);
            check(unsafe { sys::napi_get_arraybuffer_info(self.0, v, &mut data, &mut len) })?;
            return Ok(Some(Bin { js: v, uint8: false, buffer: v, offset: 0, data: data.cast(), len }));
        }
        if out!(napi_is_dataview(self.0, v) -> bool)? {
            let (mut len, mut data, mut buffer, mut offset) = (0, ptr::null_mut(), ptr::null_mut(), 0);
            check(unsafe { sys::napi_get_dataview_info(self.0, v, &mut len, &mut data, &mut buffer, &mut offset) })?;
            return Ok(Some(Bin { js: v, uint8: false, buffer, offset, data: data.cast(), len }));
        }
        Ok(None)
    }

    /// A new Uint8Array holding a copy of `bytes`.
    fn new_uint8array(self, bytes: &[u8]) -> Result<Value> {
        let mut data = ptr::null_mut();
        let buffer = out!(napi_create_arraybuffer(self.0, bytes.len(), &mut data) -> value)?;
        if !bytes.is_empty() {
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), data.cast::<u8>(), bytes.len()) };
        }
        out!(napi_create_typedarray(self.0, sys::TypedarrayType::uint8_array, bytes.len(), buffer, 0) -> value)
    }

    /// The name of an object's class (`constructor.name`), if it has one.
    fn class_name(self, v: Value) -> Result<Option<String>> {
        let constructor = self.get_named(v, c"constructor")?;
        if self.type_of(constructor)? != FUNCTION {
            return Ok(None);
        }
        let name = self.get_named(constructor, c"name")?;
        if self.type_of(name)? != STRING {
            return Ok(None);
        }
        Ok(Some(self.utf8(name)?).filter(|n| !n.is_empty()))
    }

    /// How a value reads in a message: `a Date`, `a symbol`.
    fn describe(self, v: Value) -> Result<String> {
        Ok(match self.type_of(v)? {
            UNDEFINED => "undefined".into(),
            NULL => "null".into(),
            BOOLEAN => "a boolean".into(),
            NUMBER => "a number".into(),
            STRING => "a string".into(),
            SYMBOL => "a symbol".into(),
            FUNCTION => "a function".into(),
            BIGINT => "a bigint".into(),
            OBJECT if self.is_array(v)? => "an array".into(),
            OBJECT => match self.class_name(v)? {
                Some(name) if name != "Object" => format!("a {name}"),
                _ => "an object".into(),
            },
            _ => "an external value".into(),
        })
    }

    /// Opens a handle scope: values made until it closes die with it.
    pub(crate) fn open_scope(self) -> Result<sys::napi_handle_scope> {
        out!(napi_open_handle_scope(self.0) -> sys::napi_handle_scope)
    }

    pub(crate) fn close_scope(self, scope: sys::napi_handle_scope) -> Result<()> {
        check(unsafe { sys::napi_close_handle_scope(self.0, scope) })
    }
}

/// Binary data in JavaScript memory: a typed array, DataView or ArrayBuffer.
pub(crate) struct Bin {
    js: Value,
    /// A Uint8Array (or Buffer): passed on as it is.
    uint8: bool,
    buffer: Value,
    offset: usize,
    data: *const u8,
    len: usize,
}

impl Bin {
    fn bytes(&self) -> &[u8] {
        if self.len == 0 || self.data.is_null() {
            &[]
        } else {
            // SAFETY: the backing store of a live typed array, read before any JavaScript runs.
            unsafe { std::slice::from_raw_parts(self.data, self.len) }
        }
    }
}

/// Binary data read from JavaScript.
pub(crate) enum Binary {
    /// Bytes in JavaScript memory.
    View(Bin),
    /// Bytes decoded from base64 text.
    Owned(Vec<u8>),
}

impl Binary {
    fn bytes(&self) -> &[u8] {
        match self {
            Binary::View(b) => b.bytes(),
            Binary::Owned(v) => v,
        }
    }

    /// The bytes as a Uint8Array: the same object for a Uint8Array (as
    /// `@aws-sdk/util-dynamodb` does), a view of the same memory for other
    /// views and ArrayBuffers, a new one for decoded text.
    fn uint8array(&self, js: Js) -> Result<Value> {
        match self {
            Binary::View(b) if b.uint8 => Ok(b.js),
            Binary::View(b) => {
                out!(napi_create_typedarray(js.0, sys::TypedarrayType::uint8_array, b.len, b.buffer, b.offset) -> value)
            }
            Binary::Owned(bytes) => js.new_uint8array(bytes),
        }
    }
}

// ---- the values runtime.js makes once ----

/// The entries of `runtime.js`'s `dynamo` array, in order.
#[derive(Clone, Copy)]
#[repr(u32)]
enum Slot {
    // The type tags, in the order of `Tag`.
    S,
    N,
    B,
    Bool,
    Null,
    M,
    L,
    Ss,
    Ns,
    Bs,
    ObjectPrototype,
    Set,
    DynamoNumber,
    /// `(set) => Array.from(set)`.
    SetMembers,
    /// `'number'`: the field of a `DynamoNumber`.
    NumberKey,
    /// `'__proto__'`: a key that `napi_set_property` would take as the
    /// prototype's setter (see [`Cx::insert`]).
    ProtoKey,
}

const SLOTS: usize = Slot::ProtoKey as usize + 1;

/// The context of one conversion: the environment and the values of
/// [`Slot`], fetched when first needed.
pub(crate) struct Cx {
    js: Js,
    table: Value,
    slots: [Value; SLOTS],
}

impl Cx {
    pub(crate) fn new(env: &Env) -> Result<Cx> {
        Ok(Cx { js: Js(env.raw()), table: runtime::dynamo_table(env)?, slots: [ptr::null_mut(); SLOTS] })
    }

    #[inline]
    fn slot(&mut self, slot: Slot) -> Result<Value> {
        let v = self.slots[slot as usize];
        if !v.is_null() {
            return Ok(v);
        }
        let v = self.js.element(self.table, slot as u32)?;
        self.slots[slot as usize] = v;
        Ok(v)
    }

    /// Sets `map[key] = value` on a map being built. The key `__proto__`
    /// becomes an own property, as in `{ ['__proto__']: value }`, rather
    /// than the map's prototype.
    #[inline]
    fn insert(&mut self, map: Value, key: Value, value: Value) -> Result<()> {
        let proto = self.slot(Slot::ProtoKey)?;
        if self.js.strict_equals(key, proto)? {
            return self.js.define(map, key, value);
        }
        self.js.set(map, key, value)
    }

    /// Fetches every slot now, so that they outlive inner handle scopes.
    pub(crate) fn fetch_all(&mut self) -> Result<()> {
        for i in 0..SLOTS {
            self.slots[i] = self.js.element(self.table, i as u32)?;
        }
        Ok(())
    }

    pub(crate) fn js(&self) -> Js {
        self.js
    }
}

/// The `runtime.js` slot of a type tag's key.
trait TagSlot {
    fn slot(self) -> Slot;
}

impl TagSlot for Tag {
    fn slot(self) -> Slot {
        match self {
            Tag::S => Slot::S,
            Tag::N => Slot::N,
            Tag::B => Slot::B,
            Tag::Bool => Slot::Bool,
            Tag::Null => Slot::Null,
            Tag::M => Slot::M,
            Tag::L => Slot::L,
            Tag::Ss => Slot::Ss,
            Tag::Ns => Slot::Ns,
            Tag::Bs => Slot::Bs,
        }
    }
}

// ---- where a value is ----

/// Where a value is; made into a JSON pointer only when an error needs it.
#[derive(Clone, Copy)]
pub(crate) enum Loc<'a> {
    /// What was given.
    Root,
    /// A member of an object (the key, a JavaScript string).
    Key(&'a Loc<'a>, Value),
    /// The type tag of an attribute value (`/S`).
    Tag(&'a Loc<'a>, &'static str),
    /// An element of an array (or of the items given to `loadDdb`), or a set member.
    Index(&'a Loc<'a>, usize),
}

impl Loc<'_> {
    fn pointer(&self, js: Js) -> String {
        match self {
            Loc::Root => String::new(),
            Loc::Key(parent, key) => {
                let key = js.utf8(*key).unwrap_or_default();
                format!("{}/{}", parent.pointer(js), escape_token(&key))
            }
            Loc::Tag(parent, tag) => format!("{}/{tag}", parent.pointer(js)),
            Loc::Index(parent, i) => format!("{}/{i}", parent.pointer(js)),
        }
    }

    /// A `MarshalError` here.
    #[cold]
    #[inline(never)]
    fn fail(&self, js: Js, message: impl Into<String>) -> Failure {
        Failure::Marshal(MarshalError::new(self.pointer(js), message))
    }

    #[cold]
    fn too_deep(&self, js: Js) -> Failure {
        self.fail(js, format!("documents nest at most {MAX_DEPTH} levels deep in DynamoDB"))
    }
}

// ---- builders ----

/// A number, as a reader found it.
pub(crate) enum Num<'a> {
    /// A JavaScript number, finite and in DynamoDB's range.
    Double(Value),
    /// A whole number of at most 15 digits, read from `N` text.
    Int(i64),
    /// Normalized decimal text, and a JavaScript string of a valid text for
    /// `N` if there is one at hand.
    Text(&'a str, Option<Value>),
}

/// The members of a set, checked by the core.
pub(crate) struct SetValue {
    /// The JavaScript values of a typed set: strings for SS, `N` texts for
    /// NS, Uint8Arrays for BS.
    js: Vec<Value>,
    /// The set as the core has it (`Ss`, `Ns` with normalized texts, `Bs`).
    attr: AttributeValue,
}

/// What a reader makes of the values it reads.
pub(crate) trait Build {
    type Value;
    type Map;
    type List;
    /// Whether what this builds goes into a request, so strings must have
    /// a UTF-8 form (`marshall`, `loadDdb`); `unmarshall` passes them on.
    const NEEDS_UTF8: bool;
    fn string(&mut self, cx: &mut Cx, s: Value) -> Result<Self::Value>;
    fn number(&mut self, cx: &mut Cx, n: Num<'_>, loc: &Loc) -> Result<Self::Value>;
    fn boolean(&mut self, cx: &mut Cx, b: Value) -> Result<Self::Value>;
    fn null(&mut self, cx: &mut Cx) -> Result<Self::Value>;
    fn binary(&mut self, cx: &mut Cx, b: Binary) -> Result<Self::Value>;
    fn new_map(&mut self, cx: &mut Cx) -> Result<Self::Map>;
    fn insert(&mut self, cx: &mut Cx, map: &mut Self::Map, key: Value, value: Self::Value) -> Result<()>;
    fn map(&mut self, cx: &mut Cx, map: Self::Map) -> Result<Self::Value>;
    fn new_list(&mut self, cx: &mut Cx, len: u32) -> Result<Self::List>;
    fn push(&mut self, cx: &mut Cx, list: &mut Self::List, value: Self::Value) -> Result<()>;
    fn list(&mut self, cx: &mut Cx, list: Self::List) -> Result<Self::Value>;
    fn set(&mut self, cx: &mut Cx, set: SetValue, loc: &Loc) -> Result<Self::Value>;
}

/// `{ <tag>: value }`.
#[inline]
fn tagged(cx: &mut Cx, tag: Tag, value: Value) -> Result<Value> {
    let object = cx.js.object()?;
    let key = cx.slot(tag.slot())?;
    cx.js.set(object, key, value)?;
    Ok(object)
}

/// A JavaScript array filled in order; shortened at the end if fewer values came.
pub(crate) struct JsList {
    array: Value,
    len: u32,
    capacity: u32,
}

fn new_js_list(js: Js, capacity: u32) -> Result<JsList> {
    Ok(JsList { array: js.array(capacity as usize)?, len: 0, capacity })
}

#[inline]
fn push_js(js: Js, list: &mut JsList, value: Value) -> Result<()> {
    js.set_element(list.array, list.len, value)?;
    list.len += 1;
    Ok(())
}

fn finish_js_list(js: Js, list: JsList) -> Result<Value> {
    if list.len < list.capacity {
        let len = out!(napi_create_uint32(js.0, list.len) -> value)?;
        check(unsafe { sys::napi_set_named_property(js.0, list.array, c"length".as_ptr(), len) })?;
    }
    Ok(list.array)
}

fn js_array(js: Js, values: &[Value]) -> Result<Value> {
    let array = js.array(values.len())?;
    for (i, v) in values.iter().enumerate() {
        js.set_element(array, i as u32, *v)?;
    }
    Ok(array)
}

/// Makes attribute value objects, as `@aws-sdk/util-dynamodb`'s `marshall` does.
pub(crate) struct Typed {
    /// Binary as base64 text (DynamoDB JSON, as the AWS CLI prints it)
    /// instead of a Uint8Array (what the AWS SDK takes).
    pub(crate) base64: bool,
}

impl Typed {
    fn bytes(&self, js: Js, bytes: &[u8]) -> Result<Value> {
        if self.base64 { js.string(&attr::base64(bytes)) } else { js.new_uint8array(bytes) }
    }
}

impl Build for Typed {
    type Value = Value;
    type Map = Value;
    type List = JsList;
    const NEEDS_UTF8: bool = true;

    #[inline]
    fn string(&mut self, cx: &mut Cx, s: Value) -> Result<Value> {
        tagged(cx, Tag::S, s)
    }

    #[inline]
    fn number(&mut self, cx: &mut Cx, n: Num<'_>, _: &Loc) -> Result<Value> {
        let text = match n {
            Num::Double(v) => cx.js.to_string(v)?,
            Num::Int(i) => cx.js.string(&i.to_string())?,
            Num::Text(_, Some(s)) => s,
            Num::Text(t, None) => cx.js.string(t)?,
        };
        tagged(cx, Tag::N, text)
    }

    #[inline]
    fn boolean(&mut self, cx: &mut Cx, b: Value) -> Result<Value> {
        tagged(cx, Tag::Bool, b)
    }

    #[inline]
    fn null(&mut self, cx: &mut Cx) -> Result<Value> {
        let t = cx.js.boolean(true)?;
        tagged(cx, Tag::Null, t)
    }

    fn binary(&mut self, cx: &mut Cx, b: Binary) -> Result<Value> {
        let bytes = if self.base64 { cx.js.string(&attr::base64(b.bytes()))? } else { b.uint8array(cx.js)? };
        tagged(cx, Tag::B, bytes)
    }

    #[inline]
    fn new_map(&mut self, cx: &mut Cx) -> Result<Value> {
        cx.js.object()
    }

    #[inline]
    fn insert(&mut self, cx: &mut Cx, map: &mut Value, key: Value, value: Value) -> Result<()> {
        cx.insert(*map, key, value)
    }

    #[inline]
    fn map(&mut self, cx: &mut Cx, map: Value) -> Result<Value> {
        tagged(cx, Tag::M, map)
    }

    #[inline]
    fn new_list(&mut self, cx: &mut Cx, len: u32) -> Result<JsList> {
        new_js_list(cx.js, len)
    }

    #[inline]
    fn push(&mut self, cx: &mut Cx, list: &mut JsList, value: Value) -> Result<()> {
        push_js(cx.js, list, value)
    }

    #[inline]
    fn list(&mut self, cx: &mut Cx, list: JsList) -> Result<Value> {
        let array = finish_js_list(cx.js, list)?;
        tagged(cx, Tag::L, array)
    }

    fn set(&mut self, cx: &mut Cx, set: SetValue, _: &Loc) -> Result<Value> {
        let tag = match set.attr {
            AttributeValue::Ss(_) => Tag::Ss,
            AttributeValue::Ns(_) => Tag::Ns,
            _ => Tag::Bs,
        };
        let array = match &set.attr {
            AttributeValue::Bs(members) if self.base64 => {
                let texts = members.iter().map(|b| self.bytes(cx.js, b)).collect::<Result<Vec<_>>>()?;
                js_array(cx.js, &texts)?
            }
            _ => js_array(cx.js, &set.js)?,
        };
        tagged(cx, tag, array)
    }
}

/// Makes plain JavaScript values, for `unmarshall`.
pub(crate) struct Native {
    /// Every number as a `DynamoNumber`.
    pub(crate) wrap_numbers: bool,
}

/// The largest integer a JavaScript number holds exactly, with its neighbours
/// told apart (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE: i64 = (1 << 53) - 1;

impl Native {
    fn dynamo_number(cx: &mut Cx, text: &str) -> Result<Value> {
        let class = cx.slot(Slot::DynamoNumber)?;
        let text = cx.js.string(text)?;
        cx.js.new1(class, text)
    }

    /// Normalized `N` text as a JavaScript value: a number when it is one
    /// exactly, a BigInt for a larger integer, and a `DynamoNumber` with the
    /// exact text for a decimal that no number holds exactly: every number
    /// DynamoDB can hold is read, and `marshall` gives it back unchanged.
    fn text_number(&self, cx: &mut Cx, text: &str, loc: &Loc) -> Result<Value> {
        if self.wrap_numbers {
            return Native::dynamo_number(cx, text);
        }
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if !digits.contains('.') {
            if digits.len() <= 16
                && let Ok(i) = digits.parse::<i64>()
                && i <= MAX_SAFE
            {
                return cx.js.create_double(if negative { -(i as f64) } else { i as f64 });
            }
            return cx.js.bigint(negative, digits);
        }
        let significant = digits.bytes().filter(u8::is_ascii_digit).skip_while(|&d| d == b'0').count();
        let f: f64 = text.parse().map_err(|_| loc.fail(cx.js, format!("{text} is not a decimal number")))?;
        // Up to 15 significant digits always survive the trip through a double.
        if significant <= 15 || number::normalize(&format!("{f:e}")).is_ok_and(|back| back == text) {
            return cx.js.create_double(f);
        }
        Native::dynamo_number(cx, text)
    }
}

impl Build for Native {
    type Value = Value;
    type Map = Value;
    type List = JsList;
    const NEEDS_UTF8: bool = false;

    #[inline]
    fn string(&mut self, _: &mut Cx, s: Value) -> Result<Value> {
        Ok(s)
    }

    #[inline]
    fn number(&mut self, cx: &mut Cx, n: Num<'_>, loc: &Loc) -> Result<Value> {
        match n {
            Num::Int(i) if !self.wrap_numbers => cx.js.create_double(i as f64),
            Num::Int(i) => Native::dynamo_number(cx, &i.to_string()),
            Num::Double(v) if !self.wrap_numbers => Ok(v),
            Num::Double(v) => {
                let text = cx.js.to_string(v)?;
                let text = cx.js.utf8(text)?;
                Native::dynamo_number(cx, &number::normalize(&text).map_err(|e| loc.fail(cx.js, e))?)
            }
            Num::Text(t, _) => self.text_number(cx, t, loc),
        }
    }

    #[inline]
    fn boolean(&mut self, _: &mut Cx, b: Value) -> Result<Value> {
        Ok(b)
    }

    #[inline]
    fn null(&mut self, cx: &mut Cx) -> Result<Value> {
        cx.js.null()
    }

    fn binary(&mut self, cx: &mut Cx, b: Binary) -> Result<Value> {
        b.uint8array(cx.js)
    }

    #[inline]
    fn new_map(&mut self, cx: &mut Cx) -> Result<Value> {
        cx.js.object()
    }

    #[inline]
    fn insert(&mut self, cx: &mut Cx, map: &mut Value, key: Value, value: Value) -> Result<()> {
        cx.insert(*map, key, value)
    }

    #[inline]
    fn map(&mut self, _: &mut Cx, map: Value) -> Result<Value> {
        Ok(map)
    }

    #[inline]
    fn new_list(&mut self, cx: &mut Cx, len: u32) -> Result<JsList> {
        new_js_list(cx.js, len)
    }

    #[inline]
    fn push(&mut self, cx: &mut Cx, list: &mut JsList, value: Value) -> Result<()> {
        push_js(cx.js, list, value)
    }

    #[inline]
    fn list(&mut self, cx: &mut Cx, list: JsList) -> Result<Value> {
        finish_js_list(cx.js, list)
    }

    fn set(&mut self, cx: &mut Cx, set: SetValue, loc: &Loc) -> Result<Value> {
        let members = match &set.attr {
            AttributeValue::Ns(texts) => texts
                .iter()
                .enumerate()
                .map(|(i, t)| self.text_number(cx, t, &Loc::Index(loc, i)))
                .collect::<Result<Vec<_>>>()?,
            _ => set.js,
        };
        let array = js_array(cx.js, &members)?;
        let class = cx.slot(Slot::Set)?;
        cx.js.new1(class, array)
    }
}

/// Makes the core's attribute values, for `loadDdb`.
pub(crate) struct Attr;

impl Build for Attr {
    type Value = AttributeValue;
    type Map = Item;
    type List = Vec<AttributeValue>;
    const NEEDS_UTF8: bool = true;

    fn string(&mut self, cx: &mut Cx, s: Value) -> Result<AttributeValue> {
        Ok(AttributeValue::S(cx.js.utf8(s)?))
    }

    fn number(&mut self, cx: &mut Cx, n: Num<'_>, loc: &Loc) -> Result<AttributeValue> {
        Ok(AttributeValue::N(match n {
            Num::Double(v) => {
                let text = cx.js.to_string(v)?;
                number::normalize(&cx.js.utf8(text)?).map_err(|e| loc.fail(cx.js, e))?
            }
            Num::Int(i) => i.to_string(),
            Num::Text(t, _) => t.to_string(),
        }))
    }

    fn boolean(&mut self, cx: &mut Cx, b: Value) -> Result<AttributeValue> {
        Ok(AttributeValue::Bool(cx.js.bool(b)?))
    }

    fn null(&mut self, _: &mut Cx) -> Result<AttributeValue> {
        Ok(AttributeValue::Null)
    }

    fn binary(&mut self, _: &mut Cx, b: Binary) -> Result<AttributeValue> {
        Ok(AttributeValue::B(match b {
            Binary::Owned(bytes) => bytes,
            view => view.bytes().to_vec(),
        }))
    }

    fn new_map(&mut self, _: &mut Cx) -> Result<Item> {
        Ok(Item::new())
    }

    fn insert(&mut self, cx: &mut Cx, map: &mut Item, key: Value, value: AttributeValue) -> Result<()> {
        map.insert(cx.js.utf8(key)?, value);
        Ok(())
    }

    fn map(&mut self, _: &mut Cx, map: Item) -> Result<AttributeValue> {
        Ok(AttributeValue::M(map))
    }

    fn new_list(&mut self, _: &mut Cx, len: u32) -> Result<Vec<AttributeValue>> {
        Ok(Vec::with_capacity(len as usize))
    }

    fn push(&mut self, _: &mut Cx, list: &mut Vec<AttributeValue>, value: AttributeValue) -> Result<()> {
        list.push(value);
        Ok(())
    }

    fn list(&mut self, _: &mut Cx, list: Vec<AttributeValue>) -> Result<AttributeValue> {
        Ok(AttributeValue::L(list))
    }

    fn set(&mut self, _: &mut Cx, set: SetValue, _: &Loc) -> Result<AttributeValue> {
        Ok(set.attr)
    }
}

// ---- readers ----

/// A string without a UTF-8 form (a lone surrogate) is an error where the
/// output goes into a request.
fn check_utf8<B: Build>(js: Js, s: Value, loc: &Loc) -> Result<()> {
    if !B::NEEDS_UTF8 {
        return Ok(());
    }
    match js.lone_surrogate(s)? {
        None => Ok(()),
        Some((i, unit)) => Err(loc.fail(
            js,
            format!(
                "the string holds a lone surrogate (\\u{unit:04x}) at index {i}: it has no UTF-8 form, so \
                 DynamoDB cannot store it"
            ),
        )),
    }
}

/// Whether a JavaScript number can be stored, and why not.
#[inline]
fn check_double(js: Js, f: f64, v: Value, loc: &Loc) -> Result<()> {
    let magnitude = f.abs();
    // Beyond 2^53 - 1 a number stands for many integers (2^53 is also
    // 2^53 + 1 written in a program), so which one was meant is unknown; as
    // `@aws-sdk/util-dynamodb` does, ask for a BigInt or the exact text.
    if magnitude > MAX_SAFE as f64 && magnitude.is_finite() {
        let text = js.utf8(js.to_string(v)?)?;
        return Err(loc.fail(
            js,
            format!(
                "{text} is beyond Number.MAX_SAFE_INTEGER, so a JavaScript number cannot say which value was \
                 meant; pass a BigInt or a DynamoNumber with the exact digits"
            ),
        ));
    }
    // Far from DynamoDB's limits (1E-130, 9.99…E+125) the range needs no look at the digits.
    if f == 0.0 || (1e-120..1e120).contains(&magnitude) {
        return Ok(());
    }
    if f.is_nan() {
        return Err(loc.fail(js, "NaN cannot be stored in DynamoDB: numbers must be finite"));
    }
    if f.is_infinite() {
        let sign = if f < 0.0 { "-" } else { "" };
        return Err(loc.fail(js, format!("{sign}Infinity cannot be stored in DynamoDB: numbers must be finite")));
    }
    let text = js.utf8(js.to_string(v)?)?;
    number::normalize(&text).map(|_| ()).map_err(|e| loc.fail(js, e))
}

/// Which kind of set a member makes.
fn set_kind(tag: Tag) -> &'static str {
    match tag {
        Tag::Ss => "string",
        Tag::Ns => "number",
        _ => "binary value",
    }
}

/// Reads plain JavaScript values (`marshall`, `loadDdb`'s plain items).
pub(crate) struct PlainReader<B> {
    pub(crate) cx: Cx,
    pub(crate) build: B,
    /// Leave out `undefined` in objects, arrays and sets (else it is an error).
    pub(crate) remove_undefined: bool,
}

impl<B: Build> PlainReader<B> {
    /// An item: a plain object.
    pub(crate) fn item(&mut self, v: Value, loc: &Loc) -> Result<B::Map> {
        let js = self.cx.js;
        if js.type_of(v)? == OBJECT && !js.is_array(v)? && self.is_plain(v)? {
            return self.map(v, loc, 0);
        }
        Err(loc.fail(js, format!("an item must be a plain object, not {}", js.describe(v)?)))
    }

    /// Any value.
    pub(crate) fn value(&mut self, v: Value, loc: &Loc, depth: usize) -> Result<B::Value> {
        let t = self.cx.js.type_of(v)?;
        self.typed_value(v, t, loc, depth)
    }

    /// A value whose `typeof` is known.
    fn typed_value(&mut self, v: Value, t: i32, loc: &Loc, depth: usize) -> Result<B::Value> {
        let js = self.cx.js;
        match t {
            STRING => {
                check_utf8::<B>(js, v, loc)?;
                self.build.string(&mut self.cx, v)
            }
            NUMBER => {
                let f = js.double(v)?;
                check_double(js, f, v, loc)?;
                self.build.number(&mut self.cx, Num::Double(v), loc)
            }
            OBJECT => self.object(v, loc, depth),
            BOOLEAN => self.build.boolean(&mut self.cx, v),
            NULL => self.build.null(&mut self.cx),
            BIGINT => {
                let text = js.to_string(v)?;
                let normalized = number::normalize(&js.utf8(text)?).map_err(|e| loc.fail(js, e))?;
                self.build.number(&mut self.cx, Num::Text(&normalized, Some(text)), loc)
            }
            UNDEFINED => Err(loc.fail(
                js,
                "undefined cannot be stored in DynamoDB; pass { removeUndefinedValues: true } to leave it out",
            )),
            FUNCTION => Err(loc.fail(js, "a function cannot be stored in DynamoDB")),
            SYMBOL => Err(loc.fail(js, "a symbol cannot be stored in DynamoDB")),
            _ => Err(loc.fail(js, "an external value cannot be stored in DynamoDB")),
        }
    }

    fn object(&mut self, v: Value, loc: &Loc, depth: usize) -> Result<B::Value> {
        let js = self.cx.js;
        if js.is_array(v)? {
            return self.list(v, loc, depth);
        }
        let proto = js.prototype(v)?;
        let object_prototype = self.cx.slot(Slot::ObjectPrototype)?;
        if js.same(proto, object_prototype)? {
            return self.map_value(v, loc, depth);
        }
        self.unusual(v, proto, loc, depth)
    }

    /// An object that is not an array or a `{}`: binary, a set, a
    /// `DynamoNumber`, an object without a prototype or from another realm.
    #[inline(never)]
    fn unusual(&mut self, v: Value, proto: Value, loc: &Loc, depth: usize) -> Result<B::Value> {
        let js = self.cx.js;
        if let Some(bin) = js.binary(v)? {
            return self.build.binary(&mut self.cx, Binary::View(bin));
        }
        if js.instance_of(v, self.cx.slot(Slot::Set)?)? {
            return self.set(v, loc);
        }
        if let Some(normalized) = self.dynamo_number(v, loc)? {
            return self.build.number(&mut self.cx, Num::Text(&normalized, None), loc);
        }
        if js.type_of(proto)? == NULL {
            return self.map_value(v, loc, depth);
        }
        match js.class_name(v)? {
            Some(name) if name == "Object" => self.map_value(v, loc, depth),
            name => {
                let name = name.unwrap_or_else(|| "class instance".into());
                let hint = match name.as_str() {
                    "Date" => " (store date.toISOString() or date.getTime())",
                    "Map" => " (use a plain object: Object.fromEntries(map))",
                    _ => "",
                };
                Err(loc.fail(js, format!("a {name} cannot be stored in DynamoDB{hint}")))
            }
        }
    }

    /// The normalized text of a `DynamoNumber`, if `v` is one.
    fn dynamo_number(&mut self, v: Value, loc: &Loc) -> Result<Option<String>> {
        let js = self.cx.js;
        if !js.instance_of(v, self.cx.slot(Slot::DynamoNumber)?)? {
            return Ok(None);
        }
        let text = js.get(v, self.cx.slot(Slot::NumberKey)?)?;
        if js.type_of(text)? != STRING {
            return Err(loc.fail(js, "a DynamoNumber holds its number as a string"));
        }
        Ok(Some(number::normalize(&js.utf8(text)?).map_err(|e| loc.fail(js, e))?))
    }

    fn is_plain(&mut self, v: Value) -> Result<bool> {
        let js = self.cx.js;
        let proto = js.prototype(v)?;
        Ok(js.same(proto, self.cx.slot(Slot::ObjectPrototype)?)?
            || js.type_of(proto)? == NULL
            || js.class_name(v)?.as_deref() == Some("Object"))
    }

    fn map_value(&mut self, v: Value, loc: &Loc, depth: usize) -> Result<B::Value> {
        if depth >= MAX_DEPTH {
            return Err(loc.too_deep(self.cx.js));
        }
        let map = self.map(v, loc, depth)?;
        self.build.map(&mut self.cx, map)
    }

    fn map(&mut self, object: Value, loc: &Loc, depth: usize) -> Result<B::Map> {
        let js = self.cx.js;
        let keys = js.keys(object)?;
        let n = js.length(keys)?;
        let mut map = self.build.new_map(&mut self.cx)?;
        for i in 0..n {
            let key = js.element(keys, i)?;
            let v = js.get(object, key)?;
            let t = js.type_of(v)?;
            if t == UNDEFINED && self.remove_undefined {
                continue;
            }
            let here = Loc::Key(loc, key);
            check_utf8::<B>(js, key, &here)?;
            let value = self.typed_value(v, t, &here, depth + 1)?;
            self.build.insert(&mut self.cx, &mut map, key, value)?;
        }
        Ok(map)
    }

    fn list(&mut self, array: Value, loc: &Loc, depth: usize) -> Result<B::Value> {
        let js = self.cx.js;
        if depth >= MAX_DEPTH {
            return Err(loc.too_deep(js));
        }
        let n = js.length(array)?;
        let mut list = self.build.new_list(&mut self.cx, n)?;
        for i in 0..n {
            let v = js.element(array, i)?;
            let t = js.type_of(v)?;
            if t == UNDEFINED && self.remove_undefined {
                continue;
            }
            let value = self.typed_value(v, t, &Loc::Index(loc, i as usize), depth + 1)?;
            self.build.push(&mut self.cx, &mut list, value)?;
        }
        self.build.list(&mut self.cx, list)
    }

    /// A `Set`: SS, NS or BS by its first member; the others must be alike.
    fn set(&mut self, set: Value, loc: &Loc) -> Result<B::Value> {
        let js = self.cx.js;
        let members = js.call1(self.cx.slot(Slot::SetMembers)?, set)?;
        let n = js.length(members)?;
        let mut kind: Option<Tag> = None;
        let mut values = Vec::with_capacity(n as usize);
        let (mut strings, mut numbers, mut binaries) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let m = js.element(members, i)?;
            let at = Loc::Index(loc, i as usize);
            let t = js.type_of(m)?;
            if t == UNDEFINED && self.remove_undefined {
                continue;
            }
            let (tag, binary, number) = match t {
                STRING => {
                    check_utf8::<B>(js, m, &at)?;
                    (Tag::Ss, None, None)
                }
                NUMBER => {
                    check_double(js, js.double(m)?, m, &at)?;
                    let text = js.to_string(m)?;
                    (Tag::Ns, None, Some((text, number::normalize(&js.utf8(text)?).map_err(|e| at.fail(js, e))?)))
                }
                BIGINT => {
                    let text = js.to_string(m)?;
                    (Tag::Ns, None, Some((text, number::normalize(&js.utf8(text)?).map_err(|e| at.fail(js, e))?)))
                }
                OBJECT => {
                    if let Some(bin) = js.binary(m)? {
                        (Tag::Bs, Some(Binary::View(bin)), None)
                    } else if let Some(normalized) = self.dynamo_number(m, &at)? {
                        (Tag::Ns, None, Some((js.string(&normalized)?, normalized)))
                    } else {
                        return Err(at.fail(
                            js,
                            format!("a set holds strings, numbers or binary values, not {}", js.describe(m)?),
                        ));
                    }
                }
                _ => {
                    return Err(
                        at.fail(js, format!("a set holds strings, numbers or binary values, not {}", js.describe(m)?))
                    );
                }
            };
            match kind {
                None => kind = Some(tag),
                Some(first) if first != tag => {
                    return Err(at.fail(
                        js,
                        format!(
                            "a set holds one type: this {} is in a set of {}s (DynamoDB has SS, NS and BS)",
                            set_kind(tag),
                            set_kind(first)
                        ),
                    ));
                }
                Some(_) => {}
            }
            match (binary, number) {
                (Some(b), _) => {
                    values.push(b.uint8array(js)?);
                    binaries.push(b.bytes().to_vec());
                }
                (None, Some((text, normalized))) => {
                    values.push(text);
                    numbers.push(normalized);
                }
                (None, None) => {
                    values.push(m);
                    strings.push(js.utf8(m)?);
                }
            }
        }
        let attr = match kind {
            None | Some(Tag::Ss) => AttributeValue::string_set(strings),
            Some(Tag::Ns) => AttributeValue::number_set(&numbers),
            Some(_) => AttributeValue::binary_set(binaries),
        }
        .map_err(|e| loc.fail(js, e))?;
        self.build.set(&mut self.cx, SetValue { js: values, attr }, loc)
    }
}

/// Whether `N` text is a small whole number in normal form (`-?[1-9][0-9]{0,14}`
/// or `0`), and which.
#[inline]
fn small_int(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 15 || (digits[0] == b'0' && (digits.len() > 1 || negative)) {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(d - b'0');
    }
    Some(if negative { -n } else { n })
}

/// Reads attribute values (`unmarshall`, `loadDdb`'s items with `inputFormat: 'dynamodb'`).
pub(crate) struct TypedReader<B> {
    pub(crate) cx: Cx,
    pub(crate) build: B,
}

impl<B: Build> TypedReader<B> {
    /// An item: an object of attribute values.
    pub(crate) fn item(&mut self, v: Value, loc: &Loc) -> Result<B::Map> {
        let js = self.cx.js;
        if js.type_of(v)? != OBJECT || js.is_array(v)? {
            return Err(loc.fail(js, format!("an item must be an object of attribute values, not {}", js.describe(v)?)));
        }
        self.map(v, loc, 0)
    }

    fn map(&mut self, object: Value, loc: &Loc, depth: usize) -> Result<B::Map> {
        let js = self.cx.js;
        let keys = js.keys(object)?;
        let n = js.length(keys)?;
        let mut map = self.build.new_map(&mut self.cx)?;
        for i in 0..n {
            let key = js.element(keys, i)?;
            let v = js.get(object, key)?;
            let here = Loc::Key(loc, key);
            check_utf8::<B>(js, key, &here)?;
            let value = self.value(v, &here, depth + 1)?;
            self.build.insert(&mut self.cx, &mut map, key, value)?;
        }
        Ok(map)
    }

    /// The type tag of an attribute value and what it holds: its one own
    /// key. (`@aws-sdk/util-dynamodb` takes the first of several keys; two
    /// tags are an error here, as in the core's DynamoDB JSON.)
    #[inline]
    fn tag(&mut self, av: Value, loc: &Loc) -> Result<(Tag, Value)> {
        let js = self.cx.js;
        let keys = js.keys(av)?;
        if js.length(keys)? == 1 {
            let key = js.element(keys, 0)?;
            let mut buf = [0u8; 8];
            if let Some(name) = js.utf8_short(key, &mut buf)?
                && let Some(tag) = Tag::from_name(name)
            {
                return Ok((tag, js.get(av, key)?));
            }
        }
        Err(self.no_tag(av, loc))
    }

    /// Why an object is not an attribute value.
    #[cold]
    #[inline(never)]
    fn no_tag(&mut self, av: Value, loc: &Loc) -> Failure {
        let js = self.cx.js;
        let describe = || -> Result<String> {
            if js.is_array(av)? {
                return Ok("not an array".into());
            }
            let keys = js.keys(av)?;
            match js.length(keys)? {
                0 => Ok("not an empty object".into()),
                n @ 2.. => {
                    let names = (0..n).map(|i| js.utf8(js.element(keys, i)?)).collect::<Result<Vec<_>>>()?;
                    Ok(format!("`{}`: an attribute value has exactly one type tag", names.join("`, `")))
                }
                _ => Ok(format!(
                    "`{}` is not a DynamoDB type; use S, N, B, BOOL, NULL, M, L, SS, NS or BS",
                    js.utf8(js.element(keys, 0)?)?
                )),
            }
        };
        match describe() {
            Ok(m) if m.starts_with('`') => loc.fail(js, m),
            Ok(m) => loc.fail(js, format!("expected an attribute value like {{ S: 'text' }}, {m}")),
            Err(e) => e,
        }
    }

    /// One attribute value.
    pub(crate) fn value(&mut self, av: Value, loc: &Loc, depth: usize) -> Result<B::Value> {
        let js = self.cx.js;
        if js.type_of(av)? != OBJECT {
            return Err(
                loc.fail(js, format!("expected an attribute value like {{ S: 'text' }}, not {}", js.describe(av)?))
            );
        }
        let (tag, inner) = self.tag(av, loc)?;
        let here = Loc::Tag(loc, tag.name());
        let t = js.type_of(inner)?;
        let wrong = |what: &str| -> Result<Failure> {
            Ok(here.fail(js, format!("`{}` holds {what}, not {}", tag.name(), js.describe(inner)?)))
        };
        match tag {
            Tag::S if t == STRING => {
                check_utf8::<B>(js, inner, &here)?;
                self.build.string(&mut self.cx, inner)
            }
            Tag::S => Err(wrong("a string")?),
            Tag::N if t == STRING => self.number(inner, &here),
            Tag::N => Err(wrong("a string")?),
            Tag::B => {
                let b = self.binary(inner, t, &here)?;
                self.build.binary(&mut self.cx, b)
            }
            Tag::Bool if t == BOOLEAN => self.build.boolean(&mut self.cx, inner),
            Tag::Bool => Err(wrong("true or false")?),
            Tag::Null if t == BOOLEAN && js.bool(inner)? => self.build.null(&mut self.cx),
            Tag::Null => Err(here.fail(js, "`NULL` must be true")),
            Tag::M if t == OBJECT && !js.is_array(inner)? => {
                if depth >= MAX_DEPTH {
                    return Err(loc.too_deep(js));
                }
                let map = self.map(inner, &here, depth)?;
                self.build.map(&mut self.cx, map)
            }
            Tag::M => Err(wrong("an object")?),
            Tag::L if t == OBJECT && js.is_array(inner)? => {
                if depth >= MAX_DEPTH {
                    return Err(loc.too_deep(js));
                }
                let n = js.length(inner)?;
                let mut list = self.build.new_list(&mut self.cx, n)?;
                for i in 0..n {
                    let v = js.element(inner, i)?;
                    let value = self.value(v, &Loc::Index(&here, i as usize), depth + 1)?;
                    self.build.push(&mut self.cx, &mut list, value)?;
                }
                self.build.list(&mut self.cx, list)
            }
            Tag::L => Err(wrong("an array")?),
            Tag::Ss | Tag::Ns | Tag::Bs => {
                if t != OBJECT || !js.is_array(inner)? {
                    return Err(wrong("an array")?);
                }
                let set = self.set(tag, inner, &here)?;
                self.build.set(&mut self.cx, set, &here)
            }
        }
    }

    fn number(&mut self, text: Value, loc: &Loc) -> Result<B::Value> {
        let js = self.cx.js;
        let mut buf = [0u8; 64];
        if let Some(short) = js.utf8_short(text, &mut buf)?
            && let Some(i) = small_int(short)
        {
            return self.build.number(&mut self.cx, Num::Int(i), loc);
        }
        let normalized = number::normalize(&js.utf8(text)?).map_err(|e| loc.fail(js, e))?;
        self.build.number(&mut self.cx, Num::Text(&normalized, None), loc)
    }

    fn binary(&mut self, v: Value, t: i32, loc: &Loc) -> Result<Binary> {
        let js = self.cx.js;
        if t == STRING {
            let text = js.utf8(v)?;
            return BASE64
                .decode(text.as_bytes())
                .map(Binary::Owned)
                .map_err(|e| loc.fail(js, format!("`B` is not valid base64: {e}")));
        }
        if t == OBJECT
            && let Some(bin) = js.binary(v)?
        {
            return Ok(Binary::View(bin));
        }
        Err(loc.fail(js, format!("`B` holds a Uint8Array or base64 text, not {}", js.describe(v)?)))
    }

    fn set(&mut self, tag: Tag, array: Value, loc: &Loc) -> Result<SetValue> {
        let js = self.cx.js;
        let n = js.length(array)?;
        let mut values = Vec::with_capacity(n as usize);
        let (mut strings, mut numbers, mut binaries) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let m = js.element(array, i)?;
            let at = Loc::Index(loc, i as usize);
            let t = js.type_of(m)?;
            match tag {
                Tag::Bs => {
                    let b = self.binary(m, t, &at)?;
                    values.push(b.uint8array(js)?);
                    binaries.push(match b {
                        Binary::Owned(bytes) => bytes,
                        view => view.bytes().to_vec(),
                    });
                }
                _ if t != STRING => {
                    return Err(at.fail(js, format!("`{}` holds strings, not {}", tag.name(), js.describe(m)?)));
                }
                Tag::Ns => {
                    values.push(m);
                    numbers.push(number::normalize(&js.utf8(m)?).map_err(|e| at.fail(js, e))?);
                }
                _ => {
                    check_utf8::<B>(js, m, &at)?;
                    values.push(m);
                    strings.push(js.utf8(m)?);
                }
            }
        }
        let attr = match tag {
            Tag::Ss => AttributeValue::string_set(strings),
            Tag::Ns => AttributeValue::number_set(&numbers),
            _ => AttributeValue::binary_set(binaries),
        }
        .map_err(|e| loc.fail(js, e))?;
        Ok(SetValue { js: values, attr })
    }
}

// ---- the API ----

js_class!(
    /// The constructor of [`DynamoNumber`] (declared in `header.d.ts`).
    DynamoNumberConstructor => "DynamoNumber"
);

/// A DynamoDB number kept as its exact decimal text (`new
/// DynamoNumber('3.14159265358979323846264338327950288')`): `marshall` writes
/// it as it is (normalized), and `unmarshall(item, { wrapNumbers: true })`
/// returns every number as one.
#[napi]
#[allow(non_upper_case_globals)]
pub const DynamoNumber: DynamoNumberConstructor = DynamoNumberConstructor;

/// Options of `marshall` and `marshallValue`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct MarshallOptions {
    /// Leave out `undefined` values in objects, arrays and sets, as
    /// `@aws-sdk/util-dynamodb` does with the same option (else `undefined`
    /// is a `MarshalError`).
    #[napi(ts_type = "boolean")]
    pub remove_undefined_values: Option<()>,
    /// How binary (`B`, `BS`) is written: `'bytes'` (the default) as
    /// Uint8Array, what the AWS SDK takes; `'base64'` as base64 text,
    /// DynamoDB JSON as the AWS CLI prints it, for JSON files.
    #[napi(ts_type = "'bytes' | 'base64'")]
    pub binary: Option<()>,
}

/// Options of `unmarshall` and `unmarshallValue`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct UnmarshallOptions {
    /// Return every number as a `DynamoNumber` holding its exact text.
    #[napi(ts_type = "boolean")]
    pub wrap_numbers: Option<()>,
}

/// `marshall`'s options: whether to remove `undefined`, and the builder.
fn marshall_options(env: &Env, options: Option<Unknown>, what: &'static str) -> Result<(bool, Typed)> {
    if options.is_none() {
        return Ok((false, Typed { base64: false }));
    }
    let p = Props::new(env, options, what, &["removeUndefinedValues", "binary"])?;
    let base64 = match p.string("binary")?.as_deref() {
        None | Some("bytes") => false,
        Some("base64") => true,
        Some(other) => {
            return Err(crate::errors::type_error(format!(
                "{what}: binary must be 'bytes' or 'base64', not {other:?}"
            )));
        }
    };
    Ok((p.bool("removeUndefinedValues")?.unwrap_or(false), Typed { base64 }))
}

fn wrap_numbers(env: &Env, options: Option<Unknown>, what: &'static str) -> Result<bool> {
    if options.is_none() {
        return Ok(false);
    }
    let p = Props::new(env, options, what, &["wrapNumbers"])?;
    Ok(p.bool("wrapNumbers")?.unwrap_or(false))
}

fn unknown(env: &Env, value: Value) -> Unknown<'_> {
    // SAFETY: a value made in this call's handle scope.
    unsafe { Unknown::from_raw_unchecked(env.raw(), value) }
}

/// The attribute values of an item, as `@aws-sdk/util-dynamodb`'s `marshall`
/// returns them, ready for the AWS SDK for JavaScript v3:
/// `marshall({ id: 'a', n: 1 })` is `{ id: { S: 'a' }, n: { N: '1' } }`.
///
/// string → S; number → N (the text of `String(n)`; beyond
/// `Number.MAX_SAFE_INTEGER` in size a `MarshalError`: pass a BigInt or a
/// `DynamoNumber`); bigint → N (exact); `DynamoNumber` → N (exact);
/// boolean → BOOL; null → NULL; Uint8Array, Buffer → B (the same object, or
/// base64 text with `{ binary: 'base64' }`); ArrayBuffer, other typed
/// arrays, DataView → B (a Uint8Array over the same memory); array → L;
/// plain object → M; `Set`
/// of strings → SS, of numbers, bigints or `DynamoNumber`s → NS, of binary
/// values → BS. Throws a `MarshalError`, whose `pointer` says where, for what
/// DynamoDB cannot store: NaN or ±Infinity, more than 38 significant digits,
/// a string with a lone surrogate (it has no UTF-8 form)
/// or a number out of DynamoDB's range, an empty set or one that mixes
/// types, `undefined` (unless `removeUndefinedValues`), functions, symbols,
/// class instances (Date, Map, …), nesting deeper than 32 levels.
#[napi(ts_args_type = "item: object, options?: MarshallOptions", ts_return_type = "Record<string, AttributeValue>")]
pub fn marshall<'env>(env: &'env Env, item: Unknown, options: Option<Unknown>) -> napi::Result<Unknown<'env>> {
    guard(env, || {
        let (remove_undefined, build) = marshall_options(env, options, "marshall options")?;
        let mut reader = PlainReader { cx: Cx::new(env)?, build, remove_undefined };
        Ok(unknown(env, reader.item(item.raw(), &Loc::Root)?))
    })
}

/// One attribute value, by the rules of `marshall`: `marshallValue('x')` is
/// `{ S: 'x' }`, `marshallValue(new Set([1, 2]))` is `{ NS: ['1', '2'] }`.
#[napi(ts_args_type = "value: unknown, options?: MarshallOptions", ts_return_type = "AttributeValue")]
pub fn marshall_value<'env>(env: &'env Env, value: Unknown, options: Option<Unknown>) -> napi::Result<Unknown<'env>> {
    guard(env, || {
        let (remove_undefined, build) = marshall_options(env, options, "marshallValue options")?;
        let mut reader = PlainReader { cx: Cx::new(env)?, build, remove_undefined };
        Ok(unknown(env, reader.value(value.raw(), &Loc::Root, 0)?))
    })
}

/// An item's attribute values back to plain JavaScript values: S → string;
/// N → number when a number holds it exactly (whole numbers up to
/// `Number.MAX_SAFE_INTEGER`, decimals whose digits survive the round
/// trip), BigInt for larger whole numbers, and a `DynamoNumber` holding the
/// exact text for a decimal that no number holds exactly (so every item
/// DynamoDB can hold is read, and `marshall` gives it back unchanged) — or,
/// with `{ wrapNumbers: true }`, every number as a `DynamoNumber`; B → Uint8Array (also from base64 text, as in
/// the AWS CLI's DynamoDB JSON); BOOL → boolean; NULL → null; M → object;
/// L → array; SS, NS, BS → Set.
///
/// Throws a `MarshalError`, with the JSON pointer (type tags included, as
/// in `/tags/L/0/S`), for what is not an attribute value or breaks
/// DynamoDB's rules.
#[napi(
    ts_args_type = "item: { readonly [key: string]: AttributeValueInput }, options?: UnmarshallOptions",
    ts_return_type = "Record<string, NativeValue>"
)]
pub fn unmarshall<'env>(env: &'env Env, item: Unknown, options: Option<Unknown>) -> napi::Result<Unknown<'env>> {
    guard(env, || {
        let wrap_numbers = wrap_numbers(env, options, "unmarshall options")?;
        let mut reader = TypedReader { cx: Cx::new(env)?, build: Native { wrap_numbers } };
        Ok(unknown(env, reader.item(item.raw(), &Loc::Root)?))
    })
}

/// One attribute value back to a plain JavaScript value, by the rules of
/// `unmarshall`: `unmarshallValue({ N: '1.5' })` is `1.5`.
#[napi(ts_args_type = "value: AttributeValueInput, options?: UnmarshallOptions", ts_return_type = "NativeValue")]
pub fn unmarshall_value<'env>(env: &'env Env, value: Unknown, options: Option<Unknown>) -> napi::Result<Unknown<'env>> {
    guard(env, || {
        let wrap_numbers = wrap_numbers(env, options, "unmarshallValue options")?;
        let mut reader = TypedReader { cx: Cx::new(env)?, build: Native { wrap_numbers } };
        Ok(unknown(env, reader.value(value.raw(), &Loc::Root, 0)?))
    })
}

#[cfg(test)]
mod tests {
    use super::small_int;

    #[test]
    fn small_ints_are_in_normal_form() {
        assert_eq!(small_int(b"0"), Some(0));
        assert_eq!(small_int(b"-12"), Some(-12));
        assert_eq!(small_int(b"999999999999999"), Some(999_999_999_999_999));
        for not in [&b""[..], b"-", b"-0", b"01", b"1.5", b"1e3", b"1000000000000000", b" 1", b"+1"] {
            assert_eq!(small_int(not), None, "{}", String::from_utf8_lossy(not));
        }
    }
}
