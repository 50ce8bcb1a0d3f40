//! `$encodeUrl`, `$encodeUrlComponent`, `$decodeUrl`, `$decodeUrlComponent`,
//! with JavaScript's `encodeURI`/`decodeURI` rules.

use jsonata_rs::{Error as JError, FunctionContext, Value as JValue};

use super::functions::{Native, arg, fail};

/// Characters `encodeURIComponent` leaves as they are.
pub(super) fn url_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c)
}

/// Characters `encodeURI` also leaves as they are (and `decodeURI` does not decode).
pub(super) fn url_reserved(c: char) -> bool {
    ";,/?:@&=+$#".contains(c)
}

pub(super) fn percent_encode(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if keep(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// Decodes `%XX` sequences as UTF-8; `None` when malformed (JavaScript's
/// URIError). Sequences that decode to a character `keep_encoded` accepts stay
/// as written, as `decodeURI` leaves reserved characters.
pub(super) fn percent_decode(text: &str, keep_encoded: impl Fn(char) -> bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        // One character: a lead byte and its continuation bytes, each %XX.
        let hex = |at: usize| -> Option<u8> {
            let pair = text.get(at + 1..at + 3)?;
            u8::from_str_radix(pair, 16).ok()
        };
        let lead = hex(i)?;
        let len = match lead {
            0x00..=0x7f => 1,
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return None,
        };
        let mut encoded = vec![lead];
        for k in 1..len {
            let at = i + 3 * k;
            if bytes.get(at) != Some(&b'%') {
                return None;
            }
            encoded.push(hex(at)?);
        }
        let c = std::str::from_utf8(&encoded).ok()?.chars().next()?;
        if keep_encoded(c) {
            out.extend_from_slice(&bytes[i..i + 3 * len]);
        } else {
            out.extend_from_slice(&encoded);
        }
        i += 3 * len;
    }
    String::from_utf8(out).ok()
}

pub(super) fn url_string<'a>(name: &str, args: &[&'a JValue<'a>]) -> Result<Option<String>, JError> {
    match arg(args, 0) {
        JValue::Undefined => Ok(None),
        JValue::String(s) => Ok(Some(s.to_string())),
        _ => Err(JError::D3137Error(format!("${name}: the argument must be a string"))),
    }
}

pub(super) fn fn_encode_url_component<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    match url_string("encodeUrlComponent", args)? {
        None => Ok(JValue::undefined()),
        Some(text) => Ok(JValue::string(ctx.arena, &percent_encode(&text, url_unreserved))),
    }
}

pub(super) fn fn_encode_url<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    match url_string("encodeUrl", args)? {
        None => Ok(JValue::undefined()),
        Some(text) => Ok(JValue::string(ctx.arena, &percent_encode(&text, |c| url_unreserved(c) || url_reserved(c)))),
    }
}

pub(super) fn fn_decode_url_component<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    match url_string("decodeUrlComponent", args)? {
        None => Ok(JValue::undefined()),
        Some(text) => match percent_decode(&text, |_| false) {
            Some(decoded) => Ok(JValue::string(ctx.arena, &decoded)),
            None => fail("decodeUrlComponent", format!("'{text}' is not a valid encoded URL component (D3140)")),
        },
    }
}

pub(super) fn fn_decode_url<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    match url_string("decodeUrl", args)? {
        None => Ok(JValue::undefined()),
        Some(text) => match percent_decode(&text, url_reserved) {
            Some(decoded) => Ok(JValue::string(ctx.arena, &decoded)),
            None => fail("decodeUrl", format!("'{text}' is not a valid encoded URL (D3140)")),
        },
    }
}
