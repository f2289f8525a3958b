"""One HTTP origin: /api/* -> the Chalice app, /renditions/* -> S3, the rest -> the web UI.

Local routes (config.json, the Cognito hook) come first; until the stack says it is ready,
/api/health answers 503 so nothing mistakes a stack still seeding for a usable one.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import os
import socket
import sys
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from chalice import Chalice

from infra.local.framing import FrontLimits, Refused, body_length, excerpt, read_body
from infra.local.gateway import ApiGateway, Reply
from infra.local.origins import LOOPBACK, advertised_host, host_allowed, host_names
from infra.local.renditions import RenditionStore
from infra.local.sharing import shared_page

log = logging.getLogger(__name__)

_DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)
_SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff"}
HEALTH_PATH = "/api/health"
_JSON = {"Content-Type": "application/json"}
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# After answering a request it refuses, the front reads what the client still sends, briefly,
# before closing: closing with unread input makes the kernel send a reset that can destroy
# the answer before the client reads it.
_LINGER_SECONDS = 1.0
_LINGER_BYTES = 64 * 1024 * 1024  # a body refused with 413 is read to its end
# What Python's http.server refuses (send_error), as (status, code): the stdlib's 501 for a
# method it has no do_* for becomes 405 with Allow (the resource exists, the method is not
# one of ours: a client error), and HTTP/2+ on a text request line is a malformed request.
_STDLIB_REFUSALS = {
    400: (400, "bad_request"),
    414: (414, "uri_too_long"),
    431: (431, "header_fields_too_large"),
    501: (405, "method_not_allowed"),
    505: (400, "unsupported_http_version"),
}

# (method, headers, body) -> (status, headers, body), for paths served by the stack itself.
LocalRoute = Callable[[str, Mapping[str, str], bytes | None], Reply]


def error_body(code: str, message: str) -> bytes:
    """The service's JSON error shape."""
    return json.dumps({"error": {"code": code, "message": message}}).encode("utf-8")


