"""The ImageRepository contract: the fake and DynamoDB (on moto) both pass these.

Which status may become which comes from the domain's lifecycle table, so every pair of
statuses is tried against every implementation."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import replace

import pytest

from chalicelib.domain.camera import Camera
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.model import EDITABLE, RECORDING, Facts, Original, Status
from chalicelib.ports import ImageRepository
from tests.contract.images import (
    FACTS,
    current,
    image_in,
    listed,
    move,
    new_image,
    race,
    rendition,
    uploads,
)

PAIRS = list(itertools.product(Status, Status))


# --- add and get -----------------------------------------------------------------------------


def test_an_added_image_reads_back_with_created_at_as_updated_at(
    image_repo: ImageRepository
) -> None:
    image = new_image()
    image_repo.add(image)
    got = current(image_repo, image.image_id)
    # open, so it is on `by_stage` from its creation time
    assert got == replace(image, updated_at=image.created_at, stage_at=image.created_at)


def test_adding_an_existing_id_fails_and_keeps_the_first(image_repo: ImageRepository) -> None:
    image = new_image()
    image_repo.add(image)
    with pytest.raises(Exception):  # noqa: B017 - the port promises a failure, not its type
        image_repo.add(replace(image, title="second"))
    assert current(image_repo, image.image_id).title == "t"


def test_a_missing_image_is_none(image_repo: ImageRepository) -> None:
    assert image_repo.get(uuid.uuid4().hex) is None


# --- the lifecycle ---------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=lambda s: s.value)
def test_a_change_is_made_exactly_when_the_lifecycle_allows_it(
    image_repo: ImageRepository, source: Status, target: Status
) -> None:
    image_id = image_in(image_repo, source)
    before = current(image_repo, image_id)
    made = move(image_repo, image_id, target)
    after = current(image_repo, image_id)
    assert made is source.may_become(target)
    if made:
        assert (after.status, after.version, after.updated_at) == (
            target, before.version + 1, "t-move",
        )
    else:
        assert after == before


@pytest.mark.parametrize("target", list(Status), ids=lambda s: s.value)
def test_no_change_creates_a_missing_image(image_repo: ImageRepository, target: Status) -> None:
    ghost = uuid.uuid4().hex
    assert move(image_repo, ghost, target) is False
    assert image_repo.get(ghost) is None


def test_ready_is_won_exactly_once(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    assert [image_repo.finish(image_id, "t") for _ in range(2)] == [True, False]


def test_ending_records_the_reason_and_ready_has_none(image_repo: ImageRepository) -> None:
    rejected, failed = image_in(image_repo, Status.REJECTED), image_in(image_repo, Status.FAILED)
    ready = image_in(image_repo, Status.READY)
    reasons = [current(image_repo, i).reason for i in (rejected, failed, ready)]
    assert reasons == ["not_an_image", "processing_error", None]


def test_concurrent_endings_have_exactly_one_winner(image_repo: ImageRepository) -> None:
    endings: list[Callable[[str], bool]] = [
        lambda i: image_repo.finish(i, "t-race"),
        lambda i: image_repo.reject(i, "corrupt_image", "t-race"),
        lambda i: image_repo.fail(i, "processing_timeout", "t-race"),
    ]
    for _ in range(5):
        image_id = image_in(image_repo, Status.PROCESSING)
        calls = [endings[n % 3] for n in range(9)]
        won = race(calls, image_id)
        assert sum(won) == 1
        winner = {0: Status.READY, 1: Status.REJECTED, 2: Status.FAILED}[won.index(True) % 3]
        assert current(image_repo, image_id).status is winner


# --- what ingest and render record -----------------------------------------------------------


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_facts_and_renditions_are_recorded_only_while_processing(
    image_repo: ImageRepository, status: Status
) -> None:
    image_id = image_in(image_repo, status)
    before = current(image_repo, image_id)
    recorded = image_repo.record_facts(image_id, FACTS, ["thumb"], "t-facts")
    added = image_repo.add_renditions(image_id, [rendition(image_id, "thumb")], "t-add")
    assert recorded is (status in RECORDING)
    assert (added is not None) is (status in RECORDING)
    if status not in RECORDING:
        assert current(image_repo, image_id) == before


def test_facts_and_renditions_read_back_whole(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    assert image_repo.record_facts(image_id, FACTS, ["thumb", "small", "large"], "t")
    both = [rendition(image_id, "thumb"), rendition(image_id, "small")]
    first = image_repo.add_renditions(image_id, both, "t")  # one write for several
    last = image_repo.add_renditions(image_id, [rendition(image_id, "large")], "t")
    got = current(image_repo, image_id)
    assert first is not None and not first.complete
    assert last is not None and last.complete and last == got
    assert (got.facts, got.expected) == (FACTS, ("thumb", "small", "large"))
    assert got.renditions == {r.name: r for r in [*both, rendition(image_id, "large")]}


def test_facts_without_colour_read_back_empty(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    plain = Facts(30, 20, "landscape", "png", 99)
    assert image_repo.record_facts(image_id, plain, ["thumb"], "t")
    assert current(image_repo, image_id).facts == plain


def test_camera_facts_read_back_exactly_numbers_included(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    camera = Camera("Canon", "Canon EOS 5D Mark IV", "EF24-70mm f/2.8L II USM", 50.0, 2.8,
                    "1/200", 0.005, 400, "2024-05-12T14:30:05+02:00")
    with_camera = Facts(30, 20, "landscape", "jpeg", 99, camera=camera)
    assert image_repo.record_facts(image_id, with_camera, ["thumb"], "t")
    got = current(image_repo, image_id).facts
    assert got is not None and got.camera == camera
    assert isinstance(got.camera.iso, int) and isinstance(got.camera.f_number, float)


def test_some_camera_facts_read_back_as_only_those(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    partial = Facts(30, 20, "landscape", "jpeg", 99, camera=Camera(make="Canon", iso=100))
    assert image_repo.record_facts(image_id, partial, ["thumb"], "t")
    assert current(image_repo, image_id).facts == partial


# --- metadata, versions, times ---------------------------------------------------------------


def test_a_deleted_image_keeps_its_metadata_as_it_was(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.DELETED)
    before = current(image_repo, image_id)
    assert image_repo.update_metadata(image_id, "New", "", [], "t-meta") is None
    assert current(image_repo, image_id) == before


@pytest.mark.parametrize("status", list(EDITABLE), ids=lambda s: s.value)
def test_metadata_changes_in_every_status(image_repo: ImageRepository, status: Status) -> None:
    image_id = image_in(image_repo, status)
    before = current(image_repo, image_id)
    updated = image_repo.update_metadata(image_id, "New", "Longer", ["a", "b"], "t-meta")
    assert updated is not None and updated == current(image_repo, image_id)
    assert (updated.title, updated.description, updated.tags) == ("New", "Longer", ("a", "b"))
    assert (updated.status, updated.version, updated.updated_at) == (
        status, before.version + 1, "t-meta",
    )


def test_metadata_of_a_missing_image_is_none_and_creates_nothing(
    image_repo: ImageRepository
) -> None:
    ghost = uuid.uuid4().hex
    assert image_repo.update_metadata(ghost, "t", "d", [], "t") is None
    assert image_repo.get(ghost) is None


def test_every_write_stamps_its_time_and_versions_never_go_back(
    image_repo: ImageRepository
) -> None:
    image = new_image()
    image_repo.add(image)
    i = image.image_id
    writes = {
        "t1": lambda now: image_repo.update_metadata(i, "a", "", [], now),
        "t2": lambda now: image_repo.start_processing(i, now),
        "t3": lambda now: image_repo.start_processing(i, now),  # a redelivered ingest message
        "t4": lambda now: image_repo.record_facts(i, FACTS, ["thumb"], now),
        "t5": lambda now: image_repo.add_renditions(i, [rendition(i, "thumb")], now),
        "t6": lambda now: image_repo.finish(i, now),
        "t7": lambda now: image_repo.update_metadata(i, "b", "", [], now),
    }
    for now, write in writes.items():
        before = current(image_repo, i).version
        assert write(now)
        got = current(image_repo, i)
        assert got.updated_at == now
        # Renditions land while the index ignores the image, so they need not order against
        # other writes; every other write is a new version.
        assert got.version > before or (now == "t5" and got.version == before)


# --- listing, reindexing, deleting -----------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 3, 7, 50])
def test_an_owner_listing_is_newest_first_without_gaps_or_repeats(
    image_repo: ImageRepository, limit: int
) -> None:
    mine = uploads(image_repo, "sub-p", 7)
    uploads(image_repo, "sub-other", 2)
    pages = listed(image_repo, "sub-p", limit)
    assert [i for page in pages for i in page] == mine[::-1]
    assert len(pages) in (-(-7 // limit), -(-7 // limit) + 1)  # one empty last page is allowed


def test_an_upload_between_pages_neither_repeats_nor_hides_the_rest(
    image_repo: ImageRepository
) -> None:
    mine = uploads(image_repo, "sub-p", 5)
    first = image_repo.list_by_owner("sub-p", 2, None)
    uploads(image_repo, "sub-p", 1, minute=30)  # newer than everything listed
    rest = image_repo.list_by_owner("sub-p", 10, first.next_cursor)
    assert [i.image_id for i in [*first.items, *rest.items]] == mine[::-1]


@pytest.mark.parametrize("cursor", ["garbage!!", "e30=", "eyJhIjogMX0="])
def test_a_forged_cursor_is_invalid_input(image_repo: ImageRepository, cursor: str) -> None:
    with pytest.raises(InvalidInput):
        image_repo.list_by_owner("sub-p", 2, cursor)


def test_someone_elses_cursor_is_invalid_input(image_repo: ImageRepository) -> None:
    uploads(image_repo, "sub-q", 3)
    cursor = image_repo.list_by_owner("sub-q", 1, None).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidInput):
        image_repo.list_by_owner("sub-mallory", 1, cursor)


def test_all_ready_yields_every_ready_image_and_nothing_else(image_repo: ImageRepository) -> None:
    by_status = {status: [image_in(image_repo, status) for _ in range(2)] for status in Status}
    assert sorted(i.image_id for i in image_repo.all_ready()) == sorted(by_status[Status.READY])


def test_delete_is_idempotent_and_leaves_the_others(image_repo: ImageRepository) -> None:
    doomed, kept = image_in(image_repo, Status.READY), image_in(image_repo, Status.PENDING)
    image_repo.delete(doomed)
    image_repo.delete(doomed)
    image_repo.delete(uuid.uuid4().hex)
    assert image_repo.get(doomed) is None
    assert current(image_repo, kept).status is Status.PENDING


# --- originals, upload claims, downloads, tombstones -----------------------------------------


def test_processing_claims_one_upload_version_and_refuses_another(
    image_repo: ImageRepository,
) -> None:
    image_id = image_in(image_repo, Status.PENDING)
    claimed = image_repo.start_processing(image_id, "t1", "version-a")
    assert claimed is not None and claimed.upload_pin == "version-a"
    # a redelivery of the same notification carries on; another version's is refused
    assert image_repo.start_processing(image_id, "t2", "version-a") is not None
    assert image_repo.start_processing(image_id, "t3", "version-b") is None
    assert current(image_repo, image_id).upload_pin == "version-a"


def test_the_kept_original_reads_back_with_the_facts(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    original = Original(f"originals/{image_id}", "v-1", 99, "cd" * 32, "image/png")
    assert image_repo.record_facts(image_id, FACTS, ["thumb", "full"], "t", original)
    assert current(image_repo, image_id).original == original


def test_downloads_count_only_ready_images_and_move_the_version(
    image_repo: ImageRepository,
) -> None:
    pending, ready = image_in(image_repo, Status.PENDING), image_in(image_repo, Status.READY)
    before = current(image_repo, ready).version
    assert image_repo.count_download(pending) is None
    assert [image_repo.count_download(ready) for _ in range(3)] == [1, 2, 3]
    after = current(image_repo, ready)
    assert (after.downloads, after.version) == (3, before + 3)
    assert current(image_repo, pending).downloads == 0


def test_concurrent_downloads_lose_no_increment(image_repo: ImageRepository) -> None:
    ready = image_in(image_repo, Status.READY)
    counted = race([lambda i: image_repo.count_download(i) is not None] * 12, ready)
    assert all(counted) and current(image_repo, ready).downloads == 12


def test_a_tombstone_says_who_and_why_and_forgets_the_renditions(
    image_repo: ImageRepository,
) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    image_repo.add_renditions(image_id, [rendition(image_id, "thumb")], "t")
    image_repo.finish(image_id, "t")
    gone = image_repo.mark_deleted(image_id, "sub-admin", "copyright", "t-del", 1_900_000_000)
    assert gone is not None and gone == current(image_repo, image_id)
    assert (gone.status, gone.deleted_by, gone.reason, gone.renditions, gone.updated_at) == (
        Status.DELETED, "sub-admin", "copyright", {}, "t-del",
    )
    # and a second delete is no change at all
    assert image_repo.mark_deleted(image_id, "sub-x", "policy", "t-again", 1) is None
    assert current(image_repo, image_id) == gone
