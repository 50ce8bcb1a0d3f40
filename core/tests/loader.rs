//! The loader against a real DynamoDB-compatible server (moto) on 127.0.0.1:
//! the seed's list files, arrays, JSON Lines of 100,000 items, every kind of
//! bad input, injected faults (throttling, UnprocessedItems, HTTP 500s,
//! dropped connections), and a loader killed mid-run, then resumed.

mod support;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::ScalarAttributeType;
use serde_json::{Value, json};
use support::*;

/// A table name unique to this run.
fn table(name: &str) -> String {
    format!("{name}-{}-{}", std::process::id(), fastrand_suffix())
}

fn fastrand_suffix() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

fn write_jsonl(path: &Path, items: &[Value]) {
    let text: String = items.iter().map(|v| format!("{v}\n")).collect();
    std::fs::write(path, text).unwrap();
}

fn summary(out: &std::process::Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap_or_else(|e| {
        panic!("no JSON summary ({e}); stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr))
    })
}

/// One test's table (string key `id` unless given), scratch directory and server.
struct Case {
    endpoint: String,
    client: aws_sdk_dynamodb::Client,
    table: String,
    dir: std::path::PathBuf,
}

impl Case {
    async fn new(name: &str) -> Case {
        Case::with_key(name, "id", None).await
    }

    async fn with_key(name: &str, key: &str, sort: Option<(&str, ScalarAttributeType)>) -> Case {
        let endpoint = endpoint();
        let client = client(&endpoint).await;
        let table = table(name);
        create_table(&client, &table, key, sort).await;
        Case { endpoint, client, table, dir: scratch(name) }
    }

    /// Writes items as JSON Lines into the scratch directory.
    fn lines(&self, file: &str, items: &[Value]) -> std::path::PathBuf {
        let path = self.dir.join(file);
        write_jsonl(&path, items);
        path
    }

    /// Runs `load-ddb FILE --table T --endpoint-url E --summary json EXTRA…`
    /// (against `endpoint`, or the server when `None`).
    fn load(&self, file: &Path, endpoint: Option<&str>, extra: &[&str]) -> std::process::Output {
        let endpoint = endpoint.unwrap_or(&self.endpoint);
        let mut args =
            vec![file.to_str().unwrap(), "--table", &self.table, "--endpoint-url", endpoint, "--summary", "json"];
        args.extend_from_slice(extra);
        load_ddb(&args)
    }

    async fn stored(&self) -> Vec<Value> {
        scan_plain(&self.client, &self.table).await
    }
}

/// Items with every plain JSON type, numbers already in DynamoDB's normal form.
fn varied_items(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "id": format!("item-{i:06}"),
                "n": i,
                "neg": -(i as i64) * 7,
                "big": "12345678901234567890123456789012345678".parse::<serde_json::Number>().unwrap(),
                "frac": format!("0.{:03}5", i % 1000).parse::<serde_json::Number>().unwrap(),
                "flag": i % 2 == 0,
                "none": null,
                "text": format!("élan ✓ {i}"),
                "list": [1, "two", {"three": [3]}],
                "map": {"nested": {"deep": i % 5}},
            })
        })
        .collect()
}

#[tokio::test]
async fn seed_004_list_files_load_as_one_item() {
    let case = Case::with_key("MapStateList", "mapstatelist", None).await;
    let dir = root().join("examples/seed004-map-over-dynamodb");
    let config = dir.join("config.json");
    for list in ["simplelist.json", "listofdicts.json"] {
        let list_path = dir.join(list);
        let (config, list_path) = (config.to_str().unwrap(), list_path.to_str().unwrap());
        let args = ["--config", config, "--json", list_path, "--table", &case.table, "--endpoint-url", &case.endpoint];
        let out = load_ddb(&[&args[..], &["--summary", "json"]].concat());
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(summary(&out)["written"], 1);
        let expected: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(list)).unwrap()).unwrap();
        let want = sorted(vec![json!({"mapstatelist": "mapitems", "values": expected})]);
        assert_same_items(&case.stored().await, &want);
    }
    // The objects of listofdicts.json arrive as DynamoDB maps inside the list, as the sample says.
    let got = case
        .client
        .get_item()
        .table_name(&case.table)
        .key("mapstatelist", aws_sdk_dynamodb::types::AttributeValue::S("mapitems".into()))
        .send()
        .await
        .unwrap();
    let values = got.item().unwrap()["values"].as_l().unwrap();
    assert!(values.iter().all(|v| v.as_m().is_ok_and(|m| m.contains_key("topic") && m.contains_key("name"))));
}

