"""Ingest: header checks before any decode, facts recorded, small renditions cut here and
big ones fanned out."""

from __future__ import annotations

from hashlib import sha256

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import ClaimNotTaken, ProcessingTimeout, Rejected
from chalicelib.domain.model import Status
from chalicelib.domain.outcomes import Outcome, Result, failed, rejected
from chalicelib.ports import UploadedObject
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


def _ingest(deps, key: str) -> Result:  # type: ignore[no-untyped-def]
    """Ingest as the S3 notification of the key's current upload version would ask."""
    kept = deps.uploads.versions.get(key, [])
    return ingest.ingest_object(deps, UploadedObject(key, kept[-1].etag if kept else ""))


def test_given_a_big_photo_then_the_big_rendition_is_fanned_out_and_the_small_cut_here() -> None:
    # GIVEN a 4000x3000 photo and a profile of a 200 px thumb and a 2048 px large
    deps = make_deps(FakeProcessor(size=(4000, 3000)))
    image_id = _uploaded(deps, factory.photo(4000, 3000))
    # WHEN ingested
    assert _ingest(deps, f"uploads/{image_id}") == Result(Outcome.FANNED_OUT)
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
    assert image.facts.format == "jpeg" and image.expected == ("thumb", "large", "full")
    assert f"masters/{image_id}.tif" in deps.uploads.objects
    # AND the full-size download has its own invocation, which reads the kept original
    assert [(t.image_id, t.rendition) for t in deps.queue.sent] == [
        (image_id, "large"), (image_id, "full"),
    ]
    assert set(image.renditions) == {"thumb"}
    assert f"{image_id}/{deps.profile_version}/thumb.webp" in deps.renditions.objects


def test_given_a_small_photo_then_ingest_cuts_every_public_size_and_only_full_fans_out() -> None:
    # GIVEN a 640x480 photo: even its "large" (640x480) is under the inline limit
    processor = FakeProcessor(size=(640, 480))
    deps = make_deps(processor)
    image_id = _uploaded(deps, factory.photo(640, 480))
    # WHEN ingested THEN every public size is cut here, and no master was stored
    assert _ingest(deps, f"uploads/{image_id}") == Result(Outcome.FANNED_OUT)
    image = deps.repo.get(image_id)
    assert image is not None and image.status is Status.PROCESSING
    assert set(image.renditions) == {"thumb", "large"}
    assert [t.rendition for t in deps.queue.sent] == ["full"]  # cut from the original
    assert f"masters/{image_id}.tif" not in deps.uploads.objects
    assert processor.calls[0] == "master:unstored"
    assert deps.repo.rendition_writes == 1  # every rendition recorded in one write
    assert f"masters/{image_id}.tif" not in deps.uploads.deleted  # none stored, none deleted


def test_given_inline_cutting_runs_out_of_budget_then_failed_processing_timeout() -> None:
    processor = FakeProcessor(size=(640, 480))
    deps = make_deps(processor)
    image_id = _uploaded(deps, factory.photo(640, 480))

    def out_of_time(*_args: object) -> list[object]:
        raise ProcessingTimeout("budget")

    processor.render_many = out_of_time  # type: ignore[method-assign]
    assert _ingest(deps, f"uploads/{image_id}") == failed("processing_timeout")
    image = deps.repo.get(image_id)
    assert image is not None and (image.status, image.reason) == (
        Status.FAILED,
        "processing_timeout",
    )


def test_given_exif_rotated_photo_then_display_size_is_recorded() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.oriented_jpeg(6))
    _ingest(deps, f"uploads/{image_id}")
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
    assert _ingest(deps, f"uploads/{image_id}") == rejected(reason)
    image = deps.repo.get(image_id)
    assert image is not None and (image.status, image.reason) == (Status.REJECTED, reason)
    assert processor.calls == [] and deps.queue.sent == []
    # AND the refused bytes are not kept (the reason is what the contributor is shown)
    assert deps.uploads.versions[f"uploads/{image_id}"] == []
    assert deps.originals.objects == {}


def test_given_more_bytes_than_declared_then_too_large() -> None:
    deps = make_deps()
    data = factory.photo(64, 64)
    image_id = _uploaded(deps, data, declared=len(data) - 1)
    assert _ingest(deps, f"uploads/{image_id}") == rejected("too_large")


