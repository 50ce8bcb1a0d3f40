//! Timestamps as ASL requires them: the RFC 3339 profile of ISO 8601 with an
//! uppercase `T` between date and time and an uppercase `Z` for UTC, e.g.
//! `2016-08-18T17:33:00Z` or `2016-08-18T17:33:00.5+02:00`.

/// Checks a timestamp; the error says what is wrong.
pub(crate) fn check(text: &str) -> Result<(), String> {
    let b = text.as_bytes();
    let fail = |what: &str| Err(format!("`{text}` is not an RFC 3339 timestamp like 2016-08-18T17:33:00Z: {what}"));
    if b.len() < 20 {
        return fail("too short");
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        if part.iter().all(u8::is_ascii_digit) { std::str::from_utf8(part).ok()?.parse().ok() } else { None }
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return fail("the date must be YYYY-MM-DD");
    };
    if b[4] != b'-' || b[7] != b'-' {
        return fail("the date must be YYYY-MM-DD");
    }
    if b[10] != b'T' {
        return fail("an uppercase T must separate date and time");
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(11..13), digits(14..16), digits(17..19)) else {
        return fail("the time must be hh:mm:ss");
    };
    if b[13] != b':' || b[16] != b':' {
        return fail("the time must be hh:mm:ss");
    }
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return fail("no such date");
    }
    if hour > 23 || minute > 59 || second > 60 {
        return fail("no such time of day");
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return fail("a fraction of a second needs digits after the dot");
        }
    }
    match &b[i..] {
        [b'Z'] => Ok(()),
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let ok = [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit());
            let hours = (h1 - b'0') * 10 + (h2 - b'0');
            let minutes = (m1 - b'0') * 10 + (m2 - b'0');
            if ok && hours <= 23 && minutes <= 59 { Ok(()) } else { fail("bad time zone offset") }
        }
        _ => fail("it must end with Z or a ±hh:mm offset"),
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_rfc3339_profile() {
        for ok in [
            "2016-08-18T17:33:00Z",
            "2016-08-18T17:33:00.123Z",
            "2024-02-29T00:00:00+05:30",
            "2016-08-18T17:33:00-00:00",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_the_rest() {
        for bad in [
            "2016-08-18 17:33:00Z",
            "2016-08-18t17:33:00Z",
            "2016-08-18T17:33:00z",
            "2016-08-18T17:33:00",
            "2023-02-29T00:00:00Z",
            "2016-13-01T00:00:00Z",
            "2016-08-18T24:00:00Z",
            "2016-08-18T17:33:00.Z",
            "2016-08-18T17:33:00+0530",
            "now",
            "2016-08-18T17:33:00Zjunk",
            "２016-08-18T17:33:00Z",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
