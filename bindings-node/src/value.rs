//! JavaScript values ↔ ASL JSON.
//!
//! Into Rust, a value becomes a [`PayloadValue`]: plain JSON, with a
//! `JsonPathExpr` anywhere inside standing for a path or intrinsic call (the
//! core turns its object key into `key.$`). Numbers follow the core's rule
//! (`stepforge::builder::number`: whole numbers below 2^53 are integers),
//! BigInts are kept exact, and a value JSON cannot hold (undefined, a
//! function, a symbol, NaN, a class instance) is a `TypeError` naming where it
//! sits. Out of Rust, [`Json`] writes JSON as plain JavaScript values.

use std::borrow::Cow;
use std::ptr;
use std::str::FromStr;

use napi::bindgen_prelude::{
    Array, BigInt, ClassInstance, FromNapiValue, JavaScriptClassExt, JsObjectValue, MaybeTypeTag, Null, Object, This,
    ToNapiValue, TypeName, Unknown,
};
use napi::{Env, JsValue, ValueType, sys};
use napi_derive::napi;
use serde_json::{Number, Value};
use stepforge::builder::{PayloadValue, number};

use crate::errors::{Result, type_error, value_error};
use crate::runtime::{self, js_class};

/// A path or an intrinsic function call, as `JsonPath` helpers return it.
/// In JavaScript it is an instance of the `JsonPathExpr` class of `runtime.js`.
pub struct JsonPathExpr {
    /// The expression text (`$.a`, `States.Format(...)`).
    pub expression: Cow<'static, str>,
}

impl JsonPathExpr {
    /// An expression known at compile time (the `JsonPath` constants).
    pub const fn constant(expression: &'static str) -> JsonPathExpr {
        JsonPathExpr { expression: Cow::Borrowed(expression) }
    }
}

impl From<String> for JsonPathExpr {
    fn from(expression: String) -> Self {
        JsonPathExpr { expression: Cow::Owned(expression) }
    }
}

impl ToNapiValue for JsonPathExpr {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        let env = Env::from_raw(env);
        Ok(runtime::construct(&env, "JsonPathExpr", value.expression.into_owned())?.raw())
    }
}

js_class!(
    /// The constructor of [`JsonPathExpr`] (declared in `header.d.ts`).
    JsonPathExprConstructor => "JsonPathExpr"
);

/// A path or intrinsic function call made by a `JsonPath` helper. Put it
/// anywhere in a payload: at an object field it makes the key `key.$`.
#[napi]
#[allow(non_upper_case_globals)]
pub const JsonPathExpr: JsonPathExprConstructor = JsonPathExprConstructor;

/// Reads the expression of a `JsonPathExpr` instance, if `value` is one.
pub fn json_path_expr(env: &Env, value: &Unknown) -> Result<Option<String>> {
    if value.get_type()? != ValueType::Object || !runtime::is_instance(env, value, "JsonPathExpr")? {
        return Ok(None);
    }
    let object = Object::from_unknown(*value)?;
    Ok(Some(object.get_named_property::<String>("expression")?))
}

/// The core value of a native class instance, if `value` is one.
pub fn native<'a, T>(env: &Env, value: &Unknown<'a>) -> Result<Option<ClassInstance<'a, T>>>
where
    T: JavaScriptClassExt + MaybeTypeTag + 'static,
{
    if value.get_type()? != ValueType::Object || !T::instance_of(env, value)? {
        return Ok(None);
    }
    Ok(Some(ClassInstance::<T>::from_unknown(*value)?))
}

/// napi-rs runs a class constructor called without `new` on whatever `this`
/// is (the exports object, for `sf.Pass('x')`): refuse, as JavaScript does.
pub fn constructed_with_new<T>(env: &Env, this: &This<Unknown>) -> Result<()>
where
    T: JavaScriptClassExt + MaybeTypeTag + 'static,
{
    if this.object.get_type()? == ValueType::Object && T::instance_of(env, &this.object)? {
        return Ok(());
    }
    let name = std::any::type_name::<T>().rsplit("::").next().unwrap_or("this class");
    Err(type_error(format!("Class constructor {name} cannot be invoked without 'new'")))
}

