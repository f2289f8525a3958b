"""Pure request building and response reading for the OpenSearch adapter.

Only structured SearchQuery fields become query clauses; user text is only ever the value of
a match-family query (analysed as plain words), never query_string syntax.
"""

from __future__ import annotations

import copy
from typing import Any

from chalicelib.adapters.search.opensearch.mapping import from_source
from chalicelib.domain.search import FACET_TAGS, FacetCount, SearchPage, SearchQuery, Sort
from chalicelib.domain.search.model import FACET_CAMERAS, TOTAL_HITS_CAP, capped_total

WORD_FIELDS = ["title^3", "tags^2", "description"]
PREFIX_FIELDS = ["title.plain^3", "tags.plain^2", "description.plain"]
# Facets list every value (3 orientations, 12 palette colours) with a little headroom.
FACET_SIZES = {"orientation": 10, "color": 20, "tags": FACET_TAGS, "camera": FACET_CAMERAS}
FACET_FIELDS = {"orientation": "orientation", "color": "color", "tags": "tags.keyword",
                "camera": "camera"}
# Ties in counts break on the value so both engines list facets in the same order.
TERMS_ORDER = [{"_count": "desc"}, {"_key": "asc"}]
SORTS: dict[Sort, list[dict[str, str]]] = {
    Sort.RELEVANCE: [{"_score": "desc"}, {"image_id": "asc"}],
    Sort.NEWEST: [{"created_ts": "desc"}, {"image_id": "asc"}],
    Sort.POPULAR: [{"popularity": "desc"}, {"created_ts": "desc"}, {"image_id": "asc"}],
}


def _fuzz(fuzzy: bool) -> dict[str, Any]:
    return {"fuzziness": "AUTO", "fuzzy_transpositions": True} if fuzzy else {}


def _word(word: str, fuzzy: bool) -> dict[str, Any]:
    # One clause per word (not cross_fields, which refuses fuzziness): each word must match
    # in some field, the best field's score counts, title outranks tags outranks description.
    match = {"query": word, "type": "best_fields", "fields": WORD_FIELDS, "operator": "and"}
    return {"multi_match": {**match, **_fuzz(fuzzy)}}


def _prefix(word: str) -> dict[str, Any]:
    return {
        "multi_match": {
            "query": word,
            "type": "bool_prefix",
            "fields": PREFIX_FIELDS,
            "operator": "and",
        }
    }


def _distinct(words: tuple[str, ...]) -> list[str]:
    # Repeats add nothing to an AND but cost boolean clauses: OpenSearch refuses a query
    # past 1,024 of them (indices.query.bool.max_clause_count), counted over the analysed terms.
    tokens = (" ".join(dict.fromkeys(word.split())) for word in words)
    return [word for word in dict.fromkeys(tokens) if word]


def _text_clauses(query: SearchQuery) -> list[dict[str, Any]]:
    words = _distinct(query.words)
    clauses = [_word(word, query.fuzzy) for word in words]
    if words and query.prefix_last:
        # The last word matches as typed (stemmed, maybe fuzzy) or as the start of a word.
        either = [clauses[-1], _prefix(words[-1])]
        clauses[-1] = {"bool": {"should": either, "minimum_should_match": 1}}
    if clauses and query.min_words is not None:
        # "Most words": any `min_words` of them; scores add up, so more matched rank higher.
        needed = min(max(query.min_words, 1), len(clauses))
        clauses = [{"bool": {"should": clauses, "minimum_should_match": needed}}]
    for word in _distinct(query.desc_words):
        match = {"query": word, "operator": "and", **_fuzz(query.fuzzy)}
        clauses.append({"match": {"description": match}})
    return clauses


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    """Every filter except orientation and colour, which are facets (see post_filter)."""
    found: list[dict[str, Any]] = [{"term": {"tags.keyword": tag}} for tag in query.tags]
    if query.camera_words:
        words = {"query": " ".join(query.camera_words), "operator": "and"}
        found.append({"match": {"camera_words": words}})
    if query.owner is not None:
        found.append({"term": {"owner": query.owner}})
    if query.min_width is not None:
        found.append({"range": {"width": {"gte": query.min_width}}})
    if query.min_height is not None:
        found.append({"range": {"height": {"gte": query.min_height}}})
    if query.date is not None:
        parts = (
            ("created_year", query.date.year),
            ("created_month", query.date.month),
            ("created_dom", query.date.day),
        )
        found += [{"term": {name: value}} for name, value in parts if value is not None]
    days = {"gte": query.date_from, "lte": query.date_to}
    days = {bound: day for bound, day in days.items() if day is not None}
    if days:
        found.append({"range": {"created_day": days}})
    return found


