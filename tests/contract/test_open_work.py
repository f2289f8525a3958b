"""The ImageRepository contract, continued: what the sweeper reads and writes (the `by_stage`
index of open images, repairs, expiry, scan segments), on the fake and on DynamoDB alike."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

import pytest

from chalicelib.domain.model import OPEN, Status
from chalicelib.ports import ImageRepository
from tests.contract.images import FACTS, current, image_in, move, new_image, race, rendition
from tests.fake_repo import FakeRepo

LATER = "9999"  # after every time written here


def _open_ids(repo: ImageRepository, stage: Status, before: str = LATER) -> dict[str, str]:
    """Every image open in `stage` before `before`, as id -> stage_at, following cursors."""
    found: dict[str, str] = {}
    cursor = None
    while True:
        page = repo.open_since(stage, before, 2, cursor)
        found |= {ref.image_id: ref.stage_at for ref in page.items}
        cursor = page.next_cursor
        if cursor is None:
            return found


def _at(minute: int) -> str:
    return f"2026-11-27T12:{minute:02d}:00.000000Z"


def test_an_open_image_is_listed_by_its_stage_and_last_progress(
    image_repo: ImageRepository,
) -> None:
    image = new_image(created_at=_at(0))
    image_repo.add(image)
    i = image.image_id
    assert _open_ids(image_repo, Status.PENDING) == {i: _at(0)}
    steps: list[tuple[str, Callable[[str], object]]] = [
        (_at(1), lambda now: image_repo.start_processing(i, now)),
        (_at(2), lambda now: image_repo.record_facts(i, FACTS, ["thumb", "large"], now)),
        (_at(3), lambda now: image_repo.add_renditions(i, [rendition(i, "thumb")], now)),
    ]
    for now, step in steps:
        assert step(now)
        assert _open_ids(image_repo, Status.PENDING) == {}
        assert _open_ids(image_repo, Status.PROCESSING) == {i: now}
        assert current(image_repo, i).stage_at == now


# Held for review is an ending too, but onto the review queue (test_moderation_repository).
ENDINGS = [(start, end) for start in OPEN for end in Status if end.terminal
           and start.may_become(end) and end is not Status.IN_REVIEW]


@pytest.mark.parametrize(("start", "end"), ENDINGS, ids=str)
def test_every_ending_takes_the_image_off_the_stage_index(
    image_repo: ImageRepository, start: Status, end: Status
) -> None:
    image_id = image_in(image_repo, start)
    assert move(image_repo, image_id, end, _at(5))
    assert _open_ids(image_repo, start) == {} and _open_ids(image_repo, Status.PROCESSING) == {}
    got = current(image_repo, image_id)
    assert (got.status, got.stage_at) == (end, "")


def test_open_images_are_listed_oldest_first_and_only_before_the_cutoff(
    image_repo: ImageRepository,
) -> None:
    minutes = [7, 3, 9, 1, 5]
    ids = {}
    for minute in minutes:
        image = new_image(created_at=_at(minute))
        image_repo.add(image)
        ids[minute] = image.image_id
    for limit in (1, 2, 10):
        seen, cursor = [], None
        while True:
            page = image_repo.open_since(Status.PENDING, _at(8), limit, cursor)
            assert len(page.items) <= limit
            seen += [(ref.stage_at, ref.image_id) for ref in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == [(_at(m), ids[m]) for m in (1, 3, 5, 7)]


def test_a_repair_is_counted_once_per_seen_progress(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    seen = current(image_repo, image_id).stage_at
    assert image_repo.mark_repaired(image_id, seen, _at(10))
    assert not image_repo.mark_repaired(image_id, seen, _at(11))  # another sweep, same sight
    got = current(image_repo, image_id)
    assert (got.repairs, got.stage_at) == (1, _at(10))
    assert _open_ids(image_repo, Status.PROCESSING) == {image_id: _at(10)}
    # progress made since the sweep looked: its repair is not made
    assert image_repo.record_facts(image_id, FACTS, ["thumb"], _at(12))
    assert not image_repo.mark_repaired(image_id, _at(10), _at(13))
    assert current(image_repo, image_id).repairs == 1


def test_a_pending_image_can_be_repaired_and_an_ended_one_not(
    image_repo: ImageRepository,
) -> None:
    pending, ready = image_in(image_repo, Status.PENDING), image_in(image_repo, Status.READY)
    assert image_repo.mark_repaired(pending, current(image_repo, pending).stage_at, _at(20))
    assert current(image_repo, pending).repairs == 1
    before = current(image_repo, ready)
    assert not image_repo.mark_repaired(ready, before.stage_at, _at(20))
    assert current(image_repo, ready) == before
    assert not image_repo.mark_repaired(uuid.uuid4().hex, "", _at(20))


def test_two_sweeps_racing_repair_once(image_repo: ImageRepository) -> None:
    for _ in range(3):
        image_id = image_in(image_repo, Status.PROCESSING)
        seen = current(image_repo, image_id).stage_at
        won = race([lambda i, s=seen: image_repo.mark_repaired(i, s, _at(30))] * 6, image_id)
        assert sum(won) == 1 and current(image_repo, image_id).repairs == 1


@pytest.mark.parametrize("status", list(Status), ids=str)
def test_only_a_pending_record_expires(image_repo: ImageRepository, status: Status) -> None:
    image_id = image_in(image_repo, status)
    expired = image_repo.expire_pending(image_id)
    assert expired is (status is Status.PENDING)
    assert (image_repo.get(image_id) is None) is expired


def test_expiring_a_missing_record_is_no_change(image_repo: ImageRepository) -> None:
    assert image_repo.expire_pending(uuid.uuid4().hex) is False


def _legacy_open(repo: ImageRepository, status: Status) -> str:
    """An open image as written before `stage` existed (no place on `by_stage`)."""
    image_id = image_in(repo, status)
    if isinstance(repo, FakeRepo):
        repo.items[image_id] = replace(repo.items[image_id], stage_at="")
    else:
        record = repo.record(image_id)  # type: ignore[attr-defined]
        record.update(actions=[repo.record.stage.remove(), repo.record.stage_at.remove()])  # type: ignore[attr-defined]
    return image_id


@pytest.mark.parametrize("status", [Status.PENDING, Status.PROCESSING], ids=str)
def test_an_open_image_from_before_the_index_is_backfilled_once(
    image_repo: ImageRepository, status: Status
) -> None:
    image_id = _legacy_open(image_repo, status)
    assert _open_ids(image_repo, status) == {}
    assert image_repo.backfill_stage(image_id, status, _at(40))
    assert _open_ids(image_repo, status) == {image_id: _at(40)}
    assert not image_repo.backfill_stage(image_id, status, _at(41))  # it has one now
    assert current(image_repo, image_id).stage_at == _at(40)


def test_backfill_never_touches_an_ended_image_or_another_status(
    image_repo: ImageRepository,
) -> None:
    ready = image_in(image_repo, Status.READY)
    legacy = _legacy_open(image_repo, Status.PENDING)
    assert not image_repo.backfill_stage(ready, Status.READY, _at(42))
    assert not image_repo.backfill_stage(legacy, Status.PROCESSING, _at(42))
    assert _open_ids(image_repo, Status.PENDING) == {}
    assert _open_ids(image_repo, Status.PROCESSING) == {}


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_scan_segments_cover_every_image_once(image_repo: ImageRepository, limit: int) -> None:
    ids = {image_in(image_repo, status) for status in Status for _ in range(2)}
    seen: list[str] = []
    for segment in range(4):
        cursor = None
        while True:
            page = image_repo.scan_segment(segment, 4, limit, cursor)
            assert len(page.items) <= limit
            seen += [image.image_id for image in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert sorted(seen) == sorted(ids)
