"""Use case: is this upload a photo the catalogue already holds? (exact and near duplicates)

Exact: the SHA-256 of the accepted bytes on the images table's `by_sha256` index. Near: the
perceptual hash's probed band keys in the band index (DuplicatesTable), then the exact Hamming
distance. Only the few candidates within the distance are read from the images table, whose
status (the truth) decides whether they still count: a deleted or rejected image stops
matching the moment its record says so, whatever the band index still holds."""

from __future__ import annotations

from chalicelib.domain.dedupe import Candidate, Verdict, judge
from chalicelib.domain.duplicates import bands, hamming, parse_hex, probe_keys
from chalicelib.domain.model import Image
from chalicelib.services.deps import Deps

# At most this many images read per index: the rule only needs the nearest few, and a photo
# copied thousands of times must not make one upload read thousands of records.
MAX_CANDIDATES = 20


def verdict_for(deps: Deps, image: Image, sha256: str, phash: int) -> Verdict:
    """The duplicate verdict for `image` (never matching itself: a redelivery is safe)."""
    policy = deps.limits.duplicates
    if not policy.check:
        return Verdict()
    exact = set(deps.repo.with_sha256(sha256, MAX_CANDIDATES))
    held = deps.duplicates.holders(probe_keys(phash, policy.bands, policy.probe_radius))
    near = sorted(
        (hamming(parse_hex(value), phash), found) for found, value in held.items()
        if found not in exact and hamming(parse_hex(value), phash) <= policy.max_distance
    )[:MAX_CANDIDATES]
    ids = [*sorted(exact), *(found for _, found in near)]
    candidates = [_candidate(other, other.image_id in exact)
                  for other in (deps.repo.get(found) for found in ids if found != image.image_id)
                  if other is not None]
    return judge(image.image_id, image.owner, phash, candidates, policy.max_distance)


def index_hash(deps: Deps, image_id: str, phash: str) -> None:
    """Put the image on the band index under its stored keys (idempotent)."""
    deps.duplicates.add(image_id, phash, bands(parse_hex(phash), deps.limits.duplicates.bands))


def unindex(deps: Deps, image: Image) -> None:
    """Take a hashed image off the band index (deleted, or rejected by a moderator)."""
    if image.phash:
        keys = bands(parse_hex(image.phash), deps.limits.duplicates.bands)
        deps.duplicates.remove(image.image_id, keys)


def _candidate(image: Image, exact: bool) -> Candidate:
    phash = parse_hex(image.phash) if image.phash else None
    return Candidate(image.image_id, image.owner, image.status, exact, phash)
