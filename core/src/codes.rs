//! The problem codes, declared once.
//!
//! Each code is declared below with its stable string, a one-line summary
//! (what is wrong), why it matters, and an example. Everything else comes from
//! this one declaration: the [`Code`] enum and its docs, [`Code::ALL`], the
//! strings, [`Code::doc`], the `codes()` listing of the Python and Node
//! packages, and the README's table of codes ([`markdown_table`]; a test fails
//! when the README differs).
//!
//! The module depends on nothing else in the crate, so every layer (the ASL
//! parser, the validator, the builder) can report problems with it.

use std::fmt;

/// An example of a problem: a definition that shows it, or a sentence when no
/// short definition can (a builder mistake, a quota, a bug).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Example {
    /// Compact ASL JSON whose validation reports the code (a test checks it).
    Definition(&'static str),
    /// How the problem comes about, in words.
    Prose(&'static str),
}

impl Example {
    /// The example's text: the definition or the sentence.
    pub const fn text(self) -> &'static str {
        match self {
            Example::Definition(text) | Example::Prose(text) => text,
        }
    }
}

/// Declares the codes: the enum, with each code's summary and reason as its
/// doc, and the lookups over it.
macro_rules! declare_codes {
    ($(
        $variant:ident = $name:literal {
            summary: $summary:literal,
            why: $why:literal,
            example: $example:expr $(,)?
        }
    ),+ $(,)?) => {
        /// What kind of problem was found. The string form ([`Code::as_str`]) is
        /// stable: tools may match on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $(
                #[doc = $summary]
                #[doc = ""]
                #[doc = $why]
                $variant,
            )+
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The stable string form, `UPPER_SNAKE_CASE`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)+
                }
            }

            /// What is wrong, in one sentence.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)+
                }
            }

            /// Why it matters: what AWS (or an execution) does with it.
            pub const fn why(self) -> &'static str {
                match self {
                    $(Code::$variant => $why,)+
                }
            }

            /// An example of the problem.
            pub const fn example(self) -> Example {
                match self {
                    $(Code::$variant => $example,)+
                }
            }
        }
    };
}

use Example::{Definition, Prose};

