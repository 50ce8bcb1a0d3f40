//! The builder's API surface, declared once: every state option with its ASL
//! field, the kind of value it takes and its doc line; the props of Retry,
//! Catch, Choice rules, `afterwards`, the Map item processor and the state
//! machine; the error names Step Functions defines; the query languages.
//!
//! The builder's methods, the bindings' classes and checks, the Python stubs
//! (`_native.pyi`) and the TypeScript typings (`header.d.ts`) all come from
//! here: the Rust side through the `for_each_*` macros, the stubs and typings
//! through `cargo run -p xtask -- gen`, which reads the tables below. Adding
//! an option is one line in [`options`] and one name in [`for_each_state!`].

use crate::asl::{ExecutionType, JitterStrategy, ProcessorMode, QueryLanguage};

/// What values an option or prop takes; each binding derives its type from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Text.
    Text,
    /// A whole number of at least 0.
    Count,
    /// A finite number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A whole number, or a JSONata expression (text) in JSONata states.
    CountOrExpression,
    /// A number, or a JSONata expression (text) in JSONata states.
    NumberOrExpression,
    /// Plain JSON.
    Json,
    /// JSON where a `JsonPathExpr` may stand for any value (its key becomes `key.$`).
    Payload,
    /// A JSONPath or reference path: text or a `JsonPathExpr`.
    Path,
    /// A path, or null (which has a meaning of its own, e.g. discarding a result).
    NullablePath,
    /// `JSONPath` or `JSONata`.
    QueryLanguage,
    /// Error names (`ErrorEquals`).
    ErrorNames,
    /// One of these spellings.
    OneOf(&'static [&'static str]),
}

/// One option of a state type, or one prop of a helper's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// The name in snake_case (`result_path`); JavaScript spells it in camelCase.
    pub name: &'static str,
    /// The ASL field it sets (`ResultPath`).
    pub key: &'static str,
    /// What values it takes.
    pub kind: ValueKind,
    /// One line for the docs.
    pub doc: &'static str,
}

impl OptionSpec {
    /// The name as JavaScript spells it: `resultPath`.
    pub fn js_name(&self) -> String {
        super::states::camel_case(self.name)
    }
}

/// Declares option constants named after the option.
macro_rules! option_specs {
    ($($name:ident => $key:literal: $kind:expr, $doc:literal;)*) => {
        $(
            #[doc = $doc]
            pub const $name: OptionSpec =
                OptionSpec { name: stringify!($name), key: $key, kind: $kind, doc: $doc };
        )*
    };
}

/// Every state option, once. The state types list the ones they take in
/// [`for_each_state!`].
#[allow(non_upper_case_globals)]
pub mod options {
    use super::OptionSpec;
    use super::ValueKind::*;

