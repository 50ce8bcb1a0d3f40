//! The Python parts: the state classes, `Condition` and `StateMachine` in
//! `_native.pyi`, and the `Errors` and `QueryLanguage` constants in
//! `__init__.py`.

use std::fmt::Write;

use stepforge::builder::surface::{
    AFTERWARDS_PROPS, CATCH_PROPS, Constant, ERROR_NAMES, ITEM_PROCESSOR_PROPS, OptionSpec, QUERY_LANGUAGE_NAMES,
    RETRY_PROPS, STATE_MACHINE_PROPS, STATES, StateSpec, ValueKind, WHEN_PROPS,
};
use stepforge::builder::{COMPARISONS, INTRINSIC_HELPERS, JSON_PATH_CONSTANTS, JSON_PATH_PATHS, TYPE_TESTS};

/// The stub of the extension module.
pub const STUB: &str = "bindings-python/python/stepforge/_native.pyi";
/// The package's `__init__.py`.
pub const PACKAGE: &str = "bindings-python/python/stepforge/__init__.py";

/// The annotation of a value of `kind`.
fn annotation(kind: ValueKind) -> String {
    match kind {
        ValueKind::Text => "str".into(),
        ValueKind::Count => "int".into(),
        ValueKind::Number => "float".into(),
        ValueKind::Boolean => "bool".into(),
        ValueKind::CountOrExpression => "Union[int, str]".into(),
        ValueKind::NumberOrExpression => "Union[float, str]".into(),
        ValueKind::Json => "_JsonValue".into(),
        ValueKind::Payload => "_Payload".into(),
        ValueKind::Path => "_Path".into(),
        ValueKind::NullablePath => "Optional[_Path]".into(),
        ValueKind::QueryLanguage => "_QueryLanguageName".into(),
        ValueKind::ErrorNames => "_ErrorNames".into(),
        ValueKind::OneOf(spellings) => {
            let quoted: Vec<String> = spellings.iter().map(|s| format!("\"{s}\"")).collect();
            format!("Literal[{}]", quoted.join(", "))
        }
    }
}

/// A keyword parameter of a method taking `props`: absent is `None`, except
/// where `None` is a value of its own (then absent is `...`).
fn prop_parameter(p: &OptionSpec) -> String {
    match p.kind {
        ValueKind::NullablePath => format!("{}: {} = ...", p.name, annotation(p.kind)),
        ValueKind::Payload | ValueKind::Json => format!("{}: {} = None", p.name, annotation(p.kind)),
        ValueKind::Boolean => format!("{}: bool = False", p.name),
        kind => format!("{}: Optional[{}] = None", p.name, annotation(kind)),
    }
}

/// `def name(self, <first>, *, <props>) -> <returns>: ...`, one parameter a line.
fn method(out: &mut String, name: &str, first: &[&str], props: &[OptionSpec], returns: &str) {
    let _ = writeln!(out, "    def {name}(\n        self,");
    for f in first {
        let _ = writeln!(out, "        {f},");
    }
    if !props.is_empty() {
        out.push_str("        *,\n");
    }
    for p in props {
        let _ = writeln!(out, "        {},", prop_parameter(p));
    }
    let _ = writeln!(out, "    ) -> {returns}: ...");
}

