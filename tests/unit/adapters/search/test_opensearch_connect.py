"""The SigV4-signed client factory, checked without any network."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests
from botocore.credentials import RefreshableCredentials
from opensearchpy import RequestsHttpConnection
from requests_aws4auth import AWS4Auth

from chalicelib.adapters.search.opensearch import connect


@pytest.fixture(autouse=True)
def _static_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDSTATIC")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token-static")


def _connection(client: Any) -> RequestsHttpConnection:
    connection = client.transport.get_connection()
    assert isinstance(connection, RequestsHttpConnection)
    return connection


def _signed(auth: AWS4Auth) -> requests.PreparedRequest:
    request = requests.Request("POST", "https://example.test/images/_search", data=b"{}")
    return auth(request.prepare())


def _key_id(request: requests.PreparedRequest) -> str:
    match = re.search(r"Credential=([^/]+)/", str(request.headers["Authorization"]))
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize(
    ("endpoint", "service"),
    [
        ("https://search-stock.eu-west-1.es.amazonaws.com", "es"),
        ("abc123.eu-west-1.aoss.amazonaws.com", "aoss"),
    ],
)
def test_client_signs_for_the_region_and_service_over_verified_tls(
    endpoint: str, service: str
) -> None:
    # GIVEN a managed domain or a serverless collection WHEN a client is made
    client = connect(endpoint, "eu-west-1", service)
    connection = _connection(client)
    auth = connection.session.auth
    # THEN requests are SigV4-signed for that region and service, over verified TLS
    assert isinstance(auth, AWS4Auth)
    assert (auth.region, auth.service) == ("eu-west-1", service)
    assert connection.host.startswith("https://") and connection.host.endswith(":443")
    # verify_certs: requests gets True or a CA bundle path, never False
    assert connection.session.verify not in (False, None, "")
    signed = _signed(auth)
    assert f"/eu-west-1/{service}/aws4_request" in signed.headers["Authorization"]
    assert signed.headers["x-amz-security-token"] == "token-static"
    assert "x-amz-content-sha256" in signed.headers


def test_throttling_and_unavailable_are_retried_by_the_client() -> None:
    transport = connect("https://search-stock.eu-west-1.es.amazonaws.com", "eu-west-1").transport
    assert transport.max_retries >= 2
    assert {429, 502, 503, 504} <= set(transport.retry_on_status)
    assert transport.retry_on_timeout is True


def test_rotating_temporary_credentials_are_picked_up_per_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN role credentials that botocore refreshes (each about to expire)
    serial = itertools.count(2)

    def renew() -> dict[str, str]:
        soon = datetime.now(UTC) + timedelta(seconds=5)
        n = next(serial)
        return {
            "access_key": f"AKIDROLE{n}",
            "secret_key": f"s{n}",
            "token": f"t{n}",
            "expiry_time": soon.isoformat(),
        }

    first = {**renew(), "access_key": "AKIDROLE1"}
    credentials = RefreshableCredentials.create_from_metadata(first, renew, "test")

    class Session:
        def get_credentials(self) -> RefreshableCredentials:
            return credentials

    monkeypatch.setattr(boto3, "Session", Session)
    auth = _connection(connect("search.example.test", "us-east-1")).session.auth
    # WHEN two requests are signed
    one, two = _signed(auth), _signed(auth)
    # THEN each carries the credentials current at that moment, not the ones at connect time
    assert _key_id(one) != _key_id(two)
    assert {_key_id(one), _key_id(two)} <= {f"AKIDROLE{n}" for n in range(2, 10)}
    assert str(two.headers["x-amz-security-token"]).startswith("t")


def test_no_credentials_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Session:
        def get_credentials(self) -> None:
            return None

    monkeypatch.setattr(boto3, "Session", Session)
    with pytest.raises(RuntimeError, match="credentials"):
        connect("search.example.test", "us-east-1")
