"""One HTTP origin: /api/* -> the Chalice app, /renditions/* -> S3, the rest -> the web UI.

Local routes (config.json, the Cognito hook) come first; until the stack says it is ready,
/api/health answers 503 so nothing mistakes a stack still seeding for a usable one.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import socket
import sys
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from chalice import Chalice

from infra.local.gateway import ApiGateway, Reply
from infra.local.origins import LOOPBACK, advertised_host, host_allowed, host_names
from infra.local.renditions import RenditionStore

log = logging.getLogger(__name__)

_DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)
_SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff"}
HEALTH_PATH = "/api/health"

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

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser closing its connection early is normal: say nothing."""
        if not isinstance(sys.exc_info()[1], _DISCONNECTS):
            log.exception("error while serving %s", client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "stock-images-local"
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
    _replied = False

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def _dispatch(self) -> None:
        self._replied = False
        path = self.path.split("?", 1)[0]
        try:
            if not host_allowed(self.headers.get("Host"), self.hosts):
                self._reply(*misdirected(path))
            elif path in self.routes:
                route = self.routes[path]
                self._reply(*route(self.command, dict(self.headers.items()), self._read_body()))
            elif path == HEALTH_PATH and not self.ready.is_set():
                self._reply(503, {"Content-Type": "application/json", "Retry-After": "1",
                                  "Cache-Control": "no-store"}, b'{"status": "starting"}')
            elif path == "/api" or path.startswith("/api/"):
                headers = dict(self.headers.items())
                self._reply(*self.api.handle(self.command, self.path[4:], headers,
                                             self._read_body()))
            elif path.startswith("/renditions/"):
                self._reply(*self.renditions.get(self.command, unquote(path[12:]),
                                                 self.headers.get("If-None-Match")))
            elif self.command in ("GET", "HEAD"):
                self._reply(*self._static(unquote(path)))
            else:
                self._reply(405, {"Content-Type": "application/json"},
                            error_body("method_not_allowed", f"{self.command} is not allowed"))
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

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else None

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _static(self, path: str) -> tuple[int, dict[str, str], Any]:
        root = self.web_root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return 404, {"Content-Type": "application/json"}, error_body("not_found", path)
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            if "." in path.rsplit("/", 1)[-1]:
                return 404, {"Content-Type": "application/json"}, error_body("not_found", path)
            target = root / "index.html"  # a client-side route of the single-page app
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith(("javascript", "json")):
            content_type += "; charset=utf-8"
        headers = {"Content-Type": content_type, "Cache-Control": "no-cache"}
        if content_type.startswith("text/html") and self.page_policy:
            headers["Content-Security-Policy"] = self.page_policy
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
        page_policy: str = "", host: str = LOOPBACK,
    ) -> None:
        if ready is None:
            ready = threading.Event()
            ready.set()
        handler = type("Handler", (_Handler,), {
            "api": ApiGateway(app), "renditions": renditions, "web_root": web_root,
            "routes": dict(routes or {}), "ready": ready, "page_policy": page_policy,
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
