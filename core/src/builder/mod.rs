//! Building state machines in code, with the chaining model of the CDK.
//!
//! ```
//! use stepforge::builder::*;
//! use stepforge::Problems;
//!
//! # fn main() -> Result<(), Problems> {
//! let hello = Pass::new("Hello").result(serde_json::json!({"greeting": "hi"}));
//! let done = Succeed::new("Done");
//! let definition = hello.next(&done)?;
//! let json = StateMachine::new(&definition).timeout_seconds(60).render()?;
//! assert!(json.contains("\"StartAt\": \"Hello\""));
//! # Ok(())
//! # }
//! ```
//!
//! States are shared handles: `a.next(&b)` links `a` to `b`. Options are
//! stored as ASL fields and checked when the machine renders, by the same
//! parser and validator that check definition text, so every mistake comes
//! back as a [`Problem`](crate::Problem) with a code and a JSON pointer.

mod chain;
mod condition;
mod json;
mod json_path;
mod machine;
mod node;
mod states;

pub use crate::asl::{ExecutionType, JitterStrategy, ProcessorConfig, ProcessorMode, QueryLanguage};
pub use chain::{Chain, Chainable, EndRef, Fragment};
pub use condition::{COMPARISONS, Condition, TYPE_TESTS};
pub use json::{PayloadValue, number};
pub use json_path::{Arg, JsonPath};
pub use machine::StateMachine;
pub use node::{Kind, StateRef};
pub use states::{
    Catch, Choice, Fail, Map, Parallel, Pass, Retry, Succeed, Task, Wait, WhenOptions, options_of, set_option,
};
