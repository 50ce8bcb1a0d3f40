//! Shared by the tests of the `stepforge` command line: run it in-process,
//! and write input files into a directory of the test binary's own.

#![allow(dead_code)] // each test file uses a different part

use std::path::PathBuf;

/// Runs `stepforge ARGS…` in-process; (exit code, stdout, stderr).
pub fn cli(args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["stepforge".to_string()];
    argv.extend(args.iter().map(|s| s.to_string()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = stepforge::cli::run(argv, &mut out, &mut err);
    (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}

/// A file `name` holding `content`, in a directory of this test binary's own.
pub fn scratch(name: &str, content: &str) -> String {
    let exe = std::env::current_exe().ok();
    let binary = exe.as_deref().and_then(|p| p.file_stem()).and_then(|s| s.to_str()).unwrap_or("test");
    let dir = std::env::temp_dir().join(format!("stepforge-{binary}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.to_string_lossy().into_owned()
}
