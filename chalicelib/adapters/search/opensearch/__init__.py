"""The production SearchIndex: Amazon OpenSearch (a managed domain or a serverless collection)."""

from __future__ import annotations

from chalicelib.adapters.search.opensearch.bulk import BulkError
from chalicelib.adapters.search.opensearch.connection import connect, sigv4_auth
from chalicelib.adapters.search.opensearch.index import OpenSearchIndex

__all__ = ["BulkError", "OpenSearchIndex", "connect", "sigv4_auth"]
