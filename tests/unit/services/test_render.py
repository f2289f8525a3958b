"""Render: one rendition per task; the last one makes the image ready, exactly once."""

from __future__ import annotations

from chalicelib.domain.errors import ProcessingTimeout
from chalicelib.domain.model import Facts, Image, Original, Rendition, Status
from chalicelib.domain.outcomes import Outcome, Result
from chalicelib.ports import RenderTask
from chalicelib.services import render
from tests.fakes import FakeProcessor, make_deps


def _processing(deps, image_id: str = "img1") -> str:  # type: ignore[no-untyped-def]
    deps.repo.add(
        Image(
            image_id,
            "sub-a",
            "a",
            Status.PROCESSING,
            "2026-01-01T00:00:00Z",
            facts=Facts(4000, 3000, "landscape", "jpeg", 99),
            expected=("thumb", "large"),
        )
    )
    deps.uploads.put(f"masters/{image_id}.tif", b"MASTER", "image/tiff")
    return image_id


def test_given_all_tasks_when_rendered_then_ready_once_with_every_rendition() -> None:
    deps = make_deps()
    image_id = _processing(deps)
    assert render.render_one(deps, RenderTask(image_id, "thumb")) == Result(Outcome.RENDERED)
    assert deps.repo.get(image_id).status is Status.PROCESSING
    assert render.render_one(deps, RenderTask(image_id, "large")) == Result(Outcome.READY)
    image = deps.repo.get(image_id)
    assert image.status is Status.READY
    assert {n: (r.key, r.width) for n, r in image.renditions.items()} == {
        "thumb": (f"{image_id}/{deps.profile_version}/thumb.webp", 200),
        "large": (f"{image_id}/{deps.profile_version}/large.webp", 2048),
    }
    assert image.profile_version == deps.profile_version  # recorded with its renditions
    assert deps.renditions.objects[f"{image_id}/{deps.profile_version}/thumb.webp"][1] == (
        "image/webp"
    )


def test_given_the_master_when_the_image_becomes_ready_then_the_master_goes_not_before() -> None:
    deps = make_deps()
    image_id = _processing(deps)
    render.render_one(deps, RenderTask(image_id, "thumb"))
    assert f"masters/{image_id}.tif" in deps.uploads.objects  # "large" still reads it
    render.render_one(deps, RenderTask(image_id, "large"))
    assert f"masters/{image_id}.tif" not in deps.uploads.objects


def test_given_a_redelivered_task_after_ready_then_nothing_changes() -> None:
    deps = make_deps()
    image_id = _processing(deps)
    render.render_one(deps, RenderTask(image_id, "thumb"))
    render.render_one(deps, RenderTask(image_id, "large"))
    version = deps.repo.get(image_id).version
    assert render.render_one(deps, RenderTask(image_id, "large")) == Result(Outcome.STALE)
    assert deps.repo.get(image_id).version == version


def test_given_a_duplicate_task_while_processing_then_no_second_encode() -> None:
    processor = FakeProcessor()
    deps = make_deps(processor)
    image_id = _processing(deps)
    render.render_one(deps, RenderTask(image_id, "thumb"))
    render.render_one(deps, RenderTask(image_id, "thumb"))
    assert processor.calls.count("render:200") == 1


def test_given_the_image_was_deleted_mid_render_then_no_rendition_is_left() -> None:
    deps = make_deps()
    image_id = _processing(deps)
    original_add = deps.repo.add_renditions

    def delete_first(*args):  # type: ignore[no-untyped-def]
        deps.repo.delete(image_id)
        return original_add(*args)

    deps.repo.add_renditions = delete_first
    assert render.render_one(deps, RenderTask(image_id, "thumb")) == Result(Outcome.STALE)
    assert deps.renditions.objects == {}


def test_given_unknown_rendition_or_image_then_stale() -> None:
    deps = make_deps()
    image_id = _processing(deps)
    assert render.render_one(deps, RenderTask(image_id, "poster")) == Result(Outcome.STALE)
    assert render.render_one(deps, RenderTask("nope", "thumb")) == Result(Outcome.STALE)


def test_given_render_over_budget_then_failed_processing_timeout() -> None:
    processor = FakeProcessor()
    processor.error = ProcessingTimeout()
    deps = make_deps(processor)
    image_id = _processing(deps)
    render.render_one(deps, RenderTask(image_id, "thumb"))
    image = deps.repo.get(image_id)
    assert (image.status, image.reason) == (Status.FAILED, "processing_timeout")
    assert f"masters/{image_id}.tif" not in deps.uploads.objects


def test_given_retries_spent_when_giving_up_then_failed_and_the_master_goes() -> None:
    deps = make_deps()
    image_id = _processing(deps)
    render.give_up(deps, RenderTask(image_id, "large"))
    image = deps.repo.get(image_id)
    assert (image.status, image.reason) == (Status.FAILED, "processing_error")
    assert f"masters/{image_id}.tif" not in deps.uploads.objects


def _with_original(deps, image_id: str, data: bytes = b"\xff\xd8ORIGINAL") -> str:  # type: ignore[no-untyped-def]
    """An image whose kept original (this version) the full-size download is cut from."""
    version = deps.originals.put(f"originals/{image_id}", data, "image/jpeg")
    deps.originals.put(f"originals/{image_id}", b"a later version", "image/jpeg")
    deps.repo.items[image_id].original = Original(
        f"originals/{image_id}", version, len(data), "00" * 32, "image/jpeg"
    )
    deps.repo.items[image_id].expected = ("thumb", "large", "full")
    return image_id