    option_specs! {
        comment => "Comment": Text, "`Comment`: a note for people reading the definition.";
        query_language => "QueryLanguage": QueryLanguage, "`QueryLanguage` of this state.";
        resource => "Resource": Text, "`Resource`: the ARN of a Lambda function, an activity or a service integration.";
        credentials => "Credentials": Payload, "`Credentials`: the role to assume.";
        input_path => "InputPath": NullablePath, "`InputPath` (JSONPath; null passes `{}`).";
        parameters => "Parameters": Payload, "`Parameters` (JSONPath): the input template.";
        arguments => "Arguments": Payload, "`Arguments` (JSONata): the input.";
        result => "Result": Json, "`Result`: the value the state outputs.";
        result_selector => "ResultSelector": Payload, "`ResultSelector` (JSONPath): a template over the raw result.";
        result_path => "ResultPath": NullablePath, "`ResultPath` (JSONPath; null discards the result).";
        output_path => "OutputPath": NullablePath, "`OutputPath` (JSONPath; null outputs `{}`).";
        output => "Output": Payload, "`Output` (JSONata).";
        assign => "Assign": Payload, "`Assign`: variables to set.";
        timeout_seconds => "TimeoutSeconds": CountOrExpression, "`TimeoutSeconds` (a JSONata expression in JSONata states).";
        timeout_seconds_path => "TimeoutSecondsPath": Path, "`TimeoutSecondsPath` (JSONPath).";
        heartbeat_seconds => "HeartbeatSeconds": CountOrExpression, "`HeartbeatSeconds` (a JSONata expression in JSONata states).";
        heartbeat_seconds_path => "HeartbeatSecondsPath": Path, "`HeartbeatSecondsPath` (JSONPath).";
        seconds => "Seconds": CountOrExpression, "`Seconds` to wait (a JSONata expression in JSONata states).";
        seconds_path => "SecondsPath": Path, "`SecondsPath` (JSONPath).";
        timestamp => "Timestamp": Text, "`Timestamp` to wait until (RFC 3339), or a JSONata expression.";
        timestamp_path => "TimestampPath": Path, "`TimestampPath` (JSONPath).";
        error => "Error": Text, "`Error`: the error name.";
        error_path => "ErrorPath": Path, "`ErrorPath` (JSONPath).";
        cause => "Cause": Text, "`Cause`: a human-readable message.";
        cause_path => "CausePath": Path, "`CausePath` (JSONPath).";
        items_path => "ItemsPath": Path, "`ItemsPath` (JSONPath): the array to iterate over.";
        items => "Items": Payload, "`Items` (JSONata): the array to iterate over.";
        item_reader => "ItemReader": Payload, "`ItemReader` (distributed): where the items come from.";
        item_selector => "ItemSelector": Payload, "`ItemSelector`: the input of each iteration.";
        item_batcher => "ItemBatcher": Payload, "`ItemBatcher` (distributed): items per child execution.";
        max_concurrency => "MaxConcurrency": CountOrExpression, "`MaxConcurrency` (0 = as many as possible).";
        max_concurrency_path => "MaxConcurrencyPath": Path, "`MaxConcurrencyPath` (JSONPath).";
        tolerated_failure_count => "ToleratedFailureCount": CountOrExpression, "`ToleratedFailureCount` (distributed).";
        tolerated_failure_count_path => "ToleratedFailureCountPath": Path, "`ToleratedFailureCountPath` (JSONPath).";
        tolerated_failure_percentage => "ToleratedFailurePercentage": NumberOrExpression, "`ToleratedFailurePercentage` (distributed).";
        tolerated_failure_percentage_path => "ToleratedFailurePercentagePath": Path, "`ToleratedFailurePercentagePath` (JSONPath).";
        label => "Label": Text, "`Label` (distributed): a prefix for child execution names.";
        result_writer => "ResultWriter": Payload, "`ResultWriter` (distributed): where results are written.";
    }
}

/// Calls `$callback!` with the table of state types: for each, its doc, the
/// name the typings give its options, what it can do (`next`, `terminal`, `errors` for Retry/Catch, `choice`,
/// `branch`, `processor`) and its options, in the order they are listed.
/// The builder's types and both bindings' classes are made from this one
/// table.
#[macro_export]
#[doc(hidden)]
macro_rules! for_each_state {
    ($callback:ident) => {
        $callback! {
            #[doc = "A `Pass` state: passes its input on, optionally injecting `result`."]
            Pass("PassOptions") [next] { comment, query_language, input_path, parameters, result, result_path, output_path, output, assign }
            #[doc = "A `Task` state: calls `resource` (a Lambda function, an activity or a service integration)."]
            Task("TaskOptions") [next errors] {
                comment, query_language, resource, credentials, input_path, parameters, arguments, result_selector,
                result_path, output_path, output, assign, timeout_seconds, timeout_seconds_path, heartbeat_seconds,
                heartbeat_seconds_path
            }
            #[doc = "A `Choice` state: `when(condition, next)` rules, `otherwise(next)`, and `afterwards()` to go on after its branches."]
            Choice("ChoiceOptions") [choice] { comment, query_language, input_path, output_path, output, assign }
            #[doc = "A `Wait` state: waits `seconds`, or until `timestamp` (or the path forms)."]
            Wait("WaitOptions") [next] {
                comment, query_language, seconds, seconds_path, timestamp, timestamp_path, input_path, output_path,
                output, assign
            }
            #[doc = "A `Succeed` state: ends the execution (or branch) successfully."]
            Succeed("SucceedOptions") [terminal] { comment, query_language, input_path, output_path, output }
            #[doc = "A `Fail` state: ends the execution (or branch) with `error` and `cause`."]
            Fail("FailOptions") [terminal] { comment, query_language, error, error_path, cause, cause_path }
            #[doc = "A `Parallel` state: runs every `branch` on the same input."]
            Parallel("ParallelOptions") [next errors branch] {
                comment, query_language, input_path, parameters, arguments, result_selector, result_path, output_path,
                output, assign
            }
            #[doc = "A `Map` state: runs its item processor for each item, inline or distributed."]
            Map("MapOptions") [next errors processor] {
                comment, query_language, items_path, items, item_reader, item_selector, item_batcher, max_concurrency,
                max_concurrency_path, tolerated_failure_count, tolerated_failure_count_path,
                tolerated_failure_percentage, tolerated_failure_percentage_path, label, result_writer, input_path,
                result_selector, result_path, output_path, output, assign
            }
        }
    };
}

