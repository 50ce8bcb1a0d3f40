//! The validator's conformance suite.
//!
//! - `fixtures/valid/*.json` must validate with no problems and round-trip:
//!   rendering the parsed definition gives the same JSON value, and rendering
//!   is stable byte for byte.
//! - `fixtures/invalid/<name>.json` must produce exactly the problems listed in
//!   `<name>.expect`, one `CODE POINTER` per line, in order; every message must be
//!   a sentence that names the offending field or value.
//! - Fixtures listed in `fixtures/KNOWN_GAPS.md` are skipped with their reason
//!   printed (see it with `-- --show-output`); once the validator agrees with
//!   one, the suite fails until the entry is removed.
//! - The `stepforge` binary: `validate` (text and JSON, one or several files) and `fmt`.

#[path = "fixtures/support.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use stepforge::validate::{MAX_DEFINITION_BYTES, validate_str};
use stepforge::{Code, Problem, asl};

/// Codes that no definition can cause: they come from the builder or from bugs.
const NOT_FROM_DEFINITIONS: &[Code] = &[Code::InvalidChain, Code::Internal];

// ---------------------------------------------------------------- fixtures

/// Runs `check` on every fixture of `kind`, honouring `KNOWN_GAPS.md`, and
/// fails with every disagreement at once.
fn check_all(kind: &str, check: impl Fn(&Path, &str) -> Result<(), String>) {
    let gaps = support::known_gaps();
    let mut failures = Vec::new();
    for path in support::definitions(kind) {
        let name = support::name(&path);
        let result = check(&path, &support::read(&path));
        match (gaps.get(&name), result) {
            (None, Ok(())) => {}
            (None, Err(why)) => failures.push(format!("{name}: {why}")),
            (Some(reason), Err(_)) => println!("skipping {name} (KNOWN_GAPS.md): {reason}"),
            (Some(_), Ok(())) => failures.push(format!("{name} passes now: remove it from KNOWN_GAPS.md")),
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) disagree:\n\n{}", failures.len(), failures.join("\n\n"));
}

/// The lines of `<name>.expect` as `(code, pointer)`.
fn expected(definition: &Path) -> Vec<(String, String)> {
    support::read(&definition.with_extension("expect"))
        .lines()
        .map(|line| match line.split_once(' ') {
            Some((code, pointer)) => (code.to_string(), pointer.to_string()),
            None => (line.to_string(), String::new()),
        })
        .collect()
}

fn listed(problems: &[Problem]) -> Vec<(String, String)> {
    problems.iter().map(|p| (p.code.as_str().to_string(), p.pointer.clone())).collect()
}

fn show(list: &[(String, String)]) -> String {
    list.iter().map(|(code, pointer)| format!("\n    {code} {pointer}")).collect()
}

/// Why `problem.message` is not a sentence about the offending field or value,
/// if it is not. The pointer's last token or the value there must appear in it;
/// a problem with an object, an array or the whole document must name a field
/// in backticks.
fn message_fault(document: Option<&Value>, problem: &Problem) -> Option<String> {
    let message = &problem.message;
    if message.trim() != message || message.split_whitespace().count() < 3 {
        return Some(format!("{} {}: message {message:?} is not a sentence", problem.code, problem.pointer));
    }
    let token = problem.pointer.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
    let names_field = message.contains('`') || message.contains("JSON");
    let mentioned = match document.and_then(|d| d.pointer(&problem.pointer)) {
        Some(Value::String(value)) => message.contains(&token) || message.contains(value.as_str()),
        Some(Value::Number(value)) => message.contains(&token) || message.contains(&value.to_string()),
        Some(Value::Object(_) | Value::Array(_)) | None => message.contains(&token) || names_field,
        Some(_) => message.contains(&token),
    };
    (!mentioned).then(|| {
        format!("{} {}: message {message:?} names neither the field nor its value", problem.code, problem.pointer)
    })
}

fn check_valid(_: &Path, text: &str) -> Result<(), String> {
    let problems = validate_str(text);
    if !problems.is_empty() {
        return Err(format!("expected no problems, got:{}", show(&listed(&problems))));
    }
    let definition = asl::parse_str(text).map_err(|e| format!("parse failed: {e}"))?;
    let original: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let rendered = asl::render_value(&definition);
    if rendered != original {
        return Err(format!(
            "rendering changes the JSON value:\n{}",
            serde_json::to_string_pretty(&rendered).unwrap_or_default()
        ));
    }
    let canonical = asl::render(&definition);
    let again = asl::parse_str(&canonical).map(|d| asl::render(&d)).map_err(|e| format!("canonical form: {e}"))?;
    if again != canonical {
        return Err(format!("rendering is not stable:\n--- first ---\n{canonical}\n--- second ---\n{again}"));
    }
    Ok(())
}

fn check_invalid(path: &Path, text: &str) -> Result<(), String> {
    let problems = validate_str(text);
    let (want, got) = (expected(path), listed(&problems));
    if want != got {
        return Err(format!("expected:{}\n  got:{}", show(&want), show(&got)));
    }
    let document: Option<Value> = serde_json::from_str(text).ok();
    let faults: Vec<String> = problems.iter().filter_map(|p| message_fault(document.as_ref(), p)).collect();
    if faults.is_empty() { Ok(()) } else { Err(faults.join("\n")) }
}

#[test]
fn valid_fixtures_have_no_problems_and_round_trip() {
    check_all("valid", check_valid);
}

#[test]
fn invalid_fixtures_report_exactly_the_expected_problems() {
    check_all("invalid", check_invalid);
}

#[test]
fn every_invalid_fixture_has_its_expectations_and_no_expectation_is_orphaned() {
    let dir = support::dir().join("invalid");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let twin = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => path.with_extension("expect"),
            Some("expect") => path.with_extension("json"),
            _ => panic!("{}: only .json and .expect files belong in fixtures/invalid", path.display()),
        };
        assert!(twin.exists(), "{} has no {}", path.display(), twin.display());
    }
    for name in support::known_gaps().keys() {
        assert!(
            support::dir().join(format!("{name}.json")).exists(),
            "KNOWN_GAPS.md lists {name}, which does not exist"
        );
    }
}