def test_the_full_download_is_cut_from_the_kept_original_version_and_stays_private() -> None:
    # GIVEN a processing image with its original kept (and a later version beside it)
    processor = FakeProcessor(size=(4000, 3000))
    deps = make_deps(processor)
    image_id = _with_original(deps, _processing(deps))
    # WHEN the full task runs
    assert render.render_one(deps, RenderTask(image_id, "full")) == Result(Outcome.RENDERED)
    # THEN it decoded the recorded version with the format ingest found, into a JPEG
    assert processor.formats == ["jpeg"]
    stored = deps.originals.objects[f"full/{image_id}.jpg"]
    assert stored == (b"\xff\xd8FULL" + b"\xff\xd8ORIGINAL"[:8], "image/jpeg")
    # AND it is recorded, at full size, but nothing of it is in the public bucket
    full = deps.repo.get(image_id).renditions["full"]
    assert (full.key, full.width, full.height, full.format) == (
        f"full/{image_id}.jpg", 4000, 3000, "jpeg",
    )
    assert not [k for k in deps.renditions.objects if "full" in k]


def test_a_full_download_made_for_a_deleted_image_is_not_kept() -> None:
    deps = make_deps()
    image_id = _with_original(deps, _processing(deps))
    add_renditions = deps.repo.add_renditions

    def deleted_first(*args, **kwargs):  # type: ignore[no-untyped-def]
        deps.repo.mark_deleted(image_id, "sub-a", "owner_request", "t", 1)
        return add_renditions(*args, **kwargs)

    deps.repo.add_renditions = deleted_first  # type: ignore[method-assign]
    assert render.render_one(deps, RenderTask(image_id, "full")) == Result(Outcome.STALE)
    assert f"full/{image_id}.jpg" not in deps.originals.objects
    assert deps.originals.versions.get(f"full/{image_id}.jpg", []) == []


def test_a_full_download_rendered_again_after_a_failed_record_leaves_one_version() -> None:
    import pytest
    from pynamodb.exceptions import UpdateError

    from chalicelib import bootstrap
    from chalicelib.adapters.faults import FaultInjector
    from chalicelib.faultplan import FaultPlan, FaultRule

    # GIVEN the write recording the full download throttled once, after it was stored
    plain = make_deps(FakeProcessor(size=(4000, 3000)))
    image_id = _with_original(plain, _processing(plain))
    rule = FaultRule("dynamodb_throttle", nth=(1,), methods=("add_renditions",))
    deps = bootstrap.wrap_ports(plain, FaultInjector(FaultPlan((rule,))))
    with pytest.raises(UpdateError):
        render.render_one(deps, RenderTask(image_id, "full"))
    # WHEN the task is delivered again
    assert render.render_one(deps, RenderTask(image_id, "full")) == Result(Outcome.RENDERED)
    # THEN the versioned private bucket holds one full download, not one per attempt
    assert len(plain.originals.versions[f"full/{image_id}.jpg"]) == 1


def test_a_rendition_stored_but_never_recorded_goes_when_the_image_fails() -> None:
    import pytest
    from pynamodb.exceptions import UpdateError

    from chalicelib import bootstrap
    from chalicelib.adapters.faults import FaultInjector
    from chalicelib.faultplan import FaultPlan, FaultRule

    # GIVEN a thumb recorded, then a large stored whose record write was throttled
    plain = make_deps()
    image_id = _processing(plain)
    render.render_one(plain, RenderTask(image_id, "thumb"))
    rule = FaultRule("dynamodb_throttle", nth=(1,), methods=("add_renditions",))
    deps = bootstrap.wrap_ports(plain, FaultInjector(FaultPlan((rule,))))
    with pytest.raises(UpdateError):
        render.render_one(deps, RenderTask(image_id, "large"))
    assert f"{image_id}/{plain.profile_version}/large.webp" in plain.renditions.objects
    # WHEN the retries are spent and the image fails
    render.give_up(deps, RenderTask(image_id, "large"))
    # THEN the unrecorded large goes; the recorded thumb stays (the record still shows it)
    assert deps.repo.get(image_id).status is Status.FAILED
    assert f"{image_id}/{plain.profile_version}/large.webp" not in plain.renditions.objects
    assert f"{image_id}/{plain.profile_version}/thumb.webp" in plain.renditions.objects


def test_a_redelivered_task_finishes_the_clean_up_a_dead_finish_left() -> None:
    # GIVEN an image made ready by a call that died before it dropped the master
    deps = make_deps()
    image_id = _processing(deps)
    done = [Rendition(name, f"{image_id}/{name}.webp", 200, 150, "webp", 9)
            for name in ("thumb", "large")]
    deps.repo.add_renditions(image_id, done, deps.now())
    assert deps.repo.finish(image_id, deps.now())
    assert f"masters/{image_id}.tif" in deps.uploads.objects
    # WHEN its task comes again
    assert render.render_one(deps, RenderTask(image_id, "large")) == Result(Outcome.STALE)
    # THEN the master is gone, and the image untouched
    assert f"masters/{image_id}.tif" not in deps.uploads.objects
    assert deps.repo.get(image_id).status is Status.READY


def test_a_redelivered_task_clears_what_a_dead_failure_left() -> None:
    deps = make_deps()
    image_id = _processing(deps)
    deps.uploads.put(f"uploads/{image_id}", b"UPLOAD", "image/jpeg")
    thumb = f"{image_id}/{deps.profile_version}/thumb.webp"
    deps.renditions.put(thumb, b"T", "image/webp")  # stored, never recorded
    assert deps.repo.fail(image_id, "processing_error", deps.now())  # then the worker died
    assert render.render_one(deps, RenderTask(image_id, "large")) == Result(Outcome.STALE)
    assert f"masters/{image_id}.tif" not in deps.uploads.objects
    assert f"uploads/{image_id}" not in deps.uploads.objects
    assert thumb not in deps.renditions.objects
