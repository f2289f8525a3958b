"""The service-time and page-weight benchmarks' pure parts, and the counting forwarder
against a small upstream of our own."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from bench import page_weight, service_times
from bench.request_tally import _items_of, forwarding, operation, s3_operation


def test_given_json_protocol_targets_then_the_service_and_action_are_named() -> None:
    assert operation("POST", "/", {"x-amz-target": "DynamoDB_20120810.Query"}) == "dynamodb:Query"
    assert operation("POST", "/", {"x-amz-target": "AmazonSQS.SendMessageBatch"}) == (
        "sqs:SendMessageBatch")
    assert operation("GET", "/b/k", {}) == "s3:GET"


@pytest.mark.parametrize(("method", "path", "headers", "expected"), [
    ("GET", "/bucket?list-type=2&prefix=a", {}, "LIST"),
    ("GET", "/bucket?versions&prefix=a", {}, "LIST"),
    ("GET", "/bucket/key?versionId=3", {}, "GET"),
    ("PUT", "/bucket/key", {"x-amz-copy-source": "/b/k"}, "COPY"),
    ("POST", "/bucket?delete", {}, "DELETE_MANY"),
    ("HEAD", "/bucket/key", {}, "HEAD"),
])
def test_given_s3_requests_then_each_is_its_operation(
    method: str, path: str, headers: dict[str, str], expected: str,
) -> None:
    assert s3_operation(method, path, headers) == expected


def test_given_batches_and_transactions_then_their_items_are_counted() -> None:
    put: dict[str, Any] = {"PutRequest": {}}
    batch = {"RequestItems": {"a": [put] * 3, "b": [put]}}
    assert _items_of("dynamodb:BatchWriteItem", json.dumps(batch).encode()) == 4
    transaction: dict[str, Any] = {"TransactItems": [{"Put": {}}, {"Update": {}}]}
    assert _items_of("dynamodb:TransactWriteItems", json.dumps(transaction).encode()) == 2
    assert _items_of("dynamodb:GetItem", b"{}") == 1


class _Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "12345")  # an object's size, with no body
        self.end_headers()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_given_requests_through_the_forwarder_then_answers_pass_and_counts_add_up(
    upstream: str,
) -> None:
    with forwarding(upstream) as tally:
        before = tally.snapshot()
        body = json.dumps({"TableName": "images", "Key": {}})
        echoed = requests.post(tally.url, data=body, timeout=5,
                               headers={"X-Amz-Target": "DynamoDB_20120810.GetItem"})
        head = requests.head(f"{tally.url}/bucket/key", timeout=5)
        counted = tally.since(before)
    assert echoed.text == body
    assert head.headers["Content-Length"] == "12345"  # a HEAD keeps the object's length
    assert counted == {"dynamodb:GetItem": 1, "dynamodb:GetItem@images": 1,
                       "dynamodb:GetItem@images#items": 1, "s3:HEAD": 1}


def test_given_a_container_report_then_cold_and_warm_medians() -> None:
    calls = [{"wall_s": 3.0, "cpu_s": 1.0}, {"wall_s": 1.0, "cpu_s": 0.5},
             {"wall_s": 2.0, "cpu_s": 0.7}, {"wall_s": 1.5, "cpu_s": 0.6}]
    result = service_times.timings({"init_s": 0.4, "invocations": calls})
    assert result == {"init_s": 0.4, "cold_wall_s": 3.0, "warm_wall_s": 1.5,
                      "warm_cpu_s": 0.6, "invocations": 4}


def test_given_a_failed_invocation_then_the_timings_refuse_to_report() -> None:
    with pytest.raises(RuntimeError, match="boom"):
        service_times.timings({"init_s": 0.1, "invocations": [{"error": "boom"}]})


def test_given_requests_then_per_invocation_divides_them() -> None:
    assert service_times.per_invocation({"b": 3, "a": 6}, 3) == {"a": 2.0, "b": 1.0}


@pytest.mark.parametrize(("url", "kind", "expected"), [
    ("http://h/api/images/1", "fetch", "api"),
    ("http://h/renditions/x/thumb.webp", "image", "image"),
    ("http://h/js/main.js", "script", "script"),
    ("http://h/favicon.ico", "other", "other"),
])
def test_given_a_response_then_its_kind(url: str, kind: str, expected: str) -> None:
    assert page_weight.kind_of(url, kind) == expected