fn state_class(out: &mut String, s: &StateSpec) {
    let _ = writeln!(out, "class {}(State):", s.name);
    let _ = writeln!(out, "    \"\"\"{}\"\"\"\n", s.doc);
    out.push_str("    def __new__(\n        cls,\n        name: str,\n        *,\n");
    for o in s.options {
        let _ = writeln!(out, "        {}: {} = ...,", o.name, annotation(o.kind));
    }
    out.push_str("    ) -> Self: ...\n");
    if s.can("next") {
        out.push_str("    def next(self, next: _Chainable) -> Chain: ...\n");
    } else if s.can("terminal") {
        let _ = writeln!(out, "    def next(self, next: _Chainable) -> NoReturn:");
        let _ =
            writeln!(out, "        \"\"\"Raises ChainError (INVALID_CHAIN): nothing follows a {} state.\"\"\"", s.name);
    }
    if s.can("choice") {
        method(out, "when", &["condition: Condition", "next: _Chainable"], WHEN_PROPS, "Self");
        out.push_str("    def otherwise(self, next: _Chainable) -> Self: ...\n");
        method(out, "afterwards", &[], AFTERWARDS_PROPS, "Chain");
        out.push_str("    def next(self, next: _Chainable) -> NoReturn:\n");
        out.push_str(
            "        \"\"\"Raises ChainError (INVALID_CHAIN): a Choice goes on through when/otherwise, or afterwards().\"\"\"\n",
        );
    }
    if s.can("branch") {
        out.push_str("    def branch(self, *branches: _Chainable) -> Self: ...\n");
    }
    if s.can("processor") {
        method(out, "item_processor", &["processor: _Chainable"], ITEM_PROCESSOR_PROPS, "Self");
    }
    if s.can("errors") {
        method(out, "add_retry", &[], RETRY_PROPS, "Self");
        method(out, "add_catch", &["handler: _Chainable"], CATCH_PROPS, "Self");
    }
}

/// The eight state classes.
pub fn states() -> String {
    let mut out = String::new();
    for (i, s) in STATES.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        state_class(&mut out, s);
    }
    out
}

/// `StateMachine.__new__`.
pub fn state_machine() -> String {
    let mut out = String::from("    def __new__(\n        cls,\n        definition: _Chainable,\n        *,\n");
    for p in STATE_MACHINE_PROPS {
        let _ = writeln!(out, "        {},", prop_parameter(p));
    }
    out.push_str("    ) -> Self: ...\n");
    out
}

/// The operand's annotation of a comparison helper, from its family.
fn operand(name: &str) -> &'static str {
    match name.split('_').next() {
        Some("number") => "float",
        Some("boolean") => "bool",
        _ => "str",
    }
}

/// The `Condition` class: one static method per entry of the core's tables.
pub fn condition() -> String {
    let mut out = String::from(
        "@final\nclass Condition:\n    \"\"\"A Choice rule's test; combine with ``and_``, ``or_`` and ``not_``.\"\"\"\n\n",
    );
    for (name, _, path, _) in COMPARISONS {
        let second = if *path { "path: _Path".to_string() } else { format!("value: {}", operand(name)) };
        let _ = writeln!(out, "    @staticmethod\n    def {name}(variable: _Path, {second}) -> Condition: ...");
    }
    for (name, ..) in TYPE_TESTS {
        let _ = writeln!(out, "    @staticmethod\n    def {name}(variable: _Path) -> Condition: ...");
    }
    out.push_str(concat!(
        "    @staticmethod\n    def and_(*conditions: Condition) -> Condition: ...\n",
        "    @staticmethod\n    def or_(*conditions: Condition) -> Condition: ...\n",
        "    @staticmethod\n    def not_(condition: Condition) -> Condition: ...\n",
        "    @staticmethod\n    def jsonata(expression: str) -> Condition: ...\n",
        "    def to_dict(self) -> Dict[str, Any]: ...\n",
        "    def __eq__(self, other: object, /) -> bool: ...\n",
    ));
    out
}

fn constant_class(out: &mut String, name: &str, doc: &str, constants: &[Constant]) {
    let _ = writeln!(out, "class {name}:\n    \"\"\"{doc}\"\"\"\n");
    for c in constants {
        let _ = writeln!(out, "    #: {}\n    {}: Final = \"{}\"", c.doc, c.name, c.value);
    }
}

/// `Errors` and `QueryLanguage`.
pub fn constants() -> String {
    let mut out = String::new();
    constant_class(
        &mut out,
        "Errors",
        "The error names Step Functions defines, for ``add_retry``/``add_catch``.",
        ERROR_NAMES,
    );
    out.push_str("\n\n");
    constant_class(
        &mut out,
        "QueryLanguage",
        "The values of ``query_language`` (on states and on :class:`StateMachine`).",
        QUERY_LANGUAGE_NAMES,
    );
    out
}

