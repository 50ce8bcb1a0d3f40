//! The DynamoDB batch loader behind `load-ddb`.
//!
//! Items stream from the input ([`input`]), are marshalled and checked (key
//! attributes present with the table's types, at most 400 KB), and go out in
//! `BatchWriteItem` requests of at most 25 items, several at once
//! ([`write`]). Every item ends written or in the reject file; a
//! [`checkpoint`] records which, so a stopped load resumes where it was.
//!
//! Duplicate keys: two items with the same key are never in one request
//! (DynamoDB refuses that), and a later one is only sent once the earlier one
//! has been written, so the table ends with the last one — as if the items
//! had been put one by one, in input order.

mod checkpoint;
pub mod input;
pub mod options;
pub mod pacing;
mod reject;
pub mod sdk;
pub mod seed;
mod write;

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{KeyType, ScalarAttributeType};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::attr::{self, AttributeValue, Item};
use super::load_surface::{RETRY_FIELDS, SUMMARY_FIELDS, SummaryField};
use checkpoint::{Checkpoint, InputId};
use input::Entry;
pub use input::{Position, Source};
pub use options::{OptionError, OptionValue};
pub use pacing::{Backoff, Rate, RateUnit};
use reject::RejectFile;
pub use write::RetryPolicy;
use write::{Outcome, Pending};

/// DynamoDB's largest item.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;
/// DynamoDB's largest `BatchWriteItem`.
pub const MAX_BATCH_ITEMS: usize = 25;
const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;

/// How items are written in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// DynamoDB JSON when every attribute looks like `{"S": …}`, plain JSON otherwise.
    #[default]
    Auto,
    /// Plain JSON: strings, numbers, booleans, null, arrays, objects.
    Plain,
    /// DynamoDB JSON (`{"id": {"S": "1"}}`), as the AWS CLI prints it.
    DynamoDb,
}

/// Everything a load can be told.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The table.
    pub table: String,
    /// AWS region (else the standard chain: environment, profile).
    pub region: Option<String>,
    /// A DynamoDB-compatible endpoint (DynamoDB Local, moto).
    pub endpoint_url: Option<String>,
    /// A named profile from the AWS config files.
    pub profile: Option<String>,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// A cap on the write rate.
    pub rate: Option<Rate>,
    /// Check and count only; write nothing.
    pub dry_run: bool,
    /// Where to write the items that could not be written.
    pub reject_file: Option<PathBuf>,
    /// Where to keep the checkpoint (default: beside the input file).
    pub checkpoint: Option<PathBuf>,
    /// Continue from the checkpoint of an earlier, stopped load.
    pub resume: bool,
    /// How items are written.
    pub format: InputFormat,
    /// Retries.
    pub retry: RetryPolicy,
    /// A progress bar on the terminal.
    pub progress: bool,
    /// Stop cleanly (checkpoint saved) on Ctrl-C. Only for programs that own
    /// the process: tokio keeps its SIGINT handler installed afterwards.
    pub handle_ctrl_c: bool,
    /// Stop cleanly (as on Ctrl-C) once this flag is set: how a host
    /// language cancels a load running on another thread.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Leave out JavaScript's `undefined` in items given in memory (the
    /// binding converts them; the loader itself never sees one).
    pub skip_undefined: bool,
}

