"""The local stack's Host and Origin checks, on plain WSGI environ dicts (no server)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.origins import (
    OriginGuard,
    advertised_host,
    exposure_warning,
    foreign_source,
    host_allowed,
    host_names,
    web_origins,
)

PORT, MOTO = 8000, 8001
OURS = "http://127.0.0.1:8000"


class Backend:
    """Stands in for moto: answers 200 with its wildcard CORS header and counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls += 1
        start_response("200 OK", [("Access-Control-Allow-Origin", "*"),
                                  ("Content-Type", "text/plain")])
        return [b"moto"]


def _call(guard: OriginGuard, method: str = "POST", host: str | None = f"127.0.0.1:{MOTO}",
          **headers: str) -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": "/bucket"}
    if host is not None:
        environ["HTTP_HOST"] = host
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> None:
        seen["status"], seen["headers"] = status, dict(response_headers)

    body = b"".join(guard(environ, start_response))
    return seen["status"], seen["headers"], body


@pytest.fixture
def backend() -> Backend:
    return Backend()


@pytest.fixture
def guard(backend: Backend) -> OriginGuard:
    return OriginGuard(backend, host_names(MOTO), web_origins(PORT))


def test_given_loopback_binding_then_only_loopback_names_with_the_port_are_ours() -> None:
    assert host_names(MOTO) == {"127.0.0.1:8001", "localhost:8001", "[::1]:8001"}
    assert web_origins(PORT) == {OURS, "http://localhost:8000", "http://[::1]:8000"}
    assert "192.168.1.5:8000" in host_names(PORT, "192.168.1.5")
    assert host_names(PORT, "0.0.0.0") == host_names(PORT)  # a wildcard is no name
    assert advertised_host("0.0.0.0") == "127.0.0.1"
    assert advertised_host("::1") == "[::1]" and advertised_host("10.0.0.2") == "10.0.0.2"


@pytest.mark.parametrize("host", [
    "evil.example:8001", "127.0.0.1:9999", "127.0.0.1", "attacker.127.0.0.1.nip.io:8001", "", None,
])
def test_given_a_host_not_ours_then_refused(host: str | None) -> None:
    assert not host_allowed(host, host_names(MOTO))


def test_given_our_host_in_any_case_then_allowed() -> None:
    assert host_allowed("LOCALHOST:8001", host_names(MOTO))


def test_given_a_rebinding_host_when_moto_is_asked_then_421_and_backend_untouched(
    guard: OriginGuard, backend: Backend,
) -> None:
    status, headers, _ = _call(guard, "GET", host=f"evil.example:{MOTO}")
    assert status.startswith("421") and backend.calls == 0
    assert "Access-Control-Allow-Origin" not in headers


def test_given_a_foreign_preflight_then_403_without_allow_headers(
    guard: OriginGuard, backend: Backend,
) -> None:
    status, headers, _ = _call(guard, "OPTIONS", origin="https://evil.example",
                               access_control_request_method="POST")
    assert status.startswith("403") and backend.calls == 0
    assert not any(name.lower().startswith("access-control") for name in headers)


@pytest.mark.parametrize("headers", [
    {"origin": "https://evil.example"},
    {"origin": "null"},  # a sandboxed frame or a file:// page
    {"referer": "https://evil.example/page"},  # a no-cors form post that sends no Origin
    {"origin": "http://127.0.0.1:8001"},  # moto's own port is not the web app
    {"origin": "http://127.0.0.1:8000.evil.example"},
])
def test_given_a_simple_foreign_request_then_refused_before_the_backend(
    guard: OriginGuard, backend: Backend, headers: dict[str, str],
) -> None:
    status, _, body = _call(guard, "POST", **headers)
    assert status.startswith("403") and backend.calls == 0
    assert b"CrossOriginRefused" in body


def test_given_the_web_app_s_origin_then_passed_with_the_exact_origin_allowed(
    guard: OriginGuard, backend: Backend,
) -> None:
    status, headers, body = _call(guard, "POST", origin="http://localhost:8000",
                                  referer="http://localhost:8000/upload")
    assert status.startswith("200") and body == b"moto" and backend.calls == 1
    assert headers["Access-Control-Allow-Origin"] == "http://localhost:8000"
    assert headers["Vary"] == "Origin"


def test_given_no_origin_nor_referer_as_boto3_sends_then_passed_unchanged(
    guard: OriginGuard, backend: Backend,
) -> None:
    status, headers, _ = _call(guard, "PUT")
    assert status.startswith("200") and backend.calls == 1
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_foreign_source_names_what_was_foreign() -> None:
    assert foreign_source({"Referer": "https://evil.example/x?y"}, {OURS}) == \
        "https://evil.example"
    assert foreign_source({"Origin": OURS, "Referer": f"{OURS}/upload"}, {OURS}) == ""
    assert foreign_source({}, {OURS}) == ""


def test_given_loopback_no_warning_and_beyond_it_a_warning_about_tokens() -> None:
    assert exposure_warning("127.0.0.1", PORT, MOTO) == ""
    assert exposure_warning("localhost", PORT, MOTO) == ""
    wide = exposure_warning("0.0.0.0", PORT, MOTO)
    assert "every network" in wide and "tokens" in wide and "--host" in wide
    lan = exposure_warning("192.168.1.5", PORT, MOTO)
    assert "192.168.1.5" in lan and "no real authentication" in lan
