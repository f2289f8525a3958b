"""Authentication: who the caller is (`principal`, pure) and how tokens are checked (`tokens`).

Only Principal is exported here: services take a Principal, and importing this package must not
load PyJWT (the verifier's module, `chalicelib.auth.tokens`, does).
"""

from __future__ import annotations

from chalicelib.auth.principal import Principal

__all__ = ["Principal"]
