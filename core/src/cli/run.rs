//! `stepforge run DEFINITION`: runs a definition on the local executor and
//! prints the output (exit 0 when every execution succeeded, 1 otherwise with
//! the error and cause on standard error).

use std::io::Write;

use clap::Args;
use serde_json::{Value, json};

use crate::exec::{Status, World};

/// The options of `stepforge run`.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// The ASL JSON definition (`-` for standard input).
    pub definition: String,
    /// The execution input, as JSON text (default `{}`).
    #[arg(long, conflicts_with = "input_file")]
    pub input: Option<String>,
    /// A file holding the execution input.
    #[arg(long)]
    pub input_file: Option<String>,
    /// A JSON Lines file: one execution per line, each line its input.
    #[arg(long, conflicts_with_all = ["input", "input_file", "executions"])]
    pub inputs: Option<String>,
    /// The seed of every random choice (jitter, UUIDs, the order of simultaneous events).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// How many executions to start at once, all with the same input.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub executions: u64,
    /// Tables and initial items for the in-memory DynamoDB (JSON, as `--dump-dynamodb` writes it).
    #[arg(long)]
    pub dynamodb: Option<String>,
    /// Where to write the in-memory DynamoDB's tables and items after the run.
    #[arg(long)]
    pub dump_dynamodb: Option<String>,
    /// A Step Functions Local mock configuration (MockConfigFile.json).
    #[arg(long, requires = "test_case")]
    pub mock: Option<String>,
    /// The test case of the mock configuration: `StateMachine#TestCase`, or
    /// `TestCase` alone when one state machine of the file has it.
    #[arg(long, requires = "mock")]
    pub test_case: Option<String>,
    /// Run in real time, each virtual second taking this many real seconds
    /// (0.01 runs a 3 s Wait in 30 ms); by default virtual time costs nothing.
    #[arg(long)]
    pub time_scale: Option<f64>,
    /// Also print each execution's history (GetExecutionHistory's shape).
    #[arg(long)]
    pub history: bool,
    /// Also print, per state, the most executions inside it at once and when.
    #[arg(long)]
    pub timeline: bool,
}

