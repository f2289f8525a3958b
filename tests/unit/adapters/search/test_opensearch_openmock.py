"""Rebuild against openmock's in-process fake of opensearch-py: the state it leaves behind.

openmock ignores versions and does not resolve aliases on writes, so it only checks what
rebuild leaves (indices, aliases, documents); versioning is covered by the recording fake.
"""

from __future__ import annotations

from datetime import UTC, datetime

from openmock import FakeOpenSearch

from chalicelib.adapters.search.opensearch import OpenSearchIndex
from chalicelib.adapters.search.opensearch.mapping import TEMPLATE_VERSION
from tests.unit.adapters.search.docs import doc


def _at(client: FakeOpenSearch, day: int) -> OpenSearchIndex:
    return OpenSearchIndex(client, clock=lambda: datetime(2025, 1, day, tzinfo=UTC))


def _ids_behind(client: FakeOpenSearch, alias: str) -> list[str]:
    hits = client.search(index=alias, body={"query": {"match_all": {}}})["hits"]["hits"]
    return sorted(hit["_id"] for hit in hits)


def test_two_rebuilds_leave_one_index_behind_both_aliases_with_the_latest_docs() -> None:
    # GIVEN a first rebuild with two documents
    client = FakeOpenSearch()
    assert _at(client, 1).rebuild([doc("img-a", 1), doc("img-b", 1)]) == 2
    first = f"images-v{TEMPLATE_VERSION}-20250101000000000000"
    assert _ids_behind(client, "images") == ["img-a", "img-b"]
    # WHEN rebuilt again from a table that now holds one other image
    assert _at(client, 2).rebuild([doc("img-c", 4)]) == 1
    # THEN both aliases moved to the new index, the first index is gone, reads see only img-c
    second = f"images-v{TEMPLATE_VERSION}-20250102000000000000"
    assert set(client.indices.get_alias(name="images")) == {second}
    assert set(client.indices.get_alias(name="images-write")) == {second}
    assert not client.indices.exists(index=first)
    assert _ids_behind(client, "images") == ["img-c"]
    stored = client.get(index=second, id="img-c")["_source"]
    assert stored["doc"]["version"] == 4
