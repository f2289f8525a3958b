"""The ImageRepository's moderation contract (fake and DynamoDB on moto): holds, reports,
decisions and the review queue."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.model import Status
from chalicelib.domain.moderation import Report
from chalicelib.ports import ImageRepository
from tests.contract.images import current, decision, image_in, move, new_image, race


def _report(who: str, reason: str = "spam", at: str = "t-report") -> Report:
    return Report(who, reason, f"note by {who}", at)


def test_a_held_finish_puts_the_image_on_the_review_queue_with_its_reasons(
    image_repo: ImageRepository,
) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    assert image_repo.finish(image_id, "2026-11-27T13:00:00Z", ["new_contributor"])
    got = current(image_repo, image_id)
    assert (got.status, got.review_reasons, got.stage_at) == (
        Status.IN_REVIEW, ("new_contributor",), "2026-11-27T13:00:00Z")
    assert [i.image_id for i in image_repo.review_queue(10).items] == [image_id]
    # exactly once: neither a second held finish nor a plain one wins again
    assert not image_repo.finish(image_id, "t2", ["new_contributor"])
    assert not image_repo.finish(image_id, "t3")


def test_a_late_task_never_decides_for_an_admin(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.IN_REVIEW)
    assert not image_repo.finish(image_id, "t-late")
    assert not image_repo.reject(image_id, "corrupt_image", "t-late")
    assert not image_repo.fail(image_id, "processing_error", "t-late")
    assert current(image_repo, image_id).status is Status.IN_REVIEW


def test_approve_makes_it_ready_records_the_decision_and_leaves_the_queue(
    image_repo: ImageRepository,
) -> None:
    image_id = image_in(image_repo, Status.IN_REVIEW)
    decided = image_repo.decide(image_id, replace(decision("approve", "t-ok"),
                                                  reasons=("new_contributor",)))
    assert decided is not None
    got = current(image_repo, image_id)
    assert got == decided
    assert (got.status, got.reason, got.review_reasons, got.stage_at) == (
        Status.READY, None, (), "")
    assert [(d.by, d.at, d.decision, d.reasons) for d in got.decisions] == [
        ("sub-admin", "t-ok", "approve", ("new_contributor",))]
    assert image_repo.review_queue(10).items == []
    assert image_repo.decide(image_id, decision("approve")) is None  # never approved twice


def test_reject_keeps_the_admins_words_for_the_owner(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.IN_REVIEW)
    assert image_repo.decide(image_id, decision("reject", "t-no")) is not None
    got = current(image_repo, image_id)
    assert (got.status, got.reason, got.moderation_note) == (
        Status.REJECTED, "moderation", "not ours")
    assert got.decisions[-1].decision == "reject"


def test_of_two_concurrent_decisions_exactly_one_wins(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.IN_REVIEW)
    calls = [
        lambda i: image_repo.decide(i, decision("approve", by="sub-one")) is not None,
        lambda i: image_repo.decide(i, decision("reject", by="sub-two")) is not None,
    ]
    results = race(calls, image_id)
    assert sorted(results) == [False, True]
    got = current(image_repo, image_id)
    assert len(got.decisions) == 1
    assert got.status is (Status.READY if results[0] else Status.REJECTED)


def test_one_report_per_person_counted_only_while_ready(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.READY)
    version = current(image_repo, image_id).version
    assert image_repo.add_report(image_id, _report("sub-1", "copyright")) == 1
    assert image_repo.add_report(image_id, _report("sub-1", "spam")) is None  # same person
    assert image_repo.add_report(image_id, _report("sub-2")) == 2
    got = current(image_repo, image_id)
    assert [(r.reporter, r.reason, r.note) for r in got.reports] == [
        ("sub-1", "copyright", "note by sub-1"), ("sub-2", "spam", "note by sub-2")]
    assert (got.open_reports, got.version) == (2, version)  # nothing new for the index
    processing = image_in(image_repo, Status.PROCESSING)
    assert image_repo.add_report(processing, _report("sub-1")) is None
    assert image_repo.add_report("0" * 32, _report("sub-1")) is None


def test_reported_back_to_review_then_approved_starts_counting_again(
    image_repo: ImageRepository,
) -> None:
    image_id = image_in(image_repo, Status.READY)
    for who in ("sub-1", "sub-2"):
        image_repo.add_report(image_id, _report(who))
    results = race([lambda i: image_repo.hold_reported(i, "t-held")] * 2, image_id)
    assert sorted(results) == [False, True]
    got = current(image_repo, image_id)
    assert (got.status, got.review_reasons) == (Status.IN_REVIEW, ("reported",))
    assert image_repo.add_report(image_id, _report("sub-3")) is None  # in review: not counted
    assert image_repo.decide(image_id, decision("approve")) is not None
    assert current(image_repo, image_id).open_reports == 0
    assert image_repo.add_report(image_id, _report("sub-1")) is None  # one report each, ever
    assert image_repo.add_report(image_id, _report("sub-4")) == 1


def test_hold_reported_only_takes_a_ready_image(image_repo: ImageRepository) -> None:
    for status in (Status.PENDING, Status.PROCESSING, Status.REJECTED, Status.DELETED):
        image_id = image_in(image_repo, status)
        assert not image_repo.hold_reported(image_id, "t")
        assert current(image_repo, image_id).status is status


def test_the_review_queue_is_oldest_first_and_pages_with_an_opaque_cursor(
    image_repo: ImageRepository,
) -> None:
    ids = []
    for minute in (7, 3, 9, 1):
        image_id = image_in(image_repo, Status.PROCESSING)
        assert image_repo.finish(image_id, f"2026-11-27T13:{minute:02d}:00Z", ["all_reviewed"])
        ids.append((minute, image_id))
    image_in(image_repo, Status.READY)  # not listed
    seen, cursor = [], None
    for _ in range(5):
        page = image_repo.review_queue(3, cursor)
        seen += [i.image_id for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [i for _, i in sorted(ids)]
    with pytest.raises(InvalidInput):
        image_repo.review_queue(3, "bm90LWEtY3Vyc29y")


def test_deleting_an_image_in_review_takes_it_off_the_queue(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.IN_REVIEW)
    assert move(image_repo, image_id, Status.DELETED)
    assert image_repo.review_queue(10).items == []
    assert image_repo.decide(image_id, decision("approve")) is None


def test_published_counts_ready_and_in_review_of_that_owner_up_to_the_limit(
    image_repo: ImageRepository,
) -> None:
    for status in (Status.READY, Status.IN_REVIEW, Status.REJECTED, Status.PROCESSING):
        image_in(image_repo, status)  # owner sub-a
    other = new_image(owner="sub-b")
    image_repo.add(other)
    assert image_repo.count_published("sub-a", 5) == 2
    assert image_repo.count_published("sub-a", 1) == 1
    assert image_repo.count_published("sub-b", 5) == 0


def test_hold_duplicate_sends_a_ready_image_to_review_naming_its_original(
    image_repo: ImageRepository,
) -> None:
    original = image_in(image_repo, Status.READY)
    image_id = image_in(image_repo, Status.READY)
    version = current(image_repo, image_id).version
    results = race([lambda i: image_repo.hold_duplicate(i, original, "t-hold")] * 2, image_id)
    assert sorted(results) == [False, True]
    got = current(image_repo, image_id)
    assert (got.status, got.review_reasons, got.possible_duplicate_of, got.stage_at) == (
        Status.IN_REVIEW, ("possible_duplicate",), original, "t-hold")
    assert got.version > version  # the stream -> indexer takes it out of search
    assert [i.image_id for i in image_repo.review_queue(10).items] == [image_id]
    assert current(image_repo, original).status is Status.READY


def test_hold_duplicate_never_takes_an_image_that_is_not_ready(
    image_repo: ImageRepository,
) -> None:
    for status in (Status.PENDING, Status.PROCESSING, Status.IN_REVIEW, Status.REJECTED,
                   Status.DELETED):
        image_id = image_in(image_repo, status)
        before = current(image_repo, image_id)
        assert not image_repo.hold_duplicate(image_id, "orig", "t")
        assert current(image_repo, image_id) == before
    assert not image_repo.hold_duplicate("f" * 32, "orig", "t")
    assert image_repo.get("f" * 32) is None  # a missing image is never written into being


def test_mark_possible_duplicate_names_the_original_once_and_keeps_the_queue_place(
    image_repo: ImageRepository,
) -> None:
    image_id = image_in(image_repo, Status.IN_REVIEW)  # held as a new contributor's
    waiting_since = current(image_repo, image_id).stage_at
    assert image_repo.mark_possible_duplicate(image_id, "orig-1", "t-mark")
    got = current(image_repo, image_id)
    assert (got.status, got.review_reasons, got.possible_duplicate_of, got.stage_at) == (
        Status.IN_REVIEW, ("new_contributor", "possible_duplicate"), "orig-1", waiting_since)
    assert not image_repo.mark_possible_duplicate(image_id, "orig-2", "t-again")
    assert current(image_repo, image_id).possible_duplicate_of == "orig-1"
    for status in (Status.PROCESSING, Status.READY, Status.DELETED):
        other = image_in(image_repo, status)
        assert not image_repo.mark_possible_duplicate(other, "orig-1", "t")
        assert current(image_repo, other).possible_duplicate_of == ""


def test_published_counts_past_pages_of_unpublished_images(image_repo: ImageRepository) -> None:
    # the real adapter reads `at_most` items a page: pages with nothing published go by
    for status in (Status.REJECTED,) * 3 + (Status.PROCESSING,) * 2 + (Status.READY,) * 2:
        image_in(image_repo, status)  # owner sub-a
    assert image_repo.count_published("sub-a", 2) == 2
    assert image_repo.count_published("sub-a", 3) == 2
