//! The Map state: inline and distributed.

use super::dom::Node;

use super::fields::{self, assign, jsonata_template, path_or_null, result_path, template};
use super::object::Obj;
use super::states::transition;
use super::{Cx, graph_body};
use crate::asl::states::*;
use crate::asl::{Graph, QueryLanguage};
use crate::error::Code;

pub(crate) fn map(
    cx: &mut Cx,
    obj: &mut Obj<'_>,
    comment: Option<String>,
    own_ql: Option<QueryLanguage>,
    ql: QueryLanguage,
) -> Map {
    let (item_processor, processor_key) = processor(cx, obj);
    let (item_selector, selector_key) = selector(cx, obj, ql);
    let map = Map {
        comment,
        query_language: own_ql,
        item_processor,
        processor_key,
        items_path: {
            let ptr = obj.ptr_of("ItemsPath");
            obj.get("ItemsPath").and_then(|v| fields::reference_path_value(cx, v, &ptr, "ItemsPath"))
        },
        items: jsonata_template(cx, obj, "Items"),
        item_reader: item_reader(cx, obj, ql),
        item_selector,
        selector_key,
        item_batcher: item_batcher(cx, obj, ql),
        max_concurrency: fields::dynamic_uint(cx, obj, "MaxConcurrency", "MaxConcurrencyPath", ql, 0, u32::MAX as u64),
        tolerated_failure_count: fields::dynamic_uint(
            cx,
            obj,
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            ql,
            0,
            u32::MAX as u64,
        ),
        tolerated_failure_percentage: fields::dynamic(
            cx,
            obj,
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            ql,
            |cx, value, ptr| match value {
                Node::Number(n) if n.parse::<f64>().is_ok_and(|f| (0.0..=100.0).contains(&f)) => n.parse().ok(),
                Node::Number(n) => {
                    cx.report(
                        Code::OutOfRange,
                        ptr,
                        format!("`ToleratedFailurePercentage` is {n}; it must be between 0 and 100"),
                    );
                    None
                }
                other => {
                    cx.report(
                        Code::InvalidType,
                        ptr,
                        format!("`ToleratedFailurePercentage` must be a number, not {}", fields::kind(other)),
                    );
                    None
                }
            },
        ),
        label: label(cx, obj),
        result_writer: result_writer(cx, obj, ql),
        input_path: path_or_null(cx, obj, "InputPath"),
        result_selector: template(cx, obj, "ResultSelector"),
        result_path: result_path(cx, obj),
        output_path: path_or_null(cx, obj, "OutputPath"),
        output: jsonata_template(cx, obj, "Output"),
        assign: assign(cx, obj, ql),
        retry: fields::retry(cx, obj),
        catch: fields::catch(cx, obj, ql),
        transition: transition(cx, obj),
    };
    check_mode(cx, obj, &map);
    map
}

/// `ItemProcessor` or the deprecated `Iterator`, exactly one.
fn processor(cx: &mut Cx, obj: &mut Obj<'_>) -> (ItemProcessor, ProcessorKey) {
    let key = match (obj.has("ItemProcessor"), obj.has("Iterator")) {
        (true, true) => {
            cx.report(
                Code::FieldConflict,
                obj.ptr_of("Iterator"),
                "`Iterator` is the old name of `ItemProcessor`; keep only `ItemProcessor`",
            );
            obj.skip("Iterator");
            ProcessorKey::ItemProcessor
        }
        (false, true) => ProcessorKey::Iterator,
        (true, false) => ProcessorKey::ItemProcessor,
        (false, false) => {
            cx.report(
                Code::MissingField,
                obj.ptr().to_string(),
                "a Map state needs `ItemProcessor`: the states to run for each item",
            );
            return (ItemProcessor { config: None, graph: super::unreadable_graph() }, ProcessorKey::ItemProcessor);
        }
    };
    let ptr = obj.ptr_of(key.as_str());
    let value = obj.get(if key == ProcessorKey::Iterator { "Iterator" } else { "ItemProcessor" });
    let Some(mut p) = value.and_then(|v| Obj::new(cx, v, &ptr, &format!("`{}`", key.as_str()))) else {
        return (ItemProcessor { config: None, graph: super::unreadable_graph() }, key);
    };
    let config = if key == ProcessorKey::ItemProcessor { processor_config(cx, &mut p) } else { None };
    let comment = p.string(cx, "Comment");
    let graph = Graph { comment, ..graph_body(cx, &mut p) };
    p.finish(cx, &format!("`{}`", key.as_str()));
    (ItemProcessor { config, graph }, key)
}

