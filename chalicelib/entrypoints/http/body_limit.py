"""Middleware: a request body larger than the API ever needs is refused before it is parsed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice.app import Response

from chalicelib import bootstrap
from chalicelib.entrypoints.http.errors import error_response


def refuse_large_bodies(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """413 body_too_large past MAX_BODY_BYTES; JSON is parsed lazily, only by the route.

    The body itself is measured, not Content-Length: a header can be absent or wrong, and
    API Gateway has already buffered the whole body by the time the Lambda runs.
    """
    limit = bootstrap.services().deps.limits.max_body_bytes
    if len(event.raw_body or b"") > limit:
        return error_response(
            413, "body_too_large", f"The request body may be at most {limit} bytes."
        )
    return get_response(event)
