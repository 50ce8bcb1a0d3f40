//! One struct per state type, with exactly the fields ASL allows for it.
//!
//! JSONPath-only fields (`InputPath`, `Parameters`, `ResultSelector`,
//! `ResultPath`, `OutputPath`, `*Path` forms) and JSONata-only fields
//! (`Arguments`, `Output`, `Items`) sit side by side; the parser fills only
//! those of the state's query language.

use serde_json::{Number, Value};

use super::jsonata::{Jsonata, JsonataTemplate};
use super::path::{Path, ReferencePath};
use super::retry::{Catcher, Retrier};
use super::template::{Expr, TemplateValue};
use super::{ChoiceRule, Graph, QueryLanguage, Transition};

/// A path field that may also be `null` (`"InputPath": null` discards the input).
#[derive(Debug, Clone, PartialEq)]
pub enum PathOrNull<P> {
    /// A path.
    Path(P),
    /// JSON `null`.
    Null,
}

/// A value given literally, through a reference path (the `…Path` form of the
/// field), or as a JSONata expression (`"{% … %}"` in the plain field).
#[derive(Debug, Clone, PartialEq)]
pub enum Dynamic<T> {
    /// The literal value.
    Value(T),
    /// `…Path`: read from the state input (JSONPath only).
    Path(ReferencePath),
    /// `"{% … %}"` (JSONata only).
    Jsonata(Jsonata),
}

/// A payload in the state's query language: a JSONPath payload template
/// (`.$` keys) or a JSON value with JSONata expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// JSONPath payload template.
    Template(TemplateValue),
    /// JSONata template.
    Jsonata(JsonataTemplate),
}

/// An RFC 3339 timestamp as Step Functions accepts it, e.g. `2026-03-14T01:59:00Z`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp(pub(crate) String);

impl Timestamp {
    /// Checks the text and wraps it.
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        super::timestamp::check(text).map(|()| Timestamp(text.to_string()))
    }

    /// The timestamp text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A `Pass` state.
#[derive(Debug, Clone, PartialEq)]
pub struct Pass {
    /// `Comment`.
    pub comment: Option<String>,
    /// `QueryLanguage`.
    pub query_language: Option<QueryLanguage>,
    /// `InputPath`.
    pub input_path: Option<PathOrNull<Path>>,
    /// `Parameters`.
    pub parameters: Option<TemplateValue>,
    /// `Result`: the state's result, any JSON.
    pub result: Option<Value>,
    /// `ResultPath`.
    pub result_path: Option<PathOrNull<ReferencePath>>,
    /// `OutputPath`.
    pub output_path: Option<PathOrNull<Path>>,
    /// `Output` (JSONata).
    pub output: Option<JsonataTemplate>,
    /// `Assign`: workflow variables.
    pub assign: Option<Payload>,
    /// `Next` / `End`.
    pub transition: Transition,
}

/// A `Task` state.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// `Comment`.
    pub comment: Option<String>,
    /// `QueryLanguage`.
    pub query_language: Option<QueryLanguage>,
    /// `Resource`: the ARN of the work.
    pub resource: String,
    /// `Credentials`: the role to assume (`RoleArn`).
    pub credentials: Option<Payload>,
    /// `InputPath`.
    pub input_path: Option<PathOrNull<Path>>,
    /// `Parameters`.
    pub parameters: Option<TemplateValue>,
    /// `Arguments` (JSONata).
    pub arguments: Option<JsonataTemplate>,
    /// `ResultSelector`.
    pub result_selector: Option<TemplateValue>,
    /// `ResultPath`.
    pub result_path: Option<PathOrNull<ReferencePath>>,
    /// `OutputPath`.
    pub output_path: Option<PathOrNull<Path>>,
    /// `Output` (JSONata).
    pub output: Option<JsonataTemplate>,
    /// `Assign`.
    pub assign: Option<Payload>,
    /// `TimeoutSeconds` / `TimeoutSecondsPath`.
    pub timeout_seconds: Option<Dynamic<u64>>,
    /// `HeartbeatSeconds` / `HeartbeatSecondsPath`.
    pub heartbeat_seconds: Option<Dynamic<u64>>,
    /// `Retry`.
    pub retry: Option<Vec<Retrier>>,
    /// `Catch`.
    pub catch: Option<Vec<Catcher>>,
    /// `Next` / `End`.
    pub transition: Transition,
}