impl LoadOptions {
    /// Defaults for `table`.
    pub fn new(table: impl Into<String>) -> LoadOptions {
        LoadOptions {
            table: table.into(),
            region: None,
            endpoint_url: None,
            profile: None,
            concurrency: 8,
            rate: None,
            dry_run: false,
            reject_file: None,
            checkpoint: None,
            resume: false,
            format: InputFormat::Auto,
            retry: RetryPolicy { backoff: Backoff::default(), throttle_attempts: 30, error_attempts: 8 },
            progress: false,
            handle_ctrl_c: false,
            cancel: None,
            skip_undefined: false,
        }
    }
}

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Items read from the input in this run (not counting `skipped`).
    pub read: u64,
    /// Items written.
    pub written: u64,
    /// Items that could not be written (in the reject file), this run.
    pub rejected: u64,
    /// Items rejected by an earlier run that this one resumed.
    pub rejected_before: u64,
    /// Items that shared a key with an earlier item (the later one wins).
    pub duplicates: u64,
    /// Items done by an earlier run and skipped on resume.
    pub skipped: u64,
    /// `BatchWriteItem` requests sent.
    pub requests: u64,
    /// Items resent after DynamoDB returned them unprocessed.
    pub unprocessed_retries: u64,
    /// Requests retried after throttling.
    pub throttled_retries: u64,
    /// Requests retried after other errors.
    pub error_retries: u64,
    /// Wall time.
    pub seconds: f64,
    /// Nothing was written (`--dry-run`).
    pub dry_run: bool,
    /// Stopped by Ctrl-C before the end.
    pub interrupted: bool,
    /// The reject file, if any items went there.
    pub reject_file: Option<String>,
    /// The checkpoint to resume from, if the load did not finish.
    pub checkpoint: Option<String>,
}

impl Summary {
    /// Whether every item of the input is in the table (or would be, in a dry run).
    pub fn succeeded(&self) -> bool {
        !self.interrupted && self.rejected == 0 && self.rejected_before == 0
    }

    /// Items per second over the run.
    pub fn items_per_second(&self) -> f64 {
        let n = if self.dry_run { self.read } else { self.written };
        if self.seconds > 0.0 { n as f64 / self.seconds } else { 0.0 }
    }

    /// The summary as JSON: the fields of `load_surface::SUMMARY_FIELDS`, in its order.
    pub fn to_json(&self) -> Value {
        let fields = |fields: &[SummaryField]| {
            Value::Object(fields.iter().map(|f| (f.name.to_string(), self.field(f.name))).collect())
        };
        fields(SUMMARY_FIELDS)
    }

    /// The value of the field `name` of [`SUMMARY_FIELDS`] or [`RETRY_FIELDS`].
    fn field(&self, name: &str) -> Value {
        match name {
            "read" => json!(self.read),
            "written" => json!(self.written),
            "rejected" => json!(self.rejected),
            "rejected_before" => json!(self.rejected_before),
            "duplicates" => json!(self.duplicates),
            "skipped" => json!(self.skipped),
            "requests" => json!(self.requests),
            "retried" => Value::Object(RETRY_FIELDS.iter().map(|f| (f.name.to_string(), self.field(f.name))).collect()),
            "unprocessed_items" => json!(self.unprocessed_retries),
            "throttled_requests" => json!(self.throttled_retries),
            "failed_requests" => json!(self.error_retries),
            "seconds" => json!((self.seconds * 1000.0).round() / 1000.0),
            "items_per_second" => json!(self.items_per_second().round()),
            "dry_run" => json!(self.dry_run),
            "interrupted" => json!(self.interrupted),
            "succeeded" => json!(self.succeeded()),
            "reject_file" => json!(self.reject_file),
            "checkpoint" => json!(self.checkpoint),
            _ => Value::Null,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = if self.dry_run { "checked" } else { "written" };
        let done = if self.dry_run { self.read - self.rejected } else { self.written };
        write!(f, "{} read, {done} {verb}, {} rejected", self.read, self.rejected)?;
        if self.duplicates > 0 {
            write!(f, ", {} duplicate keys (last one kept)", self.duplicates)?;
        }
        if self.skipped > 0 {
            write!(f, ", {} skipped (done before)", self.skipped)?;
        }
        let retried = self.unprocessed_retries + self.throttled_retries + self.error_retries;
        write!(
            f,
            "; {} requests, {retried} retried; {:.2} s, {:.0} items/s",
            self.requests,
            self.seconds,
            self.items_per_second()
        )?;
        if let Some(r) = &self.reject_file {
            write!(f, "\nrejected items are in {r}")?;
        }
        if self.interrupted {
            write!(f, "\ninterrupted: run again with --resume to continue")?;
        }
        Ok(())
    }
}

/// A load that could not go on at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct LoadError {
    /// What went wrong.
    pub message: String,
    /// What was done before it did, if anything.
    pub summary: Option<Box<Summary>>,
}

