"""Test-only RS256 tokens shaped like Cognito access tokens, and a JWKS that serves their key."""

from __future__ import annotations

import json
import time
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWK
from jwt.algorithms import RSAAlgorithm
from jwt.exceptions import PyJWKClientError

KID = "test-key"
POOL = "us-east-1_TESTPOOL"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
CLIENT_ID = "test-client"


@lru_cache(maxsize=1)
def private_key() -> rsa.RSAPrivateKey:
    """One RSA key per test session (generation is slow-ish)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class StaticJwks:
    """Stands in for PyJWKClient: serves the test key under KID."""

    def __init__(self) -> None:
        public = json.loads(RSAAlgorithm.to_jwk(private_key().public_key()))
        self.jwk = PyJWK({**public, "kid": KID, "alg": "RS256", "use": "sig"})

    def get_signing_key(self, kid: str) -> PyJWK:
        if kid != KID:
            raise PyJWKClientError(f"unknown kid {kid}")
        return self.jwk

    def get_signing_keys(self) -> list[PyJWK]:
        return [self.jwk]


def access_token(sub: str, username: str, groups: tuple[str, ...] = (), **extra: Any) -> str:
    """A signed access token for `sub` in `groups`."""
    now = int(time.time())
    claims = {
        "sub": sub,
        "username": username,
        "cognito:groups": list(groups),
        "iss": ISSUER,
        "client_id": CLIENT_ID,
        "token_use": "access",
        "iat": now,
        "exp": now + 3600,
        **extra,
    }
    return jwt.encode(claims, private_key(), algorithm="RS256", headers={"kid": KID})


def bearer(sub: str, username: str, *groups: str) -> dict[str, str]:
    """Authorization + JSON headers for a request as this user."""
    return {
        "Authorization": f"Bearer {access_token(sub, username, groups)}",
        "Content-Type": "application/json",
    }
