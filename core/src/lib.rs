//! stepforge: a toolkit for AWS Step Functions state machines.
//!
//! - [`asl`]: the Amazon States Language, typed; parse and render.
//! - [`validate`]: the checks AWS applies when a state machine is created, and more.
//! - [`codes`]: the problem codes those checks report, each with its documentation.
//! - [`builder`]: build state machines in code, with the chaining model of the CDK.
//! - [`exec`]: run definitions locally on a virtual clock.
//! - [`fragments`]: the semaphore, the DynamoDB-list Map and the phased job graph.
//!
//! The crate holds every piece of logic; the Python and Node packages are thin
//! bindings over it.

pub mod asl;
pub mod builder;
#[cfg(feature = "cli")]
pub mod cli;
pub mod codes;
pub mod diagram;
pub mod dynamo;
pub mod error;
pub mod exec;
pub mod fragments;
pub mod validate;

pub use error::{Code, Problem, Problems};

/// The crate version, as the bindings report it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The README's Rust example, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