/// A `Choice` state.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// `Comment`.
    pub comment: Option<String>,
    /// `QueryLanguage`.
    pub query_language: Option<QueryLanguage>,
    /// `InputPath`.
    pub input_path: Option<PathOrNull<Path>>,
    /// `Choices`: tried in order; the first match wins.
    pub choices: Vec<ChoiceRule>,
    /// `Default`: where to go when no rule matches.
    pub default: Option<String>,
    /// `OutputPath`.
    pub output_path: Option<PathOrNull<Path>>,
    /// `Output` (JSONata).
    pub output: Option<JsonataTemplate>,
    /// `Assign`.
    pub assign: Option<Payload>,
}

/// What a Wait state waits for.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitFor {
    /// `Seconds` / `SecondsPath`.
    Seconds(Dynamic<u64>),
    /// `Timestamp` / `TimestampPath`.
    Timestamp(Dynamic<Timestamp>),
}

/// A `Wait` state.
#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    /// `Comment`.
    pub comment: Option<String>,
    /// `QueryLanguage`.
    pub query_language: Option<QueryLanguage>,
    /// The duration or time.
    pub wait: WaitFor,
    /// `InputPath`.
    pub input_path: Option<PathOrNull<Path>>,
    /// `OutputPath`.
    pub output_path: Option<PathOrNull<Path>>,
    /// `Output` (JSONata).
    pub output: Option<JsonataTemplate>,
    /// `Assign`.
    pub assign: Option<Payload>,
    /// `Next` / `End`.
    pub transition: Transition,
}

/// A `Succeed` state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Succeed {
    /// `Comment`.
    pub comment: Option<String>,
    /// `QueryLanguage`.
    pub query_language: Option<QueryLanguage>,
    /// `InputPath`.
    pub input_path: Option<PathOrNull<Path>>,
    /// `OutputPath`.
    pub output_path: Option<PathOrNull<Path>>,
    /// `Output` (JSONata).
    pub output: Option<JsonataTemplate>,
}

/// The error name or cause of a Fail state.
#[derive(Debug, Clone, PartialEq)]
pub enum FailText {
    /// `Error` / `Cause` as a literal string.
    Value(String),
    /// `ErrorPath` / `CausePath`: a path or intrinsic function call.
    Path(Expr),
    /// `"{% … %}"` (JSONata).
    Jsonata(Jsonata),
}

/// A `Fail` state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fail {
    /// `Comment`.
    pub comment: Option<String>,
    /// `QueryLanguage`.
    pub query_language: Option<QueryLanguage>,
    /// `Error` / `ErrorPath`.
    pub error: Option<FailText>,
    /// `Cause` / `CausePath`.
    pub cause: Option<FailText>,
}

/// A `Parallel` state.
#[derive(Debug, Clone, PartialEq)]
pub struct Parallel {
    /// `Comment`.
    pub comment: Option<String>,
    /// `QueryLanguage`.
    pub query_language: Option<QueryLanguage>,
    /// `Branches`: each runs on the same input; the result is the list of their outputs.
    pub branches: Vec<Graph>,
    /// `InputPath`.
    pub input_path: Option<PathOrNull<Path>>,
    /// `Parameters`.
    pub parameters: Option<TemplateValue>,
    /// `Arguments` (JSONata).
    pub arguments: Option<JsonataTemplate>,
    /// `ResultSelector`.
    pub result_selector: Option<TemplateValue>,
    /// `ResultPath`.
    pub result_path: Option<PathOrNull<ReferencePath>>,
    /// `OutputPath`.
    pub output_path: Option<PathOrNull<Path>>,
    /// `Output` (JSONata).
    pub output: Option<JsonataTemplate>,
    /// `Assign`.
    pub assign: Option<Payload>,
    /// `Retry`.
    pub retry: Option<Vec<Retrier>>,
    /// `Catch`.
    pub catch: Option<Vec<Catcher>>,
    /// `Next` / `End`.
    pub transition: Transition,
}

