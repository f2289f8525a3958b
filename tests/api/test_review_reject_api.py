"""A reject over HTTP: it needs words (400 reason_required), and it takes the photo's public
renditions down at once; its owner sees the words and no dead rendition link, others nothing."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.test_review_api import ADMIN, ALICE, MALLORY, _call, _code, _uploaded


@pytest.mark.parametrize("body", [
    {"decision": "reject"},
    {"decision": "reject", "reason": ""},
    {"decision": "reject", "reason": "   \n "},
    {"decision": "reject", "reason": None},
    {"decision": "reject", "reason": "x" * 1001},  # DECISION_NOTE_CHARS' default is 1000
])
def test_a_reject_without_words_is_400_reason_required_and_decides_nothing(
    api: Api, body: dict[str, object],
) -> None:
    image_id = _uploaded(api, ("new_contributor",))
    api.deps.renditions.put(f"{image_id}/thumb.webp", b"R", "image/webp")
    status, answer = _call(api, "POST", f"/review/{image_id}", ADMIN, body)
    assert (status, answer["error"]["code"]) == (400, "reason_required")
    assert "owner" in answer["error"]["message"]
    assert _call(api, "GET", f"/images/{image_id}", ALICE)[1]["status"] == "in_review"
    assert f"{image_id}/thumb.webp" in api.deps.renditions.objects  # type: ignore[attr-defined]


def test_a_reject_takes_the_public_renditions_down_and_the_owner_sees_no_link(api: Api) -> None:
    image_id = _uploaded(api, ("reported",))
    api.deps.renditions.put(f"{image_id}/thumb.webp", b"R", "image/webp")
    body = {"decision": "reject", "reason": "  Not the uploader's photo  "}
    status, decided = _call(api, "POST", f"/review/{image_id}", ADMIN, body)
    assert (status, decided["status"], decided["renditions"]) == (200, "rejected", {})
    assert f"{image_id}/thumb.webp" not in api.deps.renditions.objects  # type: ignore[attr-defined]
    assert api.deps.cdn.invalidated == [f"/renditions/{image_id}/*"]  # type: ignore[attr-defined]
    mine = _call(api, "GET", f"/images/{image_id}", ALICE)[1]
    assert (mine["status"], mine["moderation_note"], mine["renditions"]) == (
        "rejected", "Not the uploader's photo", {})
    assert mine["download_sizes"] == []  # no size but the owner's original is served
    assert _call(api, "GET", f"/images/{image_id}", ADMIN)[1]["renditions"] == {}
    assert _code(_call(api, "GET", f"/images/{image_id}", MALLORY)) == (404, "image_not_found")
    assert _code(_call(api, "GET", f"/images/{image_id}", {})) == (404, "image_not_found")
