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
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("MapStateList");
    create_table(&client, &name, "mapstatelist", None).await;
    let dir = root().join("examples/seed004-map-over-dynamodb");
    for list in ["simplelist.json", "listofdicts.json"] {
        let out = load_ddb(&[
            "--config",
            dir.join("config.json").to_str().unwrap(),
            "--json",
            dir.join(list).to_str().unwrap(),
            "--table",
            &name,
            "--endpoint-url",
            &endpoint,
            "--summary",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(summary(&out)["written"], 1);
        let expected: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(list)).unwrap()).unwrap();
        let items = scan_plain(&client, &name).await;
        assert_same_items(&items, &sorted(vec![json!({"mapstatelist": "mapitems", "values": expected})]));
    }
    // The objects of listofdicts.json arrive as DynamoDB maps inside the list, as the sample says.
    let got = client
        .get_item()
        .table_name(&name)
        .key("mapstatelist", aws_sdk_dynamodb::types::AttributeValue::S("mapitems".into()))
        .send()
        .await
        .unwrap();
    let values = got.item().unwrap()["values"].as_l().unwrap();
    assert!(values.iter().all(|v| v.as_m().is_ok_and(|m| m.contains_key("topic") && m.contains_key("name"))));
}

#[tokio::test]
async fn a_json_array_round_trips_exactly() {
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("array");
    create_table(&client, &name, "id", None).await;
    let dir = scratch("array");
    let items = varied_items(600);
    let file = dir.join("items.json");
    std::fs::write(&file, serde_json::to_string_pretty(&items).unwrap()).unwrap();
    let out = load_ddb(&[file.to_str().unwrap(), "--table", &name, "--endpoint-url", &endpoint, "--summary", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let s = summary(&out);
    assert_eq!((s["read"].as_u64(), s["written"].as_u64(), s["rejected"].as_u64()), (Some(600), Some(600), Some(0)));
    assert_same_items(&scan_plain(&client, &name).await, &sorted(items));
    assert!(!dir.join("items.json.load-ddb-checkpoint").exists(), "a finished load leaves no checkpoint");
}

#[tokio::test]
async fn dynamodb_json_input_keeps_sets_and_binary() {
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("typed");
    create_table(&client, &name, "pk", Some(("sk", ScalarAttributeType::N))).await;
    let dir = scratch("typed");
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
    let file = dir.join("typed.jsonl");
    write_jsonl(&file, &items);
    let out = load_ddb(&[file.to_str().unwrap(), "--table", &name, "--endpoint-url", &endpoint, "--summary", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stored = client
        .get_item()
        .table_name(&name)
        .key("pk", aws_sdk_dynamodb::types::AttributeValue::S("p3".into()))
        .key("sk", aws_sdk_dynamodb::types::AttributeValue::N("8".into()))
        .send()
        .await
        .unwrap();
    let item = stored.item().unwrap();
    let ss: HashSet<&str> = item["ss"].as_ss().unwrap().iter().map(String::as_str).collect();
    assert_eq!(ss, HashSet::from(["a", "b", "c8"]));
    assert_eq!(item["bin"].as_b().unwrap().as_ref(), b"hello");
    assert_eq!(item["bs"].as_bs().unwrap().len(), 2);
    assert_eq!(item["m"].as_m().unwrap()["l"].as_l().unwrap()[1].as_n().unwrap(), "1000");
    assert_eq!(scan_plain(&client, &name).await.len(), 50);
}

#[tokio::test]
async fn a_hundred_thousand_json_lines() {
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("lines");
    create_table(&client, &name, "id", None).await;
    let dir = scratch("lines");
    let items: Vec<Value> =
        (0..100_000).map(|i| json!({"id": format!("k{i:07}"), "n": i, "s": format!("value {i}")})).collect();
    let file = dir.join("items.jsonl");
    write_jsonl(&file, &items);
    let out = load_ddb(&[
        file.to_str().unwrap(),
        "--table",
        &name,
        "--endpoint-url",
        &endpoint,
        "--concurrency",
        "16",
        "--summary",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(summary(&out)["written"], 100_000);
    assert_same_items(&scan_plain(&client, &name).await, &sorted(items));
}

#[tokio::test]
async fn bad_items_go_to_the_reject_file_with_their_reason() {
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("bad");
    create_table(&client, &name, "id", None).await;
    let dir = scratch("bad");
    let mut deep = json!("bottom");
    for _ in 0..33 {
        deep = json!({"d": deep});
    }
    let big = "x".repeat(410 * 1024);
    // (line, item or raw text, expected reason fragment or None when it is good)
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
    let file = dir.join("mixed.jsonl");
    std::fs::write(&file, lines.iter().map(|(l, _)| format!("{l}\n")).collect::<String>()).unwrap();
    let rejects = dir.join("rejects.jsonl");
    let out = load_ddb(&[
        file.to_str().unwrap(),
        "--table",
        &name,
        "--endpoint-url",
        &endpoint,
        "--reject-file",
        rejects.to_str().unwrap(),
        "--summary",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "exit 1 when some items were not written");
    let s = summary(&out);
    let bad: Vec<(usize, &str)> = lines.iter().enumerate().filter_map(|(i, (_, r))| r.map(|r| (i, r))).collect();
    assert_eq!(s["rejected"].as_u64(), Some(bad.len() as u64));
    assert_eq!(s["written"].as_u64(), Some((lines.len() - bad.len()) as u64));
    let entries: Vec<Value> =
        std::fs::read_to_string(&rejects).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(entries.len(), bad.len(), "{entries:#?}");
    for (entry, (seq, reason)) in entries.iter().zip(&bad) {
        assert_eq!(entry["seq"].as_u64(), Some(*seq as u64));
        assert_eq!(entry["line"].as_u64(), Some(*seq as u64 + 1));
        let got = entry["reason"].as_str().unwrap();
        assert!(got.contains(reason), "line {}: {got:?} should say {reason:?}", seq + 1);
        assert!(entry.get("item").is_some() || entry.get("raw").is_some());
    }
    // The table holds exactly the good items, and the last of the duplicates.
    let stored = scan_plain(&client, &name).await;
    let want =
        vec![json!({"id": "dup", "v": 3}), json!({"id": "good-1", "v": 1}), json!({"id": "good-2", "v": [1, 2]})];
    assert_same_items(&stored, &sorted(want));
}

#[tokio::test]
async fn injected_faults_lose_nothing() {
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("faults");
    create_table(&client, &name, "id", None).await;
    let dir = scratch("faults");
    let plan = json!({"throttle": 0.12, "unprocessed": 0.15, "http500": 0.08, "http500_after": 0.04,
                      "drop": 0.08, "drop_after": 0.04, "seed": 7});
    let proxy = FaultProxy::start(&endpoint, &plan, &dir);
    let items = varied_items(2500);
    let file = dir.join("items.jsonl");
    write_jsonl(&file, &items);
    let rejects = dir.join("rejects.jsonl");
    let out = load_ddb(&[
        file.to_str().unwrap(),
        "--table",
        &name,
        "--endpoint-url",
        &proxy.endpoint,
        "--concurrency",
        "4",
        "--reject-file",
        rejects.to_str().unwrap(),
        "--summary",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let s = summary(&out);
    assert_eq!(s["written"], 2500);
    assert!(s["retried"]["unprocessed_items"].as_u64().unwrap() > 0, "{s}");
    assert!(s["retried"]["throttled_requests"].as_u64().unwrap() > 0, "{s}");
    assert!(s["retried"]["failed_requests"].as_u64().unwrap() > 0, "{s}");
    assert!(!rejects.exists(), "nothing was rejected");
    assert_same_items(&scan_plain(&client, &name).await, &sorted(items));
    // The loader sends an item again only when a request's fate was unknown:
    // a 500 or a dropped connection after the server had written it.
    let counts = proxy.forwarded();
    assert_eq!(counts.len(), 2500, "every item reached the server");
    let faults: Value = reqwest_like_get(&format!("{}/__faults", proxy.endpoint));
    let ambiguous = faults["http500_after"].as_u64().unwrap() + faults["drop_after"].as_u64().unwrap();
    let resent = counts.values().filter(|&&c| c > 1).count() as u64;
    assert!(resent <= ambiguous * 25, "{resent} items resent, but only {ambiguous} ambiguous requests");
}

/// A GET with the standard library (the proxy's fault counters).
fn reqwest_like_get(url: &str) -> Value {
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
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("always500");
    create_table(&client, &name, "id", None).await;
    let dir = scratch("always500");
    let proxy = FaultProxy::start(&endpoint, &json!({"http500": 1.0}), &dir);
    let items = varied_items(30);
    let file = dir.join("items.jsonl");
    write_jsonl(&file, &items);
    let rejects = dir.join("rejects.jsonl");
    let out = load_ddb(&[
        file.to_str().unwrap(),
        "--table",
        &name,
        "--endpoint-url",
        &proxy.endpoint,
        "--reject-file",
        rejects.to_str().unwrap(),
        "--summary",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(summary(&out)["rejected"], 30);
    let entries: Vec<Value> =
        std::fs::read_to_string(&rejects).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let seqs: HashSet<u64> = entries.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (0..30).collect(), "each item exactly once");
    assert!(entries.iter().all(|e| e["reason"].as_str().unwrap().contains("InternalServerError")));
    assert!(scan_plain(&client, &name).await.is_empty());
}

#[tokio::test]
async fn killed_mid_run_then_resumed_loses_nothing() {
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("killed");
    create_table(&client, &name, "id", None).await;
    let dir = scratch("killed");
    let proxy = FaultProxy::start(&endpoint, &json!({}), &dir);
    let items = varied_items(6000);
    let file = dir.join("items.jsonl");
    write_jsonl(&file, &items);
    let args = |extra: &[&str]| {
        let mut a: Vec<String> = vec![
            file.to_str().unwrap().into(),
            "--table".into(),
            name.clone(),
            "--endpoint-url".into(),
            proxy.endpoint.clone(),
            "--concurrency".into(),
            "2".into(),
            "--summary".into(),
            "json".into(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    set_local_aws_env();
    let mut child = Command::new(env!("CARGO_BIN_EXE_load-ddb"))
        .args(args(&["--rate", "1500"]))
        .env("CI", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Let it write part of the input, then kill it without warning.
    let checkpoint = dir.join("items.jsonl.load-ddb-checkpoint");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !checkpoint.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(700));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before = scan_plain(&client, &name).await.len();
    assert!(before > 0 && before < 6000, "killed part way: {before} items in the table");
    assert!(checkpoint.exists(), "the checkpoint survives the kill");

    let refused = load_ddb(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(refused.status.code(), Some(2), "an unfinished checkpoint needs --resume");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--resume"));

    let out = load_ddb(&args(&["--resume"]).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let s = summary(&out);
    assert!(s["skipped"].as_u64().unwrap() > 0, "{s}");
    assert_eq!(s["skipped"].as_u64().unwrap() + s["written"].as_u64().unwrap(), 6000, "{s}");
    assert_same_items(&scan_plain(&client, &name).await, &sorted(items));
    assert!(!checkpoint.exists());
    // Only the batches in flight at the kill can have been sent twice: at
    // most two requests of 25 items.
    let resent = proxy.forwarded().values().filter(|&&c| c > 1).count();
    assert!(resent <= 50, "{resent} items were sent twice");
}

#[tokio::test]
async fn ctrl_c_stops_cleanly_and_the_load_resumes() {
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("sigint");
    create_table(&client, &name, "id", None).await;
    let dir = scratch("sigint");
    let items = varied_items(4000);
    let file = dir.join("items.jsonl");
    write_jsonl(&file, &items);
    set_local_aws_env();
    let child = Command::new(env!("CARGO_BIN_EXE_load-ddb"))
        .args([
            file.to_str().unwrap(),
            "--table",
            &name,
            "--endpoint-url",
            &endpoint,
            "--rate",
            "1000",
            "--summary",
            "json",
        ])
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
    assert_eq!(scan_plain(&client, &name).await.len() as u64, written, "the summary counts what is in the table");
    let out = load_ddb(&[
        file.to_str().unwrap(),
        "--table",
        &name,
        "--endpoint-url",
        &endpoint,
        "--resume",
        "--summary",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(summary(&out)["skipped"].as_u64(), Some(written));
    assert_same_items(&scan_plain(&client, &name).await, &sorted(items));
}

#[tokio::test]
async fn dry_run_checks_and_writes_nothing() {
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("dry");
    create_table(&client, &name, "id", None).await;
    let dir = scratch("dry");
    let mut items = varied_items(100);
    items.push(json!({"nokey": true}));
    let file = dir.join("items.json");
    std::fs::write(&file, serde_json::to_string(&items).unwrap()).unwrap();
    let out = load_ddb(&[
        file.to_str().unwrap(),
        "--table",
        &name,
        "--endpoint-url",
        &endpoint,
        "--dry-run",
        "--summary",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "one item would be rejected");
    let s = summary(&out);
    assert_eq!((s["read"].as_u64(), s["rejected"].as_u64(), s["written"].as_u64()), (Some(101), Some(1), Some(0)));
    assert_eq!(s["requests"], 0);
    assert!(scan_plain(&client, &name).await.is_empty());
}

#[tokio::test]
async fn the_rate_cap_holds() {
    let endpoint = endpoint();
    let client = client(&endpoint).await;
    let name = table("rate");
    create_table(&client, &name, "id", None).await;
    let dir = scratch("rate");
    let file = dir.join("items.jsonl");
    write_jsonl(&file, &varied_items(450));
    let started = Instant::now();
    let out = load_ddb(&[
        file.to_str().unwrap(),
        "--table",
        &name,
        "--endpoint-url",
        &endpoint,
        "--rate",
        "150",
        "--summary",
        "json",
    ]);
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
