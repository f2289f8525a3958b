"""Upload grants: who may ask, what is validated, what is recorded."""

from __future__ import annotations

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden, InvalidInput
from chalicelib.domain.model import Status
from chalicelib.services.uploads import request_upload
from tests.fakes import make_deps

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))
VISITOR = Principal("sub-bob", "bob", frozenset())
GOOD = {
    "filename": "beach.jpg",
    "content_type": "image/jpeg",
    "size": 1234,
    "title": "Beach",
    "description": "Sand",
    "tags": ["Sea", "sea", " Summer  Sun "],
}


def test_given_a_contributor_when_requesting_then_pending_image_and_pinned_grant() -> None:
    deps = make_deps()
    grant = request_upload(deps, ALICE, GOOD)
    image = deps.repo.get(grant.image_id)
    assert image is not None and image.status is Status.PENDING
    assert (image.owner, image.owner_name, image.declared_bytes) == ("sub-alice", "alice", 1234)
    assert image.tags == ("sea", "summer sun")
    assert grant.fields["key"] == f"uploads/{grant.image_id}"
    assert grant.fields["Content-Type"] == "image/jpeg"
    assert grant.fields["max"] == "1234" and grant.expires_in == 300


def test_given_an_admin_when_requesting_then_allowed() -> None:
    admin = Principal("sub-root", "root", frozenset({"admins"}))
    assert request_upload(make_deps(), admin, GOOD).image_id


def test_given_a_visitor_when_requesting_then_forbidden_and_nothing_recorded() -> None:
    deps = make_deps()
    with pytest.raises(Forbidden):
        request_upload(deps, VISITOR, GOOD)
    assert deps.repo.items == {}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"content_type": "image/gif"}, "unsupported_type"),
        ({"content_type": "image/svg+xml"}, "unsupported_type"),
        ({"content_type": "text/plain"}, "unsupported_type"),
        ({"content_type": None}, "invalid_content_type"),
        ({"size": 0}, "invalid_size"),
        ({"size": -5}, "invalid_size"),
        ({"size": "12"}, "invalid_size"),
        ({"size": True}, "invalid_size"),
        ({"size": 50 * 1024 * 1024 + 1}, "too_large"),
        ({"filename": ""}, "invalid_filename"),
        ({"filename": 7}, "invalid_filename"),
        ({"title": "x" * 201}, "invalid_title"),
        ({"title": "bad\x00"}, "invalid_title"),
        ({"tags": "sea"}, "invalid_tags"),
        ({"tags": [f"t{i}" for i in range(31)]}, "invalid_tags"),
    ],
)
def test_given_bad_fields_when_requesting_then_specific_400(change: dict, code: str) -> None:
    deps = make_deps()
    with pytest.raises(InvalidInput) as caught:
        request_upload(deps, ALICE, {**GOOD, **change})
    assert caught.value.code == code and caught.value.status == 400
    assert deps.repo.items == {}


def test_given_exactly_the_limit_when_requesting_then_accepted() -> None:
    grant = request_upload(make_deps(), ALICE, {**GOOD, "size": 50 * 1024 * 1024})
    assert grant.fields["max"] == str(50 * 1024 * 1024)


def test_given_no_title_when_requesting_then_title_from_filename() -> None:
    deps = make_deps()
    body = {k: v for k, v in GOOD.items() if k != "title"}
    image = deps.repo.get(request_upload(deps, ALICE, body).image_id)
    assert image is not None and image.title == "beach"


def test_given_a_list_body_when_requesting_then_invalid_body() -> None:
    with pytest.raises(InvalidInput) as caught:
        request_upload(make_deps(), ALICE, ["nope"])
    assert caught.value.code == "invalid_body"


def test_given_hashtags_in_the_description_then_they_join_the_tags() -> None:
    deps = make_deps()
    body = {**GOOD, "tags": ["sea"], "description": "Evening light #Sunset #sea, page#1"}
    image = deps.repo.get(request_upload(deps, ALICE, body).image_id)
    assert image is not None and image.tags == ("sea", "sunset")


@pytest.mark.parametrize(
    ("principal", "shown"),
    [
        (Principal("sub-alice", "alice", frozenset({"contributors"})), "alice"),
        (Principal("sub-ann", "ann.lee@example.test", frozenset({"contributors"})), "ann.lee"),
        (Principal("6f1c-uuid", "6f1c-uuid", frozenset({"contributors"})), ""),
    ],
    ids=["plain-user-name", "e-mail-user-name", "generated-user-name"],
)
def test_given_a_user_name_when_uploading_then_the_public_owner_name_hides_e_mails_and_ids(
    principal: Principal, shown: str
) -> None:
    # GIVEN a contributor whose token names them as `principal.username`
    deps = make_deps()
    # WHEN they ask for an upload grant
    image = deps.repo.get(request_upload(deps, principal, GOOD).image_id)
    # THEN the public owner_name is never an e-mail address nor Cognito's generated id
    assert image is not None and image.owner_name == shown and image.owner == principal.sub
    assert "@" not in image.owner_name
