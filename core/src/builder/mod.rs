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
mod naming;
mod node;
mod states;
pub mod surface;

pub use crate::asl::{ExecutionType, JitterStrategy, ProcessorConfig, ProcessorMode, QueryLanguage};
pub use chain::{Chain, Chainable, EndRef, Fragment};
pub use condition::{COMPARISONS, Condition, TYPE_TESTS};
pub use json::{PayloadValue, number};
pub use json_path::{Arg, INTRINSIC_HELPERS, JSON_PATH_CONSTANTS, JSON_PATH_PATHS, JsonPath};
pub use machine::StateMachine;
pub use naming::{Naming, api, naming, set_naming};
pub use node::{Kind, StateRef};
pub use states::{
    Catch, Choice, Fail, Map, Parallel, Pass, Retry, Succeed, Task, Wait, WhenOptions, camel_case, option_names,
    options_of, set_option, set_option_payload,
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payload_problems_point_into_the_field() {
        let state: StateRef = Pass::new("Prep").into();
        let payload = PayloadValue::Object(vec![(
            "list".into(),
            PayloadValue::Array(vec![PayloadValue::Json(json!(1)), PayloadValue::Expr("$.a".into())]),
        )]);
        // An array field holding an expression becomes States.Array(...).
        set_option_payload(&state, "parameters", payload).unwrap();
        assert_eq!(state.field("Parameters"), Some(json!({"list.$": "States.Array(1, $.a)"})));
        let bad = PayloadValue::Array(vec![PayloadValue::Expr("$.a".into())]);
        let err = set_option_payload(&state, "resultSelector", bad);
        assert!(err.is_err(), "Pass has no ResultSelector");
        let err = set_option_payload(&state, "result", PayloadValue::Array(vec![PayloadValue::Expr("$.a".into())]))
            .unwrap_err();
        assert_eq!(err.0[0].pointer, "/States/Prep/Result/0");
    }

    #[test]
    fn option_names_in_both_spellings() {
        assert!(option_names(Kind::Task, false).contains(&"timeout_seconds_path".to_string()));
        assert!(option_names(Kind::Task, true).contains(&"timeoutSecondsPath".to_string()));
        let err = set_option(&Task::new("T").into(), "timeoutSecond", json!(1)).unwrap_err();
        assert!(err.0[0].message.contains("timeoutSeconds"), "{}", err.0[0].message);
    }
}
