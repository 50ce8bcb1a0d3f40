//! Shared test vectors: each `vectors/<name>/` holds the same builder program
//! in Rust, Python and TypeScript and the ASL JSON all three must render,
//! byte for byte. This suite runs the Rust programs; pytest and node --test
//! run the others against the same `expected.json`.
//!
//! `STEPFORGE_BLESS=1 cargo test --test vectors` writes a missing `expected.json`
//! from the Rust program (review it before committing); it never overwrites one.

use std::path::{Path, PathBuf};

use stepforge::Problems;
use stepforge::builder::StateMachine;

macro_rules! vectors {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/", stringify!($name), "/program.rs"));
            }
        )*
        const NAMES: &[&str] = &[$(stringify!($name)),*];
        fn builders() -> Vec<(&'static str, fn() -> Result<StateMachine, Problems>)> {
            vec![$((stringify!($name), $name::build as fn() -> Result<StateMachine, Problems>)),*]
        }
    };
}

vectors!(
    job_poller,
    every_state_type,
    choice_afterwards,
    fragments_prefix,
    distributed_map,
    jsonata,
    intrinsics,
    fragment_semaphore,
    fragment_semaphore_cleanup,
    fragment_map,
    fragment_phased_job,
    fragment_semaphore_jsonata,
);

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

#[test]
fn rust_programs_render_the_expected_bytes() {
    let mut failures = Vec::new();
    for (name, build) in builders() {
        let rendered = match build().and_then(|m| m.render()) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let path = dir().join(name).join("expected.json");
        if !path.exists() && std::env::var_os("STEPFORGE_BLESS").is_some() {
            std::fs::write(&path, format!("{rendered}\n")).unwrap();
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if expected.trim_end_matches('\n') != rendered {
            failures.push(format!("{name}: rendering differs from expected.json\n--- got ---\n{rendered}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_vector_directory_is_listed_and_complete() {
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "add new vector directories to the vectors! list");
    for name in NAMES {
        for file in ["program.rs", "program.py", "program.ts", "expected.json"] {
            let path = dir().join(name).join(file);
            assert!(path.exists(), "{} is missing", path.display());
        }
    }
}

#[test]
fn expected_files_are_valid_and_canonical() {
    for name in NAMES {
        let text = std::fs::read_to_string(dir().join(name).join("expected.json")).unwrap();
        let problems = stepforge::validate::validate_str(&text);
        assert!(problems.is_empty(), "{name}: {problems:?}");
        let def = stepforge::asl::parse_str(&text).unwrap();
        assert_eq!(stepforge::asl::render(&def), text.trim_end_matches('\n'), "{name}: not in canonical form");
    }
}
