"""Similar photos as data: the question, the band keys engines index, and the final order.

Both engines answer `SearchIndex.similar` the same way: they fetch two bounded candidate
sets (images sharing a probe key of the perceptual hash; images sharing a tag or the dominant
colour) and hand them to `rank`, so the order never depends on an engine's scoring.
Look-alikes come first, nearest Hamming distance first; then related images, most shared
tags first, then same colour, then newest. Never the image itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.domain.duplicates import bands, hamming, parse_hex, probe_keys
from chalicelib.domain.search.model import SearchDoc

# The index keys a hash by 4 bands of 16 bits and a lookup probes each at radius 1
# (68 keys): the layout of the duplicates index (domain/duplicates.py), same reach (7 bits).
SIMILAR_BANDS = 4
SIMILAR_PROBE_RADIUS = 1
DEFAULT_SIMILAR_PER_PAGE = 12
MAX_SIMILAR_PER_PAGE = 48
# How many candidates each of the two lookups may read, whatever the catalogue's size.
SIMILAR_CANDIDATES = 200
# A look-alike is at most this many bits away; farther ones only share a band by chance
# (different photos sit around 32 bits apart; docs/decisions/duplicates.md).
SIMILAR_MAX_DISTANCE = 16


@dataclass(frozen=True)
class SimilarQuery:
    """Photos like `image_id`: how many, and how much each lookup may read."""

    image_id: str
    per_page: int = DEFAULT_SIMILAR_PER_PAGE
    candidates: int = SIMILAR_CANDIDATES
    max_distance: int = SIMILAR_MAX_DISTANCE


def phash_bands(phash: str) -> list[str]:
    """The keyword terms a document is indexed under ("b<i>:<hex>"); none without a hash."""
    value = _parsed(phash)
    return [] if value is None else bands(value, SIMILAR_BANDS)


def probe_terms(phash: str) -> list[str]:
    """The keyword terms a look-alike lookup asks for (68 at 4 bands, radius 1)."""
    value = _parsed(phash)
    return [] if value is None else probe_keys(value, SIMILAR_BANDS, SIMILAR_PROBE_RADIUS)


def _parsed(phash: str) -> int | None:
    try:
        return parse_hex(phash) if phash else None
    except ValueError:  # a malformed hash is treated as none: the image just has no look-alikes
        return None


def look_alikes(target: SearchDoc, candidates: Iterable[SearchDoc], max_distance: int
                ) -> list[SearchDoc]:
    """Candidates within `max_distance` bits of the target's hash, nearest first, then by id."""
    value = _parsed(target.phash)
    if value is None:
        return []
    near = []
    for doc in candidates:
        other = _parsed(doc.phash)
        if other is not None and doc.image_id != target.image_id:
            distance = hamming(value, other)
            if distance <= max_distance:
                near.append((distance, doc.image_id, doc))
    return [doc for _, _, doc in sorted(near, key=lambda item: item[:2])]


def related(target: SearchDoc, candidates: Iterable[SearchDoc]) -> list[SearchDoc]:
    """Candidates sharing a tag or the colour: most shared tags, same colour, newest, id."""
    tags = set(target.tags)
    scored = []
    for doc in candidates:
        shared = len(tags.intersection(doc.tags))
        same_colour = bool(target.color) and doc.color == target.color
        if doc.image_id != target.image_id and (shared or same_colour):
            scored.append(((-shared, not same_colour, _newest_first(doc), doc.image_id), doc))
    return [doc for _, doc in sorted(scored, key=lambda item: item[0])]


def _newest_first(doc: SearchDoc) -> str:
    # ISO-8601 UTC stamps of one format sort as text; inverting each character reverses them.
    return "".join(chr(0x10FFFF - ord(char)) for char in doc.created_at)


def rank(target: SearchDoc, alike: Iterable[SearchDoc], near: Iterable[SearchDoc],
         query: SimilarQuery) -> tuple[SearchDoc, ...]:
    """Look-alikes, then related images, each once, never the target, at most `per_page`."""
    chosen: dict[str, SearchDoc] = {}
    for doc in [*look_alikes(target, alike, query.max_distance), *related(target, near)]:
        if len(chosen) >= query.per_page:
            break
        chosen.setdefault(doc.image_id, doc)
    return tuple(chosen.values())
