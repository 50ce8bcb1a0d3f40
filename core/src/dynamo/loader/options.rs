//! Options as a host language gives them (`load_ddb(..., concurrency=4)`,
//! `loadDdb(..., { concurrency: 4 })`), checked and applied by the table of
//! [`load_surface`](crate::dynamo::load_surface): a binding only reads each
//! value as an [`OptionValue`] and raises an [`OptionError`] as its own error.

use std::path::PathBuf;

use super::{InputFormat, LoadOptions, Rate, RateUnit};
use crate::dynamo::load_surface::{INPUT_FORMATS, LoadKind, LoadOption};
use crate::dynamo::walk::Dialect;

/// An option's value, as a host read it.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// A string.
    Text(String),
    /// A path object (Python's `os.PathLike`), for options that take a path.
    Path(PathBuf),
    /// A number (not a boolean).
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// Anything else, as the host describes it (`a list`, `an array`).
    Other(String),
}

/// Why an option was refused: a value of the wrong type (`TypeError`) or a
/// value that is not allowed (`ValueError` in Python).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    /// The value is of the wrong type.
    pub wrong_type: bool,
    /// What is wrong, and where.
    pub message: String,
}

impl OptionValue {
    /// How the value reads in a message.
    fn describe(&self, dialect: Dialect) -> String {
        match (self, dialect) {
            (OptionValue::Text(t), Dialect::Python) => format!("a str ({t:?})"),
            (OptionValue::Text(t), Dialect::JavaScript) => format!("a string ({t:?})"),
            (OptionValue::Path(p), _) => format!("a path ({})", p.display()),
            (OptionValue::Number(n), _) => format!("a number ({n})"),
            (OptionValue::Bool(b), Dialect::Python) => format!("a bool ({})", if *b { "True" } else { "False" }),
            (OptionValue::Bool(b), Dialect::JavaScript) => format!("a boolean ({b})"),
            (OptionValue::Other(what), _) => what.clone(),
        }
    }
}

/// Where an option is, in messages: `concurrency` (Python), `` `loadDdb options.concurrency` ``.
fn place(option: &LoadOption, dialect: Dialect) -> String {
    match dialect {
        Dialect::Python => option.name.to_string(),
        Dialect::JavaScript => format!("`loadDdb options.{}`", option.spelled(dialect)),
    }
}

impl LoadOptions {
    /// Sets the option spelt `name` in `dialect` to `value` (`None`: not
    /// given, the default stays), by the table's kind and checks.
    pub fn set(&mut self, dialect: Dialect, name: &str, value: Option<OptionValue>) -> Result<(), OptionError> {
        let Some(option) = LoadOption::find(dialect, name) else {
            let names = LoadOption::names(dialect).join(", ");
            let message = match dialect {
                Dialect::Python => {
                    format!("load_ddb() got an unexpected keyword argument {name:?}; the options are {names}")
                }
                Dialect::JavaScript => format!("loadDdb options: `{name}` is not an option; the options are {names}"),
            };
            return Err(OptionError { wrong_type: true, message });
        };
        let Some(value) = value else { return Ok(()) };
        let at = place(option, dialect);
        let wrong = |expected: &str, value: &OptionValue| OptionError {
            wrong_type: true,
            message: format!("{at} must be {expected}, not {}", value.describe(dialect)),
        };
        let bad = |message: String| OptionError { wrong_type: false, message: format!("{at}: {message}") };
        let text = if dialect == Dialect::Python { "a str" } else { "a string" };
        match (option.kind, value) {
            (LoadKind::Text | LoadKind::Path | LoadKind::OneOf(_), OptionValue::Text(t)) => {
                self.set_text(option, t, bad)?
            }
            (LoadKind::Path, OptionValue::Path(path)) if option.name == "checkpoint" => self.checkpoint = Some(path),
            (LoadKind::Path, OptionValue::Path(path)) => self.reject_file = Some(path),
            (LoadKind::Text | LoadKind::Path | LoadKind::OneOf(_), other) => return Err(wrong(text, &other)),
            (LoadKind::Boolean, OptionValue::Bool(b)) => self.set_flag(option, b),
            (LoadKind::Boolean, other) => {
                return Err(wrong(if dialect == Dialect::Python { "a bool" } else { "a boolean" }, &other));
            }
            (LoadKind::Count { low, high, .. }, OptionValue::Number(n)) => {
                if n.fract() != 0.0 || n < low as f64 || n > high as f64 {
                    return Err(bad(format!("must be a whole number between {low} and {high}, not {n}")));
                }
                self.concurrency = n as usize;
            }
            (LoadKind::Count { .. }, other) => return Err(wrong("a whole number", &other)),
            (LoadKind::Rate, OptionValue::Text(t)) => self.rate = Some(t.parse::<Rate>().map_err(bad)?),
            (LoadKind::Rate, OptionValue::Number(n)) if n > 0.0 && n.is_finite() => {
                self.rate = Some(Rate { per_second: n, unit: RateUnit::Items });
            }
            (LoadKind::Rate, OptionValue::Number(n)) => {
                return Err(bad(format!("must be a positive number of items per second, not {n}")));
            }
            (LoadKind::Rate, other) => {
                return Err(wrong(&format!("items per second (a number) or {text} such as '200wcu'"), &other));
            }
        }
        Ok(())
    }

