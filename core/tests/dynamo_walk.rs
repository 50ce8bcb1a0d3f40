//! The DynamoDB marshalling walk (`dynamo::walk`) without a binding: a tiny
//! host over `serde_json::Value`, in both dialects, read into the core's
//! attribute values (`Attr`).
//!
//! JSON has no sets, binary or `undefined`, so the test host spells them as
//! one-key objects: `{"$set": [...]}`, `{"$bytes": "<base64>"}`,
//! `{"$undefined": true}`, `{"$date": 1}` (a class instance DynamoDB cannot
//! store).

use std::borrow::Cow;

use serde_json::{Map, Value, json};
use stepforge::dynamo::attr::{AttributeValue, Item, MAX_DEPTH, from_base64, item_to_dynamodb_json};
use stepforge::dynamo::walk::js::{self, JsNumber};
use stepforge::dynamo::walk::{
    Attr, Dialect, Host, Kind, Loc, MapKey, PlainReader, Tag, Tagged, TypedReader, Unsupported,
};
use stepforge::dynamo::{MarshalError, number};

/// Reads JSON values; `JS` picks the JavaScript dialect (else Python).
struct JsonHost<const JS: bool>;

type Entries = std::vec::IntoIter<Result<(MapKey<String>, Value), MarshalError>>;
type Items = std::vec::IntoIter<Result<Value, MarshalError>>;

/// The one key of a test spelling (`$set`, `$bytes`, …), if `v` is one.
fn special(v: &Value) -> Option<(&str, &Value)> {
    let map = v.as_object()?;
    let (k, inner) = map.iter().next()?;
    (map.len() == 1 && k.starts_with('$')).then_some((k.as_str(), inner))
}

impl<const JS: bool> Host for JsonHost<JS> {
    type Value = Value;
    type Str = String;
    type Num = String;
    type Bytes = Vec<u8>;
    type Map = Map<String, Value>;
    type List = Vec<Value>;
    type Entries = Entries;
    type Items = Items;
    type Error = MarshalError;

    const DIALECT: Dialect = if JS { Dialect::JavaScript } else { Dialect::Python };

