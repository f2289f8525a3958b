"""Rendition bookkeeping shared by ingest, render, reprocess, deletion and review: store and
record renditions, finish the image exactly once, fail it, drop the master once the image has
ended, withdraw public renditions, cut one from the kept original."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.domain.errors import Rejected
from chalicelib.domain.model import (
    Facts,
    Image,
    Rendition,
    Status,
    full_key,
    master_key,
    upload_key,
)
from chalicelib.domain.moderation import hold_reasons, needs_owner_history
from chalicelib.domain.outcomes import Outcome, Result, completed
from chalicelib.domain.renditions import (
    FULL,
    RenditionSpec,
    Size,
    master_width,
    rendition_key,
)
from chalicelib.ports import Encoded, ImageProcessor, Pin
from chalicelib.services.deps import Deps

IMMUTABLE = "public, max-age=31536000, immutable"


def publish(
    deps: Deps,
    image_id: str,
    made: Sequence[tuple[RenditionSpec, Encoded]],
    master_stored: bool = True,
) -> Result:
    """Store renditions and record them in one write; whichever write completes the set
    marks the image ready (and drops the master, if one was stored)."""
    renditions = [_store(deps, image_id, spec, encoded) for spec, encoded in made]
    updated = deps.repo.add_renditions(image_id, renditions, deps.now(), deps.profile_version)
    if updated is None:
        return _withdraw(deps, image_id, [r.key for r in renditions])
    return finish_if_complete(deps, image_id, updated.complete, master_stored)


def finish_if_complete(
    deps: Deps, image_id: str, complete: bool, master_stored: bool = True
) -> Result:
    """Mark a complete image ready, or in review when the moderation rule holds it: READY
    only for the call that won, else RENDERED."""
    if not complete:
        return Result(Outcome.RENDERED)
    review = hold_reasons_for(deps, image_id)
    if deps.repo.finish(image_id, deps.now(), review):
        if master_stored:
            _drop_master(deps, image_id)
        return completed(held=bool(review))
    return Result(Outcome.RENDERED)


def hold_reasons_for(deps: Deps, image_id: str) -> tuple[str, ...]:
    """Why the image, about to finish processing, must wait for review (empty: it goes
    ready). The owner's history is read only when the moderation setting needs it."""
    image = deps.repo.get(image_id)
    if image is None or image.status is not Status.PROCESSING:
        return ()  # the finish write will not win either
    policy = deps.limits.moderation
    published = 0
    if needs_owner_history(policy, image.owner_admin):
        published = deps.repo.count_published(image.owner, policy.new_contributor_photos)
    reasons = hold_reasons(policy, image.owner_admin, published, image.possible_duplicate_of)
    return tuple(reason.value for reason in reasons)


def fail(deps: Deps, image_id: str, reason: str, master_stored: bool = True) -> None:
    """The image ends `failed` (no-op if already terminal); its master and upload go, and so
    does every rendition an attempt stored but never got recorded (the record's stay shown)."""
    if deps.repo.fail(image_id, reason, deps.now()):
        _clear_failed(deps, image_id, master_stored)


def tidy_ended(deps: Deps, image: Image) -> None:
    """Redo what the call that ended the image does after its winning write (dropping the
    master; for a failed image, its upload and unrecorded renditions too): that call may have
    died between the write and the clean-up, or a late step stored a master after it ran, and
    a redelivery then finds the image ended. Idempotent: what is already gone stays gone."""
    if image.status is Status.FAILED:
        _clear_failed(deps, image.image_id, master_stored=True)
    elif image.status.terminal:  # ready, rejected, deleted: no task reads the master again
        _drop_master(deps, image.image_id)


def _clear_failed(deps: Deps, image_id: str, master_stored: bool) -> None:
    if master_stored:
        _drop_master(deps, image_id)
    deps.uploads.purge([upload_key(image_id)])  # never processed now: every version goes
    made = [*profile_keys(deps, image_id), full_key(image_id)]
    _remove_unrecorded(deps, image_id, made)


