//! The eight state classes over `stepforge::builder`, their option types,
//! Retry/Catch, Choice rules, Parallel branches and the Map item processor.
//!
//! Options are applied generically through `stepforge::builder::set_option`
//! (the core's table of option names); the `…Options` interfaces below only
//! type them for TypeScript, and a compile-time check keeps each interface
//! equal to the core's table.

use napi::bindgen_prelude::{JavaScriptClassExt, JsObjectValue, ObjectFinalize, This, Unknown};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use stepforge::builder::{
    self, Catch, Chainable, ExecutionType, JitterStrategy, Kind, ProcessorConfig, ProcessorMode, Retry, StateRef,
    WhenOptions, option_names, set_option_payload,
};

use crate::chain::{Chain, link, links};
use crate::condition::condition;
use crate::errors::{Failure, Result, guard, value_error};
use crate::runtime;
use crate::value::{At, Props, constructed_with_new, native, own_keys, same_text, scalar, to_payload};

/// Sets a new state's options; an unknown name is a `TypeError` listing the
/// valid ones. Errors name the state; a problem with a value (a
/// `JsonPathExpr` where no key can take it) points into the state's field
/// (the core's `set_option_payload` does that).
fn apply_options(env: &Env, state: &StateRef, options: Option<Unknown>) -> Result<()> {
    let kind = state.kind();
    let what = format!("{} `{}`", kind.as_str(), state.name());
    let props = Props::open(options, "options").map_err(|e| e.context(&what))?;
    let Some(object) = props.object() else { return Ok(()) };
    let names = option_names(kind, true);
    for key in own_keys(env, object)? {
        if !names.contains(&key) {
            return Err(value_error(format!(
                "{what}: `{key}` is not an option of a {} state; its options are {}",
                kind.as_str(),
                names.join(", ")
            )));
        }
        let value: Unknown = object.get_named_property(&key)?;
        if value.get_type()? == ValueType::Undefined {
            continue;
        }
        let payload = to_payload(env, value, &At::new("options").key(&key)).map_err(|e| e.context(&what))?;
        set_option_payload(state, &key, payload)?;
    }
    Ok(())
}

/// Whether two lists of names are equal, at compile time.
const fn same_names(ours: &[&str], core: &[(&str, &str)]) -> bool {
    if ours.len() != core.len() {
        return false;
    }
    let mut i = 0;
    while i < ours.len() {
        if !same_text(ours[i], core[i].0) {
            return false;
        }
        i += 1;
    }
    true
}

