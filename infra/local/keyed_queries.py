"""A table Query on moto reads its partition, not the whole table.

moto 5's Table.query answers a Query on the base table by sorting every item of the table and
keeping those of the asked partition key. Ingest asks 69 such queries per upload (the exact
hash and 68 near-duplicate band keys, on a table that grows by 24 band items an upload), so on
the local stack every upload cost more than the one before: `make scale-check` measured ingest
falling from 16-20 uploads a minute to 4 by the 200th photo of a 500-photo run, the stack's own
process pinned at one core in moto's sort. DynamoDB reads only the partition.

While a base-table query runs, its table's `all_items` returns the asked partition's items
alone, in the order moto would have listed them: the query keeps those same items, in the same
order, and everything else (scans, index queries, other threads) sees the whole table.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any

_asking = threading.local()  # (table, partition key) of the base-table query on this thread
_applied = threading.Lock()
_done = False


def partition_items(table: Any, hash_key: Any) -> list[Any]:
    """The items under `hash_key`, sorted as moto's all_items sorts the whole table."""
    found = table.items.get(hash_key)  # .get: the table's defaultdict must not grow
    if found is None:
        return []
    if table.range_key_attr:
        return sorted(found.values(), key=lambda item: item.range_key)
    return [found]


def keyed_query(query: Callable[..., Any]) -> Callable[..., Any]:
    """`query`, with `all_items` narrowed to the asked partition for a base-table query."""
    signature = inspect.signature(query)

    @functools.wraps(query)
    def narrowed(table: Any, *args: Any, **kwargs: Any) -> Any:
        asked = signature.bind(table, *args, **kwargs).arguments
        if asked.get("index_name") or asked.get("hash_key") is None:
            return query(table, *args, **kwargs)
        _asking.current = (table, asked["hash_key"])
        try:
            return query(table, *args, **kwargs)
        finally:
            _asking.current = None

    return narrowed


def keyed_all_items(all_items: Callable[..., Any]) -> Callable[..., Any]:
    """`all_items`, answering only the asked partition inside a narrowed query."""

    @functools.wraps(all_items)
    def listed(table: Any) -> Any:
        current = getattr(_asking, "current", None)
        if current is not None and current[0] is table:
            return partition_items(table, current[1])
        return all_items(table)

    return listed


def make_queries_read_their_partition() -> None:
    """Patch moto's Table for this process, once."""
    global _done
    from moto.dynamodb.models.table import Table

    with _applied:
        if _done:
            return
        Table.query = keyed_query(Table.query)  # type: ignore[method-assign]
        Table.all_items = keyed_all_items(Table.all_items)  # type: ignore[method-assign]
        _done = True
