//! The walk over a host language's values: DynamoDB's marshalling rules once,
//! for every binding.
//!
//! [`PlainReader`] reads plain values (`marshall`'s input) and
//! [`TypedReader`] attribute values (`{"S": "x"}`, `unmarshall`'s input);
//! each hands what it reads to a [`Build`]er: the binding's own (host
//! values) or [`Attr`] (the core's [`AttributeValue`]s, for the loader). The
//! rules live here: nesting depth, set checks (not empty, one kind, no
//! repeats), binary text, lone surrogates, where an error is (a JSON pointer,
//! built only when one is needed) and what it says (in the host's
//! [`Dialect`]). A binding supplies, through [`Host`], only how to look at
//! and read its values, and through [`Make`] how to make them ([`Typed`] and
//! [`Plain`] decide what is made); numbers are read by the binding (each
//! language has its own number types) and checked by
//! [`number`](super::number), carried as [`Normal`] text where the host has
//! no number of its own.

pub mod dialect;
pub mod js;
mod loc;
mod make;
mod normal;
mod plain;
mod typed;

use std::borrow::Cow;

pub use dialect::{Dialect, SetKind, Unsupported};
pub use loc::Loc;
pub use make::{BinaryForm, Make, Numbers, Plain, Typed};
pub use normal::Normal;
pub use plain::PlainReader;
pub use typed::{Tag, Tagged, TypedReader};

use super::attr::{AttributeValue, Item, MarshalError};

/// A plain value, as a host classifies it for [`PlainReader`].
pub enum Kind<H: Host + ?Sized> {
    /// A string.
    Str(H::Str),
    /// A number, read and checked by the host.
    Number(H::Num),
    /// A boolean.
    Bool(bool),
    /// Null (`None`, `null`).
    Null,
    /// Binary data.
    Binary(H::Bytes),
    /// A mapping with string keys (`dict`, plain object).
    Map(H::Map),
    /// A sequence (`list`, `tuple`, array).
    List(H::List),
    /// A set (`set`, `Set`), its members as a sequence.
    Set(H::List),
    /// JavaScript's `undefined`: left out of maps, lists and sets when the
    /// reader is told to, else an error.
    Undefined,
    /// Something DynamoDB cannot store.
    Unsupported(Unsupported),
}

/// A map key as the host found it.
pub enum MapKey<S> {
    /// A string key.
    Key(S),
    /// Not a string: its type and, for the plain reader's message, its repr.
    NotText {
        /// The key's type, as messages name it.
        what: String,
        /// How the key reads.
        repr: String,
    },
}

/// How a binding reads its values. Methods that can fail return the host's
/// error (a pending exception); rule violations are [`MarshalError`]s the
/// walk makes, turned into the host's error by [`Host::fail`].
pub trait Host {
    /// A value.
    type Value;
    /// A string (a value or a map key).
    type Str;
    /// A number, read and checked (by [`number`](super::number)).
    type Num;
    /// Binary data, borrowed from the host or decoded from base64.
    type Bytes: AsRef<[u8]> + From<Vec<u8>>;
    /// A mapping to walk.
    type Map;
    /// A sequence to walk.
    type List;
    /// The entries of a mapping, in order.
    type Entries: Iterator<Item = Result<(MapKey<Self::Str>, Self::Value), Self::Error>>;
    /// The items of a sequence, in order.
    type Items: Iterator<Item = Result<Self::Value, Self::Error>>;
    /// The host's error.
    type Error;

    /// Whose words the messages use.
    const DIALECT: Dialect;

    /// A rule violation as the host's error (`MarshalError`).
    fn fail(&self, error: MarshalError) -> Self::Error;
    /// A key's text, for pointers (lossy where it has no UTF-8 form).
    fn key_text(&self, key: &Self::Str) -> String;
    /// What a value is, in messages: `int` (Python), `a Date` (JavaScript).
    fn describe(&self, value: &Self::Value) -> Result<String, Self::Error>;

