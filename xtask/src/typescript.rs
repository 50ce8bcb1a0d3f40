//! The TypeScript part: the option interfaces of `header.d.ts` (napi's
//! `dtsHeaderFile`, so `napi build` copies them into `index.d.ts`).

use std::fmt::Write;

use stepforge::builder::surface::{
    AFTERWARDS_PROPS, CATCH_PROPS, ITEM_PROCESSOR_PROPS, OptionSpec, RETRY_PROPS, STATE_MACHINE_PROPS, STATES,
    ValueKind, WHEN_PROPS,
};

/// napi's header file.
pub const HEADER: &str = "bindings-node/header.d.ts";

/// The type of a value of `kind`.
fn type_of(kind: ValueKind) -> String {
    match kind {
        ValueKind::Text => "string".into(),
        ValueKind::Count | ValueKind::Number => "number".into(),
        ValueKind::Boolean => "boolean".into(),
        ValueKind::CountOrExpression | ValueKind::NumberOrExpression => "number | string".into(),
        ValueKind::Json | ValueKind::Payload => "Payload".into(),
        ValueKind::Path => "Path".into(),
        ValueKind::NullablePath => "Path | null".into(),
        ValueKind::QueryLanguage => "QueryLanguageName".into(),
        ValueKind::ErrorNames => "ReadonlyArray<string>".into(),
        ValueKind::OneOf(spellings) => spellings.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(" | "),
    }
}

fn interface(out: &mut String, name: &str, doc: &str, fields: &[OptionSpec]) {
    let _ = writeln!(out, "\n/** {doc} */\nexport interface {name} {{");
    for f in fields {
        let _ = writeln!(out, "  /** {} */\n  {}?: {}", f.doc, f.js_name(), type_of(f.kind));
    }
    out.push_str("}\n");
}

/// One interface per state type's options, and the props of the helpers.
pub fn options() -> String {
    let mut out = String::new();
    for s in STATES {
        interface(&mut out, s.options_type, &format!("Options of a `{}` state.", s.name), s.options);
    }
    interface(&mut out, "RetryProps", "A retrier, for `addRetry`.", RETRY_PROPS);
    interface(&mut out, "CatchProps", "A catcher, for `addCatch`.", CATCH_PROPS);
    interface(&mut out, "WhenProps", "Optional fields of a Choice rule, for `when`.", WHEN_PROPS);
    interface(&mut out, "AfterwardsProps", "Options of `Choice.afterwards`.", AFTERWARDS_PROPS);
    interface(
        &mut out,
        "ItemProcessorProps",
        "How a Map state runs its item processor (`ProcessorConfig`).",
        ITEM_PROCESSOR_PROPS,
    );
    interface(&mut out, "StateMachineProps", "Top-level fields of a state machine.", STATE_MACHINE_PROPS);
    out
}

/// `loadDdb`'s options and summary, from the core's `load_surface` table.
pub fn load_ddb() -> String {
    use stepforge::dynamo::load_surface::{
        FieldType, LOAD_OPTIONS, LoadKind, RETRY_FIELDS, SUMMARY_FIELDS, SummaryField,
    };
    use stepforge::dynamo::walk::Dialect;
    let mut out = String::from(
        "\n/** Options of `loadDdb`: the `load-ddb` command's, in camelCase. */\nexport interface LoadDdbOptions {\n",
    );
    for o in LOAD_OPTIONS {
        let ty = match o.kind {
            LoadKind::Text | LoadKind::Path => "string".to_string(),
            LoadKind::Count { .. } => "number".to_string(),
            LoadKind::Boolean => "boolean".to_string(),
            LoadKind::Rate => "number | string".to_string(),
            LoadKind::OneOf(spellings) => spellings.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(" | "),
        };
        let _ = writeln!(out, "  /** {} */\n  {}?: {ty}", o.doc, o.spelled(Dialect::JavaScript));
    }
    out.push_str("}\n");
    let fields = |out: &mut String, name: &str, doc: &str, fields: &[SummaryField]| {
        let _ = writeln!(out, "\n/** {doc} */\nexport interface {name} {{");
        for f in fields {
            let ty = match f.ty {
                FieldType::Count | FieldType::Real => "number",
                FieldType::Boolean => "boolean",
                FieldType::OptionalText => "string | null",
                FieldType::Retries => "LoadRetries",
            };
            let _ = writeln!(out, "  /** {} */\n  {}: {ty}", f.doc, f.name);
        }
        out.push_str("}\n");
    };
    fields(&mut out, "LoadRetries", "Retries counted in a `LoadSummary`.", RETRY_FIELDS);
    fields(
        &mut out,
        "LoadSummary",
        "What a load did: the object `load-ddb --summary json` prints and Python's `load_ddb` returns, with the same snake_case keys.",
        SUMMARY_FIELDS,
    );
    out
}
