//! `marshall`, `marshallValue`, `unmarshall`, `unmarshallValue`: JavaScript
//! values ⇄ DynamoDB attribute values, and the items `loadDdb` takes from
//! memory.
//!
//! The walk and its rules are the core's (`stepforge::dynamo::walk`): this
//! module says only how to read JavaScript values ([`Cx`], the core's
//! `Host`: string S; number N, written as `String(n)`; bigint N, exact;
//! boolean BOOL; null NULL; Uint8Array, Buffer, ArrayBuffer, other views B;
//! array L; plain object M; `Set` SS, NS or BS; `DynamoNumber` N, exact; in
//! attribute values `B` also as base64 text) and how to make them (`Make`:
//! the core's `Typed` builder makes attribute value objects for `marshall`,
//! its `Plain` builder plain values for `unmarshall`, its `Attr` `loadDdb`'s
//! items).
//!
//! Speed: everything goes through Node-API's value calls directly, with no
//! JSON text and no intermediate tree. Strings and Uint8Arrays are passed on
//! as the same JavaScript values, a number's text is V8's own `String(n)`,
//! and the type tags are property keys made once by `runtime.js` (see
//! [`Slot`]), so the hot path creates no key strings. Even so, a Node-API
//! call costs more than the same step in JavaScript: `marshall` and
//! `unmarshall` are fronted by `fast_path.js`, which converts the plain cases
//! in JavaScript and hands everything else to this module.

use std::borrow::Cow;
use std::cell::Cell;
use std::ptr;

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue, sys};
use napi_derive::napi;
use stepforge::dynamo::walk::js::{self as rules, JsNumber};
use stepforge::dynamo::walk::{
    self, BinaryForm, Dialect, Host, Kind, Make, MapKey, Numbers, Plain, Tag, Tagged, Typed, Unsupported,
};
use stepforge::dynamo::{Item, MarshalError, number};

use crate::errors::{Failure, Result, guard};
use crate::runtime::{self, js_class};
use crate::value::Props;

use walk::{Attr, PlainReader, TypedReader};

type Value = sys::napi_value;

/// Where a value is: the core's pointer, keyed by JavaScript strings.
pub(crate) type Loc<'a> = walk::Loc<'a, Value>;

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