declare_codes! {
    InvalidJson = "INVALID_JSON" {
        summary: "The text is not JSON (or not UTF-8).",
        why: "Step Functions reads a definition as JSON text, so nothing in it can be checked or run \
              until it parses; CreateStateMachine rejects it outright.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"},}}"#),
    },
    DuplicateKey = "DUPLICATE_KEY" {
        summary: "An object has the same key twice.",
        why: "Which of two equal keys counts depends on the JSON reader (the first, the last, or an \
              error), so the definition would mean different things to different tools.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "Result": 2, "End": true}}}"#),
    },
    InvalidType = "INVALID_TYPE" {
        summary: "A field has the wrong JSON type.",
        why: "Every ASL field has one JSON type: a number of seconds written as a string, or a list \
              where an object belongs, fails AWS's schema check.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": "10", "End": true}}}"#),
    },
    MissingField = "MISSING_FIELD" {
        summary: "A required field is absent.",
        why: "Without it there is nothing to run: a state machine needs `StartAt` and `States`, a Task \
              its `Resource`, a Wait a time to wait.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "End": true}}}"#),
    },
    UnknownField = "UNKNOWN_FIELD" {
        summary: "A field that this object (state type, query language) does not allow.",
        why: "AWS rejects fields a state type does not define; the usual cause is a misspelling \
              (`Retrys`) or a field of another state type, which would otherwise do nothing.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Retrys": [], "End": true}}}"#),
    },
    InvalidValue = "INVALID_VALUE" {
        summary: "A field's value is not one of the allowed values.",
        why: "Fields such as `QueryLanguage`, a Map's processor `Mode` or a retrier's `JitterStrategy` \
              take one of a few words; AWS rejects any other.",
        example: Definition(
            r#"{"QueryLanguage": "SQL", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#
        ),
    },
    FieldConflict = "FIELD_CONFLICT" {
        summary: "Two fields that exclude each other are both present.",
        why: "Some fields say the same thing two ways (a Wait's `Seconds` and `Timestamp`, a Fail's \
              `Error` and `ErrorPath`); AWS accepts one of them, so there is no doubt which applies.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 5, "Timestamp": "2030-01-01T00:00:00Z", "End": true}}}"#
        ),
    },
    OutOfRange = "OUT_OF_RANGE" {
        summary: "A number outside the range AWS allows.",
        why: "AWS bounds numbers such as a Wait's seconds, a retrier's `MaxAttempts` and \
              `BackoffRate`, or a Map's `MaxConcurrency`; a negative wait or a backoff below 1 has no \
              meaning.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": -1, "End": true}}}"#),
    },
    EmptyList = "EMPTY_LIST" {
        summary: "A list that must not be empty is empty.",
        why: "An empty `Choices`, `Branches` or `ErrorEquals` has nothing to match or run; AWS \
              requires at least one item.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [], "End": true}}}"#),
    },
    UnknownStateType = "UNKNOWN_STATE_TYPE" {
        summary: "`Type` is not one of the eight state types.",
        why: "`Type` decides what every other field means; AWS knows Task, Pass, Choice, Wait, \
              Succeed, Fail, Parallel and Map, written with that capitalisation.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Lambda", "End": true}}}"#),
    },
    InvalidStateName = "INVALID_STATE_NAME" {
        summary: "A state name is empty or longer than 80 characters.",
        why: "Step Functions limits state names to 1 to 80 characters, and rejects a definition with \
              a longer or empty one.",
        example: Definition(r#"{"StartAt": "", "States": {"": {"Type": "Succeed"}}}"#),
    },
    NextAndEnd = "NEXT_AND_END" {
        summary: "A state has both `Next` and `End`.",
        why: "A state either moves on to `Next` or ends the execution; with both it is unclear which \
              was meant, and AWS rejects it.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"}}}"#
        ),
    },
    MissingTransition = "MISSING_TRANSITION" {
        summary: "A state that must transition has neither `Next` nor `End: true`.",
        why: "Task, Pass, Wait, Parallel and Map states must say where the execution goes after them; \
              AWS rejects one that does not.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}"#),
    },
    TerminalStateWithTransition = "TERMINAL_STATE_WITH_TRANSITION" {
        summary: "A Succeed, Fail or Choice state has `Next` or `End`.",
        why: "Succeed and Fail end the execution, and a Choice picks its next state with its rules; \
              AWS rejects a `Next` or `End` on them.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed", "End": true}}}"#),
    },
    MissingTransitionTarget = "MISSING_TRANSITION_TARGET" {
        summary: "`Next`, `Default`, `StartAt` or a Catch `Next` names no state in its scope.",
        why: "AWS rejects a transition to a state that does not exist. The cause is usually a typo or \
              a difference in case; the message suggests the nearest name.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Done"}], "Default": "done"}, "Done": {"Type": "Succeed"}}}"#
        ),
    },
    TransitionOutOfScope = "TRANSITION_OUT_OF_SCOPE" {
        summary: "A transition leaves its Parallel branch or Map item processor, or enters another.",
        why: "The states of a Parallel branch or a Map item processor only transition among \
              themselves: the branch ends, then the Parallel or Map state moves on. AWS rejects a \
              transition across the boundary.",
        example: Definition(
            r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Done"}], "Default": "Y"}, "Y": {"Type": "Succeed"}}}], "Next": "Done"}, "Done": {"Type": "Succeed"}}}"#
        ),
    },
    DuplicateStateName = "DUPLICATE_STATE_NAME" {
        summary: "Two states anywhere in the definition share a name.",
        why: "State names must be unique in the whole state machine, inside branches and item \
              processors too: execution history and errors name a state by its name alone.",
        example: Definition(
            r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}], "End": true}}}"#
        ),
    },
    UnreachableState = "UNREACHABLE_STATE" {
        summary: "No path from `StartAt` reaches this state.",
        why: "A state that nothing transitions to never runs; it is usually a forgotten `Next`, and \
              AWS rejects it.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}}"#
        ),
    },
    MissingTerminalState = "MISSING_TERMINAL_STATE" {
        summary: "A state machine or branch has no Succeed, Fail or `End: true` state.",
        why: "Without a state that ends it, an execution could never finish; AWS rejects the \
              definition.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}"#
        ),
    },
    NoPathToEnd = "NO_PATH_TO_END" {
        summary: "From this state no terminal state can be reached: an execution that gets here never ends.",
        why: "A loop without a way out runs until the execution times out (a year for a Standard \
              workflow) and is billed for every transition. AWS accepts such a definition when \
              another part of it can end; stepforge reports it.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "Done"}], "Default": "Loop"}, "Loop": {"Type": "Pass", "Next": "Loop"}, "Done": {"Type": "Succeed"}}}"#
        ),
    },
    StatesAllPosition = "STATES_ALL_POSITION" {
        summary: "`States.ALL` shares its `ErrorEquals` with other names, or is not in the last retrier or catcher.",
        why: "`States.ALL` matches every error, so names beside it and retriers or catchers after it \
              could never apply; AWS requires it alone, in the last one.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F", "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["States.Timeout"]}], "End": true}}}"#
        ),
    },
    UnknownPredefinedError = "UNKNOWN_PREDEFINED_ERROR" {
        summary: "An error name starting with `States.` that AWS does not define.",
        why: "Names starting with `States.` are reserved for the errors Step Functions raises; a \
              misspelt one (`States.Timeot`) never matches, so the retrier or catcher never applies.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F", "Retry": [{"ErrorEquals": ["States.Timeot"]}], "End": true}}}"#
        ),
    },
    InvalidReferencePath = "INVALID_REFERENCE_PATH" {
        summary: "A string that must be a reference path (one node: `$.a.b[0]`) is not one.",
        why: "`ResultPath` and the other fields that write or point at one value need a path to a \
              single node; a wildcard, slice or filter could match many, and AWS rejects it.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$.items[*]", "End": true}}}"#
        ),
    },
    InvalidJsonPath = "INVALID_JSONPATH" {
        summary: "A string that must be a JSONPath is not valid JSONPath.",
        why: "A path that does not parse cannot select anything; AWS rejects the definition rather \
              than fail every execution at that state.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.a[", "End": true}}}"#),
    },
    InvalidIntrinsic = "INVALID_INTRINSIC" {
        summary: "An intrinsic function call (`States.Format(...)`) is malformed or misused.",
        why: "Intrinsic functions have fixed names, argument counts and argument types; a call that \
              breaks them is rejected by AWS, or fails the state with `States.IntrinsicFailure`.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"text.$": "States.Format('{} owes {}', $.debtor)"}, "End": true}}}"#
        ),
    },
    InvalidDynamicValue = "INVALID_DYNAMIC_VALUE" {
        summary: "A `.$` field whose value is not a path or an intrinsic function call.",
        why: "A key ending in `.$` takes its value from a path or an intrinsic call; a plain string \
              there is an error, not a literal (drop the `.$` for a literal).",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"greeting.$": "hello"}, "End": true}}}"#
        ),
    },
    DuplicateTemplateField = "DUPLICATE_TEMPLATE_FIELD" {
        summary: "A payload template has both `x` and `x.$`.",
        why: "Both would set the same key `x` in the result, and AWS does not say which wins; it \
              rejects the template.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"owner": "ops", "owner.$": "$.team"}, "End": true}}}"#
        ),
    },
    InvalidJsonata = "INVALID_JSONATA" {
        summary: "A JSONata field is not a `{% expression %}` string, or the expression is malformed.",
        why: "In a JSONata state, fields are evaluated only when written as `{% ... %}`; a malformed \
              expression is rejected by AWS, and an unwrapped one is taken as a plain string.",
        example: Definition(
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% ($states.input.a %}", "End": true}}}"#
        ),
    },
    QueryLanguageMismatch = "QUERY_LANGUAGE_MISMATCH" {
        summary: "A field of one query language used in a state that uses the other.",
        why: "JSONPath states shape data with `InputPath`, `Parameters`, `ResultSelector`, \
              `ResultPath` and `OutputPath`; JSONata states with `Arguments` and `Output`. AWS \
              rejects a field of the other language.",
        example: Definition(
            r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.a", "End": true}}}"#
        ),
    },
    ChoiceRuleNoComparison = "CHOICE_RULE_NO_COMPARISON" {
        summary: "A Choice rule has no comparison operator.",
        why: "A rule is `Variable` plus exactly one comparison (`StringEquals`, `NumericLessThan`, \
              ...) or a combination (`And`, `Or`, `Not`); without one it cannot match.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}}}"#
        ),
    },
    ChoiceRuleMultipleComparisons = "CHOICE_RULE_MULTIPLE_COMPARISONS" {
        summary: "A Choice rule has more than one comparison operator.",
        why: "A rule holds exactly one comparison; to test two conditions, combine two rules with \
              `And` or `Or`.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "NumericGreaterThan": 0, "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}}}"#
        ),
    },
    InvalidTimestamp = "INVALID_TIMESTAMP" {
        summary: "A timestamp that is not RFC 3339 as Step Functions accepts it.",
        why: "Timestamps in a Wait or a Choice comparison are RFC 3339 with an uppercase `T` and a \
              time zone (`2016-03-14T01:59:00Z`); AWS rejects other forms and impossible dates.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Timestamp": "2016-03-14 01:59:00", "End": true}}}"#
        ),
    },
    HeartbeatNotLessThanTimeout = "HEARTBEAT_NOT_LESS_THAN_TIMEOUT" {
        summary: "`HeartbeatSeconds` is not smaller than `TimeoutSeconds`.",
        why: "A heartbeat interval only matters if it ends before the task's timeout; AWS rejects a \
              Task whose `HeartbeatSeconds` is not smaller.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::activity:Work", "TimeoutSeconds": 60, "HeartbeatSeconds": 60, "End": true}}}"#
        ),
    },
    InvalidResource = "INVALID_RESOURCE" {
        summary: "A Task `Resource` that is not an ARN.",
        why: "A Task's `Resource` is an ARN: a Lambda function, an activity, or a service \
              integration such as `arn:aws:states:::dynamodb:putItem`. AWS rejects anything else.",
        example: Definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "my-function", "End": true}}}"#),
    },
    MapModeMismatch = "MAP_MODE_MISMATCH" {
        summary: "A Map field that only distributed mode allows, used in inline mode (or the reverse).",
        why: "`ItemReader`, `ItemBatcher`, `ResultWriter`, `Label` and the tolerated-failure fields \
              exist only when the item processor's `Mode` is `DISTRIBUTED`; AWS rejects them on an \
              inline Map.",
        example: Definition(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Map", "ItemBatcher": {"MaxItemsPerBatch": 10}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}}}"#
        ),
    },
    QuotaExceeded = "QUOTA_EXCEEDED" {
        summary: "The definition exceeds a Step Functions quota (size, nesting).",
        why: "Step Functions accepts definitions of at most 1 MiB. stepforge also refuses JSON nested \
              more than 128 levels deep, and Parallel and Map states nested more than 40 deep in a \
              built state machine, so no input can exhaust its stack.",
        example: Prose("A definition of 1,048,577 bytes, or a `Result` made of 129 nested arrays."),
    },
    InvalidChain = "INVALID_CHAIN" {
        summary: "States were linked in a way that cannot work (a second `next`, `next` after Succeed, …).",
        why: "The builder reports it where the states are linked, before any definition exists: each \
              state has one next state, and Succeed, Fail and Choice states have none.",
        example: Prose("`Succeed(\"Done\").next(Pass(\"Later\"))`: a Succeed state ends the execution."),
    },
    Internal = "INTERNAL" {
        summary: "An internal error: a bug in stepforge, reported instead of crashing.",
        why: "stepforge never panics on bad input; when one of its own invariants fails it reports \
              this instead of crashing the host process. Please report it with the definition.",
        example: Prose("None: any occurrence is a bug in stepforge."),
    },
}