    fn fail(&self, error: MarshalError) -> MarshalError {
        error
    }
    fn key_text(&self, key: &String) -> String {
        key.clone()
    }
    fn describe(&self, value: &Value) -> Result<String, MarshalError> {
        // Python names the type, JavaScript describes the value.
        let (python, javascript) = match (value, special(value)) {
            (_, Some(("$set", _))) => ("set", "a Set"),
            (_, Some(("$bytes", _))) => ("bytes", "a Uint8Array"),
            (_, Some(("$date", _))) => ("datetime", "a Date"),
            (Value::Null, _) => ("NoneType", "null"),
            (Value::Bool(_), _) => ("bool", "a boolean"),
            (Value::Number(_), _) => ("int", "a number"),
            (Value::String(_), _) => ("str", "a string"),
            (Value::Array(_), _) => ("list", "an array"),
            (Value::Object(_), _) => ("dict", "an object"),
        };
        Ok(if JS { javascript } else { python }.to_string())
    }
    fn classify(&self, value: &Value, loc: &Loc<'_, String>) -> Result<Kind<Self>, MarshalError> {
        Ok(match (value, special(value)) {
            (_, Some(("$set", Value::Array(members)))) => Kind::Set(members.clone()),
            (_, Some(("$bytes", Value::String(b)))) => Kind::Binary(from_base64(b).expect("test base64")),
            (_, Some(("$undefined", _))) => Kind::Undefined,
            (_, Some(("$date", _))) => Kind::Unsupported(if JS {
                Unsupported::Instance(Some("Date".into()))
            } else {
                Unsupported::Type("datetime".into())
            }),
            (Value::String(s), _) => Kind::Str(s.clone()),
            (Value::Number(n), _) => Kind::Number(self.typed_number(&n.to_string(), loc)?),
            (Value::Bool(b), _) => Kind::Bool(*b),
            (Value::Null, _) => Kind::Null,
            (Value::Array(items), _) => Kind::List(items.clone()),
            (Value::Object(map), _) => Kind::Map(map.clone()),
        })
    }
    fn item_map(&self, value: &Value, _typed: bool) -> Result<Option<Map<String, Value>>, MarshalError> {
        Ok(value.as_object().filter(|_| special(value).is_none()).cloned())
    }
    fn map_len(&self, map: &Map<String, Value>) -> usize {
        map.len()
    }
    fn entries(&self, map: &Map<String, Value>) -> Result<Entries, MarshalError> {
        Ok(map.iter().map(|(k, v)| Ok((MapKey::Key(k.clone()), v.clone()))).collect::<Vec<_>>().into_iter())
    }
    fn list_len(&self, list: &Vec<Value>) -> usize {
        list.len()
    }
    fn items(&self, list: &Vec<Value>) -> Result<Items, MarshalError> {
        Ok(list.iter().cloned().map(Ok).collect::<Vec<_>>().into_iter())
    }
    fn as_str(&self, value: &Value) -> Option<String> {
        value.as_str().map(str::to_string)
    }
    fn as_bool(&self, value: &Value) -> Result<Option<bool>, MarshalError> {
        Ok(value.as_bool())
    }
    fn as_binary(&self, value: &Value) -> Result<Option<Vec<u8>>, MarshalError> {
        Ok(match special(value) {
            Some(("$bytes", Value::String(b))) => Some(from_base64(b).expect("test base64")),
            _ => None,
        })
    }
    fn as_map(&self, value: &Value) -> Result<Option<Map<String, Value>>, MarshalError> {
        Ok(value.as_object().cloned())
    }
    fn as_list(&self, value: &Value, _set: bool) -> Result<Option<Vec<Value>>, MarshalError> {
        Ok(value.as_array().cloned())
    }
    fn tagged(&self, map: &Map<String, Value>) -> Result<Tagged<Value>, MarshalError> {
        if map.len() != 1 {
            return Ok(Tagged::Keys(map.keys().cloned().collect()));
        }
        let (name, inner) = map.iter().next().expect("one entry");
        Ok(Tagged::One(Tag::from_name(name.as_bytes()).ok_or_else(|| name.clone()), inner.clone()))
    }
    fn text<'s>(&self, s: &'s String) -> Result<Cow<'s, str>, MarshalError> {
        Ok(Cow::Borrowed(s))
    }
    /// Rust strings are UTF-8: the test spells a lone surrogate `\uDxxx` in the text itself.
    fn lone_surrogate(&self, s: &String) -> Result<Option<(u16, usize)>, MarshalError> {
        let units: Vec<u16> = s.encode_utf16().collect();
        let marked = s.find("\\uD").and_then(|i| u16::from_str_radix(s.get(i + 2..i + 6)?, 16).ok().map(|u| (u, i)));
        Ok(js::lone_surrogate(&units).or(marked))
    }
    fn typed_number(&self, text: &String, loc: &Loc<'_, String>) -> Result<String, MarshalError> {
        number::normalize(text).map_err(|e| self.error_at(loc, e))
    }
    fn number_text<'n>(&self, n: &'n String, _: &Loc<'_, String>) -> Result<Cow<'n, str>, MarshalError> {
        Ok(Cow::Borrowed(n))
    }
}

fn plain<const JS: bool>(value: Value, skip_undefined: bool) -> Result<Item, MarshalError> {
    PlainReader { host: &JsonHost::<JS>, build: Attr, skip_undefined }.item(&value, &Loc::Root)
}

fn plain_value<const JS: bool>(value: Value) -> Result<AttributeValue, MarshalError> {
    PlainReader { host: &JsonHost::<JS>, build: Attr, skip_undefined: false }.value(&value, &Loc::Root, 0)
}

fn typed<const JS: bool>(value: Value) -> Result<Item, MarshalError> {
    TypedReader { host: &JsonHost::<JS>, build: Attr }.item(&value, &Loc::Root)
}

/// The error of `result`, as `pointer: message`.
fn error<T: std::fmt::Debug>(result: Result<T, MarshalError>) -> (String, String) {
    let e = result.expect_err("an error");
    (e.pointer, e.message)
}

#[test]
fn plain_values_read_into_attribute_values() {
    let item = plain::<false>(
        json!({
            "s": "x", "n": 1.50, "big": 12345678901234567890u64, "t": true, "none": null,
            "b": {"$bytes": "AAE="}, "l": [1, "a", [false]], "m": {"k": {"j": 0}},
            "ss": {"$set": ["a", "b"]}, "ns": {"$set": [1, 2.5]}, "bs": {"$set": [{"$bytes": "AA=="}]}
        }),
        false,
    )
    .unwrap();
    assert_eq!(
        item_to_dynamodb_json(&item),
        json!({
            "s": {"S": "x"}, "n": {"N": "1.5"}, "big": {"N": "12345678901234567890"}, "t": {"BOOL": true},
            "none": {"NULL": true}, "b": {"B": "AAE="},
            "l": {"L": [{"N": "1"}, {"S": "a"}, {"L": [{"BOOL": false}]}]},
            "m": {"M": {"k": {"M": {"j": {"N": "0"}}}}},
            "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AA=="]}
        })
    );
}

