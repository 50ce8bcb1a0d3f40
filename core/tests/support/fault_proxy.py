"""A fault-injecting HTTP proxy for DynamoDB-compatible servers, for the
loader's fault tests.

    python fault_proxy.py --port PORT --upstream http://127.0.0.1:MOTO \
        --plan '{"throttle": 0.2, "unprocessed": 0.2, ...}' --log forwarded.jsonl

For each BatchWriteItem it rolls a die (seeded, so runs repeat) and either
forwards it, or answers with a fault:
  throttle       400 ProvisionedThroughputExceededException, nothing written
  unprocessed    forwards half the items, returns the rest as UnprocessedItems
  http500        500 InternalServerError, nothing written
  http500_after  forwards, then answers 500 (written, but the client can't know)
  drop           closes the connection without an answer, nothing written
  drop_after     forwards, then closes the connection without an answer
Every item forwarded is logged as one JSON line {"key": ..., "seq": n}, so a
test can count how often the loader sent each item. Other calls pass through.
"""
import argparse
import http.client
import json
import random
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

FAULTS = ["throttle", "unprocessed", "http500", "http500_after", "drop", "drop_after"]


class State:
    def __init__(self, upstream, plan, log_path):
        self.upstream = urlparse(upstream)
        self.plan = {k: float(plan.get(k, 0)) for k in FAULTS}
        self.rng = random.Random(plan.get("seed", 1))
        self.lock = threading.Lock()
        self.log = open(log_path, "a", buffering=1) if log_path else None
        self.counts = {k: 0 for k in FAULTS + ["forwarded"]}
        self.key_attrs = plan.get("key_attributes", ["id"])

    def pick(self):
        with self.lock:
            roll = self.rng.random()
            for fault in FAULTS:
                p = self.plan[fault]
                if roll < p:
                    self.counts[fault] += 1
                    return fault
                roll -= p
            return None

    def record(self, items):
        if not self.log:
            return
        with self.lock:
            self.counts["forwarded"] += 1
            for item in items:
                key = {a: item.get(a) for a in self.key_attrs}
                self.log.write(json.dumps({"key": key}) + "\n")


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def forward(self, body):
            conn = http.client.HTTPConnection(state.upstream.hostname, state.upstream.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            headers["Content-Length"] = str(len(body))
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            out = (resp.status, resp.getheaders(), data)
            conn.close()
            return out

        def reply(self, status, data, content_type="application/x-amz-json-1.0"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def drop(self):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            target = self.headers.get("X-Amz-Target", "")
            if not target.endswith("BatchWriteItem"):
                status, headers, data = self.forward(body)
                return self.reply(status, data)
            request = json.loads(body)
            fault = state.pick()
            if fault == "throttle":
                err = {"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                       "message": "injected throttling"}
                return self.reply(400, json.dumps(err).encode())
            if fault == "http500":
                err = {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": "injected 500"}
                return self.reply(500, json.dumps(err).encode())
            if fault == "drop":
                return self.drop()
            unprocessed = {}
            if fault == "unprocessed":
                sent = {}
                for table, reqs in request["RequestItems"].items():
                    half = max(1, len(reqs) // 2) if len(reqs) > 1 else 0
                    sent[table] = reqs[:half]
                    if reqs[half:]:
                        unprocessed[table] = reqs[half:]
                request = {"RequestItems": {t: r for t, r in sent.items() if r}}
            items = [r["PutRequest"]["Item"] for reqs in request.get("RequestItems", {}).values() for r in reqs]
            if items:
                state.record(items)
                status, headers, data = self.forward(json.dumps(request).encode())
            else:
                status, data = 200, b'{"UnprocessedItems": {}}'
            if fault == "http500_after":
                err = {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": "injected 500 after write"}
                return self.reply(500, json.dumps(err).encode())
            if fault == "drop_after":
                return self.drop()
            if unprocessed and status == 200:
                answer = json.loads(data)
                answer.setdefault("UnprocessedItems", {})
                for table, reqs in unprocessed.items():
                    answer["UnprocessedItems"].setdefault(table, []).extend(reqs)
                data = json.dumps(answer).encode()
            return self.reply(status, data)

        def do_GET(self):
            if self.path == "/__faults":
                return self.reply(200, json.dumps(state.counts).encode(), "application/json")
            self.reply(404, b"{}")

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--plan", default="{}")
    ap.add_argument("--log")
    args = ap.parse_args()
    state = State(args.upstream, json.loads(args.plan), args.log)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state))
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
