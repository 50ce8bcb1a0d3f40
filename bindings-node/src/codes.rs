//! `codes()`: the problem codes with their documentation, from the core's
//! one declaration (`stepforge::codes`).

use napi::Env;
use napi_derive::napi;

use crate::errors::guard;

/// One problem code and its documentation.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct CodeInfo {
    /// The stable code, e.g. `MISSING_TRANSITION_TARGET` (what `Problem.code` holds).
    pub code: String,
    /// What is wrong, in one sentence.
    pub summary: String,
    /// Why it matters, then an example.
    pub doc: String,
}

/// Every problem code stepforge reports, in a stable order, each with its
/// summary and documentation.
#[napi]
pub fn codes(env: Env) -> napi::Result<Vec<CodeInfo>> {
    guard(&env, || {
        Ok(stepforge::Code::ALL
            .iter()
            .map(|&code| CodeInfo {
                code: code.as_str().to_owned(),
                summary: code.summary().to_owned(),
                doc: code.doc(),
            })
            .collect())
    })
}
