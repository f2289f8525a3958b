"""Ingest: header checks before any decode, facts recorded, small renditions cut here and
big ones fanned out."""

from __future__ import annotations

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import ProcessingTimeout, Rejected
from chalicelib.domain.model import Status
from chalicelib.domain.outcomes import Outcome, Result, failed, rejected
from chalicelib.services import ingest
from chalicelib.services.uploads import request_upload
from tests.fakes import FakeProcessor, make_deps
from tests.images import factory

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))


def _uploaded(deps, data: bytes, declared: int | None = None) -> str:  # type: ignore[no-untyped-def]
    body = {"filename": "x.jpg", "content_type": "image/jpeg", "size": declared or len(data)}
    image_id = request_upload(deps, ALICE, body).image_id
    deps.uploads.put(f"uploads/{image_id}", data, "image/jpeg")
    return image_id


def test_given_a_big_photo_then_the_big_rendition_is_fanned_out_and_the_small_cut_here() -> None:
    # GIVEN a 4000x3000 photo and a profile of a 200 px thumb and a 2048 px large
    deps = make_deps(FakeProcessor(size=(4000, 3000)))
    image_id = _uploaded(deps, factory.photo(4000, 3000))
    # WHEN ingested
    assert ingest.ingest_object(deps, f"uploads/{image_id}") == Result(Outcome.FANNED_OUT)
    image = deps.repo.get(image_id)
    assert image is not None and image.status is Status.PROCESSING
    assert image.facts is not None
    assert (image.facts.width, image.facts.height, image.facts.orientation) == (
        4000,
        3000,
        "landscape",
    )
    # THEN the 2048x1536 large (3.1 MP) goes to a render invocation, which reads the stored
    # master, and the thumb is already cut and recorded
    assert image.facts.format == "jpeg" and image.expected == ("thumb", "large")
    assert f"masters/{image_id}.tif" in deps.uploads.objects
    assert [(t.image_id, t.rendition) for t in deps.queue.sent] == [(image_id, "large")]
    assert set(image.renditions) == {"thumb"}
    assert f"{image_id}/thumb.webp" in deps.renditions.objects


def test_given_a_small_photo_then_ingest_cuts_everything_and_the_image_is_ready() -> None:
    # GIVEN a 640x480 photo: even its "large" (640x480) is under the inline limit
    processor = FakeProcessor(size=(640, 480))
    deps = make_deps(processor)
    image_id = _uploaded(deps, factory.photo(640, 480))
    # WHEN ingested THEN it is ready without any render task, and no master was stored
    assert ingest.ingest_object(deps, f"uploads/{image_id}") == Result(Outcome.READY)
    image = deps.repo.get(image_id)
    assert image is not None and image.status is Status.READY
    assert set(image.renditions) == {"thumb", "large"}
    assert deps.queue.sent == []
    assert f"masters/{image_id}.tif" not in deps.uploads.objects
    assert processor.calls[0] == "master:unstored"
    assert deps.repo.rendition_writes == 1  # every rendition recorded in one write
    assert deps.uploads.deleted == []  # no master was stored, so none is deleted


def test_given_inline_cutting_runs_out_of_budget_then_failed_processing_timeout() -> None:
    processor = FakeProcessor(size=(640, 480))
    deps = make_deps(processor)
    image_id = _uploaded(deps, factory.photo(640, 480))

    def out_of_time(*_args: object) -> list[object]:
        raise ProcessingTimeout("budget")

    processor.render_many = out_of_time  # type: ignore[method-assign]
    assert ingest.ingest_object(deps, f"uploads/{image_id}") == failed("processing_timeout")
    image = deps.repo.get(image_id)
    assert image is not None and (image.status, image.reason) == (
        Status.FAILED,
        "processing_timeout",
    )


