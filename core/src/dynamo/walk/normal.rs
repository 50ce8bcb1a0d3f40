//! A number in DynamoDB's normal form as the walk carries it: short text on
//! the stack (most numbers are short and already normal, so they cost no
//! allocation), and the host's own string of it when the host had one that
//! reads the same (passed on into results instead of a new one).

use std::borrow::Cow;
use std::io::Write as _;

use super::super::number;

/// The longest text kept on the stack.
const INLINE: usize = 64;

/// Normal text, on the stack or on the heap.
#[derive(Clone)]
enum Text {
    Inline([u8; INLINE], u8),
    Heap(String),
}

/// A checked number in normal form, with the host's string `S` of it if it had one.
#[derive(Clone)]
pub struct Normal<S> {
    text: Text,
    spelled: Option<S>,
}

impl<S> Normal<S> {
    /// A machine integer: its decimal text is already normal.
    pub fn int(n: i64) -> Normal<S> {
        let mut buf = [0u8; INLINE];
        let mut w = &mut buf[..];
        // At most 20 characters: always fits.
        let _ = write!(w, "{n}");
        let len = INLINE - w.len();
        Normal { text: Text::Inline(buf, len as u8), spelled: None }
    }

    /// `text` checked and normalized by the core (an error says why not);
    /// `spelled`, the host's string of `text`, is kept when `text` is
    /// already normal.
    pub fn parse(text: &str, spelled: impl FnOnce() -> Option<S>) -> Result<Normal<S>, String> {
        Ok(match number::normalize_cow(text)? {
            Cow::Borrowed(t) if t.len() <= INLINE => {
                let mut buf = [0u8; INLINE];
                buf[..t.len()].copy_from_slice(t.as_bytes());
                Normal { text: Text::Inline(buf, t.len() as u8), spelled: spelled() }
            }
            Cow::Borrowed(t) => Normal { text: Text::Heap(t.to_owned()), spelled: spelled() },
            Cow::Owned(t) => Normal { text: Text::Heap(t), spelled: None },
        })
    }

    /// The normal text.
    pub fn text(&self) -> &str {
        match &self.text {
            // Copied from a `str` (or written from an integer) whole: ASCII.
            Text::Inline(buf, len) => std::str::from_utf8(&buf[..*len as usize]).unwrap_or("0"),
            Text::Heap(t) => t,
        }
    }

    /// The host's string of the text, if it had one.
    pub fn spelled(&self) -> Option<&S> {
        self.spelled.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::Normal;

    #[test]
    fn keeps_the_hosts_string_only_for_text_already_normal() {
        let n = Normal::parse("12.5", || Some("host")).unwrap();
        assert_eq!((n.text(), n.spelled()), ("12.5", Some(&"host")));
        let n = Normal::parse("1.50", || Some("host")).unwrap();
        assert_eq!((n.text(), n.spelled()), ("1.5", None));
        let long = format!("1{}", "0".repeat(100));
        assert_eq!(Normal::parse(&long, || Some("host")).unwrap().text(), long);
        assert!(Normal::<()>::parse("1e200", || None).is_err());
        assert_eq!(Normal::<()>::int(i64::MIN).text(), i64::MIN.to_string());
    }
}