/// Whether two strings are equal, in a `const` context (for the compile-time
/// checks that keep the typed interfaces equal to the core's tables).
pub const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A place in an argument, for error messages: `options.parameters.items[2]`.
#[derive(Clone)]
pub struct At {
    path: String,
    depth: usize,
}

impl At {
    /// The root: an argument or option name.
    pub fn new(root: impl Into<String>) -> At {
        At { path: root.into(), depth: 0 }
    }

    /// A field of the object at this place.
    pub fn key(&self, key: &str) -> At {
        let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        let path = if plain {
            format!("{}.{key}", self.path)
        } else {
            format!("{}[{}]", self.path, Value::String(key.into()))
        };
        At { path, depth: self.depth + 1 }
    }

    /// An element of the array at this place.
    pub fn index(&self, i: usize) -> At {
        At { path: format!("{}[{i}]", self.path), depth: self.depth + 1 }
    }

    /// Whether this place is nested deeper than any real value (or the value
    /// is circular): recursion stops here with an error.
    pub fn too_deep(&self) -> bool {
        self.depth >= MAX_DEPTH
    }
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path)
    }
}

/// The error for a value nested deeper than [`MAX_DEPTH`].
pub fn too_deep(at: &At) -> crate::errors::Failure {
    value_error(format!("`{at}` nests more than {MAX_DEPTH} levels deep (is the value circular?)"))
}

/// How deep a value may nest: far more than any definition (JSON text nests
/// at most 128 deep), and a bound on the recursion, which a circular object
/// would otherwise turn into a stack overflow.
const MAX_DEPTH: usize = 256;

/// A JavaScript value as a payload: JSON with `JsonPathExpr`s inside.
pub fn to_payload(env: &Env, value: Unknown, at: &At) -> Result<PayloadValue> {
    payload_at(env, value, &Place::Root(at))
}

/// Where a value being read sits: a chain that is spelled out as an [`At`]
/// only when an error names it (every field and element of a large input
/// would otherwise format its path).
enum Place<'a> {
    Root(&'a At),
    Key(&'a Place<'a>, &'a str),
    Index(&'a Place<'a>, usize),
}

impl Place<'_> {
    fn at(&self) -> At {
        match self {
            Place::Root(at) => (*at).clone(),
            Place::Key(parent, key) => parent.at().key(key),
            Place::Index(parent, i) => parent.at().index(*i),
        }
    }

    fn depth(&self) -> usize {
        match self {
            Place::Root(at) => at.depth,
            Place::Key(parent, _) | Place::Index(parent, _) => parent.depth() + 1,
        }
    }
}

fn payload_at(env: &Env, value: Unknown, place: &Place) -> Result<PayloadValue> {
    let json = |v: Value| Ok(PayloadValue::Json(v));
    match value.get_type()? {
        ValueType::Null => json(Value::Null),
        ValueType::Boolean => json(Value::Bool(bool::from_unknown(value)?)),
        ValueType::String => json(Value::String(String::from_unknown(value)?)),
        ValueType::Number => {
            let f = f64::from_unknown(value)?;
            match number(f) {
                Some(n) => json(n),
                None => Err(value_error(format!("`{}` is {}, which JSON cannot hold", place.at(), js_number(f)))),
            }
        }
        ValueType::BigInt => {
            // Exact: the decimal text becomes the JSON number as is.
            let text = value.coerce_to_string()?.into_utf8()?.into_owned()?;
            json(Value::Number(Number::from_str(&text).map_err(|e| value_error(format!("`{}`: {e}", place.at())))?))
        }
        ValueType::Object => object_to_payload(env, value, place),
        ValueType::Undefined => Err(type_error(format!("`{}` is undefined, which JSON cannot hold", place.at()))),
        ValueType::Function => Err(type_error(format!("`{}` is a function, which JSON cannot hold", place.at()))),
        ValueType::Symbol => Err(type_error(format!("`{}` is a symbol, which JSON cannot hold", place.at()))),
        other => Err(type_error(format!("`{}` is a {other}, which JSON cannot hold", place.at()))),
    }
}

