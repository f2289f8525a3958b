"""API Gateway, locally: HTTP requests to the Chalice app through chalice.local.LocalGateway."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from chalice import Chalice
from chalice.config import Config
from chalice.local import LocalChalice, LocalGateway, LocalGatewayException, RouteMatcher

from infra.local.framing import excerpt

API_TIMEOUT_SECONDS = 30  # API Gateway's integration limit is 29 s
API_MEMORY_MB = 1024

Reply = tuple[int, dict[str, Any], bytes]


def _thread_safe(app: Chalice) -> Chalice:
    """Make `app.current_request` per thread, as `chalice local` does, for a threaded server."""
    if not isinstance(app, LocalChalice):
        app.__class__ = type(f"Local{type(app).__name__}", (LocalChalice, type(app)), {})
    return app


class ApiGateway:
    """Turns HTTP requests into API Gateway proxy events exactly as `chalice local` does."""

    def __init__(self, app: Chalice) -> None:
        self._app = _thread_safe(app)
        config = Config.create(
            chalice_stage="api", app_name=app.app_name,
            lambda_timeout=API_TIMEOUT_SECONDS, lambda_memory_size=API_MEMORY_MB,
        )
        self._gateway = LocalGateway(self._app, config)
        self._routes = RouteMatcher(list(app.routes))

    def handle(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | None
    ) -> Reply:
        """Answer one request; `path` is what follows the `/api` stage prefix."""
        path = path if path.startswith("/") else f"/{path}"
        if not self._has_route(path):
            message = f"no API route for {method} /api{excerpt(path.split('?', 1)[0])}"
            return 404, {"Content-Type": "application/json"}, json.dumps(
                {"error": {"code": "not_found", "message": message}}).encode("utf-8")
        # Lower-case names: Chalice matches binary content types on 'content-type' only.
        lowered = {name.lower(): value for name, value in headers.items()}
        try:
            response = self._gateway.handle_request(method, path, lowered, body)
        except LocalGatewayException as exc:
            return exc.CODE, dict(exc.headers), exc.body or b""
        return _reply(response)

    def _has_route(self, path: str) -> bool:
        try:
            self._routes.match_route(path)
        except ValueError:
            return False
        return True


def _reply(response: dict[str, Any]) -> Reply:
    headers: dict[str, Any] = dict(response.get("headers") or {})
    headers.update(response.get("multiValueHeaders") or {})
    body = response.get("body")
    if body is None:
        data = b""
    elif response.get("isBase64Encoded"):
        data = base64.b64decode(body)
    else:
        data = body if isinstance(body, bytes) else str(body).encode("utf-8")
    names = {name.lower(): name for name in headers}
    if "content-type" not in names:
        headers["Content-Type"] = "application/json"
    headers.pop(names.get("content-length", "Content-Length"), None)
    return int(response["statusCode"]), headers, data
