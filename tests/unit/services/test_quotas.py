"""Upload quotas at the use-case level: refusals that say which limit and when, admins exempt
from the daily limit only, a slot held for a vanished record healed, the usage view."""

from __future__ import annotations

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden, TooManyRequests
from chalicelib.domain.limits import Limits
from chalicelib.domain.model import Status
from chalicelib.services.quotas import quota_view
from chalicelib.services.uploads import request_upload
from tests.fakes import make_deps

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))
ADMIN = Principal("sub-root", "root", frozenset({"admins"}))
VISITOR = Principal("sub-bob", "bob", frozenset())
GOOD = {"filename": "a.jpg", "content_type": "image/jpeg", "size": 10, "title": "A"}


def _refusal(deps, principal: Principal) -> TooManyRequests:  # type: ignore[no-untyped-def]
    with pytest.raises(TooManyRequests) as refused:
        request_upload(deps, principal, GOOD)
    return refused.value


def test_the_grant_past_the_pending_limit_is_refused_with_when_to_retry() -> None:
    deps = make_deps(limits=Limits(upload_max_pending=2))
    for _ in range(2):
        request_upload(deps, ALICE, GOOD)
    error = _refusal(deps, ALICE)
    assert (error.status, error.code) == (429, "too_many_pending")
    # the oldest grant's link (300 s) lapses about 300 s from now (the fake clock ticks 1 ms)
    assert error.retry_after == 300 and error.details == {"retry_after": 300}
    assert "2 uploads waiting" in error.message and "5 minutes" in error.message
    assert len(deps.repo.items) == 2


def test_the_grant_past_the_daily_limit_waits_for_utc_midnight() -> None:
    deps = make_deps(limits=Limits(upload_daily_limit=2))
    for _ in range(2):
        grant = request_upload(deps, ALICE, GOOD)
        deps.repo.start_processing(grant.image_id, "t")  # frees its slot, not the day's count
    error = _refusal(deps, ALICE)
    assert error.code == "daily_limit"
    assert error.retry_after == 12 * 3600  # the fake clock's noon to midnight, rounded up
    assert "midnight UTC" in error.message and "12 hours" in error.message


def test_an_admin_is_exempt_from_the_daily_limit_but_not_the_pending_one() -> None:
    deps = make_deps(limits=Limits(upload_daily_limit=1, upload_max_pending=2))
    for _ in range(2):
        request_upload(deps, ADMIN, GOOD)
    assert _refusal(deps, ADMIN).code == "too_many_pending"
    assert quota_view(deps, ADMIN).daily_limit is None


def test_a_slot_held_for_a_record_that_vanished_is_freed_and_the_grant_admitted() -> None:
    deps = make_deps(limits=Limits(upload_max_pending=1))
    first = request_upload(deps, ALICE, GOOD)
    del deps.repo.items[first.image_id]  # as the table's TTL drops a record: no transition
    second = request_upload(deps, ALICE, GOOD)
    assert deps.repo.quota_usage("sub-alice", "2026-11-27").pending == (second.image_id,)


def test_the_quota_view_counts_what_is_pending_and_granted_today() -> None:
    deps = make_deps()
    grants = [request_upload(deps, ALICE, GOOD) for _ in range(3)]
    deps.repo.reject(grants[0].image_id, "not_an_image", "t")
    view = quota_view(deps, ALICE)
    assert (view.pending, view.max_pending, view.today, view.daily_limit) == (2, 20, 3, 500)
    assert view.resets_at == "2026-11-28T00:00:00Z"
    assert deps.repo.get(grants[0].image_id).status is Status.REJECTED  # type: ignore[union-attr]
    with pytest.raises(Forbidden):
        quota_view(deps, VISITOR)
