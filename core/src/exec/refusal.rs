//! A refused call on a [`World`](super::World) as the bindings report it:
//! AWS's exception name for the same refusal (what `ExecutionError.code` and
//! `StepforgeError.code` carry), declared here once for every host.

use super::world::ExecError;
use crate::Problems;

/// Every code [`ExecError::code`] gives, in the order of the variants.
pub const REFUSAL_CODES: &[&str] = &[
    "InvalidDefinition",
    "StateMachineDoesNotExist",
    "ExecutionAlreadyExists",
    "ExecutionDoesNotExist",
    "TaskDoesNotExist",
    "ExecutionNotRunning",
];

impl ExecError {
    /// The name of the exception the Step Functions API throws for this
    /// refusal (`StateMachineDoesNotExist`, `ExecutionNotRunning`…); an
    /// invalid definition is `InvalidDefinition`, as `CreateStateMachine` says.
    pub fn code(&self) -> &'static str {
        let index = match self {
            ExecError::InvalidDefinition(_) => 0,
            ExecError::StateMachineDoesNotExist(_) => 1,
            ExecError::ExecutionAlreadyExists(_) => 2,
            ExecError::ExecutionDoesNotExist(_) => 3,
            ExecError::TaskDoesNotExist(_) => 4,
            ExecError::ExecutionNotRunning(_) => 5,
        };
        REFUSAL_CODES[index]
    }

    /// The validator's problems, when the refusal is a definition that does
    /// not validate: the bindings raise those as their `ValidationError`.
    pub fn problems(&self) -> Option<&Problems> {
        match self {
            ExecError::InvalidDefinition(problems) => Some(problems),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_has_its_aws_name() {
        let errors = [
            ExecError::InvalidDefinition(Problems(Vec::new())),
            ExecError::StateMachineDoesNotExist("m".into()),
            ExecError::ExecutionAlreadyExists("e".into()),
            ExecError::ExecutionDoesNotExist("arn".into()),
            ExecError::TaskDoesNotExist("t".into()),
            ExecError::ExecutionNotRunning("arn".into()),
        ];
        let codes: Vec<&str> = errors.iter().map(ExecError::code).collect();
        assert_eq!(codes, REFUSAL_CODES);
        assert!(errors[0].problems().is_some());
        assert!(errors[1].problems().is_none());
    }
}
