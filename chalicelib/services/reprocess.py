"""Use case: re-cut a ready image's public renditions for the deployed profile version, flip
the image to them in one write once all exist, and retire the old ones after the index
shows the new (the images table's stream is the outbox).

Nothing shown ever names a missing file: the new files are stored (under the new version's
keys) before any record names them, the flip swaps every rendition at once, and the old files
go only once the search document that named them has been replaced."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.domain.errors import ProcessingTimeout, Rejected
from chalicelib.domain.model import Image, Rendition, Status
from chalicelib.domain.outcomes import Outcome, Result
from chalicelib.domain.renditions import FULL, RenditionSpec
from chalicelib.logs import child_logger
from chalicelib.ports import RenderTask
from chalicelib.services.deps import Deps
from chalicelib.services.publishing import (
    cut_from_original,
    retire_renditions,
    store_rendition,
)

log = child_logger(__name__)


def needs_reprocess(image: Image, version: str) -> bool:
    """A ready image whose renditions were cut with another profile version (or none)."""
    return image.status is Status.READY and image.profile_version != version


def rerender_one(deps: Deps, task: RenderTask) -> Result:
    """Cut, store and record one rendition of the deployed profile version for a ready image;
    the call that completes the set flips the image. Idempotent under redelivery; a delete or
    reject meanwhile wins (every write is conditional on the image being ready)."""
    version, spec = deps.profile_version, deps.spec(task.rendition)
    image = deps.repo.get(task.image_id)
    if task.profile != version or spec is None or spec is FULL:
        return Result(Outcome.STALE)  # sent for a profile no longer deployed
    if image is None or not needs_reprocess(image, version):
        return Result(Outcome.STALE)
    progress = image.next_profile
    if progress is None or progress.version != version or spec.name not in progress.renditions:
        recorded = _cut_and_record(deps, image, spec, version)
        if recorded is None:
            return Result(Outcome.STALE)
        image = recorded
    return flip_if_complete(deps, image, version)


def flip_if_complete(deps: Deps, image: Image, version: str) -> Result:
    """When every rendition of `version` exists, ONE conditional write swaps them in (the
    full-size download stays) and moves the record version, so the index follows."""
    progress = image.next_profile
    names = [spec.name for spec in deps.profile]
    if progress is None or progress.version != version:
        return Result(Outcome.STALE)
    if not set(names) <= set(progress.renditions):
        return Result(Outcome.RENDERED)
    kept = {n: r for n, r in image.renditions.items() if n == FULL.name}
    swapped = {**kept, **{name: progress.renditions[name] for name in names}}
    flipped = deps.repo.flip_profile(image.image_id, version, swapped, deps.now())
    if flipped is None:
        return Result(Outcome.STALE)  # another call flipped it, or it was deleted/held
    log.info("profile flipped", extra={"image_id": image.image_id, "profile": version})
    return Result(Outcome.READY, "reprocessed")


def _cut_and_record(deps: Deps, image: Image, spec: RenditionSpec, version: str) -> Image | None:
    try:
        encoded = cut_from_original(deps, image, spec, deps.processor())
    except (ProcessingTimeout, Rejected) as error:
        # The image stays as it is, on its older renditions: a later run may try again.
        log.error("reprocess could not cut: %s", error, extra={"image_id": image.image_id})
        return None
    rendition = store_rendition(deps, image.image_id, spec, encoded, version)
    recorded = deps.repo.add_next_rendition(image.image_id, version, rendition)
    if recorded is None:
        _withdraw_unclaimed(deps, image.image_id, rendition)
    return recorded


def _withdraw_unclaimed(deps: Deps, image_id: str, rendition: Rendition) -> None:
    """The write lost (deleted, rejected, held, or flipped by a concurrent call): the file
    goes unless a record names it."""
    current = deps.repo.get(image_id)
    if current is None or rendition.key not in current.claimed_keys:
        deps.renditions.delete([rendition.key])


def retire_replaced(deps: Deps, records: Sequence[tuple[Image | None, Image | None]]) -> int:
    """After the index applied a batch of stream records: the public renditions a profile
    flip replaced (named by the old image, not by the new) are deleted and invalidated.
    Idempotent: a retried batch deletes what is already gone."""
    retired: list[str] = []
    for old, new in records:
        if old is None or new is None or old.profile_version == new.profile_version:
            continue
        if new.status is not Status.READY:
            continue  # deletion and rejection withdraw renditions their own way
        shown = {r.key for r in new.renditions.values()}
        retired += [r.key for n, r in old.renditions.items()
                    if n != FULL.name and r.key not in shown]
    retire_renditions(deps, retired)
    return len(retired)
