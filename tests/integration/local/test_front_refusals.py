"""What the front refuses itself (framing, URL and header limits, methods) comes back like the
API's own errors: a 4xx with {"error": {"code", "message"}}, never a 500, HTML or a silent close."""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.local.clients import client
from infra.local.framing import FrontLimits
from infra.local.front import Front
from infra.local.renditions import RenditionStore
from infra.local.sources import load_app
from tests.integration.local.conftest import SAMPLE_APP

MAX_LINE = 512
MAX_BODY = 1000
LONG = "q" * 5000  # what a client sends that an error message must not echo back


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    # renditions are never fetched here: the S3 client points at nothing
    renditions = RenditionStore(client("s3", "http://127.0.0.1:9"), "none")
    front = Front(0, load_app(SAMPLE_APP), renditions, Path(tmp_path_factory.mktemp("web")),
                  limits=FrontLimits(max_request_line=MAX_LINE, max_body_bytes=MAX_BODY))
    front.start()
    try:
        host, port = front.url.removeprefix("http://").rstrip("/").rsplit(":", 1)
        yield host, int(port)
    finally:
        front.stop()


def exchange(address: tuple[str, int], request: bytes, close_input: bool = False) -> bytes:
    """Send raw bytes (`Host: 127.0.0.1` gains the front's port); read what comes back until
    the front closes the connection."""
    request = request.replace(b"Host: 127.0.0.1\r\n", f"Host: 127.0.0.1:{address[1]}\r\n".encode())
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(request)
        if close_input:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split(" ")[1]), {k.lower(): v for k, v in headers.items()}, body


def assert_refused(raw: bytes, status: int, code: str) -> dict[str, str]:
    assert raw, "the front closed the connection without an answer"
    got, headers, body = parse(raw)
    assert (got, headers["content-type"]) == (status, "application/json"), raw[:300]
    error = json.loads(body)["error"]
    assert error["code"] == code and error["message"]
    assert len(error["message"]) <= 100 and LONG[:60] not in error["message"]
    assert int(headers["content-length"]) == len(body)
    return headers


def post(headers: str, body: bytes = b"") -> bytes:
    return f"POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode() + body


