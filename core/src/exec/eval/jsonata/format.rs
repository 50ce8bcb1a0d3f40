//! Number pictures, to the JSONata 2.0 reference: `$formatBase`, and
//! `$formatNumber`, `$formatInteger`, `$parseInteger` for decimal pictures.

use jsonata_rs::{FunctionContext, Value as JValue};

use super::functions::{Native, arg, fail, integer};

/// `$formatBase(number, radix)`: the number rounded, written in base 2 to 36.
pub(super) fn fn_format_base<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let JValue::Number(x) = arg(args, 0) else {
        return if arg(args, 0).is_undefined() {
            Ok(JValue::undefined())
        } else {
            fail("formatBase", "the number must be a number")
        };
    };
    let radix = match arg(args, 1) {
        JValue::Undefined => 10,
        v => match integer(v) {
            Some(r) if (2..=36).contains(&r) => r as u32,
            _ => return fail("formatBase", "the radix must be an integer from 2 to 36"),
        },
    };
    let rounded = x.round_ties_even();
    if !rounded.is_finite() || rounded.abs() >= 9_007_199_254_740_992.0 {
        return fail("formatBase", format!("{x} is too large to write exactly"));
    }
    let mut n = rounded.abs() as u64;
    let mut digits = Vec::new();
    loop {
        digits.push(std::char::from_digit((n % u64::from(radix)) as u32, radix).unwrap_or('0'));
        n /= u64::from(radix);
        if n == 0 {
            break;
        }
    }
    if rounded < 0.0 {
        digits.push('-');
    }
    let text: String = digits.into_iter().rev().collect();
    Ok(JValue::string(ctx.arena, &text))
}

/// `$formatNumber(number, picture)` for decimal pictures: digits `0` and `#`,
/// grouping `,`, decimal `.`, `%` and `‰`, a prefix and a suffix, and a
/// negative sub-picture after `;`. Exponents (`e`), other digit families and
/// the options argument are refused with an error rather than guessed.
pub(super) fn fn_format_number<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let value = match arg(args, 0) {
        JValue::Undefined => return Ok(JValue::undefined()),
        JValue::Number(x) if x.is_finite() => *x,
        _ => return fail("formatNumber", "the first argument must be a finite number"),
    };
    let JValue::String(picture) = arg(args, 1) else {
        return fail("formatNumber", "the picture must be a string");
    };
    if !arg(args, 2).is_undefined() {
        return fail("formatNumber", "the options argument is not supported by stepforge's JSONata engine");
    }
    let (positive, negative) = match picture.split_once(';') {
        Some((p, n)) => (p, Some(n)),
        None => (picture.as_str(), None),
    };
    let (sub, explicit_negative) = match (value < 0.0, negative) {
        (true, Some(n)) => (n, true),
        _ => (positive, false),
    };
    let Some(parsed) = Picture::parse(sub) else {
        return fail("formatNumber", format!("the picture '{picture}' is not supported (decimal pictures only)"));
    };
    let mut magnitude = value.abs();
    if parsed.percent {
        magnitude *= 100.0;
    } else if parsed.per_mille {
        magnitude *= 1000.0;
    }
    let Some(digits) = round_decimal(magnitude, parsed.max_fraction) else {
        return fail("formatNumber", format!("{value} cannot be formatted"));
    };
    let (int_digits, frac_digits) = digits.split_once('.').unwrap_or((&digits, ""));
    let mut frac: String = frac_digits.to_owned();
    while frac.len() > parsed.min_fraction && frac.ends_with('0') {
        frac.pop();
    }
    while frac.len() < parsed.min_fraction {
        frac.push('0');
    }
    let mut int: String = int_digits.trim_start_matches('0').to_owned();
    while int.len() < parsed.min_integer {
        int.insert(0, '0');
    }
    let int = group(&int, &parsed.grouping);
    let mut out = String::new();
    if value < 0.0 && !explicit_negative {
        out.push('-');
    }
    out.push_str(&parsed.prefix);
    out.push_str(&int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    out.push_str(&parsed.suffix);
    Ok(JValue::string(ctx.arena, &out))
}

/// A decimal picture, read.
pub(super) struct Picture {
    prefix: String,
    suffix: String,
    min_integer: usize,
    min_fraction: usize,
    max_fraction: usize,
    /// Grouping separator positions, counted in digits from the decimal point.
    grouping: Vec<usize>,
    percent: bool,
    per_mille: bool,
}

