"""Verify Cognito access tokens against the user pool's JWKS and return a Principal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jwt
from jwt import PyJWK, PyJWKClient
from jwt.exceptions import (
    PyJWKClientConnectionError,
    PyJWKClientError,
    PyJWKSetError,
    PyJWTError,
)

from chalicelib.auth.principal import Principal
from chalicelib.domain.errors import Unauthenticated, Unavailable
from chalicelib.logs import child_logger

logger = child_logger(__name__)

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["exp", "iat", "iss"]
DEFAULT_LEEWAY_SECONDS = 30
# Cognito rotates keys rarely; an unknown kid still forces one refetch (after
# PyJWKClient's cooldown), so a long lifespan costs nothing on rotation.
JWKS_LIFESPAN_SECONDS = 3600.0
# Far below API Gateway's 29 s: a slow JWKS must become a 503, not a hung request.
JWKS_TIMEOUT_SECONDS = 3.0
# Cognito access tokens are 1-2 KB; refuse absurd input before any parsing.
MAX_TOKEN_CHARS = 16_384

INVALID_TOKEN_CODE = "invalid_token"
INVALID_TOKEN_MESSAGE = "The access token is missing, malformed, expired or not accepted."
UNAVAILABLE_CODE = "auth_unavailable"
UNAVAILABLE_MESSAGE = "Sign-in cannot be checked right now; please try again shortly."


class _Refused(Exception):
    """Why a token was refused: for the debug log only, never for the caller."""


def bearer_token(authorization_header: str | None) -> str | None:
    """The token from an `Authorization: Bearer <token>` header, or None."""
    if not authorization_header:
        return None
    parts = authorization_header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    return parts[1]


def invalid_token() -> Unauthenticated:
    """The one 401 every refused or missing token gets, whatever the reason."""
    return Unauthenticated(INVALID_TOKEN_CODE, INVALID_TOKEN_MESSAGE)


class TokenVerifier:
    """Checks Cognito access tokens; build once per container so keys stay cached."""

    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        client_ids: Sequence[str],
        leeway: int = DEFAULT_LEEWAY_SECONDS,
        jwks_client: PyJWKClient | None = None,
    ) -> None:
        self._issuer = issuer
        self._client_ids = frozenset(client_ids)
        self._leeway = leeway
        self._jwks = jwks_client or PyJWKClient(
            jwks_url,
            cache_keys=True,
            lifespan=JWKS_LIFESPAN_SECONDS,
            timeout=JWKS_TIMEOUT_SECONDS,
        )
        if not self._client_ids:
            logger.warning("no app client ids configured: every access token will be refused")

    def verify(self, token: str) -> Principal:
        """The Principal behind a valid access token; Unauthenticated or Unavailable otherwise."""
        try:
            key = self._signing_key(_key_id(token))
            claims = self._decode(token, key)
            return _principal(claims, self._client_ids)
        except _Refused as refused:
            logger.debug("access token refused: %s", refused)
            raise invalid_token() from None

    def _signing_key(self, kid: str) -> PyJWK:
        try:
            return self._jwks.get_signing_key(kid)
        except PyJWKClientConnectionError as error:
            raise _unavailable(error) from None
        except PyJWKClientError as error:
            # PyJWT raises this one class both for an unknown kid and for a JWKS
            # that is not a usable key set: only the first is the caller's fault.
            self._require_loadable_jwks()
            raise _Refused(f"no signing key for kid {kid!r}") from error
        except (PyJWKSetError, ValueError) as error:
            # ValueError: a body that is not JSON escapes PyJWKClient unwrapped.
            raise _unavailable(error) from None

    def _require_loadable_jwks(self) -> None:
        try:
            self._jwks.get_signing_keys()
        except (PyJWKClientError, PyJWKSetError, ValueError) as error:
            raise _unavailable(error) from None

    def _decode(self, token: str, key: PyJWK) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                leeway=self._leeway,
                # Access tokens carry no `aud`; `client_id` is checked instead.
                options={
                    "require": REQUIRED_CLAIMS,
                    "verify_aud": False,
                    "enforce_minimum_key_length": True,
                },
            )
        except PyJWTError as error:
            raise _Refused(f"signature or registered claims: {error}") from error


def _key_id(token: str) -> str:
    """The header's `kid`, after refusing anything not shaped like an RS256 JWT."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        raise _Refused("empty, oversized or not text")
    try:
        header = jwt.get_unverified_header(token)
    except (PyJWTError, ValueError) as error:
        raise _Refused(f"unreadable header: {error}") from error
    # Checked before any key lookup, so alg=none or HS256 never reach the network.
    if header.get("alg") != ALGORITHM:
        raise _Refused(f"algorithm {header.get('alg')!r} not allowed")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _Refused("no kid in header")
    return kid


def _principal(claims: Mapping[str, Any], client_ids: frozenset[str]) -> Principal:
    """Check the Cognito-specific claims PyJWT knows nothing about."""
    if claims.get("token_use") != "access":
        raise _Refused(f"token_use {claims.get('token_use')!r} is not access")
    client_id = claims.get("client_id")
    if not isinstance(client_id, str) or client_id not in client_ids:
        raise _Refused(f"client_id {client_id!r} not allowed")
    sub, username = claims.get("sub"), claims.get("username")
    if not isinstance(sub, str) or not sub:
        raise _Refused("no sub")
    if not isinstance(username, str) or not username:
        raise _Refused("no username")
    return Principal(sub=sub, username=username, groups=_groups(claims))


def _groups(claims: Mapping[str, Any]) -> frozenset[str]:
    groups = claims.get("cognito:groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise _Refused("cognito:groups is not a list of strings")
    return frozenset(groups)


def _unavailable(error: Exception) -> Unavailable:
    # Operators need the cause; callers only learn to retry.
    logger.warning("JWKS unavailable: %s: %s", type(error).__name__, error)
    return Unavailable(UNAVAILABLE_CODE, UNAVAILABLE_MESSAGE)