fn processor_config(cx: &mut Cx, p: &mut Obj<'_>) -> Option<ProcessorConfig> {
    let ptr = p.ptr_of("ProcessorConfig");
    let mut c = Obj::new(cx, p.get("ProcessorConfig")?, &ptr, "`ProcessorConfig`")?;
    let mode = c.one_of(cx, "Mode", &["INLINE", "DISTRIBUTED"]).and_then(|m| ProcessorMode::from_str_opt(&m));
    let execution_type =
        c.one_of(cx, "ExecutionType", &["STANDARD", "EXPRESS"]).and_then(|t| ExecutionType::from_str_opt(&t));
    match (mode, execution_type) {
        (Some(ProcessorMode::Distributed), None) if !c.has("ExecutionType") => {
            cx.report(Code::MissingField, ptr.clone(), "a distributed Map needs `ExecutionType`: STANDARD or EXPRESS");
        }
        (Some(ProcessorMode::Inline) | None, Some(_)) => {
            cx.report(
                Code::MapModeMismatch,
                c.ptr_of("ExecutionType"),
                "`ExecutionType` only applies to a distributed Map (\"Mode\": \"DISTRIBUTED\")",
            );
        }
        _ => {}
    }
    c.finish(cx, "`ProcessorConfig`");
    Some(ProcessorConfig { mode, execution_type })
}

/// `ItemSelector` or the deprecated `Parameters`.
fn selector(cx: &mut Cx, obj: &mut Obj<'_>, ql: QueryLanguage) -> (Option<Payload>, SelectorKey) {
    if obj.has("ItemSelector") && obj.has("Parameters") {
        cx.report(
            Code::FieldConflict,
            obj.ptr_of("Parameters"),
            "`Parameters` is the old name of `ItemSelector` in a Map state; keep only `ItemSelector`",
        );
        obj.block("Parameters");
    }
    if obj.has("Parameters") {
        return (template(cx, obj, "Parameters").map(Payload::Template), SelectorKey::Parameters);
    }
    (fields::payload(cx, obj, "ItemSelector", ql), SelectorKey::ItemSelector)
}

/// `Parameters` (JSONPath) or `Arguments` (JSONata) of ItemReader / ResultWriter.
fn io_parameters(cx: &mut Cx, o: &mut Obj<'_>, ql: QueryLanguage) -> Option<Payload> {
    match ql {
        QueryLanguage::JsonPath => template(cx, o, "Parameters").map(Payload::Template),
        QueryLanguage::Jsonata => jsonata_template(cx, o, "Arguments").map(Payload::Jsonata),
    }
}

fn item_reader(cx: &mut Cx, obj: &mut Obj<'_>, ql: QueryLanguage) -> Option<ItemReader> {
    let ptr = obj.ptr_of("ItemReader");
    let mut r = Obj::new(cx, obj.get("ItemReader")?, &ptr, "`ItemReader`")?;
    fields::reject_other_language(cx, &mut r, ql);
    let resource = r.required_string(cx, "Resource").unwrap_or_default();
    let parameters = io_parameters(cx, &mut r, ql);
    let reader_config = {
        let ptr = r.ptr_of("ReaderConfig");
        r.get("ReaderConfig").and_then(|v| Obj::new(cx, v, &ptr, "`ReaderConfig`")).map(|mut c| {
            let config = ReaderConfig {
                input_type: c.one_of(cx, "InputType", &["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"]),
                csv_header_location: c.one_of(cx, "CSVHeaderLocation", &["FIRST_ROW", "GIVEN"]),
                csv_headers: string_list(cx, &mut c, "CSVHeaders"),
                csv_delimiter: c.one_of(cx, "CSVDelimiter", &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]),
                manifest_type: c.one_of(cx, "ManifestType", &["ATHENA_DATA", "S3_INVENTORY"]),
                max_items: fields::dynamic_uint(cx, &mut c, "MaxItems", "MaxItemsPath", ql, 1, 100_000_000),
            };
            c.finish(cx, "`ReaderConfig`");
            config
        })
    };
    r.finish(cx, "`ItemReader`");
    Some(ItemReader { resource, parameters, reader_config })
}

fn string_list(cx: &mut Cx, o: &mut Obj<'_>, key: &'static str) -> Option<Vec<String>> {
    let ptr = o.ptr_of(key);
    let items = o.array(cx, key)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            Node::String(s) => out.push(s.to_string()),
            other => cx.report(
                Code::InvalidType,
                format!("{ptr}/{i}"),
                format!("`{key}` holds strings, not {}", fields::kind(other)),
            ),
        }
    }
    Some(out)
}

