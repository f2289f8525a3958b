"""Use cases: counting a search nobody could satisfy, and the contributors' list."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden, InvalidInput
from chalicelib.domain.search.query import parse_search
from chalicelib.domain.wanted import DayTally, WantedPolicy, WantedQuery
from chalicelib.services import insights
from tests.fakes import FakeWantedCounter, FakeWantedStore

NOW = datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
POLICY = WantedPolicy()
CONTRIBUTOR = Principal("c-1", "c", frozenset({"contributors"}))
ADMIN = Principal("a-1", "a", frozenset({"admins"}))
VISITOR = Principal("v-1", "v", frozenset())


def note(params: dict[str, str], total: int, policy: WantedPolicy = POLICY
         ) -> FakeWantedCounter:
    counter = FakeWantedCounter()
    first_page = not params.pop("cursor", None)
    insights.note_search(counter, parse_search(params), first_page, total, NOW, policy)
    return counter


def test_an_empty_first_page_is_counted_by_its_words_day_and_time() -> None:
    counter = note({"q": "Purple  Giraffe tags:zoo", "per_page": "10", "sort": "newest"}, 0)
    assert counter.notes == [("2026-12-07", "purple giraffe", "2026-12-07T15:30:00Z")]


def test_few_results_count_more_do_not() -> None:
    assert note({"q": "giraffe"}, 3).notes
    assert not note({"q": "giraffe"}, 4).notes
    assert not note({"q": "giraffe"}, 1, WantedPolicy(few_results=0)).notes


def test_a_later_page_a_filter_only_search_and_counting_off_are_not_counted() -> None:
    assert not note({"q": "giraffe", "cursor": "abc"}, 0).notes
    assert not note({"q": "tags:zoo", "orientation": "portrait"}, 0).notes
    assert not note({"q": "giraffe"}, 0, WantedPolicy(counting=False)).notes


def seeded_store() -> FakeWantedStore:
    store = FakeWantedStore()
    store.add(DayTally("2026-12-07", "giraffe", 2, "t"), 0)
    store.add(DayTally("2026-12-01", "giraffe", 1, "t"), 0)
    store.add(DayTally("2026-12-06", "okapi", 5, "t"), 0)
    store.add(DayTally("2026-11-01", "okapi", 50, "t"), 0)  # 37 days ago
    return store


@pytest.mark.parametrize("principal", [CONTRIBUTOR, ADMIN])
def test_contributors_and_admins_see_the_top_over_the_days_asked(principal: Principal) -> None:
    store = seeded_store()
    found = insights.wanted(store, principal, "30", NOW, POLICY)
    assert found == [WantedQuery("okapi", 5, "2026-12-06"), WantedQuery("giraffe", 3, "2026-12-07")]
    # one read per day partition, no more
    assert len(store.days_read) == 30 and len(set(store.days_read)) == 30


def test_one_day_reads_only_today() -> None:
    store = seeded_store()
    assert insights.wanted(store, CONTRIBUTOR, "1", NOW, POLICY) == [
        WantedQuery("giraffe", 2, "2026-12-07")]
    assert store.days_read == ["2026-12-07"]


def test_the_list_is_cut_at_top() -> None:
    store = FakeWantedStore()
    for n in range(60):
        store.add(DayTally("2026-12-07", f"q{n:02d}", n + 1, "t"), 0)
    found = insights.wanted(store, CONTRIBUTOR, "7", NOW, POLICY)
    assert len(found) == 50 and found[0] == WantedQuery("q59", 60, "2026-12-07")


def test_others_are_refused_and_days_are_checked() -> None:
    with pytest.raises(Forbidden):
        insights.wanted(FakeWantedStore(), VISITOR, "30", NOW, POLICY)
    with pytest.raises(InvalidInput):
        insights.wanted(FakeWantedStore(), CONTRIBUTOR, "91", NOW, POLICY)
