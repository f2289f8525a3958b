"""Upload quotas: how many grants a contributor may hold open, and start per UTC day.

Pure rules; the repository counts with conditional writes (see ImageRepository.add_pending)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from chalicelib.domain.limits import Limits
from chalicelib.domain.model import format_time, parse_time

# The day's counter outlives its day by this much (the table's TTL then drops it).
DAY_COUNTER_KEPT = timedelta(days=2)


class Admission(StrEnum):
    """What became of a request for one more pending upload."""

    ADMITTED = "admitted"
    TOO_MANY_PENDING = "too_many_pending"
    DAILY_LIMIT = "daily_limit"


@dataclass(frozen=True)
class GrantTerms:
    """What a new pending image is admitted under, and how long its record may live."""

    max_pending: int
    daily_limit: int | None  # None: the day's grants are counted but not limited (admins)
    day: str  # the UTC day counted, YYYY-MM-DD
    day_expires_at: int  # epoch seconds: when the day's counter may go
    record_expires_at: int  # epoch seconds: the pending record's TTL, removed at processing


@dataclass(frozen=True)
class QuotaUsage:
    """A contributor's use of their quotas: the images holding a slot, and today's grants."""

    pending: tuple[str, ...]
    today: int


def utc_day(now: datetime) -> str:
    """The UTC calendar day of `now`, YYYY-MM-DD."""
    return now.astimezone(UTC).strftime("%Y-%m-%d")


def next_midnight(now: datetime) -> datetime:
    """The start of the next UTC day."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=1)


def seconds_until(later: datetime, now: datetime) -> int:
    """Whole seconds from `now` to `later`, rounded up, at least 1 (a Retry-After value)."""
    return max(1, math.ceil((later - now).total_seconds()))


def terms_for(now: datetime, limits: Limits, daily_exempt: bool) -> GrantTerms:
    """The terms of a grant made at `now`."""
    grant_expiry = now + timedelta(seconds=limits.upload_expires_seconds)
    record_expiry = grant_expiry + timedelta(hours=limits.upload_pending_ttl_hours)
    return GrantTerms(
        max_pending=limits.upload_max_pending,
        daily_limit=None if daily_exempt else limits.upload_daily_limit,
        day=utc_day(now),
        day_expires_at=int((next_midnight(now) + DAY_COUNTER_KEPT).timestamp()),
        record_expires_at=int(record_expiry.timestamp()),
    )


def upload_link_expiry(created_at: str, limits: Limits) -> str:
    """When the upload link of an image created at `created_at` (Deps.now's form) stops
    working, in the same form: a pending image still waiting after it was interrupted."""
    created = parse_time(created_at)
    if created is None:
        raise ValueError("an image without created_at has no upload link")
    return format_time(created + timedelta(seconds=limits.upload_expires_seconds))


def slot_freed_by(created_at: datetime, limits: Limits) -> datetime:
    """When a pending grant made at `created_at` frees its slot at the latest if nothing is
    uploaded: its link expires, the sweeper's grace passes, then one sweep period."""
    return created_at + timedelta(
        seconds=limits.upload_expires_seconds + limits.sweep_period_seconds,
        minutes=limits.sweep_pending_grace_minutes,
    )


def pending_retry_after(oldest: datetime | None, now: datetime, limits: Limits) -> int:
    """Seconds until the oldest pending grant frees its slot (it is uploaded before its link
    expires, or swept after); a sweep period when that time has passed, at least 1."""
    if oldest is None:
        return 1
    link_expiry = oldest + timedelta(seconds=limits.upload_expires_seconds)
    if now < link_expiry:
        return seconds_until(link_expiry, now)
    freed = slot_freed_by(oldest, limits)
    if now < freed:
        return seconds_until(freed, now)
    return max(1, limits.sweep_period_seconds)


def in_words(seconds: int) -> str:
    """A wait in plain words, rounded up: "40 seconds", "5 minutes", "3 hours 10 minutes"."""
    if seconds < 60:
        return _plural(max(1, seconds), "second")
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return _plural(minutes, "minute")
    hours, rest = divmod(minutes, 60)
    return _plural(hours, "hour") + (f" {_plural(rest, 'minute')}" if rest else "")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
