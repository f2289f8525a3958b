"""/config.json: what the browser app needs to know about the deployment it runs in."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from infra.local.clients import REGION
from infra.webconfig import web_config

CONFIG_PATH = "/config.json"
LOCAL_COGNITO_PATH = "/local/cognito"

Reply = tuple[int, dict[str, Any], bytes]


def local_web_config(
    port: int, env: Mapping[str, str], host: str = "127.0.0.1"
) -> dict[str, str]:
    """config.json for the local stack, from the functions' env (pool and web client ids);
    `host` is the front's host as browsers name it."""
    client_id = env["COGNITO_APP_CLIENT_IDS"].split(",")[0]
    endpoint = f"http://{host}:{port}{LOCAL_COGNITO_PATH}"
    return web_config(REGION, env["COGNITO_USER_POOL_ID"], client_id, endpoint, "local")


def content_security_policy(*origins: str) -> str:
    """The web app's CSP: only our own scripts and styles; fetches to us and `origins`.

    `origins` are where the browser talks to besides the app's own origin: the uploads
    bucket (presigned POST) and Cognito. `data:` images are BlurHash placeholders and the
    icon; `blob:` images are upload previews.
    """
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'",
        "img-src 'self' data: blob:", f"connect-src 'self' {' '.join(origins)}".strip(),
        "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
    ])


def config_route(
    config: Mapping[str, str],
) -> Callable[[str, Mapping[str, str], bytes | None], Reply]:
    """A front route answering GET/HEAD with `config`, never cached without revalidation."""
    body = json.dumps(config, indent=2).encode("utf-8")

    def answer(method: str, headers: Mapping[str, str], _body: bytes | None) -> Reply:
        if method not in ("GET", "HEAD"):
            error = {"error": {"code": "method_not_allowed", "message": f"{method} not allowed"}}
            return 405, {"Content-Type": "application/json", "Allow": "GET, HEAD"}, \
                json.dumps(error).encode("utf-8")
        return 200, {"Content-Type": "application/json; charset=utf-8",
                     "Cache-Control": "no-cache"}, body

    return answer
