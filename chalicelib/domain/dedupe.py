"""The duplicate rule at ingest: which earlier image an upload repeats, and what follows.

Candidates come from the exact index (same SHA-256 of the bytes) and the band index (perceptual
hashes sharing a probed band key); this module decides among them, stdlib only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.domain.duplicates import hamming
from chalicelib.domain.lifecycle import Status

# An image counts as an earlier copy once it was accepted and hashed: still being processed,
# waiting for review, or public. Rejected, failed, deleted (and pending, never hashed) do not.
MATCHABLE: tuple[Status, ...] = (Status.PROCESSING, Status.IN_REVIEW, Status.READY)


@dataclass(frozen=True)
class Candidate:
    """An earlier image one of the indexes named: its owner, status, and what matched."""

    image_id: str
    owner: str
    status: Status
    exact: bool  # same SHA-256 of the uploaded bytes
    phash: int | None  # None when not hashed (an exact match found before hashing existed)
    # Set when the band index already matched it (full hashes, or a full hash against an
    # inner crop of the other picture: domain.duplicates.crop_match): that distance.
    near_distance: int | None = None


@dataclass(frozen=True)
class Verdict:
    """What the upload is: new (both empty), the owner's own photo again (`duplicate_of`: it
    is rejected), or maybe another contributor's (`possible_duplicate_of`: it is reviewed)."""

    duplicate_of: str = ""
    possible_duplicate_of: str = ""


def judge(
    image_id: str, owner: str, phash: int, candidates: Iterable[Candidate], max_distance: int
) -> Verdict:
    """The verdict for `image_id` of `owner`: the nearest matching candidate of the same owner
    rejects it; otherwise the nearest of another owner sends it to review. Exact matches come
    first, then by Hamming distance, then by id (a stable answer on redelivery)."""
    ranked = sorted(
        (_rank(c, phash), c.image_id, c.owner)
        for c in candidates
        if c.image_id != image_id and c.status in MATCHABLE and _matches(c, phash, max_distance)
    )
    own = next((found for _, found, by in ranked if by == owner), "")
    if own:
        return Verdict(duplicate_of=own)
    other = next((found for _, found, _by in ranked), "")
    return Verdict(possible_duplicate_of=other)


def _matches(candidate: Candidate, phash: int, max_distance: int) -> bool:
    if candidate.exact or candidate.near_distance is not None:
        return True
    return candidate.phash is not None and hamming(candidate.phash, phash) <= max_distance


def _rank(candidate: Candidate, phash: int) -> tuple[int, int]:
    if candidate.exact:
        return (0, 0)
    distances = [] if candidate.phash is None else [hamming(candidate.phash, phash)]
    if candidate.near_distance is not None:
        distances.append(candidate.near_distance)
    return (1, min(distances))
