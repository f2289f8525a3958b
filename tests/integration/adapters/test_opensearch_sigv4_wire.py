"""The OpenSearch adapter's requests, as a fake endpoint receives them: SigV4-signed, over TLS.

A small HTTPS server on 127.0.0.1 plays the domain. It records each request and checks its
signature the way AWS would (recomputed here from the request alone, not by the library that
signed it), so a missing, stale or wrong signature fails the test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import ssl
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
from botocore.credentials import RefreshableCredentials

from chalicelib.adapters.search.opensearch import OpenSearchIndex, connect
from chalicelib.domain.search import Change, SearchQuery
from tests.integration.adapters.fake_opensearch import (
    SECRETS,
    FakeOpenSearch,
    Received,
    expected_signature,
    self_signed_certificate,
)

REGION = "eu-west-1"
@pytest.fixture
def endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, list[Received]]]:
    """https://127.0.0.1:<port> trusted through SSL_CERT_FILE, and what it receives."""
    cert_file, key_file = self_signed_certificate(tmp_path)
    received: list[Received] = []
    handler = type("Handler", (FakeOpenSearch,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    # The client verifies certificates as in production; it trusts only this one here.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "HTTPS_PROXY", "https_proxy",
                 "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def _use_keys(monkeypatch: pytest.MonkeyPatch, key: str, token: str | None = None) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRETS[key])
    if token is None:
        monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    else:
        monkeypatch.setenv("AWS_SESSION_TOKEN", token)


def test_a_search_reaches_the_endpoint_signed_with_sigv4(
    endpoint: tuple[str, list[Received]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN role-like credentials with a session token, and a client made by connect()
    url, received = endpoint
    _use_keys(monkeypatch, "AKIDFIRST", token="session-token-1")
    index = OpenSearchIndex(connect(url, REGION, "es"))
    # WHEN a search runs
    page = index.search(SearchQuery(words=("cat",)))
    # THEN the endpoint got one request, SigV4-signed for this key, date, region and service
    assert page.total == 0 and len(received) == 1
    request = received[0]
    auth = request.auth()
    today = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
    assert (auth["key"], auth["region"], auth["service"]) == ("AKIDFIRST", REGION, "es")
    assert auth["date"] in {today, request.headers["x-amz-date"][:8]}
    assert re.fullmatch(r"\d{8}T\d{6}Z", request.headers["x-amz-date"])
    assert request.headers["x-amz-security-token"] == "session-token-1"
    assert {"host", "x-amz-date", "x-amz-security-token"} <= set(auth["signed"].split(";"))
    # AND the signature is the one AWS would compute, body hash included
    assert request.headers["x-amz-content-sha256"] == hashlib.sha256(request.body).hexdigest()
    assert auth["sig"] == expected_signature(request, SECRETS["AKIDFIRST"])


def test_without_a_session_token_no_token_header_is_sent(
    endpoint: tuple[str, list[Received]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, received = endpoint
    _use_keys(monkeypatch, "AKIDSECOND")
    OpenSearchIndex(connect(url, REGION, "aoss")).search(SearchQuery())
    assert "x-amz-security-token" not in received[0].headers
    assert received[0].auth()["service"] == "aoss"
    assert received[0].auth()["sig"] == expected_signature(received[0], SECRETS["AKIDSECOND"])


def test_writes_are_signed_too(
    endpoint: tuple[str, list[Received]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an empty domain WHEN a change is applied (alias lookups, index creation, bulk)
    url, received = endpoint
    _use_keys(monkeypatch, "AKIDFIRST", token="t")
    OpenSearchIndex(connect(url, REGION)).apply([Change("img-1", 2, None)])
    # THEN every one of those requests carries a valid signature
    assert [r.method for r in received] == ["GET", "GET", "PUT", "POST"]
    assert all(r.auth()["sig"] == expected_signature(r, SECRETS["AKIDFIRST"]) for r in received)


def test_rotated_credentials_sign_the_next_request(
    endpoint: tuple[str, list[Received]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN temporary credentials that botocore refreshes, rotating between two keys
    url, received = endpoint
    keys = itertools.cycle(["AKIDSECOND", "AKIDFIRST"])

    def renew() -> dict[str, str]:
        key = next(keys)
        # Inside botocore's mandatory refresh window: every use asks for fresh keys.
        soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
        return {"access_key": key, "secret_key": SECRETS[key], "token": f"token-{key}",
                "expiry_time": soon.isoformat()}

    first = {**renew(), "access_key": "AKIDFIRST", "secret_key": SECRETS["AKIDFIRST"]}
    credentials = RefreshableCredentials.create_from_metadata(first, renew, "assume-role")
    monkeypatch.setattr(boto3.Session, "get_credentials", lambda _self: credentials)
    index = OpenSearchIndex(connect(url, REGION))
    # WHEN two searches run on the same client
    index.search(SearchQuery())
    index.search(SearchQuery())
    # THEN each went out under the key current at that moment, validly signed
    used = [r.auth()["key"] for r in received]
    assert len(set(used)) == 2
    for request, key in zip(received, used, strict=True):
        assert request.headers["x-amz-security-token"] == f"token-{key}"
        assert request.auth()["sig"] == expected_signature(request, SECRETS[key])


def test_new_environment_credentials_are_used_by_a_new_client(
    endpoint: tuple[str, list[Received]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a client made with one key WHEN the environment's key changes and a client is made
    url, received = endpoint
    _use_keys(monkeypatch, "AKIDFIRST")
    OpenSearchIndex(connect(url, REGION)).search(SearchQuery())
    _use_keys(monkeypatch, "AKIDSECOND")
    OpenSearchIndex(connect(url, REGION)).search(SearchQuery())
    # THEN the second request is signed with the new key
    assert [r.auth()["key"] for r in received] == ["AKIDFIRST", "AKIDSECOND"]
    assert received[1].auth()["sig"] == expected_signature(received[1], SECRETS["AKIDSECOND"])
