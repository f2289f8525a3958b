"""Upload quotas over HTTP: 429 with Retry-After and a plain-words body; GET /api/me/quota."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from chalicelib.domain.limits import Limits
from tests.api.conftest import Api
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
VISITOR = bearer("sub-vera", "vera")
UPLOAD = {"filename": "beach.jpg", "content_type": "image/jpeg", "size": 2048, "title": "Beach"}


def _grant(api: Api):  # type: ignore[no-untyped-def]
    return api.client.http.post("/uploads", headers=ALICE, body=json.dumps(UPLOAD))


def _limit(api: Api, **limits: int) -> None:
    api.deps.limits = Limits(**limits)


def test_the_grant_past_the_pending_limit_is_429_with_retry_after(api: Api) -> None:
    _limit(api, upload_max_pending=2)
    assert [_grant(api).status_code for _ in range(2)] == [201, 201]
    refused = _grant(api)
    body = json.loads(refused.body)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "300"
    assert set(body) == {"error"} and body["error"]["code"] == "too_many_pending"
    assert body["error"]["retry_after"] == 300
    assert "Try again in 5 minutes" in body["error"]["message"]


def test_the_grant_past_the_daily_limit_is_429_until_utc_midnight(api: Api) -> None:
    _limit(api, upload_daily_limit=1)
    assert _grant(api).status_code == 201
    refused = _grant(api)
    body = json.loads(refused.body)["error"]
    assert (refused.status_code, body["code"]) == (429, "daily_limit")
    assert refused.headers["Retry-After"] == str(body["retry_after"]) == str(12 * 3600)


def test_my_quota_shows_what_is_used_and_when_the_day_resets(api: Api) -> None:
    _limit(api, upload_max_pending=5, upload_daily_limit=9)
    _grant(api)
    response = api.client.http.get("/me/quota", headers=ALICE)
    assert response.status_code == 200
    assert json.loads(response.body) == {
        "pending": 1, "max_pending": 5, "today": 1, "daily_limit": 9,
        "resets_at": "2026-11-28T00:00:00Z",
    }


def test_my_quota_is_for_signed_in_contributors_only(api: Api) -> None:
    assert api.client.http.get("/me/quota").status_code == 401
    forbidden = api.client.http.get("/me/quota", headers=VISITOR)
    assert forbidden.status_code == 403
    assert json.loads(forbidden.body)["error"]["code"] == "not_a_contributor"


def test_a_pending_image_says_when_its_upload_link_expires(api: Api) -> None:
    """GIVEN a grant never used WHEN the owner lists their photos THEN the pending image
    names its link's expiry (the web app shows "Upload interrupted" after it)."""
    _limit(api, upload_expires_seconds=120)
    image_id = json.loads(_grant(api).body)["image_id"]
    mine = json.loads(api.client.http.get("/me/images", headers=ALICE).body)["results"]
    one = json.loads(api.client.http.get(f"/images/{image_id}", headers=ALICE).body)
    listed = next(i for i in mine if i["id"] == image_id)
    assert listed["status"] == "pending"
    created = datetime.fromisoformat(listed["created_at"].replace("Z", "+00:00"))
    expiry = datetime.fromisoformat(listed["upload_expires_at"].replace("Z", "+00:00"))
    assert expiry - created == timedelta(seconds=120)
    assert one["upload_expires_at"] == listed["upload_expires_at"]


def test_a_withdrawn_grant_leaves_the_list_and_frees_its_slot(api: Api) -> None:
    """Cancel in the web app: DELETE on the pending image withdraws the grant."""
    _limit(api, upload_max_pending=1)
    image_id = json.loads(_grant(api).body)["image_id"]
    assert _grant(api).status_code == 429
    assert api.client.http.delete(f"/images/{image_id}", headers=ALICE).status_code == 204
    mine = json.loads(api.client.http.get("/me/images", headers=ALICE).body)["results"]
    assert image_id not in [i["id"] for i in mine]
    assert _grant(api).status_code == 201
