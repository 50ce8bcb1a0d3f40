//! Data evaluation of the local executor (`stepforge::exec::eval`): JSONPath
//! selection, payload templates, intrinsic functions, ResultPath, Choice rules
//! and JSONata, checked against the examples of the AWS documentation.
//!
//! Sources cited below:
//! - [intrinsics]: "Intrinsic functions for JSONPath states in Step Functions",
//!   <https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html>
//! - [resultpath]: "Specifying state output using ResultPath in Step Functions",
//!   <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html>
//! - [paths]: "Using JSONPath paths" / "Paths" in the ASL spec,
//!   <https://states-language.net/spec.html#path>
//! - [choice]: "Choice workflow state",
//!   <https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html>
//! - [jsonata]: "Transforming data with JSONata in Step Functions",
//!   <https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>
//! - [parameters]: "Manipulate parameters in Step Functions workflows" (InputPath,
//!   Parameters and ResultSelector),
//!   <https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html>

use serde_json::{Map, Value, json};
use stepforge::asl::intrinsic::Intrinsic;
use stepforge::asl::states::PathOrNull;
use stepforge::asl::{Condition, Jsonata, JsonataTemplate, Path, ReferencePath, State, TemplateValue};
use stepforge::exec::eval::{
    Entropy, EvalError, JsonataEnv, Scope, apply_template, call_intrinsic, choose, jsonata, jsonata_condition,
    jsonata_template, place_result, select,
};

/// A fixed sequence of "random" numbers, so results are predictable.
struct Counter(u64);

impl Entropy for Counter {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0
    }
}

fn no_vars() -> Map<String, Value> {
    Map::new()
}

fn sel(path: &str, input: &Value) -> Result<Value, EvalError> {
    let vars = no_vars();
    let context = json!({});
    select(&Path::parse(path).expect("path parses"), input, &Scope::new(&context, &vars))
}

/// `Parameters` of a Pass state, as the model parses it.
fn template(parameters: Value) -> TemplateValue {
    let definition = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": parameters, "End": true}}});
    let parsed = stepforge::asl::parse_value(&definition).expect("definition parses");
    match parsed.graph.states.get("P") {
        Some(State::Pass(pass)) => pass.parameters.clone().expect("parameters"),
        other => panic!("not a pass state: {other:?}"),
    }
}

fn apply(parameters: Value, input: &Value) -> Result<Value, EvalError> {
    let vars = no_vars();
    let context = json!({"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:m:e1"}});
    apply_template(&template(parameters), input, &Scope::new(&context, &vars), &mut Counter(1))
}

fn intrinsic(text: &str, input: &Value) -> Result<Value, EvalError> {
    let vars = no_vars();
    let context = json!({});
    call_intrinsic(
        &Intrinsic::parse(text).expect("intrinsic parses"),
        input,
        &Scope::new(&context, &vars),
        &mut Counter(7),
    )
}

/// The condition of a Choice state's first rule.
fn condition(rule: Value) -> Condition {
    let mut rule = rule;
    rule["Next"] = json!("Yes");
    let definition = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [rule], "Default": "No"},
        "Yes": {"Type": "Succeed"}, "No": {"Type": "Succeed"}}});
    let parsed = stepforge::asl::parse_value(&definition).expect("definition parses");
    match parsed.graph.states.get("C") {
        Some(State::Choice(choice)) => choice.choices[0].condition.clone(),
        other => panic!("not a choice state: {other:?}"),
    }
}

fn chooses(rule: Value, input: &Value) -> Result<bool, EvalError> {
    let vars = no_vars();
    let context = json!({});
    choose(&condition(rule), input, &Scope::new(&context, &vars))
}

fn env<'a>(input: &'a Value, context: &'a Value, variables: &'a Map<String, Value>) -> JsonataEnv<'a> {
    JsonataEnv { input, result: None, error_output: None, context, variables, now_millis: 1_700_000_000_123 }
}

fn ata(expr: &str, input: &Value) -> Result<Value, EvalError> {
    let vars = no_vars();
    let context = json!({"Execution": {"Name": "e1"}});
    jsonata(
        &Jsonata::parse(&format!("{{% {expr} %}}")).expect("jsonata parses"),
        &env(input, &context, &vars),
        &mut Counter(3),
    )
}

// ---------------------------------------------------------------- selection

#[test]
fn select_definite_and_indefinite_paths() {
    // [paths]: the spec's example document.
    let input = json!({
        "foo": 123,
        "bar": ["a", "b", "c"],
        "car": {"cdr": true}
    });
    assert_eq!(sel("$.foo", &input).unwrap(), json!(123));
    assert_eq!(sel("$.bar", &input).unwrap(), json!(["a", "b", "c"]));
    assert_eq!(sel("$.car.cdr", &input).unwrap(), json!(true));
    assert_eq!(sel("$.bar[1]", &input).unwrap(), json!("b"));
    assert_eq!(sel("$.bar[-1]", &input).unwrap(), json!("c"));
    assert_eq!(sel("$", &input).unwrap(), input);
    assert_eq!(sel("$.bar[*]", &input).unwrap(), json!(["a", "b", "c"]));
    assert_eq!(sel("$.bar[0:2]", &input).unwrap(), json!(["a", "b"]));
    assert_eq!(sel("$.bar[0,2]", &input).unwrap(), json!(["a", "c"]));
    assert_eq!(sel("$.bar.length()", &input).unwrap(), json!(3));
}

#[test]
fn select_missing_definite_path_is_runtime_error() {
    let err = sel("$.a.b", &json!({"a": {}})).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(err.cause, "Invalid path '$.a.b' : No results for path: $['a']['b']");
}

#[test]
fn select_descendants_filters_and_functions() {
    let input = json!({
        "store": {
            "book": [
                {"title": "A", "price": 8.95, "isbn": "1"},
                {"title": "B", "price": 12.99},
                {"title": "C", "price": 22.99, "isbn": "3"}
            ],
            "bicycle": {"price": 19.95}
        }
    });
    assert_eq!(sel("$..price", &input).unwrap(), json!([8.95, 12.99, 22.99, 19.95]));
    assert_eq!(sel("$.store.book[?(@.price < 10)].title", &input).unwrap(), json!(["A"]));
    assert_eq!(sel("$.store.book[?(@.isbn)].title", &input).unwrap(), json!(["A", "C"]));
    assert_eq!(sel("$.store.book[?(@.price > 10 && @.title != 'C')].title", &input).unwrap(), json!(["B"]));
    assert_eq!(sel("$.store.book[?(@.title in ['A','C'])].price", &input).unwrap(), json!([8.95, 22.99]));
    assert_eq!(sel("$.store.book[?(@.title =~ /[ab]/i)].title", &input).unwrap(), json!(["A", "B"]));
    assert_eq!(sel("$.store.book[*].title", &input).unwrap(), json!(["A", "B", "C"]));
    assert_eq!(sel("$.store.book.length()", &input).unwrap(), json!(3));
    assert_eq!(sel("$.store.book[-2:]", &input).unwrap().as_array().map(Vec::len), Some(2));
    // An indefinite path that matches nothing is an empty list, not an error.
    assert_eq!(sel("$..nothing", &input).unwrap(), json!([]));
}

