"""Use case: cut one rendition from the stored master and publish it (ingest publishes the
renditions it cuts itself the same way)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from chalicelib.domain.errors import ProcessingTimeout, Rejected
from chalicelib.domain.model import Rendition, Status, master_key
from chalicelib.domain.renditions import RenditionSpec, rendition_key
from chalicelib.ports import Encoded, RenderTask
from chalicelib.services.deps import Deps

log = logging.getLogger(__name__)

IMMUTABLE = "public, max-age=31536000, immutable"


def render_one(deps: Deps, task: RenderTask) -> str:
    """Make, store and record one rendition; the last one marks the image ready."""
    spec = deps.spec(task.rendition)
    image = deps.repo.get(task.image_id)
    if spec is None or image is None or image.status is not Status.PROCESSING:
        return "stale"
    if task.rendition in image.renditions:
        return _maybe_finish(deps, task.image_id, image.complete)
    master = deps.uploads.read(image.master_key)
    budget = deps.limits.processing_budget_seconds
    try:
        encoded = deps.processor().render(master, spec.width, spec.format, spec.quality, budget)
    except ProcessingTimeout:
        give_up(deps, task, "processing_timeout")
        return "failed:processing_timeout"
    except Rejected as rejection:
        # The master was made by us; if it will not decode, retrying cannot help.
        log.error("master of %s did not decode: %s", task.image_id, rejection)
        give_up(deps, task)
        return "failed:processing_error"
    return publish(deps, task.image_id, [(spec, encoded)])


def publish(
    deps: Deps,
    image_id: str,
    made: Sequence[tuple[RenditionSpec, Encoded]],
    master_stored: bool = True,
) -> str:
    """Store renditions and record them in one write; whichever write completes the set
    marks the image ready (and drops the master, if one was stored)."""
    renditions = [_store(deps, image_id, spec, encoded) for spec, encoded in made]
    updated = deps.repo.add_renditions(image_id, renditions, deps.now())
    if updated is None:
        return _withdraw(deps, image_id, [r.key for r in renditions])
    return _maybe_finish(deps, image_id, updated.complete, master_stored)


def _store(deps: Deps, image_id: str, spec: RenditionSpec, encoded: Encoded) -> Rendition:
    key = rendition_key(image_id, spec)
    deps.renditions.put(key, encoded.data, spec.content_type, IMMUTABLE)
    return Rendition(
        spec.name, key, encoded.width, encoded.height, encoded.format, len(encoded.data)
    )


def give_up(deps: Deps, task: RenderTask, reason: str = "processing_error") -> None:
    """Retries are spent: the image ends `failed`."""
    fail(deps, task.image_id, reason)


def fail(deps: Deps, image_id: str, reason: str, master_stored: bool = True) -> None:
    """The image ends `failed` (no-op if already terminal), and its master goes."""
    if deps.repo.fail(image_id, reason, deps.now()) and master_stored:
        _drop_master(deps, image_id)


def _maybe_finish(deps: Deps, image_id: str, complete: bool, master_stored: bool = True) -> str:
    if complete and deps.repo.finish(image_id, deps.now()):
        if master_stored:
            _drop_master(deps, image_id)
        return "ready"
    return "rendered"


def _drop_master(deps: Deps, image_id: str) -> None:
    """Once the image has ended no task reads its master again (a late or repeated task finds
    the image no longer processing and stops first), so the 8 MB intermediate goes; the
    original stays, and is what any future rendering would start from."""
    deps.uploads.delete([master_key(image_id)])


def _withdraw(deps: Deps, image_id: str, keys: Sequence[str]) -> str:
    """The image was deleted or ended meanwhile: leave no rendition behind for a gone image."""
    current = deps.repo.get(image_id)
    recorded = set() if current is None else {r.key for r in current.renditions.values()}
    orphans = [key for key in keys if key not in recorded]
    if orphans:
        deps.renditions.delete(orphans)
    return "stale"