@pytest.mark.parametrize(("request_bytes", "status", "code"), [
    (post(f"Content-Length: {LONG}\r\n"), 400, "invalid_content_length"),
    (post("Content-Length: -1\r\n"), 400, "invalid_content_length"),
    (post("Content-Length: 0x10\r\n"), 400, "invalid_content_length"),
    (post("Content-Length: \u00b2\r\n"), 400, "invalid_content_length"),
    (post("Content-Length: 1\r\nContent-Length: 2\r\n", b"ab"), 400, "invalid_content_length"),
    (post("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", b"ab"), 400, "invalid_framing"),
    (post(f"Content-Length: {MAX_BODY + 1}\r\n"), 413, "payload_too_large"),
    (post(""), 411, "length_required"),
    (post("Transfer-Encoding: gzip\r\n"), 400, "unsupported_transfer_encoding"),
    (post("Transfer-Encoding: chunked\r\n", f"{LONG}\r\n".encode()), 400, "invalid_chunked_body"),
    (post("Transfer-Encoding: chunked\r\n", b"zz\r\nab\r\n0\r\n\r\n"), 400,
     "invalid_chunked_body"),
    (post("Transfer-Encoding: chunked\r\n", b"2\r\nabcd\r\n0\r\n\r\n"), 400,
     "invalid_chunked_body"),
    (post("Transfer-Encoding: chunked\r\n", b"200\r\n" + b"a" * 512 + b"\r\n" +
          b"200\r\n" + b"a" * 512 + b"\r\n0\r\n\r\n"), 413, "payload_too_large"),
    (f"GET /api/health?x={LONG} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode(), 414,
     "uri_too_long"),
    (f"GET /api/{'x' * 70000} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode(), 414, "uri_too_long"),
    (b"GET /api/health HTTP/1.1\r\n" + b"X-A: 1\r\n" * 101 + b"\r\n", 431,
     "header_fields_too_large"),
    (b"GET /api/health HTTP/1.1\r\nX-A: " + b"a" * 70000 + b"\r\n\r\n", 431,
     "header_fields_too_large"),
    (f"GET /api/health HTTP/{LONG[:200]}\r\n\r\n".encode(), 400, "bad_request"),
    (b"GET /api/health HTTP/2.0\r\n\r\n", 400, "unsupported_http_version"),
    (b"GET /api/health\r\n\r\n", 400, "unsupported_http_version"),
    (f"GET /api/health {LONG[:100]} HTTP/1.1\r\n\r\n".encode(), 400, "bad_request"),
], ids=["cl-long", "cl-negative", "cl-hex", "cl-superscript", "cl-twice", "cl-and-te",
        "cl-too-large", "no-length", "te-gzip", "chunk-line-long", "chunk-size-not-hex",
        "chunk-longer-than-size", "chunked-too-large", "url-over-limit", "url-over-64k",
        "too-many-headers", "header-line-64k", "bad-version", "http2", "http09",
        "extra-words"])
def test_given_a_request_the_front_refuses_then_a_json_4xx_not_a_500_or_html(
    address: tuple[str, int], request_bytes: bytes, status: int, code: str,
) -> None:
    headers = assert_refused(exchange(address, request_bytes), status, code)
    # the stream can no longer be trusted: the front says it closes
    assert headers["connection"] == "close"


def test_given_a_body_cut_short_when_the_client_stops_sending_then_400(
    address: tuple[str, int],
) -> None:
    assert_refused(exchange(address, post("Content-Length: 10\r\n", b"abc"), close_input=True),
                   400, "incomplete_body")
    chunked = post("Transfer-Encoding: chunked\r\n", b"a\r\nabc")
    assert_refused(exchange(address, chunked, close_input=True), 400, "incomplete_body")


@pytest.mark.parametrize("method", ["BREW", "TRACE", "CONNECT", "get", LONG[:300]])
def test_given_an_unknown_method_then_405_with_allow_not_501(
    address: tuple[str, int], method: str,
) -> None:
    raw = exchange(address, f"{method} /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    headers = assert_refused(raw, 405, "method_not_allowed")
    assert headers["allow"] == "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"


def test_given_any_answer_then_the_server_header_does_not_name_python(
    address: tuple[str, int],
) -> None:
    for request in (b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                    b"BREW / HTTP/1.1\r\n\r\n"):
        _, headers, _ = parse(exchange(address, request))
        assert headers["server"] == "stock-images-local"


def test_given_head_health_then_the_get_answer_without_its_body(address: tuple[str, int]) -> None:
    request = "{} /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    got, got_headers, got_body = parse(exchange(address, request.format("GET").encode()))
    head, head_headers, head_body = parse(exchange(address, request.format("HEAD").encode()))
    assert (got, json.loads(got_body)) == (200, {"status": "ok"})
    assert (head, head_body) == (200, b"")
    assert head_headers["content-length"] == got_headers["content-length"] == str(len(got_body))
    assert head_headers["content-type"] == got_headers["content-type"]


def responses(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Each answer on one connection, split by its Content-Length."""
    answers = []
    while raw:
        status, headers, rest = parse(raw)
        length = int(headers["content-length"])
        answers.append((status, headers, rest[:length]))
        raw = rest[length:]
    return answers


def test_given_chunks_with_trailers_then_the_app_gets_the_whole_body_and_the_connection_lives(
    address: tuple[str, int],
) -> None:
    binary = "Content-Type: application/octet-stream\r\n"
    chunked = post(f"{binary}Transfer-Encoding: chunked\r\n",
                   b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 1\r\n\r\n")
    # a second request on the same connection: the first was read to its exact end
    then = post(f"{binary}Content-Length: 2\r\nConnection: close\r\n", b"fg")
    answers = responses(exchange(address, chunked + then))
    assert [status for status, _, _ in answers] == [200, 200]
    sums = [json.loads(body)["sha256"] for _, _, body in answers]
    assert sums == [hashlib.sha256(b"abcde").hexdigest(), hashlib.sha256(b"fg").hexdigest()]


def test_given_a_get_with_a_body_on_a_kept_connection_then_the_body_is_not_a_next_request(
    address: tuple[str, int],
) -> None:
    smuggled = b"BREW /api/health HTTP/1.1\r\n\r\n"
    # a static path reads no body of its own: the front must still consume it
    first = (f"GET /none.css HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(smuggled)}"
             "\r\n\r\n").encode() + smuggled
    second = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    answers = responses(exchange(address, first + second))
    assert [status for status, _, _ in answers] == [404, 200]


def test_given_no_settings_then_api_gateway_limits_and_env_overrides() -> None:
    assert FrontLimits.from_env({}) == FrontLimits(8192, 10 * 1024 * 1024)
    custom = {"LOCAL_FRONT_MAX_REQUEST_LINE": "100", "LOCAL_FRONT_MAX_BODY_BYTES": "7"}
    assert FrontLimits.from_env(custom) == FrontLimits(100, 7)
    with pytest.raises(ValueError, match="LOCAL_FRONT_MAX_BODY_BYTES"):
        FrontLimits.from_env({"LOCAL_FRONT_MAX_BODY_BYTES": "0"})


def test_given_a_large_body_over_the_limit_when_posted_then_the_client_reads_the_413(
    address: tuple[str, int],
) -> None:
    # GIVEN a client that sends all of a 16 MB body before it reads (as requests does)
    body = b"x" * (16 * 1024 * 1024)
    request = post(f"Content-Length: {len(body)}\r\n", body)
    # THEN the front reads what it refused, and the answer is not lost to a reset
    assert_refused(exchange(address, request), 413, "payload_too_large")


def test_given_expect_continue_with_a_body_over_the_limit_then_413_and_no_100_continue(
    address: tuple[str, int],
) -> None:
    # GIVEN a client that waits for 100 Continue before it sends its body
    request = post(f"Expect: 100-continue\r\nContent-Length: {MAX_BODY + 1}\r\n")
    raw = exchange(address, request)
    # THEN it is told at once that the body is too large, and never invited to send it
    assert not raw.startswith(b"HTTP/1.1 100")
    assert_refused(raw, 413, "payload_too_large")
