"""Upload quota rules: the terms of a grant, when to try again, and waits in plain words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import config
from chalicelib.domain.limits import Limits
from chalicelib.domain.quotas import in_words, next_midnight, pending_retry_after, terms_for

NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
LIMITS = Limits(upload_expires_seconds=300, sweep_pending_grace_minutes=60,
                sweep_period_seconds=900)


def test_the_terms_of_a_grant_follow_the_limits_and_the_utc_day() -> None:
    terms = terms_for(NOON, Limits(upload_pending_ttl_hours=6), daily_exempt=False)
    assert (terms.max_pending, terms.daily_limit, terms.day) == (20, 500, "2026-11-27")
    assert terms.record_expires_at == int((NOON + timedelta(seconds=300, hours=6)).timestamp())
    assert terms.day_expires_at == int(datetime(2026, 11, 30, tzinfo=UTC).timestamp())
    assert terms_for(NOON, Limits(), daily_exempt=True).daily_limit is None


def test_next_midnight_is_the_start_of_the_next_utc_day() -> None:
    assert next_midnight(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)) == datetime(
        2027, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("oldest_age", "wait"), [
    (timedelta(seconds=100), 200),  # its link is still good: when it lapses
    (timedelta(seconds=400), 300 + 3600 + 900 - 400),  # lapsed: when the sweeper frees it
    (timedelta(hours=5), 900),  # overdue: one sweep period
])
def test_a_full_pending_quota_says_when_the_oldest_grant_frees_its_place(
    oldest_age: timedelta, wait: int,
) -> None:
    assert pending_retry_after(NOON - oldest_age, NOON, LIMITS) == wait


def test_a_retry_is_never_sooner_than_one_second() -> None:
    almost = NOON - timedelta(seconds=299, microseconds=999_999)
    assert pending_retry_after(almost, NOON, LIMITS) == 1
    assert pending_retry_after(None, NOON, LIMITS) == 1


@pytest.mark.parametrize(("seconds", "words"), [
    (0, "1 second"), (40, "40 seconds"), (61, "2 minutes"), (3600, "1 hour"),
    (3 * 3600 + 600, "3 hours 10 minutes"),
])
def test_a_wait_reads_in_plain_words(seconds: int, words: str) -> None:
    assert in_words(seconds) == words


def test_the_quotas_are_read_from_the_environment_and_must_be_positive() -> None:
    env = {"UPLOAD_MAX_PENDING": "5", "UPLOAD_DAILY_LIMIT": "7", "UPLOAD_PENDING_TTL_HOURS": "2"}
    limits = config.load(env).limits
    assert (limits.upload_max_pending, limits.upload_daily_limit,
            limits.upload_pending_ttl_hours) == (5, 7, 2)
    assert config.load({}).limits.upload_max_pending == 20
    with pytest.raises(ValueError, match="UPLOAD_MAX_PENDING"):
        config.load({"UPLOAD_MAX_PENDING": "0"})