impl Code {
    /// Looks a code up by its string form.
    pub fn from_str_opt(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The documentation beyond the summary: why it matters, then the example.
    pub fn doc(self) -> String {
        format!("{}\n\nExample: {}", self.why(), self.example().text())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The README's table of codes, in Markdown: one row per code with its summary.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | meaning |\n| --- | --- |\n");
    for code in Code::ALL {
        out.push_str(&format!("| `{}` | {} |\n", code.as_str(), code.summary()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_unique_upper_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "{name} is declared twice");
            assert!(name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'), "{name} is not UPPER_SNAKE_CASE");
            assert_eq!(Code::from_str_opt(name), Some(code));
            assert_eq!(code.to_string(), name);
        }
        assert_eq!(Code::from_str_opt("invalid_json"), None);
    }

    #[test]
    fn every_code_is_documented_in_sentences() {
        for &code in Code::ALL {
            for (what, text) in [("summary", code.summary()), ("why", code.why()), ("example", code.example().text())] {
                assert!(!text.trim().is_empty(), "{code}: empty {what}");
                assert!(
                    text.ends_with('.') || text.ends_with('}'),
                    "{code}: the {what} does not end a sentence: {text}"
                );
                assert!(!text.contains("  "), "{code}: the {what} has a double space (a broken line continuation?)");
            }
            let doc = code.doc();
            assert!(doc.starts_with(code.why()) && doc.ends_with(code.example().text()), "{code}: {doc}");
        }
    }

    #[test]
    fn the_table_has_one_row_per_code_in_order() {
        let table = markdown_table();
        let rows: Vec<&str> = table.lines().skip(2).collect();
        assert_eq!(rows.len(), Code::ALL.len());
        for (row, code) in rows.iter().zip(Code::ALL) {
            assert_eq!(*row, format!("| `{code}` | {} |", code.summary()));
        }
    }
}