/// Which key a Map state's item processor was written under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProcessorKey {
    /// `ItemProcessor` (current).
    #[default]
    ItemProcessor,
    /// `Iterator` (deprecated, still accepted by AWS).
    Iterator,
}

impl ProcessorKey {
    /// The ASL key.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessorKey::ItemProcessor => "ItemProcessor",
            ProcessorKey::Iterator => "Iterator",
        }
    }
}

/// Which key a Map state's item selector was written under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelectorKey {
    /// `ItemSelector` (current).
    #[default]
    ItemSelector,
    /// `Parameters` (deprecated, still accepted by AWS).
    Parameters,
}

impl SelectorKey {
    /// The ASL key.
    pub fn as_str(self) -> &'static str {
        match self {
            SelectorKey::ItemSelector => "ItemSelector",
            SelectorKey::Parameters => "Parameters",
        }
    }
}

/// `ProcessorConfig.Mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessorMode {
    /// Iterations run inside the parent execution (at most 40 at once).
    Inline,
    /// Iterations run as child executions.
    Distributed,
}

impl ProcessorMode {
    /// The ASL spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessorMode::Inline => "INLINE",
            ProcessorMode::Distributed => "DISTRIBUTED",
        }
    }

    /// Reads the ASL spelling.
    pub fn from_str_opt(s: &str) -> Option<ProcessorMode> {
        [ProcessorMode::Inline, ProcessorMode::Distributed].into_iter().find(|m| m.as_str() == s)
    }
}

/// `ProcessorConfig.ExecutionType` of a distributed Map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionType {
    /// Standard child workflows.
    Standard,
    /// Express child workflows.
    Express,
}

impl ExecutionType {
    /// The ASL spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionType::Standard => "STANDARD",
            ExecutionType::Express => "EXPRESS",
        }
    }

    /// Reads the ASL spelling.
    pub fn from_str_opt(s: &str) -> Option<ExecutionType> {
        [ExecutionType::Standard, ExecutionType::Express].into_iter().find(|t| t.as_str() == s)
    }
}

/// `ProcessorConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProcessorConfig {
    /// `Mode` (`INLINE` when absent).
    pub mode: Option<ProcessorMode>,
    /// `ExecutionType` (distributed mode).
    pub execution_type: Option<ExecutionType>,
}

/// The states a Map state runs for each item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemProcessor {
    /// `ProcessorConfig`.
    pub config: Option<ProcessorConfig>,
    /// `StartAt`, `States` (and `Comment`).
    pub graph: Graph,
}

/// `ItemReader.ReaderConfig`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReaderConfig {
    /// `InputType`: `CSV`, `JSON`, `JSONL`, `MANIFEST`, `PARQUET`.
    pub input_type: Option<String>,
    /// `CSVHeaderLocation`: `FIRST_ROW` or `GIVEN`.
    pub csv_header_location: Option<String>,
    /// `CSVHeaders`.
    pub csv_headers: Option<Vec<String>>,
    /// `CSVDelimiter`: `COMMA`, `PIPE`, `SEMICOLON`, `SPACE`, `TAB`.
    pub csv_delimiter: Option<String>,
    /// `ManifestType`: `ATHENA_DATA` or `S3_INVENTORY`.
    pub manifest_type: Option<String>,
    /// `MaxItems` / `MaxItemsPath`.
    pub max_items: Option<Dynamic<u64>>,
}