/// Declares the TypeScript interface of a state type's options; the build
/// fails if its fields differ from the core's `OPTIONS` table.
macro_rules! options_type {
    ($(#[doc = $doc:tt])* $name:ident for $state:ident { $($(#[doc = $fdoc:tt])* $field:ident: $ts:tt,)* }) => {
        $(#[doc = $doc])*
        #[napi(object, object_from_js = false, object_to_js = false)]
        pub struct $name {
            $($(#[doc = $fdoc])* #[napi(ts_type = $ts)] pub $field: Option<()>,)*
        }

        const _: () = assert!(
            same_names(&[$(stringify!($field)),*], builder::$state::OPTIONS),
            concat!(stringify!($name), " must list the options of stepforge::builder::", stringify!($state), "::OPTIONS, in order")
        );
    };
}

options_type!(
    #[doc = "Options of a `Pass` state."]
    PassOptions for Pass {
        #[doc = "`Comment`."]
        comment: "string",
        #[doc = "`QueryLanguage` of this state."]
        query_language: "QueryLanguageName",
        #[doc = "`InputPath` (JSONPath; `null` passes `{}`)."]
        input_path: "Path | null",
        #[doc = "`Parameters` (JSONPath): the input template."]
        parameters: "Payload",
        #[doc = "`Result`: the value the state outputs."]
        result: "Payload",
        #[doc = "`ResultPath` (JSONPath; `null` discards the result)."]
        result_path: "Path | null",
        #[doc = "`OutputPath` (JSONPath; `null` outputs `{}`)."]
        output_path: "Path | null",
        #[doc = "`Output` (JSONata)."]
        output: "Payload",
        #[doc = "`Assign`: variables to set."]
        assign: "Payload",
    }
);

options_type!(
    #[doc = "Options of a `Task` state."]
    TaskOptions for Task {
        #[doc = "`Comment`."]
        comment: "string",
        #[doc = "`QueryLanguage` of this state."]
        query_language: "QueryLanguageName",
        #[doc = "`Resource`: the ARN of a Lambda function, an activity or a service integration."]
        resource: "string",
        #[doc = "`Credentials`: the role to assume."]
        credentials: "Payload",
        #[doc = "`InputPath` (JSONPath)."]
        input_path: "Path | null",
        #[doc = "`Parameters` (JSONPath): the request template."]
        parameters: "Payload",
        #[doc = "`Arguments` (JSONata): the request."]
        arguments: "Payload",
        #[doc = "`ResultSelector` (JSONPath): a template over the raw result."]
        result_selector: "Payload",
        #[doc = "`ResultPath` (JSONPath; `null` discards the result)."]
        result_path: "Path | null",
        #[doc = "`OutputPath` (JSONPath)."]
        output_path: "Path | null",
        #[doc = "`Output` (JSONata)."]
        output: "Payload",
        #[doc = "`Assign`: variables to set."]
        assign: "Payload",
        #[doc = "`TimeoutSeconds` (a JSONata expression in JSONata states)."]
        timeout_seconds: "number | string",
        #[doc = "`TimeoutSecondsPath` (JSONPath)."]
        timeout_seconds_path: "Path",
        #[doc = "`HeartbeatSeconds` (a JSONata expression in JSONata states)."]
        heartbeat_seconds: "number | string",
        #[doc = "`HeartbeatSecondsPath` (JSONPath)."]
        heartbeat_seconds_path: "Path",
    }
);

options_type!(
    #[doc = "Options of a `Choice` state."]
    ChoiceOptions for Choice {
        #[doc = "`Comment`."]
        comment: "string",
        #[doc = "`QueryLanguage` of this state."]
        query_language: "QueryLanguageName",
        #[doc = "`InputPath` (JSONPath)."]
        input_path: "Path | null",
        #[doc = "`OutputPath` (JSONPath)."]
        output_path: "Path | null",
        #[doc = "`Output` (JSONata)."]
        output: "Payload",
        #[doc = "`Assign`: variables to set."]
        assign: "Payload",
    }
);

options_type!(
    #[doc = "Options of a `Wait` state: one of `seconds`, `secondsPath`, `timestamp`, `timestampPath`."]
    WaitOptions for Wait {
        #[doc = "`Comment`."]
        comment: "string",
        #[doc = "`QueryLanguage` of this state."]
        query_language: "QueryLanguageName",
        #[doc = "`Seconds` to wait (a JSONata expression in JSONata states)."]
        seconds: "number | string",
        #[doc = "`SecondsPath` (JSONPath)."]
        seconds_path: "Path",
        #[doc = "`Timestamp` to wait until (RFC 3339), or a JSONata expression."]
        timestamp: "string",
        #[doc = "`TimestampPath` (JSONPath)."]
        timestamp_path: "Path",
        #[doc = "`InputPath` (JSONPath)."]
        input_path: "Path | null",
        #[doc = "`OutputPath` (JSONPath)."]
        output_path: "Path | null",
        #[doc = "`Output` (JSONata)."]
        output: "Payload",
        #[doc = "`Assign`: variables to set."]
        assign: "Payload",
    }
);

options_type!(
    #[doc = "Options of a `Succeed` state."]
    SucceedOptions for Succeed {
        #[doc = "`Comment`."]
        comment: "string",
        #[doc = "`QueryLanguage` of this state."]
        query_language: "QueryLanguageName",
        #[doc = "`InputPath` (JSONPath)."]
        input_path: "Path | null",
        #[doc = "`OutputPath` (JSONPath)."]
        output_path: "Path | null",
        #[doc = "`Output` (JSONata)."]
        output: "Payload",
    }
);

options_type!(
    #[doc = "Options of a `Fail` state."]
    FailOptions for Fail {
        #[doc = "`Comment`."]
        comment: "string",
        #[doc = "`QueryLanguage` of this state."]
        query_language: "QueryLanguageName",
        #[doc = "`Error`: the error name."]
        error: "string",
        #[doc = "`ErrorPath` (JSONPath)."]
        error_path: "Path",
        #[doc = "`Cause`: a human-readable message."]
        cause: "string",
        #[doc = "`CausePath` (JSONPath)."]
        cause_path: "Path",
    }
);

options_type!(
    #[doc = "Options of a `Parallel` state."]
    ParallelOptions for Parallel {
        #[doc = "`Comment`."]
        comment: "string",
        #[doc = "`QueryLanguage` of this state."]
        query_language: "QueryLanguageName",
        #[doc = "`InputPath` (JSONPath)."]
        input_path: "Path | null",
        #[doc = "`Parameters` (JSONPath): the input of every branch."]
        parameters: "Payload",
        #[doc = "`Arguments` (JSONata): the input of every branch."]
        arguments: "Payload",
        #[doc = "`ResultSelector` (JSONPath): a template over the branches' results."]
        result_selector: "Payload",
        #[doc = "`ResultPath` (JSONPath; `null` discards the result)."]
        result_path: "Path | null",
        #[doc = "`OutputPath` (JSONPath)."]
        output_path: "Path | null",
        #[doc = "`Output` (JSONata)."]
        output: "Payload",
        #[doc = "`Assign`: variables to set."]
        assign: "Payload",
    }
);

options_type!(
    #[doc = "Options of a `Map` state (inline or distributed)."]
    MapOptions for Map {
        #[doc = "`Comment`."]
        comment: "string",
        #[doc = "`QueryLanguage` of this state."]
        query_language: "QueryLanguageName",
        #[doc = "`ItemsPath` (JSONPath): the array to iterate over."]
        items_path: "Path",
        #[doc = "`Items` (JSONata): the array to iterate over."]
        items: "Payload",
        #[doc = "`ItemReader` (distributed): where the items come from."]
        item_reader: "Payload",
        #[doc = "`ItemSelector`: the input of each iteration."]
        item_selector: "Payload",
        #[doc = "`ItemBatcher` (distributed): items per child execution."]
        item_batcher: "Payload",
        #[doc = "`MaxConcurrency` (0 = as many as possible)."]
        max_concurrency: "number | string",
        #[doc = "`MaxConcurrencyPath` (JSONPath)."]
        max_concurrency_path: "Path",
        #[doc = "`ToleratedFailureCount` (distributed)."]
        tolerated_failure_count: "number | string",
        #[doc = "`ToleratedFailureCountPath` (JSONPath)."]
        tolerated_failure_count_path: "Path",
        #[doc = "`ToleratedFailurePercentage` (distributed)."]
        tolerated_failure_percentage: "number | string",
        #[doc = "`ToleratedFailurePercentagePath` (JSONPath)."]
        tolerated_failure_percentage_path: "Path",
        #[doc = "`Label` (distributed): a prefix for child execution names."]
        label: "string",
        #[doc = "`ResultWriter` (distributed): where results are written."]
        result_writer: "Payload",
        #[doc = "`InputPath` (JSONPath)."]
        input_path: "Path | null",
        #[doc = "`ResultSelector` (JSONPath): a template over the results."]
        result_selector: "Payload",
        #[doc = "`ResultPath` (JSONPath; `null` discards the result)."]
        result_path: "Path | null",
        #[doc = "`OutputPath` (JSONPath)."]
        output_path: "Path | null",
        #[doc = "`Output` (JSONata)."]
        output: "Payload",
        #[doc = "`Assign`: variables to set."]
        assign: "Payload",
    }
);

/// A state class: the core's state, its constructor and its `name`.
macro_rules! state_class {
    ($(#[doc = $doc:tt])* $class:ident($options:tt)) => {
        $(#[doc = $doc])*
        #[napi(custom_finalize)]
        pub struct $class {
            pub(crate) inner: builder::$class,
        }

        impl ObjectFinalize for $class {
            fn finalize(self, env: Env) -> napi::Result<()> {
                runtime::forget(&env, self.inner.state());
                Ok(())
            }
        }

        #[napi]
        impl $class {
            /// A new state named `name` (unique in the state machine), with its ASL fields in `options`.
            #[napi(constructor)]
            pub fn new(
                env: Env,
                this: This<Unknown>,
                #[napi(ts_arg_type = "string")] name: Unknown,
                #[napi(ts_arg_type = $options)] options: Option<Unknown>,
            ) -> napi::Result<Self> {
                guard(&env, || {
                    constructed_with_new::<$class>(&env, &this)?;
                    let name: String = scalar(name, &At::new(concat!(stringify!($class), " name")))?;
                    let inner = builder::$class::new(name);
                    apply_options(&env, inner.state(), options)?;
                    runtime::remember(&env, inner.state(), &this.object)?;
                    Ok($class { inner })
                })
            }

            /// The state's name in the rendered definition.
            #[napi(getter)]
            pub fn name(&self, env: Env) -> napi::Result<String> {
                guard(&env, || Ok(self.inner.name()))
            }

            /// Renames the state.
            #[napi(setter)]
            pub fn set_name(&self, env: Env, #[napi(ts_arg_type = "string")] name: Unknown) -> napi::Result<()> {
                guard(&env, || {
                    let name: String = scalar(name, &At::new(concat!(stringify!($class), " name")))?;
                    self.inner.state().set_name(name);
                    Ok(())
                })
            }
        }
    };
}

state_class!(
    #[doc = "A `Pass` state: passes its input on, optionally injecting `result`."]
    Pass("PassOptions")
);
state_class!(
    #[doc = "A `Task` state: calls `resource` (a Lambda function, an activity or a service integration)."]
    Task("TaskOptions")
);
state_class!(
    #[doc = "A `Choice` state: `when(condition, next)`, `otherwise(next)`, `afterwards()`."]
    Choice("ChoiceOptions")
);
state_class!(
    #[doc = "A `Wait` state: waits `seconds`, or until `timestamp`."]
    Wait("WaitOptions")
);
state_class!(
    #[doc = "A `Succeed` state: ends the execution (or branch) successfully."]
    Succeed("SucceedOptions")
);
state_class!(
    #[doc = "A `Fail` state: ends the execution (or branch) with `error` and `cause`."]
    Fail("FailOptions")
);
state_class!(
    #[doc = "A `Parallel` state: runs every `branch` on the same input."]
    Parallel("ParallelOptions")
);
state_class!(
    #[doc = "A `Map` state: runs its `itemProcessor` for each item."]
    Map("MapOptions")
);

/// The state handle of an instance of one of the eight state classes.
pub fn state_ref(env: &Env, value: &Unknown) -> Result<Option<StateRef>> {
    macro_rules! try_classes {
        ($($class:ident),*) => {$(
            if let Some(state) = native::<$class>(env, value)? {
                return Ok(Some(state.inner.state().clone()));
            }
        )*};
    }
    try_classes!(Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map);
    Ok(None)
}

/// The JavaScript object of a state: the one the user made while it lives,
/// else a new object of its class.
pub fn state_object<'env>(env: &'env Env, state: &StateRef) -> Result<Unknown<'env>> {
    if let Some(object) = runtime::recall(env, state)? {
        return Ok(object);
    }
    macro_rules! wrap {
        ($($class:ident),*) => {
            match state.kind() {
                $(Kind::$class => {
                    let inner = builder::$class::try_from(state.clone())
                        .map_err(|_| Failure::Panic(format!("`{}` is not a {} state", state.name(), stringify!($class))))?;
                    $class { inner }.into_instance(env)?.as_object(env).to_unknown()
                })*
            }
        };
    }
    let object = wrap!(Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map);
    runtime::remember(env, state, &object)?;
    Ok(object)
}

/// `next` for the states that have a `Next`.
macro_rules! next_method {
    ($($class:ident),*) => {$(
        #[napi]
        impl $class {
            /// Goes on to `next` after this state; returns the chain from this state to `next`'s ends.
            #[napi]
            pub fn next(&self, env: Env, #[napi(ts_arg_type = "Chainable")] next: Unknown) -> napi::Result<Chain> {
                guard(&env, || Ok(self.inner.next(&link(&env, next, &At::new("next argument"))?)?.into()))
            }
        }
    )*};
}

next_method!(Pass, Task, Wait, Parallel, Map);

/// Nothing follows a Succeed or Fail state, and a Choice goes on through its
/// rules: in JavaScript `next` on them throws a ChainError (INVALID_CHAIN)
/// that says so, as in Python; the typings leave it out, so that TypeScript
/// refuses the call before it runs.
macro_rules! terminal_next {
    ($($class:ident),*) => {$(
        #[napi]
        impl $class {
            /// Throws a ChainError: see `terminal_next!`.
            #[napi(skip_typescript)]
            pub fn next(&self, env: Env, next: Unknown) -> napi::Result<Chain> {
                guard(&env, || Ok(self.inner.next(&link(&env, next, &At::new("next argument"))?)?.into()))
            }
        }
    )*};
}

terminal_next!(Succeed, Fail, Choice);

/// A retrier, for `addRetry`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RetryProps {
    /// `ErrorEquals`: the errors to retry (`['States.ALL']` when absent).
    #[napi(ts_type = "ReadonlyArray<string>")]
    pub errors: Option<()>,
    /// `IntervalSeconds` before the first retry.
    #[napi(ts_type = "number")]
    pub interval_seconds: Option<()>,
    /// `MaxAttempts` (0 never retries).
    #[napi(ts_type = "number")]
    pub max_attempts: Option<()>,
    /// `BackoffRate`: the multiplier of the interval after each attempt.
    #[napi(ts_type = "number")]
    pub backoff_rate: Option<()>,
    /// `MaxDelaySeconds`: a cap on the interval.
    #[napi(ts_type = "number")]
    pub max_delay_seconds: Option<()>,
    /// `JitterStrategy`.
    #[napi(ts_type = "'FULL' | 'NONE'")]
    pub jitter_strategy: Option<()>,
    /// `Comment`.
    #[napi(ts_type = "string")]
    pub comment: Option<()>,
}

const RETRY_KEYS: &[&str] =
    &["errors", "intervalSeconds", "maxAttempts", "backoffRate", "maxDelaySeconds", "jitterStrategy", "comment"];

fn retry(env: &Env, props: Option<Unknown>) -> Result<Retry> {
    let p = Props::new(env, props, "addRetry props", RETRY_KEYS)?;
    Ok(Retry {
        errors: p.strings("errors")?.unwrap_or_default(),
        interval_seconds: p.count("intervalSeconds")?,
        max_attempts: p.count("maxAttempts")?,
        backoff_rate: p.float("backoffRate")?,
        max_delay_seconds: p.count("maxDelaySeconds")?,
        jitter_strategy: p
            .one_of("jitterStrategy", &["FULL", "NONE"])?
            .map(|j| if j == "FULL" { JitterStrategy::Full } else { JitterStrategy::None }),
        comment: p.string("comment")?,
    })
}

/// A catcher, for `addCatch`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CatchProps {
    /// `ErrorEquals`: the errors to catch (`['States.ALL']` when absent).
    #[napi(ts_type = "ReadonlyArray<string>")]
    pub errors: Option<()>,
    /// `ResultPath` (JSONPath): where the error output goes; `null` discards it.
    #[napi(ts_type = "Path | null")]
    pub result_path: Option<()>,
    /// `Output` (JSONata).
    #[napi(ts_type = "Payload")]
    pub output: Option<()>,
    /// `Assign`: variables to set.
    #[napi(ts_type = "Payload")]
    pub assign: Option<()>,
    /// `Comment`.
    #[napi(ts_type = "string")]
    pub comment: Option<()>,
}

const CATCH_KEYS: &[&str] = &["errors", "resultPath", "output", "assign", "comment"];

fn catcher(env: &Env, props: Option<Unknown>) -> Result<Catch> {
    let p = Props::new(env, props, "addCatch props", CATCH_KEYS)?;
    Ok(Catch {
        errors: p.strings("errors")?.unwrap_or_default(),
        result_path: p.json(env, "resultPath")?,
        output: p.json(env, "output")?,
        assign: p.json(env, "assign")?,
        comment: p.string("comment")?,
    })
}

/// `addRetry` and `addCatch`, for Task, Parallel and Map.
macro_rules! error_handling {
    ($($class:ident),*) => {$(
        #[napi]
        impl $class {
            /// Adds a retrier; retriers are tried in the order added. Returns this state.
            #[napi]
            pub fn add_retry<'env>(
                &self,
                env: &'env Env,
                this: This<'env>,
                #[napi(ts_arg_type = "RetryProps")] props: Option<Unknown>,
            ) -> napi::Result<This<'env>> {
                guard(env, || {
                    self.inner.clone().add_retry(retry(env, props)?);
                    Ok(this)
                })
            }

            /// Adds a catcher that goes on to `handler`; catchers are tried in the order added. Returns this state.
            #[napi]
            pub fn add_catch<'env>(
                &self,
                env: &'env Env,
                this: This<'env>,
                #[napi(ts_arg_type = "Chainable")] handler: Unknown,
                #[napi(ts_arg_type = "CatchProps")] props: Option<Unknown>,
            ) -> napi::Result<This<'env>> {
                guard(env, || {
                    let handler = link(env, handler, &At::new("addCatch handler"))?;
                    self.inner.clone().add_catch(&handler, catcher(env, props)?);
                    Ok(this)
                })
            }
        }
    )*};
}

