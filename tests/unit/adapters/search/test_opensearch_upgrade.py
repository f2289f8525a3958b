"""A live index of an older mapping version meets this code: upgraded in place when the
difference is additive, refused clearly when it is not; and stale documents refreshed."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest

from chalicelib.adapters.search.opensearch import OpenSearchIndex
from chalicelib.adapters.search.opensearch import mapping as mapping_module
from chalicelib.adapters.search.opensearch.mapping import (
    HISTORY,
    TEMPLATE_VERSION,
    MappingVersion,
    added_since,
    index_body,
)
from chalicelib.adapters.search.opensearch.upgrade import (
    REFUSED_EVENT,
    MappingUpgradeRefused,
    plan,
)
from chalicelib.domain.search import Change
from tests.unit.adapters.search.docs import doc
from tests.unit.adapters.search.fake_client import FakeClient

LIVE = "images-v1-20240101000000000000"


def _live_at(version: int, mappings: dict[str, Any] | None = None) -> FakeClient:
    client = FakeClient({LIVE: {"images", "images-write"}})
    client.mappings[LIVE] = mappings or copy.deepcopy(index_body(version)["mappings"])
    return client


def _calls(client: FakeClient, name: str) -> list[dict[str, Any]]:
    return [call for call in client.calls if call["call"] == name]


def test_an_older_index_gets_exactly_the_added_fields_once_then_writes_go_through() -> None:
    # GIVEN a live index created by the v1 code (no phash_bands, no doc_schema)
    client = _live_at(1)
    index = OpenSearchIndex(client)
    # WHEN this code writes twice in one cold start
    index.apply([Change("img-0001", 1, doc())])
    index.apply([Change("img-0002", 1, doc("img-0002"))])
    # THEN one put_mapping on that index with the fields of v2, v3 and v4 only, and the new
    # version
    (put,) = _calls(client, "put_mapping")
    assert put["index"] == LIVE
    camera = {"camera": {"type": "keyword", "ignore_above": 256},
              "camera_words": {"type": "text", "analyzer": "plain_words"}}
    assert put["body"] == {
        "properties": {"phash_bands": {"type": "keyword"}, "doc_schema": {"type": "short"},
                       **camera},
        "_meta": {"template_version": TEMPLATE_VERSION},
    }
    assert client.names() == ["get_alias", "get_mapping", "put_mapping", "bulk", "bulk"]
    # AND the live mapping is now the one a fresh index of this version gets
    assert client.mappings[LIVE] == index_body()["mappings"]


def test_an_index_one_version_behind_gets_only_that_versions_fields() -> None:
    client = _live_at(TEMPLATE_VERSION - 1)
    OpenSearchIndex(client).apply([Change("img-0001", 1, doc())])
    (put,) = _calls(client, "put_mapping")
    assert put["body"]["properties"] == HISTORY[-1].added


def test_an_index_newer_than_the_code_is_left_as_it_is(caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN an index a newer deploy already upgraded (this instance is the old code)
    newer = copy.deepcopy(index_body()["mappings"])
    newer["_meta"] = {"template_version": TEMPLATE_VERSION + 1}
    client = _live_at(TEMPLATE_VERSION, newer)
    # WHEN the old code writes THEN nothing is put and the write goes through
    with caplog.at_level(logging.WARNING):
        OpenSearchIndex(client).apply([Change("img-0001", 1, doc())])
    assert not _calls(client, "put_mapping")
    assert client.names()[-1] == "bulk"
    assert "newer than this code" in caplog.text


def test_concurrent_upgrades_of_one_index_are_harmless() -> None:
    # GIVEN two cold starts that both read the v1 mapping before either upgraded it
    client = _live_at(1)
    stale = client.indices.get_mapping(index="images-write")
    first, second = OpenSearchIndex(client), OpenSearchIndex(client)
    first.apply([Change("img-0001", 1, doc())])
    client.indices.get_mapping = lambda index: copy.deepcopy(stale)  # type: ignore[method-assign]
    # WHEN the second one upgrades too, from what it read
    second.apply([Change("img-0002", 1, doc("img-0002"))])
    # THEN both sent the same fields, OpenSearch accepted both, and the result is this version
    puts = _calls(client, "put_mapping")
    assert len(puts) == 2 and puts[0]["body"] == puts[1]["body"]
    assert client.mappings[LIVE] == index_body()["mappings"]
    assert client.names().count("bulk") == 2


def test_a_step_that_is_not_additive_is_refused_and_nothing_is_written(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a code version whose last step changed an analyzer (not appliable in place)
    changed = MappingVersion(TEMPLATE_VERSION + 1, {}, "stemmer changed", in_place=False)
    monkeypatch.setattr(mapping_module, "HISTORY", (*HISTORY, changed))
    client = _live_at(TEMPLATE_VERSION)
    index = OpenSearchIndex(client, template_version=TEMPLATE_VERSION + 1)
    # WHEN it writes THEN a clear refusal naming the step and the way out, logged for an alarm
    with caplog.at_level(logging.ERROR), pytest.raises(MappingUpgradeRefused) as refused:
        index.apply([Change("img-0001", 1, doc())])
    assert "stemmer changed" in str(refused.value) and "run reindex" in str(refused.value)
    assert REFUSED_EVENT in caplog.text
    assert not _calls(client, "put_mapping") and "bulk" not in client.names()


def test_a_field_held_with_another_type_is_refused() -> None:
    # GIVEN a v1 index where someone mapped phash_bands by hand as text
    mappings = copy.deepcopy(index_body(1)["mappings"])
    mappings["properties"]["phash_bands"] = {"type": "text"}
    with pytest.raises(MappingUpgradeRefused, match="phash_bands as text"):
        plan(LIVE, mappings)


def test_a_field_already_added_identically_is_fine() -> None:
    mappings = copy.deepcopy(index_body(1)["mappings"])
    mappings["properties"]["phash_bands"] = {"type": "keyword"}
    assert plan(LIVE, mappings).fields == added_since(1)


def test_an_index_with_no_recorded_version_is_refused() -> None:
    mappings = copy.deepcopy(index_body(1)["mappings"])
    del mappings["_meta"]
    with pytest.raises(MappingUpgradeRefused, match="no template version"):
        plan(LIVE, mappings)


def _outdated_reply(*ids: str) -> dict[str, Any]:
    return {"hits": {"hits": [{"_id": image_id} for image_id in ids]}}


def test_refresh_rewrites_only_outdated_documents_at_their_own_version() -> None:
    # GIVEN three current docs of which the index says two were written by an older schema
    client = _live_at(TEMPLATE_VERSION)
    client.search_reply = _outdated_reply("img-0001", "img-0003")
    docs = [doc("img-0001", 4), doc("img-0002", 2), doc("img-0003", 7)]
    # WHEN refreshed
    count = OpenSearchIndex(client).refresh_outdated(docs)
    # THEN the query asks for the ids without this schema, and only those two are rewritten,
    # at their own versions with external_gte (an equal version is rewritten, a newer kept)
    query = client.last("search")["body"]["query"]["bool"]
    assert query["filter"] == [{"ids": {"values": ["img-0001", "img-0002", "img-0003"]}}]
    assert query["must_not"] == [{"range": {"doc_schema": {"gte": TEMPLATE_VERSION}}}]
    lines = client.last("bulk")["body"]
    metas = [line["index"] for line in lines if "index" in line and len(line) == 1]
    assert [(m["_id"], m["version"], m["version_type"]) for m in metas] == [
        ("img-0001", 4, "external_gte"),
        ("img-0003", 7, "external_gte"),
    ]
    assert {m["_index"] for m in metas} == {"images-write"}
    assert lines[1]["doc_schema"] == TEMPLATE_VERSION
    assert count == 2


def test_refresh_counts_a_document_overtaken_meanwhile_as_not_rewritten() -> None:
    client = _live_at(TEMPLATE_VERSION)
    client.search_reply = _outdated_reply("img-0001")
    client.bulk_reply = lambda call: {
        "errors": True,
        "items": [{"index": {"_id": "img-0001", "status": 409, "error": {"type": "conflict"}}}],
    }
    assert OpenSearchIndex(client).refresh_outdated([doc("img-0001", 4)]) == 0


def test_refresh_with_nothing_outdated_writes_nothing() -> None:
    client = _live_at(TEMPLATE_VERSION)
    client.search_reply = _outdated_reply()
    assert OpenSearchIndex(client).refresh_outdated([doc("img-0001", 4)]) == 0
    assert "bulk" not in client.names()
    assert OpenSearchIndex(client).refresh_outdated([]) == 0
