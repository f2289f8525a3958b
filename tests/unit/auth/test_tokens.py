"""TokenVerifier against a local JWKS: what it accepts, what it refuses, and how."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.auth import Principal
from chalicelib.auth.tokens import TokenVerifier
from chalicelib.domain.errors import Unauthenticated
from tests.unit.auth.conftest import (
    CLIENT_ID,
    ISSUER,
    KID,
    JwksServer,
    access_claims,
    b64json,
    b64url,
    sign,
)

GENERIC_MESSAGE = "The access token is missing, malformed, expired or not accepted."
TokenMaker = Callable[[rsa.RSAPrivateKey, rsa.RSAPrivateKey], str]


def _unsigned(_key: rsa.RSAPrivateKey, _stranger: rsa.RSAPrivateKey) -> str:
    return f"{b64json({'alg': 'none', 'typ': 'JWT', 'kid': KID})}.{b64json(access_claims())}."


def _hs256_with_public_pem(key: rsa.RSAPrivateKey, _stranger: rsa.RSAPrivateKey) -> str:
    # The classic confusion attack: the public key, which anyone can fetch, as an HMAC secret.
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = (
        f"{b64json({'alg': 'HS256', 'typ': 'JWT', 'kid': KID})}.{b64json(access_claims())}"
    )
    mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(mac)}"


def _id_token(key: rsa.RSAPrivateKey, _stranger: rsa.RSAPrivateKey) -> str:
    return sign(
        key,
        access_claims(
            token_use="id",
            client_id=None,
            aud=CLIENT_ID,
            username=None,
            **{"cognito:username": "alice"},
        ),
    )


def _ago(seconds: int) -> int:
    return int(time.time()) - seconds


REFUSED_TOKENS: list[tuple[str, TokenMaker]] = [
    ("alg_none", _unsigned),
    ("hs256_signed_with_public_key_pem", _hs256_with_public_pem),
    ("wrong_issuer", lambda k, _: sign(k, access_claims(iss="https://evil.example/pool"))),
    ("id_token_instead_of_access", _id_token),
    ("token_use_id_with_client_id", lambda k, _: sign(k, access_claims(token_use="id"))),
    ("client_id_not_allowed", lambda k, _: sign(k, access_claims(client_id="otherclient"))),
    ("no_client_id", lambda k, _: sign(k, access_claims(client_id=None))),
    (
        "expired_beyond_leeway",
        lambda k, _: sign(k, access_claims(iat=_ago(7200), exp=_ago(31 + 5))),
    ),
    ("issued_in_the_future", lambda k, _: sign(k, access_claims(iat=_ago(-600)))),
    ("missing_exp", lambda k, _: sign(k, access_claims(exp=None))),
    ("missing_iat", lambda k, _: sign(k, access_claims(iat=None))),
    ("missing_iss", lambda k, _: sign(k, access_claims(iss=None))),
    ("missing_sub", lambda k, _: sign(k, access_claims(sub=None))),
    ("missing_username", lambda k, _: sign(k, access_claims(username=None))),
    ("groups_not_a_list", lambda k, _: sign(k, access_claims(**{"cognito:groups": "admins"}))),
    ("unknown_kid", lambda _, s: sign(s, access_claims(), kid="unknown-kid")),
    ("forged_signature_known_kid", lambda _, s: sign(s, access_claims())),
    ("no_kid", lambda k, _: sign(k, access_claims(), kid="")),
    ("garbage", lambda _k, _s: "not-a-jwt"),
    ("three_garbage_segments", lambda _k, _s: "aaa.bbb.ccc"),
    ("empty", lambda _k, _s: ""),
    ("oversized", lambda k, _: sign(k, access_claims(padding="x" * 20_000))),
]


def test_valid_access_token_gives_principal_with_groups(
    verifier: TokenVerifier, signing_key: rsa.RSAPrivateKey
) -> None:
    # GIVEN a fresh access token from our pool for an allowed client
    token = sign(signing_key, access_claims(**{"cognito:groups": ["contributors", "admins"]}))
    # WHEN it is verified
    principal = verifier.verify(token)
    # THEN the caller is known by sub, username and groups
    assert principal == Principal(
        sub="0b5c2f8e-sub", username="alice", groups=frozenset({"contributors", "admins"})
    )
    assert principal.is_admin and principal.is_contributor


def test_token_without_groups_gives_empty_groups(
    verifier: TokenVerifier, signing_key: rsa.RSAPrivateKey
) -> None:
    # GIVEN a user in no group (Cognito then omits the claim)
    token = sign(signing_key, access_claims(**{"cognito:groups": None}))
    # WHEN verified THEN they are signed in but neither contributor nor admin
    principal = verifier.verify(token)
    assert principal.groups == frozenset()
    assert not principal.is_contributor


def test_token_expired_within_leeway_is_accepted(
    verifier: TokenVerifier, signing_key: rsa.RSAPrivateKey
) -> None:
    # GIVEN a token that expired 10 s ago, inside the 30 s clock-skew leeway
    token = sign(signing_key, access_claims(iat=_ago(3600), exp=_ago(10)))
    # WHEN verified THEN it still passes
    assert verifier.verify(token).username == "alice"


@pytest.mark.parametrize(("case", "make_token"), REFUSED_TOKENS, ids=[c for c, _ in REFUSED_TOKENS])
def test_refused_tokens_get_one_generic_401(
    case: str,
    make_token: TokenMaker,
    verifier: TokenVerifier,
    signing_key: rsa.RSAPrivateKey,
    stranger_key: rsa.RSAPrivateKey,
) -> None:
    # GIVEN a token that must not be accepted, while the JWKS is healthy
    token = make_token(signing_key, stranger_key)
    # WHEN it is verified
    with pytest.raises(Unauthenticated) as refused:
        verifier.verify(token)
    # THEN the caller learns nothing about why, not even through the exception chain
    assert refused.value.code == "invalid_token"
    assert refused.value.message == GENERIC_MESSAGE == str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


@pytest.mark.parametrize("case", ["alg_none", "hs256_signed_with_public_key_pem", "garbage"])
def test_tokens_refused_by_header_never_fetch_the_jwks(
    case: str,
    verifier: TokenVerifier,
    jwks_server: JwksServer,
    signing_key: rsa.RSAPrivateKey,
    stranger_key: rsa.RSAPrivateKey,
) -> None:
    # GIVEN a token whose header alone disqualifies it
    token = dict(REFUSED_TOKENS)[case](signing_key, stranger_key)
    # WHEN verified THEN it is refused without any network call
    with pytest.raises(Unauthenticated):
        verifier.verify(token)
    assert jwks_server.fetches == 0


def test_real_reason_is_logged_at_debug_only(
    verifier: TokenVerifier, signing_key: rsa.RSAPrivateKey, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a token from another issuer
    token = sign(signing_key, access_claims(iss="https://evil.example/pool"))
    # WHEN it is refused
    with (
        caplog.at_level(logging.DEBUG, logger="stock-images.auth"),
        pytest.raises(Unauthenticated) as refused,
    ):
        verifier.verify(token)
    # THEN operators can see the reason, the caller cannot
    assert any(r.levelno == logging.DEBUG and "issuer" in r.getMessage() for r in caplog.records)
    assert "issuer" not in str(refused.value).lower()


def test_no_allowed_clients_refuses_everything(
    jwks_server: JwksServer, signing_key: rsa.RSAPrivateKey
) -> None:
    # GIVEN a misconfigured verifier with an empty client allow-list
    verifier = TokenVerifier(jwks_server.url, ISSUER, [])
    # WHEN a valid token arrives THEN it fails closed
    with pytest.raises(Unauthenticated):
        verifier.verify(sign(signing_key, access_claims()))