error_handling!(Task, Parallel, Map);

/// Optional fields of a Choice rule, for `when`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct WhenProps {
    /// `Comment` of the rule.
    #[napi(ts_type = "string")]
    pub comment: Option<()>,
    /// `Assign`: variables to set when the rule is taken.
    #[napi(ts_type = "Payload")]
    pub assign: Option<()>,
    /// `Output` (JSONata) when the rule is taken.
    #[napi(ts_type = "Payload")]
    pub output: Option<()>,
}

const WHEN_KEYS: &[&str] = &["comment", "assign", "output"];

/// Options of `Choice.afterwards`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct AfterwardsProps {
    /// Also join the Choice's `otherwise` branch (the Choice must not have one yet).
    #[napi(ts_type = "boolean")]
    pub include_otherwise: Option<()>,
}

const AFTERWARDS_KEYS: &[&str] = &["includeOtherwise"];

#[napi]
impl Choice {
    /// Adds a rule: when `condition` holds, go to `next`. Returns this Choice.
    #[napi]
    pub fn when<'env>(
        &self,
        env: &'env Env,
        this: This<'env>,
        #[napi(ts_arg_type = "Condition")] condition: Unknown,
        #[napi(ts_arg_type = "Chainable")] next: Unknown,
        #[napi(ts_arg_type = "WhenProps")] props: Option<Unknown>,
    ) -> napi::Result<This<'env>> {
        guard(env, || {
            let condition = self::condition(env, condition, &At::new("when condition"))?;
            let next = link(env, next, &At::new("when next"))?;
            let p = Props::new(env, props, "when props", WHEN_KEYS)?;
            let options = WhenOptions {
                comment: p.string("comment")?,
                assign: p.json(env, "assign")?,
                output: p.json(env, "output")?,
            };
            self.inner.clone().when_with(condition, &next, options);
            Ok(this)
        })
    }

    /// Where to go when no rule holds (`Default`). Returns this Choice.
    #[napi]
    pub fn otherwise<'env>(
        &self,
        env: &'env Env,
        this: This<'env>,
        #[napi(ts_arg_type = "Chainable")] next: Unknown,
    ) -> napi::Result<This<'env>> {
        guard(env, || {
            self.inner.clone().otherwise(&link(env, next, &At::new("otherwise argument"))?)?;
            Ok(this)
        })
    }

    /// A chain from this Choice to the open ends of all its branches, so that
    /// `choice.afterwards().next(x)` joins them again.
    #[napi]
    pub fn afterwards(
        &self,
        env: Env,
        #[napi(ts_arg_type = "AfterwardsProps")] props: Option<Unknown>,
    ) -> napi::Result<Chain> {
        guard(&env, || {
            let p = Props::new(&env, props, "afterwards props", AFTERWARDS_KEYS)?;
            Ok(self.inner.afterwards(p.bool("includeOtherwise")?.unwrap_or(false))?.into())
        })
    }
}