#[test]
fn the_suite_is_large_enough_and_covers_every_code_a_definition_can_cause() {
    assert!(support::definitions("valid").len() >= 40, "fewer than 40 valid fixtures");
    assert!(support::definitions("invalid").len() >= 60, "fewer than 60 invalid fixtures");
    let mut covered: BTreeSet<String> = support::definitions("invalid")
        .iter()
        .flat_map(|path| expected(path).into_iter().map(|(code, _)| code))
        .collect();
    covered.insert(Code::QuotaExceeded.as_str().to_string()); // by `a_definition_over_one_mebibyte_…`
    for code in covered.iter() {
        assert!(Code::from_str_opt(code).is_some(), "an .expect file names {code}, which is not a code");
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|code| !NOT_FROM_DEFINITIONS.contains(code) && !covered.contains(code.as_str()))
        .map(|code| code.as_str())
        .collect();
    assert!(missing.is_empty(), "no invalid fixture expects {missing:?}");
}

/// A valid chain of Pass states, just over the size limit: the only problem is its size.
#[test]
fn a_definition_over_one_mebibyte_exceeds_the_quota() {
    let mut states = serde_json::Map::new();
    let mut index = 0;
    let mut size = 0;
    while size <= MAX_DEFINITION_BYTES {
        let name = format!("Step {index}");
        let state =
            serde_json::json!({"Type": "Pass", "Result": {"step": index}, "Next": format!("Step {}", index + 1)});
        size += name.len() + state.to_string().len() + 4; // `"name":state,`
        states.insert(name, state);
        index += 1;
    }
    states.insert(format!("Step {index}"), serde_json::json!({"Type": "Succeed"}));
    let text = serde_json::json!({"StartAt": "Step 0", "States": states}).to_string();
    assert!(text.len() > MAX_DEFINITION_BYTES);
    let problems = validate_str(&text);
    assert_eq!(listed(&problems), [("QUOTA_EXCEEDED".to_string(), String::new())]);
    assert!(problems[0].message.contains(&text.len().to_string()), "{}", problems[0].message);
}

// ---------------------------------------------------------------- the command line

/// The `stepforge` binary's `validate` and `fmt` (with the `cli` feature).
#[cfg(feature = "cli")]
#[path = "fixtures/cli.rs"]
mod command_line;
