//! Paths, reference paths and intrinsic functions: grammar tables with error
//! offsets, evaluation helpers, and property tests (never panic; generated valid
//! input round-trips).
//!
//! Property tests run 2,000 cases each; set `PROPTEST_CASES` for longer fuzzing.

use proptest::prelude::*;
use serde_json::{Number, Value, json};
use stepforge::asl::intrinsic::{Arg, Call, Function, Intrinsic};
use stepforge::asl::path::{
    CompareOp, Filter, FilterOperand, Path, ReferencePath, Root, Segment, Selector, SyntaxError,
};

// ---------------------------------------------------------------- helpers

fn field(name: &str) -> Segment {
    Segment::Field(name.to_owned())
}

fn desc(segment: Segment) -> Segment {
    Segment::Descendant(Box::new(segment))
}

fn current(segments: Vec<Segment>) -> FilterOperand {
    FilterOperand::Current(segments)
}

fn lit(json: &str) -> FilterOperand {
    FilterOperand::Literal(serde_json::from_str(json).unwrap())
}

fn num(text: &str) -> Number {
    text.parse().unwrap()
}

fn cmp(left: FilterOperand, op: CompareOp, right: FilterOperand) -> Filter {
    Filter::Compare { left, op, right }
}

fn exists(name: &str) -> Filter {
    Filter::Exists(current(vec![field(name)]))
}

fn parse(text: &str) -> Path {
    Path::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
}

fn assert_error(result: Result<impl std::fmt::Debug, SyntaxError>, text: &str, offset: usize, part: &str) {
    match result {
        Ok(v) => panic!("{text:?} should fail, got {v:?}"),
        Err(e) => {
            assert_eq!(e.offset, offset, "offset for {text:?}: {e}");
            assert!(e.message.contains(part), "message for {text:?}: {:?} lacks {part:?}", e.message);
        }
    }
}

// ---------------------------------------------------------------- paths: valid