/// A number as JavaScript writes it (`NaN`, `Infinity`).
fn js_number(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        f.to_string()
    }
}

fn object_to_payload(env: &Env, value: Unknown, place: &Place) -> Result<PayloadValue> {
    if place.depth() >= MAX_DEPTH {
        return Err(too_deep(&place.at()));
    }
    // The common case first: an object whose prototype is `Object.prototype`
    // is neither a `JsonPathExpr`, an array nor a class instance, and unless
    // it has a field of its own named `constructor` (which the checks below
    // read) its fields are all there is to it.
    if has_object_prototype(env, &value)? {
        let object = Object::from_unknown(value)?;
        let keys = own_key_values(env, &object)?;
        if !keys.iter().any(|(key, _)| key == "constructor") {
            return fields_to_payload(env, &object, keys, place);
        }
    }
    if let Some(expression) = json_path_expr(env, &value)? {
        return Ok(PayloadValue::Expr(expression));
    }
    if value.is_array()? {
        let array = Array::from_unknown(value)?;
        let mut items = Vec::with_capacity(array.len() as usize);
        for i in 0..array.len() {
            let here = Place::Index(place, i as usize);
            let item = array.get::<Unknown>(i)?.ok_or_else(|| type_error(format!("`{}` is missing", here.at())))?;
            items.push(payload_at(env, item, &here)?);
        }
        return Ok(PayloadValue::Array(items));
    }
    let object = Object::from_unknown(value)?;
    if let Some(class) = class_name(&object)? {
        let hint = if value.is_date()? { " (use date.toISOString())" } else { "" };
        return Err(type_error(format!("`{}` is a {class}, not a plain object or array{hint}", place.at())));
    }
    let keys = own_key_values(env, &object)?;
    fields_to_payload(env, &object, keys, place)
}

/// The fields of a plain object, read by the key values `own_key_values` gave.
fn fields_to_payload(
    env: &Env,
    object: &Object,
    keys: Vec<(String, sys::napi_value)>,
    place: &Place,
) -> Result<PayloadValue> {
    let mut fields = Vec::with_capacity(keys.len());
    for (key, key_value) in keys {
        let mut field = ptr::null_mut();
        napi::check_status!(
            unsafe { sys::napi_get_property(env.raw(), object.raw(), key_value, &mut field) },
            "cannot read the field {key:?}"
        )?;
        let field = unsafe { Unknown::from_raw_unchecked(env.raw(), field) };
        let payload = payload_at(env, field, &Place::Key(place, &key))?;
        fields.push((key, payload));
    }
    Ok(PayloadValue::Object(fields))
}

/// Whether `value`'s prototype is `Object.prototype` (a plain object made by
/// a literal, `JSON.parse` or `new Object()`).
fn has_object_prototype(env: &Env, value: &Unknown) -> Result<bool> {
    let mut prototype = ptr::null_mut();
    napi::check_status!(unsafe { sys::napi_get_prototype(env.raw(), value.raw(), &mut prototype) })?;
    let plain = runtime::object_prototype(env)?;
    let mut same = false;
    napi::check_status!(unsafe { sys::napi_strict_equals(env.raw(), prototype, plain, &mut same) })?;
    Ok(same)
}

/// The class of an object that is not a plain object (`{}` or `Object.create(null)`).
fn class_name(object: &Object) -> Result<Option<String>> {
    let constructor: Unknown = object.get_named_property("constructor")?;
    if constructor.get_type()? != ValueType::Function {
        return Ok(None);
    }
    let name: Unknown = Object::from_unknown(constructor)?.get_named_property("name")?;
    let name = if name.get_type()? == ValueType::String { String::from_unknown(name)? } else { String::new() };
    Ok(if name == "Object" {
        None
    } else if name.is_empty() {
        Some("class instance".into())
    } else {
        Some(name)
    })
}

