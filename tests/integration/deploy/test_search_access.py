"""OpenSearch rights of the packaged roles, checked against the requests our adapter sends."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

import pytest
from opensearchpy import OpenSearch
from opensearchpy.connection import Connection

from chalicelib.adapters.search.opensearch import OpenSearchIndex
from chalicelib.adapters.search.opensearch.query import FACET_SIZES
from chalicelib.domain.search import Change, SearchDoc
from chalicelib.services import search as search_service
from tests.integration.deploy.sam_reading import allowed, functions, role_statements

# The search resources of this stack, as the role statements name them.
DOMAIN = "${SearchDomain.Arn}"
COLLECTION = "${SearchCollection.Arn}"
ON_DOMAIN = {"SearchEngine": "domain"}
ON_SERVERLESS = {"SearchEngine": "serverless"}
EMPTY_AGGREGATION: dict[str, Any] = {"values": {"buckets": []}}
EMPTY_SEARCH = {
    "hits": {"total": {"value": 0}, "hits": []},
    "aggregations": {
        # every facet the adapter asks for (query.FACET_SIZES), and the suggest's titles
        name: EMPTY_AGGREGATION for name in ("titles", *FACET_SIZES)
    },
}


def _answer(method: str, path: str) -> tuple[int, dict[str, Any]]:
    """What an empty domain answers; anything unforeseen is a 500 so the test notices."""
    if path.startswith("/_alias/"):
        return 404, {"error": "alias missing", "status": 404}
    if method == "PUT":
        return 200, {"acknowledged": True}
    if path.endswith("/_bulk"):
        return 200, {"errors": False, "items": []}
    if path.endswith("/_search"):
        return 200, EMPTY_SEARCH
    return 500, {"error": f"unexpected {method} {path}"}


class RecordingConnection(Connection):
    """An opensearch-py connection that answers like an empty domain and keeps each request."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: list[tuple[str, str]] = []

    def perform_request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        timeout: float | None = None,
        ignore: Collection[int] = (),
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Record (method, path) and answer without any network."""
        path = urlsplit(url).path
        self.seen.append((method, path))
        status, answer = _answer(method, path)
        raw = json.dumps(answer)
        if status >= 300 and status not in ignore:
            self._raise_error(status, raw)
        return status, {}, raw


def _requests(use: Callable[[OpenSearchIndex], object]) -> set[tuple[str, str]]:
    """IAM (action, resource) pairs for the HTTP requests `use` makes through the adapter."""
    client = OpenSearch(
        hosts=[{"host": "search.test", "port": 443}], connection_class=RecordingConnection
    )
    use(OpenSearchIndex(client))
    seen = client.transport.get_connection().seen
    assert seen, "the adapter sent nothing"
    return {(f"es:ESHttp{method.capitalize()}", DOMAIN + path) for method, path in seen}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _doc(image_id: str) -> SearchDoc:
    return SearchDoc(
        image_id=image_id, version=2, title="Red fox", description="A fox in snow",
        tags=("fox",), owner="u-1", owner_name="Ann", created_at="2026-01-02T03:04:05.000000Z",
        width=1200, height=800, orientation="landscape", color="red", color_hex="#aa2211",
        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    )  # fmt: skip


def _index_changes(index: OpenSearchIndex) -> None:
    index.apply([Change("img-1", 2, _doc("img-1")), Change("img-2", 5, None)])


def _search_and_suggest(index: OpenSearchIndex) -> None:
    search_service.search(index, {"q": "red fox", "sort": "relevance"}, b"key")
    search_service.suggest(index, "fo")



def test_the_indexer_may_send_every_request_of_indexing(template: dict[str, Any]) -> None:
    # GIVEN a first upsert and a delete WHEN the adapter indexes them THEN each request
    # (aliases lookup, first index creation, bulk) is allowed on our domain only
    requests = _requests(_index_changes)
    statements = role_statements(template, "Indexer", ON_DOMAIN)
    assert [r for r in requests if not allowed(statements, *r)] == []
    assert ("es:ESHttpPost", f"{DOMAIN}/_bulk") in requests
    assert not allowed(statements, "es:ESHttpPost", "arn:aws:es:eu-west-1:1:domain/other/_bulk")
    assert not allowed(statements, "es:ESHttpPost", "${OtherDomain.Arn}/_bulk")
    assert not allowed(statements, "es:ESHttpDelete", f"{DOMAIN}/images")


def test_the_api_may_search_the_read_alias_but_never_write(template: dict[str, Any]) -> None:
    # GIVEN the API's search (with its fuzzy retry) and suggest WHEN run through the adapter
    # THEN every request is allowed, and none of the indexer's writes is
    reads = _requests(_search_and_suggest)
    writes = _requests(_index_changes)
    statements = role_statements(template, "APIHandler", ON_DOMAIN)
    assert [r for r in reads if not allowed(statements, *r)] == []
    assert [w for w in writes if allowed(statements, *w)] == []
    # POST /<index>/_doc/<id> indexes a document even when the id is `_search`.
    assert not allowed(statements, "es:ESHttpPost", f"{DOMAIN}/images/_doc/_search")


@pytest.mark.parametrize("function", ["Indexer", "APIHandler"])
def test_on_serverless_the_roles_reach_the_collection_only(
    template: dict[str, Any], function: str
) -> None:
    # GIVEN SearchEngine=serverless WHEN the condition picks the statement THEN aoss, no es
    statements = role_statements(template, function, ON_SERVERLESS)
    assert allowed(statements, "aoss:APIAccessAll", COLLECTION)
    assert not allowed(statements, "es:ESHttpGet", f"{DOMAIN}/images/_search")
    on_domain = role_statements(template, function, ON_DOMAIN)
    assert not allowed(on_domain, "aoss:APIAccessAll", COLLECTION)


@pytest.mark.parametrize("engine", ["domain", "serverless"])
def test_the_image_pipeline_has_no_search_rights(template: dict[str, Any], engine: str) -> None:
    for function in ("Ingest", "Render", "PostConfirmation"):
        statements = role_statements(template, function, {"SearchEngine": engine})
        actions = [a for s in statements for a in _as_list(s["Action"])]
        assert {a.split(":")[0] for a in actions}.isdisjoint({"es", "aoss"}), function


def test_only_the_api_may_read_the_cursor_key_and_no_env_holds_it(template: dict[str, Any]) -> None:
    # GIVEN the packaged env WHEN each function's is read THEN every one names the generated
    # secret by ARN (config refuses to start in Lambda without it), none holds a key, and only
    # the API's role may read it (tests/integration/deploy/test_edge.py: exact resources)
    deployed = functions(template)
    for name, properties in deployed.items():
        variables = properties["Environment"]["Variables"]
        assert "CURSOR_SECRET" not in variables, name
        assert variables["CURSOR_SECRET_ARN"] == {"Ref": "CursorSecret"}, name
        readers = allowed(role_statements(template, name), "secretsmanager:GetSecretValue",
                          "${CursorSecret}")
        assert readers is (name == "APIHandler"), name
    secret = template["Resources"]["CursorSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
