"""Exact multi-key orders and search_after paging on top of tantivy's one-key top-N.

tantivy sorts by one fast field (or the score) and breaks ties by where documents happen to
sit in the index. Our orders end on the image id (stored as two u64 fast fields), so a page is
taken in the first key's order with some slack; when the page's last value continues past the
fetched slack, the tied group is paged again by the next key. Only that tie group is re-read,
so a page costs one search in the common case.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.adapters.search.embedded.query import conjunction
from chalicelib.adapters.search.embedded.schema import engine, id_key, schema
from chalicelib.domain.search import Sort

SLACK = 16
ID_KEYS = (("id_hi", False), ("id_lo", False))
FIELD_SORTS = {
    Sort.NEWEST: (("created_us", True), *ID_KEYS),
    Sort.POPULAR: (("popularity", True), ("created_us", True), *ID_KEYS),
}
_UNSIGNED = {"id_hi", "id_lo"}

Key = tuple[str, bool]  # fast field, descending
Ranked = tuple[Any, tuple[Any, ...]]  # doc address, its sort values


def after_values(sort: Sort, search_after: Sequence[Any]) -> tuple[Any, ...]:
    """Internal sort values from a cursor's (JSON) values; ValueError when malformed."""
    try:
        if sort is Sort.RELEVANCE:
            score, image_id, position = search_after
            return (float(score), *id_key(str(image_id)), max(0, int(position)))
        *numbers, image_id = search_after
        if len(numbers) != len(FIELD_SORTS[sort]) - len(ID_KEYS):
            raise ValueError("wrong length")
        return (*(int(number) for number in numbers), *id_key(str(image_id)))
    except (TypeError, ValueError) as error:
        raise ValueError(f"search_after does not fit sort {sort.value}") from error


def ordered(searcher: Any, query: Any, keys: Sequence[Key], n: int) -> tuple[list[Ranked], int]:
    """The first n documents of `query` in the order of `keys`, and how many match."""
    (field, descending), rest = keys[0], keys[1:]
    limit = n + SLACK
    order = engine().Order.Desc if descending else engine().Order.Asc
    result = searcher.search(query, limit, order_by_field=field, order=order)
    hits = result.hits
    if len(hits) < limit or hits[n - 1][0] != hits[-1][0] or not rest:
        return _sort(searcher, hits, keys)[:n], result.count
    boundary = hits[n - 1][0]
    ahead = [hit for hit in hits if hit[0] != boundary]
    tied = conjunction([query, _equals(field, boundary)])
    tail, _ = ordered(searcher, tied, rest, n - len(ahead))
    ranked = _sort(searcher, ahead, keys) + [(a, (boundary, *values)) for a, values in tail]
    return ranked, result.count


def _sort(searcher: Any, hits: list[tuple[Any, Any]], keys: Sequence[Key]) -> list[Ranked]:
    addresses = [address for _, address in hits]
    columns = [[value for value, _ in hits]]
    columns += [searcher.fast_field_values(field, addresses) for field, _ in keys[1:]]
    rows = list(zip(addresses, zip(*columns, strict=True), strict=True))
    signs = [-1 if descending else 1 for _, descending in keys]
    rows.sort(key=lambda row: tuple(s * (v or 0) for s, v in zip(signs, row[1], strict=True)))
    return rows


def after_filter(keys: Sequence[Key], values: Sequence[Any]) -> Any:
    """Documents strictly after `values` in the order of `keys`."""
    tv = engine()
    branches = []
    for depth, (field, descending) in enumerate(keys):
        same = [_equals(f, v) for (f, _), v in zip(keys[:depth], values, strict=False)]
        branches.append(conjunction([*same, _beyond(field, values[depth], descending)]))
    return tv.Query.boolean_query([(tv.Occur.Should, branch) for branch in branches])


def _field_type(field: str) -> Any:
    types = engine().FieldType
    return types.Unsigned if field in _UNSIGNED else types.Integer


def _equals(field: str, value: Any) -> Any:
    return engine().Query.range_query(schema(), field, _field_type(field), value, value)


def _beyond(field: str, value: Any, descending: bool) -> Any:
    q, kind = engine().Query, _field_type(field)
    if descending:
        return q.range_query(schema(), field, kind, None, value, include_upper=False)
    return q.range_query(schema(), field, kind, value, None, include_lower=False)


def relevance(
    searcher: Any, query: Any, n: int, after: tuple[Any, ...] | None, constant: bool
) -> tuple[list[Ranked], int]:
    """The first n documents by score, then id, after `after` (score, id_hi, id_lo, position),
    and how many match.

    Scores cannot be filtered on, so the top (position + n) are fetched and the ones up to the
    cursor dropped; the window doubles until the page's last score is fully inside it. BM25
    ties are small groups; `constant` says many matches score alike (fuzzy terms score a
    constant), and then a tiny id-derived weight splits them up first.
    """
    limit = (after[3] if after else 0) + n + SLACK
    weight = "tie_weight" if constant else None
    while True:
        result = searcher.search(query, limit, weight_by_field=weight)
        page, settled = _window(searcher, result.hits, n, after)
        if settled or len(result.hits) < limit:
            return page, result.count
        limit *= 2


def _window(
    searcher: Any, hits: list[Any], n: int, after: tuple[Any, ...] | None
) -> tuple[list[Ranked], bool]:
    start = 0
    if after:
        while start < len(hits) and hits[start][0] > after[0]:
            start += 1
    ranked = _sort(searcher, hits[start:], (("score", True), *ID_KEYS))
    if after:
        ranked = [row for row in ranked if row[1][0] < after[0] or row[1][1:] > after[1:3]]
    settled = len(ranked) >= n and ranked[n - 1][1][0] > hits[-1][0]
    return ranked[:n], settled
