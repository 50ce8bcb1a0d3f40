//! The builders of host values, once: [`Typed`] makes attribute values
//! (`marshall`'s result: `{"S": "x"}`), [`Plain`] plain values
//! (`unmarshall`'s). What goes where — the tag of each kind, a set's members
//! in order, binary as the host's bytes or as base64 text, which numbers come
//! back how — is decided here; a binding supplies, through [`Make`], only how
//! to make each of its values.

use super::super::attr::{self, AttributeValue};
use super::{Build, Dialect, Host, Loc, Member, SetValue, Tag};

/// How `marshall` writes binary (`B`, `BS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BinaryForm {
    /// The host's binary type (`bytes`, `Uint8Array`): what the AWS SDKs take.
    #[default]
    Bytes,
    /// Base64 text: DynamoDB JSON as the AWS CLI prints it, for JSON files.
    Base64,
}

impl BinaryForm {
    /// The form spelt `name` (`"bytes"`, `"base64"`); the error says what is allowed.
    pub fn parse(dialect: Dialect, name: &str) -> Result<BinaryForm, String> {
        match name {
            "bytes" => Ok(BinaryForm::Bytes),
            "base64" => Ok(BinaryForm::Base64),
            other => Err(match dialect {
                Dialect::Python => format!("binary={other:?}: expected \"bytes\" or \"base64\""),
                Dialect::JavaScript => format!("binary must be 'bytes' or 'base64', not {other:?}"),
            }),
        }
    }
}

/// How `unmarshall` gives numbers back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbers {
    /// Every number exactly, as its text: `decimal.Decimal` (Python's
    /// default, as boto3's `TypeDeserializer`), `DynamoNumber`
    /// (JavaScript's `wrapNumbers`).
    Exact,
    /// The host's own numbers where they hold the value: `int` or `float`
    /// (Python's `numbers="int_or_float"`); a number, else a BigInt, else a
    /// `DynamoNumber` (JavaScript's default, see `walk::js::js_number`).
    Native,
}

impl Numbers {
    /// Python's `numbers=` spelling (`"decimal"`, `"int_or_float"`).
    pub fn parse_python(name: &str) -> Result<Numbers, String> {
        match name {
            "decimal" => Ok(Numbers::Exact),
            "int_or_float" => Ok(Numbers::Native),
            other => Err(format!("numbers={other:?}: expected \"decimal\" or \"int_or_float\"")),
        }
    }
}

/// How a binding makes its values. `Out` is a made value; strings, numbers
/// and binary come as the host read them, so a binding can pass its own
/// objects on instead of copying them.
pub trait Make: Host {
    /// A value made.
    type Out;
    /// A mapping being filled.
    type MapOut;
    /// A sequence being filled.
    type ListOut;

