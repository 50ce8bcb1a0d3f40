"""load-ddb against boto3, on the same data and the same local server, in one run.

    .venv/bin/python bench/load.py [--items 20000] [--memory-gb 1.0]

Starts moto's DynamoDB-compatible server on 127.0.0.1 and, for the same
items into a fresh table each time, measures:
  ceiling          the server itself: threads posting ready-made BatchWriteItem
                   bodies as fast as it answers (no client library at all)
  boto3 writer     Table.batch_writer(), one thread (what seed 004's script does)
  boto3 threads    Table.batch_writer() in 8 threads over slices of the items
  load-ddb         the release binary, --concurrency 8 and 16
Then the memory check: load-ddb's peak RSS while loading a JSON Lines file of
--memory-gb into a server that accepts and discards writes (moto keeps every
item in memory and takes minutes per GB, so it cannot serve this part).
Prints items/s and ratios; numbers go in bench/RESULTS.md.
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
# The clone's own target/ unless scripts/target-dir.sh says otherwise (it explains why).
TARGET = Path(subprocess.run(["bash", str(ROOT / "scripts/target-dir.sh")], check=True, capture_output=True,
                             text=True).stdout.strip())
LOAD_DDB = TARGET / "release" / "load-ddb"
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                  AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true", CI="true")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port):
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def items(n):
    return [{"id": f"item-{i:08d}", "n": i, "price": f"{i}.25", "tags": ["a", "b", str(i % 10)],
             "profile": {"name": f"name {i}", "active": i % 2 == 0}} for i in range(n)]


def fresh_table(ddb, name):
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    return name


def count(ddb, name):
    n, start = 0, None
    while True:
        kw = {"TableName": name, "Select": "COUNT"}
        if start:
            kw["ExclusiveStartKey"] = start
        out = ddb.scan(**kw)
        n += out["Count"]
        start = out.get("LastEvaluatedKey")
        if not start:
            return n


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def ceiling(endpoint_port, table, data, threads=16):
    """Posts pre-serialized BatchWriteItem bodies from several threads."""
    from boto3.dynamodb.types import TypeSerializer
    ser = TypeSerializer()
    bodies = []
    for i in range(0, len(data), 25):
        reqs = [{"PutRequest": {"Item": {k: ser.serialize(v) for k, v in item.items()}}} for item in data[i:i + 25]]
        bodies.append(json.dumps({"RequestItems": {table: reqs}}).encode())
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.BatchWriteItem",
               "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"}
    chunks = [bodies[i::threads] for i in range(threads)]

    def run(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", endpoint_port)
        for body in chunk:
            conn.request("POST", "/", body=body, headers=headers)
            resp = conn.getresponse()
            out = json.loads(resp.read())
            assert resp.status == 200 and not out.get("UnprocessedItems"), out
        conn.close()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return timed(lambda: list(pool.map(run, chunks)))


def boto3_writer(endpoint, table, data):
    t = boto3.resource("dynamodb", endpoint_url=endpoint).Table(table)

    def run():
        with t.batch_writer() as w:
            for item in data:
                w.put_item(Item=json.loads(json.dumps(item)))
    return timed(run)


def boto3_threads(endpoint, table, data, threads=8):
    def part(chunk):
        t = boto3.resource("dynamodb", endpoint_url=endpoint).Table(table)
        with t.batch_writer() as w:
            for item in chunk:
                w.put_item(Item=item)
    chunks = [data[i::threads] for i in range(threads)]
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return timed(lambda: list(pool.map(part, chunks)))


def load_ddb(endpoint, table, path, concurrency):
    def run():
        out = subprocess.run([str(LOAD_DDB), str(path), "--table", table, "--endpoint-url", endpoint,
                              "--concurrency", str(concurrency), "--summary", "json"], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
    return timed(run)


class Sink(BaseHTTPRequestHandler):
    """Accepts every write and keeps nothing, so that a gigabyte loads in
    seconds: only the loader's memory is under test here."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target", "")
        if target.endswith("DescribeTable"):
            body = {"Table": {"TableName": "sink", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                              "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}}
        else:
            body = {"UnprocessedItems": {}}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def memory_check(gb, workdir):
    path = Path(workdir) / "big.jsonl"
    line_items = 0
    with open(path, "w") as f:
        target = int(gb * 1024 ** 3)
        written = 0
        pad = "x" * 800
        while written < target:
            line = json.dumps({"id": f"big-{line_items:09d}", "n": line_items, "pad": pad}) + "\n"
            f.write(line)
            written += len(line)
            line_items += 1
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    t = time.perf_counter()
    out_path = Path(workdir) / "summary.json"
    with open(out_path, "w") as out_file:
        proc = subprocess.Popen([str(LOAD_DDB), str(path), "--table", "sink", "--endpoint-url", f"http://127.0.0.1:{port}",
                                 "--concurrency", "16", "--summary", "json"], stdout=out_file, stderr=subprocess.DEVNULL)
        # wait4 reports the resources of this child alone (not moto, not cargo).
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    peak_kb = usage.ru_maxrss
    server.shutdown()
    assert os.waitstatus_to_exitcode(status) == 0, out_path.read_text()
    summary = json.loads(out_path.read_text().strip().splitlines()[-1])
    assert summary["written"] == line_items, summary
    path.unlink()
    return line_items, elapsed, peak_kb / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=20000)
    ap.add_argument("--memory-gb", type=float, default=1.0)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "stepforge", "--bin", "load-ddb"], cwd=ROOT, check=True,
                   env={**os.environ, "CARGO_TARGET_DIR": str(TARGET)})
    port = free_port()
    moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        endpoint = f"http://127.0.0.1:{port}"
        ddb = boto3.client("dynamodb", endpoint_url=endpoint)
        data = items(args.items)
        work = tempfile.mkdtemp()
        path = Path(work) / "items.jsonl"
        path.write_text("".join(json.dumps(i) + "\n" for i in data))
        runs = [
            ("server ceiling (16 raw HTTP threads)", lambda t: ceiling(port, t, data)),
            ("boto3 batch_writer, 1 thread", lambda t: boto3_writer(endpoint, t, data)),
            ("boto3 batch_writer, 8 threads", lambda t: boto3_threads(endpoint, t, data)),
            ("load-ddb --concurrency 8", lambda t: load_ddb(endpoint, t, path, 8)),
            ("load-ddb --concurrency 16", lambda t: load_ddb(endpoint, t, path, 16)),
        ]
        results = {}
        for i, (label, fn) in enumerate(runs):
            table = fresh_table(ddb, f"bench-{i}")
            seconds = fn(table)
            n = count(ddb, table)
            assert n == len(data), f"{label}: {n} items in the table"
            results[label] = len(data) / seconds
            print(f"{label:40s} {seconds:7.2f} s  {results[label]:9.0f} items/s", flush=True)
        base = results["boto3 batch_writer, 1 thread"]
        best = max(results["load-ddb --concurrency 8"], results["load-ddb --concurrency 16"])
        print(f"\nload-ddb / boto3 batch_writer: {best / base:.1f}x")
        print(f"load-ddb / boto3 8 threads:    {best / results['boto3 batch_writer, 8 threads']:.1f}x")
        print(f"load-ddb / server ceiling:     {best / results['server ceiling (16 raw HTTP threads)']:.0%}")
    finally:
        moto.terminate()
        moto.wait()
    if args.memory_gb > 0:
        n, seconds, peak_mb = memory_check(args.memory_gb, tempfile.mkdtemp())
        print(f"\nmemory: {args.memory_gb} GB of JSON Lines ({n} items) into a discarding server in {seconds:.1f} s "
              f"({n / seconds:.0f} items/s); load-ddb peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
