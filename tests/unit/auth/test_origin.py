"""The origin check: constant-time match against current and previous values, bounded re-reads."""

from __future__ import annotations

import pytest

from chalicelib.auth.origin import OriginGuard, matches


class Secret:
    """A secret whose values a test rotates; counts the reads."""

    def __init__(self, *values: str) -> None:
        self.values = values
        self.reads = 0

    def load(self) -> tuple[str, ...]:
        self.reads += 1
        return self.values


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("presented", "expected"), [
    ("current", True), ("previous", True), ("", False), (None, False),
    ("curren", False), ("current ", False), ("CURRENT", False), ("other", False),
])
def test_only_an_exact_accepted_value_matches(presented: str | None, expected: bool) -> None:
    assert matches(presented, ("current", "previous")) is expected


def test_nothing_matches_when_nothing_is_accepted() -> None:
    assert not matches("anything", ())


def test_given_a_guard_when_requests_come_then_the_secret_is_read_once() -> None:
    secret = Secret("current", "previous")
    guard = OriginGuard(secret.load, refresh_seconds=60, clock=Clock())
    assert secret.reads == 0  # nothing read before the first request
    assert [guard.admits(v) for v in ("current", "previous", "current")] == [True, True, True]
    assert secret.reads == 1


def test_given_forged_headers_when_they_flood_in_then_one_read_per_period_at_most() -> None:
    # GIVEN a guard that has read its values
    secret, clock = Secret("current"), Clock()
    guard = OriginGuard(secret.load, refresh_seconds=60, clock=clock)
    assert guard.admits("current")
    # WHEN wrong and missing headers arrive within the period, THEN refused with no new read
    assert not any(guard.admits(v) for v in ("forged", "forged-again", None, ""))
    assert secret.reads == 1
    # WHEN the period has passed, THEN one wrong header costs one read, and no more follow
    clock.now += 60
    assert not guard.admits("forged")
    assert not guard.admits("forged")
    assert secret.reads == 2


def test_given_a_rotation_when_cloudfront_sends_the_new_value_then_a_warm_guard_learns_it() -> None:
    # GIVEN a warm guard that knows only the first value
    secret, clock = Secret("first"), Clock()
    guard = OriginGuard(secret.load, refresh_seconds=60, clock=clock)
    assert guard.admits("first")
    # WHEN the secret is rotated (the old value becomes AWSPREVIOUS) and CloudFront, updated,
    # sends the new one after the period
    secret.values = ("second", "first")
    clock.now += 61
    # THEN the new value is admitted after one re-read, and the old one still is
    assert guard.admits("second")
    assert guard.admits("first")
    assert secret.reads == 2


def test_given_no_header_when_the_period_passed_then_the_secret_is_not_read_again() -> None:
    secret, clock = Secret("current"), Clock()
    guard = OriginGuard(secret.load, refresh_seconds=60, clock=clock)
    assert not guard.admits(None)
    clock.now += 3600
    assert not guard.admits(None)
    assert secret.reads == 1
