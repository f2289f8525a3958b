"""The sweeper on fakes: each phase repairs what it should, and nothing else; a second run
changes nothing; work per run is bounded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from chalicelib import bootstrap
from chalicelib.adapters.faults import FaultInjector
from chalicelib.auth import Principal
from chalicelib.domain.limits import Limits
from chalicelib.domain.model import Rendition, Status
from chalicelib.domain.search import Change
from chalicelib.faultplan import FaultPlan, FaultRule
from chalicelib.ports import RenderTask, UploadedObject
from chalicelib.services import ingest, render
from chalicelib.services.deps import Deps
from chalicelib.services.sweeping import sweep, sweep_all
from chalicelib.services.uploads import request_upload
from tests.fakes import FakeProcessor, make_deps, search_doc
from tests.images import factory

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))


def _deps(**limits: int) -> Deps:
    return make_deps(FakeProcessor(size=(4000, 3000)), replace(Limits(), **limits))


def _later(deps: Deps, minutes: float) -> None:
    deps.clock.current += timedelta(minutes=minutes)  # type: ignore[attr-defined]


def _granted(deps: Deps) -> str:
    body = {"filename": "x.jpg", "content_type": "image/jpeg", "size": 10_000_000}
    return request_upload(deps, ALICE, body).image_id


def _uploaded(deps: Deps) -> str:
    image_id = _granted(deps)
    # Bytes of its own (a trailer past the JPEG's end): the same photo again would be refused
    # as the owner's duplicate.
    photo = factory.photo(4000, 3000) + image_id.encode()
    deps.uploads.put(f"uploads/{image_id}", photo, "image/jpeg")
    return image_id


def _notification(deps: Deps, image_id: str) -> UploadedObject:
    key = f"uploads/{image_id}"
    return UploadedObject(key, deps.uploads.versions[key][-1].etag)  # type: ignore[attr-defined]


def _stranded(deps: Deps) -> str:
    """Ingested (thumb cut inline), and its render messages lost."""
    image_id = _uploaded(deps)
    ingest.ingest_object(deps, _notification(deps, image_id))
    deps.queue.sent.clear()  # type: ignore[attr-defined]
    return image_id


def _render_sent(deps: Deps) -> None:
    """Render invocations take every message sent so far."""
    sent = list(deps.queue.sent)  # type: ignore[attr-defined]
    deps.queue.sent.clear()  # type: ignore[attr-defined]
    for task in sent:
        render.render_one(deps, task)


def _status(deps: Deps, image_id: str) -> tuple[Status, str | None]:
    image = deps.repo.get(image_id)
    assert image is not None
    return image.status, image.reason


# --- a. stuck processing ----------------------------------------------------------------------


def test_a_stuck_image_gets_exactly_its_missing_renditions_again_and_ends_ready() -> None:
    deps = _deps()
    image_id = _stranded(deps)
    _later(deps, 16)
    report = sweep_all(deps)
    assert report.counts["stuck.renders_resent"] == 1
    assert deps.queue.sent == [RenderTask(image_id, "large"), RenderTask(image_id, "full")]  # type: ignore[attr-defined]
    _render_sent(deps)
    assert _status(deps, image_id) == (Status.READY, None)


def test_an_image_still_within_the_limit_is_left_alone() -> None:
    deps = _deps()
    image_id = _stranded(deps)
    _later(deps, 14)
    assert sweep_all(deps).counts["stuck.found"] == 0
    assert deps.queue.sent == []  # type: ignore[attr-defined]
    assert deps.repo.get(image_id).repairs == 0  # type: ignore[union-attr]


def test_after_the_last_repair_the_image_ends_failed_processing_timeout() -> None:
    deps = _deps(sweep_max_repairs=2)
    image_id = _stranded(deps)
    for _ in range(2):
        _later(deps, 16)
        assert sweep_all(deps).counts["stuck.renders_resent"] == 1
        deps.queue.sent.clear()  # type: ignore[attr-defined]  # lost again
    _later(deps, 16)
    assert sweep_all(deps).counts["stuck.timed_out"] == 1
    assert _status(deps, image_id) == (Status.FAILED, "processing_timeout")
    assert f"masters/{image_id}.tif" not in deps.uploads.objects  # type: ignore[attr-defined]


def test_when_ingest_died_its_upload_is_notified_again_and_ingest_carries_on() -> None:
    deps = _deps()
    image_id = _uploaded(deps)
    version = deps.uploads.versions[f"uploads/{image_id}"][-1]  # type: ignore[attr-defined]
    # ingest claimed the upload, then its worker was killed before it recorded anything
    assert deps.repo.start_processing(image_id, deps.now(), version.version_id)
    _later(deps, 16)
    assert sweep_all(deps).counts["stuck.ingest_resent"] == 1
    key = f"uploads/{image_id}"
    assert deps.ingest_queue.sent == [UploadedObject(key, version.etag, version.version_id)]  # type: ignore[attr-defined]
    ingest.ingest_object(deps, deps.ingest_queue.sent[0])  # type: ignore[attr-defined]
    _render_sent(deps)
    assert _status(deps, image_id) == (Status.READY, None)


def test_when_ingest_died_and_the_upload_is_gone_the_image_fails() -> None:
    deps = _deps()
    image_id = _uploaded(deps)
    version = deps.uploads.versions[f"uploads/{image_id}"][-1].version_id  # type: ignore[attr-defined]
    deps.repo.start_processing(image_id, deps.now(), version)
    deps.uploads.purge([f"uploads/{image_id}"])
    _later(deps, 16)
    assert sweep_all(deps).counts["stuck.upload_missing"] == 1
    assert _status(deps, image_id) == (Status.FAILED, "upload_missing")
    assert deps.ingest_queue.sent == []  # type: ignore[attr-defined]


def test_a_complete_image_whose_finish_was_lost_is_finished() -> None:
    deps = _deps()
    image_id = _stranded(deps)
    render.render_one(deps, RenderTask(image_id, "large"))
    rendition = replace(next(iter(deps.repo.get(image_id).renditions.values())),  # type: ignore[union-attr]
                        name="full", key=f"full/{image_id}.jpg")
    deps.originals.put(rendition.key, b"FULL", "image/jpeg")
    deps.repo.add_renditions(image_id, [rendition], deps.now())  # recorded, then the worker died
    _later(deps, 16)
    assert sweep_all(deps).counts["stuck.finished"] == 1
    assert _status(deps, image_id) == (Status.READY, None)
    assert deps.queue.sent == []  # type: ignore[attr-defined]


def test_a_render_without_a_stored_master_cuts_from_the_original() -> None:
    deps = _deps()
    image_id = _stranded(deps)
    deps.uploads.purge([f"masters/{image_id}.tif"])  # as when ingest cut everything inline
    engine = deps.processor()
    assert render.render_one(deps, RenderTask(image_id, "large")).outcome.value == "rendered"
    assert "large" in deps.repo.get(image_id).renditions  # type: ignore[union-attr]
    assert "master:unstored" in engine.calls  # type: ignore[attr-defined]


# --- b. pending -------------------------------------------------------------------------------


def test_a_pending_record_without_upload_expires_only_after_the_grace() -> None:
    deps = _deps()
    image_id = _granted(deps)
    _later(deps, 5 + 59)  # the grant's 300 s, and not quite the grace
    assert sweep_all(deps).counts["pending.expired"] == 0
    assert deps.repo.get(image_id) is not None
    _later(deps, 2)
    assert sweep_all(deps).counts["pending.expired"] == 1
    assert deps.repo.get(image_id) is None


def test_a_pending_record_with_its_upload_is_notified_again_never_lost() -> None:
    deps = _deps()
    image_id = _uploaded(deps)  # S3 answered 204; its notification never reached ingest
    _later(deps, 66)
    assert sweep_all(deps).counts["pending.renotified"] == 1
    (sent,) = deps.ingest_queue.sent  # type: ignore[attr-defined]
    assert sent.key == f"uploads/{image_id}" and sent.version_id and sent.etag
    ingest.ingest_object(deps, sent)
    _render_sent(deps)
    assert _status(deps, image_id) == (Status.READY, None)


# --- c. orphans -------------------------------------------------------------------------------


def _ready(deps: Deps) -> str:
    image_id = _stranded(deps)
    deps.queue.sent.extend([RenderTask(image_id, "large"), RenderTask(image_id, "full")])  # type: ignore[attr-defined]
    _render_sent(deps)
    assert _status(deps, image_id)[0] is Status.READY
    return image_id


def _everything(deps: Deps) -> set[str]:
    return {f"{name}:{key}" for name in ("uploads", "renditions", "originals")
            for key in getattr(deps, name).objects}


def test_orphans_of_every_kind_go_and_claimed_objects_stay() -> None:
    deps = _deps()
    ready, pending = _ready(deps), _uploaded(deps)
    processing = _stranded(deps)
    claimed = _everything(deps)
    ghost, gone = "f" * 32, _ready(deps)
    deps.repo.mark_deleted(gone, "sub-admin", "policy", deps.now(), 1)  # its files left behind
    orphans = {
        f"uploads:uploads/{ghost}", f"uploads:uploads/{ready}", f"uploads:masters/{ready}.tif",
        f"renditions:{ghost}/thumb.webp", f"renditions:{ready}/old.webp",
        f"originals:originals/{ghost}", f"originals:full/{ghost}.jpg",
        f"renditions:{gone}/thumb.webp", f"originals:originals/{gone}",
        f"originals:full/{gone}.jpg",
    }
    for entry in orphans - _everything(deps):
        store, key = entry.split(":", 1)
        getattr(deps, store).put(key, b"x", "image/webp")
    before = _everything(deps)
    assert orphans <= before
    _later(deps, 61)
    report = sweep_all(deps)
    assert _everything(deps) == claimed
    assert sum(report.counts[f"orphans.{k}"] for k in
               ("uploads", "masters", "renditions", "originals", "full")) == len(before - claimed)
    assert not deps.uploads.versions.get(f"uploads/{ghost}")  # type: ignore[attr-defined]
    assert {f"uploads/{pending}", f"masters/{processing}.tif"} <= set(deps.uploads.objects)  # type: ignore[attr-defined]


def test_young_objects_are_never_touched() -> None:
    deps = _deps()
    ghost = "e" * 32
    _later(deps, 120)
    deps.uploads.written_at = deps.clock.now() - timedelta(minutes=59)  # type: ignore[attr-defined]
    deps.uploads.put(f"uploads/{ghost}", b"x", "image/jpeg")
    report = sweep_all(deps)
    assert f"uploads/{ghost}" in deps.uploads.objects  # type: ignore[attr-defined]
    assert (report.counts["orphans.uploads"], report.counts["orphans.young"]) == (0, 1)


def test_a_scheduled_run_takes_one_slice_of_the_key_space() -> None:
    deps = _deps()
    in_slice, elsewhere = "3" + "0" * 31, "4" + "0" * 31
    for ghost in (in_slice, elsewhere):
        deps.uploads.put(f"uploads/{ghost}", b"x", "image/jpeg")
    _later(deps, 61)
    report = sweep(deps, run=16 * 5 + 3)
    assert report.segment == 3 and report.counts["orphans.uploads"] == 1
    assert set(deps.uploads.objects) == {f"uploads/{elsewhere}"}  # type: ignore[attr-defined]


# --- d. the index against the table ------------------------------------------------------------


def test_index_drift_is_repaired_both_ways() -> None:
    deps = _deps()
    missing, stale = _ready(deps), _ready(deps)
    failed = _stranded(deps)
    deps.repo.fail(failed, "processing_error", deps.now())
    index = deps.search_index()
    image = deps.repo.get(stale)
    assert image is not None
    index.rebuild([])
    index.apply([Change(stale, image.version - 1, replace(search_doc(1), image_id=stale))])
    index.apply([Change(failed, 1, replace(search_doc(2), image_id=failed)),
                 Change("a" * 32, 3, replace(search_doc(3), image_id="a" * 32))])
    report = sweep_all(deps)
    assert index.versions([missing, stale, failed, "a" * 32]) == {
        missing: deps.repo.get(missing).version, stale: image.version,  # type: ignore[union-attr]
    }
    assert report.counts["index.upserted"] == 2
    assert report.counts["index.removed"] == 1 and report.counts["index.ghosts_removed"] == 1
    assert (report.counts["table.ready"], report.counts["table.failed"]) == (2, 1)


def test_documents_indexed_under_an_older_schema_are_rewritten_once() -> None:
    # GIVEN two ready images indexed at their table version, one by an older document schema
    # (before a mapping upgrade added fields), plus one not indexed at all
    deps = _deps()
    old_schema, current, missing = _ready(deps), _ready(deps), _ready(deps)
    index = deps.search_index()
    index.rebuild([])
    for image_id in (old_schema, current):
        image = deps.repo.get(image_id)
        assert image is not None
        index.apply([Change(image_id, image.version, replace(search_doc(1), image_id=image_id))])
    index.outdated = {old_schema}  # type: ignore[attr-defined]
    # WHEN swept
    report = sweep_all(deps)
    # THEN only the outdated one is rewritten (at its own version, with the table's document)
    # and the missing one upserted as before
    assert report.counts["index.refreshed"] == 1 and report.counts["index.upserted"] == 1
    assert not index.outdated  # type: ignore[attr-defined]
    assert missing in index.docs  # type: ignore[attr-defined]
    image = deps.repo.get(old_schema)
    assert index.docs[old_schema].title == image.title  # type: ignore[attr-defined,union-attr]
    assert index.docs[current].title == search_doc(1).title  # type: ignore[attr-defined]
    # AND a second run has nothing left to refresh
    assert sweep_all(deps).counts["index.refreshed"] == 0


def test_an_open_image_from_before_the_stage_index_is_backfilled() -> None:
    deps = _deps()
    image_id = _granted(deps)
    deps.repo.items[image_id] = replace(deps.repo.items[image_id], stage_at="")  # type: ignore[attr-defined]
    assert sweep_all(deps).counts["index.backfilled"] == 1
    assert deps.repo.get(image_id).stage_at  # type: ignore[union-attr]
    _later(deps, 70)
    assert sweep_all(deps).counts["pending.expired"] == 1


# --- the run as a whole -----------------------------------------------------------------------


def test_a_second_run_right_after_changes_nothing() -> None:
    deps = _deps()
    _stranded(deps), _uploaded(deps), _granted(deps), _ready(deps)
    deps.uploads.put(f"uploads/{'d' * 32}", b"x", "image/jpeg")
    deps.search_index().apply([Change("b" * 32, 2, replace(search_doc(4), image_id="b" * 32))])
    _later(deps, 70)
    first = sweep_all(deps)
    assert first.repairs >= 5
    items, objects = dict(deps.repo.items), _everything(deps)  # type: ignore[attr-defined]
    sent = (len(deps.queue.sent), len(deps.ingest_queue.sent))  # type: ignore[attr-defined]
    second = sweep_all(deps)
    assert second.repairs == 0, second.as_json()
    assert (dict(deps.repo.items), _everything(deps)) == (items, objects)  # type: ignore[attr-defined]
    assert (len(deps.queue.sent), len(deps.ingest_queue.sent)) == sent  # type: ignore[attr-defined]


def test_a_run_handles_at_most_a_batch_per_phase() -> None:
    deps = _deps(sweep_batch=2)
    stuck = [_stranded(deps) for _ in range(5)]
    _later(deps, 16)
    report = sweep_all(deps)
    assert report.counts["stuck.found"] == 2 and report.counts["stuck.renders_resent"] == 2
    assert sum(deps.repo.get(i).repairs for i in stuck) == 2  # type: ignore[union-attr]


def test_a_run_out_of_time_starts_nothing() -> None:
    deps = _deps(sweep_budget_seconds=0)
    _stranded(deps)
    _later(deps, 16)
    report = sweep_all(deps)
    assert report.out_of_time and report.repairs == 0
    assert deps.queue.sent == []  # type: ignore[attr-defined]


def test_the_report_reads_as_one_json_object() -> None:
    deps = _deps()
    _stranded(deps)
    _later(deps, 16)
    line = sweep(deps, run=0).as_json()
    assert line["segment"] == 0 and line["full"] is False and line["repairs"] == 1
    assert line["counts"]["stuck.renders_resent"] == 1


def test_a_failing_phase_is_counted_and_the_run_goes_on() -> None:
    # GIVEN a stuck image, and an uploads bucket that refuses to be listed (S3 SlowDown)
    deps = _deps()
    image_id = _stranded(deps)
    _later(deps, 16)
    rule = FaultRule("s3_slowdown", every=1, methods=("listing",), targets=("uploads",))
    faulty = bootstrap.wrap_ports(deps, FaultInjector(FaultPlan((rule,))))
    # WHEN one full pass runs
    report = sweep_all(faulty)
    # THEN the orphan passes over the uploads bucket failed and said so, the rest ran
    assert report.counts["orphans.errors"] == 16
    assert report.counts["stuck.renders_resent"] == 1
    assert deps.queue.sent == [RenderTask(image_id, "large"), RenderTask(image_id, "full")]  # type: ignore[attr-defined]
    assert report.counts["table.ready"] == 0 and "index.errors" not in report.counts


def test_stuck_images_are_left_alone_while_render_tasks_wait_in_the_queue() -> None:
    # GIVEN an image with no progress for long, and a busy render queue
    deps = _deps(sweep_backlog_defer=20)
    image_id = _stranded(deps)
    _later(deps, 16)
    deps.queue.waiting = 25  # type: ignore[attr-defined]
    # WHEN the sweeper runs: the image is slow, not stuck; nothing is re-sent or ended
    report = sweep_all(deps)
    assert report.counts["stuck.deferred_for_backlog"] == 1
    assert report.counts["render.backlog"] == 25
    assert deps.queue.sent == [] and _status(deps, image_id)[0] is Status.PROCESSING  # type: ignore[attr-defined]
    # THEN once the queue has drained, the next run repairs it
    deps.queue.waiting = 0  # type: ignore[attr-defined]
    assert sweep_all(deps).counts["stuck.renders_resent"] == 1


def test_a_reprocess_under_way_keeps_its_new_files_and_a_flip_orphans_the_old_after_grace(
) -> None:
    deps = _deps()
    image_id = _ready(deps)
    shown = deps.repo.get(image_id).renditions["thumb"]
    # GIVEN a reprocess that stored and recorded one rendition of a newer version
    cut = Rendition("thumb", f"{image_id}/v2/thumb.webp", 200, 150, "webp", 1)
    deps.renditions.put(cut.key, b"new", "image/webp")
    assert deps.repo.add_next_rendition(image_id, "v2", cut) is not None
    _later(deps, 61)
    sweep_all(deps)
    # THEN the sweeper leaves both the shown file and the one not shown yet
    assert {shown.key, cut.key} <= set(deps.renditions.objects)  # type: ignore[attr-defined]
    # WHEN the image flips: the old file is retiring, still named by pages loaded before
    renditions = {**deps.repo.get(image_id).renditions, "thumb": cut}
    assert deps.repo.flip_profile(image_id, "v2", renditions, deps.now()) is not None
    _later(deps, 61)
    sweep_all(deps)
    assert shown.key in deps.renditions.objects  # type: ignore[attr-defined]
    # AND the grace (RETIRE_GRACE_HOURS, 24 by default) passes
    _later(deps, 24 * 60)
    sweep_all(deps)
    # THEN the old file is an orphan the sweeper removes; the new one stays
    assert shown.key not in deps.renditions.objects  # type: ignore[attr-defined]
    assert cut.key in deps.renditions.objects  # type: ignore[attr-defined]
