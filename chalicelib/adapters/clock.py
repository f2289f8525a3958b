"""The system clock and id source."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


class SystemClock:
    """Real UTC time."""

    def now(self) -> datetime:
        """Current UTC time."""
        return datetime.now(UTC)


def new_image_id() -> str:
    """A random, unguessable, URL-safe image id."""
    return uuid.uuid4().hex
