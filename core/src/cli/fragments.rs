//! `stepforge semaphore`, `stepforge map-over-dynamodb` and `stepforge
//! phased-job`: the fragments as plain ASL and JSON, for SAM and Terraform
//! users. Parsing and printing only; the states come from
//! [`crate::fragments`].

use std::io::Write;

use clap::{Args, Subcommand};
use serde_json::Value;

use crate::Problems;
use crate::asl::QueryLanguage;
use crate::builder::StateMachine;
use crate::fragments::semaphore::parse_query_language;
use crate::fragments::{
    DynamoDbListMap, MapConfig, PhasedJob, PolicyStatement, Semaphore, WaitStrategy, cleanup_event_pattern,
    cleanup_iam, job_from_str, merge, policy_document, table_arn_placeholder,
};

/// The fragment subcommands.
#[derive(Subcommand)]
pub enum FragmentCommand {
    /// Print a state machine that runs a job under a DynamoDB semaphore (or its
    /// cleanup machine, IAM policy or cleanup event pattern).
    Semaphore(SemaphoreArgs),
    /// Print seed 004's machine: a Map over a list read from a DynamoDB item, driven by config.json.
    MapOverDynamodb(MapArgs),
    /// Print the state machine compiled from a phased job graph (seed 002's object).
    PhasedJob(PhasedArgs),
}

/// `stepforge semaphore`.
#[derive(Args)]
pub struct SemaphoreArgs {
    /// The lock's name (the lock item's `LockName`).
    #[arg(long)]
    lock_name: String,
    /// How many executions may hold the lock at once.
    #[arg(long, allow_negative_numbers = true)]
    limit: i64,
    /// The lock table (partition key `LockName`, string).
    #[arg(long)]
    table: String,
    /// The job: an ASL JSON file with `StartAt` and `States` (`-` for standard input).
    #[arg(long, required_unless_present_any = ["cleanup", "iam", "event_pattern"])]
    job: Option<String>,
    /// Print the cleanup machine instead.
    #[arg(long, conflicts_with_all = ["iam", "event_pattern"])]
    cleanup: bool,
    /// Print the IAM policy of the semaphore and cleanup machines instead.
    #[arg(long, conflicts_with = "event_pattern")]
    iam: bool,
    /// The table's ARN in the policy (default: the ARN CloudFormation would substitute).
    #[arg(long, requires = "iam")]
    table_arn: Option<String>,
    /// Print the EventBridge event pattern that starts the cleanup machine instead.
    #[arg(long, requires = "state_machine_arn")]
    event_pattern: bool,
    /// The semaphore machine's ARN, for the event pattern.
    #[arg(long)]
    state_machine_arn: Vec<String>,
    /// The machine's TimeoutSeconds (also the lease, unless --lease-seconds).
    #[arg(long)]
    timeout_seconds: Option<u64>,
    /// How long a slot may be held before a waiter reclaims it.
    #[arg(long)]
    lease_seconds: Option<u64>,
    /// Wait a fixed number of seconds between tries instead of a jittered wait.
    #[arg(long, conflicts_with = "max_wait_seconds")]
    wait_seconds: Option<u64>,
    /// The cap of the jittered wait (default 10).
    #[arg(long)]
    max_wait_seconds: Option<u64>,
    /// A Comment on every state saying what it does.
    #[arg(long)]
    comments: bool,
    /// The query language of the semaphore's states and of the machine: `jsonpath`
    /// (the default) or `jsonata` (for a machine whose top-level QueryLanguage is JSONata).
    #[arg(long, value_parser = query_language, default_value = "jsonpath")]
    query_language: QueryLanguage,
}

/// `--query-language`: JSONPath or JSONata, in any letter case.
fn query_language(text: &str) -> Result<QueryLanguage, String> {
    parse_query_language(text).ok_or_else(|| format!("`{text}` is not a query language: jsonpath or jsonata"))
}

/// `stepforge map-over-dynamodb`.
#[derive(Args)]
pub struct MapArgs {
    /// config.json as seed 004's sample writes it.
    #[arg(long)]
    config: String,
    /// The Lambda function (name or ARN) each item is passed to.
    #[arg(long)]
    function: String,
    /// The query language of the states and of the machine: `jsonpath` (the default) or `jsonata`.
    #[arg(long, value_parser = query_language, default_value = "jsonpath")]
    query_language: QueryLanguage,
    /// Print the IAM policy instead.
    #[arg(long)]
    iam: bool,
    /// The table's ARN in the policy (default: the ARN CloudFormation would substitute).
    #[arg(long, requires = "iam")]
    table_arn: Option<String>,
}

/// `stepforge phased-job`.
#[derive(Args)]
pub struct PhasedArgs {
    /// The job graph: a JSON file with `currentPhase` and `phases` (`-` for standard input).
    file: String,
    /// Run a job as a Task with this resource instead of a Lambda function of its name: `JOB=ARN`.
    #[arg(long = "resource", value_name = "JOB=ARN")]
    resources: Vec<String>,
    /// Print the IAM policy instead.
    #[arg(long)]
    iam: bool,
}

