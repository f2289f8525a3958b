"""The origin check through the real app: configured (AWS) it refuses what skipped CloudFront."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from chalicelib import bootstrap
from chalicelib.auth.origin import HEADER, OriginGuard
from tests.api.conftest import Api
from tests.api.test_api import ALICE, UPLOAD

CURRENT, PREVIOUS = "from-cloudfront-now", "from-cloudfront-before"


@pytest.fixture
def guarded(api: Api) -> Iterator[Api]:
    """The API with the check on: the secret's current and previous values are accepted."""
    services = bootstrap.services()
    services.origin_guard = OriginGuard(lambda: (CURRENT, PREVIOUS), refresh_seconds=60)
    yield api


def _refusal(response) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    error = json.loads(response.body)["error"]
    return response.status_code, error["code"], error["message"]


@pytest.mark.parametrize("headers", [{}, {HEADER: "guessed"}, {HEADER: ""}, {HEADER: CURRENT[:-1]}])
@pytest.mark.parametrize("path", ["/health", "/search?q=beach", "/images/abc"])
def test_configured_a_request_without_the_secret_is_403_forbidden_origin(
    guarded: Api, headers: dict[str, str], path: str
) -> None:
    status, code, message = _refusal(guarded.client.http.get(path, headers=headers))
    assert (status, code) == (403, "forbidden_origin")
    assert "site's own address" in message


def test_configured_a_refused_upload_grant_writes_nothing(guarded: Api) -> None:
    response = guarded.client.http.post("/uploads", headers=ALICE, body=json.dumps(UPLOAD))
    assert _refusal(response)[:2] == (403, "forbidden_origin")
    assert guarded.deps.repo.items == {}  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", [CURRENT, PREVIOUS])
def test_configured_cloudfronts_current_or_previous_value_gets_through(
    guarded: Api, value: str
) -> None:
    response = guarded.client.http.get("/health", headers={HEADER: value})
    assert response.status_code == 200
    # the header name is case-insensitive, as HTTP says
    assert guarded.client.http.get("/health", headers={HEADER.lower(): value}).status_code == 200


def test_not_configured_every_request_gets_through(api: Api) -> None:
    assert bootstrap.services().origin_guard is None
    assert api.client.http.get("/health").status_code == 200
