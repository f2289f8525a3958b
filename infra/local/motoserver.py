"""moto server in a thread, behind a gate that can hold requests back while state is pickled."""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from infra.local.atomic_items import make_item_writes_atomic
from infra.local.keyed_queries import make_queries_read_their_partition
from infra.local.origins import LOOPBACK, OriginGuard, advertised_host, host_names

_READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
_READ_ONLY_ACTIONS = ("Get", "Describe", "List", "Query", "Scan", "BatchGet")
_LONG_POLL = "ReceiveMessage"


def _action(environ: dict[str, Any]) -> str:
    """The API action of a JSON (X-Amz-Target) or query-protocol request, '' if unknown."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return str(target.rsplit(".", 1)[-1])
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)  # put back what we peeked at
        return parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
    return ""


_serving = threading.local()  # the gate of the SQS long poll this thread serves, if any


class Gate:
    """WSGI middleware: counts requests in flight and can hold new ones back."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._cond = threading.Condition()
        self._closed = False
        self._in_flight = 0
        self.changed = False

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        action = _action(environ)
        self._enter(_mutates(environ["REQUEST_METHOD"], action))
        # An SQS long poll is counted while it walks its queue, not while it waits for
        # messages (see park_long_polls): otherwise the gate could not drain.
        _serving.gate = self if action == _LONG_POLL else None
        try:
            result = self._app(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        finally:
            _serving.gate = None
            self._leave()

    @contextmanager
    def parked(self) -> Iterator[None]:
        """Not counted meanwhile (a long poll waiting); waits for an open gate to go on."""
        self._leave()
        try:
            yield
        finally:
            self._enter(mutates=False)

    def _enter(self, mutates: bool) -> None:
        with self._cond:
            self._cond.wait_for(lambda: not self._closed)
            self._in_flight += 1
            if mutates:
                self.changed = True

    def _leave(self) -> None:
        with self._cond:
            self._in_flight -= 1
            self._cond.notify_all()

    @contextmanager
    def held(self, timeout: float = 10.0, reopen: bool = True) -> Iterator[bool]:
        """Hold new requests back (for good unless `reopen`); yields whether the ones in flight
        finished in time."""
        with self._cond:
            self._closed = True
            drained = self._cond.wait_for(lambda: self._in_flight == 0, timeout=timeout)
            if drained:
                self.changed = False
        try:
            yield drained
        finally:
            if reopen or not drained:
                with self._cond:
                    self._closed = False
                    self._cond.notify_all()


def _mutates(method: str, action: str) -> bool:
    # A receive only hides messages for a while, and a restart shows them again (see
    # hygiene.release_in_flight_messages): idle pollers must not cause a snapshot a second.
    if method in _READ_ONLY_METHODS or action == _LONG_POLL:
        return False
    return not action.startswith(_READ_ONLY_ACTIONS)


_parking = threading.Lock()


def park_long_polls() -> None:
    """Patch moto's SQS queues (once per process) so a receive waiting for messages is not
    counted by its gate: it touches no state while it waits, and the gate can drain."""
    from moto.sqs.models import Queue

    with _parking:
        wait = Queue.wait_for_messages
        if getattr(wait, "parks_at_gate", False):
            return

        @functools.wraps(wait)
        def wait_for_messages(queue: Any, timeout: int) -> None:
            gate: Gate | None = getattr(_serving, "gate", None)
            if gate is None:
                return wait(queue, timeout)
            with gate.parked():
                return wait(queue, timeout)

        wait_for_messages.parks_at_gate = True  # type: ignore[attr-defined]
        Queue.wait_for_messages = wait_for_messages  # type: ignore[method-assign,assignment]


class _QuietHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Keep moto's per-request access log out of the console."""


class GatedMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer (on 127.0.0.1 unless told) whose WSGI app sits behind a Gate, itself
    behind an OriginGuard: only its own Host names, and of browsers only the web app's pages
    (`web_origins`, for the presigned upload POST)."""

    def __init__(self, port: int, host: str = LOOPBACK,
                 web_origins: Collection[str] = ()) -> None:
        super().__init__(ip_address=host, port=port, verbose=False)
        self.gate = Gate(DomainDispatcherApplication(create_backend_app))
        self.app = OriginGuard(self.gate, host_names(port, host), web_origins)
        self._start_error: OSError | None = None

    @property
    def endpoint_url(self) -> str:
        """The URL boto3 should use (`AWS_ENDPOINT_URL`)."""
        return f"http://{advertised_host(self._ip_address)}:{self._port}"

    def _server_entry(self) -> None:
        # Same as moto's, but a busy port is reported instead of leaving start() waiting forever.
        try:
            self._server = make_server(
                self._ip_address, self._port, self.app, True, request_handler=_QuietHandler
            )
        except (OSError, SystemExit) as exc:  # werkzeug exits when the port is taken
            self._start_error = OSError(str(exc))
            self._server_ready_event.set()
            return
        self._server_ready_event.set()
        self._server.serve_forever()

    def start(self) -> None:
        """Start serving; raises OSError when the port cannot be bound."""
        make_item_writes_atomic()  # DynamoDB applies each item write atomically; moto does not
        make_queries_read_their_partition()  # moto sorts the whole table for every Query
        park_long_polls()
        super().start()
        if self._start_error is not None:
            raise OSError(f"moto cannot listen on port {self._port}: {self._start_error}")