/// Runs `stepforge run`; the exit code.
pub fn run(args: &RunArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let text = super::read(&args.definition)?;
    let inputs: Vec<Value> = match &args.inputs {
        Some(file) => {
            let mut inputs = Vec::new();
            for (i, line) in super::read(file)?.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                match serde_json::from_str(line) {
                    Ok(v) => inputs.push(v),
                    Err(e) => {
                        writeln!(err, "stepforge: {file}:{}: the input is not JSON: {e}", i + 1)?;
                        return Ok(2);
                    }
                }
            }
            inputs
        }
        None => {
            let input_text = match (&args.input, &args.input_file) {
                (Some(s), _) => s.clone(),
                (None, Some(f)) => super::read(f)?,
                (None, None) => "{}".into(),
            };
            match serde_json::from_str(&input_text) {
                Ok(v) => vec![v; usize::try_from(args.executions).unwrap_or(1)],
                Err(e) => {
                    writeln!(err, "stepforge: the input is not JSON: {e}")?;
                    return Ok(2);
                }
            }
        }
    };
    let mut world = World::new(args.seed);
    if let Some(file) = &args.dynamodb {
        let value: Value = match serde_json::from_str(&super::read(file)?) {
            Ok(v) => v,
            Err(e) => {
                writeln!(err, "stepforge: {file} is not JSON: {e}")?;
                return Ok(2);
            }
        };
        match crate::exec::dynamodb::MemoryDynamoDb::from_json(&value) {
            Ok(db) => *world.dynamodb_mut() = db,
            Err(e) => {
                writeln!(err, "stepforge: {file}: {e}")?;
                return Ok(2);
            }
        }
    }
    let mut name = machine_name(&args.definition);
    let mut mocks = None;
    if let (Some(file), Some(case)) = (&args.mock, &args.test_case) {
        let config: Value = match serde_json::from_str(&super::read(file)?) {
            Ok(v) => v,
            Err(e) => {
                writeln!(err, "stepforge: {file} is not JSON: {e}")?;
                return Ok(2);
            }
        };
        let (machine, case) = match case.split_once('#') {
            Some((m, c)) => (m.to_string(), c.to_string()),
            None => {
                let owner = config["StateMachines"].as_object().and_then(|machines| {
                    machines.iter().find(|(_, m)| m["TestCases"].get(case.as_str()).is_some()).map(|(n, _)| n.clone())
                });
                match owner {
                    Some(m) => (m, case.clone()),
                    None => {
                        writeln!(err, "stepforge: {file}: no state machine has the test case `{case}`")?;
                        return Ok(2);
                    }
                }
            }
        };
        match crate::exec::TestCase::from_config(&config, &machine, &case) {
            Ok(tc) => mocks = Some(tc),
            Err(e) => {
                writeln!(err, "stepforge: {file}: {e}")?;
                return Ok(2);
            }
        }
        name = machine;
    }
    if let Err(e) = world.register_json(&name, &text) {
        writeln!(err, "{e}")?;
        return Ok(1);
    }
    if let Some(tc) = mocks
        && let Err(e) = world.use_mocks(&name, tc)
    {
        writeln!(err, "stepforge: {e}")?;
        return Ok(2);
    }
    let mut arns = Vec::new();
    let many = inputs.len() != 1 || args.inputs.is_some();
    for (i, input) in inputs.into_iter().enumerate() {
        let exec_name = if many { format!("local-{}", i + 1) } else { "local".to_string() };
        match world.start_execution(&name, input, Some(&exec_name)) {
            Ok(arn) => arns.push(arn),
            Err(e) => {
                writeln!(err, "stepforge: {e}")?;
                return Ok(2);
            }
        }
    }
    let idle = match args.time_scale {
        Some(scale) => world.run_realtime(scale),
        None => world.run_until_idle(),
    };
    let mut failed = 0;
    for arn in &arns {
        let Some(e) = world.execution(arn) else { continue };
        if e.status() != Status::Succeeded {
            failed += 1;
            let status =
                if e.status() == Status::Running { "RUNNING (waiting on a task token)" } else { e.status().as_str() };
            writeln!(err, "{}: {status}: {}: {}", e.name(), e.error().unwrap_or(""), e.cause().unwrap_or(""))?;
        }
        if !many {
            if let Some(output) = e.output() {
                writeln!(out, "{}", serde_json::to_string_pretty(output).unwrap_or_default())?;
            }
        } else {
            let mut line = json!({"name": e.name(), "status": e.status().as_str()});
            match e.output() {
                Some(o) => line["output"] = o.clone(),
                None => {
                    line["error"] = e.error().into();
                    line["cause"] = e.cause().into();
                }
            }
            writeln!(out, "{line}")?;
        }
        if args.history {
            writeln!(out, "{}", serde_json::to_string_pretty(&e.history_json()).unwrap_or_default())?;
        }
    }
    if args.timeline {
        writeln!(out, "{}", serde_json::to_string_pretty(&timeline(&world)).unwrap_or_default())?;
    }
    if let Some(file) = &args.dump_dynamodb {
        let dump = serde_json::to_string_pretty(&world.dynamodb().to_json()).unwrap_or_default();
        std::fs::write(file, dump + "\n").map_err(|e| std::io::Error::new(e.kind(), format!("{file}: {e}")))?;
    }
    if idle.running > 0 && failed == 0 {
        failed = idle.running;
    }
    Ok(i32::from(failed > 0))
}

/// The state machine's name: the file name without its extension.
fn machine_name(path: &str) -> String {
    let stem = std::path::Path::new(path).file_stem().and_then(|s| s.to_str()).unwrap_or("local");
    let clean: String = stem.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
    if clean.is_empty() { "local".into() } else { clean }
}

/// Per state (every scope): the most executions inside at once and when, and
/// the virtual time the run took.
fn timeline(world: &World) -> Value {
    let mut names: Vec<String> = world.stays().into_iter().map(|(_, state, _, _)| state).collect();
    names.sort();
    names.dedup();
    let mut states = serde_json::Map::new();
    for name in names {
        let peak = world.peak_occupancy(&[name.as_str()]);
        let at = peak.at_millis.map(crate::exec::history::format_millis);
        states.insert(name, json!({"peak": peak.count, "at": at}));
    }
    let start = world.executions().map(|e| e.start_millis()).min().unwrap_or(world.now_millis());
    json!({"states": states, "virtualSeconds": (world.now_millis() - start) as f64 / 1000.0})
}
