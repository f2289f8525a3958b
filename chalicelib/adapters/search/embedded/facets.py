"""Facet counts: orientation and colour without their own filter, tags within the results.

Counting costs time in proportion to the documents counted, so a huge result set (a short
prefix) is counted over a sample of about SAMPLE_TARGET documents: those at sample level k
(about 1 in 2**k, chosen by a hash of the id), scaled back up and flagged approximate.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import replace
from typing import Any, Protocol

from chalicelib.adapters.search.embedded.query import FACETED, build, conjunction
from chalicelib.adapters.search.embedded.schema import SAMPLE_LEVELS, engine, schema
from chalicelib.domain.search import FACET_TAGS, FacetCount, SearchQuery, Sort
from chalicelib.domain.search.model import FACET_CAMERAS

SAMPLE_TARGET = 4_000
SIZES = {"orientation": 10, "color": 30, "tags": FACET_TAGS, "camera": FACET_CAMERAS}
WITHIN = ("tags", "camera")  # facets counted within the results (their filter applied)

Facets = dict[str, tuple[FacetCount, ...]]


def sample_level(total: int) -> int:
    """The sample level whose share of `total` documents is at most SAMPLE_TARGET."""
    if total <= SAMPLE_TARGET:
        return 0
    return min(SAMPLE_LEVELS, math.ceil(math.log2(total / SAMPLE_TARGET)))


def facets(searcher: Any, query: SearchQuery, main: Any, total: int) -> tuple[Facets, bool]:
    """Counts per facet, and whether they were estimated from a sample."""
    level = sample_level(total)
    # Facets whose own filter is off count on the main query: one pass for all of them.
    shared = [name for name in FACETED if getattr(query, name) is None]
    counts = _count(searcher, main, [*WITHIN, *shared], level) if total else {}
    for name in FACETED:
        if name not in shared:
            counts |= _count(searcher, build(query, searcher, skip=name), [name], level)
    return {name: counts.get(name, ()) for name in (*WITHIN, *FACETED)}, level > 0


class FacetCounter(Protocol):
    """What a search asks for its facet counts."""

    def counts(
        self, commit: Hashable, searcher: Any, query: SearchQuery, main: Any, total: int
    ) -> tuple[Facets, bool]:
        """Counts per facet for the documents `main` matches, and whether estimated."""


class NoFacets:
    """Counts nothing: every search gets empty facets at no cost."""

    def counts(
        self, commit: Hashable, searcher: Any, query: SearchQuery, main: Any, total: int
    ) -> tuple[Facets, bool]:
        """No counts, never estimated."""
        return {}, False


class FacetCache:
    """Facet counts of recent queries, per index commit.

    Counts depend only on which documents match: every page of one search (the same query
    with another cursor, size or sort) has the same counts, so following "next" does not count
    them again. Keyed by the commit's signature too, so a write makes every entry unreachable;
    the least recently used go beyond `size`."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[Facets, bool]] = OrderedDict()
        self._lock = threading.Lock()

    def counts(
        self, commit: Hashable, searcher: Any, query: SearchQuery, main: Any, total: int
    ) -> tuple[Facets, bool]:
        """Cached counts for the query's match set at this commit, counting on a miss."""
        key = (commit, replace(query, sort=Sort.NEWEST, per_page=0, search_after=None))
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        found = facets(searcher, query, main, total)
        with self._lock:
            self._entries[key] = found
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return found


def _count(searcher: Any, query: Any, names: list[str], level: int) -> Facets:
    if not names:
        return {}
    if level:
        sample = engine().Query.term_query(schema(), "sample", level)
        query = conjunction([sample, query])
    request = {name: {"terms": {"field": name, "size": SIZES[name]}} for name in names}
    result = searcher.aggregate(query, request)
    scale = 2**level
    counts = {}
    for name in names:
        pairs = [(str(b["key"]), b["doc_count"] * scale) for b in result[name]["buckets"]]
        pairs.sort(key=lambda pair: (-pair[1], pair[0]))
        counts[name] = tuple(FacetCount(value, count) for value, count in pairs)
    return counts
