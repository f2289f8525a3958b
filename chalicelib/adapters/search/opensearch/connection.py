"""An opensearch-py client for an AWS endpoint, signed with the function's own credentials.

opensearchpy and requests_aws4auth are imported lazily: the API Lambda loads chalicelib at
cold start and only builds a client on its first search."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

# Throttling and unavailable nodes are retried by the client; anything else surfaces.
RETRY_ON_STATUS = (429, 502, 503, 504)


def sigv4_auth(region: str, service: str) -> Any:
    """Request signing with this function's own credentials, refreshed as they rotate."""
    import boto3
    from requests_aws4auth import AWS4Auth

    credentials = boto3.Session().get_credentials()
    if credentials is None:
        raise RuntimeError("no AWS credentials found to sign OpenSearch requests")
    # Given the credentials object (not frozen keys), AWS4Auth asks it for current keys on
    # every request, so temporary credentials that botocore refreshes keep working.
    return AWS4Auth(region=region, service=service, refreshable_credentials=credentials)


def connect(endpoint: str, region: str, service: str = "es", timeout: float = 10.0) -> Any:
    """An opensearch-py client for an AWS endpoint, SigV4-signed (`aoss` for serverless)."""
    from opensearchpy import OpenSearch, RequestsHttpConnection

    parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
    return OpenSearch(
        hosts=[{"host": parts.hostname, "port": parts.port or 443}],
        http_auth=sigv4_auth(region, service),
        use_ssl=True,
        verify_certs=True,
        connection_class=RequestsHttpConnection,
        timeout=timeout,
        max_retries=3,
        retry_on_status=RETRY_ON_STATUS,
        retry_on_timeout=True,
    )
