"""Every operation of the API as the committed OpenAPI document describes it: the fuzz
strategies take routes, parameters and bodies from here, so a new route is fuzzed unedited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DOCUMENT = Path(__file__).resolve().parents[2] / "chalicelib" / "openapi.json"


@dataclass(frozen=True)
class Operation:
    """One method on one path: what may be sent and which error codes it may answer."""

    method: str
    path: str
    path_params: tuple[str, ...]
    query: tuple[tuple[str, dict[str, Any]], ...]
    body: dict[str, Any] | None
    statuses: dict[str, int]  # error code -> the status the document gives it
    signed_in: bool
    html_statuses: frozenset[int] = frozenset()  # answers the document says are HTML pages

    @property
    def key(self) -> tuple[str, str]:
        """(METHOD, path template), as app.routes names it."""
        return self.method, self.path


def _statuses(operation: dict[str, Any]) -> dict[str, int]:
    found = {}
    for status, answer in operation["responses"].items():
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        codes = schema.get("properties", {}).get("error", {}).get("properties", {})
        for code in codes.get("code", {}).get("enum", []):
            found[code] = int(status)
    return found


def _operation(method: str, path: str, operation: dict[str, Any]) -> Operation:
    params = operation.get("parameters", [])
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    return Operation(
        method=method.upper(),
        path=path,
        path_params=tuple(p["name"] for p in params if p["in"] == "path"),
        query=tuple((p["name"], p.get("schema", {})) for p in params if p["in"] == "query"),
        body=body.get("schema"),
        statuses=_statuses(operation),
        signed_in="missing_token" in operation.get("x-error-codes", ()),
        html_statuses=frozenset(int(status) for status, answer in operation["responses"].items()
                                if "text/html" in answer.get("content", {})),
    )


@lru_cache(maxsize=4)
def operations(document: Path = DOCUMENT) -> tuple[Operation, ...]:
    """Every operation of the document, in its order."""
    paths = json.loads(document.read_text(encoding="utf-8"))["paths"]
    return tuple(_operation(method, path, op)
                 for path, ops in paths.items() for method, op in ops.items())


def server_prefix(document: Path = DOCUMENT) -> str:
    """Where the document says the API is mounted ('/api' behind the front)."""
    servers = json.loads(document.read_text(encoding="utf-8")).get("servers", [{}])
    return str(servers[0].get("url", "")).rstrip("/")
