"""A deploy of a new mapping version against a real OpenSearch: a v1 index with a v1 document
is upgraded in place by the first write, and the sweeper's refresh gives the old document
the new fields (it then shows up as a similar photo). Needs OPENSEARCH_URL, like the
OpenSearch side of the contract suite (tests/contract/opensearch_backend.py); the same
steps run on every machine against the recording fake (tests/unit/adapters/search)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.adapters.search.opensearch import OpenSearchIndex
from chalicelib.adapters.search.opensearch.mapping import TEMPLATE_VERSION, index_body, to_source
from chalicelib.domain.search import Change
from chalicelib.domain.search.similar import SimilarQuery
from tests.contract.test_search_index import doc

URL = os.environ.get("OPENSEARCH_URL", "")
pytestmark = pytest.mark.skipif(
    not URL, reason="OPENSEARCH_URL is not set (see tests/contract/opensearch_backend.py)"
)
HASH = "0123456789abcdef"
NEAR = "0123456789abcdee"  # one bit away


@pytest.fixture
def live_v1() -> Iterator[tuple[Any, str]]:
    """A client and an alias whose only index was made by the v1 code."""
    from tests.contract.opensearch_backend import _client, drop_index

    client, alias = _client(URL), f"upgrade-{uuid.uuid4().hex[:12]}"
    body = index_body(1)
    body["aliases"] = {alias: {}, f"{alias}-write": {}}
    client.indices.create(index=f"{alias}-v1-initial", body=body)
    try:
        yield client, alias
    finally:
        drop_index(URL, alias)


def test_a_v1_index_and_its_documents_are_brought_up_to_date_without_an_operator(
    live_v1: tuple[Any, str],
) -> None:
    client, alias = live_v1
    # GIVEN a document the v1 code wrote (no phash_bands, no doc_schema)
    old = doc(1, phash=HASH)
    source = {k: v for k, v in to_source(old).items() if k not in {"phash_bands", "doc_schema"}}
    client.index(index=f"{alias}-write", id=old.image_id, body=source, version=old.version,
                 version_type="external", refresh=True)
    index = OpenSearchIndex(client, alias=alias, refresh=True)
    # WHEN this code writes a new look-alike (the strict v1 mapping would refuse its fields)
    new = doc(2, phash=NEAR)
    index.apply([Change(new.image_id, new.version, new)])
    # THEN the mapping was upgraded in place and the write went through
    (held,) = client.indices.get_mapping(index=alias).values()
    assert held["mappings"]["_meta"]["template_version"] == TEMPLATE_VERSION
    assert {"phash_bands", "doc_schema"} <= set(held["mappings"]["properties"])
    assert index.versions([new.image_id]) == {new.image_id: 1}
    # AND the old document is not found as similar until the sweeper refreshes it, once
    assert [d.image_id for d in index.similar(SimilarQuery(new.image_id))] == []
    assert index.refresh_outdated([old, new]) == 1
    assert index.refresh_outdated([old, new]) == 0
    assert [d.image_id for d in index.similar(SimilarQuery(new.image_id))] == [old.image_id]
    assert index.versions([old.image_id]) == {old.image_id: old.version}
