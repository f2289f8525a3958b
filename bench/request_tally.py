"""A counting forwarder in front of moto: every request the functions make, by service and
operation, so a benchmark can say how many S3, DynamoDB and SQS requests an upload costs.

Point a function's AWS_ENDPOINT_URL at `Tally.url`; it forwards each request unchanged to
moto and counts it. DynamoDB writes are also counted per table (the capacity that matters)."""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

DYNAMODB_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
DYNAMODB_READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "host"}


def operation(method: str, path: str, headers: dict[str, str]) -> str:
    """`service:Operation` of one request: JSON protocols name it in X-Amz-Target, query
    protocols in the body's Action (SQS, which boto3 now calls over JSON too), S3 by method."""
    target = headers.get("x-amz-target", "")
    if target:
        prefix, _, action = target.partition(".")
        service = "dynamodb" if prefix.startswith("DynamoDB_") else (
            "dynamodbstreams" if prefix.startswith("DynamoDBStreams") else
            "sqs" if prefix.startswith("AmazonSQS") else prefix)
        return f"{service}:{action}"
    return f"s3:{s3_operation(method, path, headers)}"


def s3_operation(method: str, path: str, headers: dict[str, str]) -> str:
    """S3's operation from the method, the query and the copy header."""
    query = urlsplit(path).query
    if method == "GET" and ("list-type" in query or "versions" in query or "prefix=" in query):
        return "LIST"
    if method == "PUT" and "x-amz-copy-source" in headers:
        return "COPY"
    if method == "POST" and "delete" in query:
        return "DELETE_MANY"
    return method


class Tally:
    """The forwarder's counts; `snapshot` and `since` give one step's share."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream_host, self.upstream_port = parts.hostname or "127.0.0.1", parts.port or 80
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.url = ""

    def add(self, key: str, count: int = 1) -> None:
        """Count one request (or `count` items)."""
        with self._lock:
            self.counts[key] += count

    def snapshot(self) -> Counter[str]:
        """The counts so far."""
        with self._lock:
            return Counter(self.counts)

    def since(self, before: Counter[str]) -> dict[str, int]:
        """What was counted after `before` was taken."""
        now = self.snapshot()
        return {key: now[key] - before.get(key, 0) for key in now if now[key] > before.get(key, 0)}


def _handler(tally: Tally) -> type[BaseHTTPRequestHandler]:
    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _forward(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(size) if size else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            key = operation(self.command, self.path, headers)
            tally.add(key)
            table = _table_of(key, body)
            if table:
                tally.add(f"{key}@{table}")
                tally.add(f"{key}@{table}#items", _items_of(key, body))
            upstream = http.client.HTTPConnection(tally.upstream_host, tally.upstream_port,
                                                  timeout=120)
            sent = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            upstream.request(self.command, self.path, body=body, headers=sent)
            answer = upstream.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            head = self.command == "HEAD"  # its Content-Length is the object's, not a body's
            for name, value in answer.getheaders():
                if name.lower() not in HOP_HEADERS and (head or name.lower() != "content-length"):
                    self.send_header(name, value)
            if not head:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            upstream.close()

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

    return Forward


def _table_of(key: str, body: bytes) -> str:
    """The table a DynamoDB write or read names (first table of a batch or transaction)."""
    if not key.startswith("dynamodb:"):
        return ""
    action = key.split(":", 1)[1]
    if action not in DYNAMODB_WRITES | DYNAMODB_READS:
        return ""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return ""
    if "TableName" in payload:
        return str(payload["TableName"])
    for item in payload.get("TransactItems", []):
        for request in item.values():
            return str(request.get("TableName", ""))
    for table in payload.get("RequestItems", {}):
        return str(table)
    return ""


def _items_of(key: str, body: bytes) -> int:
    """Items a DynamoDB request writes or asks for: one, or every item of a batch or a
    transaction (capacity is per item)."""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return 1
    if "TransactItems" in payload:
        return len(payload["TransactItems"])
    if "RequestItems" in payload:
        total = 0
        for entry in payload["RequestItems"].values():
            total += len(entry) if isinstance(entry, list) else len(entry.get("Keys", []))
        return total
    return 1


@contextmanager
def forwarding(upstream: str) -> Iterator[Tally]:
    """A counting forwarder to `upstream` on a free loopback port, for the block's length."""
    tally = Tally(upstream)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(tally))
    server.daemon_threads = True
    tally.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="request-tally", daemon=True)
    thread.start()
    try:
        yield tally
    finally:
        server.shutdown()
        server.server_close()
