//! The eight state classes, made from the core's table of state types
//! (`stepforge::for_each_state!`), their Retry/Catch, Choice rules, Parallel
//! branches and the Map item processor.
//!
//! Options are applied generically through `stepforge::builder::set_option`
//! (the core's table of option names); their TypeScript interfaces
//! (`PassOptions`, `RetryProps`…) are written into `header.d.ts` from the
//! same table by `cargo run -p xtask -- gen`.

use napi::bindgen_prelude::{JavaScriptClassExt, JsObjectValue, ObjectFinalize, This, Unknown};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use stepforge::builder::surface::{
    self, AFTERWARDS_PROPS, CATCH_PROPS, EXECUTION_TYPES, ITEM_PROCESSOR_PROPS, JITTER_STRATEGIES, OptionSpec,
    PROCESSOR_MODES, RETRY_PROPS, WHEN_PROPS,
};
use stepforge::builder::{
    self, Catch, Chainable, Kind, ProcessorConfig, Retry, StateRef, WhenOptions, option_names, set_option_payload,
};

use crate::chain::{Chain, link, links};
use crate::condition::condition;
use crate::errors::{Failure, Result, guard, value_error};
use crate::runtime;
use crate::value::{At, Props, constructed_with_new, native, own_keys, scalar, to_payload};

/// Sets a new state's options; an unknown name is a `TypeError` listing the
/// valid ones. Errors name the state; a problem with a value (a
/// `JsonPathExpr` where no key can take it) points into the state's field
/// (the core's `set_option_payload` does that).
fn apply_options(env: &Env, state: &StateRef, options: Option<Unknown>) -> Result<()> {
    let kind = state.kind();
    let what = format!("{} `{}`", kind.as_str(), state.name());
    let props = Props::open(options, "options").map_err(|e| e.context(&what))?;
    let Some(object) = props.object() else { return Ok(()) };
    for key in own_keys(env, object)? {
        if surface::option(kind, &key, true).is_none() {
            return Err(value_error(format!(
                "{what}: `{key}` is not an option of a {} state; its options are {}",
                kind.as_str(),
                option_names(kind, true).join(", ")
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

/// Reads a helper's props object: its keys must be the JavaScript names of
/// the core's `table`.
fn props<'env>(
    env: &Env,
    value: Option<Unknown<'env>>,
    what: &'static str,
    table: &[OptionSpec],
) -> Result<Props<'env>> {
    let keys: Vec<String> = table.iter().map(OptionSpec::js_name).collect();
    Props::new(env, value, what, &keys.iter().map(String::as_str).collect::<Vec<_>>())
}

/// A state class: the core's state, its constructor and its `name`.
macro_rules! state_classes {
    ($(#[doc = $doc:tt] $class:ident($options:tt) [$($ability:ident)*] { $($opt:ident),* $(,)? })*) => {$(
        state_classes!(@class #[doc = $doc] $class($options));
        $(state_classes!(@$ability $class);)*
    )*};
    (@next $class:ident) => {
        #[napi]
        impl $class {
            /// Goes on to `next` after this state; returns the chain from this state to `next`'s ends.
            #[napi]
            pub fn next(&self, env: Env, #[napi(ts_arg_type = "Chainable")] next: Unknown) -> napi::Result<Chain> {
                guard(&env, || Ok(self.inner.next(&link(&env, next, &At::new("next argument"))?)?.into()))
            }
        }
    };
    // Nothing follows a Succeed or Fail state, and a Choice goes on through
    // its rules: in JavaScript `next` on them throws a ChainError
    // (INVALID_CHAIN) that says so, as in Python; the typings leave it out,
    // so that TypeScript refuses the call before it runs.
    (@terminal $class:ident) => {
        #[napi]
        impl $class {
            /// Throws a ChainError: nothing follows this state.
            #[napi(skip_typescript)]
            pub fn next(&self, env: Env, next: Unknown) -> napi::Result<Chain> {
                guard(&env, || Ok(self.inner.next(&link(&env, next, &At::new("next argument"))?)?.into()))
            }
        }
    };
    (@choice $class:ident) => {
        state_classes!(@terminal $class);
    };
    (@errors $class:ident) => {
        error_handling!($class);
    };
    // Written by hand below.
    (@branch $class:ident) => {};
    (@processor $class:ident) => {};
    (@class #[doc = $doc:tt] $class:ident($options:tt)) => {
        #[doc = $doc]
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

fn retry(env: &Env, props: Option<Unknown>) -> Result<Retry> {
    let p = self::props(env, props, "addRetry props", RETRY_PROPS)?;
    Ok(Retry {
        errors: p.strings("errors")?.unwrap_or_default(),
        interval_seconds: p.count("intervalSeconds")?,
        max_attempts: p.count("maxAttempts")?,
        backoff_rate: p.float("backoffRate")?,
        max_delay_seconds: p.count("maxDelaySeconds")?,
        jitter_strategy: p.one_of("jitterStrategy", JITTER_STRATEGIES)?.and_then(|j| surface::jitter_strategy(&j)),
        comment: p.string("comment")?,
    })
}

fn catcher(env: &Env, props: Option<Unknown>) -> Result<Catch> {
    let p = self::props(env, props, "addCatch props", CATCH_PROPS)?;
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
            let p = self::props(env, props, "when props", WHEN_PROPS)?;
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
            let p = self::props(&env, props, "afterwards props", AFTERWARDS_PROPS)?;
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
            let p = self::props(env, props, "itemProcessor props", ITEM_PROCESSOR_PROPS)?;
            let config = match p.object() {
                None => None,
                Some(_) => Some(ProcessorConfig {
                    mode: p.one_of("mode", PROCESSOR_MODES)?.and_then(|m| surface::processor_mode(&m)),
                    execution_type: p
                        .one_of("executionType", EXECUTION_TYPES)?
                        .and_then(|t| surface::execution_type(&t)),
                }),
            };
            self.inner.clone().item_processor(&processor, config);
            Ok(this)
        })
    }
}

/// A `string_enum` of constants from one of the core's tables.
macro_rules! string_enum {
    ($(#[doc = $doc:tt])* $name:ident: $($constant:ident = $value:tt, $cdoc:tt;)*) => {
        $(#[doc = $doc])*
        #[napi(string_enum)]
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        pub enum $name {
            $(#[doc = $cdoc] #[napi(value = $value)] $constant,)*
        }
    };
}

macro_rules! errors_enum {
    ($($table:tt)*) => {
        string_enum!(
            #[doc = "The names of the errors Step Functions defines, for `errors` in"]
            #[doc = "`addRetry` and `addCatch`."]
            Errors: $($table)*
        );
    };
}

stepforge::for_each_error_name!(errors_enum);

macro_rules! query_language_enum {
    ($($table:tt)*) => {
        string_enum!(#[doc = "The two query languages of ASL."] QueryLanguage: $($table)*);
    };
}

stepforge::for_each_query_language!(query_language_enum);

stepforge::for_each_state!(state_classes);