    /// A string read from the host, as a value of its own (a `str` subclass
    /// becomes a `str`).
    fn make_str(&self, s: Self::Str) -> Result<Self::Out, Self::Error>;
    /// New text.
    fn make_text(&self, text: &str) -> Result<Self::Out, Self::Error>;
    /// A boolean.
    fn make_bool(&self, b: bool) -> Result<Self::Out, Self::Error>;
    /// Null (`None`, `null`).
    fn make_null(&self) -> Result<Self::Out, Self::Error>;
    /// The host's binary value for bytes read (the same object where it may be).
    fn make_binary(&self, b: &Self::Bytes) -> Result<Self::Out, Self::Error>;
    /// A number's normal text as a host string (`N`'s value).
    fn make_number_text(&self, n: &Self::Num, loc: &Loc<'_, Self::Str>) -> Result<Self::Out, Self::Error>;
    /// A number as the host's plain number, by `numbers`.
    fn make_number(&self, n: &Self::Num, numbers: Numbers, loc: &Loc<'_, Self::Str>) -> Result<Self::Out, Self::Error>;
    /// `{<tag>: value}`.
    fn make_tagged(&self, tag: Tag, value: Self::Out) -> Result<Self::Out, Self::Error>;
    /// A plain set of members made.
    fn make_set(&self, members: Vec<Self::Out>) -> Result<Self::Out, Self::Error>;
    /// An empty mapping.
    fn new_map_out(&self) -> Result<Self::MapOut, Self::Error>;
    /// Adds a member (the key as read).
    fn insert_out(&self, map: &mut Self::MapOut, key: Self::Str, value: Self::Out) -> Result<(), Self::Error>;
    /// The finished mapping.
    fn map_out(&self, map: Self::MapOut) -> Result<Self::Out, Self::Error>;
    /// An empty sequence for up to `len` items.
    fn new_list_out(&self, len: usize) -> Result<Self::ListOut, Self::Error>;
    /// Adds an item.
    fn push_out(&self, list: &mut Self::ListOut, value: Self::Out) -> Result<(), Self::Error>;
    /// The finished sequence.
    fn list_out(&self, list: Self::ListOut) -> Result<Self::Out, Self::Error>;
}

/// Makes attribute values as the host's own values: `{"S": "x"}`, `{"N": "1"}`, …
#[derive(Debug, Clone, Copy, Default)]
pub struct Typed {
    /// How binary is written.
    pub binary: BinaryForm,
}

impl Typed {
    fn bytes<H: Make>(self, host: &H, b: &H::Bytes) -> Result<H::Out, H::Error> {
        match self.binary {
            BinaryForm::Bytes => host.make_binary(b),
            BinaryForm::Base64 => host.make_text(&attr::base64(b.as_ref())),
        }
    }
}

impl<H: Make> Build<H> for Typed {
    type Out = H::Out;
    type Map = H::MapOut;
    type List = H::ListOut;
    const NEEDS_UTF8: bool = true;

    fn string(&mut self, host: &H, s: H::Str, _: &Loc<'_, H::Str>) -> Result<H::Out, H::Error> {
        host.make_tagged(Tag::S, host.make_str(s)?)
    }
    fn number(&mut self, host: &H, n: H::Num, loc: &Loc<'_, H::Str>) -> Result<H::Out, H::Error> {
        host.make_tagged(Tag::N, host.make_number_text(&n, loc)?)
    }
    fn boolean(&mut self, host: &H, b: bool) -> Result<H::Out, H::Error> {
        host.make_tagged(Tag::Bool, host.make_bool(b)?)
    }
    fn null(&mut self, host: &H) -> Result<H::Out, H::Error> {
        host.make_tagged(Tag::Null, host.make_bool(true)?)
    }
    fn binary(&mut self, host: &H, b: H::Bytes) -> Result<H::Out, H::Error> {
        host.make_tagged(Tag::B, self.bytes(host, &b)?)
    }
    fn set(&mut self, host: &H, set: SetValue<H>, loc: &Loc<'_, H::Str>) -> Result<H::Out, H::Error> {
        let tag = match set.attr {
            AttributeValue::Ns(_) => Tag::Ns,
            AttributeValue::Bs(_) => Tag::Bs,
            _ => Tag::Ss,
        };
        let mut list = host.new_list_out(set.members.len())?;
        for member in set.members {
            let value = match member {
                Member::Str(s) => host.make_str(s)?,
                Member::Num(n) => host.make_number_text(&n, loc)?,
                Member::Bin(b) => self.bytes(host, &b)?,
            };
            host.push_out(&mut list, value)?;
        }
        host.make_tagged(tag, host.list_out(list)?)
    }
    fn new_map(&mut self, host: &H, _: usize) -> Result<H::MapOut, H::Error> {
        host.new_map_out()
    }
    fn insert(&mut self, host: &H, map: &mut H::MapOut, key: H::Str, value: H::Out) -> Result<(), H::Error> {
        host.insert_out(map, key, value)
    }
    fn map(&mut self, host: &H, map: H::MapOut) -> Result<H::Out, H::Error> {
        host.make_tagged(Tag::M, host.map_out(map)?)
    }
    fn new_list(&mut self, host: &H, len: usize) -> Result<H::ListOut, H::Error> {
        host.new_list_out(len)
    }
    fn push(&mut self, host: &H, list: &mut H::ListOut, value: H::Out) -> Result<(), H::Error> {
        host.push_out(list, value)
    }
    fn list(&mut self, host: &H, list: H::ListOut) -> Result<H::Out, H::Error> {
        host.make_tagged(Tag::L, host.list_out(list)?)
    }
}

/// Makes plain host values: strings, numbers (by [`Numbers`]), binary,
/// booleans, null, mappings, sequences, sets.
#[derive(Debug, Clone, Copy)]
pub struct Plain {
    /// How numbers come back.
    pub numbers: Numbers,
}

impl<H: Make> Build<H> for Plain {
    type Out = H::Out;
    type Map = H::MapOut;
    type List = H::ListOut;
    // Strings are passed on as they are: judging their encoding is for
    // what goes to DynamoDB.
    const NEEDS_UTF8: bool = false;

    fn string(&mut self, host: &H, s: H::Str, _: &Loc<'_, H::Str>) -> Result<H::Out, H::Error> {
        host.make_str(s)
    }
    fn number(&mut self, host: &H, n: H::Num, loc: &Loc<'_, H::Str>) -> Result<H::Out, H::Error> {
        host.make_number(&n, self.numbers, loc)
    }
    fn boolean(&mut self, host: &H, b: bool) -> Result<H::Out, H::Error> {
        host.make_bool(b)
    }
    fn null(&mut self, host: &H) -> Result<H::Out, H::Error> {
        host.make_null()
    }
    fn binary(&mut self, host: &H, b: H::Bytes) -> Result<H::Out, H::Error> {
        host.make_binary(&b)
    }
    fn set(&mut self, host: &H, set: SetValue<H>, loc: &Loc<'_, H::Str>) -> Result<H::Out, H::Error> {
        let members = set.members.into_iter().map(|member| match member {
            Member::Str(s) => host.make_str(s),
            Member::Num(n) => host.make_number(&n, self.numbers, loc),
            Member::Bin(b) => host.make_binary(&b),
        });
        host.make_set(members.collect::<Result<Vec<_>, _>>()?)
    }
    fn new_map(&mut self, host: &H, _: usize) -> Result<H::MapOut, H::Error> {
        host.new_map_out()
    }
    fn insert(&mut self, host: &H, map: &mut H::MapOut, key: H::Str, value: H::Out) -> Result<(), H::Error> {
        host.insert_out(map, key, value)
    }
    fn map(&mut self, host: &H, map: H::MapOut) -> Result<H::Out, H::Error> {
        host.map_out(map)
    }
    fn new_list(&mut self, host: &H, len: usize) -> Result<H::ListOut, H::Error> {
        host.new_list_out(len)
    }
    fn push(&mut self, host: &H, list: &mut H::ListOut, value: H::Out) -> Result<(), H::Error> {
        host.push_out(list, value)
    }
    fn list(&mut self, host: &H, list: H::ListOut) -> Result<H::Out, H::Error> {
        host.list_out(list)
    }
}
