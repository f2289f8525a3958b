"""Use case: re-cut a ready image's public renditions for the deployed profile version, and
flip the image to them in one write once all exist.

Nothing shown ever names a missing file: the new files are stored (under the new version's
keys) before any record names them, the flip swaps every rendition at once, and the old files
stay for RETIRE_GRACE_HOURS after it: the flip records them as retiring, and the sweeper's
orphan phase removes them once the grace is over. Readers hold old URLs for a while after the
flip (the search engine's readers see it a little later, pages and search results already
loaded keep their srcset for lazy images, CDN edges keep cached HTML), so the files must
outlive the index's update, not just follow it. Retired keys are versioned and immutable, and
no page names them after the grace, so no CDN invalidation is sent for them: an edge's cached
copy of a gone file is simply never asked for."""

from __future__ import annotations

from chalicelib.domain.errors import ProcessingTimeout, Rejected
from chalicelib.domain.model import Image, Rendition, Status
from chalicelib.domain.outcomes import Outcome, Result
from chalicelib.domain.renditions import FULL, RenditionSpec
from chalicelib.logs import child_logger
from chalicelib.ports import RenderTask
from chalicelib.services.deps import Deps
from chalicelib.services.publishing import cut_from_original, store_rendition

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
