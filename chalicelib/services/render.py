"""Use case: cut one rendition from the stored master and publish it (ingest publishes the
renditions it cuts itself the same way, through services.publishing)."""

from __future__ import annotations

from chalicelib.domain.errors import ProcessingTimeout, Rejected
from chalicelib.domain.model import Image, Status
from chalicelib.domain.outcomes import Outcome, Result, failed
from chalicelib.domain.renditions import FULL, RenditionSpec
from chalicelib.logs import child_logger
from chalicelib.ports import Encoded, ImageProcessor, RenderTask
from chalicelib.services.deps import Deps
from chalicelib.services.publishing import (
    cut_from_original,
    fail,
    finish_if_complete,
    original_of,
    publish,
    tidy_ended,
)

log = child_logger(__name__)


def render_one(deps: Deps, task: RenderTask) -> Result:
    """Make, store and record one rendition; the last one marks the image ready."""
    spec = deps.spec(task.rendition)
    image = deps.repo.get(task.image_id)
    if image is not None and image.status.terminal:
        tidy_ended(deps, image)  # a redelivery after the ending's clean-up died
    if spec is None or image is None or image.status is not Status.PROCESSING:
        return Result(Outcome.STALE)
    if task.rendition in image.renditions:
        return finish_if_complete(deps, task.image_id, image.complete)
    try:
        encoded = _encode(deps, image, spec)
    except ProcessingTimeout:
        give_up(deps, task, "processing_timeout")
        return failed("processing_timeout")
    except Rejected as rejection:
        # The master (or the original) was accepted by ingest; if it will not decode now,
        # retrying cannot help.
        log.error("source did not decode: %s", rejection, extra={"rendition": task.rendition})
        give_up(deps, task)
        return failed("processing_error")
    return publish(deps, task.image_id, [(spec, encoded)])


def give_up(deps: Deps, task: RenderTask, reason: str = "processing_error") -> None:
    """Retries are spent: the image ends `failed`."""
    fail(deps, task.image_id, reason)


def _encode(deps: Deps, image: Image, spec: RenditionSpec) -> Encoded:
    """Public sizes are cut from the master ingest stored; the full-size download from the
    kept original itself (the exact version recorded), decoded by its own format's loader."""
    budget = deps.limits.processing_budget_seconds
    engine = deps.processor()
    if spec is not FULL:
        return _cut(deps, image, spec, engine, budget)
    data, facts = original_of(deps, image)
    return engine.render_full(data, facts.format, spec.quality, budget)


def _cut(
    deps: Deps, image: Image, spec: RenditionSpec, engine: ImageProcessor, budget: float
) -> Encoded:
    """From the stored master; when there is none (ingest cut every public size itself and
    died before recording them, so the sweeper re-sent them here), from the original."""
    try:
        master = deps.uploads.read(image.master_key)
    except Exception:
        if deps.uploads.head(image.master_key) is not None:
            raise  # the master is there: a real read failure, to be retried
        return cut_from_original(deps, image, spec, engine)
    return engine.render(master, spec.width, spec.format, spec.quality, budget)
