//! Test support: a real DynamoDB-compatible server (moto) on 127.0.0.1, a
//! fault-injecting proxy in front of it, and helpers to read tables back.
//!
//! The server is `STEPFORGE_DYNAMODB_ENDPOINT` when set (scripts/test.sh
//! starts one for all suites); otherwise one is started on a free port for
//! this test binary and stopped when it exits. Python with `moto[server]`
//! comes from `STEPFORGE_PYTHON`, else the repository's `.venv`.

#![allow(dead_code)] // each test file uses a different part

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType};
use serde_json::Value;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("core/ has a parent").to_path_buf()
}

/// The Python that has moto installed.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("STEPFORGE_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = root().join(".venv/bin/python");
    assert!(
        venv.exists(),
        "the loader tests need Python with moto[server]: run scripts/test.sh (it makes .venv), or set STEPFORGE_PYTHON"
    );
    venv
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Waits until something listens on `port`.
pub fn wait_for_port(port: u16, child: &mut Child, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening: {status}");
        }
        assert!(Instant::now() < deadline, "{what} did not listen on port {port} within 30 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

static MOTO_PID: AtomicI32 = AtomicI32::new(0);

extern "C" fn stop_moto() {
    let pid = MOTO_PID.load(Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: sending a signal to a child process this binary started.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
}

/// The DynamoDB endpoint for tests.
pub fn endpoint() -> String {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT
        .get_or_init(|| {
            if let Ok(e) = std::env::var("STEPFORGE_DYNAMODB_ENDPOINT") {
                return e;
            }
            let port = free_port();
            let mut child = Command::new(python())
                .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start moto's server (pip install \"moto[server]\")");
            MOTO_PID.store(child.id() as i32, Ordering::SeqCst);
            // SAFETY: registering a plain extern "C" function to run at exit.
            unsafe {
                libc::atexit(stop_moto);
            }
            wait_for_port(port, &mut child, "moto_server");
            std::mem::forget(child); // stopped by `stop_moto` at exit
            format!("http://127.0.0.1:{port}")
        })
        .clone()
}

/// Credentials and region for the local server, for both the SDK in this
/// process and the `load-ddb` processes the tests start.
pub fn set_local_aws_env() {
    // SAFETY: set once, before any thread of the test reads them; the values
    // are the same for every test.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
        std::env::set_var("AWS_REGION", "us-east-1");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    }
}

/// A client for `endpoint`.
pub async fn client(endpoint: &str) -> Client {
    set_local_aws_env();
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).endpoint_url(endpoint).load().await;
    Client::new(&config)
}

/// A fresh table with a string partition key (and optional sort key).
pub async fn create_table(client: &Client, name: &str, key: &str, sort: Option<(&str, ScalarAttributeType)>) {
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(KeySchemaElement::builder().attribute_name(key).key_type(KeyType::Hash).build().unwrap())
        .attribute_definitions(
            AttributeDefinition::builder().attribute_name(key).attribute_type(ScalarAttributeType::S).build().unwrap(),
        );
    if let Some((sort, ty)) = sort {
        req = req
            .key_schema(KeySchemaElement::builder().attribute_name(sort).key_type(KeyType::Range).build().unwrap())
            .attribute_definitions(
                AttributeDefinition::builder().attribute_name(sort).attribute_type(ty).build().unwrap(),
            );
    }
    req.send().await.expect("create the table");
}

/// A value with every object's keys in sorted order, so that two items
/// compare (and sort) the same whatever order their attributes came in.
pub fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|k| (k.clone(), canonical(&m[k]))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Canonical items, sorted by their JSON text.
pub fn sorted(items: Vec<Value>) -> Vec<Value> {
    let mut items: Vec<Value> = items.iter().map(canonical).collect();
    items.sort_by_key(|v| v.to_string());
    items
}

/// Asserts two item lists are equal, reporting only the first difference.
#[track_caller]
pub fn assert_same_items(got: &[Value], want: &[Value]) {
    if got.len() != want.len() {
        panic!("{} items, expected {}", got.len(), want.len());
    }
    if let Some(i) = (0..got.len()).find(|&i| got[i] != want[i]) {
        panic!(
            "item {i} differs:
  got  {}
  want {}",
            got[i], want[i]
        );
    }
}

/// Every item of a table, as plain JSON, canonical and sorted.
pub async fn scan_plain(client: &Client, table: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let out = client.scan().table_name(table).set_exclusive_start_key(start).send().await.expect("scan");
        for item in out.items() {
            let item: stepforge::dynamo::Item = item
                .iter()
                .map(|(k, v)| (k.clone(), stepforge::dynamo::loader::sdk::from_sdk(v).expect("a known type")))
                .collect();
            items.push(stepforge::dynamo::attr::item_to_plain_json(&item));
        }
        match out.last_evaluated_key() {
            Some(k) if !k.is_empty() => start = Some(k.clone()),
            _ => break,
        }
    }
    sorted(items)
}

/// A running fault proxy in front of `upstream`; stopped when dropped.
pub struct FaultProxy {
    child: Child,
    /// Its endpoint.
    pub endpoint: String,
    /// The file where it logs every forwarded item.
    pub log: PathBuf,
}

impl FaultProxy {
    /// Starts one with a plan such as `{"throttle": 0.2, "seed": 3}`.
    pub fn start(upstream: &str, plan: &Value, dir: &Path) -> FaultProxy {
        let port = free_port();
        let log = dir.join(format!("forwarded-{port}.jsonl"));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fault_proxy.py");
        let mut child = Command::new(python())
            .arg(script)
            .args(["--port", &port.to_string(), "--upstream", upstream, "--plan", &plan.to_string()])
            .arg("--log")
            .arg(&log)
            .stdout(Stdio::null())
            .spawn()
            .expect("start the fault proxy");
        wait_for_port(port, &mut child, "the fault proxy");
        FaultProxy { child, endpoint: format!("http://127.0.0.1:{port}"), log }
    }

    /// How many times each key was forwarded to the server.
    pub fn forwarded(&self) -> std::collections::HashMap<String, usize> {
        let mut counts = std::collections::HashMap::new();
        if let Ok(text) = std::fs::read_to_string(&self.log) {
            for line in text.lines() {
                let v: Value = serde_json::from_str(line).expect("a log line");
                *counts.entry(v["key"].to_string()).or_default() += 1;
            }
        }
        counts
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stepforge-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Runs the `load-ddb` binary.
pub fn load_ddb(args: &[&str]) -> std::process::Output {
    set_local_aws_env();
    Command::new(env!("CARGO_BIN_EXE_load-ddb")).args(args).env("CI", "true").output().expect("run load-ddb")
}
