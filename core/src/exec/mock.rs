//! The mock configuration file of AWS Step Functions Local (`MockConfigFile.json`):
//! `StateMachines → TestCases → {state name: mocked response name}` and
//! `MockedResponses → {name: {"0": {"Return": …}, "1-2": {"Throw": {"Error", "Cause"}}}}`,
//! so teams keep the mocks they already have.
//! <https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html>

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::errors::Failure;

/// A mocked response's entries: invocation range (inclusive) and outcome.
type Ranges = Vec<(u64, u64, Result<Value, Failure>)>;

/// One test case: for each mocked state, its mocked response's name and entries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestCase {
    states: FxHashMap<String, (String, Ranges)>,
}

impl TestCase {
    /// Reads `test_case` of `state_machine` from a mock configuration.
    /// Every problem names where it is in the file.
    pub fn from_config(config: &Value, state_machine: &str, test_case: &str) -> Result<TestCase, String> {
        let case = config
            .pointer(&format!("/StateMachines/{}/TestCases/{}", escape(state_machine), escape(test_case)))
            .and_then(Value::as_object)
            .ok_or_else(|| {
                format!("the mock configuration has no test case StateMachines/{state_machine}/TestCases/{test_case}")
            })?;
        let mut states = FxHashMap::default();
        for (state, response) in case {
            let name = response
                .as_str()
                .ok_or_else(|| format!("TestCases/{test_case}/{state}: the value must name a mocked response"))?;
            let entries = config
                .pointer(&format!("/MockedResponses/{}", escape(name)))
                .and_then(Value::as_object)
                .ok_or_else(|| format!("MockedResponses has no `{name}` (used by {test_case}/{state})"))?;
            let mut ranges = Vec::new();
            for (key, entry) in entries {
                let (from, to) = range(key).ok_or_else(|| {
                    format!("MockedResponses/{name}/{key}: keys are invocation numbers like \"0\" or \"1-2\"")
                })?;
                let outcome = match (entry.get("Return"), entry.get("Throw")) {
                    (Some(v), None) => Ok(v.clone()),
                    (None, Some(t)) => Err(Failure::new(
                        t.get("Error").and_then(Value::as_str).unwrap_or_default(),
                        t.get("Cause").and_then(Value::as_str).unwrap_or_default(),
                    )),
                    _ => return Err(format!("MockedResponses/{name}/{key}: give exactly one of Return and Throw")),
                };
                ranges.push((from, to, outcome));
            }
            ranges.sort_by_key(|r| r.0);
            states.insert(state.clone(), (name.to_string(), ranges));
        }
        Ok(TestCase { states })
    }

    /// Whether the state's calls are mocked.
    pub(crate) fn mocks(&self, state: &str) -> bool {
        self.states.contains_key(state)
    }

    /// The response to invocation `n` (0-based) of `state`.
    pub(crate) fn response(&self, state: &str, n: u64) -> Option<Result<Value, Failure>> {
        let (name, ranges) = self.states.get(state)?;
        Some(ranges.iter().find(|(from, to, _)| (*from..=*to).contains(&n)).map(|(_, _, o)| o.clone()).unwrap_or_else(
            || {
                Err(Failure::new(
                    "States.Runtime",
                    format!("the mocked response `{name}` has no entry for invocation {n} of the state `{state}`"),
                ))
            },
        ))
    }
}

fn escape(s: &str) -> String {
    crate::error::escape_token(s).into_owned()
}

/// `"3"` → (3, 3); `"1-2"` → (1, 2).
fn range(key: &str) -> Option<(u64, u64)> {
    match key.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => key.trim().parse().ok().map(|n| (n, n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_example() {
        let config = serde_json::json!({
            "StateMachines": {"LambdaSQSIntegration": {"TestCases": {"RetryPath": {"LambdaState": "MockedLambdaRetry"}}}},
            "MockedResponses": {"MockedLambdaRetry": {
                "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
                "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
                "3": {"Return": {"StatusCode": 200}}}}
        });
        let case = TestCase::from_config(&config, "LambdaSQSIntegration", "RetryPath").unwrap();
        assert_eq!(case.response("LambdaState", 0).unwrap().unwrap_err().error, "Lambda.ResourceNotReadyException");
        assert_eq!(case.response("LambdaState", 2).unwrap().unwrap_err().error, "Lambda.TimeoutException");
        assert_eq!(case.response("LambdaState", 3).unwrap(), Ok(serde_json::json!({"StatusCode": 200})));
        assert_eq!(case.response("LambdaState", 4).unwrap().unwrap_err().error, "States.Runtime");
        assert!(case.response("Other", 0).is_none());
        assert!(TestCase::from_config(&config, "LambdaSQSIntegration", "Nope").is_err());
    }
}