    /// Classifies a plain value (numbers are read and checked here; an error at `loc`).
    fn classify(&self, value: &Self::Value, loc: &Loc<'_, Self::Str>) -> Result<Kind<Self>, Self::Error>;
    /// The mapping an item is, if it is one (`typed`: for [`TypedReader`]).
    fn item_map(&self, value: &Self::Value, typed: bool) -> Result<Option<Self::Map>, Self::Error>;
    /// How many entries a mapping has: a capacity hint only (0 where counting
    /// costs a call of its own).
    fn map_len(&self, map: &Self::Map) -> usize;
    /// A mapping's entries.
    fn entries(&self, map: &Self::Map) -> Result<Self::Entries, Self::Error>;
    /// How many items a sequence has (a capacity hint).
    fn list_len(&self, list: &Self::List) -> usize;
    /// A sequence's items.
    fn items(&self, list: &Self::List) -> Result<Self::Items, Self::Error>;

    /// The value as a string, if it is one.
    fn as_str(&self, value: &Self::Value) -> Option<Self::Str>;
    /// The value as a boolean, if it is one.
    fn as_bool(&self, value: &Self::Value) -> Result<Option<bool>, Self::Error>;
    /// The value as binary data, if it is some (not base64 text).
    fn as_binary(&self, value: &Self::Value) -> Result<Option<Self::Bytes>, Self::Error>;
    /// The value as the mapping of `M`, if it is one.
    fn as_map(&self, value: &Self::Value) -> Result<Option<Self::Map>, Self::Error>;
    /// The value as the sequence of `L` (`set`: of `SS`, `NS`, `BS`), if it is one.
    fn as_list(&self, value: &Self::Value, set: bool) -> Result<Option<Self::List>, Self::Error>;
    /// The one entry of a typed value (`{"S": "x"}`).
    fn tagged(&self, map: &Self::Map) -> Result<Tagged<Self::Value>, Self::Error>;

    /// A string's text (an error for one without UTF-8 form, where the host has one).
    fn text<'s>(&self, s: &'s Self::Str) -> Result<Cow<'s, str>, Self::Error>;
    /// The first lone surrogate of a string (UTF-16 code unit and index), if any.
    fn lone_surrogate(&self, s: &Self::Str) -> Result<Option<(u16, usize)>, Self::Error>;
    /// The number that `N` text is, checked (an error at `loc`).
    fn typed_number(&self, text: &Self::Str, loc: &Loc<'_, Self::Str>) -> Result<Self::Num, Self::Error>;
    /// A number's normalized text (an error at `loc`).
    fn number_text<'n>(&self, n: &'n Self::Num, loc: &Loc<'_, Self::Str>) -> Result<Cow<'n, str>, Self::Error>;

    /// A rule violation at `loc`.
    #[cold]
    fn error_at(&self, loc: &Loc<'_, Self::Str>, message: impl Into<String>) -> Self::Error {
        self.fail(MarshalError::new(loc.pointer(&|k| self.key_text(k)), message))
    }
}

/// A set member, kept as the host had it (builders pass strings and binary on).
pub enum Member<H: Host + ?Sized> {
    /// Of `SS`.
    Str(H::Str),
    /// Of `NS`.
    Num(H::Num),
    /// Of `BS`.
    Bin(H::Bytes),
}

/// A set the core has checked: its members as read, and as attribute value.
pub struct SetValue<H: Host + ?Sized> {
    /// The members, in order.
    pub members: Vec<Member<H>>,
    /// `Ss`, `Ns` (normalized texts) or `Bs`.
    pub attr: AttributeValue,
}

/// What a reader makes of what it reads.
pub trait Build<H: Host> {
    /// One value.
    type Out;
    /// A map being filled.
    type Map;
    /// A list being filled.
    type List;
    /// Whether strings must have a UTF-8 form (what goes to DynamoDB);
    /// `unmarshall` passes them on.
    const NEEDS_UTF8: bool;
    /// A string.
    fn string(&mut self, host: &H, s: H::Str, loc: &Loc<'_, H::Str>) -> Result<Self::Out, H::Error>;
    /// A number.
    fn number(&mut self, host: &H, n: H::Num, loc: &Loc<'_, H::Str>) -> Result<Self::Out, H::Error>;
    /// A boolean.
    fn boolean(&mut self, host: &H, b: bool) -> Result<Self::Out, H::Error>;
    /// Null.
    fn null(&mut self, host: &H) -> Result<Self::Out, H::Error>;
    /// Binary.
    fn binary(&mut self, host: &H, b: H::Bytes) -> Result<Self::Out, H::Error>;
    /// A set.
    fn set(&mut self, host: &H, set: SetValue<H>, loc: &Loc<'_, H::Str>) -> Result<Self::Out, H::Error>;
    /// An empty map for `len` entries.
    fn new_map(&mut self, host: &H, len: usize) -> Result<Self::Map, H::Error>;
    /// Adds a member.
    fn insert(&mut self, host: &H, map: &mut Self::Map, key: H::Str, value: Self::Out) -> Result<(), H::Error>;
    /// The finished map as a value.
    fn map(&mut self, host: &H, map: Self::Map) -> Result<Self::Out, H::Error>;
    /// An empty list for up to `len` items.
    fn new_list(&mut self, host: &H, len: usize) -> Result<Self::List, H::Error>;
    /// Adds an item.
    fn push(&mut self, host: &H, list: &mut Self::List, value: Self::Out) -> Result<(), H::Error>;
    /// The finished list as a value.
    fn list(&mut self, host: &H, list: Self::List) -> Result<Self::Out, H::Error>;
}

/// Checks that a string has a UTF-8 form where the builder needs one.
pub(crate) fn check_utf8<H: Host, B: Build<H>>(host: &H, s: &H::Str, loc: &Loc<'_, H::Str>) -> Result<(), H::Error> {
    if !B::NEEDS_UTF8 {
        return Ok(());
    }
    match host.lone_surrogate(s)? {
        None => Ok(()),
        Some((unit, index)) => Err(host.error_at(loc, H::DIALECT.lone_surrogate(unit, index))),
    }
}

/// Builds the core's attribute values (the loader's items), from any host.
pub struct Attr;

impl<H: Host> Build<H> for Attr {
    type Out = AttributeValue;
    type Map = Item;
    type List = Vec<AttributeValue>;
    const NEEDS_UTF8: bool = true;

    fn string(&mut self, host: &H, s: H::Str, _: &Loc<'_, H::Str>) -> Result<AttributeValue, H::Error> {
        Ok(AttributeValue::S(host.text(&s)?.into_owned()))
    }
    fn number(&mut self, host: &H, n: H::Num, loc: &Loc<'_, H::Str>) -> Result<AttributeValue, H::Error> {
        Ok(AttributeValue::N(host.number_text(&n, loc)?.into_owned()))
    }
    fn boolean(&mut self, _: &H, b: bool) -> Result<AttributeValue, H::Error> {
        Ok(AttributeValue::Bool(b))
    }
    fn null(&mut self, _: &H) -> Result<AttributeValue, H::Error> {
        Ok(AttributeValue::Null)
    }
    fn binary(&mut self, _: &H, b: H::Bytes) -> Result<AttributeValue, H::Error> {
        Ok(AttributeValue::B(b.as_ref().to_vec()))
    }
    fn set(&mut self, _: &H, set: SetValue<H>, _: &Loc<'_, H::Str>) -> Result<AttributeValue, H::Error> {
        Ok(set.attr)
    }
    fn new_map(&mut self, _: &H, len: usize) -> Result<Item, H::Error> {
        Ok(Item::with_capacity(len))
    }
    fn insert(&mut self, host: &H, map: &mut Item, key: H::Str, value: AttributeValue) -> Result<(), H::Error> {
        map.insert(host.key_text(&key), value);
        Ok(())
    }
    fn map(&mut self, _: &H, map: Item) -> Result<AttributeValue, H::Error> {
        Ok(AttributeValue::M(map))
    }
    fn new_list(&mut self, _: &H, len: usize) -> Result<Vec<AttributeValue>, H::Error> {
        Ok(Vec::with_capacity(len))
    }
    fn push(&mut self, _: &H, list: &mut Vec<AttributeValue>, value: AttributeValue) -> Result<(), H::Error> {
        list.push(value);
        Ok(())
    }
    fn list(&mut self, _: &H, list: Vec<AttributeValue>) -> Result<AttributeValue, H::Error> {
        Ok(AttributeValue::L(list))
    }
}
