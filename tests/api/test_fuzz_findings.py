"""The fuzz run's findings (issue 18), each from one request: a 4xx in our shape, not a 5xx."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tests.api.conftest import Api
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
ADMIN = bearer("sub-admin", "admin", "admins")
SUPERSCRIPT_TWO = quote("²")
HUGE_NUMBER = "9" * 5000
ARABIC_INDIC_TWELVE = quote("\u0661\u0662")
NOT_PLAIN_NUMBERS = [SUPERSCRIPT_TWO, HUGE_NUMBER, ARABIC_INDIC_TWELVE, "-1", "%2B2", "1_0", "2.5"]


def _error(response) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    body = json.loads(response.body)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return response.status_code, body["error"]["code"]


@pytest.mark.parametrize("path", ["/me/images", "/review"])
def test_given_no_token_when_the_page_size_is_odd_then_401_before_parsing(
    api: Api, path: str
) -> None:
    assert _error(api.client.http.get(f"{path}?per_page={SUPERSCRIPT_TWO}")) == (
        401, "missing_token")


@pytest.mark.parametrize(
    ("path", "name", "headers", "code"),
    [
        ("/me/images", "per_page", ALICE, "invalid_per_page"),
        ("/review", "per_page", ADMIN, "invalid_per_page"),
        ("/search", "per_page", {}, "invalid_per_page"),
        ("/images/any/similar", "per_page", {}, "invalid_per_page"),
    ],
)
@pytest.mark.parametrize("raw", NOT_PLAIN_NUMBERS)
def test_given_an_integer_parameter_that_is_no_plain_number_then_400(
    api: Api, path: str, name: str, headers: dict[str, str], code: str, raw: str
) -> None:
    response = api.client.http.get(f"{path}?{name}={raw}", headers=headers)
    assert _error(response) == (400, code)
