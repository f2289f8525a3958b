"""Similar photos on OpenSearch: pure request bodies, and the lookup over a `_search` reader.

The same two bounded lookups as the embedded engine (docs sharing a probe key of the hash;
docs sharing a tag or the colour), ranked by `domain.search.similar.rank`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.adapters.search.opensearch.mapping import from_source
from chalicelib.domain.search import SearchDoc
from chalicelib.domain.search.similar import SimilarQuery, probe_terms, rank

Reader = Callable[[dict[str, Any]], "dict[str, Any] | None"]


def target_body(image_id: str) -> dict[str, Any]:
    """The indexed document of one image."""
    return {"query": {"ids": {"values": [image_id]}}, "size": 1, "_source": ["doc"]}


def any_term_body(image_id: str, terms: list[tuple[str, str]], size: int
                  ) -> dict[str, Any] | None:
    """Docs other than `image_id` with any of `terms` (field, value); more of them scores higher.

    One `term` clause per value rather than one `terms` query: a `terms` query scores every
    match alike, a should-list scores a doc sharing more keys higher, so the bounded candidate
    set keeps the closest. At most 68 + 31 clauses, far under the 1,024 clause limit.
    """
    should = [{"term": {field: value}} for field, value in terms if value]
    if not should or size <= 0:
        return None
    return {
        "query": {"bool": {"should": should, "minimum_should_match": 1,
                           "must_not": [{"ids": {"values": [image_id]}}]}},
        "size": size,
        "_source": ["doc"],
        "sort": [{"_score": "desc"}, {"image_id": "asc"}],
    }


def find(read: Reader, query: SimilarQuery) -> tuple[SearchDoc, ...]:
    """The image's look-alikes, then images sharing its tags or colour (see `rank`)."""
    found = _docs(read, target_body(query.image_id))
    if not found:
        return ()
    target = found[0]
    keys = [("phash_bands", key) for key in probe_terms(target.phash)]
    alike = _docs(read, any_term_body(query.image_id, keys, query.candidates))
    shared = [("tags.keyword", tag) for tag in target.tags] + [("color", target.color)]
    near = _docs(read, any_term_body(query.image_id, shared, query.candidates))
    return rank(target, alike, near, query)


def _docs(read: Reader, body: dict[str, Any] | None) -> list[SearchDoc]:
    if body is None:
        return []
    response = read(body)
    hits = [] if response is None else response["hits"]["hits"]
    return [from_source(hit["_source"]["doc"]) for hit in hits]