    /// A text option; `bad` makes the error for a spelling `input_format` does not have.
    fn set_text(
        &mut self,
        option: &LoadOption,
        text: String,
        bad: impl Fn(String) -> OptionError,
    ) -> Result<(), OptionError> {
        match option.name {
            "region" => self.region = Some(text),
            "endpoint_url" => self.endpoint_url = Some(text),
            "profile" => self.profile = Some(text),
            "reject_file" => self.reject_file = Some(PathBuf::from(text)),
            "checkpoint" => self.checkpoint = Some(PathBuf::from(text)),
            _ => {
                self.format = match text.as_str() {
                    "auto" => InputFormat::Auto,
                    "plain" => InputFormat::Plain,
                    "dynamodb" => InputFormat::DynamoDb,
                    other => {
                        let allowed = INPUT_FORMATS.iter().map(|f| format!("'{f}'")).collect::<Vec<_>>().join(", ");
                        return Err(bad(format!("must be one of {allowed}, not {other:?}")));
                    }
                }
            }
        }
        Ok(())
    }

    fn set_flag(&mut self, option: &LoadOption, b: bool) {
        match option.name {
            "dry_run" => self.dry_run = b,
            "resume" => self.resume = b,
            "progress" => self.progress = b,
            _ => self.skip_undefined = b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamo::load_surface::{RETRY_FIELDS, SUMMARY_FIELDS};
    use crate::dynamo::loader::Summary;

    fn set(dialect: Dialect, name: &str, value: OptionValue) -> Result<LoadOptions, OptionError> {
        let mut options = LoadOptions::new("t");
        options.set(dialect, name, Some(value)).map(|()| options)
    }

    #[test]
    fn options_are_read_by_the_table_in_each_spelling() {
        let o = set(Dialect::JavaScript, "endpointUrl", OptionValue::Text("http://x".into())).unwrap();
        assert_eq!(o.endpoint_url.as_deref(), Some("http://x"));
        let o = set(Dialect::Python, "concurrency", OptionValue::Number(4.0)).unwrap();
        assert_eq!(o.concurrency, 4);
        let o = set(Dialect::Python, "rate", OptionValue::Text("200wcu".into())).unwrap();
        assert_eq!(o.rate.map(|r| r.unit), Some(RateUnit::WriteUnits));
        let o = set(Dialect::JavaScript, "inputFormat", OptionValue::Text("dynamodb".into())).unwrap();
        assert_eq!(o.format, InputFormat::DynamoDb);
        assert!(set(Dialect::JavaScript, "removeUndefinedValues", OptionValue::Bool(true)).unwrap().skip_undefined);
        let mut o = LoadOptions::new("t");
        o.set(Dialect::JavaScript, "region", None).unwrap();
        assert_eq!(o.region, None);
    }

    #[test]
    fn bad_options_say_where_and_what() {
        let e = set(Dialect::JavaScript, "concurrency", OptionValue::Number(0.0)).unwrap_err();
        assert_eq!(e.message, "`loadDdb options.concurrency`: must be a whole number between 1 and 256, not 0");
        assert!(!e.wrong_type);
        let e = set(Dialect::Python, "rate", OptionValue::Bool(true)).unwrap_err();
        assert!(e.wrong_type && e.message.starts_with("rate must be items per second"), "{}", e.message);
        let e = set(Dialect::Python, "rate", OptionValue::Text("fast".into())).unwrap_err();
        assert!(e.message.contains("is not a rate"), "{}", e.message);
        let e = set(Dialect::Python, "input_format", OptionValue::Text("xml".into())).unwrap_err();
        assert_eq!(e.message, "input_format: must be one of 'auto', 'plain', 'dynamodb', not \"xml\"");
        let e = set(Dialect::Python, "remove_undefined_values", OptionValue::Bool(true)).unwrap_err();
        assert!(e.wrong_type && e.message.contains("unexpected keyword argument"), "{}", e.message);
        let e = set(Dialect::JavaScript, "endpoint", OptionValue::Text("x".into())).unwrap_err();
        assert!(e.message.contains("`endpoint` is not an option") && e.message.contains("removeUndefinedValues"));
    }

    #[test]
    fn the_summary_has_every_field_of_the_table_in_order() {
        let json = Summary { read: 2, written: 1, unprocessed_retries: 3, ..Summary::default() }.to_json();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, SUMMARY_FIELDS.iter().map(|f| f.name).collect::<Vec<_>>());
        let retried: Vec<&str> = json["retried"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(retried, RETRY_FIELDS.iter().map(|f| f.name).collect::<Vec<_>>());
        assert_eq!((json["read"].as_u64(), json["retried"]["unprocessed_items"].as_u64()), (Some(2), Some(3)));
        assert_eq!(json["succeeded"], true);
        assert!(json["checkpoint"].is_null());
    }
}
