//! One reader per state type.

use super::dom::Node;

use super::fields::{self, assign, jsonata_template, path_or_null, result_path, template};
use super::object::Obj;
use super::{Cx, choice, graph_body, map};
use crate::asl::states::*;
use crate::asl::template::Expr;
use crate::asl::{Graph, QueryLanguage, State, Transition};
use crate::error::Code;

/// State names are 1 to 80 characters.
pub(crate) fn check_name(cx: &mut Cx, name: &str, ptr: &str) {
    let len = name.chars().count();
    if len == 0 {
        cx.report(Code::InvalidStateName, ptr, "a state needs a name of 1 to 80 characters; this one is empty");
    } else if len > 80 {
        let start: String = name.chars().take(30).collect();
        cx.report(Code::InvalidStateName, ptr, format!("state names are at most 80 characters; `{start}…` has {len}"));
    }
}

/// Reads one state. `None` when its type cannot be told.
pub(crate) fn state(cx: &mut Cx, value: &Node<'_>, ptr: String) -> Option<State> {
    let mut obj = Obj::new(cx, value, ptr, "a state")?;
    let type_name = obj.required_string(cx, "Type")?;
    let own_ql = fields::query_language(cx, &mut obj);
    if cx.default_ql == QueryLanguage::Jsonata && own_ql == Some(QueryLanguage::JsonPath) {
        cx.report(
            Code::InvalidValue,
            obj.ptr_of("QueryLanguage"),
            "the state machine uses JSONata, and a state cannot switch back to JSONPath",
        );
    }
    let ql = own_ql.unwrap_or(cx.default_ql);
    let what = match type_name.as_str() {
        "Pass" => "a Pass state",
        "Task" => "a Task state",
        "Choice" => "a Choice state",
        "Wait" => "a Wait state",
        "Succeed" => "a Succeed state",
        "Fail" => "a Fail state",
        "Parallel" => "a Parallel state",
        "Map" => "a Map state",
        other => {
            cx.report(
                Code::UnknownStateType,
                obj.ptr_of("Type"),
                format!("`{other}` is not a state type; use Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map"),
            );
            return None;
        }
    };
    fields::reject_other_language(cx, &mut obj, ql);
    let comment = obj.string(cx, "Comment");
    let state = match type_name.as_str() {
        "Pass" => State::Pass(Box::new(Pass {
            comment,
            query_language: own_ql,
            input_path: path_or_null(cx, &mut obj, "InputPath"),
            parameters: template(cx, &mut obj, "Parameters"),
            result: obj.get("Result").map(Node::to_value),
            result_path: result_path(cx, &mut obj),
            output_path: path_or_null(cx, &mut obj, "OutputPath"),
            output: jsonata_template(cx, &mut obj, "Output"),
            assign: assign(cx, &mut obj, ql),
            transition: transition(cx, &mut obj),
        })),
        "Task" => State::Task(Box::new(task(cx, &mut obj, comment, own_ql, ql))),
        "Choice" => State::Choice(Box::new(Choice {
            comment,
            query_language: own_ql,
            input_path: path_or_null(cx, &mut obj, "InputPath"),
            choices: choice::rules(cx, &mut obj, ql),
            default: obj.string(cx, "Default"),
            output_path: path_or_null(cx, &mut obj, "OutputPath"),
            output: jsonata_template(cx, &mut obj, "Output"),
            assign: assign(cx, &mut obj, ql),
        })),
        "Wait" => State::Wait(Box::new(Wait {
            comment,
            query_language: own_ql,
            wait: wait_for(cx, &mut obj, ql),
            input_path: path_or_null(cx, &mut obj, "InputPath"),
            output_path: path_or_null(cx, &mut obj, "OutputPath"),
            output: jsonata_template(cx, &mut obj, "Output"),
            assign: assign(cx, &mut obj, ql),
            transition: transition(cx, &mut obj),
        })),
        "Succeed" => State::Succeed(Box::new(Succeed {
            comment,
            query_language: own_ql,
            input_path: path_or_null(cx, &mut obj, "InputPath"),
            output_path: path_or_null(cx, &mut obj, "OutputPath"),
            output: jsonata_template(cx, &mut obj, "Output"),
        })),
        "Fail" => State::Fail(Box::new(Fail {
            comment,
            query_language: own_ql,
            error: fail_text(cx, &mut obj, "Error", "ErrorPath", ql),
            cause: fail_text(cx, &mut obj, "Cause", "CausePath", ql),
        })),
        "Parallel" => State::Parallel(Box::new(Parallel {
            comment,
            query_language: own_ql,
            branches: branches(cx, &mut obj),
            input_path: path_or_null(cx, &mut obj, "InputPath"),
            parameters: template(cx, &mut obj, "Parameters"),
            arguments: jsonata_template(cx, &mut obj, "Arguments"),
            result_selector: template(cx, &mut obj, "ResultSelector"),
            result_path: result_path(cx, &mut obj),
            output_path: path_or_null(cx, &mut obj, "OutputPath"),
            output: jsonata_template(cx, &mut obj, "Output"),
            assign: assign(cx, &mut obj, ql),
            retry: fields::retry(cx, &mut obj),
            catch: fields::catch(cx, &mut obj, ql),
            transition: transition(cx, &mut obj),
        })),
        _ => State::Map(Box::new(map::map(cx, &mut obj, comment, own_ql, ql))),
    };
    if matches!(state, State::Choice(_) | State::Succeed(_) | State::Fail(_)) {
        obj.reject(cx, &["Next", "End"], Code::TerminalStateWithTransition, |key| match type_name.as_str() {
            "Choice" => {
                format!("a Choice state moves on through its `Choices` and `Default`; `{key}` has no place here")
            }
            _ => format!("a {type_name} state ends its execution or branch; `{key}` has no place here"),
        });
    }
    obj.finish(cx, what);
    Some(state)
}

