//! The options of `load_ddb` (Python) and `loadDdb` (JavaScript) and the
//! fields of the summary they return, once: the bindings read options by
//! this table (names, kinds, checks: [`LoadOptions::set`] with the `loader`
//! feature), `Summary::to_json` writes the fields in its order, and `xtask`
//! writes the typings from it. Not behind the `loader` feature, so the
//! generator can read it without the AWS SDK.
//!
//! [`LoadOptions::set`]: super::loader::LoadOptions::set

use super::walk::Dialect;

/// What an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadKind {
    /// Text.
    Text,
    /// A file path (a string; in Python also an `os.PathLike`).
    Path,
    /// A whole number from `low` to `high`, `default` when not given.
    Count {
        /// The least.
        low: u64,
        /// The most.
        high: u64,
        /// The default.
        default: u64,
    },
    /// `true` or `false`.
    Boolean,
    /// Items per second (a positive number), or the CLI's text (`"200wcu"`).
    Rate,
    /// One of these spellings; the first is the default.
    OneOf(&'static [&'static str]),
}

/// One option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOption {
    /// The name in snake_case (Python's); JavaScript spells it in camelCase.
    pub name: &'static str,
    /// What it takes.
    pub kind: LoadKind,
    /// Only JavaScript has it (`undefined` has no Python counterpart).
    pub js_only: bool,
    /// One line for the docs.
    pub doc: &'static str,
}

impl LoadOption {
    /// The name in `dialect`'s spelling: `endpoint_url`, `endpointUrl`.
    pub fn spelled(&self, dialect: Dialect) -> String {
        match dialect {
            Dialect::Python => self.name.to_string(),
            Dialect::JavaScript => {
                let mut words = self.name.split('_');
                let first = words.next().unwrap_or_default().to_string();
                words.fold(first, |mut out, w| {
                    let mut chars = w.chars();
                    out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                    out.push_str(chars.as_str());
                    out
                })
            }
        }
    }

    /// The option spelt `name` in `dialect`, if the host has one.
    pub fn find(dialect: Dialect, name: &str) -> Option<&'static LoadOption> {
        LOAD_OPTIONS.iter().find(|o| (dialect == Dialect::JavaScript || !o.js_only) && o.spelled(dialect) == name)
    }

    /// The names `dialect` has, for messages and typings.
    pub fn names(dialect: Dialect) -> Vec<String> {
        LOAD_OPTIONS
            .iter()
            .filter(|o| dialect == Dialect::JavaScript || !o.js_only)
            .map(|o| o.spelled(dialect))
            .collect()
    }
}

/// The spellings of `input_format`.
pub const INPUT_FORMATS: &[&str] = &["auto", "plain", "dynamodb"];

/// The largest `concurrency`.
pub const MAX_CONCURRENCY: u64 = 256;

const fn option(name: &'static str, kind: LoadKind, doc: &'static str) -> LoadOption {
    LoadOption { name, kind, js_only: false, doc }
}

/// Every option, in the order the docs list them.
pub const LOAD_OPTIONS: &[LoadOption] = &[
    option("region", LoadKind::Text, "The AWS region (else the standard chain: `AWS_REGION`, the profile)."),
    option(
        "endpoint_url",
        LoadKind::Text,
        "A DynamoDB-compatible endpoint (DynamoDB Local, moto): `http://127.0.0.1:8000`.",
    ),
    option("profile", LoadKind::Text, "A named profile from the AWS config files."),
    option(
        "concurrency",
        LoadKind::Count { low: 1, high: MAX_CONCURRENCY, default: 8 },
        "`BatchWriteItem` requests in flight at once, 1 to 256 (default 8).",
    ),
    option(
        "rate",
        LoadKind::Rate,
        "A cap on the write rate: items per second (`500`), or write units as the CLI writes them (`'200wcu'`).",
    ),
    option("dry_run", LoadKind::Boolean, "Check and count every item; write nothing."),
    option(
        "reject_file",
        LoadKind::Path,
        "Where to write the items that could not be written: JSON Lines, each with its reason.",
    ),
    option("resume", LoadKind::Boolean, "Continue a load that stopped, from its checkpoint."),
    option(
        "checkpoint",
        LoadKind::Path,
        "Where to keep the checkpoint (default: beside the input file; items in memory need one to resume).",
    ),
    option(
        "input_format",
        LoadKind::OneOf(INPUT_FORMATS),
        "How items are written: for a file, `'auto'` (the default: DynamoDB JSON when an item looks like it), \
         `'plain'` or `'dynamodb'`; items in memory are plain values (as `marshall` takes) unless `'dynamodb'` \
         (attribute values, as `marshall` returns).",
    ),
    LoadOption {
        name: "remove_undefined_values",
        kind: LoadKind::Boolean,
        js_only: true,
        doc: "Leave out `undefined` in items given in memory, as `marshall` does with this option.",
    },
    option("progress", LoadKind::Boolean, "A progress bar on stderr, when it is a terminal."),
];

/// The type of a summary field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A count.
    Count,
    /// A number with a fraction (seconds, a rate).
    Real,
    /// `true` or `false`.
    Boolean,
    /// Text, or null.
    OptionalText,
    /// The retries, by cause ([`RETRY_FIELDS`]).
    Retries,
}

/// One field of a load's summary (`load-ddb --summary json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryField {
    /// The key, in snake_case in every language (as the command prints it).
    pub name: &'static str,
    /// Its type.
    pub ty: FieldType,
    /// One line for the docs.
    pub doc: &'static str,
}

const fn field(name: &'static str, ty: FieldType, doc: &'static str) -> SummaryField {
    SummaryField { name, ty, doc }
}

/// The summary's fields, in the order it has them.
pub const SUMMARY_FIELDS: &[SummaryField] = &[
    field("read", FieldType::Count, "Items read from the input in this run (not counting `skipped`)."),
    field("written", FieldType::Count, "Items written."),
    field("rejected", FieldType::Count, "Items that could not be written (in the reject file), this run."),
    field("rejected_before", FieldType::Count, "Items rejected by an earlier run that this one resumed."),
    field(
        "duplicates",
        FieldType::Count,
        "Items that shared a key with an earlier item still pending (the later one wins).",
    ),
    field("skipped", FieldType::Count, "Items done by an earlier run and skipped on resume."),
    field("requests", FieldType::Count, "`BatchWriteItem` requests sent."),
    field("retried", FieldType::Retries, "Retries, by cause."),
    field("seconds", FieldType::Real, "Wall time, in seconds."),
    field("items_per_second", FieldType::Real, "Items written (checked, in a dry run) per second."),
    field("dry_run", FieldType::Boolean, "Nothing was written (a dry run)."),
    field(
        "interrupted",
        FieldType::Boolean,
        "Stopped before the end (Ctrl-C, or a cancel from the host; the checkpoint says where).",
    ),
    field("succeeded", FieldType::Boolean, "Every item of the input is in the table (or would be, in a dry run)."),
    field("reject_file", FieldType::OptionalText, "The reject file, if any items went there."),
    field("checkpoint", FieldType::OptionalText, "The checkpoint to resume from, if the load did not finish."),
];

/// The fields of the summary's `retried`.
pub const RETRY_FIELDS: &[SummaryField] = &[
    field("unprocessed_items", FieldType::Count, "Items resent after DynamoDB returned them unprocessed."),
    field("throttled_requests", FieldType::Count, "Requests retried after throttling."),
    field("failed_requests", FieldType::Count, "Requests retried after other errors."),
];
