"""Authentication: verify Cognito access tokens and describe the caller."""

from __future__ import annotations

from chalicelib.auth.principal import Principal
from chalicelib.auth.tokens import TokenVerifier, bearer_token, invalid_token

__all__ = ["Principal", "TokenVerifier", "bearer_token", "invalid_token"]