/// `Next` or `End: true`, exactly one.
pub(crate) fn transition(cx: &mut Cx, obj: &mut Obj<'_>) -> Transition {
    let next = obj.string(cx, "Next");
    let end = obj.bool(cx, "End");
    match (next, end) {
        (Some(next), Some(_)) => {
            cx.report(Code::NextAndEnd, obj.ptr_of("End"), "a state has either `Next` or `\"End\": true`, not both");
            // Keep the transition so that its target is not also reported unreachable.
            Transition::Next(next)
        }
        (Some(next), None) => Transition::Next(next),
        (None, Some(true)) => Transition::End,
        (None, Some(false)) => {
            cx.report(
                Code::InvalidValue,
                obj.ptr_of("End"),
                "`End` can only be true; to go on, name the next state in `Next`",
            );
            Transition::End
        }
        (None, None) => {
            if !obj.has("Next") && !obj.has("End") {
                cx.report(
                    Code::MissingTransition,
                    obj.ptr().to_string(),
                    "this state needs `Next` (the state to go to) or `\"End\": true`",
                );
            }
            Transition::End
        }
    }
}

fn task(
    cx: &mut Cx,
    obj: &mut Obj<'_>,
    comment: Option<String>,
    own_ql: Option<QueryLanguage>,
    ql: QueryLanguage,
) -> Task {
    let resource = obj.required_string(cx, "Resource").unwrap_or_default();
    if !resource.is_empty() {
        check_resource(cx, &resource, &obj.ptr_of("Resource"));
    }
    let credentials = obj.has("Credentials").then(|| credentials(cx, obj, ql)).flatten();
    let timeout_seconds =
        fields::dynamic_uint(cx, obj, "TimeoutSeconds", "TimeoutSecondsPath", ql, 1, fields::MAX_SECONDS);
    let heartbeat_seconds =
        fields::dynamic_uint(cx, obj, "HeartbeatSeconds", "HeartbeatSecondsPath", ql, 1, fields::MAX_SECONDS);
    if let (Some(Dynamic::Value(t)), Some(Dynamic::Value(h))) = (&timeout_seconds, &heartbeat_seconds) {
        if h >= t {
            cx.report(
                Code::HeartbeatNotLessThanTimeout,
                obj.ptr_of("HeartbeatSeconds"),
                format!("`HeartbeatSeconds` ({h}) must be smaller than `TimeoutSeconds` ({t})"),
            );
        }
    }
    Task {
        comment,
        query_language: own_ql,
        resource,
        credentials,
        input_path: path_or_null(cx, obj, "InputPath"),
        parameters: template(cx, obj, "Parameters"),
        arguments: jsonata_template(cx, obj, "Arguments"),
        result_selector: template(cx, obj, "ResultSelector"),
        result_path: result_path(cx, obj),
        output_path: path_or_null(cx, obj, "OutputPath"),
        output: jsonata_template(cx, obj, "Output"),
        assign: assign(cx, obj, ql),
        timeout_seconds,
        heartbeat_seconds,
        retry: fields::retry(cx, obj),
        catch: fields::catch(cx, obj, ql),
        transition: transition(cx, obj),
    }
}