def test_given_decoder_rejects_then_corrupt_image_and_no_tasks() -> None:
    processor = FakeProcessor()
    processor.error = Rejected("corrupt_image", "truncated")
    deps = make_deps(processor)
    image_id = _uploaded(deps, factory.photo(64, 64))
    assert _ingest(deps, f"uploads/{image_id}") == rejected("corrupt_image")
    assert deps.queue.sent == []


def test_given_decode_over_budget_then_failed_processing_timeout() -> None:
    processor = FakeProcessor()
    processor.error = ProcessingTimeout()
    deps = make_deps(processor)
    image_id = _uploaded(deps, factory.photo(64, 64))
    _ingest(deps, f"uploads/{image_id}")
    image = deps.repo.get(image_id)
    assert image is not None and (image.status, image.reason) == (
        Status.FAILED,
        "processing_timeout",
    )


def test_given_a_duplicate_event_after_ready_then_nothing_changes() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    _ingest(deps, f"uploads/{image_id}")
    deps.repo.items[image_id].status = Status.READY
    sent = len(deps.queue.sent)
    assert _ingest(deps, f"uploads/{image_id}") == Result(Outcome.DUPLICATE)
    assert len(deps.queue.sent) == sent


def test_given_a_redelivery_while_processing_then_it_completes() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    deps.repo.start_processing(image_id, "t")  # an earlier attempt died here
    assert _ingest(deps, f"uploads/{image_id}") == Result(Outcome.FANNED_OUT)
    assert deps.repo.get(image_id).original is not None


def test_given_an_upload_with_no_record_then_the_orphan_is_removed() -> None:
    deps = make_deps()
    deps.uploads.put("uploads/ghost", b"x", "image/jpeg")
    assert _ingest(deps, "uploads/ghost") == Result(Outcome.ORPHAN_REMOVED)
    assert deps.uploads.objects == {}


def test_given_keys_outside_uploads_then_ignored() -> None:
    deps = make_deps()
    assert _ingest(deps, "masters/abc.tif") == Result(Outcome.IGNORED_KEY)
    assert _ingest(deps, "uploads/a/b") == Result(Outcome.IGNORED_KEY)


def test_given_the_header_is_read_then_only_a_prefix_is_fetched_first() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(2000, 1500, fmt="png"))
    _ingest(deps, f"uploads/{image_id}")
    key = f"uploads/{image_id}"
    first = next(r for r in deps.uploads.reads if r[0] == key)
    assert first[1:] == (0, 64 * 1024 - 1)


def test_given_retries_spent_when_giving_up_then_failed_processing_error() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    deps.uploads.put(f"masters/{image_id}.tif", b"MASTER", "image/tiff")  # stored, then crashed
    ingest.give_up(deps, UploadedObject(f"uploads/{image_id}"))
    image = deps.repo.get(image_id)
    assert image is not None and (image.status, image.reason) == (Status.FAILED, "processing_error")
    assert f"masters/{image_id}.tif" not in deps.uploads.objects


def test_given_the_notified_version_is_gone_before_ingest_then_rejected_upload_missing() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    key = f"uploads/{image_id}"
    notified = UploadedObject(key, deps.uploads.versions[key][-1].etag)
    deps.uploads.purge([key])
    assert ingest.ingest_object(deps, notified) == rejected("upload_missing")
    assert deps.queue.sent == [] and f"masters/{image_id}.tif" not in deps.uploads.objects


def test_the_accepted_bytes_are_kept_privately_with_their_hash_and_the_upload_goes() -> None:
    # GIVEN an upload
    deps = make_deps()
    data = factory.photo(64, 64)
    image_id = _uploaded(deps, data)
    key = f"uploads/{image_id}"
    # WHEN ingested
    _ingest(deps, key)
    # THEN exactly those bytes are kept in the originals store and the record names them
    image = deps.repo.get(image_id)
    assert image is not None and image.original is not None
    kept = deps.originals.versions[f"originals/{image_id}"]
    assert [v.data for v in kept] == [data] and image.original.version_id == kept[0].version_id
    assert (image.original.bytes, image.original.sha256) == (len(data), sha256(data).hexdigest())
    assert image.original.content_type == "image/jpeg"
    # AND nothing is left under uploads/: no version of it at all
    assert deps.uploads.versions[key] == [] and key not in deps.uploads.objects


