//! The `stepforge` command line, as a function: the binary, `python -m
//! stepforge` and `npx stepforge` all call [`run`].

use std::io::{Read, Write};

use clap::{Parser, Subcommand, ValueEnum};

pub mod diagram;
pub mod explore;
pub mod fragments;
#[cfg(feature = "loader")]
pub mod load_ddb;
pub mod run;
pub mod test_state;

#[derive(Parser)]
#[command(name = "stepforge", version, about = "Check and format AWS Step Functions state machine definitions")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate definitions: exit 0 when all are valid, 1 when not.
    Validate {
        /// ASL JSON files (`-` for standard input).
        #[arg(required = true)]
        files: Vec<String>,
        /// How to print problems.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run a definition on the local executor (virtual clock, in-memory DynamoDB):
    /// print the output; exit 0 on SUCCEEDED, 1 otherwise.
    Run(run::RunArgs),
    /// Print a Mermaid (or dot) diagram of a definition; with `--input`, highlight the path one run takes.
    Diagram(diagram::DiagramArgs),
    /// Explore many executions of a semaphore in random or every order, with
    /// faults, checking its invariants: exit 0 when they hold, 1 with a counterexample.
    Explore(explore::ExploreArgs),
    /// Run one state once, locally, as Step Functions' TestState API does; print the response.
    TestState(test_state::TestStateArgs),
    /// Print a definition in canonical form (stable key order, two-space indent).
    Fmt {
        /// An ASL JSON file (`-` for standard input).
        file: String,
    },
    #[command(flatten)]
    Fragments(fragments::FragmentCommand),
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One line per problem: `CODE POINTER: message`.
    Text,
    /// A JSON array of `{"code", "pointer", "message"}` objects.
    Json,
}

/// Runs the CLI with `args` (the program name first) and returns the exit code.
pub fn run(args: Vec<String>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let text = e.render().to_string();
            let _ = if e.use_stderr() { err.write_all(text.as_bytes()) } else { out.write_all(text.as_bytes()) };
            return code;
        }
    };
    let result = match cli.command {
        Command::Validate { files, format } => validate(&files, format, out, err),
        Command::Fmt { file } => fmt(&file, out, err),
        Command::Fragments(command) => fragments::run(command, out, err),
        Command::Run(args) => run::run(&args, out, err),
        Command::Diagram(args) => diagram::run(&args, out, err),
        Command::TestState(args) => test_state::run(&args, out, err),
        Command::Explore(args) => explore::run(&args, out, err),
    };
    result.unwrap_or_else(|e| {
        // The reader went away (`stepforge … | head -1`): stop quietly, as a
        // command killed by SIGPIPE would (Rust ignores the signal).
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return 141;
        }
        let _ = writeln!(err, "stepforge: {e}");
        2
    })
}

fn read(file: &str) -> std::io::Result<String> {
    if file == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).map_err(|e| std::io::Error::new(e.kind(), format!("{file}: {e}")))
    }
}

fn validate(files: &[String], format: Format, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let many = files.len() > 1;
    let mut json = Vec::new();
    let mut failed = 0usize;
    for file in files {
        let problems = crate::validate::validate_str(&read(file)?);
        if !problems.is_empty() {
            failed += 1;
        }
        for p in &problems {
            match format {
                Format::Text if many => writeln!(out, "{file}: {}", p)?,
                Format::Text => writeln!(out, "{}", p)?,
                Format::Json => {
                    let mut v = p.to_json();
                    if many {
                        v["file"] = file.clone().into();
                    }
                    json.push(v);
                }
            }
        }
    }
    if let Format::Json = format {
        writeln!(out, "{}", serde_json::to_string_pretty(&json).unwrap_or_default())?;
    }
    if failed > 0 && many {
        writeln!(err, "{failed} of {} definitions have problems", files.len())?;
    }
    Ok(i32::from(failed > 0))
}

fn fmt(file: &str, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    match crate::validate::parse_valid(&read(file)?) {
        Ok(def) => {
            writeln!(out, "{}", crate::asl::render(&def))?;
            Ok(0)
        }
        Err(problems) => {
            for p in problems.iter() {
                writeln!(err, "{}", p)?;
            }
            Ok(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that has gone away: every write fails as a closed pipe does.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_stops_quietly() {
        let dir = std::env::temp_dir().join(format!("stepforge-pipe-{}", std::process::id()));
        std::fs::write(&dir, r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#).unwrap();
        let mut err = Vec::new();
        let args = ["stepforge", "validate", dir.to_str().unwrap()].map(String::from).to_vec();
        let code = run(args, &mut ClosedPipe, &mut err);
        std::fs::remove_file(&dir).ok();
        assert_eq!(code, 141);
        assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
    }
}
