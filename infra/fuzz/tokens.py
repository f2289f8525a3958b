"""Tokens for the fuzz run: valid ones per role, and every forgery the verifier must refuse."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import strategies as st

from infra.fuzz.values import header_text

ROLES = ("contributor", "other", "admin")  # other: a second contributor, for cross-user writes
FORGERIES = ("alg_none", "wrong_key", "expired", "wrong_client", "wrong_issuer", "id_token",
             "tampered", "garbage", "not_bearer", "huge")
HUGE_TOKEN_BYTES = (8_000, 60_000, 70_000)  # the last is past http.server's 64 KiB line


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def claims_of(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (to forge a look-alike)."""
    return dict(jwt.decode(token, options={"verify_signature": False}))


@dataclass(frozen=True)
class Signer:
    """The key the verifier trusts (the test key in process, moto's bundled key locally)."""

    key: Any
    kid: str


@dataclass
class Forge:
    """Valid tokens by role and the forgeries derived from the contributor's."""

    valid: dict[str, str]
    signer: Signer | None = None
    _cache: dict[str, str] = field(default_factory=dict)

    def _sign(self, claims: dict[str, Any], key: Any | None = None) -> str:
        signer = self.signer
        kid = signer.kid if signer else "unknown"
        if key is None:
            key = signer.key if signer else _stranger_key()
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def _forged(self, kind: str) -> str:
        token = self.valid["contributor"]
        claims = claims_of(token)
        header, _, signature = token.split(".")
        if kind == "alg_none":
            head = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
            return f"{head}.{_b64(json.dumps(claims).encode())}."
        if kind == "wrong_key":
            return self._sign(claims, _stranger_key())
        if kind == "tampered":  # the contributor's signature over an admin's claims
            raised = {**claims, "cognito:groups": ["admins"]}
            return f"{header}.{_b64(json.dumps(raised).encode())}.{signature}"
        now = int(time.time())
        changed: dict[str, dict[str, Any]] = {
            "expired": {"iat": now - 7200, "exp": now - 3600},
            "wrong_client": {"client_id": "someone-else"},
            "wrong_issuer": {"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X"},
            "id_token": {"token_use": "id"},
        }
        return self._sign({**claims, **changed[kind]})

    def token(self, kind: str) -> str:
        """A valid role's token, or a forgery of that kind (made once, then reused)."""
        if kind in self.valid:
            return self.valid[kind]
        if kind not in self._cache:
            self._cache[kind] = self._forged(kind)
        return self._cache[kind]


_STRANGER: list[rsa.RSAPrivateKey] = []


def _stranger_key() -> rsa.RSAPrivateKey:
    if not _STRANGER:
        _STRANGER.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return _STRANGER[0]


# Mostly valid tokens, so requests get past sign-in and reach the use cases.
_KINDS = (*ROLES * 4, *FORGERIES[:7], "none", "none", "garbage", "not_bearer", "huge")


def _authorization(forge: Forge, kind: str) -> st.SearchStrategy[tuple[str, str | None]]:
    if kind == "none":
        return st.just((kind, None))
    if kind == "garbage":
        return header_text.map(lambda text: (kind, f"Bearer {text}"))
    if kind == "not_bearer":
        return st.just((kind, f"Basic {forge.token('contributor')}"))
    if kind == "huge":
        return st.sampled_from(HUGE_TOKEN_BYTES).map(lambda n: (kind, "Bearer " + "A" * n))
    return st.just((kind, f"Bearer {forge.token(kind)}"))


def authorizations(forge: Forge) -> st.SearchStrategy[tuple[str, str | None]]:
    """(kind, Authorization header or None): no token, a role's, a forgery or garbage."""
    built = {kind: _authorization(forge, kind) for kind in set(_KINDS)}
    return st.sampled_from(_KINDS).flatmap(built.__getitem__)
