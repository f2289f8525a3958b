"""Why an image was deleted: a code every tombstone carries."""

from __future__ import annotations

OWNER_REQUEST = "owner_request"
# What an admin may give as ?reason=; the owner deleting their own photo is an owner_request.
REASONS = (OWNER_REQUEST, "copyright", "policy", "privacy", "spam")
ADMIN_DEFAULT = "policy"
SECONDS_PER_DAY = 86_400


def expiry(now_epoch: int, days: int) -> int:
    """The epoch second a tombstone made now stops being kept (the table's TTL)."""
    return now_epoch + days * SECONDS_PER_DAY
