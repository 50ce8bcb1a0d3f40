//! Chaining: `Chain`, `Fragment`, the `StateMachineFragment` base class, and
//! the conversion of any chainable argument (a state, a `Chain`, a `Fragment`,
//! or a CDK-style object with `startState` and `endStates`).

use napi::bindgen_prelude::{Array, FromNapiValue, JavaScriptClassExt, JsObjectValue, Object, This, Unknown};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use stepforge::builder::{self, Chainable, EndRef, Kind, StateRef};

use crate::errors::{Result, guard, type_error, value_error};
use crate::runtime::js_class;
use crate::states;
use crate::value::{At, constructed_with_new, describe, native, scalar, too_deep};

/// A chainable argument, resolved to the core's types.
pub enum Link {
    /// One state.
    State(StateRef),
    /// A start state and explicit ends (`Chain`, a CDK-style fragment).
    Chain(builder::Chain),
    /// A native `Fragment`.
    Fragment(builder::Fragment),
}

impl Chainable for Link {
    fn start_state(&self) -> StateRef {
        match self {
            Link::State(s) => s.clone(),
            Link::Chain(c) => c.start_state(),
            Link::Fragment(f) => f.start_state(),
        }
    }

    fn end_states(&self) -> Vec<EndRef> {
        match self {
            Link::State(s) => s.end_states(),
            Link::Chain(c) => c.end_states(),
            Link::Fragment(f) => f.end_states(),
        }
    }
}

/// Resolves a chainable argument; `at` names it in errors.
pub fn link(env: &Env, value: Unknown, at: &At) -> Result<Link> {
    if let Some(state) = states::state_ref(env, &value)? {
        return Ok(Link::State(state));
    }
    if let Some(chain) = native::<Chain>(env, &value)? {
        return Ok(Link::Chain(chain.inner.clone()));
    }
    if let Some(fragment) = native::<Fragment>(env, &value)? {
        return Ok(Link::Fragment(fragment.inner.clone()));
    }
    let ty = value.get_type()?;
    if ty == ValueType::Object {
        if at.too_deep() {
            return Err(too_deep(at));
        }
        let object = Object::from_unknown(value)?;
        if object.has_named_property("startState")? && object.has_named_property("endStates")? {
            let start = link(env, object.get_named_property("startState")?, &at.key("startState"))?;
            let ends = ends(env, object.get_named_property("endStates")?, &at.key("endStates"))?;
            return Ok(Link::Chain(builder::Chain::custom(start.start_state(), ends)));
        }
    }
    Err(type_error(format!(
        "`{at}` must be a state, a Chain, a Fragment or an object with startState and endStates, not {}",
        describe(&value, ty)?
    )))
}

/// The open ends of every entry of an array of chainables; an entry nothing
/// can follow (a Succeed, Fail or Choice state) is a `TypeError`.
pub fn ends(env: &Env, value: Unknown, at: &At) -> Result<Vec<EndRef>> {
    let mut out = Vec::new();
    for (i, item) in elements(value, at)?.into_iter().enumerate() {
        let entry = link(env, item, &at.index(i))?;
        let ends = entry.end_states();
        if ends.is_empty() {
            let start = entry.start_state();
            let hint = if start.kind() == Kind::Choice { " (use choice.afterwards())" } else { "" };
            return Err(value_error(format!(
                "`{}` cannot be followed: nothing can come after `{}`, a {} state{hint}",
                at.index(i),
                start.name(),
                start.kind().as_str()
            )));
        }
        out.extend(ends);
    }
    Ok(out)
}

/// The elements of an array argument.
pub fn elements<'a>(value: Unknown<'a>, at: &At) -> Result<Vec<Unknown<'a>>> {
    if !value.is_array()? {
        return Err(type_error(format!("`{at}` must be an array, not {}", describe(&value, value.get_type()?)?)));
    }
    let array = Array::from_unknown(value)?;
    let mut out = Vec::with_capacity(array.len() as usize);
    for i in 0..array.len() {
        out.push(array.get::<Unknown>(i)?.ok_or_else(|| type_error(format!("`{}` is missing", at.index(i as usize))))?);
    }
    Ok(out)
}

/// Every chainable of a rest parameter, resolved.
pub fn links(env: &Env, items: Unknown, what: &str) -> Result<Vec<Link>> {
    let at = At::new(what);
    elements(items, &at)?
        .into_iter()
        .enumerate()
        .map(|(i, item)| link(env, item, &At::new(format!("{what} argument {}", i + 1))))
        .collect()
}

/// A sequence of states built with `next`: from a start state to its ends.
#[napi]
pub struct Chain {
    pub(crate) inner: builder::Chain,
}

impl From<builder::Chain> for Chain {
    fn from(inner: builder::Chain) -> Self {
        Chain { inner }
    }
}

#[napi]
impl Chain {
    /// A chain that starts (and for now ends) with `start`:
    /// `Chain.start(first).next(second)`.
    #[napi]
    pub fn start(env: Env, #[napi(ts_arg_type = "Chainable")] start: Unknown) -> napi::Result<Chain> {
        guard(&env, || Ok(builder::Chain::start(&link(&env, start, &At::new("Chain.start argument"))?).into()))
    }

    /// Links the chainables one after another: `Chain.sequence(a, b, c)` is
    /// `a.next(b).next(c)`, starting at `a`.
    #[napi(configurable, ts_args_type = "...chainables: Chainable[]")]
    pub fn sequence(env: Env, chainables: Unknown) -> napi::Result<Chain> {
        guard(&env, || {
            let items = links(&env, chainables, "Chain.sequence")?;
            let refs: Vec<&dyn Chainable> = items.iter().map(|l| l as &dyn Chainable).collect();
            Ok(builder::Chain::sequence(&refs)?.into())
        })
    }

