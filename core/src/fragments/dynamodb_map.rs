//! The DynamoDB-list Map of seed 004: a GetItem reads one item whose
//! `values` attribute is a list, a Map runs an iteration per element (at most
//! `maxConcurrency` at once), and each iteration passes, waits
//! `waitDurationSeconds`, and runs a task (a Lambda function by default, any
//! chainable allowed). The machine times out after `timeoutDurationSeconds`.
//!
//! The elements arrive in DynamoDB JSON (`{"S": "Economics"}`, `{"M": {…}}`),
//! as seed 004's sample passes them.

use serde_json::{Map as JsonMap, Value, json};

use super::iam::PolicyStatement;
use super::lambda;
use super::option_error;
use crate::asl::QueryLanguage;
use crate::builder::{Chainable, EndRef, Fragment, Map, Pass, StateMachine, Task, Wait};
use crate::error::{Code, Problems};

/// `config.json` as seed 004's sample writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapConfig {
    /// `ddb.tableName`.
    pub table_name: String,
    /// `ddb.partitionKeyName`: the table's string partition key.
    pub partition_key_name: String,
    /// `ddb.partitionKeyValueField`: the key value of the item holding the list.
    pub partition_key_value: String,
    /// `stepfunc.maxConcurrency` (0: no limit).
    pub max_concurrency: u64,
    /// `stepfunc.waitDurationSeconds`.
    pub wait_duration_seconds: u64,
    /// `stepfunc.timeoutDurationSeconds`: the machine's `TimeoutSeconds`.
    pub timeout_duration_seconds: u64,
}

/// The longest Wait and timeout Step Functions accepts: one year.
const MAX_SECONDS: u64 = 31_536_000;

impl MapConfig {
    /// The configuration as `config.json` writes it (what [`MapConfig::from_json`] reads).
    pub fn to_json(&self) -> Value {
        json!({
            "ddb": {
                "tableName": self.table_name,
                "partitionKeyName": self.partition_key_name,
                "partitionKeyValueField": self.partition_key_value,
            },
            "stepfunc": {
                "maxConcurrency": self.max_concurrency,
                "waitDurationSeconds": self.wait_duration_seconds,
                "timeoutDurationSeconds": self.timeout_duration_seconds,
            },
        })
    }

    /// Reads `config.json`'s value. Every field is required; an unknown field
    /// is an error naming it (a misspelt `maxConcurency` must not be ignored).
    pub fn from_json(config: &Value) -> Result<MapConfig, Problems> {
        let top = object(config, "")?;
        known(top, "", &["ddb", "stepfunc"])?;
        let ddb = object(required(top, "", "ddb")?, "/ddb")?;
        known(ddb, "/ddb", &["tableName", "partitionKeyName", "partitionKeyValueField"])?;
        let sfn = object(required(top, "", "stepfunc")?, "/stepfunc")?;
        known(sfn, "/stepfunc", &["maxConcurrency", "waitDurationSeconds", "timeoutDurationSeconds"])?;
        Ok(MapConfig {
            table_name: string(ddb, "/ddb", "tableName")?,
            partition_key_name: string(ddb, "/ddb", "partitionKeyName")?,
            partition_key_value: string(ddb, "/ddb", "partitionKeyValueField")?,
            max_concurrency: seconds(sfn, "/stepfunc", "maxConcurrency", 0)?,
            wait_duration_seconds: seconds(sfn, "/stepfunc", "waitDurationSeconds", 0)?,
            timeout_duration_seconds: seconds(sfn, "/stepfunc", "timeoutDurationSeconds", 1)?,
        })
    }

    /// Reads `config.json`'s text.
    pub fn from_text(text: &str) -> Result<MapConfig, Problems> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| option_error(Code::InvalidJson, "", format!("the config is not JSON: {e}")))?;
        MapConfig::from_json(&value)
    }
}

fn object<'a>(value: &'a Value, pointer: &str) -> Result<&'a JsonMap<String, Value>, Problems> {
    value.as_object().ok_or_else(|| {
        option_error(Code::InvalidType, pointer, format!("expected an object, found {}", crate::error::kind_of(value)))
    })
}

fn known(object: &JsonMap<String, Value>, pointer: &str, fields: &[&str]) -> Result<(), Problems> {
    match object.keys().find(|k| !fields.contains(&k.as_str())) {
        Some(k) => {
            let message = format!("`{k}` is not a field here; the fields are {}", fields.join(", "));
            Err(option_error(Code::UnknownField, &format!("{pointer}/{}", crate::error::escape_token(k)), message))
        }
        None => Ok(()),
    }
}

fn required<'a>(object: &'a JsonMap<String, Value>, pointer: &str, field: &str) -> Result<&'a Value, Problems> {
    object
        .get(field)
        .ok_or_else(|| option_error(Code::MissingField, &format!("{pointer}/{field}"), format!("`{field}` is missing")))
}

fn string(object: &JsonMap<String, Value>, pointer: &str, field: &str) -> Result<String, Problems> {
    let here = format!("{pointer}/{field}");
    match required(object, pointer, field)? {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        Value::String(_) => Err(option_error(Code::InvalidValue, &here, format!("`{field}` is empty"))),
        other => Err(option_error(
            Code::InvalidType,
            &here,
            format!("`{field}` must be a string, not {}", crate::error::kind_of(other)),
        )),
    }
}

