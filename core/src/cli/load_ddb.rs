//! The `load-ddb` command line, as a function: the binary, and the `load-ddb`
//! entry points that `pip install stepforge` and `npm install stepforge` put
//! on the PATH, all call [`run`].

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::dynamo::loader::{self, InputFormat, LoadOptions, Rate, Source, seed};

#[derive(Parser)]
#[command(
    name = "load-ddb",
    version,
    about = "Load items into a DynamoDB table: fast, resumable, and without losing an item",
    after_help = "Examples:\n  load-ddb --table Orders orders.jsonl\n  load-ddb --table Orders --endpoint-url http://127.0.0.1:8000 --reject-file bad.jsonl orders.json\n  load-ddb --config ../config.json --json simplelist.json --profile dev   (the sample's load-ddb.py form)"
)]
struct Args {
    /// Items: a JSON array or JSON Lines file, `-` for standard input.
    file: Option<String>,
    /// The table.
    #[arg(long)]
    table: Option<String>,
    /// A config.json as in the AWS sample's load-ddb.py (ddb.tableName, ddb.partitionKeyName, ddb.partitionKeyValueField).
    #[arg(long, requires = "json")]
    config: Option<PathBuf>,
    /// With --config: the JSON list to store as one item.
    #[arg(long, requires = "config")]
    json: Option<PathBuf>,
    /// A named AWS profile.
    #[arg(long)]
    profile: Option<String>,
    /// The AWS region.
    #[arg(long)]
    region: Option<String>,
    /// A DynamoDB-compatible endpoint (DynamoDB Local, moto).
    #[arg(long)]
    endpoint_url: Option<String>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    concurrency: u32,
    /// A cap on the write rate: items per second (`500`) or write units (`200wcu`).
    #[arg(long)]
    rate: Option<Rate>,
    /// Check every item and count; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Where to write the items that could not be written (JSON Lines, with the reason).
    #[arg(long)]
    reject_file: Option<PathBuf>,
    /// Continue a load that was stopped, from its checkpoint.
    #[arg(long)]
    resume: bool,
    /// Where to keep the checkpoint (default: FILE.load-ddb-checkpoint).
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    /// How items are written.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    input_format: Format,
    /// How to print the summary.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    summary: SummaryFormat,
    /// No progress bar.
    #[arg(long)]
    no_progress: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// DynamoDB JSON when an item looks like it, plain JSON otherwise.
    Auto,
    /// Plain JSON.
    Plain,
    /// DynamoDB JSON (`{"id": {"S": "1"}}`).
    Dynamodb,
}

#[derive(Clone, Copy, ValueEnum)]
enum SummaryFormat {
    /// A line for people.
    Text,
    /// A JSON object.
    Json,
}

/// Runs `load-ddb` with `args` (the program name first); returns the exit
/// code: 0 when every item was written, 1 when some were not, 2 for a usage
/// error or a load that could not run.
pub fn run(args: Vec<String>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let args = match Args::try_parse_from(args) {
        Ok(a) => a,
        Err(e) => {
            let text = e.render().to_string();
            return if e.use_stderr() {
                let _ = err.write_all(text.as_bytes());
                2
            } else {
                let _ = out.write_all(text.as_bytes());
                0
            };
        }
    };
    let (source, table) = match (&args.config, &args.json, &args.file) {
        (Some(config), Some(list), None) => {
            let item =
                seed::read_config(config).and_then(|c| seed::list_item(&c, list).map(|item| (item, c.table_name)));
            match item {
                Ok((item, table)) => (Source::Values(vec![item]), args.table.clone().unwrap_or(table)),
                Err(e) => return usage(err, &e),
            }
        }
        (None, None, Some(file)) => {
            let Some(table) = args.table.clone() else {
                return usage(err, "give --table NAME (or --config and --json)");
            };
            let source = if file == "-" { Source::Stdin } else { Source::Path(PathBuf::from(file)) };
            (source, table)
        }
        (Some(_), _, Some(_)) => return usage(err, "give either FILE or --config with --json, not both"),
        _ => return usage(err, "give a FILE of items (or --config and --json)"),
    };
    let mut options = LoadOptions::new(table);
    options.region = args.region;
    options.endpoint_url = args.endpoint_url;
    options.profile = args.profile;
    options.concurrency = args.concurrency as usize;
    options.rate = args.rate;
    options.dry_run = args.dry_run;
    options.reject_file = args.reject_file;
    options.checkpoint = args.checkpoint;
    options.resume = args.resume;
    options.format = match args.input_format {
        Format::Auto => InputFormat::Auto,
        Format::Plain => InputFormat::Plain,
        Format::Dynamodb => InputFormat::DynamoDb,
    };
    options.progress = !args.no_progress && std::env::var_os("CI").is_none();
    options.handle_ctrl_c = true;
    let print = |out: &mut dyn Write, summary: &loader::Summary| match args.summary {
        SummaryFormat::Json => writeln!(out, "{}", summary.to_json()),
        SummaryFormat::Text => writeln!(out, "{summary}"),
    };
    match loader::load_blocking(source, &options) {
        Ok(summary) => {
            let _ = print(out, &summary);
            i32::from(!summary.succeeded())
        }
        Err(e) => {
            let _ = writeln!(err, "load-ddb: {}", e.message);
            if let Some(summary) = &e.summary {
                let _ = print(out, summary);
            }
            2
        }
    }
}

fn usage(err: &mut dyn Write, message: &str) -> i32 {
    let _ = writeln!(err, "load-ddb: {message}\nRun `load-ddb --help` for the options.");
    2
}
