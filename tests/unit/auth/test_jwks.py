"""TokenVerifier and the JWKS: caching, key rotation, and outages that must become 503s."""

from __future__ import annotations

import socket

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWKClient

from chalicelib.auth.tokens import TokenVerifier
from chalicelib.domain.errors import Unavailable
from tests.unit.auth.conftest import (
    CLIENT_ID,
    ISSUER,
    KID,
    JwksServer,
    access_claims,
    public_jwk,
    sign,
)


def test_keys_are_fetched_once_and_survive_a_jwks_outage(
    verifier: TokenVerifier, jwks_server: JwksServer, signing_key: rsa.RSAPrivateKey
) -> None:
    # GIVEN a verifier that has already verified one token
    verifier.verify(sign(signing_key, access_claims()))
    # WHEN the JWKS starts failing and more tokens arrive
    jwks_server.status, jwks_server.body = 500, b"down"
    for _ in range(3):
        assert verifier.verify(sign(signing_key, access_claims())).sub == "0b5c2f8e-sub"
    # THEN the keys came from one fetch and the cache kept working
    assert jwks_server.fetches == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_jwks_gives_503(signing_key: rsa.RSAPrivateKey) -> None:
    # GIVEN a JWKS URL where nothing listens
    url = f"http://127.0.0.1:{_free_port()}/pool/.well-known/jwks.json"
    verifier = TokenVerifier(url, ISSUER, [CLIENT_ID])
    # WHEN a well-formed token is verified THEN it is "try again", not "you are wrong"
    with pytest.raises(Unavailable) as unavailable:
        verifier.verify(sign(signing_key, access_claims()))
    assert unavailable.value.code == "auth_unavailable"
    assert unavailable.value.status == 503
    assert "127.0.0.1" not in unavailable.value.message


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (503, b'{"message": "Service Unavailable"}'),
        (404, b"Not Found"),
        (200, b"<html>proxy error page</html>"),
        (200, b'["not", "an", "object"]'),
        (200, b'{"keys": []}'),
        (200, b'{"keys": [{"kty": "RSA", "kid": "broken"}]}'),
    ],
    ids=["http_503", "http_404", "html_body", "json_array", "no_keys", "unusable_key"],
)
def test_broken_jwks_gives_503(
    status: int,
    body: bytes,
    verifier: TokenVerifier,
    jwks_server: JwksServer,
    signing_key: rsa.RSAPrivateKey,
) -> None:
    # GIVEN a JWKS endpoint answering with an error or something that is not a key set
    jwks_server.status, jwks_server.body = status, body
    # WHEN a well-formed token is verified THEN it is a 503, not a 401 or a crash
    with pytest.raises(Unavailable) as unavailable:
        verifier.verify(sign(signing_key, access_claims()))
    assert unavailable.value.code == "auth_unavailable"


def test_rotated_key_is_picked_up_by_refetch(
    jwks_server: JwksServer, signing_key: rsa.RSAPrivateKey, stranger_key: rsa.RSAPrivateKey
) -> None:
    # GIVEN a verifier that already cached the old key set (no refetch cooldown, for the test)
    client = PyJWKClient(jwks_server.url, cache_keys=True, cooldown_duration=0)
    verifier = TokenVerifier(jwks_server.url, ISSUER, [CLIENT_ID], jwks_client=client)
    verifier.verify(sign(signing_key, access_claims()))
    # WHEN the pool publishes a new key and signs with it
    jwks_server.serve_json(
        {"keys": [public_jwk(signing_key, KID), public_jwk(stranger_key, "rotated")]}
    )
    principal = verifier.verify(sign(stranger_key, access_claims(), kid="rotated"))
    # THEN the unknown kid triggered one refetch and the token passed
    assert principal.username == "alice"
    assert jwks_server.fetches == 2
