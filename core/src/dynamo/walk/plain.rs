//! Reading plain values: `marshall`, and the loader's plain items from a host.

use super::super::attr::{AttributeValue, MAX_DEPTH};
use super::{Build, Host, Kind, Loc, MapKey, Member, SetKind, SetValue, Unsupported, check_utf8};

/// Reads plain values, handing them to a builder.
pub struct PlainReader<'h, H, B> {
    /// The host whose values are read.
    pub host: &'h H,
    /// What is made of them.
    pub build: B,
    /// Leave out `undefined` in maps, lists and sets (else it is an error).
    pub skip_undefined: bool,
}

impl<H: Host, B: Build<H>> PlainReader<'_, H, B> {
    /// An item: a mapping whose values are attribute values.
    pub fn item(&mut self, value: &H::Value, loc: &Loc<'_, H::Str>) -> Result<B::Map, H::Error> {
        match self.host.item_map(value, false)? {
            Some(map) => self.map(&map, loc, 0),
            None => Err(self.host.error_at(loc, H::DIALECT.plain_item(&self.host.describe(value)?))),
        }
    }

    /// One value, `depth` lists and maps down.
    pub fn value(&mut self, value: &H::Value, loc: &Loc<'_, H::Str>, depth: usize) -> Result<B::Out, H::Error> {
        let kind = self.host.classify(value, loc)?;
        self.kind(kind, loc, depth)
    }

    fn kind(&mut self, kind: Kind<H>, loc: &Loc<'_, H::Str>, depth: usize) -> Result<B::Out, H::Error> {
        let host = self.host;
        match kind {
            Kind::Str(s) => {
                check_utf8::<H, B>(host, &s, loc)?;
                self.build.string(host, s, loc)
            }
            Kind::Number(n) => self.build.number(host, n, loc),
            Kind::Bool(b) => self.build.boolean(host, b),
            Kind::Null => self.build.null(host),
            Kind::Binary(b) => self.build.binary(host, b),
            Kind::Map(map) => {
                if depth >= MAX_DEPTH {
                    return Err(host.error_at(loc, H::DIALECT.too_deep()));
                }
                let map = self.map(&map, loc, depth)?;
                self.build.map(host, map)
            }
            Kind::List(list) => {
                if depth >= MAX_DEPTH {
                    return Err(host.error_at(loc, H::DIALECT.too_deep()));
                }
                let mut out = self.build.new_list(host, host.list_len(&list))?;
                for (i, item) in host.items(&list)?.enumerate() {
                    let item = item?;
                    let at = Loc::Index(loc, i);
                    let kind = host.classify(&item, &at)?;
                    if self.skip_undefined && matches!(kind, Kind::Undefined) {
                        continue;
                    }
                    let value = self.kind(kind, &at, depth + 1)?;
                    self.build.push(host, &mut out, value)?;
                }
                self.build.list(host, out)
            }
            Kind::Set(members) => {
                let set = self.set(&members, loc)?;
                self.build.set(host, set, loc)
            }
            Kind::Undefined => Err(host.error_at(loc, H::DIALECT.unsupported(&Unsupported::Undefined))),
            Kind::Unsupported(what) => Err(host.error_at(loc, H::DIALECT.unsupported(&what))),
        }
    }

    /// The members of a mapping (itself `depth` down).
    fn map(&mut self, map: &H::Map, loc: &Loc<'_, H::Str>, depth: usize) -> Result<B::Map, H::Error> {
        let host = self.host;
        let mut out = self.build.new_map(host, host.map_len(map))?;
        for entry in host.entries(map)? {
            let (key, value) = match entry? {
                (MapKey::Key(key), value) => (key, value),
                (MapKey::NotText { what, repr }, _) => {
                    return Err(host.error_at(loc, H::DIALECT.key_not_text(&what, Some(&repr))));
                }
            };
            let here = Loc::Key(loc, &key);
            let kind = host.classify(&value, &here)?;
            if self.skip_undefined && matches!(kind, Kind::Undefined) {
                continue;
            }
            check_utf8::<H, B>(host, &key, &here)?;
            let value = self.kind(kind, &here, depth + 1)?;
            self.build.insert(host, &mut out, key, value)?;
        }
        Ok(out)
    }

    /// A set: SS, NS or BS by its first member; the others must be alike.
    fn set(&mut self, list: &H::List, loc: &Loc<'_, H::Str>) -> Result<SetValue<H>, H::Error> {
        let host = self.host;
        let mut members = Vec::with_capacity(host.list_len(list));
        let (mut strings, mut numbers, mut binaries) = (Vec::new(), Vec::new(), Vec::new());
        // The first member decides the set's kind; it is described only when
        // another member differs (most sets are alike, and describing costs).
        let mut first: Option<(SetKind, H::Value)> = None;
        for (i, member) in host.items(list)?.enumerate() {
            let member = member?;
            let at = Loc::Index(loc, i);
            let (kind, read) = match host.classify(&member, &at)? {
                Kind::Undefined if self.skip_undefined => continue,
                Kind::Str(s) => {
                    check_utf8::<H, B>(host, &s, &at)?;
                    strings.push(host.text(&s)?.into_owned());
                    (SetKind::Strings, Member::Str(s))
                }
                Kind::Number(n) => {
                    numbers.push(host.number_text(&n, &at)?.into_owned());
                    (SetKind::Numbers, Member::Num(n))
                }
                Kind::Binary(b) => {
                    binaries.push(b.as_ref().to_vec());
                    (SetKind::Binary, Member::Bin(b))
                }
                _ => return Err(host.error_at(&at, H::DIALECT.set_member(&host.describe(&member)?))),
            };
            match &first {
                None => first = Some((kind, member)),
                Some((first_kind, first_member)) if *first_kind != kind => {
                    let first_what = host.describe(first_member)?;
                    let message = H::DIALECT.mixed_set((*first_kind, &first_what), (kind, &host.describe(&member)?));
                    let at = if H::DIALECT.mixed_set_at_member() { &at } else { loc };
                    return Err(host.error_at(at, message));
                }
                Some(_) => {}
            }
            members.push(read);
        }
        let attr = match first.map(|(k, _)| k) {
            None | Some(SetKind::Strings) => AttributeValue::string_set(strings),
            Some(SetKind::Numbers) => AttributeValue::number_set(&numbers),
            Some(SetKind::Binary) => AttributeValue::binary_set(binaries),
        };
        Ok(SetValue { members, attr: attr.map_err(|e| host.error_at(loc, e))? })
    }
}
