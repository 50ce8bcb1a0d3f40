//! Reading attribute values (`{"S": "x"}`): `unmarshall`, and the loader's
//! items in DynamoDB JSON from a host. Pointers include the type tags, as in
//! the core's DynamoDB JSON: `/tags/L/0/S`.

use super::super::attr::{AttributeValue, MAX_DEPTH, from_base64};
use super::{Build, Host, Loc, MapKey, Member, SetValue, check_utf8};

/// A DynamoDB type tag. The discriminants are fixed (`tag as usize`
/// indexes a host's table of tag keys, as Node's `runtime.js` has them).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tag {
    /// `S`.
    S = 0,
    /// `N`.
    N,
    /// `B`.
    B,
    /// `BOOL`.
    Bool,
    /// `NULL`.
    Null,
    /// `M`.
    M,
    /// `L`.
    L,
    /// `SS`.
    Ss,
    /// `NS`.
    Ns,
    /// `BS`.
    Bs,
}

impl Tag {
    /// Every tag, most common first.
    pub const ALL: [Tag; 10] =
        [Tag::S, Tag::N, Tag::M, Tag::L, Tag::Bool, Tag::Null, Tag::B, Tag::Ss, Tag::Ns, Tag::Bs];

    /// As DynamoDB spells it.
    pub fn name(self) -> &'static str {
        match self {
            Tag::S => "S",
            Tag::N => "N",
            Tag::B => "B",
            Tag::Bool => "BOOL",
            Tag::Null => "NULL",
            Tag::M => "M",
            Tag::L => "L",
            Tag::Ss => "SS",
            Tag::Ns => "NS",
            Tag::Bs => "BS",
        }
    }

    /// The tag spelt `name`, if it is one.
    pub fn from_name(name: &[u8]) -> Option<Tag> {
        Tag::ALL.into_iter().find(|t| t.name().as_bytes() == name)
    }
}

/// The one entry of a typed value, as a host found it.
pub enum Tagged<V> {
    /// One key: the tag (or the key's text, when it is no tag) and its value.
    One(Result<Tag, String>, V),
    /// Not exactly one key (their names, where the dialect's message lists them).
    Keys(Vec<String>),
    /// One key that is not a string (its type).
    NotText(String),
}

/// Reads attribute values, handing them to a builder.
pub struct TypedReader<'h, H, B> {
    /// The host whose values are read.
    pub host: &'h H,
    /// What is made of them.
    pub build: B,
}