#[test]
fn typed_values_read_back_what_plain_values_made() {
    let source = json!({"a": [1, {"b": "c"}, null], "n": -0.25, "s": {"$set": ["x", "y"]}, "bin": {"$bytes": "/w=="}});
    let item = plain::<true>(source, false).unwrap();
    let again = typed::<true>(item_to_dynamodb_json(&item)).unwrap();
    assert_eq!(again, item);
    assert_eq!(again["n"], AttributeValue::N("-0.25".into()));
}

#[test]
fn errors_say_where_with_type_tags_in_typed_pointers() {
    let bad = json!({"tags": {"L": [{"S": 1}]}});
    assert_eq!(error(typed::<false>(bad.clone())), ("/tags/L/0/S".into(), "`S` holds a str, not int".into()));
    assert_eq!(error(typed::<true>(bad)), ("/tags/L/0/S".into(), "`S` holds a string, not a number".into()));
    let (pointer, message) = error(typed::<false>(json!({"a~b/c": {"N": "1e500"}})));
    assert_eq!(pointer, "/a~0b~1c/N");
    assert!(message.contains("1e500") || message.contains("range"), "{message}");
}

#[test]
fn typed_values_need_exactly_one_known_tag() {
    assert_eq!(
        error(typed::<true>(json!({"a": {}}))).1,
        "expected an attribute value like { S: 'text' }, not an empty object"
    );
    assert_eq!(
        error(typed::<true>(json!({"a": {"S": "x", "N": "1"}}))).1,
        "`S`, `N`: an attribute value has exactly one type tag"
    );
    assert_eq!(
        error(typed::<false>(json!({"a": {"S": "x", "N": "1"}}))).1,
        "a typed value has exactly one type tag, like {\"S\": \"text\"}"
    );
    assert_eq!(
        error(typed::<false>(json!({"a": {"X": 1}}))).1,
        "`X` is not a DynamoDB type; use S, N, B, BOOL, NULL, M, L, SS, NS or BS"
    );
    assert_eq!(error(typed::<true>(json!({"a": {"NULL": false}}))), ("/a/NULL".into(), "`NULL` must be true".into()));
    assert_eq!(error(typed::<true>(json!({"a": {"B": "%%"}}))).0, "/a/B");
    assert_eq!(error(typed::<false>(json!({"a": {"SS": ["x", "x"]}}))).0, "/a/SS");
    assert_eq!(
        error(typed::<true>(json!({"a": {"NS": ["1", 2]}}))),
        ("/a/NS/1".into(), "`NS` holds strings, not a number".into())
    );
    assert_eq!(error(typed::<false>(json!([]))).1, "an item must be a dict, not list");
}

#[test]
fn sets_are_checked_by_the_core() {
    assert_eq!(error(plain::<false>(json!({"s": {"$set": []}}), false)).0, "/s");
    let mixed = json!({"s": {"$set": ["a", 1]}});
    // Python reports a mixed set at the set, by type names; JavaScript at the member, by kinds.
    assert_eq!(
        error(plain::<false>(mixed.clone(), false)),
        (
            "/s".into(),
            "a DynamoDB set holds only strings, only numbers or only binary; this one mixes str and int".into()
        )
    );
    assert_eq!(
        error(plain::<true>(mixed, false)),
        ("/s/1".into(), "a set holds one type: this number is in a set of strings (DynamoDB has SS, NS and BS)".into())
    );
    assert_eq!(error(plain::<true>(json!({"s": {"$set": [[1]]}}), false)).0, "/s/0");
}

#[test]
fn undefined_is_left_out_only_when_asked() {
    let item =
        json!({"a": {"$undefined": true}, "l": [1, {"$undefined": true}], "s": {"$set": ["x", {"$undefined": true}]}});
    let (pointer, message) = error(plain::<true>(item.clone(), false));
    assert_eq!(pointer, "/a");
    assert!(message.contains("removeUndefinedValues"), "{message}");
    let kept = plain::<true>(item, true).unwrap();
    assert_eq!(item_to_dynamodb_json(&kept), json!({"l": {"L": [{"N": "1"}]}, "s": {"SS": ["x"]}}));
}

#[test]
fn unsupported_values_are_named_in_the_host_s_words() {
    assert_eq!(
        error(plain::<true>(json!({"d": {"$date": 1}}), false)),
        ("/d".into(), "a Date cannot be stored in DynamoDB (store date.toISOString() or date.getTime())".into())
    );
    assert!(error(plain::<false>(json!({"d": {"$date": 1}}), false)).1.starts_with("a value of type datetime"));
    assert_eq!(error(plain::<true>(json!("x"), false)).1, "an item must be a plain object, not a string");
}

