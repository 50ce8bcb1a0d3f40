//! The IAM permissions a fragment needs, as plain data: the CDK constructs
//! turn them into grants, the CLI prints them as a policy document.

use serde_json::{Value, json};

/// One `Allow` statement: actions on resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyStatement {
    /// IAM actions, e.g. `dynamodb:UpdateItem`.
    pub actions: Vec<String>,
    /// Resource ARNs (or whatever the caller passed in their place, such as a CDK token).
    pub resources: Vec<String>,
}

impl PolicyStatement {
    /// A statement allowing `actions` on `resources`.
    pub fn new(actions: &[&str], resources: Vec<String>) -> PolicyStatement {
        PolicyStatement { actions: actions.iter().map(|a| a.to_string()).collect(), resources }
    }

    /// The statement as IAM policy JSON (`Effect`, `Action`, `Resource`).
    pub fn to_json(&self) -> Value {
        json!({"Effect": "Allow", "Action": self.actions, "Resource": self.resources})
    }
}

/// A whole policy document (`Version` 2012-10-17) holding `statements`.
pub fn policy_document(statements: &[PolicyStatement]) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements_json(statements)})
}

/// Statements as the JSON list a policy's `Statement` holds: what the
/// bindings' `iam()` methods hand back.
pub fn statements_json(statements: &[PolicyStatement]) -> Value {
    Value::Array(statements.iter().map(PolicyStatement::to_json).collect())
}

/// A fragment whose statements are on a table its caller names (the
/// semaphore's lock table, the list's table): the table's ARN is often a
/// CDK token, known only where the fragment is placed in a stack.
pub trait TableGrants {
    /// The statements the fragment's states need, on `table_arn`.
    fn statements(&self, table_arn: &str) -> Vec<PolicyStatement>;

    /// The same statements as JSON (see [`statements_json`]).
    fn iam_json(&self, table_arn: &str) -> Value {
        statements_json(&self.statements(table_arn))
    }
}

/// Merges statements with the same resources, keeping the first order of
/// actions and resources, so a machine with several fragments on one table
/// gets one statement for it.
pub fn merge(statements: impl IntoIterator<Item = PolicyStatement>) -> Vec<PolicyStatement> {
    let mut out: Vec<PolicyStatement> = Vec::new();
    for s in statements {
        match out.iter_mut().find(|o| o.resources == s.resources) {
            Some(o) => {
                for a in s.actions {
                    if !o.actions.contains(&a) {
                        o.actions.push(a);
                    }
                }
            }
            None => out.push(s),
        }
    }
    out
}

/// The ARN of a DynamoDB table in the caller's partition, region and account
/// as CloudFormation writes it, for plain-ASL users who have no table object.
pub fn table_arn_placeholder(table_name: &str) -> String {
    format!("arn:${{AWS::Partition}}:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}:table/{table_name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_joins_actions_on_the_same_resources() {
        let t = vec!["arn:t".to_string()];
        let merged = merge([
            PolicyStatement::new(&["dynamodb:GetItem", "dynamodb:UpdateItem"], t.clone()),
            PolicyStatement::new(&["lambda:InvokeFunction"], vec!["arn:f".into()]),
            PolicyStatement::new(&["dynamodb:UpdateItem", "dynamodb:PutItem"], t.clone()),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].actions, ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"]);
        assert_eq!(policy_document(&merged)["Statement"][1]["Action"][0], "lambda:InvokeFunction");
    }

    #[test]
    fn statements_render_as_a_policys_list() {
        let list = [PolicyStatement::new(&["dynamodb:GetItem"], vec!["arn:t".into()])];
        assert_eq!(
            statements_json(&list),
            json!([{"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": ["arn:t"]}])
        );
        assert_eq!(statements_json(&[]), json!([]));
    }
}
