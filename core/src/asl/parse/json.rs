//! Reading JSON text: syntax errors with line and column, and duplicate keys
//! (which `serde_json::Value` would silently collapse to the last one).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::{Code, Problem, Problems, escape_token};

/// Parses JSON text into a value. Reports a syntax error with its line and
/// column, and every key that appears twice in one object.
pub fn read_json(text: &str) -> Result<Value, Problems> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Problems::from(Problem::new(Code::InvalidJson, "", format!("not valid JSON: {e}"))))?;
    let mut walk = DupWalk { path: Vec::new(), out: Vec::new() };
    let mut de = serde_json::Deserializer::from_str(text);
    // The text already parsed, so this second pass cannot fail on syntax; it
    // only looks for duplicate keys.
    let _ = (&mut walk).deserialize(&mut de);
    if walk.out.is_empty() { Ok(value) } else { Err(Problems(walk.out)) }
}

/// Walks a document keeping the current path, recording keys seen twice in
/// one object. Pointers are only built for the duplicates.
struct DupWalk<'de> {
    path: Vec<Cow<'de, str>>,
    out: Vec<Problem>,
}

impl DupWalk<'_> {
    fn pointer(&self) -> String {
        self.path.iter().map(|t| format!("/{}", escape_token(t))).collect()
    }
}

impl<'de> DeserializeSeed<'de> for &mut DupWalk<'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut DupWalk<'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            self.path.push(Cow::Owned(i.to_string()));
            let more = seq.next_element_seed(&mut *self)?.is_some();
            self.path.pop();
            if !more {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: HashSet<Cow<'de, str>> = HashSet::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            self.path.push(key.clone());
            if !seen.insert(key.clone()) {
                let message = format!("`{key}` appears more than once in this object; only the last one would count");
                self.out.push(Problem::new(Code::DuplicateKey, self.pointer(), message));
            }
            map.next_value_seed(&mut *self)?;
            self.path.pop();
        }
        Ok(())
    }
}

/// A key, borrowed from the text when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}