/// The `JsonPath` class: the core's table, and the helpers whose arguments vary.
pub fn json_path() -> String {
    let mut out = String::from(concat!(
        "@final\nclass JsonPath:\n",
        "    \"\"\"Paths and intrinsic functions for payloads, like the CDK's ``JsonPath``.\"\"\"\n\n",
    ));
    for c in JSON_PATH_CONSTANTS {
        let _ = writeln!(out, "    {c}: ClassVar[JsonPathExpr]");
    }
    out.push('\n');
    for p in JSON_PATH_PATHS {
        let _ = writeln!(out, "    @staticmethod\n    def {p}(path: str) -> JsonPathExpr: ...");
    }
    out.push_str(concat!(
        "    @staticmethod\n    def format(template: str, *args: _Arg) -> JsonPathExpr: ...\n",
        "    @staticmethod\n    def array(*args: _Arg) -> JsonPathExpr: ...\n",
        "    @staticmethod\n    def json_merge(value1: _Arg, value2: _Arg) -> JsonPathExpr: ...\n",
        "    @staticmethod\n    def math_random(start: _Arg, end: _Arg, seed: _Arg = None) -> JsonPathExpr: ...\n",
    ));
    for (name, params, _) in INTRINSIC_HELPERS {
        let params: Vec<String> = params.iter().map(|p| format!("{p}: _Arg")).collect();
        let _ = writeln!(out, "    @staticmethod\n    def {name}({}) -> JsonPathExpr: ...", params.join(", "));
    }
    out
}

/// The package's typed dicts (`_types.py`).
pub const TYPES: &str = "bindings-python/python/stepforge/_types.py";

/// `load_ddb`'s keyword parameters, from the core's `load_surface` table.
pub fn load_ddb() -> String {
    use stepforge::dynamo::load_surface::{LOAD_OPTIONS, LoadKind};
    let mut out = String::new();
    for o in LOAD_OPTIONS.iter().filter(|o| !o.js_only) {
        let (annotation, default) = match o.kind {
            LoadKind::Text => ("Optional[str]".to_string(), "None".to_string()),
            LoadKind::Path => ("Union[str, \"os.PathLike[str]\", None]".to_string(), "None".to_string()),
            LoadKind::Count { default, .. } => ("int".to_string(), default.to_string()),
            LoadKind::Boolean => ("bool".to_string(), "False".to_string()),
            LoadKind::Rate => ("Union[int, float, str, None]".to_string(), "None".to_string()),
            LoadKind::OneOf(spellings) => {
                let quoted: Vec<String> = spellings.iter().map(|s| format!("\"{s}\"")).collect();
                (format!("Literal[{}]", quoted.join(", ")), quoted[0].clone())
            }
        };
        let _ = writeln!(out, "    {}: {annotation} = {default},", o.name);
    }
    out
}

/// `RetryCounts` and `LoadSummary`, from the core's `load_surface` table.
pub fn load_summary() -> String {
    use stepforge::dynamo::load_surface::{FieldType, RETRY_FIELDS, SUMMARY_FIELDS, SummaryField};
    let class = |out: &mut String, name: &str, doc: &str, fields: &[SummaryField]| {
        let _ = writeln!(out, "\n\nclass {name}(TypedDict):\n    \"\"\"{doc}\"\"\"\n");
        for f in fields {
            let ty = match f.ty {
                FieldType::Count => "int",
                FieldType::Real => "float",
                FieldType::Boolean => "bool",
                FieldType::OptionalText => "Optional[str]",
                FieldType::Retries => "RetryCounts",
            };
            let _ = writeln!(out, "    #: {}\n    {}: {ty}", f.doc.replace('`', "``"), f.name);
        }
    };
    let mut out = String::new();
    class(&mut out, "RetryCounts", "What a load retried.", RETRY_FIELDS);
    class(
        &mut out,
        "LoadSummary",
        "What a load did: the dict :func:`stepforge.load_ddb` returns (and\n    ``LoadError.summary``), the same as ``load-ddb --summary json`` prints.",
        SUMMARY_FIELDS,
    );
    out.push_str("\n\n");
    out
}
