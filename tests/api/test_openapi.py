"""The OpenAPI document against the app: routes, query parameters and error codes agree,
on both sides, and GET /openapi.json serves the committed file."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from openapi_spec_validator import validate  # pinned in requirements/dev.lock (via moto)

from infra import openapi
from infra.openapi_routes import FRAMEWORK
from tests.api.conftest import Api
from tests.support import code_scan

ROOT = Path(__file__).resolve().parents[2]
MIDDLEWARE = (
    "chalicelib.entrypoints.http.errors.json_errors",
    "chalicelib.entrypoints.http.origin.verify_origin",
    "chalicelib.entrypoints.http.body_limit.refuse_large_bodies",
)
# Handlers that hand their whole query mapping to a use case: the modules that read it.
DELEGATED = {("GET", "/search"): ("domain/search/query.py", "services/search.py")}
Key = tuple[str, str]


@pytest.fixture(scope="module")
def scan() -> code_scan.Scan:
    return code_scan.Scan()


def _handlers() -> dict[Key, code_scan.Handler]:
    return {(m, h.path): h for h in code_scan.handlers() for m in h.methods}


def code_mismatches(routes: tuple[openapi.Route, ...], scan: code_scan.Scan) -> dict[Key, str]:
    """Per route: the codes only the scan finds, and those only the document lists."""
    shared = {code for name in MIDDLEWARE for code, _ in scan.reachable(name)}
    shared |= set(FRAMEWORK)
    found = {}
    for key, handler in _handlers().items():
        route = next(r for r in routes if (r.method, r.path) == key)
        scanned = {code for code, _ in scan.reachable(handler.function)} | shared
        listed = set(openapi.route_codes(route))
        if scanned != listed:
            found[key] = f"code only: {sorted(scanned - listed)}, doc: {sorted(listed - scanned)}"
    return found


def param_mismatches(routes: tuple[openapi.Route, ...]) -> dict[Key, str]:
    """Per route: the query parameters only the handlers read, and those only documented."""
    found = {}
    for key, handler in _handlers().items():
        route = next(r for r in routes if (r.method, r.path) == key)
        read = set(handler.params) | code_scan.module_params(*DELEGATED.get(key, ()))
        listed = {p.name for p in route.params}
        if read != listed:
            found[key] = f"read only: {sorted(read - listed)}, doc only: {sorted(listed - read)}"
    return found


def test_the_committed_document_is_the_generated_one() -> None:
    # GIVEN the registry WHEN rendered THEN it is byte for byte the file the Lambda serves
    served = ROOT / "chalicelib" / "openapi.json"
    assert served.read_text(encoding="utf-8") == openapi.render(), (
        "run `.venv/bin/python -m infra.openapi`")
    assert (ROOT / "docs" / "openapi.json").resolve() == served.resolve()


def test_the_document_is_valid_openapi_3_1() -> None:
    document = openapi.document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_of_the_app_is_documented_and_no_other() -> None:
    from app import app

    in_app = {(m, path) for path, by in app.routes.items() for m in by}
    documented = {(m.upper(), path) for path, ops in openapi.document()["paths"].items()
                  for m in ops}
    assert in_app == documented
    assert set(_handlers()) == in_app  # the scan below sees every handler


def test_query_parameters_are_those_the_handlers_read() -> None:
    assert param_mismatches(openapi.ROUTES) == {}


def test_each_route_lists_exactly_the_codes_it_can_answer(scan: code_scan.Scan) -> None:
    assert code_mismatches(openapi.ROUTES, scan) == {}


def test_every_code_raised_anywhere_is_documented_with_its_status(
    scan: code_scan.Scan,
) -> None:
    framework = {(code, openapi.STATUS[code]) for code in FRAMEWORK}
    assert scan.all_codes() | framework == set(openapi.STATUS.items())


def test_the_checks_catch_a_dropped_code_and_a_dropped_parameter(
    scan: code_scan.Scan,
) -> None:
    # GIVEN a registry where PATCH forgets not_owner and /me/images forgets `cursor`
    routes = tuple(
        replace(r, errors=tuple(c for c in r.errors if c != "not_owner"))
        if (r.method, r.path) == ("PATCH", "/images/{image_id}")
        else replace(r, params=tuple(p for p in r.params if p.name != "cursor"))
        if (r.method, r.path) == ("GET", "/me/images") else r
        for r in openapi.ROUTES
    )
    # THEN both checks name exactly those routes
    assert set(code_mismatches(routes, scan)) == {("PATCH", "/images/{image_id}")}
    assert set(param_mismatches(routes)) == {("GET", "/me/images")}


def test_the_document_is_served_publicly_and_cacheable(api: Api) -> None:
    response = api.client.http.get("/openapi.json")
    assert response.status_code == 200
    assert json.loads(response.body) == openapi.document()
    assert response.headers["Cache-Control"].startswith("public")