#[napi]
impl Parallel {
    /// Adds branches: each runs on the state's input. Returns this Parallel.
    #[napi(ts_args_type = "...branches: Chainable[]")]
    pub fn branch<'env>(&self, env: &'env Env, this: This<'env>, branches: Unknown) -> napi::Result<This<'env>> {
        guard(env, || {
            let branches = links(env, branches, "branch")?;
            if branches.is_empty() {
                return Err(Failure::Type {
                    code: "ERR_MISSING_ARGS",
                    message: "branch() needs at least one branch".into(),
                });
            }
            for branch in branches {
                self.inner.clone().branch(&branch);
            }
            Ok(this)
        })
    }
}

/// How a Map state runs its item processor (`ProcessorConfig`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ItemProcessorProps {
    /// `Mode`: `INLINE` (the default) or `DISTRIBUTED` (child executions).
    #[napi(ts_type = "'INLINE' | 'DISTRIBUTED'")]
    pub mode: Option<()>,
    /// `ExecutionType` of distributed child executions.
    #[napi(ts_type = "'STANDARD' | 'EXPRESS'")]
    pub execution_type: Option<()>,
}

const ITEM_PROCESSOR_KEYS: &[&str] = &["mode", "executionType"];

#[napi]
impl Map {
    /// Sets the states run for each item, and how. Returns this Map.
    #[napi]
    pub fn item_processor<'env>(
        &self,
        env: &'env Env,
        this: This<'env>,
        #[napi(ts_arg_type = "Chainable")] processor: Unknown,
        #[napi(ts_arg_type = "ItemProcessorProps")] props: Option<Unknown>,
    ) -> napi::Result<This<'env>> {
        guard(env, || {
            let processor = link(env, processor, &At::new("itemProcessor argument"))?;
            let p = Props::new(env, props, "itemProcessor props", ITEM_PROCESSOR_KEYS)?;
            let config = match p.object() {
                None => None,
                Some(_) => Some(ProcessorConfig {
                    mode: p
                        .one_of("mode", &["INLINE", "DISTRIBUTED"])?
                        .map(|m| if m == "DISTRIBUTED" { ProcessorMode::Distributed } else { ProcessorMode::Inline }),
                    execution_type: p
                        .one_of("executionType", &["STANDARD", "EXPRESS"])?
                        .map(|t| if t == "EXPRESS" { ExecutionType::Express } else { ExecutionType::Standard }),
                }),
            };
            self.inner.clone().item_processor(&processor, config);
            Ok(this)
        })
    }
}

