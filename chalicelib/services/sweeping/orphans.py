"""Phase c: objects no record claims, one slice of the key space per run.

Image ids are hex, so every kind of object can be cut into 16 slices by the first hex digit
of its id. Each run looks at one slice (or all, on a full pass), up to a batch of objects per
kind, starting at a point inside the slice that moves with each pass and wrapping around: a
small store is covered whole every pass, a large one window by window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.model import (
    FULL_PREFIX,
    MASTER_PREFIX,
    OPEN,
    ORIGINAL_PREFIX,
    UPLOAD_PREFIX,
    Image,
    Status,
    full_key,
    is_image_id,
    original_key,
)
from chalicelib.ports import BlobStore, Listed
from chalicelib.services.deps import Deps
from chalicelib.services.sweeping.report import Budget, SweepReport


@dataclass(frozen=True)
class Moment:
    """When the sweep looks, and how long a profile flip's retired renditions stay claimed."""

    now: datetime
    retire_grace: timedelta


Claims = Callable[[Image | None, str, Moment], bool]


@dataclass(frozen=True)
class Kind:
    """One kind of object: where it lives, how its key names its image, who claims it."""

    name: str
    store: Callable[[Deps], BlobStore]
    prefix: str
    image_id: Callable[[str], str]
    claimed: Claims
    versioned: bool


def _after(prefix: str) -> Callable[[str], str]:
    return lambda key: key[len(prefix):][:32]


def _upload_claimed(image: Image | None, key: str, at: Moment) -> bool:
    return image is not None and image.status in OPEN


def _master_claimed(image: Image | None, key: str, at: Moment) -> bool:
    return image is not None and image.status is Status.PROCESSING


def _recorded(image: Image | None, key: str, at: Moment) -> bool:
    """Named by the record: shown, cut by a reprocess under way (not shown yet), or replaced
    by a profile flip less than the grace ago (pages loaded before it still name it)."""
    return image is not None and key in image.claimed_keys_at(at.now, at.retire_grace)


def _original_claimed(image: Image | None, key: str, at: Moment) -> bool:
    if image is None or image.status is Status.DELETED:
        return False
    # Ingest keeps the original just before it records it: a processing image may own one
    # it has not recorded yet (the grace covers that moment; a crash there leaves it open).
    return image.status is Status.PROCESSING or (
        image.original is not None and image.original.key == original_key(image.image_id)
    )


def _public_claimed(image: Image | None, key: str, at: Moment) -> bool:
    """A public rendition: recorded, and not withdrawn (a crash after a moderator's reject and
    a lost stream record still end here: the last resort, without a CDN invalidation). A
    profile flip's old renditions end here too once the grace is over, also without an
    invalidation: their keys are versioned, and no page names them any more."""
    return image is not None and not image.renditions_withdrawn and _recorded(image, key, at)


def _full_claimed(image: Image | None, key: str, at: Moment) -> bool:
    return image is not None and key == full_key(image.image_id) and _recorded(image, key, at)


KINDS = (
    Kind("uploads", lambda d: d.uploads, UPLOAD_PREFIX, _after(UPLOAD_PREFIX),
         _upload_claimed, True),
    Kind("masters", lambda d: d.uploads, MASTER_PREFIX, _after(MASTER_PREFIX),
         _master_claimed, True),
    Kind("renditions", lambda d: d.renditions, "", _after(""), _public_claimed, False),
    Kind("originals", lambda d: d.originals, ORIGINAL_PREFIX, _after(ORIGINAL_PREFIX),
         _original_claimed, True),
    Kind("full", lambda d: d.originals, FULL_PREFIX, _after(FULL_PREFIX), _full_claimed, True),
)


def sweep_orphans(
    deps: Deps, report: SweepReport, budget: Budget, segment: int, window: int
) -> None:
    """Remove unclaimed objects older than the grace in slice `segment` (0-15) of each kind."""
    now = deps.clock.now()
    cutoff = now - timedelta(minutes=deps.limits.sweep_orphan_grace_minutes)
    at = Moment(now, timedelta(hours=deps.limits.retire_grace_hours))
    for kind in KINDS:
        if budget.spent():
            report.out_of_time = True
            return
        listed = _window(kind.store(deps), kind.prefix + f"{segment:x}", window,
                         deps.limits.sweep_batch)
        doomed = _unclaimed(deps, kind, listed, cutoff, at, report)
        report.add(f"orphans.{kind.name}", len(doomed))
        if doomed and kind.versioned:
            kind.store(deps).purge(doomed)  # every version: nothing of it may linger
        elif doomed:
            kind.store(deps).delete(doomed)


def _window(store: BlobStore, prefix: str, window: int, limit: int) -> list[Listed]:
    """Up to `limit` objects under `prefix`, from the point `window` picks, wrapping round."""
    start = prefix + f"{window % 256:02x}"
    later = store.listing(prefix, start, limit)
    if len(later) >= limit:
        return later
    earlier = store.listing(prefix, "", limit - len(later))
    return later + [o for o in earlier if o.key <= start]


def _unclaimed(
    deps: Deps, kind: Kind, listed: list[Listed], cutoff: datetime, at: Moment,
    report: SweepReport,
) -> list[str]:
    doomed: list[str] = []
    images: dict[str, Image | None] = {}
    for found in listed:
        image_id = kind.image_id(found.key)
        if not is_image_id(image_id):
            report.add("orphans.foreign_keys")  # not a key we write: left for a human
            continue
        if found.last_modified > cutoff:
            report.add("orphans.young")
            continue
        if image_id not in images:
            images[image_id] = deps.repo.get(image_id)
        if not kind.claimed(images[image_id], found.key, at):
            doomed.append(found.key)
    return doomed