impl LoadError {
    fn new(message: impl Into<String>) -> LoadError {
        LoadError { message: message.into(), summary: None }
    }
}

/// Runs a load on a runtime of its own (for callers without one: the CLI,
/// Python, Node).
pub fn load_blocking(source: Source, options: &LoadOptions) -> Result<Summary, LoadError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| LoadError::new(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(load(source, options))
}

/// A DynamoDB client from the standard AWS configuration chain and the options.
pub async fn client(options: &LoadOptions) -> Result<Client, LoadError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        // The loader retries with its own policy and counts what it retries.
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(60))
                .build(),
        );
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &options.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(endpoint) = &options.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    let mut config = loader.load().await;
    if config.region().is_none() {
        if options.endpoint_url.is_none() {
            return Err(LoadError::new("no AWS region: give --region, or set AWS_REGION or a region in your profile"));
        }
        // A local endpoint does not care which region is named.
        config = config.into_builder().region(aws_config::Region::new("us-east-1")).build();
    }
    Ok(Client::new(&config))
}

/// The table's key attributes and their types, from `DescribeTable`.
async fn key_schema(client: &Client, table: &str) -> Result<Vec<(String, ScalarAttributeType)>, LoadError> {
    let described = client.describe_table().table_name(table).send().await.map_err(|e| {
        LoadError::new(format!("cannot describe table {table}: {}", aws_sdk_dynamodb::error::DisplayErrorContext(&e)))
    })?;
    let t = described.table().ok_or_else(|| LoadError::new(format!("DescribeTable returned nothing for {table}")))?;
    let types: HashMap<&str, &ScalarAttributeType> =
        t.attribute_definitions().iter().map(|d| (d.attribute_name(), d.attribute_type())).collect();
    let mut keys: Vec<(KeyType, String, ScalarAttributeType)> = t
        .key_schema()
        .iter()
        .map(|k| {
            let ty = types.get(k.attribute_name()).map(|t| (*t).clone()).unwrap_or(ScalarAttributeType::S);
            (k.key_type().clone(), k.attribute_name().to_string(), ty)
        })
        .collect();
    keys.sort_by_key(|(kind, ..)| if *kind == KeyType::Hash { 0 } else { 1 });
    Ok(keys.into_iter().map(|(_, name, ty)| (name, ty)).collect())
}