/// Node-API calls with one result: `name(args) -> T = napi_f` calls
/// `napi_f(env, args…, &mut result)`.
macro_rules! calls {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $out:tt = $f:ident;)*) => {
        $($(#[$doc])* fn $name(self, $($arg: $ty),*) -> Result<calls!(@ty $out)> { out!($f(self.0 $(, $arg)*) -> $out) })*
    };
    (@ty value) => { Value };
    (@ty $t:ty) => { $t };
}

impl Js {
    calls! {
        type_of(v: Value) -> i32 = napi_typeof;
        is_array(v: Value) -> bool = napi_is_array;
        object() -> value = napi_create_object;
        same(a: Value, b: Value) -> bool = napi_strict_equals;
        get(object: Value, key: Value) -> value = napi_get_property;
        element(array: Value, index: u32) -> value = napi_get_element;
        length(array: Value) -> u32 = napi_get_array_length;
        prototype(v: Value) -> value = napi_get_prototype;
        double(v: Value) -> f64 = napi_get_value_double;
        bool(v: Value) -> bool = napi_get_value_bool;
        /// `String(v)`.
        to_string(v: Value) -> value = napi_coerce_to_string;
        create_double(f: f64) -> value = napi_create_double;
        boolean(b: bool) -> value = napi_get_boolean;
        null() -> value = napi_get_null;
        instance_of(v: Value, class: Value) -> bool = napi_instanceof;
    }

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

    fn get_named(self, object: Value, key: &std::ffi::CStr) -> Result<Value> {
        out!(napi_get_named_property(self.0, object, key.as_ptr()) -> value)
    }

    /// A JavaScript array of `values`.
    fn array(self, values: &[Value]) -> Result<Value> {
        let array = out!(napi_create_array_with_length(self.0, values.len()) -> value)?;
        for (i, v) in values.iter().enumerate() {
            check(unsafe { sys::napi_set_element(self.0, array, i as u32, *v) })?;
        }
        Ok(array)
    }

    fn string(self, s: &str) -> Result<Value> {
        out!(napi_create_string_utf8(self.0, s.as_ptr().cast(), s.len() as isize) -> value)
    }

    /// A string's text (a lone surrogate becomes U+FFFD).
    fn utf8(self, v: Value) -> Result<String> {
        let len = out!(napi_get_value_string_utf8(self.0, v, ptr::null_mut(), 0) -> usize)?;
        let mut buf = vec![0u8; len + 1];
        let written = out!(napi_get_value_string_utf8(self.0, v, buf.as_mut_ptr().cast(), buf.len()) -> usize)?;
        buf.truncate(written);
        String::from_utf8(buf).map_err(|_| napi_failure(sys::Status::napi_string_expected))
    }

    /// A string's UTF-16 code units.
    fn utf16(self, v: Value) -> Result<Vec<u16>> {
        let len = out!(napi_get_value_string_utf16(self.0, v, ptr::null_mut(), 0) -> usize)?;
        let mut buf = vec![0u16; len + 1];
        let written = out!(napi_get_value_string_utf16(self.0, v, buf.as_mut_ptr(), buf.len()) -> usize)?;
        buf.truncate(written);
        Ok(buf)
    }

    /// A short string's text into `buf`; `None` when it may not fit.
    fn utf8_short(self, v: Value, buf: &mut [u8]) -> Result<Option<&[u8]>> {
        let written = out!(napi_get_value_string_utf8(self.0, v, buf.as_mut_ptr().cast(), buf.len()) -> usize)?;
        Ok((written + 1 < buf.len()).then(|| &buf[..written]))
    }

    /// An object's own enumerable string keys, in `Object.keys` order.
    fn keys(self, object: Value) -> Result<Value> {
        out!(napi_get_all_property_names(
            self.0,
            object,
            sys::KeyCollectionMode::own_only,
            sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
            sys::KeyConversion::numbers_to_strings
        ) -> value)
    }

    fn call1(self, function: Value, arg: Value) -> Result<Value> {
        let this = out!(napi_get_undefined(self.0) -> value)?;
        out!(napi_call_function(self.0, this, function, 1, &arg) -> value)
    }

    fn new1(self, class: Value, arg: Value) -> Result<Value> {
        out!(napi_new_instance(self.0, class, 1, &arg) -> value)
    }

    /// A BigInt from decimal digits.
    fn bigint(self, negative: bool, digits: &str) -> Result<Value> {
        let words = rules::bigint_words(digits);
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
    fn open_scope(self) -> Result<sys::napi_handle_scope> {
        out!(napi_open_handle_scope(self.0) -> sys::napi_handle_scope)
    }

    fn close_scope(self, scope: sys::napi_handle_scope) -> Result<()> {
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

/// Binary data read from JavaScript.
pub(crate) enum Binary {
    /// Bytes in JavaScript memory.
    View(Bin),
    /// Bytes decoded from base64 text.
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Binary {
    fn as_ref(&self) -> &[u8] {
        match self {
            Binary::View(b) if b.len == 0 || b.data.is_null() => &[],
            // SAFETY: the backing store of a live typed array, read before any JavaScript runs.
            Binary::View(b) => unsafe { std::slice::from_raw_parts(b.data, b.len) },
            Binary::Owned(v) => v,
        }
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary::Owned(bytes)
    }
}

impl Binary {
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

/// The entries of `runtime.js`'s `dynamo` array after the type tags' keys,
/// which come first, in the order `Tag` declares them (`tag as usize`).
#[derive(Clone, Copy)]
enum Slot {
    ObjectPrototype = 10,
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

/// The context of one conversion, and how the core's walk reads JavaScript
/// values: the environment and the values of [`Slot`], fetched when first
/// needed.
pub(crate) struct Cx {
    js: Js,
    table: Value,
    slots: [Cell<Value>; SLOTS],
}

impl Cx {
    pub(crate) fn new(env: &Env) -> Result<Cx> {
        let slots = std::array::from_fn(|_| Cell::new(ptr::null_mut()));
        Ok(Cx { js: Js(env.raw()), table: runtime::dynamo_table(env)?, slots })
    }

    #[inline]
    fn slot(&self, slot: Slot) -> Result<Value> {
        self.entry(slot as usize)
    }

    /// The entry `i` of the `dynamo` array (a [`Slot`], or a tag's key).
    #[inline]
    fn entry(&self, i: usize) -> Result<Value> {
        let v = self.slots[i].get();
        if !v.is_null() {
            return Ok(v);
        }
        let v = self.js.element(self.table, i as u32)?;
        self.slots[i].set(v);
        Ok(v)
    }

    /// `loadDdb`'s items in memory, as the core's attribute values: by the
    /// rules of `marshall` (`typed`: of `unmarshall`'s input), each in a
    /// handle scope of its own; an error's pointer starts with the index.
    pub(crate) fn items(&self, array: Value, typed: bool, skip_undefined: bool) -> Result<Vec<Item>> {
        // Fetched once out here: an item's handle scope would take them with it.
        for (i, slot) in self.slots.iter().enumerate() {
            slot.set(self.js.element(self.table, i as u32)?);
        }
        let js = self.js;
        let len = js.length(array)?;
        let mut items = Vec::with_capacity(len as usize);
        for i in 0..len {
            let scope = js.open_scope()?;
            let item = js.element(array, i).and_then(|v| {
                let at = Loc::Index(&Loc::Root, i as usize);
                match typed {
                    true => TypedReader { host: self, build: Attr }.item(&v, &at),
                    false => PlainReader { host: self, build: Attr, skip_undefined }.item(&v, &at),
                }
            });
            js.close_scope(scope)?;
            items.push(item?);
        }
        Ok(items)
    }

    /// Sets `map[key] = value` on a map being built. The key `__proto__`
    /// becomes an own property, as in `{ ['__proto__']: value }`, rather
    /// than the map's prototype.
    #[inline]
    fn insert(&self, map: Value, key: Value, value: Value) -> Result<()> {
        if self.js.same(key, self.slot(Slot::ProtoKey)?)? {
            return self.js.define(map, key, value);
        }
        self.js.set(map, key, value)
    }

    /// `{ <tag>: value }`.
    #[inline]
    fn tagged(&self, tag: Tag, value: Value) -> Result<Value> {
        let object = self.js.object()?;
        self.js.set(object, self.entry(tag as usize)?, value)?;
        Ok(object)
    }

    /// `new DynamoNumber(text)`.
    fn dynamo_number(&self, text: &str) -> Result<Value> {
        self.js.new1(self.slot(Slot::DynamoNumber)?, self.js.string(text)?)
    }

    /// The text of a number, as `N` holds it.
    fn number_string(&self, n: &Num) -> Result<Value> {
        match n {
            Num::Double(v) => self.js.to_string(*v),
            Num::Int(i) => self.js.string(&i.to_string()),
            Num::Text(_, Some(s)) => Ok(*s),
            Num::Text(t, None) => self.js.string(t),
        }
    }

    /// A JavaScript string's number text, checked and normalized by the core.
    fn normalize(&self, text: Value, loc: &Loc<'_>) -> Result<String> {
        number::normalize(&self.js.utf8(text)?).map_err(|e| self.error_at(loc, e))
    }

    /// Whether an object is a plain object: `{}`, one without a prototype, or
    /// one from another realm.
    fn is_plain(&self, v: Value) -> Result<bool> {
        let js = self.js;
        let proto = js.prototype(v)?;
        Ok(js.same(proto, self.slot(Slot::ObjectPrototype)?)?
            || js.type_of(proto)? == NULL
            || js.class_name(v)?.as_deref() == Some("Object"))
    }

    /// An object: an array, a `{}`, or something [`Cx::unusual`].
    fn object(&self, v: Value, loc: &Loc<'_>) -> Result<Kind<Self>> {
        let js = self.js;
        if js.is_array(v)? {
            return Ok(Kind::List(v));
        }
        let proto = js.prototype(v)?;
        if js.same(proto, self.slot(Slot::ObjectPrototype)?)? {
            return Ok(Kind::Map(v));
        }
        self.unusual(v, proto, loc)
    }

    /// An object that is not an array or a `{}`: binary, a set, a
    /// `DynamoNumber`, an object without a prototype or from another realm.
    #[inline(never)]
    fn unusual(&self, v: Value, proto: Value, loc: &Loc<'_>) -> Result<Kind<Self>> {
        let js = self.js;
        if let Some(bin) = js.binary(v)? {
            return Ok(Kind::Binary(Binary::View(bin)));
        }
        if js.instance_of(v, self.slot(Slot::Set)?)? {
            return Ok(Kind::Set(js.call1(self.slot(Slot::SetMembers)?, v)?));
        }
        if js.instance_of(v, self.slot(Slot::DynamoNumber)?)? {
            let text = js.get(v, self.slot(Slot::NumberKey)?)?;
            if js.type_of(text)? != STRING {
                return Err(self.error_at(loc, Dialect::JavaScript.number_not_text()));
            }
            return Ok(Kind::Number(Num::Text(self.normalize(text, loc)?, None)));
        }
        if js.type_of(proto)? == NULL {
            return Ok(Kind::Map(v));
        }
        Ok(match js.class_name(v)? {
            Some(name) if name == "Object" => Kind::Map(v),
            name => Kind::Unsupported(Unsupported::Instance(name)),
        })
    }
}

/// A number, as the walk found it.
pub(crate) enum Num {
    /// A JavaScript number, finite and in DynamoDB's range.
    Double(Value),
    /// A whole number of at most 15 digits, read from `N` text.
    Int(i64),
    /// Normalized decimal text, and a JavaScript string of it if there is
    /// one at hand.
    Text(String, Option<Value>),
}

/// The entries of an object, in `Object.keys` order.
pub(crate) struct Entries {
    js: Js,
    object: Value,
    keys: Value,
    len: u32,
    next: u32,
}

impl Iterator for Entries {
    type Item = Result<(MapKey<Value>, Value)>;

    fn next(&mut self) -> Option<Self::Item> {
        let i = self.next;
        if i == self.len {
            return None;
        }
        self.next += 1;
        Some(self.js.element(self.keys, i).and_then(|key| Ok((MapKey::Key(key), self.js.get(self.object, key)?))))
    }
}

/// The elements of an array.
pub(crate) struct Items {
    js: Js,
    array: Value,
    len: u32,
    next: u32,
}

impl Iterator for Items {
    type Item = Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        let i = self.next;
        if i == self.len {
            return None;
        }
        self.next += 1;
        Some(self.js.element(self.array, i))
    }
}

impl Host for Cx {
    type Value = Value;
    type Str = Value;
    type Num = Num;
    type Bytes = Binary;
    type Map = Value;
    type List = Value;
    type Entries = Entries;
    type Items = Items;
    type Error = Failure;

    const DIALECT: Dialect = Dialect::JavaScript;

    fn fail(&self, error: MarshalError) -> Failure {
        Failure::Marshal(error)
    }

    fn key_text(&self, key: &Value) -> String {
        self.js.utf8(*key).unwrap_or_default()
    }

    fn describe(&self, value: &Value) -> Result<String> {
        self.js.describe(*value)
    }

    #[inline]
    fn classify(&self, value: &Value, loc: &Loc<'_>) -> Result<Kind<Self>> {
        let (js, v) = (self.js, *value);
        Ok(match js.type_of(v)? {
            STRING => Kind::Str(v),
            NUMBER => {
                let spelled = || js.utf8(js.to_string(v)?);
                rules::check_double(js.double(v)?, spelled, |message| self.error_at(loc, message))?;
                Kind::Number(Num::Double(v))
            }
            OBJECT => return self.object(v, loc),
            BOOLEAN => Kind::Bool(js.bool(v)?),
            NULL => Kind::Null,
            BIGINT => {
                let text = js.to_string(v)?;
                Kind::Number(Num::Text(self.normalize(text, loc)?, Some(text)))
            }
            UNDEFINED => Kind::Undefined,
            FUNCTION => Kind::Unsupported(Unsupported::Function),
            SYMBOL => Kind::Unsupported(Unsupported::Symbol),
            _ => Kind::Unsupported(Unsupported::External),
        })
    }

    fn item_map(&self, value: &Value, typed: bool) -> Result<Option<Value>> {
        let (js, v) = (self.js, *value);
        let object = js.type_of(v)? == OBJECT && !js.is_array(v)?;
        Ok((object && (typed || self.is_plain(v)?)).then_some(v))
    }

    /// Not counted: a capacity hint, and counting costs a Node-API call.
    fn map_len(&self, _: &Value) -> usize {
        0
    }

    fn entries(&self, map: &Value) -> Result<Entries> {
        let keys = self.js.keys(*map)?;
        Ok(Entries { js: self.js, object: *map, keys, len: self.js.length(keys)?, next: 0 })
    }

    fn list_len(&self, list: &Value) -> usize {
        self.js.length(*list).unwrap_or(0) as usize
    }

    fn items(&self, list: &Value) -> Result<Items> {
        Ok(Items { js: self.js, array: *list, len: self.js.length(*list)?, next: 0 })
    }

    fn as_str(&self, value: &Value) -> Option<Value> {
        (self.js.type_of(*value).ok() == Some(STRING)).then_some(*value)
    }

    fn as_bool(&self, value: &Value) -> Result<Option<bool>> {
        if self.js.type_of(*value)? != BOOLEAN {
            return Ok(None);
        }
        Ok(Some(self.js.bool(*value)?))
    }

    fn as_binary(&self, value: &Value) -> Result<Option<Binary>> {
        if self.js.type_of(*value)? != OBJECT {
            return Ok(None);
        }
        Ok(self.js.binary(*value)?.map(Binary::View))
    }

    fn as_map(&self, value: &Value) -> Result<Option<Value>> {
        let js = self.js;
        Ok((js.type_of(*value)? == OBJECT && !js.is_array(*value)?).then_some(*value))
    }

    fn as_list(&self, value: &Value, _set: bool) -> Result<Option<Value>> {
        let js = self.js;
        Ok((js.type_of(*value)? == OBJECT && js.is_array(*value)?).then_some(*value))
    }

    /// The one own key of an attribute value. (`@aws-sdk/util-dynamodb`
    /// takes the first of several keys; two tags are an error here, as in
    /// the core's DynamoDB JSON.)
    #[inline]
    fn tagged(&self, map: &Value) -> Result<Tagged<Value>> {
        let js = self.js;
        let keys = js.keys(*map)?;
        let n = js.length(keys)?;
        if n != 1 {
            let names = (0..n).map(|i| js.utf8(js.element(keys, i)?)).collect::<Result<Vec<_>>>()?;
            return Ok(Tagged::Keys(names));
        }
        let key = js.element(keys, 0)?;
        let mut buf = [0u8; 8];
        let tag = match js.utf8_short(key, &mut buf)?.and_then(Tag::from_name) {
            Some(tag) => Ok(tag),
            None => Err(js.utf8(key)?),
        };
        Ok(Tagged::One(tag, js.get(*map, key)?))
    }

    fn text<'s>(&self, s: &'s Value) -> Result<Cow<'s, str>> {
        Ok(Cow::Owned(self.js.utf8(*s)?))
    }

    /// The first lone surrogate (`napi_get_value_string_utf8` would put
    /// U+FFFD in its place, so the UTF-16 units are read).
    fn lone_surrogate(&self, s: &Value) -> Result<Option<(u16, usize)>> {
        Ok(rules::lone_surrogate(&self.js.utf16(*s)?))
    }

    #[inline]
    fn typed_number(&self, text: &Value, loc: &Loc<'_>) -> Result<Num> {
        let mut buf = [0u8; 64];
        if let Some(i) = self.js.utf8_short(*text, &mut buf)?.and_then(rules::small_int) {
            return Ok(Num::Int(i));
        }
        Ok(Num::Text(self.normalize(*text, loc)?, None))
    }

    fn number_text<'n>(&self, n: &'n Num, loc: &Loc<'_>) -> Result<Cow<'n, str>> {
        Ok(match n {
            Num::Double(v) => Cow::Owned(self.normalize(self.js.to_string(*v)?, loc)?),
            Num::Int(i) => Cow::Owned(i.to_string()),
            Num::Text(t, _) => Cow::Borrowed(t),
        })
    }
}

// ---- builders ----

/// A JavaScript array filled in order; shortened at the end if fewer values
/// came (`undefined` left out).
pub(crate) struct JsList {
    array: Value,
    len: u32,
    capacity: u32,
}

impl JsList {
    fn new(js: Js, capacity: usize) -> Result<JsList> {
        let array = out!(napi_create_array_with_length(js.0, capacity) -> value)?;
        Ok(JsList { array, len: 0, capacity: capacity as u32 })
    }

    #[inline]
    fn push(&mut self, js: Js, value: Value) -> Result<()> {
        check(unsafe { sys::napi_set_element(js.0, self.array, self.len, value) })?;
        self.len += 1;
        Ok(())
    }

    fn finish(self, js: Js) -> Result<Value> {
        if self.len < self.capacity {
            let len = out!(napi_create_uint32(js.0, self.len) -> value)?;
            check(unsafe { sys::napi_set_named_property(js.0, self.array, c"length".as_ptr(), len) })?;
        }
        Ok(self.array)
    }
}

impl Make for Cx {
    type Out = Value;
    type MapOut = Value;
    type ListOut = JsList;

    fn make_str(&self, s: Value) -> Result<Value> {
        Ok(s)
    }
    fn make_text(&self, text: &str) -> Result<Value> {
        self.js.string(text)
    }
    fn make_bool(&self, b: bool) -> Result<Value> {
        self.js.boolean(b)
    }
    fn make_null(&self) -> Result<Value> {
        self.js.null()
    }
    fn make_binary(&self, b: &Binary) -> Result<Value> {
        b.uint8array(self.js)
    }
    fn make_number_text(&self, n: &Num, _: &Loc<'_>) -> Result<Value> {
        self.number_string(n)
    }
    /// A number when one holds it exactly, a BigInt for a larger integer, a
    /// `DynamoNumber` with the exact text for a decimal no number holds (see
    /// `walk::js::js_number`); every one a `DynamoNumber` for `Exact`.
    fn make_number(&self, n: &Num, numbers: Numbers, loc: &Loc<'_>) -> Result<Value> {
        let exact = numbers == Numbers::Exact;
        let text = match n {
            Num::Int(i) if !exact => return self.js.create_double(*i as f64),
            Num::Double(v) if !exact => return Ok(*v),
            Num::Text(t, _) => Cow::Borrowed(t.as_str()),
            other => self.number_text(other, loc)?,
        };
        match rules::js_number(&text) {
            _ if exact => self.dynamo_number(&text),
            JsNumber::Double(f) => self.js.create_double(f),
            JsNumber::BigInt { negative, digits } => self.js.bigint(negative, digits),
            JsNumber::Exact => self.dynamo_number(&text),
        }
    }
    fn make_tagged(&self, tag: Tag, value: Value) -> Result<Value> {
        self.tagged(tag, value)
    }
    fn make_set(&self, members: Vec<Value>) -> Result<Value> {
        self.js.new1(self.slot(Slot::Set)?, self.js.array(&members)?)
    }
    fn new_map_out(&self) -> Result<Value> {
        self.js.object()
    }
    fn insert_out(&self, map: &mut Value, key: Value, value: Value) -> Result<()> {
        self.insert(*map, key, value)
    }
    fn map_out(&self, map: Value) -> Result<Value> {
        Ok(map)
    }
    fn new_list_out(&self, len: usize) -> Result<JsList> {
        JsList::new(self.js, len)
    }
    fn push_out(&self, list: &mut JsList, value: Value) -> Result<()> {
        list.push(self.js, value)
    }
    fn list_out(&self, list: JsList) -> Result<Value> {
        list.finish(self.js)
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
        return Ok((false, Typed::default()));
    }
    let p = Props::new(env, options, what, &["removeUndefinedValues", "binary"])?;
    let binary = match p.string("binary")? {
        None => BinaryForm::Bytes,
        Some(name) => BinaryForm::parse(Dialect::JavaScript, &name)
            .map_err(|e| crate::errors::type_error(format!("{what}: {e}")))?,
    };
    Ok((p.bool("removeUndefinedValues")?.unwrap_or(false), Typed { binary }))
}

/// `unmarshall`'s options: the builder.
fn unmarshall_options(env: &Env, options: Option<Unknown>, what: &'static str) -> Result<Plain> {
    let wrap =
        options.is_some() && Props::new(env, options, what, &["wrapNumbers"])?.bool("wrapNumbers")? == Some(true);
    Ok(Plain { numbers: if wrap { Numbers::Exact } else { Numbers::Native } })
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
        let (skip_undefined, build) = marshall_options(env, options, "marshall options")?;
        let cx = Cx::new(env)?;
        Ok(unknown(env, PlainReader { host: &cx, build, skip_undefined }.item(&item.raw(), &Loc::Root)?))
    })
}

/// One attribute value, by the rules of `marshall`: `marshallValue('x')` is
/// `{ S: 'x' }`, `marshallValue(new Set([1, 2]))` is `{ NS: ['1', '2'] }`.
#[napi(ts_args_type = "value: unknown, options?: MarshallOptions", ts_return_type = "AttributeValue")]
pub fn marshall_value<'env>(env: &'env Env, value: Unknown, options: Option<Unknown>) -> napi::Result<Unknown<'env>> {
    guard(env, || {
        let (skip_undefined, build) = marshall_options(env, options, "marshallValue options")?;
        let cx = Cx::new(env)?;
        Ok(unknown(env, PlainReader { host: &cx, build, skip_undefined }.value(&value.raw(), &Loc::Root, 0)?))
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
        let build = unmarshall_options(env, options, "unmarshall options")?;
        let cx = Cx::new(env)?;
        Ok(unknown(env, TypedReader { host: &cx, build }.item(&item.raw(), &Loc::Root)?))
    })
}

/// One attribute value back to a plain JavaScript value, by the rules of
/// `unmarshall`: `unmarshallValue({ N: '1.5' })` is `1.5`.
#[napi(ts_args_type = "value: AttributeValueInput, options?: UnmarshallOptions", ts_return_type = "NativeValue")]
pub fn unmarshall_value<'env>(env: &'env Env, value: Unknown, options: Option<Unknown>) -> napi::Result<Unknown<'env>> {
    guard(env, || {
        let build = unmarshall_options(env, options, "unmarshallValue options")?;
        let cx = Cx::new(env)?;
        Ok(unknown(env, TypedReader { host: &cx, build }.value(&value.raw(), &Loc::Root, 0)?))
    })
}