#[test]
fn select_reads_context_and_variables() {
    let mut vars = Map::new();
    vars.insert("limit".into(), json!({"max": 5}));
    let context = json!({"Execution": {"Name": "run-1"}, "Map": {"Item": {"Index": 2}}});
    let scope = Scope::new(&context, &vars);
    let input = json!({});
    assert_eq!(select(&Path::parse("$$.Execution.Name").unwrap(), &input, &scope).unwrap(), json!("run-1"));
    assert_eq!(select(&Path::parse("$$.Map.Item.Index").unwrap(), &input, &scope).unwrap(), json!(2));
    assert_eq!(select(&Path::parse("$limit.max").unwrap(), &input, &scope).unwrap(), json!(5));
    assert_eq!(select(&Path::parse("$limit").unwrap(), &input, &scope).unwrap(), json!({"max": 5}));
    let err = select(&Path::parse("$other").unwrap(), &input, &scope).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
}

// ---------------------------------------------------------------- templates

#[test]
fn template_resolves_paths_context_and_nesting() {
    // [parameters]: the Parameters example ("comment", "MyDetails" with "size.$",
    // "exists.$", "StaticValue").
    let input = json!({"comment": "Example for Parameters.", "product": {
        "details": {"color": "blue", "size": "small", "material": "cotton"},
        "availability": "in stock", "sku": "2317", "cost": "$23"}});
    let parameters = json!({
        "comment": "Selecting what I care about.",
        "MyDetails": {
            "size.$": "$.product.details.size",
            "exists.$": "$.product.availability",
            "StaticValue": "foo"
        }
    });
    assert_eq!(
        apply(parameters, &input).unwrap(),
        json!({"comment": "Selecting what I care about.",
               "MyDetails": {"size": "small", "exists": "in stock", "StaticValue": "foo"}})
    );
    let nested = json!({"list": [{"id.$": "$.product.sku"}, 1], "ctx.$": "$$.Execution.Id", "all.$": "$"});
    let out = apply(nested, &input).unwrap();
    assert_eq!(out["list"], json!([{"id": "2317"}, 1]));
    assert_eq!(out["ctx"], json!("arn:aws:states:us-east-1:123456789012:execution:m:e1"));
    assert_eq!(out["all"], input);
}

#[test]
fn template_missing_path_is_runtime_error_with_aws_wording() {
    let err = apply(json!({"y.$": "$.x"}), &json!({"a": 1})).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(
        err.cause,
        "The JSONPath '$.x' specified for the field 'y.$' could not be found in the input '{\"a\":1}'"
    );
}

#[test]
fn template_calls_intrinsics() {
    let out = apply(
        json!({"greeting.$": "States.Format('Hello, {}!', $.who)", "n.$": "States.MathAdd($.n, 1)"}),
        &json!({"who": "you", "n": 41}),
    );
    assert_eq!(out.unwrap(), json!({"greeting": "Hello, you!", "n": 42}));
}

// ---------------------------------------------------------------- intrinsics

#[test]
fn intrinsic_format() {
    // [intrinsics] States.Format: both forms give "Hello, my name is Arnav."
    let input = json!({"name": "Arnav", "template": "Hello, my name is {}."});
    assert_eq!(
        intrinsic("States.Format('Hello, my name is {}.', $.name)", &input).unwrap(),
        json!("Hello, my name is Arnav.")
    );
    assert_eq!(intrinsic("States.Format($.template, $.name)", &input).unwrap(), json!("Hello, my name is Arnav."));
    // [intrinsics] reserved characters: \{ \} \' \\ stand for themselves.
    assert_eq!(intrinsic(r"States.Format('\{\} {} it\'s \\', $.name)", &input).unwrap(), json!(r"{} Arnav it's \"));
    assert_eq!(intrinsic(r"States.Format('{}\{}', $.name)", &input).unwrap(), json!("Arnav{}"));
    assert_eq!(intrinsic("States.Format('{} {} {}', 1, true, null)", &input).unwrap(), json!("1 true null"));
    // The ASL spec's example: "Your name is Foo, we are in the year 2020".
    assert_eq!(
        intrinsic("States.Format('Your name is {}, we are in the year {}', $.name, 2020)", &json!({"name": "Foo"}))
            .unwrap(),
        json!("Your name is Foo, we are in the year 2020")
    );
    // Arrays and objects, which the spec rules out, as Step Functions writes them.
    assert_eq!(
        intrinsic("States.Format('{}', $.v)", &json!({"v": {"Arg1": 1, "Arg2": [], "s": ["a", null]}})).unwrap(),
        json!("{Arg1=1, Arg2=[], s=[a, null]}")
    );
    let err = intrinsic("States.Format($.template, $.name, $.name)", &input).unwrap_err();
    assert_eq!(err.error, "States.IntrinsicFailure");
}

#[test]
fn intrinsic_string_to_json() {
    // [intrinsics] States.StringToJson: {"escapedJsonString": "{\"foo\": \"bar\"}"} → {"foo": "bar"}.
    let input = json!({"escapedJsonString": "{\"foo\": \"bar\"}"});
    assert_eq!(intrinsic("States.StringToJson($.escapedJsonString)", &input).unwrap(), json!({"foo": "bar"}));
    // The ASL spec's example, and blank text as null.
    let spec = json!({"someString": "{\"number\": 20}", "zebra": "stripe"});
    assert_eq!(intrinsic("States.StringToJson($.someString)", &spec).unwrap(), json!({"number": 20}));
    assert_eq!(intrinsic("States.StringToJson(' ')", &spec).unwrap(), Value::Null);
    let err = intrinsic("States.StringToJson('{not json')", &input).unwrap_err();
    assert_eq!(err.error, "States.IntrinsicFailure");
}

#[test]
fn intrinsic_json_to_string() {
    // [intrinsics] States.JsonToString: {"unescapedJson": {"foo": "bar"}} → "{\"foo\":\"bar\"}".
    let input = json!({"unescapedJson": {"foo": "bar"}});
    assert_eq!(intrinsic("States.JsonToString($.unescapedJson)", &input).unwrap(), json!("{\"foo\":\"bar\"}"));
}

#[test]
fn intrinsic_array() {
    // [intrinsics] States.Array: {"Id": 123456} → [123456].
    assert_eq!(intrinsic("States.Array($.Id)", &json!({"Id": 123456})).unwrap(), json!([123456]));
    assert_eq!(
        intrinsic("States.Array('a', 1, true, null, States.Array())", &json!({})).unwrap(),
        json!(["a", 1, true, null, []])
    );
    // The ASL spec's example.
    let input = json!({"someJson": {"random": "abcdefg"}, "zebra": "stripe"});
    assert_eq!(
        intrinsic("States.Array('Foo', 2020, $.someJson, null)", &input).unwrap(),
        json!(["Foo", 2020, {"random": "abcdefg"}, null])
    );
}

#[test]
fn intrinsic_array_partition() {
    // [intrinsics] States.ArrayPartition($.inputArray, 4) → [[1,2,3,4],[5,6,7,8],[9]].
    let input = json!({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9]});
    assert_eq!(
        intrinsic("States.ArrayPartition($.inputArray, 4)", &input).unwrap(),
        json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]])
    );
    assert_eq!(
        intrinsic("States.ArrayPartition($.inputArray, $.zero)", &json!({"inputArray": [1], "zero": 0}))
            .unwrap_err()
            .error,
        "States.IntrinsicFailure"
    );
}