def test_the_decoder_is_told_the_format_the_header_probe_found() -> None:
    processor = FakeProcessor()
    deps = make_deps(processor)
    image_id = _uploaded(deps, factory.photo(64, 64, fmt="png"))
    _ingest(deps, f"uploads/{image_id}")
    assert processor.formats == ["png"]


def test_a_second_post_during_ingest_is_another_version_and_never_processed() -> None:
    # GIVEN an upload whose notification names its first version
    deps = make_deps()
    first, second = factory.photo(64, 64), factory.photo(80, 60)
    image_id = _uploaded(deps, first)
    key = f"uploads/{image_id}"
    notified = UploadedObject(key, deps.uploads.versions[key][-1].etag)
    # WHEN a second POST through the same grant lands before ingest reads anything
    deps.uploads.put(key, second, "image/jpeg")
    later = UploadedObject(key, deps.uploads.versions[key][-1].etag)
    ingest.ingest_object(deps, notified)
    # THEN the first version is what was accepted and kept
    image = deps.repo.get(image_id)
    assert image is not None and image.original is not None
    assert image.original.sha256 == sha256(first).hexdigest()
    # AND the second version's own notification changes nothing and its bytes go
    assert ingest.ingest_object(deps, later) == Result(Outcome.DUPLICATE)
    assert deps.repo.get(image_id).original == image.original
    assert deps.uploads.versions[key] == []


def test_a_post_through_an_old_grant_after_acceptance_is_removed_and_changes_nothing() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    key = f"uploads/{image_id}"
    _ingest(deps, key)
    deps.repo.items[image_id].status = Status.READY
    before = deps.repo.get(image_id)
    # WHEN the grant is used again after the image is ready
    deps.uploads.put(key, factory.photo(90, 60), "image/jpeg")
    assert _ingest(deps, key) == Result(Outcome.DUPLICATE)
    # THEN nothing about the image changed and the new object is gone
    assert deps.repo.get(image_id) == before
    assert deps.uploads.versions[key] == [] and key not in deps.uploads.objects


def test_an_image_deleted_while_ingest_runs_keeps_no_original() -> None:
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    record_facts = deps.repo.record_facts

    def deleted_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        deps.repo.mark_deleted(image_id, "sub-alice", "owner_request", "t", 1)
        return record_facts(*args, **kwargs)

    deps.repo.record_facts = deleted_meanwhile  # type: ignore[method-assign]
    assert _ingest(deps, f"uploads/{image_id}") == Result(Outcome.STALE)
    assert deps.originals.versions.get(f"originals/{image_id}", []) == []
    assert deps.queue.sent == []


def _failing_once(deps, kind: str, method: str):  # type: ignore[no-untyped-def]
    """The deps with the first call of `method` failing as the real service would."""
    from chalicelib import bootstrap
    from chalicelib.adapters.faults import FaultInjector
    from chalicelib.faultplan import FaultPlan, FaultRule

    plan = FaultPlan((FaultRule(kind, nth=(1,), methods=(method,)),))
    return bootstrap.wrap_ports(deps, FaultInjector(plan))


def test_given_the_fan_out_send_failed_after_acceptance_then_the_redelivery_finishes() -> None:
    from botocore.exceptions import ClientError

    # GIVEN a big photo whose render fan-out is refused once, after the original was kept
    plain = make_deps(FakeProcessor(size=(4000, 3000)))
    deps = _failing_once(plain, "sqs_send", "publish")
    image_id = _uploaded(deps, factory.photo(4000, 3000))
    with pytest.raises(ClientError):
        _ingest(deps, f"uploads/{image_id}")
    assert deps.repo.get(image_id).original is not None and plain.queue.sent == []
    # WHEN the notification is delivered again
    assert _ingest(deps, f"uploads/{image_id}") == Result(Outcome.FANNED_OUT)
    # THEN the render tasks are sent and the inline thumb is cut, from the one kept original
    assert [t.rendition for t in plain.queue.sent] == ["large", "full"]
    image = deps.repo.get(image_id)
    assert set(image.renditions) == {"thumb"} and image.status is Status.PROCESSING
    assert len(plain.originals.versions[f"originals/{image_id}"]) == 1
    assert plain.uploads.versions[f"uploads/{image_id}"] == []