def test_given_exif_rotated_photo_then_display_size_is_recorded() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.oriented_jpeg(6))
    ingest.ingest_object(deps, f"uploads/{image_id}")
    image = deps.repo.get(image_id)
    assert image is not None and image.facts is not None
    assert (image.facts.width, image.facts.height) == (300, 200)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (factory.html, "not_an_image"),
        (factory.zip_file, "not_an_image"),
        (factory.gif, "unsupported_format"),
        (factory.svg_with_script, "unsupported_format"),
        (lambda: factory.png_bomb(20000, 20000), "too_many_pixels"),
        (lambda: factory.strip_png(1, 100_000), "too_many_pixels"),
        (factory.apng, "animated_not_supported"),
        (factory.png_bad_ihdr_crc, "corrupt_image"),
    ],
)
def test_given_hostile_bytes_then_rejected_before_any_decode(make, reason) -> None:  # type: ignore[no-untyped-def]
    processor = FakeProcessor()
    deps = make_deps(processor)
    image_id = _uploaded(deps, make())
    assert ingest.ingest_object(deps, f"uploads/{image_id}") == rejected(reason)
    image = deps.repo.get(image_id)
    assert image is not None and (image.status, image.reason) == (Status.REJECTED, reason)
    assert processor.calls == [] and deps.queue.sent == []
    assert f"uploads/{image_id}" in deps.uploads.objects  # nothing lost


def test_given_more_bytes_than_declared_then_too_large() -> None:
    deps = make_deps()
    data = factory.photo(64, 64)
    image_id = _uploaded(deps, data, declared=len(data) - 1)
    assert ingest.ingest_object(deps, f"uploads/{image_id}") == rejected("too_large")


def test_given_decoder_rejects_then_corrupt_image_and_no_tasks() -> None:
    processor = FakeProcessor()
    processor.error = Rejected("corrupt_image", "truncated")
    deps = make_deps(processor)
    image_id = _uploaded(deps, factory.photo(64, 64))
    assert ingest.ingest_object(deps, f"uploads/{image_id}") == rejected("corrupt_image")
    assert deps.queue.sent == []


def test_given_decode_over_budget_then_failed_processing_timeout() -> None:
    processor = FakeProcessor()
    processor.error = ProcessingTimeout()
    deps = make_deps(processor)
    image_id = _uploaded(deps, factory.photo(64, 64))
    ingest.ingest_object(deps, f"uploads/{image_id}")
    image = deps.repo.get(image_id)
    assert image is not None and (image.status, image.reason) == (
        Status.FAILED,
        "processing_timeout",
    )


def test_given_a_duplicate_event_after_ready_then_nothing_changes() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    ingest.ingest_object(deps, f"uploads/{image_id}")
    deps.repo.items[image_id].status = Status.READY
    sent = len(deps.queue.sent)
    assert ingest.ingest_object(deps, f"uploads/{image_id}") == Result(Outcome.DUPLICATE)
    assert len(deps.queue.sent) == sent


def test_given_a_redelivery_while_processing_then_it_completes() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    deps.repo.start_processing(image_id, "t")  # an earlier attempt died here
    assert ingest.ingest_object(deps, f"uploads/{image_id}") == Result(Outcome.READY)


def test_given_an_upload_with_no_record_then_the_orphan_is_removed() -> None:
    deps = make_deps()
    deps.uploads.put("uploads/ghost", b"x", "image/jpeg")
    assert ingest.ingest_object(deps, "uploads/ghost") == Result(Outcome.ORPHAN_REMOVED)
    assert deps.uploads.objects == {}


def test_given_keys_outside_uploads_then_ignored() -> None:
    deps = make_deps()
    assert ingest.ingest_object(deps, "masters/abc.tif") == Result(Outcome.IGNORED_KEY)
    assert ingest.ingest_object(deps, "uploads/a/b") == Result(Outcome.IGNORED_KEY)


def test_given_the_header_is_read_then_only_a_prefix_is_fetched_first() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(2000, 1500, fmt="png"))
    ingest.ingest_object(deps, f"uploads/{image_id}")
    key = f"uploads/{image_id}"
    first = next(r for r in deps.uploads.reads if r[0] == key)
    assert first[1:] == (0, 64 * 1024 - 1)


def test_given_retries_spent_when_giving_up_then_failed_processing_error() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    deps.uploads.put(f"masters/{image_id}.tif", b"MASTER", "image/tiff")  # stored, then crashed
    ingest.give_up(deps, f"uploads/{image_id}")
    image = deps.repo.get(image_id)
    assert image is not None and (image.status, image.reason) == (Status.FAILED, "processing_error")
    assert f"masters/{image_id}.tif" not in deps.uploads.objects


def test_given_the_object_was_deleted_before_ingest_then_a_logged_no_op() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    deps.uploads.delete([f"uploads/{image_id}"])
    assert ingest.ingest_object(deps, f"uploads/{image_id}") == Result(Outcome.STALE)
    assert deps.queue.sent == [] and f"masters/{image_id}.tif" not in deps.uploads.objects
