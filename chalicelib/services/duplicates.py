"""Use case: is this upload a photo the catalogue already holds? (exact and near duplicates)

Exact: the SHA-256 of the accepted bytes on the images table's `by_sha256` index. Near: the
probed band keys of the perceptual hash of the upload and of its inner crops in the band index
(DuplicatesTable), then the exact Hamming distance (domain.duplicates.crop_match). Only the few
candidates within the distance are read from the images table, whose status (the truth)
decides whether they still count: a deleted or rejected image stops matching the moment its
record says so, whatever the band index still holds.

The band index holds, per image: its full hash under the image id (as before crops existed:
images indexed then are still found by every lookup), each crop's hash under
"<image id>#<crop>", and one "img:<image id>" key holding every crop entry, so the crops' band
keys can be found again to take the image off the index."""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.domain.dedupe import Candidate, Verdict, judge
from chalicelib.domain.duplicates import as_hex, bands, crop_match, parse_hex, probe_keys
from chalicelib.domain.model import Image
from chalicelib.services.deps import Deps

# At most this many images read per index: the rule only needs the nearest few, and a photo
# copied thousands of times must not make one upload read thousands of records.
MAX_CANDIDATES = 20
CROP_SEPARATOR = "#"
CROPS_KEY = "img:"


def verdict_for(deps: Deps, image: Image, sha256: str, phash: int,
                crops: Mapping[str, int] | None = None) -> Verdict:
    """The duplicate verdict for `image` (never matching itself: a redelivery is safe);
    `crops`: the upload's inner-crop hashes by crop name (probed when the policy says so)."""
    policy = deps.limits.duplicates
    if not policy.check:
        return Verdict()
    crops = crops if crops and policy.lookup_crops else {}
    exact = set(deps.repo.with_sha256(sha256, MAX_CANDIDATES))
    keys = [key for value in (phash, *crops.values())
            for key in probe_keys(value, policy.bands, policy.probe_radius)]
    near: dict[str, int] = {}
    for entry, value in deps.duplicates.holders(keys).items():
        found, _, variant = entry.partition(CROP_SEPARATOR)
        distance = crop_match(phash, crops, variant, parse_hex(value), policy)
        if found not in exact and distance is not None:
            near[found] = min(distance, near.get(found, distance))
    nearest = sorted((distance, found) for found, distance in near.items())[:MAX_CANDIDATES]
    ids = [*sorted(exact), *(found for _, found in nearest)]
    candidates = [_candidate(other, other.image_id in exact, near.get(other.image_id))
                  for other in (deps.repo.get(found) for found in ids if found != image.image_id)
                  if other is not None]
    return judge(image.image_id, image.owner, phash, candidates, policy.max_distance)


def index_hash(deps: Deps, image_id: str, phash: str,
               crops: Mapping[str, int] | None = None) -> None:
    """Put the image on the band index under its full hash's keys and each crop's (idempotent)."""
    count = deps.limits.duplicates.bands
    for name, value in (crops or {}).items():
        entry = f"{image_id}{CROP_SEPARATOR}{name}"
        deps.duplicates.add(entry, as_hex(value), [CROPS_KEY + image_id])
        deps.duplicates.add(entry, as_hex(value), bands(value, count))
    deps.duplicates.add(image_id, phash, bands(parse_hex(phash), count))


def unindex(deps: Deps, image: Image) -> None:
    """Take a hashed image off the band index, crops included (deleted, or rejected)."""
    count = deps.limits.duplicates.bands
    crop_key = CROPS_KEY + image.image_id
    for entry, value in deps.duplicates.holders([crop_key]).items():
        deps.duplicates.remove(entry, bands(parse_hex(value), count))
        deps.duplicates.remove(entry, [crop_key])
    if image.phash:
        deps.duplicates.remove(image.image_id, bands(parse_hex(image.phash), count))


def indexed_crops(deps: Deps, image_id: str) -> tuple[tuple[str, int], ...]:
    """The image's crop hashes as the band index holds them, by crop name (none for an image
    indexed before crops existed)."""
    held = deps.duplicates.holders([CROPS_KEY + image_id])
    return tuple(sorted((entry.partition(CROP_SEPARATOR)[2], parse_hex(value))
                        for entry, value in held.items()))


def _candidate(image: Image, exact: bool, near_distance: int | None) -> Candidate:
    phash = parse_hex(image.phash) if image.phash else None
    return Candidate(image.image_id, image.owner, image.status, exact, phash, near_distance)