    /// Follows this chain with `next`; returns the chain from this chain's start to `next`'s ends.
    #[napi]
    pub fn next(&self, env: Env, #[napi(ts_arg_type = "Chainable")] next: Unknown) -> napi::Result<Chain> {
        guard(&env, || Ok(self.inner.next(&link(&env, next, &At::new("next argument"))?)?.into()))
    }

    /// The state execution enters first.
    #[napi(getter, ts_return_type = "State")]
    pub fn start_state<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        guard(env, || states::state_object(env, &self.inner.start_state()))
    }

    /// Where a following state is attached: states, or a `Chain` for the
    /// missing `otherwise` of a Choice (`afterwards({ includeOtherwise: true })`).
    #[napi(getter, ts_return_type = "Array<State | Chain>")]
    pub fn end_states<'env>(&self, env: &'env Env) -> napi::Result<Vec<Unknown<'env>>> {
        guard(env, || end_objects(env, &self.inner.end_states()))
    }
}

/// The JavaScript objects of a list of ends.
fn end_objects<'env>(env: &'env Env, ends: &[EndRef]) -> Result<Vec<Unknown<'env>>> {
    ends.iter()
        .map(|end| match end {
            EndRef::Next(state) => states::state_object(env, state),
            EndRef::Default(choice) => {
                let chain = Chain::from(builder::Chain::custom(choice.clone(), vec![end.clone()]));
                Ok(chain.into_instance(env)?.as_object(env).to_unknown())
            }
        })
        .collect()
}

/// A reusable piece of a state machine: a start state, the end states a
/// following state is attached to, and the states in between.
#[napi]
pub struct Fragment {
    pub(crate) inner: builder::Fragment,
}

#[napi]
impl Fragment {
    /// A fragment from `startState` to `endStates` (each entry contributes its
    /// open ends; by default, the open ends of `startState`). Its states are
    /// those reachable from `startState` without going past an end state.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        this: This<Unknown>,
        #[napi(ts_arg_type = "Chainable")] start_state: Unknown,
        #[napi(ts_arg_type = "ReadonlyArray<Chainable>")] end_states: Option<Unknown>,
    ) -> napi::Result<Self> {
        guard(&env, || {
            constructed_with_new::<Fragment>(&env, &this)?;
            let start = link(&env, start_state, &At::new("startState"))?;
            let inner = match end_states {
                Some(ends_value) => builder::Fragment::new(&start, ends(&env, ends_value, &At::new("endStates"))?),
                None => builder::Fragment::from_chainable(&start),
            };
            Ok(Fragment { inner })
        })
    }

    /// Prefixes the name of every state of the fragment (`"Quick: First"`), so
    /// that one fragment can be used several times in one state machine.
    #[napi]
    pub fn prefix_states<'env>(
        &self,
        env: &'env Env,
        this: This<'env>,
        #[napi(ts_arg_type = "string")] prefix: Unknown,
    ) -> napi::Result<This<'env>> {
        guard(env, || {
            let prefix: String = scalar(prefix, &At::new("prefixStates prefix"))?;
            self.inner.clone().prefix_states(&prefix);
            Ok(this)
        })
    }

    /// The state execution enters first.
    #[napi(getter, ts_return_type = "State")]
    pub fn start_state<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        guard(env, || states::state_object(env, &self.inner.start_state()))
    }

    /// Where a following state is attached.
    #[napi(getter, ts_return_type = "Array<State | Chain>")]
    pub fn end_states<'env>(&self, env: &'env Env) -> napi::Result<Vec<Unknown<'env>>> {
        guard(env, || end_objects(env, &self.inner.end_states()))
    }

    /// The states of the fragment (nested branches included), as `prefixStates` renames them.
    #[napi(getter, ts_return_type = "Array<State>")]
    pub fn states<'env>(&self, env: &'env Env) -> napi::Result<Vec<Unknown<'env>>> {
        guard(env, || self.inner.states().iter().map(|state| states::state_object(env, state)).collect())
    }

    /// Follows the fragment with `next`; returns the chain from the fragment's start to `next`'s ends.
    #[napi]
    pub fn next(&self, env: Env, #[napi(ts_arg_type = "Chainable")] next: Unknown) -> napi::Result<Chain> {
        guard(&env, || Ok(self.inner.next(&link(&env, next, &At::new("next argument"))?)?.into()))
    }
}

js_class!(
    /// The constructor of [`StateMachineFragment`] (declared in `header.d.ts`).
    StateMachineFragmentConstructor => "StateMachineFragment"
);

/// The base class of CDK-style fragments: a subclass sets `this.startState`
/// and `this.endStates` in its constructor and inherits `next()` and
/// `prefixStates()` (whose prefix defaults to `` `${id}: ` ``).
///
/// ```ts
/// class MyJob extends StateMachineFragment {
///   constructor(id: string, flavor: string) {
///     super(id)
///     const first = new Task('First', { resource: arn, parameters: { flavor } })
///     const last = new Task('Last', { resource: arn })
///     first.next(last)
///     this.startState = first
///     this.endStates = [last]
///   }
/// }
/// ```
#[napi]
#[allow(non_upper_case_globals)]
pub const StateMachineFragment: StateMachineFragmentConstructor = StateMachineFragmentConstructor;