/// `ItemReader`: where a distributed Map reads its items from.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemReader {
    /// `Resource`, e.g. `arn:aws:states:::s3:getObject`.
    pub resource: String,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata).
    pub parameters: Option<Payload>,
    /// `ReaderConfig`.
    pub reader_config: Option<ReaderConfig>,
}

/// `ItemBatcher`: groups items into batches.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemBatcher {
    /// `MaxItemsPerBatch` / `MaxItemsPerBatchPath`.
    pub max_items_per_batch: Option<Dynamic<u64>>,
    /// `MaxInputBytesPerBatch` / `MaxInputBytesPerBatchPath`.
    pub max_input_bytes_per_batch: Option<Dynamic<u64>>,
    /// `BatchInput`: fixed input added to every batch.
    pub batch_input: Option<Payload>,
}

/// `ResultWriter.WriterConfig`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WriterConfig {
    /// `OutputType`: `JSON` or `JSONL`.
    pub output_type: Option<String>,
    /// `Transformation`: `NONE`, `COMPACT` or `FLATTEN`.
    pub transformation: Option<String>,
}

/// `ResultWriter`: where a distributed Map writes its results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultWriter {
    /// `Resource`, e.g. `arn:aws:states:::s3:putObject`.
    pub resource: Option<String>,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata).
    pub parameters: Option<Payload>,
    /// `WriterConfig`.
    pub writer_config: Option<WriterConfig>,
}

/// A `Map` state, inline or distributed.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    /// `Comment`.
    pub comment: Option<String>,
    /// `QueryLanguage`.
    pub query_language: Option<QueryLanguage>,
    /// `ItemProcessor` (or the deprecated `Iterator`).
    pub item_processor: ItemProcessor,
    /// Which key the processor was written under.
    pub processor_key: ProcessorKey,
    /// `ItemsPath`: where the list is in the input (JSONPath).
    pub items_path: Option<ReferencePath>,
    /// `Items`: the list, or an expression giving it (JSONata).
    pub items: Option<JsonataTemplate>,
    /// `ItemReader` (distributed).
    pub item_reader: Option<ItemReader>,
    /// `ItemSelector` (or the deprecated `Parameters`): each iteration's input.
    pub item_selector: Option<Payload>,
    /// Which key the selector was written under.
    pub selector_key: SelectorKey,
    /// `ItemBatcher` (distributed).
    pub item_batcher: Option<ItemBatcher>,
    /// `MaxConcurrency` / `MaxConcurrencyPath` (0: no limit).
    pub max_concurrency: Option<Dynamic<u64>>,
    /// `ToleratedFailureCount` / `…Path` (distributed).
    pub tolerated_failure_count: Option<Dynamic<u64>>,
    /// `ToleratedFailurePercentage` / `…Path` (distributed).
    pub tolerated_failure_percentage: Option<Dynamic<Number>>,
    /// `Label` (distributed): names the child executions.
    pub label: Option<String>,
    /// `ResultWriter` (distributed).
    pub result_writer: Option<ResultWriter>,
    /// `InputPath`.
    pub input_path: Option<PathOrNull<Path>>,
    /// `ResultSelector`.
    pub result_selector: Option<TemplateValue>,
    /// `ResultPath`.
    pub result_path: Option<PathOrNull<ReferencePath>>,
    /// `OutputPath`.
    pub output_path: Option<PathOrNull<Path>>,
    /// `Output` (JSONata).
    pub output: Option<JsonataTemplate>,
    /// `Assign`.
    pub assign: Option<Payload>,
    /// `Retry`.
    pub retry: Option<Vec<Retrier>>,
    /// `Catch`.
    pub catch: Option<Vec<Catcher>>,
    /// `Next` / `End`.
    pub transition: Transition,
}

impl Map {
    /// Whether the Map runs its iterations as child executions.
    pub fn is_distributed(&self) -> bool {
        matches!(self.item_processor.config.as_ref().and_then(|c| c.mode), Some(ProcessorMode::Distributed))
    }
}