/// One state type of the table, for the generator.
#[derive(Debug, Clone, Copy)]
pub struct StateSpec {
    /// The class name, which is also the ASL `Type`.
    pub name: &'static str,
    /// One line for the docs.
    pub doc: &'static str,
    /// The name the typings give its options: `PassOptions`.
    pub options_type: &'static str,
    /// What it can do beyond its options: `next`, `terminal`, `errors`, `choice`, `branch`, `processor`.
    pub abilities: &'static [&'static str],
    /// Its options, in order.
    pub options: &'static [OptionSpec],
}

impl StateSpec {
    /// Whether the table gives this state type `ability`.
    pub fn can(&self, ability: &str) -> bool {
        self.abilities.contains(&ability)
    }
}

macro_rules! state_specs {
    ($(#[doc = $doc:tt] $name:ident($options:tt) [$($ability:ident)*] { $($opt:ident),* $(,)? })*) => {
        /// Every state type, in the order of [`for_each_state!`].
        pub const STATES: &[StateSpec] = &[$(StateSpec {
            name: stringify!($name),
            doc: $doc,
            options_type: $options,
            abilities: &[$(stringify!($ability)),*],
            options: &[$(options::$opt),*],
        }),*];
    };
}

for_each_state!(state_specs);

macro_rules! prop_table {
    ($(#[doc = $doc:literal])* $table:ident { $($name:ident => $key:literal: $kind:expr, $pdoc:literal;)* }) => {
        $(#[doc = $doc])*
        pub const $table: &[OptionSpec] =
            &[$(OptionSpec { name: stringify!($name), key: $key, kind: $kind, doc: $pdoc }),*];
    };
}

use ValueKind::*;

/// The spellings of `JitterStrategy`.
pub const JITTER_STRATEGIES: &[&str] = &["FULL", "NONE"];
/// The spellings of a Map item processor's `Mode`.
pub const PROCESSOR_MODES: &[&str] = &["INLINE", "DISTRIBUTED"];
/// The spellings of a distributed Map's `ExecutionType`.
pub const EXECUTION_TYPES: &[&str] = &["STANDARD", "EXPRESS"];
/// The spellings of `QueryLanguage`.
pub const QUERY_LANGUAGES: &[&str] = &["JSONPath", "JSONata"];

prop_table!(
    /// The props of `add_retry` (a [`Retry`](super::Retry)).
    RETRY_PROPS {
        errors => "ErrorEquals": ErrorNames, "`ErrorEquals`: the errors to retry (`States.ALL` when absent).";
        interval_seconds => "IntervalSeconds": Count, "`IntervalSeconds` before the first retry.";
        max_attempts => "MaxAttempts": Count, "`MaxAttempts` (0 never retries).";
        backoff_rate => "BackoffRate": Number, "`BackoffRate`: the multiplier of the interval after each attempt.";
        max_delay_seconds => "MaxDelaySeconds": Count, "`MaxDelaySeconds`: a cap on the interval.";
        jitter_strategy => "JitterStrategy": OneOf(JITTER_STRATEGIES), "`JitterStrategy`.";
        comment => "Comment": Text, "`Comment`.";
    }
);

prop_table!(
    /// The props of `add_catch` (a [`Catch`](super::Catch)).
    CATCH_PROPS {
        errors => "ErrorEquals": ErrorNames, "`ErrorEquals`: the errors to catch (`States.ALL` when absent).";
        result_path => "ResultPath": NullablePath, "`ResultPath` (JSONPath): where the error output goes; null discards it.";
        output => "Output": Payload, "`Output` (JSONata).";
        assign => "Assign": Payload, "`Assign`: variables to set.";
        comment => "Comment": Text, "`Comment`.";
    }
);

prop_table!(
    /// The props of a Choice rule, for `when` (a [`WhenOptions`](super::WhenOptions)).
    WHEN_PROPS {
        comment => "Comment": Text, "`Comment` of the rule.";
        assign => "Assign": Payload, "`Assign`: variables to set when the rule is taken.";
        output => "Output": Payload, "`Output` (JSONata) when the rule is taken.";
    }
);

prop_table!(
    /// The props of `Choice.afterwards`.
    AFTERWARDS_PROPS {
        include_otherwise => "Default": Boolean, "Also join the Choice's otherwise branch (the Choice must not have one yet).";
    }
);

prop_table!(
    /// The props of `Map.item_processor` (its `ProcessorConfig`).
    ITEM_PROCESSOR_PROPS {
        mode => "Mode": OneOf(PROCESSOR_MODES), "`Mode`: `INLINE` (the default) or `DISTRIBUTED` (child executions).";
        execution_type => "ExecutionType": OneOf(EXECUTION_TYPES), "`ExecutionType` of distributed child executions.";
    }
);

prop_table!(
    /// The top-level fields of a [`StateMachine`](super::StateMachine).
    STATE_MACHINE_PROPS {
        timeout_seconds => "TimeoutSeconds": Count, "`TimeoutSeconds` for the whole execution.";
        comment => "Comment": Text, "The top-level `Comment`.";
        query_language => "QueryLanguage": QueryLanguage, "The default `QueryLanguage` of every state.";
    }
);

/// Calls `$callback!` with the error names Step Functions defines:
/// `CONSTANT = "States.Name", "doc";`, for `errors` in Retry and Catch.
#[macro_export]
#[doc(hidden)]
macro_rules! for_each_error_name {
    ($callback:ident) => {
        $callback! {
            ALL = "States.ALL", "Matches any error name.";
            TASKS_FAILED = "States.TaskFailed", "Matches any error except `States.Timeout` and `States.Runtime`.";
            TIMEOUT = "States.Timeout", "A Task ran longer than `TimeoutSeconds` or missed a heartbeat.";
            HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout", "A Task missed a heartbeat for longer than `HeartbeatSeconds`.";
            PERMISSIONS = "States.Permissions", "A Task lacked the privileges to run its code.";
            RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure", "A `ResultPath` could not be applied to the state's input.";
            PARAMETER_PATH_FAILURE = "States.ParameterPathFailure", "A field in `Parameters` referenced a path that does not exist.";
            BRANCH_FAILED = "States.BranchFailed", "A branch of a Parallel state failed.";
            NO_CHOICE_MATCHED = "States.NoChoiceMatched", "A Choice state found no matching rule and has no `Default`.";
            INTRINSIC_FAILURE = "States.IntrinsicFailure", "An intrinsic function call failed.";
            EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold", "A distributed Map exceeded its tolerated failures.";
            ITEM_READER_FAILED = "States.ItemReaderFailed", "A distributed Map could not read its items.";
            RESULT_WRITER_FAILED = "States.ResultWriterFailed", "A distributed Map could not write its results.";
            RUNTIME = "States.Runtime", "An exception that could not be processed (never retried by `States.ALL`).";
            DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded", "Output larger than the payload quota.";
        }
    };
}

/// A named constant: its name in the bindings, its value and a doc line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Constant {
    /// `TASKS_FAILED`.
    pub name: &'static str,
    /// `States.TaskFailed`.
    pub value: &'static str,
    /// One line for the docs.
    pub doc: &'static str,
}

macro_rules! constants {
    ($($name:ident = $value:literal, $doc:literal;)*) => {
        /// The error names of [`for_each_error_name!`].
        pub const ERROR_NAMES: &[Constant] = &[$(Constant { name: stringify!($name), value: $value, doc: $doc }),*];
    };
}

for_each_error_name!(constants);

/// Calls `$callback!` with the query languages: `CONSTANT = "Spelling", "doc";`.
#[macro_export]
#[doc(hidden)]
macro_rules! for_each_query_language {
    ($callback:ident) => {
        $callback! {
            JSONPATH = "JSONPath", "`InputPath`, `Parameters`, `ResultSelector`, `ResultPath`, `OutputPath`.";
            JSONATA = "JSONata", "`Arguments`, `Output` and `Assign` with `{% %}` expressions.";
        }
    };
}

macro_rules! language_constants {
    ($($name:ident = $value:literal, $doc:literal;)*) => {
        /// The query languages of [`for_each_query_language!`].
        pub const QUERY_LANGUAGE_NAMES: &[Constant] =
            &[$(Constant { name: stringify!($name), value: $value, doc: $doc }),*];
    };
}

for_each_query_language!(language_constants);

/// The options of the state type named `name` (its ASL `Type`).
pub fn state(name: &str) -> Option<&'static StateSpec> {
    STATES.iter().find(|s| s.name == name)
}

/// The option of a state type named `name` as a binding spells it: in
/// camelCase when `camel` (JavaScript), else in snake_case (Python, Rust).
pub fn option(kind: super::Kind, name: &str, camel: bool) -> Option<&'static OptionSpec> {
    super::options_of(kind).iter().find(|o| if camel { o.js_name() == name } else { o.name == name })
}

