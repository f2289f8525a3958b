"""Middleware: in AWS the API answers only requests that came through CloudFront."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice.app import Response

from chalicelib import bootstrap
from chalicelib.auth.origin import HEADER
from chalicelib.entrypoints.http.errors import error_response
from chalicelib.logs import child_logger

log = child_logger(__name__)
REFUSAL = "This API answers only through the site's own address, not directly."


def verify_origin(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """403 forbidden_origin unless the origin-verify header holds the secret CloudFront sends.

    Every route, /api/health included: a health check from outside goes through CloudFront
    like any caller, so what it proves is the path users take. Where no secret is configured
    (the local stack, whose front is the only way in) every request passes."""
    guard = bootstrap.services().origin_guard
    if guard is None or guard.admits(event.headers.get(HEADER)):
        return get_response(event)
    # The path only: the header's value, right or wrong, is never logged.
    log.warning("request without a valid origin header refused", extra={"path": event.path})
    return error_response(403, "forbidden_origin", REFUSAL)