def profile_keys(deps: Deps, image_id: str) -> list[str]:
    """The public keys the deployed profile cuts for an image."""
    return [rendition_key(image_id, spec, deps.profile_version) for spec in deps.profile]


def store_rendition(
    deps: Deps, image_id: str, spec: RenditionSpec, encoded: Encoded, version: str
) -> Rendition:
    """Put one public rendition of profile `version` where the CDN serves it."""
    key = rendition_key(image_id, spec, version)
    deps.renditions.put(key, encoded.data, spec.content_type, IMMUTABLE)
    return Rendition(
        spec.name, key, encoded.width, encoded.height, encoded.format, len(encoded.data)
    )


def _store(deps: Deps, image_id: str, spec: RenditionSpec, encoded: Encoded) -> Rendition:
    """Public renditions go where the CDN serves them; the full-size download stays private."""
    if spec is FULL:
        key = full_key(image_id)
        # The private bucket keeps versions: an earlier attempt's copy (stored, then its record
        # failed) would outlive it. The record names the key, not a version, so it can go.
        deps.originals.purge([key])
        deps.originals.put(key, encoded.data, spec.content_type)
    else:
        return store_rendition(deps, image_id, spec, encoded, deps.profile_version)
    return Rendition(
        spec.name, key, encoded.width, encoded.height, encoded.format, len(encoded.data)
    )


def _drop_master(deps: Deps, image_id: str) -> None:
    """Once the image has ended no task reads its master again (a late or repeated task finds
    the image no longer processing and stops first), so the 8 MB intermediate goes; the
    original stays, and is what any future rendering would start from."""
    deps.uploads.purge([master_key(image_id)])  # the uploads bucket keeps versions


def _withdraw(deps: Deps, image_id: str, keys: Sequence[str]) -> Result:
    """The image was deleted or ended meanwhile: leave no rendition behind for a gone image."""
    _remove_unrecorded(deps, image_id, keys)
    return Result(Outcome.STALE)


def _remove_unrecorded(deps: Deps, image_id: str, keys: Sequence[str]) -> None:
    """Remove those of `keys` the image's record does not name (all of them once it is gone)."""
    current = deps.repo.get(image_id)
    recorded = set() if current is None else current.claimed_keys
    orphans = [key for key in keys if key not in recorded]
    private = [key for key in orphans if key == full_key(image_id)]
    if private:
        deps.originals.purge(private)
    public = [key for key in orphans if key not in private]
    if public:
        deps.renditions.delete(public)


def remove_public_renditions(deps: Deps, image: Image) -> None:
    """Every public rendition the image has or could have (recorded, or named by the
    profile), then the CDN's copies; the private full-size download and the original stay.
    Idempotent: absent keys are no error, a repeated invalidation is harmless."""
    image_id = image.image_id
    keys = {key for key in image.claimed_keys if key != full_key(image_id)}
    keys |= set(profile_keys(deps, image_id))
    keys |= {rendition_key(image_id, spec) for spec in deps.profile}  # before versions
    deps.renditions.delete(sorted(keys))  # public renditions are not versioned
    deps.cdn.invalidate([f"/renditions/{image_id}/*"])


def cut_from_original(
    deps: Deps, image: Image, spec: RenditionSpec, engine: ImageProcessor
) -> Encoded:
    """One public rendition from the kept original (its master made in memory only)."""
    budget = deps.limits.processing_budget_seconds
    data, facts = original_of(deps, image)
    width = master_width(deps.profile, Size(facts.width, facts.height))
    made = engine.make_master(data, facts.format, width, budget, store=False)
    return engine.render_many(made, [spec], budget)[0]


def original_of(deps: Deps, image: Image) -> tuple[bytes, Facts]:
    """The kept original's exact bytes, and the facts ingest recorded with it."""
    original, facts = image.original, image.facts
    if original is None or facts is None:
        # Ingest records both in the write that names `full` as expected: not for this image.
        raise Rejected("no_original", "the image has no kept original to cut from")
    return deps.originals.read(original.key, pin=Pin(original.version_id)), facts
