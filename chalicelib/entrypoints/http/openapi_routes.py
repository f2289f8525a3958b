"""The API's OpenAPI 3.1 document on the API blueprint: GET /openapi.json (public)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from chalice.app import Response

from chalicelib.entrypoints.http.routes import api

# Inside chalicelib so that `chalice package` ships it; infra/openapi.py writes it.
DOCUMENT = Path(__file__).resolve().parents[2] / "openapi.json"
CACHE = "public, max-age=3600"


@cache
def openapi_document() -> dict[str, Any]:
    """The document, read once per container."""
    loaded: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


@api.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    """This API described in OpenAPI 3.1: routes, parameters, bodies, every error code."""
    return Response(body=openapi_document(), headers={"Cache-Control": CACHE})