/// Runs a fragment subcommand: 0 when it printed, 1 for problems in the input.
pub fn run(command: FragmentCommand, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let result = match command {
        FragmentCommand::Semaphore(args) => semaphore(args),
        FragmentCommand::MapOverDynamodb(args) => map(args),
        FragmentCommand::PhasedJob(args) => phased(args),
    };
    match result? {
        Ok(text) => {
            writeln!(out, "{text}")?;
            Ok(0)
        }
        Err(problems) => {
            for p in problems.iter() {
                writeln!(err, "{p}")?;
            }
            Ok(1)
        }
    }
}

/// Input that could not be read is an I/O error; input that is wrong is `Problems`.
type Outcome = std::io::Result<Result<String, Problems>>;

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn policy(statements: Vec<PolicyStatement>) -> String {
    pretty(&policy_document(&merge(statements)))
}

fn render(machine: Result<StateMachine, Problems>) -> Result<String, Problems> {
    machine.and_then(|m| m.render())
}

fn semaphore(args: SemaphoreArgs) -> Outcome {
    let mut semaphore = Semaphore::new(&args.lock_name, args.limit, &args.table)
        .comments(args.comments)
        .query_language(args.query_language);
    if let Some(t) = args.timeout_seconds {
        semaphore = semaphore.timeout_seconds(t);
    }
    if let Some(l) = args.lease_seconds {
        semaphore = semaphore.lease_seconds(l);
    }
    if let Some(seconds) = args.wait_seconds {
        semaphore = semaphore.wait(WaitStrategy::Fixed { seconds });
    }
    if let Some(max_seconds) = args.max_wait_seconds {
        semaphore = semaphore.wait(WaitStrategy::Jittered { initial_seconds: 1, max_seconds });
    }
    if args.iam {
        let arn = args.table_arn.unwrap_or_else(|| table_arn_placeholder(&args.table));
        let mut statements = semaphore.iam(&arn);
        statements.extend(cleanup_iam(&arn));
        return Ok(Ok(policy(statements)));
    }
    if args.event_pattern {
        return Ok(Ok(pretty(&cleanup_event_pattern(&args.state_machine_arn))));
    }
    // Building the fragment checks every option, also for the cleanup machine.
    let job = match &args.job {
        Some(file) => Some(job_from_str(&super::read(file)?).map_err(|p| in_file(file, p))),
        None => None,
    };
    if args.cleanup {
        let check = match &job {
            Some(Ok(job)) => semaphore.wrap(job).map(|_| ()),
            Some(Err(p)) => Err(p.clone()),
            None => semaphore.wrap(&crate::builder::Pass::new("Job")).map(|_| ()),
        };
        return Ok(check.and_then(|_| {
            let locks = [(args.table.clone(), args.lock_name.clone())];
            render(crate::fragments::cleanup_machine(&locks))
        }));
    }
    Ok(match job {
        Some(Ok(job)) => render(semaphore.state_machine(&job)),
        Some(Err(p)) => Err(p),
        None => Err(Problems::from(crate::Problem::new(crate::Code::MissingField, "/job", "--job is required"))),
    })
}

/// Problems in an input file: the file's name in front of each message.
fn in_file(file: &str, problems: Problems) -> Problems {
    Problems(
        problems.0.into_iter().map(|p| crate::Problem { message: format!("{file}: {}", p.message), ..p }).collect(),
    )
}

fn map(args: MapArgs) -> Outcome {
    let text = super::read(&args.config)?;
    let config = match MapConfig::from_text(&text) {
        Ok(c) => c,
        Err(p) => return Ok(Err(in_file(&args.config, p))),
    };
    let table = config.table_name.clone();
    let map = DynamoDbListMap::new(config, &args.function).query_language(args.query_language);
    if args.iam {
        let arn = args.table_arn.unwrap_or_else(|| table_arn_placeholder(&table));
        return Ok(Ok(policy(map.iam(&arn))));
    }
    Ok(render(map.state_machine()))
}

fn phased(args: PhasedArgs) -> Outcome {
    let text = super::read(&args.file)?;
    let mut graph = match PhasedJob::from_text(&text) {
        Ok(g) => g,
        Err(p) => return Ok(Err(in_file(&args.file, p))),
    };
    for mapping in &args.resources {
        let Some((job, resource)) = mapping.split_once('=') else {
            let message = format!("--resource takes JOB=ARN, not `{mapping}`");
            return Ok(Err(Problems::from(crate::Problem::new(crate::Code::InvalidValue, "/resources", message))));
        };
        graph = graph.resource(job, resource);
    }
    if args.iam {
        return Ok(Ok(policy(graph.iam())));
    }
    Ok(render(graph.state_machine()))
}
