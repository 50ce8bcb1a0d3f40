//! `cargo run -p xtask -- gen` writes the parts of the bindings' stubs and
//! typings that the core's API table (`stepforge::builder::surface`)
//! determines; `cargo run -p xtask -- check` fails when a committed file
//! differs from what `gen` would write (CI runs it in `scripts/test.sh`).
//!
//! Each generated part sits between a `BEGIN GENERATED: <part>` and an
//! `END GENERATED: <part>` line of the file; the rest of the file is written
//! by hand.

mod python;
mod typescript;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One generated part: the file, the part's name and its text.
struct Part {
    file: &'static str,
    name: &'static str,
    text: String,
}

fn parts() -> Vec<Part> {
    vec![
        Part { file: python::STUB, name: "states", text: python::states() },
        Part { file: python::STUB, name: "json path", text: python::json_path() },
        Part { file: python::STUB, name: "condition", text: python::condition() },
        Part { file: python::STUB, name: "state machine", text: python::state_machine() },
        Part { file: python::PACKAGE, name: "constants", text: python::constants() },
        Part { file: typescript::HEADER, name: "options", text: typescript::options() },
        Part { file: typescript::HEADER, name: "load ddb", text: typescript::load_ddb() },
        Part { file: python::TYPES, name: "load summary", text: python::load_summary() },
        Part { file: python::STUB, name: "load ddb", text: python::load_ddb() },
    ]
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// `text` with the lines between the markers of `name` replaced by `body`.
fn splice(file: &str, text: &str, name: &str, body: &str) -> Result<String, String> {
    let begin = format!("BEGIN GENERATED: {name}");
    let end = format!("END GENERATED: {name}");
    let missing =
        |marker: &str| format!("{file}: no line with `{marker}` (put the two marker comments where the part goes)");
    let start = text.find(&begin).ok_or_else(|| missing(&begin))?;
    let body_start = text[start..].find('\n').map(|i| start + i + 1).ok_or_else(|| missing(&begin))?;
    let stop = text[body_start..].find(&end).map(|i| body_start + i).ok_or_else(|| missing(&end))?;
    // The end marker's line starts with its comment sign: keep the whole line.
    let line_start = text[..stop].rfind('\n').map_or(0, |i| i + 1);
    Ok(format!("{}{}{}", &text[..body_start], body, &text[line_start..]))
}

fn run(write: bool) -> Result<Vec<String>, String> {
    let root = root();
    let mut files: Vec<(&str, String, String)> = Vec::new();
    for part in parts() {
        let index = match files.iter().position(|(f, ..)| *f == part.file) {
            Some(i) => i,
            None => {
                let path = root.join(part.file);
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                files.push((part.file, text.clone(), text));
                files.len() - 1
            }
        };
        let (file, _, new) = &mut files[index];
        *new = splice(file, new, part.name, &part.text)?;
    }
    let mut stale = Vec::new();
    for (file, old, new) in files {
        if old != new {
            stale.push(file.to_string());
            if write {
                let path = root.join(file);
                std::fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    Ok(stale)
}

fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_default();
    let write = match command.as_str() {
        "gen" => true,
        "check" => false,
        _ => {
            eprintln!("usage: cargo run -p xtask -- gen|check");
            return ExitCode::from(2);
        }
    };
    match run(write) {
        Ok(stale) if stale.is_empty() => {
            println!("generated files are up to date");
            ExitCode::SUCCESS
        }
        Ok(stale) if write => {
            println!("wrote {}", stale.join(", "));
            ExitCode::SUCCESS
        }
        Ok(stale) => {
            eprintln!(
                "out of date with the tables in core/src/builder/ and core/src/dynamo/load_surface.rs: {}\nrun `cargo run -p xtask -- gen` and commit the result",
                stale.join(", ")
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::splice;

    #[test]
    fn splice_replaces_only_between_the_markers() {
        let text = "a\n# BEGIN GENERATED: x\nold\n# END GENERATED: x\nb\n";
        assert_eq!(splice("f", text, "x", "new\n").unwrap(), "a\n# BEGIN GENERATED: x\nnew\n# END GENERATED: x\nb\n");
        assert!(splice("f", text, "y", "").unwrap_err().contains("BEGIN GENERATED: y"));
    }
}
