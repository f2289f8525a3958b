"""Phase a: images `processing` with no progress for too long, and phase b: `pending` ones
whose grant expired long ago. Each is re-sent its missing work, or ended."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from chalicelib.domain.model import Image, Status
from chalicelib.ports import OpenRef, Pin, RenderTask, UploadedObject
from chalicelib.services.deps import Deps
from chalicelib.services.publishing import fail, finish_if_complete
from chalicelib.services.sweeping.report import Budget, SweepReport, guarded, iso

TIMEOUT = "processing_timeout"
UPLOAD_MISSING = "upload_missing"
PHASE = {Status.PROCESSING: "stuck", Status.PENDING: "pending"}  # each stage's report prefix


def sweep_processing(deps: Deps, report: SweepReport, budget: Budget) -> None:
    """The oldest stuck processing images, up to a batch: resend, finish or fail each. Not
    while render tasks wait in the queue: then images are slow, not stuck, and re-sending
    (or ending them after SWEEP_MAX_REPAIRS) would only add to the backlog (make soak saw
    233 needless re-sends)."""
    waiting = deps.queue.backlog()
    if waiting >= deps.limits.sweep_backlog_defer:
        report.add("stuck.deferred_for_backlog")
        report.add("render.backlog", waiting)
        return
    waited = timedelta(minutes=deps.limits.sweep_processing_minutes)
    _each_open(deps, report, budget, Status.PROCESSING, waited, _repair_processing)


def sweep_pending(deps: Deps, report: SweepReport, budget: Budget) -> None:
    """Pending images whose grant expired more than the grace ago: re-notified when their
    upload is there (S3 answered the browser 204: it must not be lost), else expired."""
    limits = deps.limits
    waited = timedelta(seconds=limits.upload_expires_seconds,
                       minutes=limits.sweep_pending_grace_minutes)
    _each_open(deps, report, budget, Status.PENDING, waited, _repair_pending)


def _each_open(
    deps: Deps, report: SweepReport, budget: Budget, stage: Status, waited: timedelta,
    repair: Callable[[Deps, Image, OpenRef], str],
) -> None:
    """The oldest images open at `stage` with no progress for `waited`, up to a batch, each
    repaired while the budget lasts; every outcome counted as `<stage>.<what was done>`."""
    name = PHASE[stage]
    cutoff = iso(deps.clock.now() - waited)
    page = deps.repo.open_since(stage, cutoff, deps.limits.sweep_batch)
    report.add(f"{name}.found", len(page.items))
    for ref in page.items:
        if budget.spent():
            report.out_of_time = True
            return
        guarded(report, name, _repair_one, deps, report, ref, stage, repair)


def _repair_one(
    deps: Deps, report: SweepReport, ref: OpenRef, stage: Status,
    repair: Callable[[Deps, Image, OpenRef], str],
) -> None:
    image = _still_open(deps, ref, stage)
    report.add(f"{PHASE[stage]}.{repair(deps, image, ref) if image else 'moved_on'}")


def _still_open(deps: Deps, ref: OpenRef, stage: Status) -> Image | None:
    """The image as the table has it now, if it is still where the index said and has not
    progressed since (the index lags the table a little)."""
    image = deps.repo.get(ref.image_id)
    if image is None or image.status is not stage or image.stage_at != ref.stage_at:
        return None
    return image


def _repair_processing(deps: Deps, image: Image, ref: OpenRef) -> str:
    if image.complete:  # every rendition landed; the finish was lost with its worker
        finish_if_complete(deps, image.image_id, True)
        return "finished"
    if image.repairs >= deps.limits.sweep_max_repairs:
        fail(deps, image.image_id, TIMEOUT)
        return "timed_out"
    if image.facts is None:  # ingest died before recording what it learned
        return _resend_ingest(deps, image, ref)
    missing = [name for name in image.expected if name not in image.renditions]
    if not deps.repo.mark_repaired(image.image_id, ref.stage_at, deps.now()):
        return "moved_on"
    deps.queue.publish([RenderTask(image.image_id, name) for name in missing])
    return "renders_resent"


def _resend_ingest(deps: Deps, image: Image, ref: OpenRef) -> str:
    """Ingest accepts a re-claim of the version it claimed: send its notification again."""
    pin = Pin(version_id=image.upload_pin) if image.upload_pin else None
    info = deps.uploads.head(image.upload_key, pin)
    if info is None and pin is not None:  # an unversioned store pins by ETag
        info = deps.uploads.head(image.upload_key, Pin(etag=image.upload_pin))
    if info is None:
        fail(deps, image.image_id, UPLOAD_MISSING)
        return UPLOAD_MISSING
    if not deps.repo.mark_repaired(image.image_id, ref.stage_at, deps.now()):
        return "moved_on"
    deps.ingest_queue.renotify(UploadedObject(image.upload_key, info.etag, info.version_id))
    return "ingest_resent"


def _repair_pending(deps: Deps, image: Image, ref: OpenRef) -> str:
    info = deps.uploads.head(image.upload_key)
    if info is None:
        return "expired" if deps.repo.expire_pending(image.image_id) else "moved_on"
    if image.repairs >= deps.limits.sweep_max_repairs:
        fail(deps, image.image_id, TIMEOUT, master_stored=False)
        return "timed_out"
    if not deps.repo.mark_repaired(image.image_id, ref.stage_at, deps.now()):
        return "moved_on"
    deps.ingest_queue.renotify(UploadedObject(image.upload_key, info.etag, info.version_id))
    return "renotified"
