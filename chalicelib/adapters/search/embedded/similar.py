"""Similar photos on the embedded engine: two bounded term lookups, ranked by the domain."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.search.embedded.schema import KEYS, engine, from_stored, schema
from chalicelib.domain.search import SearchDoc
from chalicelib.domain.search.similar import SimilarQuery, probe_terms, rank


def find(searcher: Any, query: SimilarQuery) -> tuple[SearchDoc, ...]:
    """The image's look-alikes, then images sharing its tags or colour (see `rank`)."""
    target = _indexed(searcher, query.image_id)
    if target is None:
        return ()
    alike = _docs(searcher, _any_term(query.image_id, KEYS, probe_terms(target.phash)),
                  query.candidates)
    terms = [("tags", tag) for tag in target.tags] + [("color", target.color)]
    near = _docs(searcher, _any_of(query.image_id, terms), query.candidates)
    return rank(target, alike, near, query)


def _indexed(searcher: Any, image_id: str) -> SearchDoc | None:
    q, occur = engine().Query, engine().Occur
    found = q.boolean_query([
        (occur.Must, q.term_query(schema(), "image_id", image_id)),
        (occur.Must, q.term_query(schema(), "live", 1)),
    ])
    hits = searcher.search(found, 1, count=False).hits
    return from_stored(searcher.doc(hits[0][1]).get_first("doc")) if hits else None


def _any_term(image_id: str, field: str, values: list[str]) -> Any:
    return _any_of(image_id, [(field, value) for value in values])


def _any_of(image_id: str, terms: list[tuple[str, str]]) -> Any | None:
    """Live documents other than `image_id` with any of `terms`; more of them scores higher."""
    q, occur = engine().Query, engine().Occur
    wanted = [(field, value) for field, value in terms if value]
    if not wanted:
        return None
    # Under a Must, Should clauses only score: the disjunction sits in a Must of its own.
    anything = q.boolean_query([(occur.Should, q.term_query(schema(), f, v)) for f, v in wanted])
    return q.boolean_query([
        (occur.Must, anything),
        (occur.Must, q.term_query(schema(), "live", 1)),
        (occur.MustNot, q.term_query(schema(), "image_id", image_id)),
    ])


def _docs(searcher: Any, query: Any | None, limit: int) -> list[SearchDoc]:
    if query is None or limit <= 0:
        return []
    hits = searcher.search(query, limit, count=False).hits
    return [from_stored(searcher.doc(address).get_first("doc")) for _, address in hits]
