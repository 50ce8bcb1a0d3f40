//! `stepforge diagram DEFINITION`: prints a Mermaid flowchart (or Graphviz
//! dot) of a definition; with `--input`, runs it once on the local executor
//! and highlights the states the execution entered.

use std::collections::HashSet;
use std::io::Write;

use clap::{Args, ValueEnum};
use serde_json::Value;

use crate::diagram::{self, Format};
use crate::exec::World;

/// The options of `stepforge diagram`.
#[derive(Args, Debug, Clone)]
pub struct DiagramArgs {
    /// The ASL JSON definition (`-` for standard input).
    pub definition: String,
    /// The diagram language.
    #[arg(long, value_enum, default_value_t = DiagramFormat::Mermaid)]
    pub format: DiagramFormat,
    /// Run the definition once with this input (JSON text) and highlight the path taken.
    #[arg(long)]
    pub input: Option<String>,
    /// The seed of the run's random choices (with `--input`).
    #[arg(long, default_value_t = 0, requires = "input")]
    pub seed: u64,
}

/// `--format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiagramFormat {
    /// A Mermaid `flowchart TD`.
    Mermaid,
    /// A Graphviz digraph.
    Dot,
}

/// Runs `stepforge diagram`; the exit code (2 when the definition cannot be
/// read or the input is not JSON).
pub fn run(args: &DiagramArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let text = super::read(&args.definition)?;
    let def = match crate::asl::parse_str(&text) {
        Ok(def) => def,
        Err(problems) => {
            for p in problems.iter() {
                writeln!(err, "{}: {p}", args.definition)?;
            }
            return Ok(2);
        }
    };
    let mut entered = HashSet::new();
    if let Some(input) = &args.input {
        let input: Value = match serde_json::from_str(input) {
            Ok(v) => v,
            Err(e) => {
                writeln!(err, "stepforge: the input is not JSON: {e}")?;
                return Ok(2);
            }
        };
        let mut world = World::new(args.seed);
        let run = world
            .register("diagram", def.clone())
            .and_then(|_| world.start_execution("diagram", input, Some("diagram")));
        let arn = match run {
            Ok(arn) => arn,
            Err(e) => {
                writeln!(err, "stepforge: {e}")?;
                return Ok(2);
            }
        };
        world.run_until_idle();
        if let Some(e) = world.execution(&arn) {
            entered = diagram::entered_states(e.history());
            writeln!(err, "execution: {}", e.status().as_str())?;
        }
    }
    let format = match args.format {
        DiagramFormat::Mermaid => Format::Mermaid,
        DiagramFormat::Dot => Format::Dot,
    };
    write!(out, "{}", diagram::render(&def, format, &entered))?;
    Ok(0)
}