#[test]
fn nesting_stops_at_the_depth_limit() {
    let mut deep = json!("leaf");
    for _ in 0..MAX_DEPTH {
        deep = json!([deep]);
    }
    assert!(plain_value::<false>(deep.clone()).is_ok());
    let (pointer, message) = error(plain_value::<false>(json!([deep])));
    assert_eq!(pointer, "/0".repeat(MAX_DEPTH));
    assert_eq!(message, format!("documents nest at most {MAX_DEPTH} levels deep in DynamoDB"));
}

#[test]
fn strings_without_utf8_form_are_refused_where_they_go_to_dynamodb() {
    let (pointer, message) = error(plain::<true>(json!({"k": ["ok", "bad \\uDC80"]}), false));
    assert_eq!(pointer, "/k/1");
    assert!(message.starts_with("the string holds a lone surrogate (\\udc80)"), "{message}");
    let (_, message) = error(plain::<false>(json!({"k": "\\uD800"}), false));
    assert!(message.starts_with("the str holds a lone surrogate '\\ud800' at index 0"), "{message}");
}

#[test]
fn numbers_are_normalized_and_checked() {
    assert_eq!(plain_value::<false>(json!(1e20)).unwrap(), AttributeValue::N("100000000000000000000".into()));
    assert_eq!(
        plain_value::<false>(json!({"$set": ["1", "1.0"]})).unwrap(),
        AttributeValue::Ss(vec!["1".into(), "1.0".into()])
    );
    assert_eq!(error(plain_value::<false>(json!({"$set": [1, 1.0]}))).0, "");
    let too_long = "1".repeat(39);
    assert!(error(typed::<false>(json!({"n": {"N": too_long}}))).1.contains("38"));
}

#[test]
fn javascript_numbers() {
    let fail = |m: String| m;
    let spelled = |s: &str| {
        let s = s.to_string();
        move || Ok::<_, String>(s)
    };
    assert_eq!(js::check_double(1.5, spelled("1.5"), fail), Ok(()));
    assert_eq!(
        js::check_double(f64::NAN, spelled("NaN"), fail),
        Err("NaN cannot be stored in DynamoDB: numbers must be finite".into())
    );
    assert_eq!(
        js::check_double(f64::NEG_INFINITY, spelled("-Infinity"), fail),
        Err("-Infinity cannot be stored in DynamoDB: numbers must be finite".into())
    );
    let unsafe_int = js::check_double(2f64.powi(53), spelled("9007199254740992"), fail).unwrap_err();
    assert!(unsafe_int.starts_with("9007199254740992 is beyond Number.MAX_SAFE_INTEGER"), "{unsafe_int}");
    assert_eq!(js::check_double(js::MAX_SAFE_INTEGER as f64, spelled("unused"), fail), Ok(()));
    assert!(js::check_double(1e-140, spelled("1e-140"), fail).is_err());

    assert_eq!(js::js_number("-12"), JsNumber::Double(-12.0));
    assert_eq!(js::js_number("9007199254740991"), JsNumber::Double(9007199254740991.0));
    assert_eq!(js::js_number("9007199254740992"), JsNumber::BigInt { negative: false, digits: "9007199254740992" });
    assert_eq!(js::js_number("0.1"), JsNumber::Double(0.1));
    assert_eq!(js::js_number("3.14159265358979323846264338327950288"), JsNumber::Exact);

    assert_eq!(js::small_int(b"0"), Some(0));
    assert_eq!(js::small_int(b"-12"), Some(-12));
    assert_eq!(js::small_int(b"999999999999999"), Some(999_999_999_999_999));
    for not in [&b""[..], b"-", b"-0", b"01", b"1.5", b"1e3", b"1000000000000000", b" 1", b"+1"] {
        assert_eq!(js::small_int(not), None, "{}", String::from_utf8_lossy(not));
    }

    assert_eq!(js::bigint_words("18446744073709551617"), vec![1, 1]);
    assert_eq!(js::bigint_words("0"), vec![0]);

    let units: Vec<u16> = "a😀".encode_utf16().collect();
    assert_eq!(js::lone_surrogate(&units), None);
    assert_eq!(js::lone_surrogate(&[0x61, 0xDC00, 0x62]), Some((0xDC00, 1)));
    assert_eq!(js::lone_surrogate(&[0xD800]), Some((0xD800, 0)));
}