/// An object's own enumerable string keys, in `Object.keys` order.
pub fn own_keys(env: &Env, object: &Object) -> Result<Vec<String>> {
    Ok(own_key_values(env, object)?.into_iter().map(|(key, _)| key).collect())
}

/// An object's own enumerable string keys, in `Object.keys` order, each with
/// its JavaScript string (to read the field without making the key again).
fn own_key_values(env: &Env, object: &Object) -> Result<Vec<(String, sys::napi_value)>> {
    let mut names = ptr::null_mut();
    let status = unsafe {
        sys::napi_get_all_property_names(
            env.raw(),
            object.raw(),
            sys::KeyCollectionMode::own_only,
            sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
            sys::KeyConversion::numbers_to_strings,
            &mut names,
        )
    };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::new(napi::Status::from(status), "cannot list the object's keys").into());
    }
    let names = unsafe { Array::from_napi_value(env.raw(), names) }?;
    (0..names.len())
        .map(|i| {
            let mut key = ptr::null_mut();
            napi::check_status!(unsafe { sys::napi_get_element(env.raw(), names.raw(), i, &mut key) })?;
            Ok((unsafe { String::from_napi_value(env.raw(), key) }?, key))
        })
        .collect()
}

/// A JavaScript value as plain JSON (a `JsonPathExpr` inside an object makes its key `key.$`).
pub fn to_json(env: &Env, value: Unknown, at: &At) -> Result<Value> {
    Ok(to_payload(env, value, at)?.into_value()?)
}

/// JSON written as plain JavaScript values: integers beyond 2^53 become
/// BigInts so that no digit is lost.
pub struct Json<'a>(pub &'a Value);

impl ToNapiValue for Json<'_> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        unsafe { Writer { env, keys: Vec::new() }.write(val.0) }
    }
}

/// Writes one JSON value as JavaScript values, making each distinct object
/// key's string once (the objects of an array mostly share their keys).
struct Writer<'v> {
    env: sys::napi_env,
    keys: Vec<(&'v str, sys::napi_value)>,
}

/// How many distinct keys a [`Writer`] keeps (it searches them one by one).
const KEPT_KEYS: usize = 32;

impl<'v> Writer<'v> {
    unsafe fn write(&mut self, value: &'v Value) -> napi::Result<sys::napi_value> {
        let env = self.env;
        unsafe {
            match value {
                Value::Null => Null::to_napi_value(env, Null),
                Value::Bool(b) => bool::to_napi_value(env, *b),
                Value::String(s) => <&str>::to_napi_value(env, s),
                Value::Number(n) => number_to_js(env, n),
                Value::Array(items) => {
                    let mut array = ptr::null_mut();
                    napi::check_status!(sys::napi_create_array_with_length(env, items.len(), &mut array))?;
                    for (i, item) in items.iter().enumerate() {
                        let item = self.write(item)?;
                        napi::check_status!(sys::napi_set_element(env, array, i as u32, item))?;
                    }
                    Ok(array)
                }
                Value::Object(map) => {
                    let mut object = ptr::null_mut();
                    napi::check_status!(sys::napi_create_object(env, &mut object))?;
                    for (key, value) in map {
                        let key = self.key(key)?;
                        let value = self.write(value)?;
                        napi::check_status!(sys::napi_set_property(env, object, key, value))?;
                    }
                    Ok(object)
                }
            }
        }
    }

    unsafe fn key(&mut self, key: &'v str) -> napi::Result<sys::napi_value> {
        if let Some(&(_, made)) = self.keys.iter().find(|(k, _)| *k == key) {
            return Ok(made);
        }
        let made = unsafe { <&str>::to_napi_value(self.env, key) }?;
        if self.keys.len() < KEPT_KEYS {
            self.keys.push((key, made));
        }
        Ok(made)
    }
}

