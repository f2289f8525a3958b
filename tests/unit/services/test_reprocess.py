"""Reprocess: a ready image is re-cut for the deployed profile version, flips in one write
once every new rendition exists, and keeps its old renditions for a grace after the flip."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.model import Facts, Image, Original, Rendition, Status
from chalicelib.domain.outcomes import Outcome, Result
from chalicelib.domain.renditions import FULL
from chalicelib.ports import RenderTask
from chalicelib.services import reprocess
from chalicelib.services.deletion import remove_everything
from chalicelib.services.deps import Deps
from chalicelib.services.publishing import remove_public_renditions
from chalicelib.services.reprocess_run import tasks_for
from chalicelib.services.sweeping import sweep_all
from tests.fakes import make_deps

IMAGE_ID = "ab" * 16
OLD = {
    "thumb": Rendition("thumb", f"{IMAGE_ID}/thumb.webp", 200, 150, "webp", 9),
    "large": Rendition("large", f"{IMAGE_ID}/large.webp", 2048, 1536, "webp", 99),
    "full": Rendition("full", f"full/{IMAGE_ID}.jpg", 4000, 3000, "jpeg", 999),
}


def _ready_on_legacy_profile(deps: Deps) -> Image:
    """GIVEN a ready image cut before profiles had versions, its original kept."""
    version_id = deps.originals.put(f"originals/{IMAGE_ID}", b"ORIGINAL", "image/jpeg")
    image = Image(
        IMAGE_ID, "sub-a", "a", Status.READY, "2026-01-01T00:00:00Z",
        facts=Facts(4000, 3000, "landscape", "jpeg", 8),
        original=Original(f"originals/{IMAGE_ID}", version_id, 8, "0" * 64, "image/jpeg"),
        renditions=dict(OLD), expected=("thumb", "large", "full"),
    )
    deps.repo.add(image)
    for rendition in OLD.values():
        if rendition.name != FULL.name:
            deps.renditions.put(rendition.key, b"OLD", "image/webp")
    return image


def _task(deps: Deps, name: str) -> RenderTask:
    return RenderTask(IMAGE_ID, name, deps.profile_version)


def _new_key(deps: Deps, name: str) -> str:
    return f"{IMAGE_ID}/{deps.profile_version}/{name}.webp"


def test_the_image_flips_only_when_every_new_rendition_exists() -> None:
    deps = make_deps()
    before = _ready_on_legacy_profile(deps)
    assert tasks_for(deps, before) == [_task(deps, "thumb"), _task(deps, "large")]
    # WHEN the first rendition is cut
    assert reprocess.rerender_one(deps, _task(deps, "thumb")) == Result(Outcome.RENDERED)
    # THEN it is stored and recorded as progress, and nothing shown changed
    halfway = deps.repo.get(IMAGE_ID)
    assert _new_key(deps, "thumb") in deps.renditions.objects
    assert halfway.renditions == OLD and halfway.profile_version == ""
    assert halfway.version == before.version  # the index has nothing to follow yet
    assert halfway.next_profile is not None
    assert set(halfway.next_profile.renditions) == {"thumb"}
    # WHEN the last one is cut
    done = reprocess.rerender_one(deps, _task(deps, "large"))
    # THEN one write swapped every public rendition, kept the full-size download, moved on
    assert done == Result(Outcome.READY, "reprocessed")
    after = deps.repo.get(IMAGE_ID)
    assert after.profile_version == deps.profile_version and after.next_profile is None
    assert after.version == before.version + 1
    assert {n: r.key for n, r in after.renditions.items()} == {
        "thumb": _new_key(deps, "thumb"), "large": _new_key(deps, "large"),
        "full": f"full/{IMAGE_ID}.jpg",
    }
    # AND the old files stay (pages loaded before the flip name them), recorded as retiring
    assert OLD["thumb"].key in deps.renditions.objects
    assert set(after.retiring) == {OLD["thumb"].key, OLD["large"].key}


def _flipped(deps: Deps) -> Image:
    """GIVEN a legacy image reprocessed to the deployed profile."""
    _ready_on_legacy_profile(deps)
    for name in ("thumb", "large"):
        reprocess.rerender_one(deps, _task(deps, name))
    image = deps.repo.get(IMAGE_ID)
    assert image is not None and image.profile_version == deps.profile_version
    return image


def _later(deps: Deps, hours: float) -> None:
    deps.clock.current += timedelta(hours=hours)  # type: ignore[attr-defined]


def test_the_flip_retires_the_old_renditions_for_the_grace_then_the_sweeper_removes_them() -> None:
    deps = make_deps()  # RETIRE_GRACE_HOURS at its default, 24
    after = _flipped(deps)
    old = {OLD["thumb"].key, OLD["large"].key}
    assert set(after.retiring) == old and after.retiring_since
    # WHEN the sweeper runs within the grace (past the orphan grace of the files themselves)
    _later(deps, 23)
    sweep_all(deps)
    # THEN pages loaded before the flip still find every file they name
    assert old <= set(deps.renditions.objects)  # type: ignore[attr-defined]
    # WHEN it runs after the grace
    _later(deps, 2)
    report = sweep_all(deps)
    # THEN the old files are orphans and go; the new ones stay; no invalidation is sent
    assert not old & set(deps.renditions.objects)  # type: ignore[attr-defined]
    assert report.counts["orphans.renditions"] == 2
    assert {_new_key(deps, "thumb"), _new_key(deps, "large")} <= set(deps.renditions.objects)  # type: ignore[attr-defined]
    assert deps.cdn.invalidated == []  # type: ignore[attr-defined]


def test_deleting_a_flipped_image_removes_its_retiring_renditions_too() -> None:
    deps = make_deps()
    _flipped(deps)
    assert deps.repo.mark_deleted(IMAGE_ID, "sub-a", "owner", deps.now(), 1) is not None
    tombstone = deps.repo.get(IMAGE_ID)
    assert tombstone is not None
    remove_everything(deps, tombstone)  # a delete asked again: the tombstone is all it reads
    assert not [k for k in deps.renditions.objects if k.startswith(IMAGE_ID)]  # type: ignore[attr-defined]


def test_redelivered_tasks_neither_cut_twice_nor_flip_twice() -> None:
    deps = make_deps()
    _ready_on_legacy_profile(deps)
    engine = deps.processor()
    reprocess.rerender_one(deps, _task(deps, "thumb"))
    cuts = len(engine.calls)
    assert reprocess.rerender_one(deps, _task(deps, "thumb")) == Result(Outcome.RENDERED)
    assert len(engine.calls) == cuts  # its progress was recorded: not cut again
    reprocess.rerender_one(deps, _task(deps, "large"))
    flipped = deps.repo.get(IMAGE_ID)
    assert reprocess.rerender_one(deps, _task(deps, "large")) == Result(Outcome.STALE)
    assert deps.repo.get(IMAGE_ID) == flipped


def test_a_delete_during_the_reprocess_wins_and_leaves_no_new_file() -> None:
    deps = make_deps()
    _ready_on_legacy_profile(deps)
    reprocess.rerender_one(deps, _task(deps, "thumb"))
    # WHEN the owner deletes it (deletion withdraws what the record names, progress included)
    image = deps.repo.get(IMAGE_ID)
    assert deps.repo.mark_deleted(IMAGE_ID, "sub-a", "owner", deps.now(), 1) is not None
    remove_public_renditions(deps, image)
    assert _new_key(deps, "thumb") not in deps.renditions.objects
    # AND the last task arrives: it stores nothing that stays, and flips nothing
    assert reprocess.rerender_one(deps, _task(deps, "large")) == Result(Outcome.STALE)
    assert not [k for k in deps.renditions.objects if k.startswith(IMAGE_ID)]
    assert deps.repo.get(IMAGE_ID).status is Status.DELETED


def test_a_rendition_stored_as_the_image_is_held_is_withdrawn() -> None:
    deps = make_deps()
    _ready_on_legacy_profile(deps)
    deps.repo.hold_reported(IMAGE_ID, deps.now())  # ready -> in_review between read and write
    original_get = deps.repo.get
    deps.repo.get = lambda i: _as_ready(original_get(i))  # type: ignore[method-assign]
    try:
        result = reprocess.rerender_one(deps, _task(deps, "thumb"))
    finally:
        deps.repo.get = original_get  # type: ignore[method-assign]
    assert result == Result(Outcome.STALE)
    assert _new_key(deps, "thumb") not in deps.renditions.objects


def _as_ready(image: Image | None) -> Image | None:
    """The image as a read just before the hold saw it."""
    if image is None:
        return None
    image.status = Status.READY
    return image


def test_a_task_for_another_profile_or_an_image_already_on_it_is_stale() -> None:
    deps = make_deps()
    _ready_on_legacy_profile(deps)
    assert reprocess.rerender_one(deps, RenderTask(IMAGE_ID, "thumb", "0ld")) == Result(
        Outcome.STALE
    )
    assert reprocess.rerender_one(deps, _task(deps, "full")) == Result(Outcome.STALE)
    assert not [k for k in deps.renditions.objects if deps.profile_version in k]


def test_a_newer_profile_replaces_an_older_reprocess_progress() -> None:
    deps = make_deps()
    _ready_on_legacy_profile(deps)
    image = deps.repo.add_next_rendition(IMAGE_ID, "older", OLD["thumb"])
    assert image is not None and image.next_profile.version == "older"
    reprocess.rerender_one(deps, _task(deps, "thumb"))
    progress = deps.repo.get(IMAGE_ID).next_profile
    assert progress.version == deps.profile_version and set(progress.renditions) == {"thumb"}