/// The names of the errors Step Functions defines, for `errors` in
/// `addRetry` and `addCatch`.
#[napi(string_enum)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum Errors {
    /// Matches any error name.
    #[napi(value = "States.ALL")]
    ALL,
    /// Matches any error except `States.Timeout` and `States.Runtime`.
    #[napi(value = "States.TaskFailed")]
    TASKS_FAILED,
    /// A Task ran longer than `TimeoutSeconds` or missed a heartbeat.
    #[napi(value = "States.Timeout")]
    TIMEOUT,
    /// A Task missed a heartbeat for longer than `HeartbeatSeconds`.
    #[napi(value = "States.HeartbeatTimeout")]
    HEARTBEAT_TIMEOUT,
    /// A Task lacked the privileges to run its code.
    #[napi(value = "States.Permissions")]
    PERMISSIONS,
    /// A `ResultPath` could not be applied to the state's input.
    #[napi(value = "States.ResultPathMatchFailure")]
    RESULT_PATH_MATCH_FAILURE,
    /// A field in `Parameters` referenced a path that does not exist.
    #[napi(value = "States.ParameterPathFailure")]
    PARAMETER_PATH_FAILURE,
    /// A branch of a Parallel state failed.
    #[napi(value = "States.BranchFailed")]
    BRANCH_FAILED,
    /// A Choice state found no matching rule and has no `Default`.
    #[napi(value = "States.NoChoiceMatched")]
    NO_CHOICE_MATCHED,
    /// An intrinsic function call failed.
    #[napi(value = "States.IntrinsicFailure")]
    INTRINSIC_FAILURE,
    /// A distributed Map exceeded its tolerated failures.
    #[napi(value = "States.ExceedToleratedFailureThreshold")]
    EXCEED_TOLERATED_FAILURE_THRESHOLD,
    /// A distributed Map could not read its items.
    #[napi(value = "States.ItemReaderFailed")]
    ITEM_READER_FAILED,
    /// A distributed Map could not write its results.
    #[napi(value = "States.ResultWriterFailed")]
    RESULT_WRITER_FAILED,
    /// An exception that could not be processed (never retried by `States.ALL`).
    #[napi(value = "States.Runtime")]
    RUNTIME,
    /// Output larger than the payload quota.
    #[napi(value = "States.DataLimitExceeded")]
    DATA_LIMIT_EXCEEDED,
}

/// The two query languages of ASL.
#[napi(string_enum)]
#[allow(clippy::upper_case_acronyms)]
pub enum QueryLanguage {
    /// `InputPath`, `Parameters`, `ResultSelector`, `ResultPath`, `OutputPath`.
    #[napi(value = "JSONPath")]
    JSONPATH,
    /// `Arguments`, `Output` and `Assign` with `{% %}` expressions.
    #[napi(value = "JSONata")]
    JSONATA,
}