impl<H: Host, B: Build<H>> TypedReader<'_, H, B> {
    /// An item: a mapping of attribute values.
    pub fn item(&mut self, value: &H::Value, loc: &Loc<'_, H::Str>) -> Result<B::Map, H::Error> {
        match self.host.item_map(value, true)? {
            Some(map) => self.map(&map, loc, 0),
            None => Err(self.host.error_at(loc, H::DIALECT.typed_item(&self.host.describe(value)?))),
        }
    }

    fn map(&mut self, map: &H::Map, loc: &Loc<'_, H::Str>, depth: usize) -> Result<B::Map, H::Error> {
        let host = self.host;
        let mut out = self.build.new_map(host, host.map_len(map))?;
        for entry in host.entries(map)? {
            let key = match entry? {
                (MapKey::Key(key), value) => {
                    let here = Loc::Key(loc, &key);
                    check_utf8::<H, B>(host, &key, &here)?;
                    let value = self.value(&value, &here, depth + 1)?;
                    self.build.insert(host, &mut out, key, value)?;
                    continue;
                }
                (MapKey::NotText { what, .. }, _) => what,
            };
            return Err(host.error_at(loc, H::DIALECT.key_not_text(&key, None)));
        }
        Ok(out)
    }

    /// One attribute value, `depth` lists and maps down.
    pub fn value(&mut self, value: &H::Value, loc: &Loc<'_, H::Str>, depth: usize) -> Result<B::Out, H::Error> {
        let host = self.host;
        let Some(map) = host.as_map(value)? else {
            return Err(host.error_at(loc, H::DIALECT.not_typed(&host.describe(value)?)));
        };
        match host.tagged(&map)? {
            Tagged::One(Ok(tag), inner) => self.tagged(tag, &inner, loc, depth),
            Tagged::One(Err(name), _) => Err(host.error_at(loc, H::DIALECT.unknown_tag(&name))),
            Tagged::Keys(keys) => Err(host.error_at(loc, H::DIALECT.tag_count(&keys))),
            Tagged::NotText(what) => Err(host.error_at(loc, H::DIALECT.tag_not_text(&what))),
        }
    }

    fn tagged(&mut self, tag: Tag, inner: &H::Value, loc: &Loc<'_, H::Str>, depth: usize) -> Result<B::Out, H::Error> {
        let host = self.host;
        let here = Loc::Tag(loc, tag.name());
        let wrong = || -> Result<B::Out, H::Error> {
            Err(host.error_at(&here, H::DIALECT.holds(tag.name(), &host.describe(inner)?)))
        };
        match tag {
            Tag::S => match host.as_str(inner) {
                Some(s) => {
                    check_utf8::<H, B>(host, &s, &here)?;
                    self.build.string(host, s, &here)
                }
                None => wrong(),
            },
            Tag::N => match host.as_str(inner) {
                Some(s) => {
                    let n = host.typed_number(&s, &here)?;
                    self.build.number(host, n, &here)
                }
                None => wrong(),
            },
            Tag::B => {
                let bytes = self.binary(inner, tag.name(), &here)?;
                self.build.binary(host, bytes)
            }
            Tag::Bool => match host.as_bool(inner)? {
                Some(b) => self.build.boolean(host, b),
                None => wrong(),
            },
            Tag::Null => match host.as_bool(inner)? {
                Some(true) => self.build.null(host),
                _ => Err(host.error_at(&here, H::DIALECT.null_not_true())),
            },
            Tag::M => {
                let Some(map) = host.as_map(inner)? else { return wrong() };
                if depth >= MAX_DEPTH {
                    return Err(host.error_at(loc, H::DIALECT.too_deep()));
                }
                let map = self.map(&map, &here, depth)?;
                self.build.map(host, map)
            }
            Tag::L => {
                let Some(list) = host.as_list(inner, false)? else { return wrong() };
                if depth >= MAX_DEPTH {
                    return Err(host.error_at(loc, H::DIALECT.too_deep()));
                }
                let mut out = self.build.new_list(host, host.list_len(&list))?;
                for (i, item) in host.items(&list)?.enumerate() {
                    let value = self.value(&item?, &Loc::Index(&here, i), depth + 1)?;
                    self.build.push(host, &mut out, value)?;
                }
                self.build.list(host, out)
            }
            Tag::Ss | Tag::Ns | Tag::Bs => {
                let Some(list) = host.as_list(inner, true)? else { return wrong() };
                let set = self.set(tag, &list, &here)?;
                self.build.set(host, set, &here)
            }
        }
    }

    /// Binary: base64 text, or the host's binary data.
    fn binary(&self, value: &H::Value, tag: &str, loc: &Loc<'_, H::Str>) -> Result<H::Bytes, H::Error> {
        let host = self.host;
        if let Some(s) = host.as_str(value) {
            let decoded = from_base64(&host.text(&s)?);
            return decoded.map(H::Bytes::from).map_err(|e| host.error_at(loc, H::DIALECT.bad_base64(tag, &e)));
        }
        match host.as_binary(value)? {
            Some(bytes) => Ok(bytes),
            None => Err(host.error_at(loc, H::DIALECT.binary_holds(tag, &host.describe(value)?))),
        }
    }

    /// The members of `SS`, `NS` or `BS`, checked by the core.
    fn set(&mut self, tag: Tag, list: &H::List, loc: &Loc<'_, H::Str>) -> Result<SetValue<H>, H::Error> {
        let host = self.host;
        let mut members = Vec::with_capacity(host.list_len(list));
        let (mut strings, mut numbers, mut binaries) = (Vec::new(), Vec::new(), Vec::new());
        for (i, member) in host.items(list)?.enumerate() {
            let member = member?;
            let at = Loc::Index(loc, i);
            if tag == Tag::Bs {
                let bytes = self.binary(&member, tag.name(), &at)?;
                binaries.push(bytes.as_ref().to_vec());
                members.push(Member::Bin(bytes));
                continue;
            }
            let Some(s) = host.as_str(&member) else {
                return Err(host.error_at(&at, H::DIALECT.member_not_text(tag.name(), &host.describe(&member)?)));
            };
            if tag == Tag::Ns {
                let n = host.typed_number(&s, &at)?;
                numbers.push(host.number_text(&n, &at)?.into_owned());
                members.push(Member::Num(n));
            } else {
                check_utf8::<H, B>(host, &s, &at)?;
                strings.push(host.text(&s)?.into_owned());
                members.push(Member::Str(s));
            }
        }
        let attr = match tag {
            Tag::Ss => AttributeValue::string_set(strings),
            Tag::Ns => AttributeValue::number_set(&numbers),
            _ => AttributeValue::binary_set(binaries),
        };
        Ok(SetValue { members, attr: attr.map_err(|e| host.error_at(loc, e))? })
    }
}
