"""Only CloudFront may call the API: it adds a header whose value is a secret we know too."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

# CloudFront's origin for /api/* adds it (template.yaml, OriginCustomHeaders).
HEADER = "X-Origin-Verify"


def matches(presented: str | None, accepted: tuple[str, ...]) -> bool:
    """Whether `presented` equals one accepted value. Every value is compared in constant
    time, and all of them each time, so the answer's timing tells nothing about the secret."""
    if not presented:
        return False
    given = presented.encode()
    found = False
    for value in accepted:
        found |= hmac.compare_digest(given, value.encode())
    return found


class OriginGuard:
    """Admits a request carrying a current or previous value of the origin-verify secret.

    The values are read on first use (the container's first request) and kept. A wrong value
    makes the guard read them again, at most once per `refresh_seconds`: after a rotation a
    warm container learns the new value without a restart, and a flood of forged headers costs
    at most one read of the secret per period."""

    def __init__(
        self,
        load: Callable[[], tuple[str, ...]],
        refresh_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._accepted: tuple[str, ...] | None = None
        self._loaded_at = 0.0

    def admits(self, presented: str | None) -> bool:
        """True for a request that came through our CloudFront distribution."""
        accepted = self._accepted if self._accepted is not None else self._reload()
        if matches(presented, accepted):
            return True
        # No header at all is no sign of a rotation: nothing worth a read.
        if not presented or self._clock() - self._loaded_at < self._refresh_seconds:
            return False
        return matches(presented, self._reload())

    def _reload(self) -> tuple[str, ...]:
        self._accepted = self._load()
        self._loaded_at = self._clock()
        return self._accepted