/// A Task `Resource` is an ARN. `${…}` placeholders (SAM, CloudFormation and
/// Terraform substitutions) stand for parts AWS will see filled in, so they are
/// replaced by a neutral token before checking; an unclosed one is an error.
fn check_resource(cx: &mut Cx, resource: &str, ptr: &str) {
    let arn = if resource.contains("${") {
        let Some(arn) = substitute_placeholders(resource) else {
            cx.report(
                Code::InvalidResource,
                ptr,
                format!("`Resource` has a `${{` placeholder that is never closed: {resource:?}"),
            );
            return;
        };
        if !arn.starts_with("arn:") {
            // The placeholder stands for the ARN or its start: nothing more to check.
            return;
        }
        std::borrow::Cow::Owned(arn)
    } else {
        std::borrow::Cow::Borrowed(resource)
    };
    if let Err(why) = check_arn(&arn) {
        cx.report(
            Code::InvalidResource,
            ptr,
            format!("`Resource` must be an ARN such as arn:aws:states:::lambda:invoke or arn:aws:lambda:REGION:ACCOUNT:function:NAME; {resource:?} {why}"),
        );
    }
}

/// Replaces each `${…}` with `x`; `None` when one is not closed.
fn substitute_placeholders(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let close = rest[i..].find('}')?;
        out.push('x');
        rest = &rest[i + close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn check_arn(arn: &str) -> Result<(), &'static str> {
    let mut parts = arn.splitn(6, ':');
    let (Some(prefix), Some(partition), Some(service), Some(_region), Some(_account), Some(resource)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("has fewer than six `:`-separated parts");
    };
    if prefix != "arn" {
        return Err("does not start with `arn:`");
    }
    let partition_ok = partition.starts_with("aws") || partition == "x";
    if !partition_ok || service.is_empty() || resource.is_empty() {
        return Err("is missing its partition, service or resource");
    }
    let name_ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if service == "lambda" {
        // function:NAME or function:NAME:QUALIFIER (a version, an alias or $LATEST).
        let mut segments = resource.split(':');
        let kind = segments.next();
        let name = segments.next();
        let qualifier = segments.next();
        let qualifier_ok = qualifier.is_none_or(|q| q == "$LATEST" || name_ok(q));
        if kind != Some("function") || !name.is_some_and(name_ok) || !qualifier_ok || segments.next().is_some() {
            return Err("is not a Lambda function ARN of the form function:NAME[:VERSION_OR_ALIAS]");
        }
    }
    Ok(())
}

/// `Credentials`: an object, in AWS `{"RoleArn": …}` (or `RoleArn.$`).
fn credentials(cx: &mut Cx, obj: &mut Obj<'_>, ql: QueryLanguage) -> Option<Payload> {
    let ptr = obj.ptr_of("Credentials");
    match obj.get("Credentials") {
        Some(Node::Object(_)) => fields::payload(cx, obj, "Credentials", ql),
        Some(other) => {
            cx.report(
                Code::InvalidType,
                ptr,
                format!(
                    "`Credentials` must be an object such as {{\"RoleArn\": \"arn:aws:iam::…\"}}, not {}",
                    fields::kind(other)
                ),
            );
            None
        }
        None => None,
    }
}

fn wait_for(cx: &mut Cx, obj: &mut Obj<'_>, ql: QueryLanguage) -> WaitFor {
    const KEYS: [&str; 4] = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];
    let present: Vec<&str> = KEYS.iter().copied().filter(|k| obj.has(k)).collect();
    match present.len() {
        0 => cx.report(
            Code::MissingField,
            obj.ptr().to_string(),
            "a Wait state needs one of `Seconds`, `SecondsPath`, `Timestamp` or `TimestampPath`",
        ),
        1 => {}
        _ => {
            cx.report(
                Code::FieldConflict,
                obj.ptr_of(present[1]),
                format!(
                    "a Wait state takes one of `Seconds`, `SecondsPath`, `Timestamp` or `TimestampPath`; it has {}",
                    present.join(" and ")
                ),
            );
            // Reported once: read the first, as if the others were not there.
            for extra in &present[1..] {
                obj.block(extra);
            }
        }
    }
    if obj.has("Timestamp") || obj.has("TimestampPath") {
        let timestamp = fields::dynamic(cx, obj, "Timestamp", "TimestampPath", ql, |cx, value, ptr| match value {
            Node::String(s) => match Timestamp::parse(s) {
                Ok(t) => Some(t),
                Err(e) => {
                    cx.report(Code::InvalidTimestamp, ptr, e);
                    None
                }
            },
            other => {
                cx.report(Code::InvalidType, ptr, format!("`Timestamp` must be a string, not {}", fields::kind(other)));
                None
            }
        });
        return WaitFor::Timestamp(timestamp.unwrap_or(Dynamic::Value(Timestamp(String::new()))));
    }
    let seconds = fields::dynamic_uint(cx, obj, "Seconds", "SecondsPath", ql, 0, fields::MAX_SECONDS);
    WaitFor::Seconds(seconds.unwrap_or(Dynamic::Value(0)))
}

