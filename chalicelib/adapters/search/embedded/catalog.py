"""What the embedded index holds, read back by id: versions of live documents, and the ids in
order (the sweeper compares them with the table)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.adapters.search.embedded.paging import SLACK
from chalicelib.adapters.search.embedded.query import conjunction
from chalicelib.adapters.search.embedded.schema import engine, id_key, schema

_LOOKUP_CHUNK = 512


def _live() -> Any:
    return engine().Query.term_query(schema(), "live", 1)


def _first_bits(after: str) -> int:
    """The id_hi every id greater than `after` has at least (a short hex string is the start
    of an id: "3a" is read as 3a000...)."""
    if not after:
        return 0
    if len(after) <= 32 and all(c in "0123456789abcdef" for c in after):
        return id_key(after.ljust(32, "0"))[0]
    return id_key(after)[0]


def live_versions(searcher: Any, ids: Sequence[str]) -> dict[str, int]:
    """The version of each of `ids` held as a searchable document (tombstones left out)."""
    q, occur = engine().Query, engine().Occur
    found: dict[str, int] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        chunk = unique[start : start + _LOOKUP_CHUNK]
        terms = q.boolean_query(
            [(occur.Should, q.term_query(schema(), "image_id", i)) for i in chunk]
        )
        hits = searcher.search(conjunction([_live(), terms]), len(chunk) * 2, count=False).hits
        addresses = [address for _, address in hits]
        versions = searcher.fast_field_values("version", addresses)
        for address, version in zip(addresses, versions, strict=True):
            image_id = str(searcher.doc(address).get_first("image_id"))
            found[image_id] = max(found.get(image_id, 0), int(version or 0))
    return found


def live_ids_after(searcher: Any, after: str, limit: int) -> list[str]:
    """Up to `limit` ids of searchable documents greater than `after`, in order."""
    if limit <= 0:
        return []
    tv = engine()
    hi = _first_bits(after)
    above = tv.Query.range_query(schema(), "id_hi", tv.FieldType.Unsigned, hi, None)
    want = limit + SLACK
    while True:
        result = searcher.search(
            conjunction([_live(), above]), want, count=False, order_by_field="id_hi",
            order=tv.Order.Asc,
        )
        ids = sorted(str(searcher.doc(a).get_first("image_id")) for _, a in result.hits)
        later = [i for i in ids if i > after]
        if len(later) >= limit or len(result.hits) < want:
            return later[:limit]
        want *= 2  # many ids below `after` shared its first 64 bits (short, test-made ids)
