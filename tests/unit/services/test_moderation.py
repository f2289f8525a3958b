"""Moderation use cases on fakes: the hold at the end of rendering, decisions, reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.domain.limits import Limits
from chalicelib.domain.model import Facts, Image, Status
from chalicelib.domain.moderation import Mode, ModerationPolicy
from chalicelib.domain.outcomes import Outcome, Result
from chalicelib.ports import RenderTask, UploadedObject
from chalicelib.services import ingest, render, reports, review
from chalicelib.services.deps import Deps
from chalicelib.services.indexing import change_for
from chalicelib.services.sweeping import sweep_all
from chalicelib.services.uploads import request_upload
from tests.fakes import FakeProcessor, make_deps

ADMIN = Principal("sub-admin", "admin", frozenset({"admins"}))
ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))


def _deps(mode: Mode = Mode.NEW_CONTRIBUTORS, photos: int = 2, threshold: int = 3) -> Deps:
    policy = ModerationPolicy(mode=mode, new_contributor_photos=photos,
                              report_threshold=threshold)
    return make_deps(limits=Limits(moderation=policy))


def _rendered(deps: Deps, n: int, owner: str = "sub-alice", admin: bool = False) -> str:
    """Image n of `owner`, processed to its end through render; its id."""
    image_id = f"{n:032x}"
    deps.repo.add(Image(
        image_id, owner, "a", Status.PROCESSING, f"2026-01-01T00:00:{n:02d}Z",
        facts=Facts(400, 300, "landscape", "jpeg", 99), expected=("thumb",), owner_admin=admin,
    ))
    deps.uploads.put(f"masters/{image_id}.tif", b"MASTER", "image/tiff")
    render.render_one(deps, RenderTask(image_id, "thumb"))
    return image_id


def _status(deps: Deps, image_id: str) -> Status:
    image = deps.repo.get(image_id)
    assert image is not None
    return image.status


def test_a_new_contributors_first_photos_wait_for_review_then_the_rest_go_ready() -> None:
    deps = _deps(photos=2)
    first, second, third = (_rendered(deps, n) for n in (1, 2, 3))
    assert [_status(deps, i) for i in (first, second, third)] == [
        Status.IN_REVIEW, Status.IN_REVIEW, Status.READY]
    held = deps.repo.get(first)
    assert held is not None and held.review_reasons == ("new_contributor",)
    assert f"masters/{first}.tif" not in deps.uploads.objects  # processing is done with it
    assert change_for(None, held) is not None and change_for(None, held).doc is None  # type: ignore[union-attr]


def test_the_render_that_holds_the_image_reports_it_completed() -> None:
    deps = _deps(mode=Mode.ALL)
    image_id = f"{9:032x}"
    deps.repo.add(Image(image_id, "sub-alice", "a", Status.PROCESSING, "t",
                        facts=Facts(4, 3, "landscape", "jpeg", 9), expected=("thumb",)))
    deps.uploads.put(f"masters/{image_id}.tif", b"M", "image/tiff")
    assert render.render_one(deps, RenderTask(image_id, "thumb")) == Result(
        Outcome.READY, "in_review")
    assert render.render_one(deps, RenderTask(image_id, "thumb")) == Result(Outcome.STALE)


@pytest.mark.parametrize(("mode", "admin", "expected"), [
    (Mode.OFF, False, Status.READY),
    (Mode.ALL, False, Status.IN_REVIEW),
    (Mode.ALL, True, Status.READY),
    (Mode.NEW_CONTRIBUTORS, True, Status.READY),
])
def test_the_setting_and_admins(mode: Mode, admin: bool, expected: Status) -> None:
    deps = _deps(mode=mode)
    assert _status(deps, _rendered(deps, 1, admin=admin)) is expected


def _in_review(deps: Deps) -> str:
    return _rendered(deps, 1)


def test_only_admins_decide_and_an_image_is_decided_once() -> None:
    deps = _deps()
    image_id = _in_review(deps)
    with pytest.raises(Forbidden):
        review.decide(deps, ALICE, image_id, {"decision": "approve"})
    approved = review.decide(deps, ADMIN, image_id, {"decision": "approve", "reason": "ok"})
    assert approved.status is Status.READY
    assert [(d.by, d.decision, d.note, d.reasons) for d in approved.decisions] == [
        ("sub-admin", "approve", "ok", ("new_contributor",))]
    with pytest.raises(Conflict) as caught:
        review.decide(deps, ADMIN, image_id, {"decision": "approve"})
    assert caught.value.code == "not_in_review"
    with pytest.raises(NotFound):
        review.decide(deps, ADMIN, "f" * 32, {"decision": "approve"})
    with pytest.raises(InvalidInput):
        review.decide(deps, ADMIN, image_id, {"decision": "later"})


def test_a_rejection_carries_the_admins_words() -> None:
    deps = _deps()
    image_id = _in_review(deps)
    rejected = review.decide(deps, ADMIN, image_id, {"decision": "reject", "reason": "blurry"})
    assert (rejected.status, rejected.reason, rejected.moderation_note) == (
        Status.REJECTED, "moderation", "blurry")


def test_the_queue_is_for_admins_only() -> None:
    deps = _deps()
    image_id = _in_review(deps)
    with pytest.raises(Forbidden):
        review.review_queue(deps, ALICE, None, 10)
    assert [i.image_id for i in review.review_queue(deps, ADMIN, None, 10).items] == [image_id]


def _reporter(n: int) -> Principal:
    return Principal(f"sub-r{n}", f"r{n}")


def test_three_different_people_send_a_ready_photo_back_to_review() -> None:
    deps = _deps(mode=Mode.OFF, threshold=3)
    image_id = _rendered(deps, 1)
    body = {"reason": "offensive", "note": "look"}
    receipts = [reports.report_image(deps, _reporter(n), image_id, body) for n in (1, 1, 2)]
    assert [(r.counted, r.held) for r in receipts] == [(True, False), (False, False),
                                                       (True, False)]
    assert _status(deps, image_id) is Status.READY
    assert reports.report_image(deps, _reporter(3), image_id, body).held
    held = deps.repo.get(image_id)
    assert held is not None and (held.status, held.review_reasons) == (
        Status.IN_REVIEW, ("reported",))
    # out of review for everyone but owner and admins, so no more reports
    with pytest.raises(NotFound):
        reports.report_image(deps, _reporter(4), image_id, body)
    with pytest.raises(Conflict):
        reports.report_image(deps, ADMIN, image_id, body)


def test_a_report_needs_a_reason_and_a_visible_photo() -> None:
    deps = _deps()
    image_id = _in_review(deps)
    with pytest.raises(InvalidInput):
        reports.report_image(deps, _reporter(1), image_id, {"reason": "meh"})
    with pytest.raises(NotFound):
        reports.report_image(deps, _reporter(1), image_id, {"reason": "spam"})
    with pytest.raises(NotFound):
        reports.report_image(deps, _reporter(1), "nope", {"reason": "spam"})


def test_a_possible_duplicate_is_held_even_with_moderation_off() -> None:
    deps = _deps(mode=Mode.OFF)
    image_id = f"{5:032x}"
    image = Image(image_id, "sub-bob", "b", Status.PROCESSING, "t",
                  facts=Facts(4, 3, "landscape", "jpeg", 9), expected=("thumb",))
    deps.repo.add(replace(image, possible_duplicate_of="a" * 32))
    deps.uploads.put(f"masters/{image_id}.tif", b"M", "image/tiff")
    render.render_one(deps, RenderTask(image_id, "thumb"))
    held = deps.repo.get(image_id)
    assert held is not None and held.review_reasons == ("possible_duplicate",)


def _through_the_pipeline(deps: Deps, who: Principal) -> str:
    """An upload by `who`, ingested and rendered to its end with the fakes; its id."""
    from tests.images import factory

    body = {"filename": "x.jpg", "content_type": "image/jpeg", "size": 10_000_000}
    image_id = request_upload(deps, who, body).image_id
    key = f"uploads/{image_id}"
    deps.uploads.put(key, factory.photo(4000, 3000), "image/jpeg")
    etag = deps.uploads.versions[key][-1].etag  # type: ignore[attr-defined]
    ingest.ingest_object(deps, UploadedObject(key, etag))
    for _ in range(3):
        sent = list(deps.queue.sent)  # type: ignore[attr-defined]
        deps.queue.sent.clear()  # type: ignore[attr-defined]
        for task in sent:
            render.render_one(deps, task)
    return image_id


def test_a_held_photo_is_left_alone_by_the_sweeper_however_long_it_waits() -> None:
    deps = make_deps(FakeProcessor(size=(4000, 3000)), Limits(moderation=ModerationPolicy(
        mode=Mode.NEW_CONTRIBUTORS)))
    image_id = _through_the_pipeline(deps, ALICE)
    before = deps.repo.get(image_id)
    assert before is not None and before.status is Status.IN_REVIEW
    deps.clock.current += timedelta(days=30)  # type: ignore[attr-defined]
    sweep_all(deps)
    assert deps.repo.get(image_id) == before  # neither re-sent, failed nor expired
    assert deps.queue.sent == []  # type: ignore[attr-defined]
    assert image_id not in deps.search_index().docs  # type: ignore[attr-defined]
    assert all(r.key in deps.renditions.objects or r.name == "full"  # type: ignore[attr-defined]
               for r in before.renditions.values())


def test_an_admins_upload_is_never_held() -> None:
    deps = make_deps(FakeProcessor(size=(4000, 3000)), Limits(moderation=ModerationPolicy(
        mode=Mode.ALL)))
    image_id = _through_the_pipeline(deps, ADMIN)
    assert _status(deps, image_id) is Status.READY