def test_given_recording_was_throttled_after_the_original_was_kept_then_it_is_kept_once() -> None:
    from pynamodb.exceptions import UpdateError

    # GIVEN the write that records the kept original throttled once
    plain = make_deps(FakeProcessor(size=(640, 480)))
    deps = _failing_once(plain, "dynamodb_throttle", "record_facts")
    image_id = _uploaded(deps, factory.photo(640, 480))
    with pytest.raises(UpdateError):
        _ingest(deps, f"uploads/{image_id}")
    # WHEN delivered again
    _ingest(deps, f"uploads/{image_id}")
    # THEN the bytes the first delivery kept are the ones recorded: one version, no orphan
    kept = plain.originals.versions[f"originals/{image_id}"]
    assert len(kept) == 1 and deps.repo.get(image_id).original.version_id == kept[0].version_id


def test_given_the_fan_out_failed_then_the_same_notification_still_finds_its_claim() -> None:
    from botocore.exceptions import ClientError

    # GIVEN a notification naming the upload by its ETag only (as moto's do), and the render
    # fan-out refused on its first delivery
    plain = make_deps(FakeProcessor(size=(4000, 3000)))
    deps = _failing_once(plain, "sqs_send", "publish")
    image_id = _uploaded(deps, factory.photo(4000, 3000))
    key = f"uploads/{image_id}"
    notification = UploadedObject(key, plain.uploads.versions[key][-1].etag)
    with pytest.raises(ClientError):
        ingest.ingest_object(deps, notification)
    # WHEN that same notification comes back THEN its version is still found and claimed,
    # and the work finishes (the upload goes last, once nothing needs it to be found)
    assert ingest.ingest_object(deps, notification) == Result(Outcome.FANNED_OUT)
    assert [t.rendition for t in plain.queue.sent] == ["large", "full"]
    assert plain.uploads.versions[key] == []


def test_given_retries_spent_before_acceptance_then_the_upload_goes_with_the_failure() -> None:
    # GIVEN an upload whose ingest kept failing (its header reads refused every time)
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(64, 64))
    key = f"uploads/{image_id}"
    deps.repo.start_processing(image_id, "t", deps.uploads.versions[key][-1].version_id)
    # WHEN the last delivery gives up
    ingest.give_up(deps, UploadedObject(key, deps.uploads.versions[key][-1].etag))
    # THEN the image is failed and no version of its upload is left for nobody
    assert deps.repo.get(image_id).status is Status.FAILED
    assert deps.uploads.versions.get(key, []) == [] and key not in deps.uploads.objects


def test_given_a_redelivery_of_a_claimed_upload_then_no_claim_is_written_again() -> None:
    from pynamodb.exceptions import UpdateError

    from chalicelib import bootstrap
    from chalicelib.adapters.faults import FaultInjector
    from chalicelib.faultplan import FaultPlan, FaultRule

    # GIVEN an ingest whose inline renditions could not be recorded (throttled), and a table
    # that throttles the next claim write too
    plain = make_deps(FakeProcessor(size=(640, 480)))
    deps = bootstrap.wrap_ports(plain, FaultInjector(FaultPlan((
        FaultRule("dynamodb_throttle", nth=(1,), methods=("add_renditions",)),
        FaultRule("dynamodb_throttle", nth=(2,), methods=("start_processing",)),
    ))))
    image_id = _uploaded(deps, factory.photo(640, 480))
    with pytest.raises(UpdateError):
        _ingest(deps, f"uploads/{image_id}")
    # WHEN delivered again THEN it carries on from its claim without writing it again
    assert _ingest(deps, f"uploads/{image_id}") == Result(Outcome.FANNED_OUT)
    assert set(deps.repo.get(image_id).renditions) == {"thumb", "large"}


def test_given_the_image_was_deleted_while_ingest_decoded_then_nothing_it_stored_is_left() -> None:
    # GIVEN a big photo (a master is stored for render invocations) deleted by its owner
    # while ingest decoded it: the delete removed what existed then, before ingest stored
    deps = make_deps(FakeProcessor(size=(4000, 3000)))
    image_id = _uploaded(deps, factory.photo(4000, 3000))
    record_facts = deps.repo.record_facts

    def deleted_first(*args, **kwargs):  # type: ignore[no-untyped-def]
        deps.repo.mark_deleted(image_id, "sub-alice", "owner_request", "t", 1)
        return record_facts(*args, **kwargs)

    deps.repo.record_facts = deleted_first  # type: ignore[method-assign]
    # WHEN ingest loses that race THEN the master, the kept original and the upload all go
    assert _ingest(deps, f"uploads/{image_id}") == Result(Outcome.STALE)
    assert deps.uploads.versions.get(f"masters/{image_id}.tif", []) == []
    assert deps.originals.versions.get(f"originals/{image_id}", []) == []
    assert deps.uploads.versions.get(f"uploads/{image_id}", []) == []


