"""Every HTTP error leaves as {"error": {"code", "message"}} with the right status."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from chalice.app import Response

from chalicelib.domain.errors import DomainError
from chalicelib.observability import logger

# Chalice's own error names (bad JSON, 405, 415, unhandled) -> our codes.
_CHALICE_CODES = {
    "BadRequestError": "bad_request",
    "BadRequest": "bad_request",
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "NotFoundError": "not_found",
    "InternalServerError": "internal_error",
}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None,
    details: dict[str, int] | None = None,
) -> Response:
    """The one error shape (`details`, such as retry_after, sit beside code and message)."""
    return Response(
        body={"error": {"code": code, "message": message, **(details or {})}},
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def domain_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn DomainError raised by a view into its HTTP response."""

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            return error_response(
                error.status, error.code, error.message, _retry_header(error), error.details
            )

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _retry_header(error: DomainError) -> dict[str, str]:
    """Retry-After (seconds) for an error that says when to try again."""
    retry_after = error.details.get("retry_after")
    return {} if retry_after is None else {"Retry-After": str(retry_after)}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower().removesuffix("_error")


def json_errors(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Middleware: rewrite Chalice's {"Code","Message"} errors into our shape."""
    response = get_response(event)
    body = response.body
    if isinstance(body, str) and body.startswith("{"):
        try:
            body = json.loads(body)
        except ValueError:
            return response
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = _CHALICE_CODES.get(body["Code"], _snake(str(body["Code"])))
        if response.status_code >= 500:
            logger.error("unhandled error", extra={"code": body["Code"]})
            message = "Something went wrong on our side."
        else:
            message = str(body.get("Message", ""))
        headers = {k: str(v) for k, v in response.headers.items() if k.lower() != "content-type"}
        return error_response(response.status_code, code, message, headers)
    return response
