//! DynamoDB numbers: up to 38 significant digits, magnitude between 1E-130
//! and 9.9999999999999999999999999999999999999E+125, no NaN or infinity.
//! They travel as decimal text, so nothing is rounded on the way.

/// [`normalize`], borrowing the text when it is already in normal form (the
/// common case: integers without leading zeros, decimals without trailing ones).
pub fn normalize_cow(text: &str) -> Result<std::borrow::Cow<'_, str>, String> {
    if is_normal(text) { Ok(std::borrow::Cow::Borrowed(text)) } else { normalize(text).map(std::borrow::Cow::Owned) }
}

/// Whether `text` is already what [`normalize`] would return: an optional
/// `-`, digits without a leading zero (or a single `0` before a point), an
/// optional fraction not ending in `0`, no exponent, at most 38 significant
/// digits and inside DynamoDB's range.
fn is_normal(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits_only(int) || !digits_only(frac) || (body.contains('.') && frac.is_empty()) {
        return false;
    }
    if frac.ends_with('0') || (int.len() > 1 && int.starts_with('0')) {
        return false;
    }
    if int == "0" {
        // 0 itself, or 0.00ddd: no `-0`, and the significant digits start after the zeros.
        if frac.is_empty() {
            return text == "0";
        }
        let zeros = frac.bytes().take_while(|&b| b == b'0').count();
        return zeros < 129 && frac.len() - zeros <= 38;
    }
    // The integer part starts with a non-zero digit and a fraction ends with one.
    let significant = if frac.is_empty() { int.trim_end_matches('0').len() } else { int.len() + frac.len() };
    int.len() <= 126 && significant <= 38
}

/// Checks a decimal number's text against DynamoDB's rules and returns it in
/// the plain form DynamoDB stores (no exponent, no redundant zeros, `-0` as `0`).
pub fn normalize(text: &str) -> Result<String, String> {
    let parsed = parse(text).ok_or_else(|| format!("{text:?} is not a decimal number"))?;
    if parsed.digits.is_empty() {
        return Ok("0".to_string());
    }
    if parsed.digits.len() > 38 {
        return Err(format!("{text} has {} significant digits; DynamoDB keeps at most 38", parsed.digits.len()));
    }
    // The value is 0.DIGITS × 10^point.
    let point = parsed.point;
    if point > 126 {
        return Err(format!("{text} is too large for DynamoDB (at most 9.99…E+125)"));
    }
    if point < -129 {
        return Err(format!("{text} is too small for DynamoDB (at least 1E-130 in magnitude)"));
    }
    let mut out = String::with_capacity(parsed.digits.len() + 4);
    if parsed.negative {
        out.push('-');
    }
    let digits = parsed.digits.as_str();
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(digits);
    } else {
        let point = point as usize;
        if point >= digits.len() {
            out.push_str(digits);
            out.extend(std::iter::repeat_n('0', point - digits.len()));
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    Ok(out)
}

/// The number as significant digits and the position of the decimal point.
struct Parsed {
    negative: bool,
    /// Significant digits, no leading or trailing zeros (empty for zero).
    digits: String,
    /// Value = 0.`digits` × 10^`point`.
    point: i64,
}

fn parse(text: &str) -> Option<Parsed> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().chain(frac_part.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let all: String = int_part.chars().chain(frac_part.chars()).collect();
    let leading = all.bytes().take_while(|&b| b == b'0').count();
    let trimmed = all[leading..].trim_end_matches('0');
    // Where the point sits relative to the first significant digit.
    let point = int_part.len() as i64 - leading as i64 + exponent;
    Some(Parsed { negative: negative && !trimmed.is_empty(), digits: trimmed.to_string(), point })
}

/// The bytes DynamoDB counts for a number: about one per two significant digits, plus one.
pub fn size(normalized: &str) -> usize {
    let digits = normalized.bytes().filter(u8::is_ascii_digit).collect::<Vec<_>>();
    let significant = {
        let s: &[u8] = &digits;
        let start = s.iter().position(|&d| d != b'0').unwrap_or(s.len());
        let end = s.iter().rposition(|&d| d != b'0').map_or(start, |e| e + 1);
        end.saturating_sub(start)
    };
    significant.div_ceil(2) + 1
}

#[cfg(test)]
mod tests {
    use super::{normalize, normalize_cow};

    #[test]
    fn normal_forms() {
        for (input, want) in [
            ("0", "0"),
            ("-0", "0"),
            ("0.000", "0"),
            ("1.50", "1.5"),
            ("100", "100"),
            ("1e2", "100"),
            ("1.5E-3", "0.0015"),
            ("-12.340e1", "-123.4"),
            ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
            ("+7", "7"),
        ] {
            assert_eq!(normalize(input).as_deref(), Ok(want), "{input}");
        }
        let largest = format!("{}{}", "9".repeat(38), "0".repeat(88));
        assert_eq!(normalize("9.9999999999999999999999999999999999999E+125"), Ok(largest));
        let smallest = format!("0.{}1", "0".repeat(129));
        assert_eq!(normalize("1E-130"), Ok(smallest));
    }

    #[test]
    fn the_fast_path_agrees_with_normalize() {
        let cases = [
            "0",
            "-0",
            "7",
            "-7",
            "10",
            "100",
            "0.5",
            "-0.5",
            "1.5",
            "1.50",
            "01",
            "1.",
            ".5",
            "0.05",
            "0.0",
            "1e2",
            "12345678901234567890123456789012345678",
            "123456789012345678901234567890123456789",
            "1234567890123456789012345678901234567.8",
            "10000000000000000000000000000000000000000",
            "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
        ];
        for text in cases {
            let borrowed = matches!(normalize_cow(text), Ok(std::borrow::Cow::Borrowed(_)));
            assert_eq!(normalize_cow(text).map(|c| c.into_owned()), normalize(text), "{text}");
            if borrowed {
                assert_eq!(normalize(text).as_deref(), Ok(text), "{text} borrowed but not normal");
            }
        }
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "-",
            ".",
            "1e",
            "abc",
            "NaN",
            "Infinity",
            "1.2.3",
            "1e400",
            "1E-131",
            "0x10",
            "1 ",
            "123456789012345678901234567890123456789",
        ] {
            assert!(normalize(bad).is_err(), "{bad:?}");
        }
    }
}
