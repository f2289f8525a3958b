"""The shared fault audit finds each kind of problem it promises to, and nothing in order."""

from __future__ import annotations

from collections import Counter

from chalicelib.domain.model import Image, Original, Rendition, Status
from tests.support.audit import StoredVersion, World, problems, readied

BUCKETS = {"uploads": "up", "originals": "orig", "renditions": "rend"}
A, B = "a" * 32, "b" * 32


def _ready(image_id: str = A, version: int = 7) -> Image:
    return Image(
        image_id, "sub", "Ann", Status.READY, "t", version=version,
        original=Original(f"originals/{image_id}", "v1", 3, "sha", "image/jpeg"),
        renditions={
            "thumb": Rendition("thumb", f"{image_id}/thumb.webp", 200, 150, "webp", 9),
            "full": Rendition("full", f"full/{image_id}.jpg", 800, 600, "jpeg", 99),
        },
    )


def _kept(image_id: str = A) -> list[StoredVersion]:
    return [StoredVersion("orig", f"originals/{image_id}", "v1"),
            StoredVersion("orig", f"full/{image_id}.jpg", "f1"),
            StoredVersion("rend", f"{image_id}/thumb.webp", "")]


def _world(images: list[Image], objects: list[StoredVersion], indexed: dict[str, int] | None = None,
           readied: Counter[str] | None = None) -> World:
    return World(images, {A: 7} if indexed is None else indexed, objects,
                 Counter({A: 1}) if readied is None else readied, BUCKETS)


def test_a_world_where_nothing_was_lost_has_no_problem() -> None:
    rejected = Image(B, "sub", "Ann", Status.REJECTED, "t")
    assert problems(_world([_ready(), rejected], _kept())) == []


def test_each_broken_promise_is_named() -> None:
    stuck = Image(B, "sub", "Ann", Status.PROCESSING, "t")
    held = [*_kept(), StoredVersion("up", f"uploads/{B}", "u")]  # a busy image's own: fine
    assert problems(_world([_ready(), stuck], held)) == [f"{B} is still processing"]
    assert problems(_world([_ready()], _kept(), indexed={A: 6})) == [
        f"{A} ready v7 but indexed 6"]
    assert problems(_world([_ready()], _kept(), indexed={A: 7, B: 2})) == [
        f"{B} indexed but not ready"]
    assert problems(_world([_ready()], _kept(), readied=Counter({A: 2}))) == [
        f"{A} became ready 2 times"]


def test_orphans_are_every_object_or_version_no_record_needs() -> None:
    extra = [StoredVersion("orig", f"originals/{A}", "v0"),  # an older original
             StoredVersion("orig", f"full/{A}.jpg", "f0"),  # a second full download
             StoredVersion("up", f"masters/{A}.tif", "m1"),  # a master after the end
             StoredVersion("rend", f"{B}/thumb.webp", "")]  # a rendition of no image
    found = problems(_world([_ready()], _kept() + extra))
    assert sorted(found) == sorted([f"orphan orig/originals/{A}@v0", f"orphan orig/full/{A}.jpg@f1",
                     f"orphan orig/full/{A}.jpg@f0", f"orphan up/masters/{A}.tif@m1",
                     f"orphan rend/{B}/thumb.webp@null"])


def test_a_deleted_or_rejected_image_needs_nothing_kept() -> None:
    deleted = Image(A, "sub", "Ann", Status.DELETED, "t")
    assert problems(_world([deleted], _kept(), indexed={}, readied=Counter({A: 1}))) == [
        f"orphan orig/originals/{A}@v1", f"orphan orig/full/{A}.jpg@f1",
        f"orphan rend/{A}/thumb.webp@null"]


def test_transitions_to_ready_are_counted_from_stream_records() -> None:
    def record(old: str | None, new: str) -> dict:  # type: ignore[type-arg]
        change = {"Keys": {"image_id": {"S": A}}, "NewImage": {"status": {"S": new}}}
        if old:
            change["OldImage"] = {"status": {"S": old}}
        return {"dynamodb": change}

    records = [record(None, "pending"), record("pending", "processing"),
               record("processing", "ready"), record("ready", "ready")]
    assert readied(records) == Counter({A: 1})
