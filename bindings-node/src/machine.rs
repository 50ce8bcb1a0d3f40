//! `StateMachine`: renders a built graph to canonical ASL, checked by the
//! same parser and validator as definition text.

use napi::Env;
use napi::bindgen_prelude::{This, Unknown};
use napi_derive::napi;
use stepforge::builder;
use stepforge::builder::surface::{self, OptionSpec, QUERY_LANGUAGES, STATE_MACHINE_PROPS};

use crate::chain::link;
use crate::errors::{Problem, guard, problems};
use crate::value::{At, JsonValue, Props, constructed_with_new};

/// A whole state machine: the definition that starts at `definition`'s start
/// state, with its top-level fields.
#[napi]
pub struct StateMachine {
    pub(crate) inner: builder::StateMachine,
}

#[napi]
impl StateMachine {
    /// A state machine that starts with `definition`'s start state.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        this: This<Unknown>,
        #[napi(ts_arg_type = "Chainable")] definition: Unknown,
        #[napi(ts_arg_type = "StateMachineProps")] props: Option<Unknown>,
    ) -> napi::Result<Self> {
        guard(&env, || {
            constructed_with_new::<StateMachine>(&env, &this)?;
            let start = link(&env, definition, &At::new("definition"))?;
            let keys: Vec<String> = STATE_MACHINE_PROPS.iter().map(OptionSpec::js_name).collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let p = Props::new(&env, props, "StateMachine props", &keys)?;
            let mut inner = builder::StateMachine::new(&start);
            if let Some(t) = p.count("timeoutSeconds")? {
                inner = inner.timeout_seconds(t);
            }
            if let Some(c) = p.string("comment")? {
                inner = inner.comment(c);
            }
            if let Some(ql) = p.one_of("queryLanguage", QUERY_LANGUAGES)?.and_then(|q| surface::query_language(&q)) {
                inner = inner.query_language(ql);
            }
            Ok(StateMachine { inner })
        })
    }

    /// The definition as canonical ASL JSON text (the same bytes the Rust and
    /// Python builders write). Throws a `ValidationError` listing every problem.
    #[napi]
    pub fn to_json(&self, env: Env) -> napi::Result<String> {
        guard(&env, || Ok(self.inner.render()?))
    }

    /// The definition as a plain object, in canonical key order. Throws a
    /// `ValidationError` listing every problem.
    #[napi(ts_return_type = "Record<string, unknown>")]
    pub fn to_object(&self, env: Env) -> napi::Result<JsonValue> {
        guard(&env, || Ok(JsonValue(self.inner.to_json()?)))
    }

    /// Every problem of the definition; an empty array when it is valid.
    #[napi]
    pub fn validate(&self, env: Env) -> napi::Result<Vec<Problem>> {
        guard(&env, || Ok(self.inner.to_definition().err().map(|p| problems(&p.0)).unwrap_or_default()))
    }
}