fn item_batcher(cx: &mut Cx, obj: &mut Obj<'_>, ql: QueryLanguage) -> Option<ItemBatcher> {
    let ptr = obj.ptr_of("ItemBatcher");
    let mut b = Obj::new(cx, obj.get("ItemBatcher")?, &ptr, "`ItemBatcher`")?;
    let batcher = ItemBatcher {
        max_items_per_batch: fields::dynamic_uint(
            cx,
            &mut b,
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            ql,
            1,
            u32::MAX as u64,
        ),
        max_input_bytes_per_batch: fields::dynamic_uint(
            cx,
            &mut b,
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
            ql,
            1,
            262_144,
        ),
        batch_input: fields::payload(cx, &mut b, "BatchInput", ql),
    };
    if batcher.max_items_per_batch.is_none()
        && batcher.max_input_bytes_per_batch.is_none()
        && !b.has("MaxItemsPerBatch")
        && !b.has("MaxInputBytesPerBatch")
        && !b.has("MaxItemsPerBatchPath")
        && !b.has("MaxInputBytesPerBatchPath")
    {
        cx.report(
            Code::MissingField,
            ptr.clone(),
            "`ItemBatcher` needs `MaxItemsPerBatch` or `MaxInputBytesPerBatch` (or their `Path` forms)",
        );
    }
    b.finish(cx, "`ItemBatcher`");
    Some(batcher)
}

fn result_writer(cx: &mut Cx, obj: &mut Obj<'_>, ql: QueryLanguage) -> Option<ResultWriter> {
    let ptr = obj.ptr_of("ResultWriter");
    let mut w = Obj::new(cx, obj.get("ResultWriter")?, &ptr, "`ResultWriter`")?;
    fields::reject_other_language(cx, &mut w, ql);
    let writer = ResultWriter {
        resource: w.string(cx, "Resource"),
        parameters: io_parameters(cx, &mut w, ql),
        writer_config: {
            let ptr = w.ptr_of("WriterConfig");
            w.get("WriterConfig").and_then(|v| Obj::new(cx, v, &ptr, "`WriterConfig`")).map(|mut c| {
                let config = WriterConfig {
                    output_type: c.one_of(cx, "OutputType", &["JSON", "JSONL"]),
                    transformation: c.one_of(cx, "Transformation", &["NONE", "COMPACT", "FLATTEN"]),
                };
                c.finish(cx, "`WriterConfig`");
                config
            })
        },
    };
    if writer.resource.is_none() && writer.writer_config.is_none() && !w.has("Resource") {
        cx.report(Code::MissingField, ptr, "`ResultWriter` needs `Resource` (and its `Parameters`) or `WriterConfig`");
    }
    w.finish(cx, "`ResultWriter`");
    Some(writer)
}

/// `Label`: at most 40 characters, none of those Step Functions forbids in names.
fn label(cx: &mut Cx, obj: &mut Obj<'_>) -> Option<String> {
    let label = obj.string(cx, "Label")?;
    let bad = label.chars().find(|c| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(*c));
    if label.chars().count() > 40 {
        cx.report(
            Code::InvalidValue,
            obj.ptr_of("Label"),
            format!("`Label` has {} characters; at most 40 are allowed", label.chars().count()),
        );
    } else if let Some(c) = bad {
        cx.report(Code::InvalidValue, obj.ptr_of("Label"), format!("`Label` may not contain {c:?}"));
    }
    Some(label)
}

/// Distributed-only fields in an inline Map.
fn check_mode(cx: &mut Cx, obj: &Obj<'_>, map: &Map) {
    if map.is_distributed() {
        return;
    }
    let present = [
        ("ItemReader", map.item_reader.is_some()),
        ("ItemBatcher", map.item_batcher.is_some()),
        ("ResultWriter", map.result_writer.is_some()),
        ("ToleratedFailureCount", map.tolerated_failure_count.is_some()),
        ("ToleratedFailurePercentage", map.tolerated_failure_percentage.is_some()),
        ("Label", map.label.is_some()),
    ];
    for (key, is_set) in present {
        if is_set {
            // Point at the field that was read: the plain one wins over its `Path` form.
            let key = match (key, obj.has(key)) {
                ("ToleratedFailureCount", false) => "ToleratedFailureCountPath",
                ("ToleratedFailurePercentage", false) => "ToleratedFailurePercentagePath",
                _ => key,
            };
            cx.report(Code::MapModeMismatch, obj.ptr_of(key), format!("`{key}` only applies to a distributed Map: set \"ProcessorConfig\": {{\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": …}} in `ItemProcessor`"));
        }
    }
}