def misdirected(path: str) -> Reply:
    """421 for a Host that is not ours (a DNS-rebinding page): JSON under /api, text elsewhere."""
    message = "This server answers only for its own host name."
    if path == "/api" or path.startswith("/api/"):
        return 421, {"Content-Type": "application/json"}, error_body("misdirected", message)
    return 421, {"Content-Type": "text/plain; charset=utf-8"}, message.encode("utf-8")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # socketserver listens with a backlog of 5: with dozens of clients connecting at once the
    # kernel drops SYNs and each dropped client waits a second to retry (`make load`'s p99).
    request_queue_size = 128

    def shutdown_request(self, request: Any) -> None:
        """Close after a lingering read, so a client still sending gets our answer."""
        try:
            request.shutdown(socket.SHUT_WR)
            _drain(request)
        except OSError:
            pass
        self.close_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser closing its connection early is normal: say nothing."""
        if not isinstance(sys.exc_info()[1], _DISCONNECTS):
            log.exception("error while serving %s", client_address)


def _drain(sock: socket.socket) -> None:
    sock.settimeout(_LINGER_SECONDS)
    left = _LINGER_BYTES
    while left > 0:
        data = sock.recv(min(left, 65536))
        if not data:
            return
        left -= len(data)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "stock-images-local"
    sys_version = ""  # the Server header does not announce the Python version
    error_content_type = "application/json"
    # Headers and body go out in two writes: without this, a keep-alive client's delayed
    # ACK holds the body back ~40 ms (measured by bench/search.py).
    disable_nagle_algorithm = True
    api: ApiGateway
    renditions: RenditionStore
    web_root: Path
    routes: Mapping[str, LocalRoute]
    ready: threading.Event
    page_policy: str
    hosts: frozenset[str]
    limits: FrontLimits
    raw_requestline: bytes
    _replied = False

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def version_string(self) -> str:
        return self.server_version

    def parse_request(self) -> bool:
        if len(self.raw_requestline) > self.limits.max_request_line:
            self.command, self.request_version, self.requestline = "", "", ""
            self.send_error(414)
            return False
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":  # no status line, no headers: nothing to answer
            self.send_error(505, "HTTP/0.9 is not supported")
            return False
        return True

    def handle_expect_100(self) -> bool:
        """Refuse a body we would not take before the client sends it, not after."""
        try:
            body_length(self.command, self.headers, self.limits)
        except Refused as refused:
            self._refuse(refused)
            return False
        return bool(super().handle_expect_100())

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """What http.server refuses, in the API's JSON error shape (never its HTML page)."""
        status, error_code = _STDLIB_REFUSALS.get(code, (code, "bad_request"))
        if self.request_version == "HTTP/0.9":  # http.server would send the body alone
            self.request_version = self.protocol_version
        reason = message or self.responses.get(code, ("refused",))[0]
        self._refuse(Refused(status, error_code, excerpt(reason, 80)))

    def _refuse(self, refused: Refused) -> None:
        log.debug("refused %s: %s", refused.status, refused.message)
        self.close_connection = True
        headers = {"Content-Type": "application/json", "Connection": "close"}
        if refused.status == 405:
            headers["Allow"] = ", ".join(ALLOWED_METHODS)
        self._reply(refused.status, headers, error_body(refused.code, refused.message))

    def _dispatch(self) -> None:
        self._replied = False
        path = self.path.split("?", 1)[0]
        try:
            body = read_body(self.command, self.headers, self.rfile, self.limits)
            if not host_allowed(self.headers.get("Host"), self.hosts):
                self._reply(*misdirected(path))
            elif path in self.routes:
                route = self.routes[path]
                self._reply(*route(self.command, dict(self.headers.items()), body))
            elif path == HEALTH_PATH and not self.ready.is_set():
                self._reply(503, {"Content-Type": "application/json", "Retry-After": "1",
                                  "Cache-Control": "no-store"}, b'{"status": "starting"}')
            elif path == "/api" or path.startswith("/api/"):
                # HEAD answers like GET, without the body (_reply sends none for HEAD)
                method = "GET" if self.command == "HEAD" else self.command
                self._reply(*self.api.handle(method, self.path[4:], dict(self.headers.items()),
                                             body))
            elif path.startswith("/renditions/"):
                self._reply(*self.renditions.get(self.command, unquote(path[12:]),
                                                 self.headers.get("If-None-Match")))
            elif self.command in ("GET", "HEAD"):
                self._reply(*self._static(unquote(path)))
            else:
                self._reply(405, {"Content-Type": "application/json"},
                            error_body("method_not_allowed", f"{self.command} is not allowed"))
        except Refused as refused:
            self._refuse(refused)
        except _DISCONNECTS:
            self.close_connection = True
        except Exception:
            log.exception("%s %s failed", self.command, self.path)
            if self._replied:  # too late for an error page: cut the response short
                self.close_connection = True
                return
            self._reply(500, {"Content-Type": "application/json"},
                        error_body("internal", "local front failed; see the stack's log"))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch

    def _static(self, path: str) -> tuple[int, dict[str, str], Any]:
        root = self.web_root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return 404, _JSON, error_body("not_found", excerpt(path))
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            if "." in path.rsplit("/", 1)[-1]:
                return 404, _JSON, error_body("not_found", excerpt(path))
            target = root / "index.html"  # a client-side route of the single-page app
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("javascript", "json")):
            content_type += "; charset=utf-8"
        headers = {"Content-Type": content_type, "Cache-Control": "no-cache"}
        if content_type.startswith("text/html") and self.page_policy:
            headers["Content-Security-Policy"] = self.page_policy
        if target == root / "index.html":  # a photo's page previews in chat and social apps
            origin = f"http://{self.headers.get('Host', '')}"
            return 200, headers, shared_page(self.api, path, origin, target.read_bytes())
        return 200, headers, target.read_bytes()

    def _reply(self, status: int, headers: dict[str, Any], body: Any) -> None:
        """Send a response; `body` is bytes or an iterable of byte chunks."""
        chunks = [body] if isinstance(body, bytes) else body
        self._replied = True
        self.send_response(status)
        for name, value in {**_SECURITY_HEADERS, **headers}.items():
            for item in value if isinstance(value, list) else [value]:
                self.send_header(name, str(item))
        if isinstance(body, bytes) and "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD" or status in (204, 304):
            return
        for chunk in chunks:
            self.wfile.write(chunk)


class Front:
    """The HTTP origin at http://127.0.0.1:<port> (or the address it is told to bind)."""

    def __init__(
        self, port: int, app: Chalice, renditions: RenditionStore, web_root: Path,
        routes: Mapping[str, LocalRoute] | None = None, ready: threading.Event | None = None,
        page_policy: str = "", host: str = LOOPBACK, limits: FrontLimits | None = None,
    ) -> None:
        if ready is None:
            ready = threading.Event()
            ready.set()
        handler = type("Handler", (_Handler,), {
            "api": ApiGateway(app), "renditions": renditions, "web_root": web_root,
            "routes": dict(routes or {}), "ready": ready, "page_policy": page_policy,
            "limits": limits or FrontLimits.from_env(os.environ),
        })
        server = _Server6 if ":" in host.strip("[]") else _Server
        self._server = server((host.strip("[]"), port), handler)
        handler.hosts = host_names(self._server.server_address[1], host)  # port 0: the one bound
        self._host = advertised_host(host)
        self._thread = threading.Thread(target=self._server.serve_forever, name="front")

    @property
    def url(self) -> str:
        """The origin's base URL."""
        return f"http://{self._host}:{self._server.server_address[1]}/"

    def start(self) -> None:
        """Serve in a thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting requests and close the socket."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