fn seconds(object: &JsonMap<String, Value>, pointer: &str, field: &str, min: u64) -> Result<u64, Problems> {
    let here = format!("{pointer}/{field}");
    let value = required(object, pointer, field)?;
    let Some(n) = value.as_u64() else {
        let message = format!("`{field}` must be a whole number of at least {min}, not {value}");
        return Err(option_error(Code::InvalidType, &here, message));
    };
    if n < min || n > MAX_SECONDS {
        let message = format!("`{field}` is {n}; it must be between {min} and {MAX_SECONDS}");
        return Err(option_error(Code::OutOfRange, &here, message));
    }
    Ok(n)
}

/// What each iteration runs after its Wait.
#[derive(Debug, Clone)]
enum Work {
    Function(String),
    Chain(Fragment),
}

/// The seed 004 machine's states, built from a [`MapConfig`].
#[derive(Debug, Clone)]
pub struct DynamoDbListMap {
    config: MapConfig,
    work: Work,
    query_language: QueryLanguage,
}

impl DynamoDbListMap {
    /// Each item is passed to the Lambda function `function` (name or ARN),
    /// whose `Payload` is the iteration's output.
    pub fn new(config: MapConfig, function: &str) -> DynamoDbListMap {
        DynamoDbListMap { config, work: Work::Function(function.to_string()), query_language: QueryLanguage::JsonPath }
    }

    /// Each item runs `work` instead (any chainable with at least one end).
    pub fn with_task(config: MapConfig, work: &dyn Chainable) -> DynamoDbListMap {
        DynamoDbListMap {
            config,
            work: Work::Chain(Fragment::from_chainable(work)),
            query_language: QueryLanguage::JsonPath,
        }
    }

    /// The query language of the states: JSONPath (the default) or JSONata,
    /// for a machine whose top-level `QueryLanguage` is JSONata (then
    /// [`DynamoDbListMap::state_machine`] sets that top level too). A work
    /// chain given with [`DynamoDbListMap::with_task`] keeps its own language.
    pub fn query_language(mut self, query_language: QueryLanguage) -> Self {
        self.query_language = query_language;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &MapConfig {
        &self.config
    }

    /// `Get List` → `Process Items` (Map: `Take Item` → `Wait Between Items` → the work).
    /// In JSONata every state says so itself (the item processor's states
    /// too), so the fragment also fits in a JSONPath machine.
    pub fn fragment(&self) -> Result<Fragment, Problems> {
        let c = &self.config;
        let jsonata = self.query_language == QueryLanguage::Jsonata;
        let key = json!({
            "TableName": c.table_name,
            "Key": { c.partition_key_name.as_str(): {"S": c.partition_key_value} },
        });
        let get = Task::new("Get List").resource("arn:aws:states:::dynamodb:getItem");
        let get = if jsonata {
            get.query_language(QueryLanguage::Jsonata).arguments(key).output("{% $states.result.Item.values.L %}")
        } else {
            get.parameters(key).output_path("$.Item.values.L")
        };
        let take = Pass::new("Take Item");
        let wait = Wait::new("Wait Between Items").seconds(c.wait_duration_seconds);
        if jsonata {
            take.state().set_field("QueryLanguage", QueryLanguage::Jsonata.into());
            wait.state().set_field("QueryLanguage", QueryLanguage::Jsonata.into());
        }
        match &self.work {
            Work::Function(f) if jsonata => {
                let invoke = lambda::invoke_jsonata("Process Item", f).output("{% $states.result.Payload %}");
                take.next(&wait)?.next(&invoke)?
            }
            Work::Function(f) => {
                let invoke: Task = lambda::invoke("Process Item", f).output_path("$.Payload");
                take.next(&wait)?.next(&invoke)?
            }
            Work::Chain(work) => take.next(&wait)?.next(work)?,
        };
        let each = Map::new("Process Items").max_concurrency(c.max_concurrency);
        let each = if jsonata { each.query_language(QueryLanguage::Jsonata) } else { each };
        let each = each.item_processor(&take, None);
        get.next(&each)?;
        Ok(Fragment::new(&get, vec![EndRef::Next(each.state().clone())]))
    }

    /// The whole machine, with `TimeoutSeconds` = `timeoutDurationSeconds`.
    pub fn state_machine(&self) -> Result<StateMachine, Problems> {
        let machine = StateMachine::new(&self.fragment()?).timeout_seconds(self.config.timeout_duration_seconds);
        Ok(match self.query_language {
            QueryLanguage::Jsonata => machine.query_language(QueryLanguage::Jsonata),
            QueryLanguage::JsonPath => machine,
        })
    }

    /// `dynamodb:GetItem` on `table_arn`, and `lambda:InvokeFunction` on the
    /// function when the default task is used.
    pub fn iam(&self, table_arn: &str) -> Vec<PolicyStatement> {
        let mut out = vec![PolicyStatement::new(&["dynamodb:GetItem"], vec![table_arn.to_string()])];
        if let Work::Function(f) = &self.work {
            out.push(PolicyStatement::new(&["lambda:InvokeFunction"], lambda::invoke_resources(f)));
        }
        out
    }
}

impl super::TableGrants for DynamoDbListMap {
    fn statements(&self, table_arn: &str) -> Vec<PolicyStatement> {
        self.iam(table_arn)
    }
}
