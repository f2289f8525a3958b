"""Moderation over HTTP: the review queue and decisions (admins), reports, visibility."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.model import Rendition
from tests.api.conftest import Api
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
MALLORY = bearer("sub-mallory", "mallory", "contributors")
ADMIN = bearer("sub-admin", "admin", "admins")
UPLOAD = {"filename": "cat.jpg", "content_type": "image/jpeg", "size": 2048, "title": "Cat"}


def _uploaded(api: Api, review: tuple[str, ...] = ()) -> str:
    """Alice's upload, processed to ready, or to in_review with `review` as its reasons."""
    response = api.client.http.post("/uploads", headers=ALICE, body=json.dumps(UPLOAD))
    image_id = json.loads(response.body)["image_id"]
    repo = api.deps.repo
    repo.start_processing(image_id, "t")
    repo.add_renditions(
        image_id, [Rendition("thumb", f"{image_id}/thumb.webp", 200, 150, "webp", 7)], "t"
    )
    assert repo.finish(image_id, "t", review)
    return image_id


def _call(api: Api, method: str, path: str, headers: dict[str, str], body: Any = None
          ) -> tuple[int, Any]:
    response = api.client.http.request(
        method, path, headers={**headers, "content-type": "application/json"},
        body=b"" if body is None else json.dumps(body).encode())
    return response.status_code, json.loads(response.body) if response.body else None


def _code(answer: tuple[int, Any]) -> tuple[int, str]:
    return answer[0], answer[1]["error"]["code"]


def test_the_queue_is_403_for_others_and_lists_why_each_photo_waits(api: Api) -> None:
    image_id = _uploaded(api, ("new_contributor",))
    assert _code(_call(api, "GET", "/review", ALICE)) == (403, "not_admin")
    assert _call(api, "GET", "/review", {})[0] == 401
    status, body = _call(api, "GET", "/review?per_page=10", ADMIN)
    assert status == 200 and body["next_cursor"] is None
    [entry] = body["results"]
    assert (entry["id"], entry["status"]) == (image_id, "in_review")
    assert entry["review"]["reasons"] == ["new_contributor"]
    assert entry["review"]["possible_duplicate_of"] is None
    assert entry["renditions"]["thumb"]["url"].endswith("thumb.webp")
    assert _code(_call(api, "GET", "/review?cursor=forged", ADMIN)) == (400, "invalid_cursor")


def test_a_photo_in_review_is_seen_by_its_owner_and_admins_only(api: Api) -> None:
    image_id = _uploaded(api, ("new_contributor",))
    assert _call(api, "GET", f"/images/{image_id}", ALICE)[1]["status"] == "in_review"
    assert _call(api, "GET", f"/images/{image_id}", ADMIN)[0] == 200
    assert _code(_call(api, "GET", f"/images/{image_id}", MALLORY)) == (404, "image_not_found")
    assert _code(_call(api, "GET", f"/images/{image_id}", {})) == (404, "image_not_found")


def test_approve_once_then_409(api: Api) -> None:
    image_id = _uploaded(api, ("new_contributor",))
    path = f"/review/{image_id}"
    assert _code(_call(api, "POST", path, ALICE, {"decision": "approve"})) == (403, "not_admin")
    status, body = _call(api, "POST", path, ADMIN, {"decision": "approve"})
    assert (status, body["status"]) == (200, "ready")
    assert body["review"]["decisions"][0]["by"] == "sub-admin"
    assert _code(_call(api, "POST", path, ADMIN, {"decision": "approve"})) == (
        409, "not_in_review")
    assert _code(_call(api, "POST", path, ADMIN, {"decision": "yes"})) == (400, "invalid_decision")
    assert _call(api, "GET", f"/images/{image_id}", MALLORY)[0] == 200  # public now


def test_a_rejection_shows_the_admins_words_to_the_owner(api: Api) -> None:
    image_id = _uploaded(api, ("new_contributor",))
    body = {"decision": "reject", "reason": "Watermarked"}
    assert _call(api, "POST", f"/review/{image_id}", ADMIN, body)[0] == 200
    mine = _call(api, "GET", f"/images/{image_id}", ALICE)[1]
    assert (mine["status"], mine["reason"], mine["moderation_note"]) == (
        "rejected", "moderation", "Watermarked")
    assert _code(_call(api, "GET", f"/images/{image_id}", MALLORY)) == (404, "image_not_found")


def test_reports_are_counted_once_per_person_and_three_send_it_back(api: Api) -> None:
    image_id = _uploaded(api)
    path = f"/images/{image_id}/report"
    spam = {"reason": "spam"}
    assert _call(api, "POST", path, {}, spam)[0] == 401
    assert _code(_call(api, "POST", path, MALLORY, {"reason": "ugly"})) == (400, "invalid_reason")
    assert _call(api, "POST", path, MALLORY, spam) == (202, {"counted": True, "in_review": False})
    assert _call(api, "POST", path, MALLORY, spam) == (200, {"counted": False, "in_review": False})
    assert _call(api, "POST", path, bearer("sub-2", "two"), spam)[0] == 202
    assert _call(api, "POST", path, bearer("sub-3", "three"), {"reason": "copyright"}) == (
        202, {"counted": True, "in_review": True})
    [entry] = _call(api, "GET", "/review", ADMIN)[1]["results"]
    assert entry["review"]["reasons"] == ["reported"]
    assert entry["review"]["reports"]["count"] == 3
    assert entry["review"]["reports"]["reasons"] == {"spam": 2, "copyright": 1}
    assert _code(_call(api, "GET", f"/images/{image_id}", MALLORY)) == (404, "image_not_found")