/// Owned JSON for a return value, written as plain JavaScript values.
pub struct JsonValue(pub Value);

impl TypeName for JsonValue {
    fn type_name() -> &'static str {
        "JSON"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for JsonValue {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        unsafe { Json::to_napi_value(env, Json(&val.0)) }
    }
}

unsafe fn number_to_js(env: sys::napi_env, n: &Number) -> napi::Result<sys::napi_value> {
    const SAFE: i128 = (1 << 53) - 1;
    // Most numbers are small integers: no text to make.
    if let Some(i) = n.as_i64()
        && (i as i128).abs() <= SAFE
    {
        return unsafe { f64::to_napi_value(env, i as f64) };
    }
    let text = n.to_string();
    if let Ok(i) = i128::from_str(&text) {
        if i.abs() <= SAFE {
            return unsafe { f64::to_napi_value(env, i as f64) };
        }
        return unsafe { BigInt::to_napi_value(env, BigInt::from(i)) };
    }
    let f = n.as_f64().or_else(|| f64::from_str(&text).ok()).unwrap_or(f64::NAN);
    unsafe { f64::to_napi_value(env, f) }
}

/// Reads an options object, rejecting names it does not know.
pub struct Props<'env> {
    object: Option<Object<'env>>,
    what: &'static str,
}

impl<'env> Props<'env> {
    /// `value` must be an object (or absent); every key must be in `allowed`.
    pub fn new(env: &Env, value: Option<Unknown<'env>>, what: &'static str, allowed: &[&str]) -> Result<Props<'env>> {
        let props = Props::open(value, what)?;
        if let Some(object) = &props.object {
            for key in own_keys(env, object)? {
                if !allowed.contains(&key.as_str()) {
                    return Err(value_error(format!(
                        "{what}: `{key}` is not an option; the options are {}",
                        allowed.join(", ")
                    )));
                }
            }
        }
        Ok(props)
    }

    /// `value` must be an object (or absent); the caller checks its keys.
    pub fn open(value: Option<Unknown<'env>>, what: &'static str) -> Result<Props<'env>> {
        let object = match value {
            None => None,
            Some(v) => match v.get_type()? {
                ValueType::Undefined | ValueType::Null => None,
                ValueType::Object if !v.is_array()? => Some(Object::from_unknown(v)?),
                other => return Err(type_error(format!("{what} must be an object, not {}", describe(&v, other)?))),
            },
        };
        Ok(Props { object, what })
    }

    /// The object, if one was given.
    pub fn object(&self) -> Option<&Object<'env>> {
        self.object.as_ref()
    }

    /// The value of `key`; `undefined` counts as absent.
    pub fn get(&self, key: &str) -> Result<Option<Unknown<'env>>> {
        let Some(object) = &self.object else { return Ok(None) };
        let value: Unknown = object.get_named_property(key)?;
        Ok(if value.get_type()? == ValueType::Undefined { None } else { Some(value) })
    }

    fn at(&self, key: &str) -> At {
        At::new(self.what).key(key)
    }

    /// A string option.
    pub fn string(&self, key: &str) -> Result<Option<String>> {
        self.get(key)?.map(|v| scalar(v, &self.at(key))).transpose()
    }

    /// A boolean option.
    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        self.get(key)?.map(|v| scalar(v, &self.at(key))).transpose()
    }

    /// A finite number option.
    pub fn float(&self, key: &str) -> Result<Option<f64>> {
        self.get(key)?.map(|v| scalar(v, &self.at(key))).transpose()
    }

    /// A whole, non-negative number option (a count or a number of seconds).
    pub fn count(&self, key: &str) -> Result<Option<u64>> {
        const SAFE: f64 = 9_007_199_254_740_991.0;
        match self.float(key)? {
            None => Ok(None),
            Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= SAFE => Ok(Some(f as u64)),
            Some(f) => Err(value_error(format!("`{}` must be a whole number of at least 0, not {f}", self.at(key)))),
        }
    }

    /// One of a few strings.
    pub fn one_of(&self, key: &str, allowed: &[&str]) -> Result<Option<String>> {
        match self.string(key)? {
            Some(s) if !allowed.contains(&s.as_str()) => Err(value_error(format!(
                "`{}` must be one of {}, not {}",
                self.at(key),
                allowed.iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(", "),
                Value::String(s)
            ))),
            other => Ok(other),
        }
    }

    /// An array of strings.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>> {
        self.get(key)?.map(|v| strings(v, &self.at(key))).transpose()
    }

    /// A payload option (JSON with `JsonPathExpr`s), as ASL JSON.
    pub fn json(&self, env: &Env, key: &str) -> Result<Option<Value>> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) => Ok(Some(to_json(env, v, &self.at(key))?)),
        }
    }
}

