"""OpenSearchIndex against a recording fake client: bulk actions, conflicts, rebuild order."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from opensearchpy.exceptions import NotFoundError, RequestError

from chalicelib.adapters.search.opensearch import BulkError, OpenSearchIndex
from chalicelib.adapters.search.opensearch import index as opensearch
from chalicelib.adapters.search.opensearch.mapping import TEMPLATE_VERSION, index_body
from chalicelib.adapters.search.opensearch.query import search_body, suggest_body
from chalicelib.domain.search import Change, SearchQuery, Sort
from tests.unit.adapters.search.docs import doc
from tests.unit.adapters.search.fake_client import FakeClient
from tests.unit.adapters.search.golden import assert_golden

LIVE = {"images-v1-20240101000000000000": {"images", "images-write"}}
NEW = f"images-v{TEMPLATE_VERSION}-20250102030405000006"


def _clock() -> datetime:
    return datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=UTC)


def _index(client: FakeClient, **options: object) -> OpenSearchIndex:
    return OpenSearchIndex(client, clock=_clock, **options)  # type: ignore[arg-type]


def _live() -> FakeClient:
    return FakeClient({name: set(aliases) for name, aliases in LIVE.items()})


def _items(*results: tuple[str, str, int, str | None]) -> dict[str, object]:
    items = []
    for action, image_id, status, error in results:
        item: dict[str, object] = {"_id": image_id, "status": status}
        if error:
            item["error"] = {"type": error, "reason": "..."}
        items.append({action: item})
    return {"errors": True, "items": items}


def _actions(body: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The metadata of each bulk action line (the lines between them are documents)."""
    return [
        line[verb]
        for line in body
        if len(line) == 1
        for verb in ("index", "delete")
        if verb in line
    ]


def test_apply_sends_externally_versioned_upserts_and_deletes_through_the_write_alias() -> None:
    # GIVEN an upsert, a delete, and an older upsert of the same image in one batch
    client = _live()
    changes = [
        Change("img-0001", 7, doc("img-0001", 7)),
        Change("img-0002", 5, None),
        Change("img-0001", 6, doc("img-0001", 6, title="Older title")),
        Change("img-0003", 1, doc("img-0003", 1, tags=())),
    ]
    # WHEN applied
    _index(client).apply(changes)
    # THEN one bulk request, only the newest version of each image, versions external
    bulk = client.last("bulk")
    assert_golden("bulk_apply", bulk["body"])
    metas = _actions(bulk["body"])
    assert [(m["_id"], m["version"]) for m in metas] == [
        ("img-0001", 7),
        ("img-0002", 5),
        ("img-0003", 1),
    ]
    assert {m["version_type"] for m in metas} == {"external"}
    assert {m["_index"] for m in metas} == {"images-write"}
    assert bulk["body"][2] == {"delete": metas[1]}
    # and a missing alias is an error rather than a silently auto-created index
    assert bulk["require_alias"] is True
    assert "refresh" not in bulk


def test_version_conflicts_are_no_ops_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN OpenSearch already holds newer versions (409) and one delete of an unknown id (404)
    client = _live()
    client.bulk_reply = lambda call: _items(
        ("index", "img-0001", 409, "version_conflict_engine_exception"),
        ("delete", "img-0002", 404, None),
        ("index", "img-0003", 201, None),
    )
    changes = [
        Change("img-0001", 2, doc()),
        Change("img-0002", 9, None),
        Change("img-0003", 1, doc()),
    ]
    # WHEN applied THEN nothing is raised and the stale one is logged at debug
    with caplog.at_level(logging.DEBUG, logger=opensearch.log.name):
        _index(client).apply(changes)
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]
    assert "1 stale" in caplog.records[0].getMessage()


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, "mapper_parsing_exception"),
        (429, "es_rejected_execution_exception"),
        (404, "index_not_found_exception"),
    ],
)
def test_any_other_item_error_raises_so_the_batch_is_retried(status: int, error: str) -> None:
    client = _live()
    client.bulk_reply = lambda call: _items(
        ("index", "img-0001", 409, "version_conflict_engine_exception"),
        ("index", "img-0002", status, error),
    )
    with pytest.raises(BulkError) as raised:
        _index(client).apply([Change("img-0001", 1, doc()), Change("img-0002", 1, doc("img-0002"))])
    assert [(f["_id"], f["status"]) for f in raised.value.failures] == [("img-0002", status)]


def test_refresh_is_passed_on_when_asked_for() -> None:
    client = _live()
    _index(client, refresh=True).apply([Change("img-0001", 1, None)])
    assert client.last("bulk")["refresh"] is True


