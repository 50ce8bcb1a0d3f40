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
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

fn fixture(name: &str) -> PathBuf {
    support::dir().join(format!("{name}.json"))
}

/// Runs the built `stepforge` binary, feeding `stdin`.
fn stepforge(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stepforge"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the stepforge binary runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// `CODE POINTER: message`, or `CODE: message` when the pointer is the whole document.
fn cli_line(problem: &Problem) -> String {
    match problem.pointer.as_str() {
        "" => format!("{}: {}", problem.code, problem.message),
        pointer => format!("{} {pointer}: {}", problem.code, problem.message),
    }
}

fn problems_of(path: &Path) -> Vec<Problem> {
    validate_str(&support::read(path))
}

#[test]
fn cli_validate_is_silent_and_succeeds_on_a_valid_file() {
    let out = stepforge(&["validate", fixture("valid/every_state_type").to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn cli_validate_prints_one_line_per_problem_and_fails() {
    for name in ["invalid/several_mistakes_across_machine", "invalid/invalid_json"] {
        let path = fixture(name);
        let out = stepforge(&["validate", path.to_str().unwrap()], "");
        assert_eq!(out.status.code(), Some(1), "{name}");
        let lines: Vec<String> = problems_of(&path).iter().map(cli_line).collect();
        assert!(!lines.is_empty());
        assert_eq!(text(&out.stdout), lines.iter().map(|l| format!("{l}\n")).collect::<String>(), "{name}");
    }
}

#[test]
fn cli_validate_json_prints_an_array_of_problems() {
    let path = fixture("invalid/several_mistakes_in_one_retrier");
    let out = stepforge(&["validate", "--format", "json", path.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let printed: Value = serde_json::from_str(&text(&out.stdout)).expect("JSON on stdout");
    let expected: Vec<Value> = problems_of(&path).iter().map(Problem::to_json).collect();
    assert_eq!(printed, Value::Array(expected));
    for item in printed.as_array().unwrap() {
        let keys: BTreeSet<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(["code", "message", "pointer"]));
    }
    let out = stepforge(&["validate", "--format", "json", fixture("valid/hello_world").to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(serde_json::from_str::<Value>(&text(&out.stdout)).unwrap(), serde_json::json!([]));
}

#[test]
fn cli_validate_prefixes_each_line_with_its_file_when_given_several() {
    let files = [fixture("invalid/unreachable_state"), fixture("valid/hello_world"), fixture("invalid/empty_states")];
    let args: Vec<&str> = ["validate"].into_iter().chain(files.iter().map(|f| f.to_str().unwrap())).collect();
    let out = stepforge(&args, "");
    assert_eq!(out.status.code(), Some(1));
    let expected: String = files
        .iter()
        .flat_map(|file| {
            problems_of(file).iter().map(|p| format!("{}: {}\n", file.display(), cli_line(p))).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(text(&out.stdout), expected);
    assert!(text(&out.stderr).contains("2 of 3"), "{}", text(&out.stderr));
}

#[test]
fn cli_fmt_prints_the_canonical_form_idempotently() {
    let gaps = support::known_gaps();
    for path in support::definitions("valid").iter().filter(|path| !gaps.contains_key(&support::name(path))) {
        let source = support::read(path);
        let first = stepforge(&["fmt", path.to_str().unwrap()], "");
        assert_eq!(first.status.code(), Some(0), "{}", path.display());
        let canonical = text(&first.stdout);
        assert_eq!(canonical, format!("{}\n", asl::render(&asl::parse_str(&source).unwrap())));
        let second = stepforge(&["fmt", "-"], &canonical);
        assert_eq!(second.status.code(), Some(0));
        assert_eq!(text(&second.stdout), canonical, "fmt is not idempotent on {}", path.display());
    }
}

#[test]
fn cli_fmt_refuses_an_invalid_file() {
    let path = fixture("invalid/loop_without_exit");
    let out = stepforge(&["fmt", path.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let lines: String = problems_of(&path).iter().map(|p| format!("{}\n", cli_line(p))).collect();
    assert_eq!(text(&out.stderr), lines);
}