#[tokio::test]
async fn a_json_array_round_trips_exactly() {
    let case = Case::new("array").await;
    let items = varied_items(600);
    let file = case.dir.join("items.json");
    std::fs::write(&file, serde_json::to_string_pretty(&items).unwrap()).unwrap();
    let out = case.load(&file, None, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let s = summary(&out);
    assert_eq!((s["read"].as_u64(), s["written"].as_u64(), s["rejected"].as_u64()), (Some(600), Some(600), Some(0)));
    assert_same_items(&case.stored().await, &sorted(items));
    assert!(!case.dir.join("items.json.load-ddb-checkpoint").exists(), "a finished load leaves no checkpoint");
}

#[tokio::test]
async fn dynamodb_json_input_keeps_sets_and_binary() {
    use aws_sdk_dynamodb::types::AttributeValue as Av;
    let case = Case::with_key("typed", "pk", Some(("sk", ScalarAttributeType::N))).await;
    let items: Vec<Value> = (0..50)
        .map(|i| {
            json!({
                "pk": {"S": format!("p{}", i % 5)},
                "sk": {"N": i.to_string()},
                "ss": {"SS": ["a", "b", format!("c{i}")]},
                "ns": {"NS": ["1", "2.5", "-3"]},
                "bin": {"B": "aGVsbG8="},
                "bs": {"BS": ["AAE=", "AgM="]},
                "nul": {"NULL": true},
                "m": {"M": {"l": {"L": [{"BOOL": true}, {"N": "1e3"}]}}},
            })
        })
        .collect();
    let out = case.load(&case.lines("typed.jsonl", &items), None, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stored = case
        .client
        .get_item()
        .table_name(&case.table)
        .key("pk", Av::S("p3".into()))
        .key("sk", Av::N("8".into()))
        .send()
        .await
        .unwrap();
    let item = stored.item().unwrap();
    let ss: HashSet<&str> = item["ss"].as_ss().unwrap().iter().map(String::as_str).collect();
    assert_eq!(ss, HashSet::from(["a", "b", "c8"]));
    assert_eq!(item["bin"].as_b().unwrap().as_ref(), b"hello");
    assert_eq!(item["bs"].as_bs().unwrap().len(), 2);
    assert_eq!(item["m"].as_m().unwrap()["l"].as_l().unwrap()[1].as_n().unwrap(), "1000");
    assert_eq!(case.stored().await.len(), 50);
}

#[tokio::test]
async fn a_hundred_thousand_json_lines() {
    let case = Case::new("lines").await;
    let items: Vec<Value> =
        (0..100_000).map(|i| json!({"id": format!("k{i:07}"), "n": i, "s": format!("value {i}")})).collect();
    let out = case.load(&case.lines("items.jsonl", &items), None, &["--concurrency", "16"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(summary(&out)["written"], 100_000);
    assert_same_items(&case.stored().await, &sorted(items));
}

#[tokio::test]
async fn bad_items_go_to_the_reject_file_with_their_reason() {
    let case = Case::new("bad").await;
    let mut deep = json!("bottom");
    for _ in 0..33 {
        deep = json!({"d": deep});
    }
    let big = "x".repeat(410 * 1024);
    // (line, expected reason fragment, or None when the item is good)
    let lines: Vec<(String, Option<&str>)> = vec![
        (json!({"id": "good-1", "v": 1}).to_string(), None),
        (json!({"noid": 1}).to_string(), Some("no `id`")),
        (json!({"id": 5}).to_string(), Some("must be of type S, not N")),
        (json!({"id": ""}).to_string(), Some("cannot be empty")),
        (json!({"id": "big", "blob": big}).to_string(), Some("400 KB")),
        ("{this is not json".to_string(), Some("not JSON")),
        (json!({"id": {"S": "typed-empty-set"}, "s": {"SS": []}}).to_string(), Some("sets cannot be empty")),
        (json!({"id": {"S": "typed-bad-number"}, "n": {"N": "NaN"}}).to_string(), Some("not a decimal number")),
        (json!({"id": {"S": "typed-bad-type"}, "n": {"Q": "1"}}).to_string(), Some("not a DynamoDB type")),
        ("{\"id\": \"too-big-number\", \"n\": 1e400}".to_string(), Some("too large")),
        (json!({"id": "too-deep", "deep": deep}).to_string(), Some("32 levels")),
        (json!({"id": "dup", "v": 1}).to_string(), None),
        (json!({"id": "dup", "v": 2}).to_string(), None),
        (json!({"id": "dup", "v": 3}).to_string(), None),
        (json!({"id": "good-2", "v": [1, 2]}).to_string(), None),
    ];
    let file = case.dir.join("mixed.jsonl");
    std::fs::write(&file, lines.iter().map(|(l, _)| format!("{l}\n")).collect::<String>()).unwrap();
    let rejects = case.dir.join("rejects.jsonl");
    let out = case.load(&file, None, &["--reject-file", rejects.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "exit 1 when some items were not written");
    let s = summary(&out);
    let bad: Vec<(usize, &str)> = lines.iter().enumerate().filter_map(|(i, (_, r))| r.map(|r| (i, r))).collect();
    assert_eq!(s["rejected"].as_u64(), Some(bad.len() as u64));
    assert_eq!(s["written"].as_u64(), Some((lines.len() - bad.len()) as u64));
    let entries = read_lines(&rejects);
    assert_eq!(entries.len(), bad.len(), "{entries:#?}");
    for (entry, (seq, reason)) in entries.iter().zip(&bad) {
        assert_eq!(entry["seq"].as_u64(), Some(*seq as u64));
        assert_eq!(entry["line"].as_u64(), Some(*seq as u64 + 1));
        let got = entry["reason"].as_str().unwrap();
        assert!(got.contains(reason), "line {}: {got:?} should say {reason:?}", seq + 1);
        assert!(entry.get("item").is_some() || entry.get("raw").is_some());
    }
    // The table holds exactly the good items, and the last of the duplicates.
    let want =
        vec![json!({"id": "dup", "v": 3}), json!({"id": "good-1", "v": 1}), json!({"id": "good-2", "v": [1, 2]})];
    assert_same_items(&case.stored().await, &sorted(want));
}

/// The JSON lines of a file.
fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[tokio::test]
async fn injected_faults_lose_nothing() {
    let case = Case::new("faults").await;
    let plan = json!({"throttle": 0.12, "unprocessed": 0.15, "http500": 0.08, "http500_after": 0.04,
                      "drop": 0.08, "drop_after": 0.04, "seed": 7});
    let proxy = FaultProxy::start(&case.endpoint, &plan, &case.dir);
    let items = varied_items(2500);
    let rejects = case.dir.join("rejects.jsonl");
    let extra = ["--concurrency", "4", "--reject-file", rejects.to_str().unwrap()];
    let out = case.load(&case.lines("items.jsonl", &items), Some(&proxy.endpoint), &extra);
    let output = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{output}");
    let s = summary(&out);
    assert_eq!(s["written"], 2500);
    assert!(s["retried"]["unprocessed_items"].as_u64().unwrap() > 0, "{s}");
    assert!(s["retried"]["throttled_requests"].as_u64().unwrap() > 0, "{s}");
    assert!(s["retried"]["failed_requests"].as_u64().unwrap() > 0, "{s}");
    assert!(!rejects.exists(), "nothing was rejected");
    assert_same_items(&case.stored().await, &sorted(items));
    // The loader sends an item again only when a request's fate was unknown:
    // a 500 or a dropped connection after the server had written it.
    let counts = proxy.forwarded();
    assert_eq!(counts.len(), 2500, "every item reached the server");
    let faults: Value = http_get(&format!("{}/__faults", proxy.endpoint));
    let ambiguous = faults["http500_after"].as_u64().unwrap() + faults["drop_after"].as_u64().unwrap();
    let resent = counts.values().filter(|&&c| c > 1).count() as u64;
    assert!(resent <= ambiguous * 25, "{resent} items resent, but only {ambiguous} ambiguous requests");
}

/// A GET with the standard library (the proxy's fault counters).
fn http_get(url: &str) -> Value {
    use std::io::{Read, Write};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(stream, "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap()).unwrap()
}

#[tokio::test]
async fn persistent_errors_end_in_the_reject_file() {
    let case = Case::new("always500").await;
    let proxy = FaultProxy::start(&case.endpoint, &json!({"http500": 1.0}), &case.dir);
    let rejects = case.dir.join("rejects.jsonl");
    let file = case.lines("items.jsonl", &varied_items(30));
    let out = case.load(&file, Some(&proxy.endpoint), &["--reject-file", rejects.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(summary(&out)["rejected"], 30);
    let entries = read_lines(&rejects);
    let seqs: HashSet<u64> = entries.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (0..30).collect(), "each item exactly once");
    assert!(entries.iter().all(|e| e["reason"].as_str().unwrap().contains("InternalServerError")));
    assert!(case.stored().await.is_empty());
}

#[tokio::test]
async fn killed_mid_run_then_resumed_loses_nothing() {
    let case = Case::new("killed").await;
    let proxy = FaultProxy::start(&case.endpoint, &json!({}), &case.dir);
    let items = varied_items(6000);
    let file = case.lines("items.jsonl", &items);
    set_local_aws_env();
    let args = [file.to_str().unwrap(), "--table", &case.table, "--endpoint-url", &proxy.endpoint];
    let mut child = Command::new(env!("CARGO_BIN_EXE_load-ddb"))
        .args(args)
        .args(["--concurrency", "2", "--rate", "1500"])
        .env("CI", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Let it write part of the input, then kill it without warning.
    let checkpoint = case.dir.join("items.jsonl.load-ddb-checkpoint");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !checkpoint.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(700));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before = case.stored().await.len();
    assert!(before > 0 && before < 6000, "killed part way: {before} items in the table");
    assert!(checkpoint.exists(), "the checkpoint survives the kill");

    let refused = case.load(&file, Some(&proxy.endpoint), &[]);
    assert_eq!(refused.status.code(), Some(2), "an unfinished checkpoint needs --resume");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--resume"));

    let out = case.load(&file, Some(&proxy.endpoint), &["--resume", "--concurrency", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let s = summary(&out);
    assert!(s["skipped"].as_u64().unwrap() > 0, "{s}");
    assert_eq!(s["skipped"].as_u64().unwrap() + s["written"].as_u64().unwrap(), 6000, "{s}");
    assert_same_items(&case.stored().await, &sorted(items));
    assert!(!checkpoint.exists());
    // Only the batches in flight at the kill can have been sent twice: at
    // most two requests of 25 items.
    let resent = proxy.forwarded().values().filter(|&&c| c > 1).count();
    assert!(resent <= 50, "{resent} items were sent twice");
}

#[tokio::test]
async fn ctrl_c_stops_cleanly_and_the_load_resumes() {
    let case = Case::new("sigint").await;
    let items = varied_items(4000);
    let file = case.lines("items.jsonl", &items);
    set_local_aws_env();
    let child = Command::new(env!("CARGO_BIN_EXE_load-ddb"))
        .args([file.to_str().unwrap(), "--table", &case.table, "--endpoint-url", &case.endpoint])
        .args(["--rate", "1000", "--summary", "json"])
        .env("CI", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // SAFETY: signalling the child this test started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let s = summary(&out);
    assert_eq!(s["interrupted"], true);
    let written = s["written"].as_u64().unwrap();
    assert!(written > 0 && written < 4000, "{s}");
    assert_eq!(case.stored().await.len() as u64, written, "the summary counts what is in the table");
    let out = case.load(&file, None, &["--resume"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(summary(&out)["skipped"].as_u64(), Some(written));
    assert_same_items(&case.stored().await, &sorted(items));
}

#[tokio::test]
async fn dry_run_checks_and_writes_nothing() {
    let case = Case::new("dry").await;
    let mut items = varied_items(100);
    items.push(json!({"nokey": true}));
    let file = case.dir.join("items.json");
    std::fs::write(&file, serde_json::to_string(&items).unwrap()).unwrap();
    let out = case.load(&file, None, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(1), "one item would be rejected");
    let s = summary(&out);
    assert_eq!((s["read"].as_u64(), s["rejected"].as_u64(), s["written"].as_u64()), (Some(101), Some(1), Some(0)));
    assert_eq!(s["requests"], 0);
    assert!(case.stored().await.is_empty());
}

#[tokio::test]
async fn the_rate_cap_holds() {
    let case = Case::new("rate").await;
    let file = case.lines("items.jsonl", &varied_items(450));
    let started = Instant::now();
    let out = case.load(&file, None, &["--rate", "150"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // 150 items may go in the first instant; the other 300 need 2 s at 150/s.
    // (A lower bound only: a slow machine cannot make this fail.)
    assert!(started.elapsed() >= Duration::from_millis(1900), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_missing_table_stops_the_load() {
    let endpoint = endpoint();
    let dir = scratch("missing");
    let file = dir.join("items.jsonl");
    write_jsonl(&file, &varied_items(3));
    let out = load_ddb(&[file.to_str().unwrap(), "--table", "no-such-table", "--endpoint-url", &endpoint]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no-such-table"), "{stderr}");
}

#[test]
fn usage_errors_say_what_to_do() {
    let out = load_ddb(&["items.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--table"));
    let out = load_ddb(&["--config", "x.json"]);
    assert_eq!(out.status.code(), Some(2));
    let out = load_ddb(&["--table", "t", "--rate", "fast", "f"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a rate"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_flag_stops_a_library_load_cleanly() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use stepforge::dynamo::loader::{LoadOptions, Source, load};
    let case = Case::new("cancel").await;
    let mut options = LoadOptions::new(&case.table);
    options.endpoint_url = Some(case.endpoint.clone());
    options.rate = Some("200".parse().unwrap());
    options.checkpoint = Some(case.dir.join("checkpoint.json"));
    let flag = Arc::new(AtomicBool::new(false));
    options.cancel = Some(flag.clone());
    // Items from an iterator: produced as the loader asks for them.
    let items = varied_items(2000);
    let source = Source::Iter(Box::new(items.clone().into_iter()));
    let cancel_later = {
        let flag = flag.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            flag.store(true, Ordering::Relaxed);
        })
    };
    let summary = load(source, &options).await.unwrap();
    cancel_later.await.unwrap();
    assert!(summary.interrupted, "{summary:?}");
    assert!(summary.written > 0 && summary.written < 2000, "{summary:?}");
    assert_eq!(case.stored().await.len() as u64, summary.written);
    // The same items again, resumed from the checkpoint: the rest goes in.
    options.cancel = None;
    options.rate = None;
    options.resume = true;
    let rest = load(Source::Iter(Box::new(items.clone().into_iter())), &options).await.unwrap();
    assert_eq!(rest.skipped, summary.written);
    assert_same_items(&case.stored().await, &sorted(items));
}
