"""The fuzz run's findings (issue 18), each from one request: a 4xx in our shape, not a 5xx."""

from __future__ import annotations

import base64
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


LONE_SURROGATE = "\ud800"
UPLOAD = {"filename": "beach.jpg", "content_type": "image/jpeg", "size": 2048, "title": "Beach"}


def _send(api: Api, method: str, path: str, body: object, headers: dict[str, str] = ALICE
          ):  # type: ignore[no-untyped-def]
    sent = {**headers, "content-type": "application/json"}
    return api.client.http.request(method, path, headers=sent, body=json.dumps(body).encode())


def _uploaded(api: Api) -> str:
    return str(json.loads(_send(api, "POST", "/uploads", UPLOAD).body)["image_id"])


TEXT_FIELDS = {
    "title": {"title": f"Sun{LONE_SURROGATE}set"},
    "description": {"description": LONE_SURROGATE},
    "tags": {"tags": ["sea", f"x{LONE_SURROGATE}"]},
}


@pytest.mark.parametrize(("field", "change"), [*TEXT_FIELDS.items(),
                                               ("filename", {"filename": f"{LONE_SURROGATE}.jpg"})])
def test_given_a_lone_surrogate_in_an_upload_then_400_naming_the_field(
    api: Api, field: str, change: dict[str, object]
) -> None:
    response = _send(api, "POST", "/uploads", {**UPLOAD, **change})
    assert _error(response) == (400, "invalid_text")
    assert field in json.loads(response.body)["error"]["message"]


@pytest.mark.parametrize(("field", "change"), TEXT_FIELDS.items())
def test_given_a_lone_surrogate_in_an_edit_then_400_naming_the_field(
    api: Api, field: str, change: dict[str, object]
) -> None:
    response = _send(api, "PATCH", f"/images/{_uploaded(api)}", change)
    assert _error(response) == (400, "invalid_text")
    assert field in json.loads(response.body)["error"]["message"]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "field"),
    [
        ("POST", "/images/{id}/report", {"reason": "spam", "note": LONE_SURROGATE},
         bearer("sub-3", "three"), "note"),
        ("POST", "/review/{id}", {"decision": "reject", "reason": LONE_SURROGATE}, ADMIN,
         "reason"),
        ("POST", "/review/{id}", {"decision": "approve", "reason": LONE_SURROGATE}, ADMIN,
         "reason"),
        ("PUT", "/me/profile", {"display_name": f"Al{LONE_SURROGATE}ice"}, ALICE, "name"),
    ],
)
def test_given_a_lone_surrogate_in_any_other_text_then_400_naming_it(
    api: Api, method: str, path: str, body: object, headers: dict[str, str], field: str
) -> None:
    response = _send(api, method, path.format(id=_uploaded(api)), body, headers)
    assert _error(response) == (400, "invalid_text")
    assert field in json.loads(response.body)["error"]["message"]


SMILE = "\U0001f600"  # 12 bytes as a JSON escape (a surrogate pair): the costliest character


def _largest_legitimate(api: Api) -> dict[str, object]:
    limits = api.deps.limits
    return {
        "title": SMILE * limits.max_title_chars,
        "description": SMILE * limits.max_description_chars,
        "tags": [f"{n:02d}" + SMILE * (limits.max_tag_chars - 2) for n in range(limits.max_tags)],
    }


def test_the_largest_legitimate_edit_and_upload_fit_under_the_body_limit(api: Api) -> None:
    largest = _largest_legitimate(api)
    edit = _send(api, "PATCH", f"/images/{_uploaded(api)}", largest)
    assert edit.status_code == 200, edit.body
    upload = {**UPLOAD, **largest, "filename": SMILE * 251 + ".jpg"}
    assert len(json.dumps(upload)) < api.deps.limits.max_body_bytes
    assert _send(api, "POST", "/uploads", upload).status_code == 201


def test_given_a_body_past_the_limit_then_413_before_it_is_parsed(api: Api) -> None:
    image_id = _uploaded(api)
    tags = {"tags": [f"t{n}" for n in range(32_000)]}
    assert _error(_send(api, "PATCH", f"/images/{image_id}", tags)) == (413, "body_too_large")
    not_json = b"[" * (api.deps.limits.max_body_bytes + 1)
    response = api.client.http.request(
        "POST", "/uploads", headers={**ALICE, "content-type": "application/json"}, body=not_json)
    assert _error(response) == (413, "body_too_large")


def test_given_more_tags_than_allowed_then_400_before_any_is_cleaned(api: Api) -> None:
    too_many = ["sea"] * api.deps.limits.max_tags + [LONE_SURROGATE]
    response = _send(api, "PATCH", f"/images/{_uploaded(api)}", {"tags": too_many})
    assert _error(response) == (400, "invalid_tags")


def test_duplicate_tags_are_dropped_keeping_the_first_order(api: Api) -> None:
    response = _send(api, "PATCH", f"/images/{_uploaded(api)}", {"tags": ["Sea", "dune", "sea"]})
    assert json.loads(response.body)["tags"] == ["sea", "dune"]


def test_given_a_tag_with_a_comma_then_400_as_no_search_could_find_it(api: Api) -> None:
    response = _send(api, "PATCH", f"/images/{_uploaded(api)}", {"tags": ["new york, usa"]})
    assert _error(response) == (400, "invalid_tags")
    assert "comma" in json.loads(response.body)["error"]["message"]


DEEP_CURSOR = base64.urlsafe_b64encode(b"[" * 3000).decode()
MALLORY = bearer("sub-mallory", "mallory", "contributors")


def _unsigned_cursor(owner: str) -> str:
    """A cursor in the old, unsigned form: base64 of the table's key as JSON."""
    key = {"created_at": {"S": "2026-01-01T00:00:00Z"}, "image_id": {"S": "x"},
           "owner": {"S": owner}}
    return base64.urlsafe_b64encode(json.dumps(key, sort_keys=True).encode()).decode()


@pytest.mark.parametrize(("path", "headers"), [("/me/images", ALICE), ("/review", ADMIN)])
@pytest.mark.parametrize("cursor", [DEEP_CURSOR, _unsigned_cursor("sub-alice"), "%E2%98%83", "="])
def test_given_a_cursor_we_did_not_sign_then_400_invalid_cursor(
    api: Api, path: str, headers: dict[str, str], cursor: str
) -> None:
    response = api.client.http.get(f"{path}?cursor={cursor}", headers=headers)
    assert _error(response) == (400, "invalid_cursor")


def test_a_listing_cursor_works_for_its_owner_only(api: Api) -> None:
    for _ in range(3):
        _uploaded(api)
    first = json.loads(api.client.http.get("/me/images?per_page=2", headers=ALICE).body)
    cursor = first["next_cursor"]
    mine = api.client.http.get(f"/me/images?per_page=2&cursor={cursor}", headers=ALICE)
    assert mine.status_code == 200 and len(json.loads(mine.body)["results"]) == 1
    theirs = api.client.http.get(f"/me/images?per_page=2&cursor={cursor}", headers=MALLORY)
    assert _error(theirs) == (400, "invalid_cursor")
