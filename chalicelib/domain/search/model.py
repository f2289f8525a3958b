"""Search as data: the indexed document, a structured query, a page of results.

Every SearchIndex implementation (embedded engine locally, OpenSearch in AWS) takes and
returns exactly these; query text is parsed into them before any engine sees it, so user
text never reaches an engine's query syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from chalicelib.domain.model import Rendition, renditions_from_json, renditions_json

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 24
MAX_QUERY_CHARS = 256
FACET_TAGS = 20
FACET_CAMERAS = 20
# Totals are exact up to this many results; beyond it an engine need not count on.
TOTAL_HITS_CAP = 10_000


class Sort(StrEnum):
    """Result order; ties always break on image_id so paging is stable."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    POPULAR = "popular"


@dataclass(frozen=True)
class SearchDoc:
    """One `ready` image as the index holds it (a read model of the images table)."""

    image_id: str
    version: int
    title: str
    description: str
    tags: tuple[str, ...]
    owner: str
    owner_name: str
    created_at: str  # ISO-8601 UTC, e.g. 2026-11-27T12:00:00.000000Z
    width: int
    height: int
    orientation: str  # landscape | portrait | square
    color: str  # palette name: red, orange, ..., white
    color_hex: str  # "#rrggbb"
    blurhash: str
    popularity: int = 0
    renditions: dict[str, Rendition] = field(default_factory=dict)
    phash: str = ""  # the perceptual hash (16 hex characters), "" when the image has none
    camera: str = ""  # the camera's name (Camera.name), "" when its EXIF named none

    def to_json(self) -> dict[str, Any]:
        """The document as engines store it beside their own fields."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["tags"] = list(self.tags)
        data["renditions"] = renditions_json(self.renditions)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SearchDoc:
        """A document back from `to_json`; keys written by a newer version are ignored."""
        known = {f.name for f in fields(cls)}
        values = {name: value for name, value in data.items() if name in known}
        values["tags"] = tuple(values.get("tags", ()))
        values["renditions"] = renditions_from_json(values.get("renditions"))
        return cls(**values)


@dataclass(frozen=True)
class Change:
    """One versioned change for the index: `doc` to upsert, or None to delete.

    Implementations apply a change only if `version` is newer than what they hold for
    `image_id` (deletes leave a tombstone with their version), so replayed or
    out-of-order stream records never resurrect a deleted image or roll back an edit.
    """

    image_id: str
    version: int
    doc: SearchDoc | None


@dataclass(frozen=True)
class DateParts:
    """A calendar filter on the UTC upload day; None parts match anything."""

    year: int | None = None
    month: int | None = None
    day: int | None = None


@dataclass(frozen=True)
class SearchQuery:
    """A fully parsed search: words, filters, sort and where the page starts."""

    words: tuple[str, ...] = ()  # all must match title, tags or description...
    # ... or, when set, at least this many of them (the "most words" fallback), ranked by
    # how many match; desc: words, tags and every filter still all apply.
    min_words: int | None = None
    prefix_last: bool = True  # the last word also matches as a prefix (search as you type)
    desc_words: tuple[str, ...] = ()  # all must match the description only
    camera_words: tuple[str, ...] = ()  # all must be words of the camera's name
    tags: tuple[str, ...] = ()  # all must be present (exact, normalised)
    orientation: str | None = None
    color: str | None = None
    min_width: int | None = None
    min_height: int | None = None
    owner: str | None = None
    date: DateParts | None = None
    date_from: str | None = None  # inclusive UTC day, YYYY-MM-DD
    date_to: str | None = None  # inclusive UTC day, YYYY-MM-DD
    sort: Sort = Sort.NEWEST
    per_page: int = DEFAULT_PER_PAGE
    search_after: tuple[Any, ...] | None = None  # sort values of the previous page's last hit
    fuzzy: bool = False  # typo tolerance (the service retries with it when nothing matched)
    count_up_to: int = TOTAL_HITS_CAP  # count matches exactly up to here, then stop counting


@dataclass(frozen=True)
class FacetCount:
    """One value of a facet and how many results have it."""

    value: str
    count: int


@dataclass(frozen=True)
class SearchPage:
    """One page of results with facets and what to pass for the next page."""

    total: int
    hits: tuple[SearchDoc, ...]
    facets: dict[str, tuple[FacetCount, ...]]  # tags, camera (top 20), orientation, color
    next_after: tuple[Any, ...] | None  # sort values of the last hit, None on the last page
    approximate: bool = False  # facet counts came from a capped sample
    total_exact: bool = True  # False: more than `total` match (the query's count_up_to)


def capped_total(count: int, cap: int) -> tuple[int, bool]:
    """A match count as an API total: (count, exact) up to `cap`, else (cap, not exact)."""
    return (count, True) if count <= cap else (cap, False)