#[test]
fn roots() {
    let cases: &[(&str, Root, Vec<Segment>)] = &[
        ("$", Root::Input, vec![]),
        ("$$", Root::Context, vec![]),
        ("$$.Execution.Id", Root::Context, vec![field("Execution"), field("Id")]),
        ("$$.Task.Token", Root::Context, vec![field("Task"), field("Token")]),
        ("$$.Map.Item.Value", Root::Context, vec![field("Map"), field("Item"), field("Value")]),
        ("$myVar", Root::Variable("myVar".into()), vec![]),
        ("$_x1", Root::Variable("_x1".into()), vec![]),
        ("$myVar.field[0]", Root::Variable("myVar".into()), vec![field("field"), Segment::Index(0)]),
        ("$v['a']", Root::Variable("v".into()), vec![field("a")]),
    ];
    for (text, root, segments) in cases {
        let path = parse(text);
        assert_eq!(path.root(), root, "{text}");
        assert_eq!(path.segments(), segments.as_slice(), "{text}");
        assert_eq!(path.as_str(), *text);
        assert_eq!(path.to_string(), *text);
    }
    let debug = format!("{:?}", parse("$.a[0]"));
    assert!(debug.contains(r#"text: "$.a[0]""#) && debug.contains(r#"Field("a"), Index(0)"#), "{debug}");
}

#[test]
fn segments() {
    let slice = |start, end, step| Segment::Slice { start, end, step };
    let names = |ns: &[&str]| Segment::Union(ns.iter().map(|n| Selector::Name((*n).into())).collect());
    let indexes = |is: &[i64]| Segment::Union(is.iter().map(|i| Selector::Index(*i)).collect());
    let cases: Vec<(&str, Vec<Segment>)> = vec![
        ("$.a.b", vec![field("a"), field("b")]),
        ("$.my-field", vec![field("my-field")]),
        ("$.a=b+c#d/e%f{g}", vec![field("a=b+c#d/e%f{g}")]),
        ("$.ünïcødé.日本", vec![field("ünïcødé"), field("日本")]),
        ("$.0", vec![field("0")]),
        ("$['a b']", vec![field("a b")]),
        (r#"$["a b"]"#, vec![field("a b")]),
        (r"$['it\'s']", vec![field("it's")]),
        (r#"$["say \"hi\""]"#, vec![field("say \"hi\"")]),
        (r"$['back\\slash']", vec![field("back\\slash")]),
        (r"$['\u00e9\n\t']", vec![field("é\n\t")]),
        (r"$['\ud83d\ude00']", vec![field("😀")]),
        ("$['']", vec![field("")]),
        ("$['a.b[c]']", vec![field("a.b[c]")]),
        ("$.abc.['def ghi']", vec![field("abc"), field("def ghi")]),
        ("$.[0]", vec![Segment::Index(0)]),
        ("$[0]", vec![Segment::Index(0)]),
        ("$[-1]", vec![Segment::Index(-1)]),
        ("$[ 3 ]", vec![Segment::Index(3)]),
        ("$[01]", vec![Segment::Index(1)]),
        ("$[-9223372036854775808]", vec![Segment::Index(i64::MIN)]),
        ("$[*]", vec![Segment::Wildcard]),
        ("$[ * ]", vec![Segment::Wildcard]),
        ("$.*", vec![Segment::Wildcard]),
        ("$[*][*]", vec![Segment::Wildcard, Segment::Wildcard]),
        ("$[1:3]", vec![slice(Some(1), Some(3), None)]),
        ("$[:2]", vec![slice(None, Some(2), None)]),
        ("$[-2:]", vec![slice(Some(-2), None, None)]),
        ("$[::2]", vec![slice(None, None, Some(2))]),
        ("$[ 1 : 10 : 3 ]", vec![slice(Some(1), Some(10), Some(3))]),
        ("$[:]", vec![slice(None, None, None)]),
        ("$[0,2]", vec![indexes(&[0, 2])]),
        ("$[ 0 , -2 ,5 ]", vec![indexes(&[0, -2, 5])]),
        ("$['a','b']", vec![names(&["a", "b"])]),
        (r#"$[ 'a' , "b" ]"#, vec![names(&["a", "b"])]),
        ("$..author", vec![desc(field("author"))]),
        ("$..*", vec![desc(Segment::Wildcard)]),
        ("$..[0]", vec![desc(Segment::Index(0))]),
        ("$..['a b']", vec![desc(field("a b"))]),
        ("$..book[2]", vec![desc(field("book")), Segment::Index(2)]),
        ("$..book[-1:]", vec![desc(field("book")), slice(Some(-1), None, None)]),
        ("$..book[0,1]", vec![desc(field("book")), indexes(&[0, 1])]),
        ("$..book[:2]", vec![desc(field("book")), slice(None, Some(2), None)]),
        ("$.store.*", vec![field("store"), Segment::Wildcard]),
        ("$.store.book[*].author", vec![field("store"), field("book"), Segment::Wildcard, field("author")]),
        ("$.list.length()", vec![field("list"), Segment::Function("length".into())]),
        ("$.a.sum( )", vec![field("a"), Segment::Function("sum".into())]),
        ("$.length", vec![field("length")]),
    ];
    for (text, segments) in cases {
        let path = parse(text);
        assert_eq!(path.root(), &Root::Input, "{text}");
        assert_eq!(path.segments(), segments.as_slice(), "{text}");
        assert_eq!(path.as_str(), text);
    }
}

#[test]
fn every_function() {
    for name in ["length", "size", "min", "max", "avg", "stddev", "sum", "keys", "first", "last"] {
        let text = format!("$.a.{name}()");
        assert_eq!(parse(&text).segments()[1], Segment::Function(name.into()));
        assert!(!parse(&text).is_reference());
    }
}

#[test]
fn filters() {
    let cases: Vec<(&str, Filter)> = vec![
        ("$..book[?(@.isbn)]", exists("isbn")),
        ("$[?(@)]", Filter::Exists(current(vec![]))),
        ("$..book[?(@.price<10)]", cmp(current(vec![field("price")]), CompareOp::Lt, lit("10"))),
        (
            "$[?( @.price <= $.limits.max )]",
            cmp(current(vec![field("price")]), CompareOp::Le, FilterOperand::Root(vec![field("limits"), field("max")])),
        ),
        (
            r#"$[?(@.a == 'x' && @.b != "y" || !@.c)]"#,
            Filter::Or(
                Box::new(Filter::And(
                    Box::new(cmp(current(vec![field("a")]), CompareOp::Eq, lit(r#""x""#))),
                    Box::new(cmp(current(vec![field("b")]), CompareOp::Ne, lit(r#""y""#))),
                )),
                Box::new(Filter::Not(Box::new(exists("c")))),
            ),
        ),
        (
            "$[?((@.a > 1 || @.b) && @.c >= -1.5e3)]",
            Filter::And(
                Box::new(Filter::Or(
                    Box::new(cmp(current(vec![field("a")]), CompareOp::Gt, lit("1"))),
                    Box::new(exists("b")),
                )),
                Box::new(cmp(current(vec![field("c")]), CompareOp::Ge, lit("-1.5e3"))),
            ),
        ),
        (
            "$[?(@.name =~ /^J.*\\/n$/i)]",
            cmp(current(vec![field("name")]), CompareOp::RegexMatch, FilterOperand::Regex("/^J.*\\/n$/i".into())),
        ),
        ("$[?(@.size in ['S', 'M'])]", cmp(current(vec![field("size")]), CompareOp::In, lit(r#"["S","M"]"#))),
        (
            r#"$[?(@.t nin [1, 2.5, true, false, null, ["x", []]])]"#,
            cmp(current(vec![field("t")]), CompareOp::Nin, lit(r#"[1, 2.5, true, false, null, ["x", []]]"#)),
        ),
        ("$[?(@.a subsetof ['x'])]", cmp(current(vec![field("a")]), CompareOp::Subsetof, lit(r#"["x"]"#))),
        ("$[?(@.a anyof ['x'])]", cmp(current(vec![field("a")]), CompareOp::Anyof, lit(r#"["x"]"#))),
        ("$[?(@.a noneof ['x'])]", cmp(current(vec![field("a")]), CompareOp::Noneof, lit(r#"["x"]"#))),
        ("$[?(@.a size 2)]", cmp(current(vec![field("a")]), CompareOp::Size, lit("2"))),
        ("$[?(@.a empty true)]", cmp(current(vec![field("a")]), CompareOp::Empty, lit("true"))),
        ("$[?(@.x-y == null)]", cmp(current(vec![field("x-y")]), CompareOp::Eq, lit("null"))),
        ("$[?(@.length() > 2)]", cmp(current(vec![Segment::Function("length".into())]), CompareOp::Gt, lit("2"))),
        ("$[?(@['a b'][0] == 'v')]", cmp(current(vec![field("a b"), Segment::Index(0)]), CompareOp::Eq, lit(r#""v""#))),
        (
            "$[?(@.a[?(@.b == 1)])]",
            Filter::Exists(current(vec![
                field("a"),
                Segment::Filter(Box::new(cmp(current(vec![field("b")]), CompareOp::Eq, lit("1")))),
            ])),
        ),
        ("$[?(!(@.a))]", Filter::Not(Box::new(exists("a")))),
        ("$[ ?( @.a ) ]", exists("a")),
    ];
    for (text, filter) in cases {
        let path = parse(text);
        let last = path.segments().last().unwrap();
        assert_eq!(last, &Segment::Filter(Box::new(filter)), "{text}");
        assert!(!path.is_reference());
    }
    assert_eq!(parse("$..[?(@.x)]").segments(), &[desc(Segment::Filter(Box::new(exists("x"))))]);
}

#[test]
fn aws_doc_examples_and_reference_flags() {
    let cases = [
        ("$.store.book[*].author", false),
        ("$..author", false),
        ("$.store.*", false),
        ("$..book[2]", false),
        ("$..book[-1:]", false),
        ("$..book[0,1]", false),
        ("$..book[:2]", false),
        ("$..book[?(@.isbn)]", false),
        ("$..book[?(@.price<10)]", false),
        ("$..*", false),
        ("$[*][*]", false),
        ("$.list.length()", false),
        ("$.abc.['def ghi']", true),
        ("$$.Map.Item.Value", true),
        ("$$.Execution.Input.x", true),
        ("$$.Task.Token", true),
        ("$myVar", true),
        ("$", true),
        ("$.a[0]['b c'][-1]", true),
    ];
    for (text, reference) in cases {
        let path = parse(text);
        assert_eq!(path.is_reference(), reference, "{text}");
        assert_eq!(path.is_definite(), reference, "{text}");
        assert_eq!(ReferencePath::parse(text).is_ok(), reference, "{text}");
    }
}

// ---------------------------------------------------------------- paths: invalid

#[test]
fn invalid_paths() {
    let deep_filters = format!("${}{}", "[?(@".repeat(70), ")]".repeat(70));
    let deep_parens = format!("$[?({}@.a{})]", "(".repeat(70), ")".repeat(70));
    let deep_nots = format!("$[?({}@.a)]", "!".repeat(200));
    let long_chain = format!("$[?(@.a{})]", " && @.a".repeat(70));
    let deep_list = format!("$[?(@.a in {}{})]", "[".repeat(70), "]".repeat(70));
    let cases: Vec<(&str, usize, &str)> = vec![
        ("", 0, "a path starts with `$`"),
        ("a.b", 0, "a path starts with `$`"),
        (" $.a", 0, "a path starts with `$`"),
        ("$.", 2, "expected a name, `*` or `[` after `.`, found the end of the text"),
        ("$..", 3, "expected a name, `*` or `[` after `..`"),
        ("$.a.", 4, "after `.`"),
        ("$.a..", 5, "after `..`"),
        ("$...a", 3, "after `..`, found `.`"),
        ("$.a b", 3, "expected `.`, `[` or the end of the path, found a space"),
        ("$.a ", 3, "found a space"),
        ("$.a*", 3, "found `*`"),
        ("$]", 1, "found `]`"),
        ("$1", 1, "found `1`"),
        ("$$$", 2, "found `$`"),
        ("$v-x", 2, "found `-`"),
        ("$[", 2, "expected a quoted name, an index, a slice, `*` or `?(` after `[`, found the end"),
        ("$[]", 2, "after `[`, found `]`"),
        ("$[a]", 2, "after `[`, found `a`"),
        ("$['a", 2, "the string is not closed"),
        ("$['a\\", 2, "the string is not closed"),
        ("$['a'", 5, "expected `,` or `]` after the name"),
        ("$['a' 'b']", 6, "expected `,` or `]` after the name"),
        ("$['a',]", 6, "a quoted name after `,`"),
        ("$['a',0]", 6, "a union cannot mix names and indexes"),
        ("$[0,'a']", 4, "a union cannot mix names and indexes"),
        ("$[0", 3, "expected `:`, `,` or `]` after the index"),
        ("$[0]]", 4, "expected `.`, `[` or the end of the path"),
        ("$[0,]", 4, "an index after `,`"),
        ("$[-]", 3, "expected a digit after `-`"),
        ("$[1.5]", 3, "after the index, found `.`"),
        ("$[99999999999999999999]", 2, "does not fit in 64 bits"),
        ("$[1:2", 5, "`]` after the slice"),
        ("$[1:2:3:4]", 7, "`]` after the slice"),
        ("$[*", 3, "`]` after `*`"),
        (r"$['\u12']", 3, "four hex digits"),
        (r"$['\ud83d']", 3, "four hex digits"),
        (r"$['\ude00']", 3, "four hex digits"),
        ("$.foo()", 2, "unknown function `foo()`"),
        ("$.length(1)", 9, "`length()` takes no arguments"),
        ("$.length().a", 10, "must end the path"),
        ("$.length()[0]", 10, "must end the path"),
        ("$..length()", 3, "a function cannot follow `..`"),
        ("$[?@.a]", 3, "expected `(` after `?`"),
        ("$[?(@.a]", 7, "an operator or `)` in the filter"),
        ("$[?(@.a == 1]", 12, "an operator or `)` in the filter"),
        ("$[?(@.a == 1)", 13, "`]` after the filter"),
        ("$[?(@.a foo 1)]", 8, "an operator or `)`"),
        ("$[?(@.a = 1)]", 8, "`=` is not an operator"),
        ("$[?(@.a === 1)]", 10, "expected a value"),
        ("$[?(@.a == )]", 11, "expected a value"),
        ("$[?(@.a && )]", 11, "expected a value"),
        ("$[?()]", 4, "expected a value"),
        ("$[?(@.a == 01)]", 11, "cannot start with `0`"),
        ("$[?(@.a == 1.)]", 13, "after the decimal point"),
        ("$[?(@.a == 1e)]", 13, "in the exponent"),
        ("$[?(@.a == -)]", 12, "expected a digit"),
        ("$[?(@.a == 12ab)]", 11, "malformed number"),
        ("$[?(@.a == 'x)]", 11, "the string is not closed"),
        ("$[?(@.a == tru)]", 11, "expected a value"),
        ("$[?(@.a =~ 'x')]", 11, "expected a regular expression"),
        ("$[?(@.a == /x/)]", 11, "a regular expression can only follow `=~`"),
        ("$[?(@.a =~ /x)]", 11, "not closed with `/`"),
        ("$[?(1)]", 4, "a value alone is not a condition"),
        ("$[?('a' && @.b)]", 4, "a value alone is not a condition"),
        ("$[?($$.a)]", 4, "only `@` and `$` paths"),
        ("$[?($v.a)]", 4, "only `@` and `$` paths"),
        ("$[?(@.a in [1,2)]", 15, "`,` or `]` in the list"),
        ("$[?(@.a in [@.b])]", 12, "a string, a number"),
        ("$[?((@.a)]", 9, "an operator or `)`"),
        (&deep_filters, 257, "nesting is deeper than 64 levels"),
        (&deep_parens, 67, "nesting is deeper than 64 levels"),
        (&deep_nots, 67, "nesting is deeper than 64 levels"),
        (&long_chain, 1 + 64 * 7, "nesting is deeper than 64 levels"),
        (&deep_list, 74, "nesting is deeper than 64 levels"),
    ];
    for (text, offset, part) in cases {
        assert_error(Path::parse(text), text, offset, part);
    }
}

#[test]
fn nesting_at_the_limit_is_accepted() {
    let text = format!("${}{}", "[?(@".repeat(64), ")]".repeat(64));
    assert!(Path::parse(&text).is_ok());
    let text = format!("$[?({}@.a{})]", "(".repeat(63), ")".repeat(63));
    assert!(Path::parse(&text).is_ok());
}

#[test]
fn syntax_error_display() {
    let e = Path::parse("$.a b").unwrap_err();
    assert_eq!(e.to_string(), "at character 4: expected `.`, `[` or the end of the path, found a space");
    // Offsets are bytes; `describe` counts characters.
    let text = "$.éé b";
    let e = Path::parse(text).unwrap_err();
    assert_eq!(e.offset, 6);
    assert_eq!(e.position_in(text), 5);
    assert!(e.describe(text).starts_with("at character 5: "));
    assert_eq!(e.position_in(""), 7, "an offset past the text counts on by bytes");
    let _: &dyn std::error::Error = &e;
}

// ---------------------------------------------------------------- reference paths

#[test]
fn reference_paths() {
    for text in ["$", "$.a", "$['a b'][0]", "$.a[-1]", "$$.Execution.Id", "$v.x", "$.abc.['def ghi']"] {
        let path = ReferencePath::parse(text).unwrap();
        assert_eq!(path.as_str(), text);
        assert_eq!(path.path().as_str(), text);
        assert_eq!(path.to_string(), text);
        assert_eq!(Path::from(path), parse(text));
    }
    let rejected = [
        ("$.a[*]", 3, "a reference path selects one node: `*` is not allowed here"),
        ("$.a.*", 3, "`*` is not allowed here"),
        ("$..a", 1, "`..` is not allowed here"),
        ("$.a[0:1]", 3, "a slice is not allowed here"),
        ("$.a[0,1]", 3, "a union is not allowed here"),
        ("$.a['x','y']", 3, "a union is not allowed here"),
        ("$.a[?(@.b)]", 3, "a filter is not allowed here"),
        ("$.a.length()", 3, "a function is not allowed here"),
        ("$.a.b.*.c[*]", 5, "`*` is not allowed here"),
        ("$.a[", 4, "after `[`"),
        ("$.a b", 3, "found a space"),
    ];
    for (text, offset, part) in rejected {
        assert_error(ReferencePath::parse(text), text, offset, part);
    }
}

#[test]
fn get() {
    let doc = json!({"a": {"b": [1, 2, {"c": "x"}]}, "k y": 5, "n": null});
    let cases: &[(&str, Option<Value>)] = &[
        ("$", Some(doc.clone())),
        ("$.a.b[2].c", Some(json!("x"))),
        ("$.a.b[-1].c", Some(json!("x"))),
        ("$.a.b[-3]", Some(json!(1))),
        ("$.a.b[-4]", None),
        ("$.a.b[3]", None),
        ("$['k y']", Some(json!(5))),
        ("$.n", Some(Value::Null)),
        ("$.missing", None),
        ("$.missing.deeper", None),
        ("$.a.b.c", None),
        ("$.a[0]", None),
        ("$['k y'].z", None),
    ];
    for (text, expected) in cases {
        let path = ReferencePath::parse(text).unwrap();
        assert_eq!(path.get(&doc), expected.as_ref(), "{text}");
    }
    // The root kind is the caller's business: a context path reads the context object it is given.
    let context = json!({"Execution": {"Id": "arn:1"}});
    assert_eq!(ReferencePath::parse("$$.Execution.Id").unwrap().get(&context), Some(&json!("arn:1")));
}

fn set(doc: Value, path: &str, value: Value) -> Result<Value, (String, Value)> {
    let mut doc = doc;
    match ReferencePath::parse(path).unwrap().set(&mut doc, value) {
        Ok(()) => Ok(doc),
        Err(e) => Err((e, doc)),
    }
}

#[test]
fn set_writes_with_result_path_semantics() {
    assert_eq!(set(json!("scalar"), "$", json!({"r": 1})), Ok(json!({"r": 1})));
    let out = set(json!({"a": 1, "b": 2}), "$.result", json!(true)).unwrap();
    assert_eq!(serde_json::to_string(&out).unwrap(), r#"{"a":1,"b":2,"result":true}"#);
    let out = set(json!({"a": 1, "b": 2}), "$.a", json!("new")).unwrap();
    assert_eq!(serde_json::to_string(&out).unwrap(), r#"{"a":"new","b":2}"#, "replaced in place");
    assert_eq!(set(json!({}), "$.a.b.c", json!(1)), Ok(json!({"a": {"b": {"c": 1}}})));
    assert_eq!(set(json!({"a": {"x": 0}}), "$.a.b", json!(1)), Ok(json!({"a": {"x": 0, "b": 1}})));
    assert_eq!(set(json!({"l": [1, 2, 3]}), "$.l[1]", json!(9)), Ok(json!({"l": [1, 9, 3]})));
    assert_eq!(set(json!({"l": [1, 2, 3]}), "$.l[-1]", json!(9)), Ok(json!({"l": [1, 2, 9]})));
    assert_eq!(set(json!({"l": [{"a": 1}]}), "$.l[0].b", json!(2)), Ok(json!({"l": [{"a": 1, "b": 2}]})));
    assert_eq!(set(json!({"k y": {}}), "$['k y']['z']", json!(0)), Ok(json!({"k y": {"z": 0}})));
}

#[test]
fn set_errors() {
    let cases = [
        (
            json!({"l": [1, 2, 3]}),
            "$.l[3]",
            "cannot write `$.l[3]`: index 3 is out of range for `$.l`, which has 3 items",
        ),
        (json!({"l": [1]}), "$.l[-2]", "index -2 is out of range for `$.l`, which has 1 item"),
        (json!({"a": "str"}), "$.a.b", "cannot write `$.a.b`: `$.a` is a string, not an object"),
        (json!("str"), "$.a", "`$` is a string, not an object"),
        (json!({"a": null}), "$.a.b", "`$.a` is null, not an object"),
        (json!({"a": {}}), "$.a[0]", "`$.a` is an object, not an array"),
        (json!({"a": [[1]]}), "$.a[0].b", "`$.a[0]` is an array, not an object"),
        (json!({"k y": 1}), "$['k y'].b", r#"`$["k y"]` is a number, not an object"#),
        (json!({}), "$.a.b[0]", "`$.a` does not exist"),
    ];
    for (doc, path, message) in cases {
        let before = doc.clone();
        let (error, after) = set(doc, path, json!(0)).unwrap_err();
        assert!(error.contains(message), "{path}: {error}");
        assert_eq!(after, before, "{path}: a failed write leaves the document as it was");
    }
}

// ---------------------------------------------------------------- intrinsics

fn call(text: &str) -> Call {
    Intrinsic::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}")).call().clone()
}

fn path_arg(text: &str) -> Arg {
    Arg::Path(parse(text))
}

fn str_arg(s: &str) -> Arg {
    Arg::String(s.to_owned())
}

fn num_arg(text: &str) -> Arg {
    Arg::Number(num(text))
}

#[test]
fn every_function_has_a_valid_call() {
    let cases = [
        "States.Format('Hello, my name is {}.', $.name)",
        "States.Format($.template, $.name)",
        "States.Format('no placeholders')",
        "States.StringToJson($.escapedJsonString)",
        "States.StringToJson('{\"a\": 1}')",
        "States.JsonToString($.unescapedJson)",
        "States.Array('Foo', 2020, $.someJson, null)",
        "States.Array()",
        "States.ArrayPartition($.inputArray, 4)",
        "States.ArrayContains($.inputArray, $.lookingFor)",
        "States.ArrayRange(1, 9, 2)",
        "States.ArrayRange(0, 999, 1)",
        "States.ArrayRange(10, 1, 1)",
        "States.ArrayGetItem($.inputArray, $.index)",
        "States.ArrayGetItem($.inputArray, 5)",
        "States.ArrayLength($.inputArray)",
        "States.ArrayUnique($.inputArray)",
        "States.Base64Encode($.input)",
        "States.Base64Encode('Data to encode')",
        "States.Base64Decode($.base64)",
        "States.Hash($.Data, $.Algorithm)",
        "States.Hash('x', 'SHA-256')",
        "States.Hash(1, 'MD5')",
        "States.JsonMerge($.json1, $.json2, false)",
        "States.JsonMerge($.json1, $.json2, $.deep)",
        "States.MathRandom($.start, $.end)",
        "States.MathRandom(1, 999, 1234)",
        "States.MathAdd($.value1, $.step)",
        "States.MathAdd(1, -1.5)",
        "States.StringSplit($.inputString, $.splitter)",
        "States.StringSplit('1,2,3', ',')",
        "States.UUID()",
    ];
    let mut seen = std::collections::HashSet::new();
    for text in cases {
        let intrinsic = Intrinsic::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(intrinsic.as_str(), text);
        assert_eq!(intrinsic.to_string(), text);
        assert!(Intrinsic::looks_like(text));
        assert!(text.starts_with(intrinsic.call().function.name()));
        seen.insert(intrinsic.call().function);
    }
    assert_eq!(seen.len(), Function::ALL.len(), "every function is covered");
}

#[test]
fn function_names() {
    assert_eq!(Function::ALL.len(), 18);
    for &function in Function::ALL {
        assert_eq!(Function::from_name(function.name()), Some(function));
        assert_eq!(function.to_string(), function.name());
    }
    assert_eq!(Function::Uuid.name(), "States.UUID");
    assert_eq!(Function::from_name("States.Uuid"), None);
    assert_eq!(Function::from_name("Format"), None);
}

#[test]
fn looks_like() {
    assert!(Intrinsic::looks_like("States.Format('x')"));
    assert!(Intrinsic::looks_like("States.Nope"));
    assert!(!Intrinsic::looks_like("$.States.x"));
    assert!(!Intrinsic::looks_like(" States.UUID()"));
    assert!(!Intrinsic::looks_like("states.UUID()"));
}

#[test]
fn call_structure() {
    assert_eq!(
        call("States.Format('{}', States.Array(1,2))"),
        Call {
            function: Function::Format,
            args: vec![
                str_arg("{}"),
                Arg::Call(Call { function: Function::Array, args: vec![num_arg("1"), num_arg("2")] }),
            ],
        }
    );
    assert_eq!(
        call("States.Array( -1 ,\t0, 1.5 , 2e10,-3.25E-2, true, false, null )").args,
        vec![
            num_arg("-1"),
            num_arg("0"),
            num_arg("1.5"),
            num_arg("2e10"),
            num_arg("-3.25E-2"),
            Arg::Bool(true),
            Arg::Bool(false),
            Arg::Null,
        ]
    );
    assert_eq!(call("States.Array (1)").args, vec![num_arg("1")]);
    assert_eq!(
        call("States.JsonToString(States.JsonMerge($.a, States.StringToJson($.b), false))"),
        Call {
            function: Function::JsonToString,
            args: vec![Arg::Call(Call {
                function: Function::JsonMerge,
                args: vec![
                    path_arg("$.a"),
                    Arg::Call(Call { function: Function::StringToJson, args: vec![path_arg("$.b")] }),
                    Arg::Bool(false),
                ],
            })],
        }
    );
}

#[test]
fn path_arguments_end_at_the_right_place() {
    assert_eq!(
        call("States.Format('{} {}', $.a['x,y'], $.list.length())").args,
        vec![str_arg("{} {}"), path_arg("$.a['x,y']"), path_arg("$.list.length()")]
    );
    assert_eq!(
        call("States.Array($[?(@.a == ')')], $$.Execution.Id, $var.x, $, $$)").args,
        vec![
            path_arg("$[?(@.a == ')')]"),
            path_arg("$$.Execution.Id"),
            path_arg("$var.x"),
            path_arg("$"),
            path_arg("$$"),
        ]
    );
    assert_eq!(call("States.Array($.a ,$.b )").args, vec![path_arg("$.a"), path_arg("$.b")]);
    let Arg::Path(path) = &call("States.Array($.a[0], 1)").args[0] else { panic!("a path") };
    assert_eq!(path.segments(), &[field("a"), Segment::Index(0)]);
    assert!(path.is_reference());
    assert_eq!(call("States.Array($[?(@.n =~ /a,)]/)])").args, vec![path_arg("$[?(@.n =~ /a,)]/)]")]);
}

#[test]
fn string_escapes() {
    assert_eq!(call(r"States.Format('It\'s {} \{literal\} \\', $.x)").args[0], str_arg(r"It's {} {literal} \"));
    // An escaped brace is never a placeholder.
    assert_eq!(call(r"States.Format('\{} {}', $.a)").args[0], str_arg("{} {}"));
    assert_eq!(call(r"States.Format('\{}')").args.len(), 1);
    assert_eq!(call(r"States.Format('{\}')").args.len(), 1);
    assert_eq!(call(r"States.Format('\n\x')").args[0], str_arg("nx"), "any escaped character stands for itself");
    assert_eq!(call("States.Format('{{}}', 1)").args.len(), 2, "one `{{}}` inside stray braces");
    assert_eq!(call("States.Array('é😀', '')").args, vec![str_arg("é😀"), str_arg("")]);
}

#[test]
fn invalid_intrinsics() {
    let deep = format!("{}{}", "States.Array(".repeat(70), ")".repeat(70));
    let cases: Vec<(&str, usize, &str)> = vec![
        ("States.Foo(1)", 0, "unknown intrinsic function `States.Foo`"),
        ("States.format('x')", 0, "unknown intrinsic function `States.format`"),
        ("States.Uuid()", 0, "unknown intrinsic function `States.Uuid`"),
        ("States.(1)", 7, "a function name after `States.`"),
        ("states.Format('x')", 0, "an intrinsic function such as `States.Format(...)`"),
        (" States.UUID()", 0, "an intrinsic function"),
        ("", 0, "an intrinsic function"),
        ("States.UUID() ", 13, "the end of the text after the call"),
        ("States.UUID()x", 13, "the end of the text after the call"),
        ("States.UUID", 11, "`(` after the function name"),
        ("States.UUID(", 12, "an argument"),
        ("States.Array(1,", 15, "an argument"),
        ("States.Array(1,)", 15, "an argument"),
        ("States.Array(1 2)", 15, "`,` or `)` after the argument"),
        ("States.Array(1", 14, "`,` or `)` after the argument"),
        ("States.Array(\"x\")", 13, "single quotes"),
        ("States.Array('x)", 13, "the string is not closed"),
        ("States.Array('x\\", 13, "the string is not closed"),
        ("States.Array($.a b)", 17, "`,` or `)` after the argument"),
        ("States.Array($.)", 15, "a name, `*` or `[` after `.`"),
        ("States.Array($['a)", 15, "the string is not closed"),
        ("States.Array(x)", 13, "an argument"),
        ("States.Array(01)", 13, "cannot start with `0`"),
        ("States.Array(1.)", 15, "after the decimal point"),
        ("States.Array(tru)", 13, "an argument"),
        ("States.Array(True)", 13, "an argument"),
        ("States.Array(States)", 13, "an argument"),
        ("States.UUID(1)", 12, "`States.UUID` takes 0 arguments, found 1"),
        ("States.Hash($.a)", 15, "`States.Hash` takes 2 arguments, found 1"),
        ("States.ArrayLength()", 19, "takes 1 argument, found 0"),
        ("States.MathRandom(1)", 19, "`States.MathRandom` takes 2 or 3 arguments, found 1"),
        ("States.MathRandom(1, 2, 3, 4)", 27, "takes 2 or 3 arguments, found 4"),
        ("States.JsonMerge($.a, $.b)", 25, "takes 3 arguments, found 2"),
        ("States.Format()", 14, "`States.Format` takes at least 1 argument, found 0"),
        ("States.Format('{} {}', $.a)", 14, "the template has 2 `{}` placeholders but 1 value follows it"),
        ("States.Format('{}')", 14, "the template has 1 `{}` placeholder but 0 values follow it"),
        ("States.Format('x', 1, 2)", 14, "has 0 `{}` placeholders but 2 values follow it"),
        ("States.Format(1)", 14, "the first argument of `States.Format` must be a string, found the number 1"),
        ("States.Format(null)", 14, "must be a string, found `null`"),
        ("States.StringToJson(null)", 20, "must be a string"),
        ("States.Base64Encode(true)", 20, "must be a string, found `true`"),
        ("States.Base64Decode(1)", 20, "must be a string"),
        ("States.StringSplit($.a, 1)", 24, "the second argument of `States.StringSplit` must be a string"),
        ("States.ArrayRange(1, 2.5, 1)", 21, "must be an integer, found the number 2.5"),
        ("States.ArrayRange(1, 'a', 1)", 21, "must be an integer, found the string 'a'"),
        ("States.ArrayRange(1, 10, 0)", 25, "the step of `States.ArrayRange` must not be 0"),
        ("States.ArrayRange($.a, 10, 0)", 27, "must not be 0"),
        ("States.ArrayRange(0, 5000, 1)", 18, "at most 1000 items; this call would return 5001"),
        ("States.ArrayRange(0, 1000, 1)", 18, "would return 1001"),
        ("States.ArrayRange(1, 99999999999999999999, 1)", 21, "must be an integer"),
        ("States.MathAdd('1', 2)", 15, "the first argument of `States.MathAdd` must be a number"),
        ("States.MathRandom(1.5, 2)", 18, "must be an integer"),
        ("States.MathRandom(1, 2, 'seed')", 24, "the third argument of `States.MathRandom` must be an integer"),
        ("States.ArrayPartition($.a, 0)", 27, "must be a positive integer, found the number 0"),
        ("States.ArrayPartition('abc', 2)", 22, "must be an array"),
        ("States.ArrayContains(1, 1)", 21, "must be an array"),
        ("States.ArrayLength(null)", 19, "must be an array"),
        ("States.ArrayUnique('x')", 19, "must be an array"),
        ("States.ArrayGetItem($.a, 1.5)", 25, "must be an integer"),
        ("States.Hash($.a, 'SHA1')", 17, "must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"),
        ("States.Hash($.a, 'sha-256')", 17, "must be one of"),
        ("States.Hash($.a, 256)", 17, "must be one of"),
        ("States.JsonMerge($.a, $.b, true)", 27, "must be `false` (Step Functions only does shallow merges)"),
        ("States.JsonMerge($.a, $.b, 'false')", 27, "must be `false`"),
        ("States.JsonMerge($.a, 'x', false)", 22, "must be an object"),
        ("States.Format('{}', States.Foo())", 20, "unknown intrinsic function `States.Foo`"),
        ("States.Array(States.UUID(1))", 25, "takes 0 arguments"),
        (&deep, 13 * 64, "nesting is deeper than 64 levels"),
    ];
    for (text, offset, part) in cases {
        assert_error(Intrinsic::parse(text), text, offset, part);
    }
    let ok_depth = format!("{}{}", "States.Array(".repeat(64), ")".repeat(64));
    assert!(Intrinsic::parse(&ok_depth).is_ok());
}

// ---------------------------------------------------------------- property tests

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Every parser either succeeds with the text unchanged or fails at a char
/// boundary inside the text; paths and reference paths agree.
fn check_total(text: &str) {
    let check = |result: Result<String, SyntaxError>| match result {
        Ok(s) => assert_eq!(s, text),
        Err(e) => {
            assert!(e.offset <= text.len(), "{text:?}: {e:?}");
            assert!(text.is_char_boundary(e.offset), "{text:?}: {e:?}");
            assert!(!e.message.is_empty());
            assert!(e.position_in(text) >= 1);
        }
    };
    let path = Path::parse(text);
    let reference = ReferencePath::parse(text);
    if let Ok(p) = &path {
        // Parsing checks; `segments()` builds later. A build that failed where the
        // check passed would leave segments empty although the text has some.
        let root_len = match p.root() {
            Root::Input => 1,
            Root::Context => 2,
            Root::Variable(name) => 1 + name.len(),
        };
        assert_eq!(p.segments().is_empty(), text.len() == root_len, "{text:?}");
        let single = p.segments().iter().all(|s| matches!(s, Segment::Field(_) | Segment::Index(_)));
        assert_eq!(p.is_reference(), single, "{text:?}");
    }
    match (&path, &reference) {
        (Ok(p), Ok(_)) => assert!(p.is_reference(), "{text:?}"),
        (Ok(p), Err(_)) => assert!(!p.is_reference(), "{text:?}"),
        (Err(a), Err(b)) => assert_eq!(a, b, "{text:?}"),
        (Err(_), Ok(_)) => panic!("{text:?}: a reference path that is not a path"),
    }
    if let Ok(r) = &reference {
        let _ = r.get(&json!({"a": [1, {"b": 2}]}));
        let _ = r.set(&mut json!({"a": [1, {"b": 2}]}), json!(0));
    }
    check(path.map(|p| p.as_str().to_owned()));
    check(reference.map(|p| p.as_str().to_owned()));
    check(Intrinsic::parse(text).map(|i| i.as_str().to_owned()));
}

const SOUP: &[char] = &[
    '$', '$', '.', '.', '[', ']', '\'', '"', '(', ')', '?', '@', ',', '*', ':', '-', '\\', '0', '1', '9', 'a', 'b',
    'e', 'S', ' ', '=', '<', '>', '!', '&', '|', '~', '/', '{', '}', 'é', '😀', '\u{0}', '\u{85}', '\n',
];

fn soup(len: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SOUP), 0..len).prop_map(String::from_iter)
}

fn noise() -> impl Strategy<Value = String> {
    let prefixes = vec![
        "$",
        "$.",
        "$$.",
        "$[",
        "$['",
        "$[?(",
        "$[?(@.a ",
        "$..",
        "$v",
        "States.",
        "States.Format(",
        "States.Array(",
        "States.Array($[?(",
        "States.ArrayRange(",
    ];
    prop_oneof![
        soup(48),
        any::<String>(),
        (prop::sample::select(prefixes), soup(40)).prop_map(|(p, rest)| format!("{p}{rest}")),
        // Valid input with a few random edits reaches deep into the grammar.
        (valid_path(), prop::collection::vec((any::<prop::sample::Index>(), 0..3u8, prop::sample::select(SOUP)), 1..4))
            .prop_map(|((text, _, _), edits)| mutate(&text, &edits)),
        (
            intrinsic_call(),
            prop::collection::vec((any::<prop::sample::Index>(), 0..3u8, prop::sample::select(SOUP)), 1..4)
        )
            .prop_map(|((text, _), edits)| mutate(&text, &edits)),
    ]
}

/// Applies edits (0: delete, 1: insert, 2: replace a char) at char positions.
fn mutate(text: &str, edits: &[(prop::sample::Index, u8, char)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for (at, kind, c) in edits {
        let i = at.index(chars.len() + 1);
        match kind {
            0 if i < chars.len() => {
                chars.remove(i);
            }
            2 if i < chars.len() => chars[i] = *c,
            _ => chars.insert(i, *c),
        }
    }
    chars.into_iter().collect()
}

// Generators of valid input, with the structure it must parse to.

/// A dot name that is valid in a filter too.
fn dot_name() -> impl Strategy<Value = String> {
    "[A-Za-zé_][A-Za-z0-9_#+-]{0,6}"
}

/// A dot name outside filters, where operator characters are plain characters.
fn path_dot_name() -> impl Strategy<Value = String> {
    "[A-Za-zé_][A-Za-z0-9_#=<>!&|~+-]{0,6}"
}

fn any_name() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!['a', 'Z', ' ', '\'', '"', '\\', '.', '[', ']', 'é', '$', ',', '\n']),
        0..6,
    )
    .prop_map(String::from_iter)
}

fn quoted(name: &str, quote: char) -> String {
    let mut out = String::from(quote);
    for c in name.chars() {
        if c == quote || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push(quote);
    out
}

fn small_int() -> impl Strategy<Value = i64> {
    prop_oneof![4 => -20i64..20, 1 => any::<i64>()]
}

fn opt_int() -> impl Strategy<Value = Option<i64>> {
    prop::option::of(-9i64..9)
}

fn join_ints(ints: &[i64], sep: &str) -> String {
    ints.iter().map(i64::to_string).collect::<Vec<_>>().join(sep)
}

/// A filter's text and structure; children of `&&`/`||`/`!` are parenthesised.
fn filter() -> impl Strategy<Value = (String, Filter)> {
    let ops = vec![
        ("==", CompareOp::Eq),
        ("!=", CompareOp::Ne),
        ("<", CompareOp::Lt),
        ("<=", CompareOp::Le),
        (">", CompareOp::Gt),
        (">=", CompareOp::Ge),
        ("in", CompareOp::In),
        ("nin", CompareOp::Nin),
        ("anyof", CompareOp::Anyof),
    ];
    let literal = prop_oneof![
        small_int().prop_map(|i| (i.to_string(), Value::from(i))),
        "[a-z ]{0,4}".prop_map(|s| (format!("'{s}'"), Value::String(s))),
        prop::sample::select(vec!["true", "false", "null", "[]", "[1, 'x']", "-2.5e-3"])
            .prop_map(|s| (s.to_owned(), serde_json::from_str(&s.replace('\'', "\"")).unwrap())),
    ];
    let leaf = prop_oneof![
        dot_name().prop_map(|n| (format!("@.{n}"), exists(&n))),
        (any_name(), prop::sample::select(ops), literal, any::<bool>()).prop_map(|(n, (sym, op), (lt, lv), spaced)| {
            let sep = if spaced || sym.chars().all(|c| c.is_ascii_alphabetic()) { " " } else { "" };
            (
                format!("@[{}]{sep}{sym}{sep}{lt}", quoted(&n, '\'')),
                cmp(current(vec![Segment::Field(n)]), op, FilterOperand::Literal(lv)),
            )
        }),
        (dot_name(), "[a-z.*^$]{0,5}").prop_map(|(n, re)| {
            let regex = format!("/{re}/i");
            (
                format!("$.{n} =~ {regex}"),
                cmp(FilterOperand::Root(vec![field(&n)]), CompareOp::RegexMatch, FilterOperand::Regex(regex)),
            )
        }),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone())
                .prop_map(|((a, fa), (b, fb))| (format!("({a}) && ({b})"), Filter::And(Box::new(fa), Box::new(fb)))),
            (inner.clone(), inner.clone())
                .prop_map(|((a, fa), (b, fb))| (format!("({a})||({b})"), Filter::Or(Box::new(fa), Box::new(fb)))),
            inner.prop_map(|(a, fa)| (format!("!({a})"), Filter::Not(Box::new(fa)))),
        ]
    })
}

/// One segment's text, structure, and whether a reference path allows it.
fn segment() -> impl Strategy<Value = (String, Segment)> {
    prop_oneof![
        3 => path_dot_name().prop_map(|n| (format!(".{n}"), Segment::Field(n))),
        2 => (any_name(), prop::sample::select(vec!['\'', '"']), any::<bool>()).prop_map(|(n, q, dotted)| {
            (format!("{}[{}]", if dotted { "." } else { "" }, quoted(&n, q)), Segment::Field(n))
        }),
        2 => small_int().prop_map(|i| (format!("[{i}]"), Segment::Index(i))),
        1 => prop::sample::select(vec![".*", "[*]", "[ * ]"]).prop_map(|t| (t.to_owned(), Segment::Wildcard)),
        1 => (opt_int(), opt_int(), opt_int(), any::<bool>()).prop_map(|(start, end, step, with_step)| {
            let show = |i: Option<i64>| i.map(|i| i.to_string()).unwrap_or_default();
            let step = step.filter(|_| with_step);
            let step_text = if with_step { format!(":{}", show(step)) } else { String::new() };
            (format!("[{}:{}{step_text}]", show(start), show(end)), Segment::Slice { start, end, step })
        }),
        1 => prop::collection::vec(small_int(), 2..4).prop_map(|is| {
            (format!("[{}]", join_ints(&is, ", ")), Segment::Union(is.into_iter().map(Selector::Index).collect()))
        }),
        1 => prop::collection::vec(any_name(), 2..4).prop_map(|ns| {
            let text = ns.iter().map(|n| quoted(n, '\'')).collect::<Vec<_>>().join(",");
            (format!("[{text}]"), Segment::Union(ns.into_iter().map(Selector::Name).collect()))
        }),
        1 => prop_oneof![
            dot_name().prop_map(|n| (format!("..{n}"), desc(Segment::Field(n)))),
            Just(("..*".to_owned(), desc(Segment::Wildcard))),
            small_int().prop_map(|i| (format!("..[{i}]"), desc(Segment::Index(i)))),
        ],
        1 => filter().prop_map(|(text, f)| (format!("[?({text})]"), Segment::Filter(Box::new(f)))),
    ]
}

fn root() -> impl Strategy<Value = (String, Root)> {
    prop_oneof![
        3 => Just(("$".to_owned(), Root::Input)),
        1 => Just(("$$".to_owned(), Root::Context)),
        1 => "[A-Za-z_][A-Za-z0-9_]{0,5}".prop_map(|v| (format!("${v}"), Root::Variable(v))),
    ]
}

/// A valid path's text, root and segments.
fn valid_path() -> impl Strategy<Value = (String, Root, Vec<Segment>)> {
    let function = prop::option::weighted(0.15, prop::sample::select(vec!["length", "min", "keys", "last"]));
    (root(), prop::collection::vec(segment(), 0..6), function).prop_map(|((mut text, root), segments, function)| {
        let mut parsed = Vec::new();
        for (t, s) in segments {
            text.push_str(&t);
            parsed.push(s);
        }
        if let Some(f) = function {
            text.push_str(&format!(".{f}()"));
            parsed.push(Segment::Function(f.to_owned()));
        }
        (text, root, parsed)
    })
}

fn escape_intrinsic(s: &str) -> String {
    s.chars().flat_map(|c| if matches!(c, '\'' | '{' | '}' | '\\') { vec!['\\', c] } else { vec![c] }).collect()
}

/// A valid intrinsic call's text and structure (`Array` and `Format` nest freely).
fn intrinsic_call() -> impl Strategy<Value = (String, Call)> {
    let leaf = prop_oneof![
        small_int().prop_map(|i| (i.to_string(), num_arg(&i.to_string()))),
        "[a-z,(){}'\\\\ ]{0,6}".prop_map(|s| (format!("'{}'", escape_intrinsic(&s)), Arg::String(s))),
        prop::sample::select(vec![("true", Arg::Bool(true)), ("false", Arg::Bool(false)), ("null", Arg::Null)])
            .prop_map(|(t, a)| (t.to_owned(), a)),
        valid_path().prop_map(|(text, _, _)| {
            let arg = path_arg(&text);
            (text, arg)
        }),
    ];
    let arg = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|args| {
                let (text, call) = array_call(args);
                (text, Arg::Call(call))
            }),
            (prop::collection::vec(inner, 0..3), prop::collection::vec("[a-z{}' ]{0,3}", 3)).prop_map(
                |(args, pieces)| {
                    let (text, call) = format_call(args, &pieces);
                    (text, Arg::Call(call))
                }
            ),
        ]
    });
    prop::collection::vec(arg, 0..4).prop_map(array_call)
}

fn array_call(args: Vec<(String, Arg)>) -> (String, Call) {
    let text = args.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join(", ");
    (
        format!("States.Array({text})"),
        Call { function: Function::Array, args: args.into_iter().map(|(_, a)| a).collect() },
    )
}

fn format_call(args: Vec<(String, Arg)>, pieces: &[String]) -> (String, Call) {
    let n = args.len();
    let template_text = pieces[..=n].iter().map(|p| escape_intrinsic(p)).collect::<Vec<_>>().join("{}");
    let template = pieces[..=n].join("{}");
    let mut text = format!("States.Format('{template_text}'");
    let mut parsed = vec![Arg::String(template)];
    for (t, a) in args {
        text.push_str(" ,");
        text.push_str(&t);
        parsed.push(a);
    }
    text.push(')');
    (text, Call { function: Function::Format, args: parsed })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn never_panics(text in noise()) {
        check_total(&text);
    }

    #[test]
    fn never_panics_on_deep_or_long_input(unit in prop::sample::select(vec!["[", "[?(", "(", "!", "[?(@", "States.Array(", ".a", "['x',", "&&"]), n in 0usize..300, tail in soup(8)) {
        check_total(&format!("${}{tail}", unit.repeat(n)));
        check_total(&format!("$[?(@.a{}{tail}", unit.repeat(n)));
        check_total(&format!("{}{tail}", unit.repeat(n)));
    }

    #[test]
    fn valid_paths_round_trip((text, root, segments) in valid_path()) {
        let path = Path::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(path.as_str(), text.as_str());
        prop_assert_eq!(path.root(), &root);
        prop_assert_eq!(path.segments(), segments.as_slice());
        let reference = segments.iter().all(|s| matches!(s, Segment::Field(_) | Segment::Index(_)));
        prop_assert_eq!(path.is_reference(), reference);
        prop_assert_eq!(ReferencePath::parse(&text).is_ok(), reference);
    }

    #[test]
    fn valid_intrinsics_round_trip((text, expected) in intrinsic_call()) {
        let intrinsic = Intrinsic::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(intrinsic.as_str(), text.as_str());
        prop_assert_eq!(intrinsic.call(), &expected);
    }
}