#[test]
fn intrinsic_array_contains() {
    // [intrinsics] States.ArrayContains($.inputArray, $.lookingFor) with lookingFor 5 → true.
    let input = json!({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "lookingFor": 5});
    assert_eq!(intrinsic("States.ArrayContains($.inputArray, $.lookingFor)", &input).unwrap(), json!(true));
    assert_eq!(intrinsic("States.ArrayContains($.inputArray, 10)", &input).unwrap(), json!(false));
    assert_eq!(
        intrinsic("States.ArrayContains($.objs, $.o)", &json!({"objs": [{"a": 1}], "o": {"a": 1.0}})).unwrap(),
        json!(true)
    );
}

#[test]
fn intrinsic_array_range() {
    // [intrinsics] States.ArrayRange(1, 9, 2) → [1,3,5,7,9].
    assert_eq!(intrinsic("States.ArrayRange(1, 9, 2)", &json!({})).unwrap(), json!([1, 3, 5, 7, 9]));
    assert_eq!(intrinsic("States.ArrayRange(5, 1, -2)", &json!({})).unwrap(), json!([5, 3, 1]));
    assert_eq!(intrinsic("States.ArrayRange(1, 0, 1)", &json!({})).unwrap(), json!([]));
    // At most 1000 items: a limit from paths is checked at run time.
    let err = intrinsic("States.ArrayRange($.a, $.b, 1)", &json!({"a": 1, "b": 1001})).unwrap_err();
    assert_eq!(err.error, "States.IntrinsicFailure");
    assert_eq!(
        intrinsic("States.ArrayRange($.a, $.b, 1)", &json!({"a": 1, "b": 1000})).unwrap().as_array().map(Vec::len),
        Some(1000)
    );
}

#[test]
fn intrinsic_array_get_item() {
    // [intrinsics] States.ArrayGetItem($.inputArray, $.index) with index 5 → 6.
    let input = json!({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "index": 5});
    assert_eq!(intrinsic("States.ArrayGetItem($.inputArray, $.index)", &input).unwrap(), json!(6));
    assert_eq!(intrinsic("States.ArrayGetItem($.inputArray, 9)", &input).unwrap_err().error, "States.IntrinsicFailure");
}

#[test]
fn intrinsic_array_length() {
    // [intrinsics] States.ArrayLength($.inputArray) → 9.
    let input = json!({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9]});
    assert_eq!(intrinsic("States.ArrayLength($.inputArray)", &input).unwrap(), json!(9));
    assert_eq!(
        intrinsic("States.ArrayLength($.s)", &json!({"s": "abc"})).unwrap_err().error,
        "States.IntrinsicFailure"
    );
}

#[test]
fn intrinsic_array_unique() {
    // [intrinsics] States.ArrayUnique([1,2,3,3,3,3,3,3,4]) → [1,2,3,4].
    let input = json!({"inputArray": [1, 2, 3, 3, 3, 3, 3, 3, 4]});
    assert_eq!(intrinsic("States.ArrayUnique($.inputArray)", &input).unwrap(), json!([1, 2, 3, 4]));
}

#[test]
fn intrinsic_base64_encode() {
    // [intrinsics] States.Base64Encode("Data to encode") → "RGF0YSB0byBlbmNvZGU=".
    let input = json!({"input": "Data to encode"});
    assert_eq!(intrinsic("States.Base64Encode($.input)", &input).unwrap(), json!("RGF0YSB0byBlbmNvZGU="));
    let long = json!({"input": "x".repeat(10_001)});
    assert_eq!(intrinsic("States.Base64Encode($.input)", &long).unwrap_err().error, "States.IntrinsicFailure");
}

#[test]
fn intrinsic_base64_decode() {
    // [intrinsics] States.Base64Decode of the Base64Encode example's output (the
    // page shows "Decoded data" as the result, a placeholder for the text).
    let input = json!({"base64": "RGF0YSB0byBlbmNvZGU="});
    assert_eq!(intrinsic("States.Base64Decode($.base64)", &input).unwrap(), json!("Data to encode"));
    assert_eq!(intrinsic("States.Base64Decode('!!!')", &input).unwrap_err().error, "States.IntrinsicFailure");
}

#[test]
fn intrinsic_hash() {
    // [intrinsics] States.Hash($.Data, $.Algorithm) with "input data" and SHA-1.
    // Copies of the page print "aaff4a450a104cd177d28d18d7485e8cae074b7", 39
    // hex digits: a '4' is missing there from the real digest checked here. The other digests
    // were computed independently (Python's hashlib).
    let input = json!({"Data": "input data", "Algorithm": "SHA-1"});
    assert_eq!(
        intrinsic("States.Hash($.Data, $.Algorithm)", &input).unwrap(),
        json!("aaff4a450a104cd177d28d18d74485e8cae074b7")
    );
    assert_eq!(intrinsic("States.Hash($.Data, 'MD5')", &input).unwrap(), json!("812f45842bc6d66ee14572ce20db8e86"));
    assert_eq!(
        intrinsic("States.Hash($.Data, 'SHA-256')", &input).unwrap(),
        json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
    );
    assert_eq!(
        intrinsic("States.Hash($.Data, 'SHA-384')", &input).unwrap(),
        json!("d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562")
    );
    assert_eq!(
        intrinsic("States.Hash($.Data, 'SHA-512')", &input).unwrap(),
        json!(
            "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4"
        )
    );
    let err = intrinsic("States.Hash($.Data, $.bad)", &json!({"Data": "x", "bad": "SHA-3"})).unwrap_err();
    assert_eq!(err.error, "States.IntrinsicFailure");
}

#[test]
fn intrinsic_json_merge() {
    // [intrinsics] States.JsonMerge($.json1, $.json2, false): a shallow merge.
    let input = json!({
        "json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
        "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}
    });
    assert_eq!(
        intrinsic("States.JsonMerge($.json1, $.json2, false)", &input).unwrap(),
        json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3})
    );
    let err = intrinsic("States.JsonMerge($.json1, $.deep, false)", &json!({"json1": {}, "deep": 1})).unwrap_err();
    assert_eq!(err.error, "States.IntrinsicFailure");
}

#[test]
fn intrinsic_math_random() {
    // [intrinsics] States.MathRandom($.start, $.end): an integer from start
    // (included) to end (excluded); with a seed, the same number every time.
    let input = json!({"start": 1, "end": 999});
    for _ in 0..50 {
        let n = intrinsic("States.MathRandom($.start, $.end)", &input).unwrap().as_i64().unwrap();
        assert!((1..999).contains(&n), "{n}");
    }
    let a = intrinsic("States.MathRandom($.start, $.end, 42)", &input).unwrap();
    let b = intrinsic("States.MathRandom($.start, $.end, 42)", &input).unwrap();
    assert_eq!(a, b);
    // The caller's generator decides: different sources give different draws.
    let vars = no_vars();
    let context = json!({});
    let call = Intrinsic::parse("States.MathRandom(0, 1000000)").unwrap();
    let draws: Vec<Value> = (1..5)
        .map(|seed| call_intrinsic(&call, &input, &Scope::new(&context, &vars), &mut Counter(seed)).unwrap())
        .collect();
    assert!(draws.windows(2).any(|w| w[0] != w[1]), "{draws:?}");
    assert_eq!(intrinsic("States.MathRandom(5, 5)", &input).unwrap_err().error, "States.IntrinsicFailure");
    // Non-integer bounds are rounded to the nearest integer (the developer guide).
    for _ in 0..20 {
        let n = intrinsic("States.MathRandom($.a, $.b)", &json!({"a": 0.6, "b": 2.4})).unwrap();
        assert_eq!(n, json!(1));
    }
}

