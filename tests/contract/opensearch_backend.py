"""The OpenSearch side of the SearchIndex contract suite, used only when OPENSEARCH_URL is set.

Local OpenSearch (no AWS):
    docker run -d -p 9200:9200 -e discovery.type=single-node \
        -e DISABLE_SECURITY_PLUGIN=true opensearchproject/opensearch:2
    OPENSEARCH_URL=http://localhost:9200 .venv/bin/pytest tests/contract

`https://user:password@host:9200` works too (OPENSEARCH_VERIFY_CERTS=0 for a self-signed
certificate). An AWS domain or collection: OPENSEARCH_URL=https://<endpoint>
OPENSEARCH_SIGV4=es|aoss AWS_REGION=<region>, signed with your AWS credentials.
Every name gets its own aliases and indices; `drop_index` removes them afterwards.
"""

from __future__ import annotations

import os
from typing import Any

from chalicelib.ports import SearchIndex


def _client(url: str) -> Any:
    from opensearchpy import OpenSearch

    from chalicelib.adapters.search.opensearch import connect

    service = os.environ.get("OPENSEARCH_SIGV4")
    if service:
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION", "")
        return connect(url, region, service)
    verify = os.environ.get("OPENSEARCH_VERIFY_CERTS", "1") != "0"
    return OpenSearch(hosts=[url], verify_certs=verify, ssl_show_warn=verify, timeout=30)


def make_index(url: str, name: str) -> SearchIndex:
    """An OpenSearchIndex on its own alias `name`, whose writes are visible at once."""
    from chalicelib.adapters.search.opensearch import OpenSearchIndex

    # refresh=True: the suite searches right after applying, production waits for the 1 s
    # refresh interval instead.
    return OpenSearchIndex(_client(url), alias=name.lower(), refresh=True)


def drop_index(url: str, name: str) -> None:
    """Delete every index made for `name` (its aliases go with them)."""
    client = _client(url)
    alias = name.lower()
    for index in client.indices.get(index=f"{alias}-v*", expand_wildcards="all"):
        client.indices.delete(index=index)
