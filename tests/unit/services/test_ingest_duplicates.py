"""Ingest with the duplicate check: the owner's photo again is rejected before any rendition;
another contributor's is held for review; a redelivery or a deleted original never matches."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.domain.model import Status
from chalicelib.domain.outcomes import Outcome, rejected
from chalicelib.ports import RenderTask, UploadedObject
from chalicelib.services import deletion, ingest, render
from chalicelib.services.deps import Deps
from chalicelib.services.uploads import request_upload
from tests.fakes import FakeProcessor, make_deps
from tests.images import factory

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))
BOB = Principal("sub-bob", "bob", frozenset({"contributors"}))
PHOTO = factory.photo(4000, 3000)
RESIZED = factory.photo(2000, 1500)
HASH = 0xF0E1_D2C3_B4A5_9687


def _deps() -> Deps:
    engine = FakeProcessor(size=(4000, 3000))
    # The resized copy hashes 3 bits away from the photo: near, not exact.
    engine.phashes = {PHOTO: HASH, RESIZED: HASH ^ 0b1011}
    return make_deps(engine)


def _upload(deps: Deps, who: Principal, data: bytes) -> tuple[str, UploadedObject]:
    body = {"filename": "x.jpg", "content_type": "image/jpeg", "size": len(data)}
    image_id = request_upload(deps, who, body).image_id
    key = f"uploads/{image_id}"
    deps.uploads.put(key, data, "image/jpeg")
    return image_id, UploadedObject(key, deps.uploads.versions[key][-1].etag)  # type: ignore[attr-defined]


def _ingested(deps: Deps, who: Principal, data: bytes) -> str:
    """Uploaded, ingested and rendered to its end with the fakes."""
    image_id, note = _upload(deps, who, data)
    ingest.ingest_object(deps, note)
    for _ in range(3):
        sent: list[RenderTask] = list(deps.queue.sent)  # type: ignore[attr-defined]
        deps.queue.sent.clear()  # type: ignore[attr-defined]
        for task in sent:
            render.render_one(deps, task)
    return image_id


def test_the_same_owner_uploading_the_same_bytes_is_rejected_before_any_rendition() -> None:
    deps = _deps()
    first = _ingested(deps, ALICE, PHOTO)
    second, note = _upload(deps, ALICE, PHOTO)
    deps.queue.sent.clear()  # type: ignore[attr-defined]
    # WHEN the same bytes come again from the same contributor
    assert ingest.ingest_object(deps, note) == rejected("duplicate")
    image = deps.repo.get(second)
    # THEN rejected `duplicate` naming the first; nothing rendered, stored or sent
    assert image is not None and image.status is Status.REJECTED
    assert (image.reason, image.duplicate_of) == ("duplicate", first)
    assert deps.queue.sent == []  # type: ignore[attr-defined]
    assert not any(second in key for key in deps.renditions.objects)  # type: ignore[attr-defined]
    assert f"originals/{second}" not in deps.originals.objects  # type: ignore[attr-defined]
    assert f"masters/{second}.tif" not in deps.uploads.objects  # type: ignore[attr-defined]
    assert note.key not in deps.uploads.objects  # type: ignore[attr-defined]


def test_the_same_owner_uploading_a_resized_copy_is_rejected() -> None:
    deps = _deps()
    first = _ingested(deps, ALICE, PHOTO)
    second, note = _upload(deps, ALICE, RESIZED)
    assert ingest.ingest_object(deps, note) == rejected("duplicate")
    image = deps.repo.get(second)
    assert image is not None and image.duplicate_of == first


def test_another_owners_copy_waits_for_review_naming_the_original() -> None:
    deps = _deps()  # moderation off: only the duplicate holds it
    first = _ingested(deps, ALICE, PHOTO)
    assert deps.repo.get(first).status is Status.READY  # type: ignore[union-attr]
    second = _ingested(deps, BOB, RESIZED)
    image = deps.repo.get(second)
    assert image is not None and image.status is Status.IN_REVIEW
    assert image.possible_duplicate_of == first
    assert image.review_reasons == ("possible_duplicate",)


def test_a_redelivered_notification_does_not_match_the_image_itself() -> None:
    deps = _deps()
    image_id, note = _upload(deps, ALICE, PHOTO)
    assert ingest.ingest_object(deps, note).outcome is Outcome.FANNED_OUT
    # WHEN the same notification comes again (the upload version is kept until the end)
    again = UploadedObject(note.key, note.etag)
    ingest.ingest_object(deps, again)
    image = deps.repo.get(image_id)
    assert image is not None and image.status is Status.PROCESSING
    assert (image.reason, image.duplicate_of, image.possible_duplicate_of) == (None, "", "")


def test_a_deleted_original_no_longer_matches() -> None:
    deps = _deps()
    first = _ingested(deps, ALICE, PHOTO)
    deletion.delete_image(deps, ALICE, first, None)
    second = _ingested(deps, ALICE, PHOTO)
    image = deps.repo.get(second)
    assert image is not None and image.status is Status.READY


def test_a_different_photo_goes_through_and_both_hashes_are_indexed() -> None:
    deps = _deps()
    first = _ingested(deps, ALICE, PHOTO)
    other = _ingested(deps, ALICE, factory.photo(3000, 2000))
    assert deps.repo.get(other).status is Status.READY  # type: ignore[union-attr]
    assert deps.repo.get(first).phash == f"{HASH:016x}"  # type: ignore[union-attr]
    held = deps.duplicates.holders([f"b0:{HASH >> 48:04x}"])
    assert held == {first: f"{HASH:016x}"}


def test_with_the_check_off_a_repeat_is_hashed_and_indexed_but_never_judged() -> None:
    from dataclasses import replace

    deps = _deps()
    deps.limits = replace(deps.limits, duplicates=replace(deps.limits.duplicates, check=False))
    _ingested(deps, ALICE, PHOTO)
    second = _ingested(deps, ALICE, PHOTO)
    image = deps.repo.get(second)
    assert image is not None and image.status is Status.READY and image.phash
