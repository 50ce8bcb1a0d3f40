//! Where a value is in what a host gave: made into a JSON pointer only when
//! an error needs one.

use crate::error::escape_token;

/// Where a value is; `K` is the host's map key.
pub enum Loc<'a, K> {
    /// What was given.
    Root,
    /// A member of a map.
    Key(&'a Loc<'a, K>, &'a K),
    /// The type tag of a typed value (`/S`): part of the pointer, not a level of nesting.
    Tag(&'a Loc<'a, K>, &'a str),
    /// An element of a list (or of the items given to a load), or a set member.
    Index(&'a Loc<'a, K>, usize),
}

impl<K> Clone for Loc<'_, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K> Copy for Loc<'_, K> {}

impl<K> Loc<'_, K> {
    /// The JSON pointer, with `key` giving a key's text.
    pub fn pointer(&self, key: &dyn Fn(&K) -> String) -> String {
        match self {
            Loc::Root => String::new(),
            Loc::Key(parent, k) => format!("{}/{}", parent.pointer(key), escape_token(&key(k))),
            Loc::Tag(parent, tag) => format!("{}/{}", parent.pointer(key), escape_token(tag)),
            Loc::Index(parent, i) => format!("{}/{i}", parent.pointer(key)),
        }
    }
}