def _facet_filters(query: SearchQuery) -> dict[str, dict[str, Any]]:
    chosen = {"orientation": query.orientation, "color": query.color}
    return {name: {"term": {name: value}} for name, value in chosen.items() if value is not None}


def _all_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


def _facet_aggs(facet_filters: dict[str, dict[str, Any]]) -> dict[str, Any]:
    aggs: dict[str, Any] = {}
    for name, field in FACET_FIELDS.items():
        # orientation and colour ignore their own choice; tags count the actual results.
        others = [clause for other, clause in facet_filters.items() if other != name]
        terms = {"field": field, "size": FACET_SIZES[name], "order": TERMS_ORDER}
        aggs[name] = {"filter": _all_of(others), "aggs": {"values": {"terms": terms}}}
    return aggs


def _main_query(query: SearchQuery) -> dict[str, Any]:
    boolean: dict[str, Any] = {}
    if must := _text_clauses(query):
        boolean["must"] = must
    if filters := _filters(query):
        boolean["filter"] = filters
    return {"bool": boolean} if boolean else {"match_all": {}}


def search_body(query: SearchQuery) -> dict[str, Any]:
    """The _search request body for one page of results with facets."""
    facet_filters = _facet_filters(query)
    body: dict[str, Any] = {
        # One extra hit says whether there is a next page without a second request.
        "size": query.per_page + 1,
        # Count exactly only as far as the page needs: past it, OpenSearch may skip whole
        # blocks of non-competitive hits and answers `relation: gte`.
        "track_total_hits": query.count_up_to,
        "_source": ["doc"],
        "query": _main_query(query),
        "sort": copy.deepcopy(SORTS[query.sort]),
        "aggs": _facet_aggs(facet_filters),
    }
    if facet_filters:
        # Applied after the aggregations, so facets still see the other choices.
        body["post_filter"] = _all_of(list(facet_filters.values()))
    if query.search_after is not None:
        body["search_after"] = list(query.search_after)
    return body


def read_page(
    response: dict[str, Any], per_page: int, count_up_to: int = TOTAL_HITS_CAP
) -> SearchPage:
    """A SearchPage from a _search response built by `search_body`."""
    raw = response["hits"]["hits"]
    hits = tuple(from_source(hit["_source"]["doc"]) for hit in raw[:per_page])
    next_after = tuple(raw[per_page - 1]["sort"]) if len(raw) > per_page else None
    facets = {name: _buckets(response, name) for name in FACET_FIELDS}
    total, exact = read_total(response["hits"]["total"], count_up_to)
    return SearchPage(total, hits, facets, next_after, total_exact=exact)


def read_total(found: dict[str, Any], count_up_to: int) -> tuple[int, bool]:
    """`hits.total` as (total, exact); `gte` means at least `value` match."""
    total, exact = capped_total(int(found["value"]), count_up_to)
    return total, exact and found.get("relation", "eq") == "eq"


def _buckets(response: dict[str, Any], name: str) -> tuple[FacetCount, ...]:
    buckets = response["aggregations"][name]["values"]["buckets"]
    return tuple(FacetCount(str(b["key"]), int(b["doc_count"])) for b in buckets)


def regex_literal(text: str) -> str:
    """`text` as a Lucene regular expression matching exactly itself."""
    return "".join(char if char.isalnum() else "\\" + char for char in text)


def suggest_body(prefix: str, limit: int) -> dict[str, Any]:
    """Tags starting with `prefix`, and titles with a word starting with it, most used first."""
    tags = {"field": "tags.keyword", "include": regex_literal(prefix) + ".*"}
    titles = {"field": "title.keyword"}
    title_words = {"title.plain": {"query": prefix, "operator": "and"}}
    return {
        "size": 0,
        "aggs": {
            "tags": {
                "filter": {"prefix": {"tags.keyword": prefix}},
                "aggs": {"values": {"terms": {**tags, "size": limit, "order": TERMS_ORDER}}},
            },
            "titles": {
                "filter": {"match_bool_prefix": title_words},
                "aggs": {"values": {"terms": {**titles, "size": limit, "order": TERMS_ORDER}}},
            },
        },
    }


def read_suggestions(response: dict[str, Any], limit: int) -> list[str]:
    """Tags first, then titles, without repeats, at most `limit`."""
    found: list[str] = []
    for name in ("tags", "titles"):
        for bucket in response["aggregations"][name]["values"]["buckets"]:
            if bucket["key"] not in found:
                found.append(bucket["key"])
    return found[:limit]