fn fail_text(
    cx: &mut Cx,
    obj: &mut Obj<'_>,
    key: &'static str,
    path_key: &'static str,
    ql: QueryLanguage,
) -> Option<FailText> {
    if obj.has(path_key) && !obj.has(key) {
        // `ErrorPath`/`CausePath` take a reference path or an intrinsic function.
        let ptr = obj.ptr_of(path_key);
        let value = obj.get(path_key)?;
        let expr = fields::dynamic_expr(cx, value, &ptr, path_key)?;
        if let Expr::Path(p) = &expr {
            if !p.is_reference() {
                cx.report(
                    Code::InvalidReferencePath,
                    ptr,
                    format!(
                        "`{path_key}` must be a reference path (one node) or an intrinsic function, not {:?}",
                        p.as_str()
                    ),
                );
                return None;
            }
        }
        return Some(FailText::Path(expr));
    }
    let text = fields::dynamic(cx, obj, key, path_key, ql, |cx, value, ptr| match value {
        Node::String(s) => Some(s.to_string()),
        other => {
            cx.report(Code::InvalidType, ptr, format!("`{key}` must be a string, not {}", fields::kind(other)));
            None
        }
    });
    match text? {
        Dynamic::Value(s) => Some(FailText::Value(s)),
        Dynamic::Jsonata(j) => Some(FailText::Jsonata(j)),
        Dynamic::Path(p) => Some(FailText::Path(Expr::Path(p.path().clone()))),
    }
}

fn branches(cx: &mut Cx, obj: &mut Obj<'_>) -> Vec<Graph> {
    let ptr = obj.ptr_of("Branches");
    if !obj.has("Branches") {
        cx.report(Code::MissingField, obj.ptr().to_string(), "a Parallel state needs `Branches`");
        return Vec::new();
    }
    let Some(items) = obj.array(cx, "Branches") else { return Vec::new() };
    if items.is_empty() {
        cx.report(Code::EmptyList, ptr.clone(), "`Branches` needs at least one branch");
    }
    // An unreadable branch stays as an empty placeholder, so that the
    // pointers of the branches after it keep their index.
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let Some(mut b) = Obj::new(cx, item, format!("{ptr}/{i}"), "a branch") else {
                return super::unreadable_graph();
            };
            let comment = b.string(cx, "Comment");
            let graph = Graph { comment, ..graph_body(cx, &mut b) };
            b.finish(cx, "a Parallel branch");
            graph
        })
        .collect()
}