/// A scalar argument type: a string, a finite number or a boolean.
pub trait Scalar: Sized {
    /// What the argument must be, for errors: `a string`.
    const EXPECTED: &'static str;
    /// The value, if it has this type.
    fn read(value: &Unknown) -> Result<Option<Self>>;
}

impl Scalar for String {
    const EXPECTED: &'static str = "a string";
    fn read(value: &Unknown) -> Result<Option<Self>> {
        Ok(if value.get_type()? == ValueType::String { Some(String::from_unknown(*value)?) } else { None })
    }
}

impl Scalar for f64 {
    const EXPECTED: &'static str = "a finite number";
    fn read(value: &Unknown) -> Result<Option<Self>> {
        if value.get_type()? != ValueType::Number {
            return Ok(None);
        }
        let f = f64::from_unknown(*value)?;
        Ok(f.is_finite().then_some(f))
    }
}

impl Scalar for bool {
    const EXPECTED: &'static str = "a boolean";
    fn read(value: &Unknown) -> Result<Option<Self>> {
        Ok(if value.get_type()? == ValueType::Boolean { Some(bool::from_unknown(*value)?) } else { None })
    }
}

/// A scalar argument; anything else is a `TypeError` naming it.
pub fn scalar<T: Scalar>(value: Unknown, at: &At) -> Result<T> {
    match T::read(&value)? {
        Some(v) => Ok(v),
        None => {
            Err(type_error(format!("`{at}` must be {}, not {}", T::EXPECTED, describe(&value, value.get_type()?)?)))
        }
    }
}

/// An array of strings argument.
pub fn strings(value: Unknown, at: &At) -> Result<Vec<String>> {
    if value.get_type()? != ValueType::Object || !value.is_array()? {
        return Err(type_error(format!(
            "`{at}` must be an array of strings, not {}",
            describe(&value, value.get_type()?)?
        )));
    }
    let array = Array::from_unknown(value)?;
    (0..array.len())
        .map(|i| {
            let item: Unknown =
                array.get(i)?.ok_or_else(|| type_error(format!("`{}` is missing", at.index(i as usize))))?;
            scalar(item, &at.index(i as usize))
        })
        .collect()
}

/// How a value reads in an error message: `a number (3)`, `a string ("x")`.
pub fn describe(value: &Unknown, ty: ValueType) -> Result<String> {
    Ok(match ty {
        ValueType::Undefined => "undefined".into(),
        ValueType::Null => "null".into(),
        ValueType::Boolean => format!("a boolean ({})", bool::from_unknown(*value)?),
        ValueType::Number => format!("a number ({})", js_number(f64::from_unknown(*value)?)),
        ValueType::String => format!("a string ({})", Value::String(String::from_unknown(*value)?)),
        ValueType::Object if value.is_array()? => "an array".into(),
        ValueType::Object => match class_name(&Object::from_unknown(*value)?)? {
            Some(class) => format!("a {class}"),
            None => "an object".into(),
        },
        ValueType::Function => "a function".into(),
        ValueType::Symbol => "a symbol".into(),
        ValueType::BigInt => "a bigint".into(),
        other => format!("a {other}"),
    })
}
