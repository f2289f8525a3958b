"""What counts as a search nobody could satisfy, its key, and the top list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search.query import parse_search
from chalicelib.domain.wanted import (
    DayTally,
    WantedPolicy,
    WantedQuery,
    counts,
    day_of,
    days_back,
    expires_at,
    parse_days,
    top_wanted,
    wanted_key,
)

POLICY = WantedPolicy()


def key(q: str, policy: WantedPolicy = POLICY, **params: str) -> str | None:
    return wanted_key(parse_search({"q": q, **params}), policy)


@pytest.mark.parametrize(("q", "expected"), [
    ("Red  Bicycle", "red bicycle"),
    ("  red\tbicycle \n", "red bicycle"),
    ("red bicycle tags:street,night desc:\"old town\"", "red bicycle"),
    ("TAGS:x red date:2020 from:01-2019 to:2021 bicycle", "red bicycle"),
    ("Café CRÈME", "café crème"),
    ("red, bicycle!", "red bicycle"),
])
def test_the_key_is_the_plain_words_lowercased(q: str, expected: str) -> None:
    assert key(q) == expected


def test_filters_sort_page_size_and_cursor_never_reach_the_key() -> None:
    plain = key("red bicycle")
    assert key("red bicycle", sort="newest", per_page="50", orientation="portrait",
               color="red", min_width="800", owner="user-1", tags="a,b") == plain


def test_only_filters_give_no_key() -> None:
    assert key("tags:sunset date:2020") is None
    assert key("") is None


def test_a_long_query_is_cut_at_a_word_boundary() -> None:
    policy = WantedPolicy(max_query_chars=12)
    assert key("alpha beta gamma", policy) == "alpha beta"
    assert key("abcdefghijklmnop", policy) is None  # a single word longer than the bound


@pytest.mark.parametrize(("total", "first", "few", "expected"), [
    (0, True, 3, True), (3, True, 3, True), (4, True, 3, False),
    (0, True, 0, True), (1, True, 0, False), (0, False, 3, False),
])
def test_few_results_on_a_first_page_count(total: int, first: bool, few: int,
                                           expected: bool) -> None:
    assert counts(total, first, WantedPolicy(few_results=few)) is expected


def test_days_are_utc() -> None:
    late = datetime(2026, 12, 7, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert day_of(late) == "2026-12-08"
    assert days_back("2026-03-01", 3) == ["2026-03-01", "2026-02-28", "2026-02-27"]


def test_a_day_expires_keep_days_after_it_starts() -> None:
    start = datetime(2026, 12, 7, tzinfo=UTC)
    assert expires_at("2026-12-07", 90) == int((start + timedelta(days=90)).timestamp())


@pytest.mark.parametrize("raw", ["0", "91", "-1", "abc", "1.5", "٣", "1000"])
def test_days_outside_one_to_keep_days_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_days(raw, POLICY)
    assert refused.value.code == "invalid_days"


def test_days_default_to_thirty_and_accept_the_bounds() -> None:
    assert parse_days(None, POLICY) == 30
    assert parse_days("1", POLICY) == 1
    assert parse_days("90", POLICY) == 90
    assert parse_days(None, WantedPolicy(keep_days=7)) == 7


def test_the_top_list_adds_days_and_ranks_by_count_then_recency() -> None:
    tallies = [
        DayTally("2026-12-01", "storm", 2, "x"), DayTally("2026-12-05", "storm", 1, "x"),
        DayTally("2026-12-02", "calm", 3, "x"), DayTally("2026-12-03", "fog", 3, "x"),
        DayTally("2026-12-03", "ash", 3, "x"),
    ]
    # storm: 3 over two days, seen last on the 5th; calm, fog and ash: 3, older
    assert top_wanted(tallies, 3) == [
        WantedQuery("storm", 3, "2026-12-05"), WantedQuery("ash", 3, "2026-12-03"),
        WantedQuery("fog", 3, "2026-12-03"),
    ]
    assert [w.query for w in top_wanted(tallies, 50)] == ["storm", "ash", "fog", "calm"]