#[test]
fn intrinsic_math_add() {
    // [intrinsics] States.MathAdd($.value1, $.step) with 111 and -1 → 110.
    let input = json!({"value1": 111, "step": -1});
    assert_eq!(intrinsic("States.MathAdd($.value1, $.step)", &input).unwrap(), json!(110));
    // Exact: no double rounding on large integers.
    assert_eq!(
        intrinsic("States.MathAdd($.big, 1)", &json!({"big": 9007199254740993_i64})).unwrap(),
        json!(9007199254740994_i64)
    );
    assert_eq!(intrinsic("States.MathAdd($.s, 1)", &json!({"s": "1"})).unwrap_err().error, "States.IntrinsicFailure");
}

#[test]
fn intrinsic_string_split() {
    // [intrinsics] States.StringSplit: "1,2,3,4,5" on "," and
    // "This.is+a,test=string" on ".+,=" (each character a delimiter).
    let input = json!({"inputString": "1,2,3,4,5", "splitter": ","});
    assert_eq!(
        intrinsic("States.StringSplit($.inputString, $.splitter)", &input).unwrap(),
        json!(["1", "2", "3", "4", "5"])
    );
    let input = json!({"inputString": "This.is+a,test=string", "splitter": ".+,="});
    assert_eq!(
        intrinsic("States.StringSplit($.inputString, $.splitter)", &input).unwrap(),
        json!(["This", "is", "a", "test", "string"])
    );
}

#[test]
fn intrinsic_uuid() {
    // [intrinsics] States.UUID(): a version 4 UUID.
    let id = intrinsic("States.UUID()", &json!({})).unwrap();
    let id = id.as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4");
    assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
    // Reproducible from the same generator state.
    assert_eq!(intrinsic("States.UUID()", &json!({})).unwrap(), json!(id));
}

#[test]
fn intrinsic_nested_calls_and_paths() {
    // [intrinsics] the nested calls of "myArn.$" (the page's template has a
    // third `{}` with no value for it, which the parser refuses; two here).
    let input = json!({"ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my.recipe.name/1.0.0"}});
    let text = "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    assert_eq!(intrinsic(text, &input).unwrap(), json!("1.0"));
    let mut vars = Map::new();
    vars.insert("x".into(), json!([1, 2]));
    let context = json!({"State": {"Name": "S"}});
    let call = Intrinsic::parse("States.Array($x, $$.State.Name, States.ArrayLength($x))").unwrap();
    assert_eq!(
        call_intrinsic(&call, &json!({}), &Scope::new(&context, &vars), &mut Counter(1)).unwrap(),
        json!([[1, 2], "S", 2])
    );
}

// ---------------------------------------------------------------- ResultPath

fn result_path(text: Option<&str>) -> Option<PathOrNull<ReferencePath>> {
    text.map(|t| if t == "null" { PathOrNull::Null } else { PathOrNull::Path(ReferencePath::parse(t).unwrap()) })
}

#[test]
fn result_path_examples() {
    // [resultpath]: the Hello-world Task's input and result.
    let input = json!({"comment": "This is a test of the input and output of a Task state.", "details": "Default example", "who": "AWS Step Functions"});
    let result = json!("Hello, AWS Step Functions!");
    // ResultPath "$" (and absent): the result replaces the input.
    assert_eq!(place_result(result_path(Some("$")).as_ref(), input.clone(), result.clone()).unwrap(), result);
    assert_eq!(place_result(None, input.clone(), result.clone()).unwrap(), result);
    // ResultPath null: the input passes through.
    assert_eq!(place_result(result_path(Some("null")).as_ref(), input.clone(), result.clone()).unwrap(), input);
    // ResultPath "$.taskresult": the result is added to the input.
    let mut expected = input.clone();
    expected["taskresult"] = result.clone();
    assert_eq!(
        place_result(result_path(Some("$.taskresult")).as_ref(), input.clone(), result.clone()).unwrap(),
        expected
    );
    // ResultPath "$.strings.lambdaresult": into a nested object.
    let input = json!({"strings": {"string1": "foo", "string2": "bar", "string3": "baz"}, "who": "AWS Step Functions"});
    assert_eq!(
        place_result(result_path(Some("$.strings.lambdaresult")).as_ref(), input, result.clone()).unwrap(),
        json!({"strings": {"string1": "foo", "string2": "bar", "string3": "baz", "lambdaresult": "Hello, AWS Step Functions!"}, "who": "AWS Step Functions"})
    );
    // Missing objects on the way are created.
    assert_eq!(place_result(result_path(Some("$.a.b")).as_ref(), json!({}), json!(1)).unwrap(), json!({"a": {"b": 1}}));
}

#[test]
fn result_path_match_failure() {
    let err = place_result(result_path(Some("$.x")).as_ref(), json!("a string"), json!(1)).unwrap_err();
    assert_eq!(err.error, "States.ResultPathMatchFailure");
    assert!(err.cause.contains("$.x"), "{}", err.cause);
    let err = place_result(result_path(Some("$.a.b")).as_ref(), json!({"a": 5}), json!(1)).unwrap_err();
    assert_eq!(err.error, "States.ResultPathMatchFailure");
}

// ---------------------------------------------------------------- Choice