impl Picture {
    fn parse(text: &str) -> Option<Picture> {
        let is_digit = |c: char| matches!(c, '0'..='9' | '#');
        let is_sign = |c: char| matches!(c, '%' | '\u{2030}');
        let chars: Vec<char> = text.chars().collect();
        let first = chars.iter().position(|&c| is_digit(c) || c == '.')?;
        let last = chars.iter().rposition(|&c| is_digit(c))?;
        let prefix: String = chars[..first].iter().collect();
        // Any decimal digit is a mandatory-digit sign (XPath's digit family).
        let body: String = chars[first..=last].iter().map(|&c| if c.is_ascii_digit() { '0' } else { c }).collect();
        let suffix: String = chars[last + 1..].iter().collect();
        // Outside the digits only passive characters and one % or ‰ sign.
        let passive = |c: char| !matches!(c, '0'..='9' | '#' | ',' | '.' | 'e' | ';');
        let affixes = || prefix.chars().chain(suffix.chars());
        if !affixes().all(passive) || affixes().filter(|&c| is_sign(c)).count() > 1 {
            return None;
        }
        if body.chars().any(|c| !matches!(c, '0' | '#' | ',' | '.')) || body.matches('.').count() > 1 {
            return None;
        }
        let (int_part, frac_part) = body.split_once('.').unwrap_or((&body, ""));
        // Integer part: `#`s then `0`s; fraction: `0`s then `#`s.
        let int_digits: String = int_part.chars().filter(|&c| c != ',').collect();
        if int_digits.trim_start_matches('#').contains('#') || frac_part.contains(',') {
            return None;
        }
        if frac_part.trim_end_matches('#').contains('#') {
            return None;
        }
        let mut grouping = Vec::new();
        let mut digits_right = 0;
        for c in int_part.chars().rev() {
            if c == ',' {
                if digits_right == 0 || grouping.contains(&digits_right) {
                    return None;
                }
                grouping.push(digits_right);
            } else {
                digits_right += 1;
            }
        }
        let min_integer = int_digits.chars().filter(|&c| c == '0').count();
        let min_fraction = frac_part.chars().filter(|&c| c == '0').count();
        let max_fraction = frac_part.len();
        Some(Picture {
            percent: affixes().any(|c| c == '%'),
            per_mille: affixes().any(|c| c == '\u{2030}'),
            prefix,
            suffix,
            min_integer: if min_integer == 0 && max_fraction == 0 { 1 } else { min_integer },
            min_fraction,
            max_fraction,
            grouping,
        })
    }
}

/// `x` rounded half-to-even at `places` decimals, as decimal digits
/// (`"1234.50"`), shifting by the decimal exponent as JSONata does so that
/// 34.555 rounds to 34.56.
pub(super) fn round_decimal(x: f64, places: usize) -> Option<String> {
    let shifted: f64 = format!("{x}e{places}").parse().ok()?;
    if !shifted.is_finite() || shifted.abs() >= 9.0e15 {
        return None;
    }
    let rounded = shifted.round_ties_even() as u64;
    let text = rounded.to_string();
    if places == 0 {
        return Some(text);
    }
    let padded = format!("{text:0>width$}", width = places + 1);
    let (int, frac) = padded.split_at(padded.len() - places);
    Some(format!("{int}.{frac}"))
}

/// Integer digits with grouping separators: the picture's positions, repeated
/// when they are regular (every multiple of the first, as XPath says).
pub(super) fn group(digits: &str, positions: &[usize]) -> String {
    let Some(&first) = positions.iter().min() else {
        return digits.to_owned();
    };
    let regular =
        positions.iter().all(|p| p % first == 0) && (1..=positions.len()).all(|k| positions.contains(&(k * first)));
    let chars: Vec<char> = digits.chars().collect();
    let mut out = String::with_capacity(chars.len() + chars.len() / first.max(1));
    for (i, c) in chars.iter().enumerate() {
        let from_right = chars.len() - i;
        if i > 0 && (if regular { from_right % first == 0 } else { positions.contains(&from_right) }) {
            out.push(',');
        }
        out.push(*c);
    }
    out
}

/// A decimal integer picture (`000`, `#,##0`): digits, `#` and grouping
/// separators only.
pub(super) fn integer_picture(picture: &str) -> Option<Picture> {
    if picture.is_empty() || !picture.chars().all(|c| c.is_ascii_digit() || c == '#' || c == ',') {
        return None;
    }
    Picture::parse(picture).filter(|p| p.max_fraction == 0 && p.prefix.is_empty() && p.suffix.is_empty())
}

/// `$formatInteger(number, picture)` for decimal pictures.
pub(super) fn fn_format_integer<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let value = match arg(args, 0) {
        JValue::Undefined => return Ok(JValue::undefined()),
        JValue::Number(x) if x.is_finite() && x.abs() < 9.0e15 => x.trunc(),
        _ => return fail("formatInteger", "the first argument must be a finite number"),
    };
    let JValue::String(picture) = arg(args, 1) else {
        return fail("formatInteger", "the picture must be a string");
    };
    let Some(parsed) = integer_picture(picture) else {
        return fail(
            "formatInteger",
            format!("the picture '{picture}' is not supported (decimal pictures such as '000' or '#,##0' only)"),
        );
    };
    let mut digits = format!("{}", value.abs() as u64);
    while digits.len() < parsed.min_integer {
        digits.insert(0, '0');
    }
    let mut out = String::new();
    if value < 0.0 {
        out.push('-');
    }
    out.push_str(&group(&digits, &parsed.grouping));
    Ok(JValue::string(ctx.arena, &out))
}

/// `$parseInteger(string, picture)` for decimal pictures.
pub(super) fn fn_parse_integer<'a>(ctx: FunctionContext<'a, '_>, args: &[&'a JValue<'a>]) -> Native<'a> {
    let text = match arg(args, 0) {
        JValue::Undefined => return Ok(JValue::undefined()),
        JValue::String(s) => s.to_string(),
        _ => return fail("parseInteger", "the first argument must be a string"),
    };
    let JValue::String(picture) = arg(args, 1) else {
        return fail("parseInteger", "the picture must be a string");
    };
    if integer_picture(picture).is_none() {
        return fail(
            "parseInteger",
            format!("the picture '{picture}' is not supported (decimal pictures such as '000' or '#,##0' only)"),
        );
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let digits: String = body.chars().filter(|&c| c != ',').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return fail("parseInteger", format!("'{text}' does not match the picture '{picture}'"));
    }
    match digits.parse::<f64>() {
        Ok(n) => Ok(JValue::number(ctx.arena, if negative { -n } else { n })),
        Err(_) => fail("parseInteger", format!("'{text}' is not an integer")),
    }
}
