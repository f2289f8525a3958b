"""Search in the domain: documents and queries as data (`model`), the query language
(`query`, `operators`) and signed paging cursors (`cursors`). Pure, stdlib only."""

from __future__ import annotations

from chalicelib.domain.search.model import (
    DEFAULT_PER_PAGE,
    FACET_TAGS,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    Change,
    DateParts,
    FacetCount,
    SearchDoc,
    SearchPage,
    SearchQuery,
    Sort,
)

__all__ = [
    "DEFAULT_PER_PAGE",
    "FACET_TAGS",
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARS",
    "Change",
    "DateParts",
    "FacetCount",
    "SearchDoc",
    "SearchPage",
    "SearchQuery",
    "Sort",
]