def test_given_the_decode_ran_out_of_time_then_the_upload_goes_with_the_failure() -> None:
    processor = FakeProcessor(size=(4000, 3000))
    processor.error = ProcessingTimeout("budget")
    deps = make_deps(processor)
    image_id = _uploaded(deps, factory.photo(4000, 3000))
    assert _ingest(deps, f"uploads/{image_id}") == failed("processing_timeout")
    assert deps.repo.get(image_id).status is Status.FAILED
    assert deps.uploads.versions.get(f"uploads/{image_id}", []) == []


def test_a_redelivery_after_the_image_was_deleted_removes_the_master_a_failed_try_stored() -> None:
    # GIVEN a first delivery that stored the master, then failed (throttled) before recording
    deps = make_deps()
    image_id = _uploaded(deps, factory.photo(1600, 1200))  # large enough to store a master
    key = f"uploads/{image_id}"
    deps.repo.start_processing(image_id, deps.now())
    deps.uploads.put(f"masters/{image_id}.tif", b"MASTER", "image/tiff")
    # ... and the owner deleted the image meanwhile (the delete ran before the master landed)
    deps.repo.mark_deleted(image_id, "sub-alice", "owner_request", deps.now(), 1)
    # WHEN the notification comes again
    assert _ingest(deps, key) == Result(Outcome.DUPLICATE)
    # THEN nothing of the deleted image is left in the uploads bucket
    assert f"masters/{image_id}.tif" not in deps.uploads.objects
    assert key not in deps.uploads.objects


def test_a_claim_that_did_not_take_keeps_the_upload_and_the_redelivery_processes_it() -> None:
    # GIVEN a claim answered "lost the race" while nothing else claimed the image (found by
    # make soak: the upload was removed as if a later version had won, the image stayed pending)
    plain = make_deps()
    deps = _failing_once(plain, "dynamodb_race", "start_processing")
    image_id = _uploaded(deps, factory.photo(64, 64))
    key = f"uploads/{image_id}"
    # WHEN the notification is handled: it fails, to be tried again
    with pytest.raises(ClaimNotTaken):
        _ingest(deps, key)
    assert deps.uploads.versions[key] != [] and plain.repo.get(image_id).status is Status.PENDING
    # THEN the redelivery finds the upload and the image goes on
    _ingest(deps, key)
    assert plain.repo.get(image_id).status is not Status.PENDING


def test_a_refusal_that_did_not_take_keeps_the_upload_and_is_recorded_on_redelivery() -> None:
    # GIVEN a hostile file whose `rejected` write answers "lost the race" with nothing else
    # having changed the image
    plain = make_deps()
    deps = _failing_once(plain, "dynamodb_race", "reject")
    image_id = _uploaded(deps, b"not an image at all" * 10)
    key = f"uploads/{image_id}"
    # WHEN ingest refuses it: the step fails, the bytes stay
    with pytest.raises(ClaimNotTaken):
        _ingest(deps, key)
    assert deps.uploads.versions[key] != []
    # THEN the redelivery records the refusal and only then removes the bytes
    _ingest(deps, key)
    assert plain.repo.get(image_id).status is Status.REJECTED
    assert deps.uploads.versions[key] == []


def test_facts_whose_write_did_not_take_keep_the_upload_and_are_recorded_on_redelivery() -> None:
    # GIVEN a photo whose facts write answers "lost the race" while the image is processing
    plain = make_deps()
    deps = _failing_once(plain, "dynamodb_race", "record_facts")
    image_id = _uploaded(deps, factory.photo(64, 64))
    key = f"uploads/{image_id}"
    # WHEN ingest runs: it fails to be tried again, leaving the user's bytes where they were
    with pytest.raises(ClaimNotTaken):
        _ingest(deps, key)
    assert deps.uploads.versions[key] != []
    # THEN the redelivery accepts it, with one kept original
    _ingest(deps, key)
    image = plain.repo.get(image_id)
    assert image.facts is not None and image.status is not Status.PENDING
    assert len(deps.originals.versions[f"originals/{image_id}"]) == 1