#[test]
fn choice_doc_rules() {
    // [choice]: the example's rules over {"type": "Private", "value": 22}.
    let input = json!({"type": "Private", "value": 22});
    assert!(!chooses(json!({"Not": {"Variable": "$.type", "StringEquals": "Private"}}), &input).unwrap());
    assert!(!chooses(json!({"Variable": "$.value", "NumericEquals": 0}), &input).unwrap());
    assert!(
        chooses(
            json!({"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20}, {"Variable": "$.value", "NumericLessThan": 30}]}),
            &input
        )
        .unwrap()
    );
    assert!(chooses(json!({"Or": [{"Variable": "$.value", "NumericLessThan": 0}, {"Variable": "$.type", "StringEquals": "Private"}]}), &input).unwrap());
}

#[test]
fn choice_every_operator() {
    let input = json!({
        "s": "b", "n": 10, "f": 1.5, "t": true, "ts": "2016-08-18T17:33:00Z", "nul": null,
        "other_s": "b", "other_n": 10.0, "other_ts": "2016-08-18T19:33:00+02:00", "later": "2016-08-18T17:34:00Z"
    });
    let cases = [
        (json!({"Variable": "$.s", "StringEquals": "b"}), true),
        (json!({"Variable": "$.s", "StringLessThan": "c"}), true),
        (json!({"Variable": "$.s", "StringGreaterThan": "a"}), true),
        (json!({"Variable": "$.s", "StringLessThanEquals": "b"}), true),
        (json!({"Variable": "$.s", "StringGreaterThanEquals": "c"}), false),
        (json!({"Variable": "$.s", "StringEqualsPath": "$.other_s"}), true),
        (json!({"Variable": "$.n", "NumericEquals": 10}), true),
        (json!({"Variable": "$.n", "NumericLessThan": 10}), false),
        (json!({"Variable": "$.n", "NumericGreaterThan": 9.99}), true),
        (json!({"Variable": "$.n", "NumericLessThanEquals": 10}), true),
        (json!({"Variable": "$.f", "NumericGreaterThanEquals": 1.5}), true),
        (json!({"Variable": "$.n", "NumericEqualsPath": "$.other_n"}), true),
        (json!({"Variable": "$.n", "NumericLessThanPath": "$.f"}), false),
        (json!({"Variable": "$.t", "BooleanEquals": true}), true),
        (json!({"Variable": "$.t", "BooleanEqualsPath": "$.t"}), true),
        // Instants, whatever the offset.
        (json!({"Variable": "$.ts", "TimestampEquals": "2016-08-18T19:33:00+02:00"}), true),
        (json!({"Variable": "$.ts", "TimestampEqualsPath": "$.other_ts"}), true),
        (json!({"Variable": "$.ts", "TimestampLessThan": "2016-08-18T17:33:01Z"}), true),
        (json!({"Variable": "$.ts", "TimestampGreaterThan": "2016-08-18T17:33:00Z"}), false),
        (json!({"Variable": "$.ts", "TimestampLessThanEquals": "2016-08-18T17:33:00Z"}), true),
        (json!({"Variable": "$.ts", "TimestampGreaterThanEquals": "2016-08-18T17:32:59.999Z"}), true),
        (json!({"Variable": "$.ts", "TimestampLessThanPath": "$.later"}), true),
        (json!({"Variable": "$.nul", "IsNull": true}), true),
        (json!({"Variable": "$.s", "IsNull": false}), true),
        (json!({"Variable": "$.missing", "IsPresent": false}), true),
        (json!({"Variable": "$.s", "IsPresent": true}), true),
        (json!({"Variable": "$.n", "IsNumeric": true}), true),
        (json!({"Variable": "$.s", "IsString": true}), true),
        (json!({"Variable": "$.t", "IsBoolean": true}), true),
        (json!({"Variable": "$.ts", "IsTimestamp": true}), true),
        (json!({"Variable": "$.s", "IsTimestamp": true}), false),
    ];
    for (rule, expected) in cases {
        assert_eq!(chooses(rule.clone(), &input).unwrap(), expected, "{rule}");
    }
}

#[test]
fn choice_mismatched_types_are_false() {
    let input = json!({"s": "10", "n": 10, "t": "true", "ts": "yesterday"});
    assert!(!chooses(json!({"Variable": "$.s", "NumericEquals": 10}), &input).unwrap());
    assert!(!chooses(json!({"Variable": "$.n", "StringEquals": "10"}), &input).unwrap());
    assert!(!chooses(json!({"Variable": "$.t", "BooleanEquals": true}), &input).unwrap());
    assert!(!chooses(json!({"Variable": "$.ts", "TimestampLessThan": "2016-08-18T17:33:00Z"}), &input).unwrap());
    assert!(!chooses(json!({"Variable": "$.n", "StringEqualsPath": "$.s"}), &input).unwrap());
}

#[test]
fn choice_numbers_are_exact() {
    // 1.0000000000000000001 and 1 are the same double but not the same number.
    let input = json!({"x": serde_json::from_str::<Value>("1.0000000000000000001").unwrap()});
    assert!(chooses(json!({"Variable": "$.x", "NumericGreaterThan": 1}), &input).unwrap());
    assert!(!chooses(json!({"Variable": "$.x", "NumericEquals": 1}), &input).unwrap());
    assert!(chooses(json!({"Variable": "$.x", "NumericEqualsPath": "$.x"}), &input).unwrap());
}

#[test]
fn choice_string_matches() {
    // [choice] StringMatches: "log-*.txt"; `\*` is a literal star.
    let input = json!({"file": "log-2024-01-01.txt", "star": "a*b", "plain": "ab"});
    assert!(chooses(json!({"Variable": "$.file", "StringMatches": "log-*.txt"}), &input).unwrap());
    assert!(!chooses(json!({"Variable": "$.file", "StringMatches": "log-*.csv"}), &input).unwrap());
    assert!(chooses(json!({"Variable": "$.file", "StringMatches": "*"}), &input).unwrap());
    assert!(chooses(json!({"Variable": "$.star", "StringMatches": "a\\*b"}), &input).unwrap());
    assert!(!chooses(json!({"Variable": "$.plain", "StringMatches": "a\\*b"}), &input).unwrap());
    assert!(chooses(json!({"Variable": "$.plain", "StringMatches": "a*b"}), &input).unwrap());
    assert!(chooses(json!({"Variable": "$.file", "StringMatches": "*-*-*-*.txt"}), &input).unwrap());
}

#[test]
fn choice_missing_variable_is_runtime_error() {
    let err = chooses(json!({"Variable": "$.missing", "StringEquals": "x"}), &json!({})).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(err.cause, "Invalid path '$.missing': The choice state's condition path references an invalid value.");
    let err = chooses(json!({"Variable": "$.a", "NumericEqualsPath": "$.b"}), &json!({"a": 1})).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    // And/Or stop at the first deciding rule, as the spec's evaluation does.
    assert!(
        chooses(
            json!({"Or": [{"Variable": "$.a", "IsPresent": true}, {"Variable": "$.missing", "StringEquals": "x"}]}),
            &json!({"a": 1})
        )
        .unwrap()
    );
}

#[test]
fn choice_reads_variables_and_context() {
    let mut vars = Map::new();
    vars.insert("limit".into(), json!(5));
    let context = json!({"State": {"RetryCount": 2}});
    let scope = Scope::new(&context, &vars);
    let rule = condition(json!({"Variable": "$limit", "NumericGreaterThan": 4}));
    assert!(choose(&rule, &json!({}), &scope).unwrap());
    let rule = condition(json!({"Variable": "$$.State.RetryCount", "NumericLessThanPath": "$limit"}));
    assert!(choose(&rule, &json!({}), &scope).unwrap());
}

// ---------------------------------------------------------------- JSONata

#[test]
fn jsonata_states_bindings() {
    let input = json!({"customer": {"name": "Ana"}, "n": 3});
    assert_eq!(ata("$states.input.customer.name", &input).unwrap(), json!("Ana"));
    assert_eq!(ata("'Hello ' & $states.input.customer.name", &input).unwrap(), json!("Hello Ana"));
    assert_eq!(ata("$states.input.n * 2", &input).unwrap(), json!(6));
    assert_eq!(ata("$states.context.Execution.Name", &input).unwrap(), json!("e1"));
    let vars = no_vars();
    let context = json!({});
    let result = json!({"Payload": 7});
    let error = json!({"Error": "Oops", "Cause": "why"});
    let mut e = env(&input, &context, &vars);
    e.result = Some(&result);
    e.error_output = Some(&error);
    let expr = Jsonata::parse("{% [$states.result.Payload, $states.errorOutput.Error] %}").unwrap();
    assert_eq!(jsonata(&expr, &e, &mut Counter(1)).unwrap(), json!([7, "Oops"]));
}

#[test]
fn jsonata_variables_shadow_functions() {
    let mut vars = Map::new();
    vars.insert("count".into(), json!(41));
    vars.insert("limit".into(), json!(5));
    let input = json!({});
    let context = json!({});
    let expr = Jsonata::parse("{% $count + 1 %}").unwrap();
    assert_eq!(jsonata(&expr, &env(&input, &context, &vars), &mut Counter(1)).unwrap(), json!(42));
    let expr = Jsonata::parse("{% $limit > 4 %}").unwrap();
    assert!(jsonata_condition(&expr, &env(&input, &context, &vars), &mut Counter(1)).unwrap());
}

#[test]
fn jsonata_template_evaluates_every_expression() {
    let input = json!({"a": 1, "items": [1, 2, 3]});
    let vars = no_vars();
    let context = json!({});
    let t = JsonataTemplate(json!({
        "sum": "{% $sum($states.input.items) %}",
        "nested": {"list": ["{% $states.input.a %}", "plain", 5], "text": "{% 'x' & 'y' %}"},
        "literal": "not {% an expression",
        "obj": "{% {'k': $states.input.a} %}"
    }));
    assert_eq!(
        jsonata_template(&t, &env(&input, &context, &vars), &mut Counter(1)).unwrap(),
        json!({"sum": 6, "nested": {"list": [1, "plain", 5], "text": "xy"}, "literal": "not {% an expression", "obj": {"k": 1}})
    );
}

#[test]
fn jsonata_step_functions_functions() {
    // [jsonata] Step Functions' functions.
    let input = json!({"content": "input data", "seed": 42});
    assert_eq!(ata("$partition([1,2,3,4,5,6,7,8,9], 3)", &input).unwrap(), json!([[1, 2, 3], [4, 5, 6], [7, 8, 9]]));
    assert_eq!(ata("$partition([1,2,3,4,5], 2)", &input).unwrap(), json!([[1, 2], [3, 4], [5]]));
    assert_eq!(ata("$range(0, 10, 2)", &input).unwrap(), json!([0, 2, 4, 6, 8, 10]));
    assert_eq!(ata("$range(10, 0, -5)", &input).unwrap(), json!([10, 5, 0]));
    assert_eq!(
        ata("$hash($states.input.content, 'SHA-256')", &input).unwrap(),
        json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
    );
    assert_eq!(ata("$parse('{\"foo\": [1, true]}')", &input).unwrap(), json!({"foo": [1, true]}));
    let r = ata("$random()", &input).unwrap().as_f64().unwrap();
    assert!((0.0..1.0).contains(&r), "{r}");
    assert_eq!(ata("$random($states.input.seed)", &input).unwrap(), ata("$random(42)", &input).unwrap());
    let id = ata("$uuid()", &input).unwrap();
    assert_eq!(id.as_str().map(str::len), Some(36));
    assert_eq!(id, ata("$uuid()", &input).unwrap(), "the same entropy gives the same id");
    assert_eq!(ata("$hash('x', 'SHA-3')", &input).unwrap_err().error, "States.QueryEvaluationError");
    assert_eq!(ata("$parse('{')", &input).unwrap_err().error, "States.QueryEvaluationError");
    assert_eq!(ata("$range(0, 2000, 1)", &input).unwrap_err().error, "States.QueryEvaluationError");
}

#[test]
fn jsonata_clock_is_virtual() {
    let input = json!({});
    // env() sets now_millis to 1_700_000_000_123 (2023-11-14T22:13:20.123Z).
    assert_eq!(ata("$millis()", &input).unwrap(), json!(1_700_000_000_123_i64));
    assert_eq!(ata("$now()", &input).unwrap(), json!("2023-11-14T22:13:20.123Z"));
    assert_eq!(ata("$toMillis($now())", &input).unwrap(), json!(1_700_000_000_123_i64));
    assert_eq!(ata("$toMillis('2023-11-14T22:13:20.123Z') + 60000 > $millis()", &input).unwrap(), json!(true));
}

#[test]
fn jsonata_errors_are_query_evaluation_errors() {
    let input = json!({});
    for expr in [
        "$states.input.missing",
        "$formatInteger(12, 'w')",
        "$parseInteger('XII', 'I')",
        "$eval('1')",
        "$error('boom')",
        "$assert(false, 'no')",
        "$single([1, 2])",
        "$nosuch(1)",
        "{'a': 1}.b.c",
    ] {
        let err = ata(expr, &input).unwrap_err();
        assert_eq!(err.error, "States.QueryEvaluationError", "{expr}: {}", err.cause);
    }
    assert!(ata("$formatInteger(12, 'w')", &input).unwrap_err().cause.contains("$formatInteger"));
    assert!(ata("$eval('1')", &input).unwrap_err().cause.contains("$parse"));
    // A runaway recursion stops with an error.
    let err = ata("($f := function($x){ 1 + $f($x + 1) }; $f(0))", &input).unwrap_err();
    assert_eq!(err.error, "States.QueryEvaluationError");
    // A condition must be a boolean.
    let vars = no_vars();
    let context = json!({});
    let err = jsonata_condition(&Jsonata::parse("{% 1 %}").unwrap(), &env(&input, &context, &vars), &mut Counter(1))
        .unwrap_err();
    assert_eq!(err.error, "States.QueryEvaluationError");
}

#[test]
fn jsonata_standard_functions_that_work() {
    let input = json!({"xs": [3, 1, 2], "s": "Hello World"});
    let cases = [
        ("$count($states.input.xs)", json!(3)),
        ("$max($states.input.xs)", json!(3)),
        ("$min($states.input.xs)", json!(1)),
        ("$average($states.input.xs)", json!(2)),
        ("$sort($states.input.xs)", json!([1, 2, 3])),
        ("$reverse($states.input.xs)", json!([2, 1, 3])),
        ("$string(5)", json!("5")),
        ("$number('5.5')", json!(5.5)),
        ("$uppercase($states.input.s)", json!("HELLO WORLD")),
        ("$substring($states.input.s, 0, 5)", json!("Hello")),
        ("$split($states.input.s, ' ')", json!(["Hello", "World"])),
        ("$join(['a','b'], '-')", json!("a-b")),
        ("$contains($states.input.s, 'World')", json!(true)),
        ("$replace($states.input.s, 'World', 'There')", json!("Hello There")),
        ("$map($states.input.xs, function($v){ $v * 10 })", json!([30, 10, 20])),
        ("$filter($states.input.xs, function($v){ $v > 1 })", json!([3, 2])),
        ("$reduce($states.input.xs, function($a, $b){ $a + $b })", json!(6)),
        ("$keys({'a': 1})", json!("a")),
        ("$sort($keys({'b': 1, 'a': 2}))", json!(["a", "b"])),
        ("$merge([{'a': 1}, {'b': 2}])", json!({"a": 1, "b": 2})),
        ("$exists($states.input.nope)", json!(false)),
        ("$type([1])", json!("array")),
        ("$boolean(0)", json!(false)),
        ("$round(2.567, 2)", json!(2.57)),
        ("$abs(-3)", json!(3)),
        ("$floor(2.7)", json!(2)),
        ("$sum([0.1, 0.2])", json!(0.30000000000000004)),
        ("$base64encode('Data to encode')", json!("RGF0YSB0byBlbmNvZGU=")),
        ("$fromMillis(0)", json!("1970-01-01T00:00:00.000Z")),
        ("$states.input.xs[0]", json!(3)),
        ("$lookup({'a': 1}, 'a')", json!(1)),
        ("$distinct([1,1,2])", json!([1, 2])),
        ("$trim('  a  ')", json!("a")),
        ("$length('abc')", json!(3)),
        ("$pad('a', 3, '-')", json!("a--")),
        ("$append([1], [2])", json!([1, 2])),
        ("$not(true)", json!(false)),
        ("$states.input.xs ~> $count()", json!(3)),
        ("$lowercase('AbC')", json!("abc")),
        ("$ceil(1.2)", json!(2)),
        ("$power(2, 10)", json!(1024)),
        ("$sqrt(16)", json!(4)),
        ("$substringAfter('a-b', '-')", json!("b")),
        ("$substringBefore('a-b', '-')", json!("a")),
        ("$zip([1, 2], [3, 4])", json!([[1, 3], [2, 4]])),
        ("$single([1, 2, 3], function($v){ $v = 2 })", json!(2)),
        ("$base64decode('RGF0YSB0byBlbmNvZGU=')", json!("Data to encode")),
        ("$match('ab', /b/).match", json!("b")),
        ("($assert(1 = 1, 'fine'); 'ok')", json!("ok")),
        ("$toMillis('1970-01-01T00:00:01.000Z')", json!(1000)),
        ("$max([1, 5]) + $min([2, 0])", json!(5)),
    ];
    for (expr, expected) in cases {
        assert_eq!(ata(expr, &input).unwrap(), expected, "{expr}");
    }
}

#[test]
fn jsonata_keeps_passed_through_values_exact() {
    // Values an expression passes through keep their key order and their
    // numbers' digits (JSONata computes in doubles, but a value it does not
    // compute on comes back as it went in).
    let input: Value =
        serde_json::from_str(r#"{"z": 1, "a": {"y": 2, "b": 3}, "big": 12345678901234567890, "dec": 1.10}"#).unwrap();
    let out = ata("$states.input", &input).unwrap();
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"z":1,"a":{"y":2,"b":3},"big":12345678901234567890,"dec":1.10}"#
    );
    assert_eq!(serde_json::to_string(&ata("$states.input.a", &input).unwrap()).unwrap(), r#"{"y":2,"b":3}"#);
    // New objects come out with sorted keys (jsonata-rs keeps no order).
    assert_eq!(serde_json::to_string(&ata("{'b': 1, 'a': 2}", &input).unwrap()).unwrap(), r#"{"a":2,"b":1}"#);
}

#[test]
fn jsonata_key_order_is_reproducible() {
    // jsonata-rs's objects are hash maps seeded at random: the functions that
    // list keys must not depend on that.
    let input: Value = serde_json::from_str(r#"{"z": 1, "a": 2, "m": {"y": 0.5, "b": [1, 2]}}"#).unwrap();
    for _ in 0..20 {
        assert_eq!(ata("$keys($states.input)", &input).unwrap(), json!(["z", "a", "m"]));
        assert_eq!(ata("$each($states.input, function($v, $k){ $k })", &input).unwrap(), json!(["z", "a", "m"]));
        assert_eq!(ata("$string($states.input)", &input).unwrap(), json!(r#"{"z":1,"a":2,"m":{"y":0.5,"b":[1,2]}}"#));
        assert_eq!(ata("$states.input ~> $keys()", &input).unwrap(), json!(["z", "a", "m"]));
        assert_eq!(ata("$keys({'q': 1, 'c': 2})", &input).unwrap(), json!(["c", "q"]));
    }
    assert_eq!(
        ata("$string($states.input.m, true)", &input).unwrap(),
        json!("{\n  \"y\": 0.5,\n  \"b\": [\n    1,\n    2\n  ]\n}")
    );
    assert_eq!(ata("$string(0.1 + 0.2)", &input).unwrap(), json!("0.3"));
    // JavaScript's number forms, as JSON.stringify after toPrecision(15) writes them.
    for (expr, expected) in [
        ("$string(1e21)", "1e+21"),
        ("$string(1e23)", "1e+23"),
        ("$string(123456789012345678)", "123456789012346000"),
        ("$string(0.000001)", "0.000001"),
        ("$string(0.0000001)", "1e-7"),
        ("$string(-1.5e-9)", "-1.5e-9"),
        ("$string(100)", "100"),
        ("$string(-0.25)", "-0.25"),
        ("$string(1/3)", "0.333333333333333"),
        ("$string([1e21, 2])", "[1e+21,2]"),
    ] {
        assert_eq!(ata(expr, &input).unwrap(), json!(expected), "{expr}");
    }
    assert_eq!(ata("$string('x')", &input).unwrap(), json!("x"));
    for wildcard in ["$states.input.*", "$states.input.**.y"] {
        let err = ata(wildcard, &input).unwrap_err();
        assert_eq!(err.error, "States.QueryEvaluationError", "{wildcard}");
        assert!(err.cause.contains("wildcard"), "{}", err.cause);
    }
    // A star in a string, a regex or a product is no wildcard.
    assert_eq!(ata("'a.*b' & ''", &input).unwrap(), json!("a.*b"));
    assert_eq!(ata("$contains('aXb', /a.*b/)", &input).unwrap(), json!(true));
    assert_eq!(ata("2 * 3", &input).unwrap(), json!(6));
}

#[test]
fn jsonata_reads_inputs_it_cannot_compute_with() {
    // A number beyond the doubles does not break an expression that does not
    // compute with it, and comes back exactly when passed through.
    let input: Value = serde_json::from_str(r#"{"huge": 1e400, "name": "n"}"#).unwrap();
    assert_eq!(ata("$states.input.name", &input).unwrap(), json!("n"));
    assert_eq!(ata("$states.input.huge", &input).unwrap(), input["huge"]);
    assert_eq!(ata("$states.input.huge * 2", &input).unwrap_err().error, "States.QueryEvaluationError");
}

#[test]
fn jsonata_randomness_comes_from_the_caller() {
    let input = json!({});
    let vars = no_vars();
    let context = json!({});
    let expr = Jsonata::parse("{% [$random(), $uuid()] %}").unwrap();
    let draw = |seed: u64| jsonata(&expr, &env(&input, &context, &vars), &mut Counter(seed)).unwrap();
    assert_eq!(draw(1), draw(1));
    assert_ne!(draw(1), draw(2));
    // An expression without randomness draws nothing from the caller.
    let mut source = Counter(5);
    let plain = Jsonata::parse("{% 1 + 1 %}").unwrap();
    jsonata(&plain, &env(&input, &context, &vars), &mut source).unwrap();
    assert_eq!(source.0, 5);
}

#[test]
fn select_reference_and_choice_jsonata_guard() {
    let vars = no_vars();
    let context = json!({});
    let scope = Scope::new(&context, &vars);
    let input = json!({"timeout": 30});
    let path = ReferencePath::parse("$.timeout").unwrap();
    assert_eq!(stepforge::exec::eval::select_reference(&path, &input, &scope).unwrap(), json!(30));
    // A JSONata Condition goes through jsonata_condition, not choose.
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.timeout > 10 %}", "Next": "Y"}], "Default": "Y"},
        "Y": {"Type": "Succeed"}}});
    let parsed = stepforge::asl::parse_value(&definition).unwrap();
    let Some(State::Choice(choice)) = parsed.graph.states.get("C") else { panic!("a choice state") };
    let rule = &choice.choices[0].condition;
    assert_eq!(choose(rule, &input, &scope).unwrap_err().error, "States.Runtime");
    let Condition::Jsonata(expr) = rule else { panic!("a JSONata condition") };
    assert!(jsonata_condition(expr, &env(&input, &context, &vars), &mut Counter(1)).unwrap());
}

#[test]
fn jsonata_local_names_and_regexes() {
    let input = json!({});
    // A local binding or a parameter named like a replaced function hides it.
    assert_eq!(ata("($now := 5; $now + 1)", &input).unwrap(), json!(6));
    assert_eq!(ata("($f := function($uuid){ $uuid }; $f('x'))", &input).unwrap(), json!("x"));
    assert_eq!(ata("($spread := function($o){ 1 }; $spread({}))", &input).unwrap(), json!(1));
    // A regular expression after a keyword operator is read as one, so the
    // clock call after it still reads the virtual clock.
    assert_eq!(ata("[true and /'/, $millis()]", &input).unwrap(), json!([true, 1_700_000_000_123_i64]));
    // Names inside strings are not calls.
    assert_eq!(ata("'$now() and $eval'", &input).unwrap(), json!("$now() and $eval"));
}

#[test]
fn causes_quote_large_inputs_cut_short() {
    let input = json!({"big": "é".repeat(40_000)});
    let err = apply(json!({"y.$": "$.x"}), &input).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert!(err.cause.len() < 32_768, "{}", err.cause.len());
    assert!(err.cause.ends_with("…'"), "{}", &err.cause[err.cause.len() - 20..]);
}

#[test]
fn jsonata_template_errors_say_where() {
    let input = json!({});
    let vars = no_vars();
    let context = json!({});
    let t = JsonataTemplate(json!({"ok": "{% 1 %}", "list": [0, {"a/b": "{% $nosuch() %}"}]}));
    let err = jsonata_template(&t, &env(&input, &context, &vars), &mut Counter(1)).unwrap_err();
    assert_eq!(err.error, "States.QueryEvaluationError");
    assert!(err.cause.ends_with("(at /list/1/a~1b)"), "{}", err.cause);
    let whole = JsonataTemplate(json!("{% $states.input.none %}"));
    let err = jsonata_template(&whole, &env(&input, &context, &vars), &mut Counter(1)).unwrap_err();
    assert!(err.cause.ends_with("returned nothing (undefined)"), "{}", err.cause);
}

#[test]
fn jsonata_functions_added_for_jsonata_rs() {
    // Examples of the JSONata 2.0 function reference (docs.jsonata.org).
    let input: Value = serde_json::from_str(r#"{"o": {"b": 2, "a": 1}}"#).unwrap();
    let cases = [
        ("$formatBase(100, 2)", json!("1100100")),
        ("$formatBase(2555, 16)", json!("9fb")),
        ("$formatBase(-5)", json!("-5")),
        ("$encodeUrlComponent('?x=test')", json!("%3Fx%3Dtest")),
        ("$encodeUrl('https://mozilla.org/?x=шеллы')", json!("https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B")),
        ("$decodeUrlComponent('%3Fx%3Dtest')", json!("?x=test")),
        ("$decodeUrl('https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B')", json!("https://mozilla.org/?x=шеллы")),
        // decodeURI leaves escaped reserved characters as written.
        ("$decodeUrl('a%2Fb%20c')", json!("a%2Fb c")),
        ("$spread($states.input.o)", json!([{"b": 2}, {"a": 1}])),
        ("$sift($states.input.o, function($v){ $v > 1 })", json!({"b": 2})),
        ("$sift($states.input.o, function($v, $k){ $k = 'a' })", json!({"a": 1})),
        ("$clone($states.input.o)", json!({"b": 2, "a": 1})),
        ("$sort($shuffle([1, 2, 3, 4, 5]))", json!([1, 2, 3, 4, 5])),
        ("$count($shuffle([1, 2, 3]))", json!(3)),
    ];
    for (expr, expected) in cases {
        let out = ata(expr, &input).unwrap_or_else(|e| panic!("{expr}: {}", e.cause));
        assert_eq!(serde_json::to_string(&out).unwrap(), serde_json::to_string(&expected).unwrap(), "{expr}");
    }
    // $formatNumber with the JSONata reference's decimal examples.
    for (expr, expected) in [
        ("$formatNumber(12345.6, '#,###.00')", "12,345.60"),
        ("$formatNumber(34.555, '#0.00;(#0.00)')", "34.56"),
        ("$formatNumber(-34.555, '#0.00;(#0.00)')", "(34.56)"),
        ("$formatNumber(0.14, '01%')", "14%"),
        ("$formatNumber(0.4857, '###.###\u{2030}')", "485.7\u{2030}"),
        ("$formatNumber(1234567.891, '#,##0.0')", "1,234,567.9"),
        ("$formatNumber(-5, '000')", "-005"),
        ("$formatNumber(7, '$#,##0.00')", "$7.00"),
    ] {
        assert_eq!(ata(expr, &input).unwrap(), json!(expected), "{expr}");
    }
    assert_eq!(ata("$formatNumber(1234.5678, '00.000e0')", &input).unwrap_err().error, "States.QueryEvaluationError");
    // $formatInteger and $parseInteger with decimal pictures.
    for (expr, expected) in [
        ("$formatInteger(12345, '#,##0')", json!("12,345")),
        ("$formatInteger(7, '000')", json!("007")),
        ("$formatInteger(-42, '0')", json!("-42")),
        ("$parseInteger('12,345,678', '#,##0')", json!(12345678)),
        ("$parseInteger('-007', '000')", json!(-7)),
    ] {
        assert_eq!(ata(expr, &input).unwrap(), expected, "{expr}");
    }
    assert_eq!(ata("$decodeUrlComponent('%E0%A4%A')", &input).unwrap_err().error, "States.QueryEvaluationError");
    assert_eq!(ata("$formatBase(10, 40)", &input).unwrap_err().error, "States.QueryEvaluationError");
    // The shuffle comes from the caller's generator: the same source, the same order.
    assert_eq!(
        ata("$shuffle([1, 2, 3, 4, 5, 6, 7, 8])", &input).unwrap(),
        ata("$shuffle([1, 2, 3, 4, 5, 6, 7, 8])", &input).unwrap()
    );
}

#[test]
fn jsonata_deep_results_fail_cleanly() {
    // Nesting built in a loop is refused when written out, not a stack overflow.
    let input = json!({});
    let deep = "$reduce([1..2000], function($acc, $x){ {'a': $acc} }, {})";
    assert_eq!(ata(deep, &input).unwrap_err().error, "States.QueryEvaluationError");
    assert_eq!(ata(&format!("$string({deep})"), &input).unwrap_err().error, "States.QueryEvaluationError");
    let shallow = ata("$reduce([1..3], function($acc, $x){ {'a': $acc} }, {})", &input).unwrap();
    assert_eq!(shallow, json!({"a": {"a": {"a": {}}}}));
}