/// The entry of `props` named `name`, spelled in snake_case or camelCase.
pub fn find(props: &'static [OptionSpec], name: &str) -> Option<&'static OptionSpec> {
    props.iter().find(|p| p.name == name || (name.contains(|c: char| c.is_ascii_uppercase()) && p.js_name() == name))
}

/// `value` as one of `spellings`, by position; `None` when it is none of them.
pub fn one_of(value: &str, spellings: &[&str]) -> Option<usize> {
    spellings.iter().position(|s| *s == value)
}

/// A `JitterStrategy` from its spelling.
pub fn jitter_strategy(value: &str) -> Option<JitterStrategy> {
    [JitterStrategy::Full, JitterStrategy::None].into_iter().find(|j| j.as_str() == value)
}

/// A processor `Mode` from its spelling.
pub fn processor_mode(value: &str) -> Option<ProcessorMode> {
    [ProcessorMode::Inline, ProcessorMode::Distributed].into_iter().find(|m| m.as_str() == value)
}

/// An `ExecutionType` from its spelling.
pub fn execution_type(value: &str) -> Option<ExecutionType> {
    [ExecutionType::Standard, ExecutionType::Express].into_iter().find(|t| t.as_str() == value)
}

/// A `QueryLanguage` from its spelling.
pub fn query_language(value: &str) -> Option<QueryLanguage> {
    [QueryLanguage::JsonPath, QueryLanguage::Jsonata].into_iter().find(|q| q.as_str() == value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_are_the_models() {
        for s in JITTER_STRATEGIES {
            assert_eq!(jitter_strategy(s).map(|j| j.as_str()), Some(*s));
        }
        for s in PROCESSOR_MODES {
            assert_eq!(processor_mode(s).map(|m| m.as_str()), Some(*s));
        }
        for s in EXECUTION_TYPES {
            assert_eq!(execution_type(s).map(|t| t.as_str()), Some(*s));
        }
        for (s, c) in QUERY_LANGUAGES.iter().zip(QUERY_LANGUAGE_NAMES) {
            assert_eq!(query_language(s).map(|q| q.as_str()), Some(*s));
            assert_eq!(c.value, *s);
        }
        assert_eq!(jitter_strategy("full"), None);
    }

    #[test]
    fn every_state_type_is_in_the_table_once() {
        let names: Vec<&str> = STATES.iter().map(|s| s.name).collect();
        assert_eq!(names, ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]);
        for s in STATES {
            assert!(s.can("next") != s.can("terminal") || s.can("choice"), "{}", s.name);
            let mut keys: Vec<&str> = s.options.iter().map(|o| o.key).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), s.options.len(), "{} lists an option twice", s.name);
        }
        assert_eq!(find(RETRY_PROPS, "maxAttempts").map(|p| p.key), Some("MaxAttempts"));
        assert_eq!(find(RETRY_PROPS, "max_attempts").map(|p| p.key), Some("MaxAttempts"));
        assert_eq!(find(RETRY_PROPS, "maxattempts"), None);
    }
}