/// Checks that an item has the table's key attributes, of the right types.
fn check_key(item: &Item, keys: &[(String, ScalarAttributeType)]) -> Result<(), String> {
    for (name, ty) in keys {
        let want = ty.as_str();
        match item.get(name) {
            None => return Err(format!("the item has no `{name}`, a key attribute of the table")),
            Some(v) if v.type_name() != want => {
                return Err(format!("key attribute `{name}` must be of type {want}, not {}", v.type_name()));
            }
            Some(AttributeValue::S(s)) if s.is_empty() => {
                return Err(format!("key attribute `{name}` cannot be empty"));
            }
            Some(AttributeValue::B(b)) if b.is_empty() => {
                return Err(format!("key attribute `{name}` cannot be empty"));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Turns one input entry into an item: JSON by the input format; an item
/// from a host binding is one already (borrowed: the entry is kept for the
/// reject file).
fn marshal(entry: &Entry, format: InputFormat) -> Result<Cow<'_, Item>, String> {
    let value = match entry {
        Entry::Json(value) => value,
        Entry::Item(item) => return Ok(Cow::Borrowed(item)),
    };
    let typed = match format {
        InputFormat::DynamoDb => true,
        InputFormat::Plain => false,
        InputFormat::Auto => attr::looks_like_dynamodb_json(value),
    };
    let item = if typed { attr::item_from_dynamodb_json(value) } else { attr::marshall_item(value) };
    item.map(Cow::Owned).map_err(|e| e.to_string())
}

/// The in-memory state of a running load.
struct Run {
    options: LoadOptions,
    keys: Vec<(String, ScalarAttributeType)>,
    key_names: Vec<String>,
    checkpoint: Checkpoint,
    rejects: Option<RejectFile>,
    summary: Summary,
    /// Items being assembled into the next batch.
    current: Vec<Pending>,
    current_bytes: usize,
    /// Batches ready to send.
    ready: VecDeque<Vec<Pending>>,
    /// Keys in `current`, `ready` or in flight, each with the later items
    /// that share it, waiting their turn.
    busy: HashMap<String, VecDeque<Pending>>,
    /// The input value and position of every item not yet done, for the reject file.
    sources: HashMap<u64, (Position, Entry)>,
    /// Rejections printed on stderr when there is no reject file.
    printed: u64,
    progress: Option<indicatif::ProgressBar>,
}

impl Run {
    fn reject(
        &mut self,
        seq: u64,
        position: Position,
        reason: &str,
        item: Option<&Entry>,
        raw: Option<&str>,
    ) -> Result<(), LoadError> {
        self.summary.rejected += 1;
        match &mut self.rejects {
            Some(file) => {
                file.write(seq, position, reason, item.map(Entry::to_json).as_ref(), raw).map_err(LoadError::new)?
            }
            None if self.printed < 20 => {
                self.printed += 1;
                let at = match position {
                    Position::Index(i) => format!("item {i}"),
                    Position::Line(l) => format!("line {l}"),
                };
                eprintln!("load-ddb: rejected {at}: {reason}");
            }
            None => {}
        }
        self.checkpoint.mark_rejected(seq);
        Ok(())
    }

    /// Takes in one record from the input.
    fn accept(&mut self, record: input::Record) -> Result<(), LoadError> {
        let input::Record { seq, position, body } = record;
        if self.checkpoint.is_done(seq) {
            self.summary.skipped += 1;
            return Ok(());
        }
        self.summary.read += 1;
        let value = match body {
            Ok(v) => v,
            Err((reason, raw)) => return self.reject(seq, position, &reason, None, Some(&raw)),
        };
        let item = match marshal(&value, self.options.format).and_then(|item| {
            check_key(&item, &self.keys)?;
            let size = attr::item_size(&item);
            if size > MAX_ITEM_BYTES {
                return Err(format!("the item is {size} bytes; DynamoDB's limit is {MAX_ITEM_BYTES} (400 KB)"));
            }
            Ok(item)
        }) {
            Ok(item) => item,
            Err(reason) => return self.reject(seq, position, &reason, Some(&value), None),
        };
        if self.options.dry_run {
            return Ok(());
        }
        let sdk_item = sdk::to_sdk_item(&item);
        let size = attr::item_size(&item);
        drop(item);
        let key = sdk::key_string(&sdk_item, &self.key_names);
        self.sources.insert(seq, (position, value));
        let pending = Pending { seq, item: sdk_item, key: key.clone() };
        match self.busy.get_mut(&key) {
            Some(waiting) => {
                self.summary.duplicates += 1;
                waiting.push_back(pending);
            }
            None => {
                self.busy.insert(key, VecDeque::new());
                self.add(pending, size);
            }
        }
        Ok(())
    }

    /// Adds an item to the batch being assembled.
    fn add(&mut self, pending: Pending, size: usize) {
        if self.current_bytes + size > MAX_BATCH_BYTES {
            self.flush();
        }
        self.current.push(pending);
        self.current_bytes += size;
        if self.current.len() == MAX_BATCH_ITEMS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            self.ready.push_back(std::mem::take(&mut self.current));
            self.current_bytes = 0;
        }
    }

    /// Takes in a finished batch: records what was done, frees its keys and
    /// lets the next item with each key go.
    fn finish(&mut self, keys: Vec<String>, outcome: Outcome) -> Result<(), LoadError> {
        self.summary.requests += outcome.requests;
        self.summary.unprocessed_retries += outcome.unprocessed_retries;
        self.summary.throttled_retries += outcome.throttled_retries;
        self.summary.error_retries += outcome.error_retries;
        for seq in &outcome.written {
            self.summary.written += 1;
            self.sources.remove(seq);
            self.checkpoint.mark(*seq);
        }
        for (seq, reason) in &outcome.rejected {
            let (position, value) =
                self.sources.remove(seq).unwrap_or((Position::Index(*seq), Entry::Json(Value::Null)));
            self.reject(*seq, position, reason, Some(&value), None)?;
        }
        for key in keys {
            let next = self.busy.get_mut(&key).and_then(VecDeque::pop_front);
            match next {
                Some(pending) => {
                    let size = sdk_size(&pending);
                    self.add(pending, size);
                }
                None => {
                    self.busy.remove(&key);
                }
            }
        }
        if let Some(bar) = &self.progress {
            bar.set_message(format!("{} written, {} rejected", self.summary.written, self.summary.rejected));
            bar.set_position(self.summary.written + self.summary.rejected);
        }
        // Saved after every batch: a process killed now resends at most the
        // batches that were in flight (a checkpoint that lagged would resend more).
        self.checkpoint.save().map_err(LoadError::new)
    }
}

/// An estimate of an item's size from its SDK form (only for batch bytes).
fn sdk_size(p: &Pending) -> usize {
    p.item.iter().map(|(k, v)| k.len() + sdk::from_sdk(v).map_or(0, |a| a.size())).sum()
}

/// Loads `source` into the table.
pub async fn load(source: Source, options: &LoadOptions) -> Result<Summary, LoadError> {
    let started = Instant::now();
    let client = client(options).await?;
    let keys = key_schema(&client, &options.table).await?;
    let id = InputId {
        name: source.to_string(),
        bytes: match &source {
            Source::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            _ => None,
        },
        table: options.table.clone(),
    };
    let checkpoint_path = options.checkpoint.clone().or_else(|| match &source {
        Source::Path(p) if !options.dry_run => {
            let mut name = p.file_name().unwrap_or_default().to_os_string();
            name.push(".load-ddb-checkpoint");
            Some(p.with_file_name(name))
        }
        _ => None,
    });
    let checkpoint = match (&checkpoint_path, options.resume) {
        (Some(path), true) if path.exists() => Checkpoint::resume(id, path.clone()).map_err(LoadError::new)?,
        (Some(path), false) if path.exists() && !options.dry_run => {
            return Err(LoadError::new(format!(
                "{} holds the checkpoint of an earlier load that did not finish: add --resume to continue it, or delete the file to start over",
                path.display()
            )));
        }
        (None, true) => {
            return Err(LoadError::new("--resume needs a checkpoint: load from a file, or give --checkpoint"));
        }
        (path, _) => Checkpoint::new(id, if options.dry_run { None } else { path.clone() }),
    };
    let rejects = match &options.reject_file {
        Some(p) => Some(RejectFile::open(p.clone(), options.resume).map_err(LoadError::new)?),
        None => None,
    };
    let progress = (options.progress && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg} ({per_sec})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let key_names = keys.iter().map(|(n, _)| n.clone()).collect();
    let rejected_before = checkpoint.rejected_count();
    let mut run = Run {
        options: options.clone(),
        keys,
        key_names,
        checkpoint,
        rejects,
        summary: Summary { dry_run: options.dry_run, rejected_before, ..Summary::default() },
        current: Vec::new(),
        current_bytes: 0,
        ready: VecDeque::new(),
        busy: HashMap::new(),
        sources: HashMap::new(),
        printed: 0,
        progress,
    };
    let result = drive(&client, &mut run, source).await;
    if let Some(bar) = &run.progress {
        bar.finish_and_clear();
    }
    run.summary.seconds = started.elapsed().as_secs_f64();
    let finished = result.is_ok() && !run.summary.interrupted;
    if finished {
        run.checkpoint.remove().map_err(LoadError::new)?;
    } else {
        run.checkpoint.save().map_err(LoadError::new)?;
        run.summary.checkpoint = run.checkpoint.path().map(|p| p.display().to_string());
    }
    if run.summary.rejected > 0 || run.summary.rejected_before > 0 {
        run.summary.reject_file = options.reject_file.as_ref().map(|p| p.display().to_string());
    }
    match result {
        Ok(()) => Ok(run.summary),
        Err(mut e) => {
            e.summary = Some(Box::new(run.summary));
            Err(e)
        }
    }
}

/// The main loop: read, batch, send, take in results, until everything is
/// done, a fatal error, or Ctrl-C.
async fn drive(client: &Client, run: &mut Run, source: Source) -> Result<(), LoadError> {
    let concurrency = run.options.concurrency.max(1);
    let (tx, mut rx) = mpsc::channel::<input::Record>(4096);
    let reader = input::spawn(source, tx);
    let mut in_flight: JoinSet<(Vec<String>, Outcome)> = JoinSet::new();
    let mut limiter = run.options.rate.map(|r| (pacing::Limiter::new(r.per_second), r.unit));
    let mut input_open = true;
    let handle_ctrl_c = run.options.handle_ctrl_c;
    let cancel = run.options.cancel.clone();
    // Resolves on Ctrl-C (when the loader owns the process) or when the
    // caller's cancel flag is set (polled: the flag has no waker).
    let ctrl_c = async move {
        let cancelled = async {
            match cancel {
                Some(flag) => {
                    while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
                None => std::future::pending::<()>().await,
            }
        };
        let signal = async {
            if handle_ctrl_c {
                let _ = tokio::signal::ctrl_c().await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            _ = cancelled => {}
            _ = signal => {}
        }
    };
    tokio::pin!(ctrl_c);
    let mut fatal: Option<String> = None;
    loop {
        // Take in what the reader has ready, without waiting, while there is room.
        while input_open && run.ready.len() < concurrency * 2 {
            match rx.try_recv() {
                Ok(record) => run.accept(record)?,
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    input_open = false;
                }
            }
        }
        // Send a partial batch when nothing else would go out now.
        if run.ready.is_empty() && (!input_open || in_flight.len() < concurrency) && rx.is_empty() {
            run.flush();
        }
        while in_flight.len() < concurrency && fatal.is_none() && !run.summary.interrupted {
            let Some(batch) = run.ready.pop_front() else { break };
            if let Some((limiter, unit)) = &mut limiter {
                let cost = match unit {
                    RateUnit::Items => batch.len() as f64,
                    RateUnit::WriteUnits => batch.iter().map(|p| sdk_size(p).div_ceil(1024).max(1) as f64).sum(),
                };
                limiter.acquire(cost).await;
            }
            let keys: Vec<String> = batch.iter().map(|p| p.key.clone()).collect();
            let (client, table, key_names, policy) =
                (client.clone(), run.options.table.clone(), run.key_names.clone(), run.options.retry);
            in_flight
                .spawn(async move { (keys, write::write_batch(&client, &table, &key_names, batch, policy).await) });
        }
        let stopping = fatal.is_some() || run.summary.interrupted;
        let all_sent = !input_open && run.current.is_empty() && run.ready.is_empty();
        if in_flight.is_empty() && (stopping || all_sent) {
            break;
        }
        tokio::select! {
            biased;
            _ = &mut ctrl_c, if !run.summary.interrupted => {
                run.summary.interrupted = true;
                input_open = false;
                rx.close();
            }
            done = in_flight.join_next(), if !in_flight.is_empty() => {
                match done {
                    Some(Ok((keys, outcome))) => {
                        if let Some(f) = &outcome.fatal {
                            fatal.get_or_insert_with(|| f.clone());
                            input_open = false;
                            rx.close();
                        }
                        run.finish(keys, outcome)?;
                    }
                    Some(Err(e)) => return Err(LoadError::new(format!("a write task failed: {e}"))),
                    None => {}
                }
            }
            record = rx.recv(), if input_open && run.ready.len() < concurrency * 2 => {
                match record {
                    Some(record) => run.accept(record)?,
                    None => input_open = false,
                }
            }
        }
    }
    drop(rx);
    let read_result = reader.await.map_err(|e| LoadError::new(format!("the input reader failed: {e}")))?;
    if let Some(message) = fatal {
        return Err(LoadError::new(message));
    }
    if run.summary.interrupted {
        return Ok(());
    }
    read_result.map(|_| ()).map_err(LoadError::new)
}
