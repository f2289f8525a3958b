"""The fuzz runner's pieces without a stack: the verdict on an answer, redaction, reproducers
that send the same bytes again, and a round that shrinks a failure and records it once."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from infra.fuzz import report, runner
from infra.fuzz.contract import Operation, operations
from infra.fuzz.strategies import Context, FuzzRequest
from infra.fuzz.tokens import Forge
from infra.fuzz.verdict import Verdict, judge
from tests.support.tokens import access_token

OP = Operation("GET", "/me/images", (), (("per_page", {"type": "integer"}),), None,
               {"invalid_per_page": 400, "missing_token": 401, "too_many_pending": 429}, True)
SECRET = "eyJ.secret-token.sig"


def _error(code: str, **extra: object) -> bytes:
    return json.dumps({"error": {"code": code, "message": "m", **extra}}).encode()


@pytest.mark.parametrize(("status", "body", "front", "failure"), [
    (200, b"{}", False, None),
    (400, _error("invalid_per_page"), False, None),
    (429, _error("too_many_pending", retry_after=3), False, None),
    (414, _error("uri_too_long"), True, None),
    (414, _error("uri_too_long"), False, "code 'uri_too_long' is not listed for GET /me/images"),
    (500, _error("internal_error"), False, "status 500"),
    (503, b"", False, "status 503"),
    (302, b"", False, "status 302"),
    (400, b"<html>Bad</html>", False, "a 4xx whose body is not JSON"),
    (400, b'{"message": "x"}', False, 'a 4xx not shaped {"error": {...}}'),
    (400, _error("invalid_per_page", stack="x"), False,
     "a 4xx whose error is not exactly {code, message}"),
    (400, b'{"error": {"code": 1, "message": "m"}}', False,
     "a 4xx whose code or message is not a string"),
    (401, _error("invalid_per_page"), False,
     "code 'invalid_per_page' came with 401, listed with 400"),
])
def test_the_verdict_names_each_way_an_answer_breaks_the_contract(
    status: int, body: bytes, front: bool, failure: str | None
) -> None:
    assert judge(OP, status, body, front).failure == failure


def test_an_html_answer_passes_only_where_the_document_says_the_route_answers_html() -> None:
    page = Operation("GET", "/share/images/{image_id}", ("image_id",), (), None, {}, False,
                     frozenset({200, 404}))
    assert judge(page, 404, b"<!doctype html><p>no tags</p>").failure is None
    assert judge(page, 400, b"<!doctype html>").failure == "a 4xx whose body is not JSON"
    assert judge(OP, 404, b"<!doctype html>").failure == "a 4xx whose body is not JSON"


def _request(kind: str = "contributor", body: bytes | None = None,
             query: tuple[tuple[str, str], ...] = (("per_page", "%C2%B2"),)) -> FuzzRequest:
    headers = {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"}
    return FuzzRequest("PATCH", "/api/images/a%20b", query, headers, body, kind, OP.key)


def test_a_logged_request_carries_the_token_kind_never_the_token() -> None:
    line = report.dumps(report.record(_request("expired"), None, None))
    assert SECRET not in line and json.loads(line)["headers"]["Authorization"] == "<expired>"
    reproducer = report.failure_entry(_request("contributor"), None, "status 500", "http://x")
    assert SECRET not in json.dumps(reproducer)
    assert "make -s token USER=fuzz-alice GROUP=contributors" in reproducer["curl"]


ODD_BODY = b'{"t": "50% \\\\ it\'s \x00 \xff\xfe"}'


def test_the_curl_reproducer_pipes_exactly_the_body_bytes() -> None:
    command = report.curl(_request("garbage", ODD_BODY), "http://127.0.0.1:1")
    printf = command.split(" | curl ")[0]
    assert subprocess.run(["bash", "-c", printf], capture_output=True, check=True
                          ).stdout == ODD_BODY
    assert "'http://127.0.0.1:1/api/images/a%20b?per_page=%C2%B2'" in command


class _Recorder(BaseHTTPRequestHandler):
    """Answers `status` with an empty JSON error; keeps each request line and body."""

    status = 500
    seen: list[tuple[str, bytes]] = []

    def _answer(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        self.seen.append((self.requestline, self.rfile.read(size)))
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error": {"code": "internal_error", "message": "m"}}')

    do_GET = do_PATCH = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_python_reproducer_sends_the_same_target_and_body(server: str) -> None:
    snippet = report.python(_request("garbage", ODD_BODY), server)
    exec(compile(snippet, "reproducer", "exec"), {"print": lambda *a: None})
    assert _Recorder.seen == [("PATCH /api/images/a%20b?per_page=%C2%B2 HTTP/1.1", ODD_BODY)]


def _runner(server: str) -> runner.Runner:
    token = access_token("sub-a", "a")
    forge = Forge({"contributor": token, "other": token, "admin": token})
    return runner.Runner(server, Context(forge, ["img1"]), io.StringIO())


def _always_500(op: Operation, request: FuzzRequest) -> Verdict:
    return judge(op, 500, b"")


def test_a_failing_round_is_shrunk_and_recorded_once() -> None:
    # GIVEN an API that answers 500 to everything WHEN two rounds fuzz GET /health
    op = next(o for o in operations() if o.key == ("GET", "/health"))
    fuzz = _runner("http://never.test")
    fuzz.transport = _always_500
    fuzz.round(op)
    fuzz.round(op)
    # THEN one failure, shrunk to the simplest request, every request logged
    [failure] = fuzz.tally.failures
    assert failure["failure"] == "status 500"
    assert (failure["query"], failure["body"], failure["path"]) == ([], None, "/api/health")
    assert isinstance(fuzz.log, io.StringIO)
    assert fuzz.tally.requests == len(fuzz.log.getvalue().splitlines()) >= 2


def test_out_of_shrinking_time_the_first_failure_is_recorded(server: str) -> None:
    # GIVEN no time to shrink WHEN a round fuzzes PATCH over HTTP against a server failing all
    op = next(o for o in operations() if o.key == ("PATCH", "/images/{image_id}"))
    fuzz = _runner(server)
    fuzz.shrink_seconds = 0.0
    fuzz.round(op)
    # THEN only the first failure was sent, and it is the one reported
    [failure] = fuzz.tally.failures
    assert fuzz.tally.requests == 1 and failure["failure"] == "status 500"


def test_no_answer_is_a_failure() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    verdict = runner.exchange(runner.requests.Session(), f"http://127.0.0.1:{port}", OP,
                              _request("none"))
    assert verdict.failure == "no answer: ConnectionError"