def test_first_write_to_an_empty_cluster_creates_the_index_with_both_aliases() -> None:
    # GIVEN no alias exists yet
    client = FakeClient()
    index = _index(client)
    # WHEN two batches are applied
    index.apply([Change("img-0001", 1, doc())])
    index.apply([Change("img-0002", 1, doc("img-0002"))])
    # THEN one fixed-name index is created (with the template) before the first bulk only
    assert client.names() == ["get_alias", "get_alias", "create", "bulk", "bulk"]
    create = client.last("create")
    assert create["index"] == f"images-v{TEMPLATE_VERSION}-initial"
    assert create["body"] == {**index_body(), "aliases": {"images": {}, "images-write": {}}}


def test_an_existing_alias_is_used_as_it_is() -> None:
    client = _live()
    _index(client).apply([Change("img-0001", 1, doc())])
    # its mapping is checked once (this code's version already: nothing to add)
    assert client.names() == ["get_alias", "get_mapping", "bulk"]


def test_losing_the_race_to_create_the_first_index_is_fine() -> None:
    client = FakeClient()
    client.create_error = RequestError(400, "resource_already_exists_exception", {})
    _index(client).apply([Change("img-0001", 1, doc())])
    assert client.names()[-1] == "bulk"


def test_other_index_creation_errors_surface() -> None:
    client = FakeClient()
    client.create_error = RequestError(400, "illegal_argument_exception", {})
    with pytest.raises(RequestError):
        _index(client).apply([Change("img-0001", 1, doc())])
    assert "bulk" not in client.names()


