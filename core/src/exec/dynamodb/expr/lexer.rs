//! Splits an expression into tokens, remembering where each one is so that
//! syntax errors can quote the text around them as DynamoDB does.

use super::ast::ExprKind;
use crate::exec::dynamodb::error::{Result, ServiceError};

/// A token's kind and, for words and placeholders, its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A name or keyword: letters, digits and `_`, not starting with a digit.
    Word(String),
    /// `#name`.
    Name(String),
    /// `:value`.
    Value(String),
    /// Digits (list indexes).
    Int(String),
    /// `.`
    Dot,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// The end of the expression.
    Eof,
}

/// A token and the byte range it came from.
#[derive(Debug, Clone)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Where it starts in the expression.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
}

/// The tokens of `src`, ending with [`Tok::Eof`].
pub fn tokenize(src: &str, kind: ExprKind) -> Result<Vec<Token>> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let run = |from: usize| from + bytes[from..].iter().take_while(|&&b| word_byte(b)).count();
        let tok = match b {
            b'#' | b':' => {
                let end = run(i + 1);
                if end == i + 1 {
                    return Err(syntax_error(src, kind, start, start + 1));
                }
                i = end;
                let text = src[start..end].to_string();
                if b == b'#' { Tok::Name(text) } else { Tok::Value(text) }
            }
            b'0'..=b'9' => {
                i += bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                Tok::Int(src[start..i].to_string())
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                i = run(i);
                Tok::Word(src[start..i].to_string())
            }
            _ => {
                let two = bytes.get(i + 1).copied();
                let (tok, len) = match (b, two) {
                    (b'<', Some(b'>')) => (Tok::Ne, 2),
                    (b'<', Some(b'=')) => (Tok::Le, 2),
                    (b'>', Some(b'=')) => (Tok::Ge, 2),
                    (b'<', _) => (Tok::Lt, 1),
                    (b'>', _) => (Tok::Gt, 1),
                    (b'=', _) => (Tok::Eq, 1),
                    (b'.', _) => (Tok::Dot, 1),
                    (b'[', _) => (Tok::LBracket, 1),
                    (b']', _) => (Tok::RBracket, 1),
                    (b'(', _) => (Tok::LParen, 1),
                    (b')', _) => (Tok::RParen, 1),
                    (b',', _) => (Tok::Comma, 1),
                    (b'+', _) => (Tok::Plus, 1),
                    (b'-', _) => (Tok::Minus, 1),
                    _ => {
                        let width = src[i..].chars().next().map_or(1, char::len_utf8);
                        return Err(ServiceError::validation(format!(
                            "Invalid {}: Invalid character encountered; character: \"{}\", near: \"{}\"",
                            kind.name(),
                            &src[i..i + width],
                            near(src, i, i + width)
                        )));
                    }
                };
                i += len;
                tok
            }
        };
        out.push(Token { tok, start, end: i });
    }
    out.push(Token { tok: Tok::Eof, start: src.len(), end: src.len() });
    Ok(out)
}

/// DynamoDB's syntax error: the offending token and the text around it.
pub fn syntax_error(src: &str, kind: ExprKind, start: usize, end: usize) -> ServiceError {
    let token = if start >= src.len() { "<EOF>" } else { &src[start..end] };
    ServiceError::validation(format!(
        "Invalid {}: Syntax error; token: \"{token}\", near: \"{}\"",
        kind.name(),
        near(src, start, end)
    ))
}

/// The token with the word before and after it, as DynamoDB quotes it.
fn near(src: &str, start: usize, end: usize) -> String {
    let before = src[..start.min(src.len())].trim_end();
    let from = before.char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(0, |(p, c)| p + c.len_utf8());
    let after = &src[end.min(src.len())..];
    let lead = after.len() - after.trim_start().len();
    let to = end + lead + after.trim_start().find(char::is_whitespace).unwrap_or(after.trim_start().len());
    src[from..to.min(src.len())].trim().to_string()
}
