"""Build the API's OpenAPI 3.1 document from the route registry (infra/openapi_routes.py).

`python -m infra.openapi` writes chalicelib/openapi.json (the copy the API Lambda serves;
docs/openapi.json links to it). tests/api/test_openapi.py fails when this registry and the
Chalice app disagree on a route, a query parameter or an error code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra.openapi_routes import (
    EVERY_ROUTE,
    LIMITS,
    OPTIONAL_TOKEN,
    ROUTES,
    SIGNED_IN,
    STATUS,
    Param,
    Route,
    enum_of,
)

__all__ = ["ROUTES", "STATUS", "Param", "Route", "document", "render", "route_codes"]

DOCUMENT = Path(__file__).resolve().parent.parent / "chalicelib" / "openapi.json"


def route_codes(route: Route) -> tuple[str, ...]:
    """Every code the route can answer, the middleware's and the sign-in's included."""
    auth = {"none": (), "optional": OPTIONAL_TOKEN, "required": SIGNED_IN}[route.auth]
    return tuple(dict.fromkeys((*EVERY_ROUTE, *auth, *route.errors)))


def _error_responses(codes: tuple[str, ...]) -> dict[str, Any]:
    by_status: dict[int, list[str]] = {}
    for code in codes:
        by_status.setdefault(STATUS[code], []).append(code)
    return {
        str(status): {
            "description": ", ".join(sorted(found)),
            "content": {"application/json": {"schema": {
                "allOf": [{"$ref": "#/components/schemas/Error"}],
                "properties": {"error": {"properties": {"code": enum_of(sorted(found))}}},
            }}},
        }
        for status, found in sorted(by_status.items())
    }


def _operation(route: Route) -> dict[str, Any]:
    path_params = [p.strip("{}") for p in route.path.split("/") if p.startswith("{")]
    params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
              for n in path_params]
    params += [{"name": p.name, "in": "query", "required": False, "schema": p.schema,
                "description": p.description} for p in route.params]
    ok: dict[str, Any] = {str(s): {"description": d} for s, d in route.ok.items()}
    if route.media != "application/json":  # JSON answers are described by their prose alone
        for answer in ok.values():
            answer["content"] = {route.media: {"schema": {"type": "string"}}}
    operation: dict[str, Any] = {
        "summary": route.summary,
        "parameters": params,
        "responses": {**ok, **_error_responses(route_codes(route))},
        "x-error-codes": list(route_codes(route)),
    }
    if route.auth == "required":
        operation["security"] = [{"bearer": []}]
    elif route.auth == "optional":
        operation["security"] = [{}, {"bearer": []}]
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": route.body}}}
    return operation


ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "retry_after": {"type": "integer", "minimum": 1}},
    }},
}


def document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {"title": "stock-images API", "version": "1",
                 "description": "Every error is {\"error\": {\"code\", \"message\"}}. Request "
                 f"bodies larger than {LIMITS.max_body_bytes} bytes get 413."},
        "servers": [{"url": "/api"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "bearerFormat": "JWT (Cognito access token)"}},
        },
    }


def render() -> str:
    """The document as the file holds it."""
    return json.dumps(document(), indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    DOCUMENT.write_text(render(), encoding="utf-8")