def test_rebuild_loads_a_new_index_then_swaps_aliases_then_drops_the_old(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a live index behind both aliases and a loader that sends two documents per request
    monkeypatch.setattr(opensearch, "REBUILD_CHUNK", 2)
    client = _live()
    docs = (doc(f"img-000{n}", n) for n in range(1, 4))
    # WHEN rebuilt from three documents
    count = _index(client).rebuild(docs)
    # THEN create -> write alias -> bulk x2 -> refresh -> read alias -> delete old, in order
    assert count == 3
    assert client.names() == [
        "get_alias",
        "get_alias",
        "create",
        "update_aliases",
        "bulk",
        "bulk",
        "refresh",
        "update_aliases",
        "delete",
    ]
    old = "images-v1-20240101000000000000"
    assert client.calls[2] == {"call": "create", "index": NEW, "body": index_body()}
    writes, reads = [c["body"]["actions"] for c in client.calls if c["call"] == "update_aliases"]
    assert writes == [
        {"remove": {"index": old, "alias": "images-write"}},
        {"add": {"index": NEW, "alias": "images-write"}},
    ]
    assert reads == [
        {"remove": {"index": old, "alias": "images"}},
        {"add": {"index": NEW, "alias": "images"}},
    ]
    # the load went straight into the new index, with external versions
    loaded = [
        line["index"]
        for c in client.calls
        if c["call"] == "bulk"
        for line in c["body"]
        if "index" in line
    ]
    assert [(m["_index"], m["_id"], m["version"]) for m in loaded] == [
        (NEW, "img-0001", 1),
        (NEW, "img-0002", 2),
        (NEW, "img-0003", 3),
    ]
    assert client.last("refresh")["index"] == NEW
    assert client.last("delete")["index"] == old
    assert client.aliases == {NEW: {"images", "images-write"}}


def test_rebuild_of_an_empty_cluster_only_adds_aliases() -> None:
    client = FakeClient()
    assert _index(client).rebuild([]) == 0
    assert "delete" not in client.names()
    assert client.aliases == {NEW: {"images", "images-write"}}


def test_rebuild_after_a_failed_one_drops_both_earlier_indices() -> None:
    # GIVEN reads on A and writes on B (a rebuild that failed half way)
    client = FakeClient({"images-v1-a": {"images"}, "images-v1-b": {"images-write"}})
    _index(client).rebuild([doc()])
    deleted = [c["index"] for c in client.calls if c["call"] == "delete"]
    assert deleted == ["images-v1-a", "images-v1-b"]
    assert client.aliases == {NEW: {"images", "images-write"}}


def test_a_failed_load_leaves_reads_on_the_old_index() -> None:
    client = _live()
    client.bulk_reply = lambda call: _items(("index", "img-0001", 400, "mapper_parsing_exception"))
    with pytest.raises(BulkError):
        _index(client).rebuild([doc()])
    assert "images" in client.aliases["images-v1-20240101000000000000"]
    assert "delete" not in client.names()


def _empty_response() -> dict[str, object]:
    empty: dict[str, Any] = {"values": {"buckets": []}}
    return {
        "hits": {"total": {"value": 0}, "hits": []},
        "aggregations": {"orientation": empty, "color": empty, "tags": empty, "titles": empty,
                         "camera": empty},
    }


def test_search_reads_through_the_read_alias_with_the_built_body() -> None:
    client = _live()
    client.search_reply = _empty_response()
    query = SearchQuery(words=("fox",), sort=Sort.NEWEST)
    page = _index(client).search(query)
    call = client.last("search")
    assert (call["index"], call["body"]) == ("images", search_body(query))
    assert "preference" not in call
    assert page.total == 0 and page.next_after is None


def test_relevance_pages_of_one_query_share_shard_copies() -> None:
    client = _live()
    client.search_reply = _empty_response()
    index = _index(client)
    first = SearchQuery(words=("fox",), sort=Sort.RELEVANCE)
    for query in (
        first,
        SearchQuery(words=("fox",), sort=Sort.RELEVANCE, search_after=(1.5, "x")),
        SearchQuery(words=("owl",), sort=Sort.RELEVANCE),
    ):
        index.search(query)
    page1, page2, other = (c["preference"] for c in client.calls if c["call"] == "search")
    assert page1 == page2 != other


def test_suggest_asks_once_and_skips_empty_prefixes() -> None:
    client = _live()
    client.search_reply = _empty_response()
    index = _index(client)
    assert index.suggest("", 10) == []
    assert index.suggest("su", 0) == []
    assert "search" not in client.names()
    assert index.suggest("sun", 10) == []
    assert client.last("search")["body"] == suggest_body("sun", 10)


def test_reading_before_anything_was_indexed_is_empty_and_creates_nothing() -> None:
    # GIVEN no index yet (the API's role may not create one)
    client = FakeClient()
    client.search_error = NotFoundError(404, "index_not_found_exception", {})
    index = _index(client)
    # WHEN searched and asked for suggestions THEN empty answers, and only reads were made
    page = index.search(SearchQuery(words=("fox",)))
    assert (page.total, page.hits, page.next_after) == (0, (), None)
    assert page.facets == {"tags": (), "orientation": (), "color": ()}
    assert index.suggest("fo", 10) == []
    assert client.names() == ["search", "search"]


def test_the_first_write_maps_the_reader_roles_once() -> None:
    # GIVEN an indexer told to let the API's role read
    client = FakeClient({})
    index = _index(client, reader_roles=("arn:aws:iam::1:role/api",))
    # WHEN it writes twice
    index.apply([Change("img-0001", 1, doc("img-0001", 1))])
    index.apply([Change("img-0002", 1, doc("img-0002", 1))])
    # THEN the role was mapped on the first write only
    puts = [c for c in client.calls if c["call"] == "raw" and c["method"] == "PUT"]
    assert len(puts) == 1
    assert puts[0]["path"].endswith("/rolesmapping/readall")
    assert puts[0]["body"]["backend_roles"] == ["arn:aws:iam::1:role/api"]


def test_versions_read_the_external_version_of_the_asked_ids_from_the_read_alias() -> None:
    # GIVEN a domain holding two of three asked ids
    client = _live()
    client.search_reply = {"hits": {"hits": [
        {"_id": "a" * 32, "_version": 4}, {"_id": "b" * 32, "_version": 1}]}}
    # WHEN the sweeper asks for their versions
    found = _index(client).versions(["b" * 32, "a" * 32, "c" * 32, "a" * 32])
    # THEN one ids query on the read alias, versions on, no sources, sized to the ask
    assert found == {"a" * 32: 4, "b" * 32: 1}
    (call,) = [c for c in client.calls if c["call"] == "search"]
    assert call["index"] == "images"
    assert call["body"] == {"query": {"ids": {"values": ["a" * 32, "b" * 32, "c" * 32]}},
                            "_source": False, "version": True, "size": 3}


def test_ids_after_pages_by_image_id_and_an_empty_domain_has_none() -> None:
    client = _live()
    client.search_reply = {"hits": {"hits": [{"_id": "3" + "0" * 31}]}}
    assert _index(client).ids_after("3", 5) == ["3" + "0" * 31]
    (call,) = [c for c in client.calls if c["call"] == "search"]
    assert call["body"]["query"] == {"range": {"image_id": {"gt": "3"}}}
    assert (call["body"]["sort"], call["body"]["size"]) == ([{"image_id": "asc"}], 5)
    client.search_error = NotFoundError(404, "index_not_found_exception", {})
    assert _index(client).ids_after("", 5) == [] and _index(client).versions(["x"]) == {}
