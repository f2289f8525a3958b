"""WantedStore contract: the fake and the insights table on moto behave the same."""

from __future__ import annotations

import threading

from chalicelib.adapters.wanted_buffer import BufferedWantedCounter
from chalicelib.domain.wanted import DayTally
from chalicelib.ports import WantedStore

DAY = "2026-12-07"
TTL = 1_800_000_000


def test_an_unseen_day_has_no_counts(wanted_store: WantedStore) -> None:
    assert wanted_store.day(DAY) == []


def test_adds_accumulate_per_day_and_query(wanted_store: WantedStore) -> None:
    # GIVEN two flushes of one query and one of another, and one on another day
    wanted_store.add(DayTally(DAY, "red bicycle", 2, f"{DAY}T10:00:00Z"), TTL)
    wanted_store.add(DayTally(DAY, "red bicycle", 3, f"{DAY}T11:00:00Z"), TTL)
    wanted_store.add(DayTally(DAY, "blue whale", 1, f"{DAY}T09:00:00Z"), TTL)
    wanted_store.add(DayTally("2026-12-06", "red bicycle", 7, "2026-12-06T23:59:00Z"), TTL)
    # WHEN the day is read THEN each query has its own sum and the latest time seen
    found = sorted(wanted_store.day(DAY), key=lambda t: t.query)
    assert found == [
        DayTally(DAY, "blue whale", 1, f"{DAY}T09:00:00Z"),
        DayTally(DAY, "red bicycle", 5, f"{DAY}T11:00:00Z"),
    ]
    assert wanted_store.day("2026-12-06") == [
        DayTally("2026-12-06", "red bicycle", 7, "2026-12-06T23:59:00Z")
    ]


def test_queries_keep_their_exact_text(wanted_store: WantedStore) -> None:
    for query in ("café crème", "東京 夜景", "count", "a" * 100):
        wanted_store.add(DayTally(DAY, query, 1, f"{DAY}T10:00:00Z"), TTL)
    assert {t.query for t in wanted_store.day(DAY)} == {"café crème", "東京 夜景", "count",
                                                        "a" * 100}


def test_concurrent_flushes_lose_no_count(wanted_store: WantedStore) -> None:
    # GIVEN several containers' writers adding to the same pair at once
    def add_five() -> None:
        for _ in range(5):
            wanted_store.add(DayTally(DAY, "storm", 1, f"{DAY}T10:00:00Z"), TTL)

    threads = [threading.Thread(target=add_five) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN every add counted
    assert [t.count for t in wanted_store.day(DAY)] == [20]


def test_the_buffered_counter_writes_once_per_distinct_pair(wanted_store: WantedStore) -> None:
    counter = BufferedWantedCounter(wanted_store, keep_days=90, background=False)
    for _ in range(3):
        counter.note(DAY, "storm", f"{DAY}T10:00:00Z")
    counter.note(DAY, "calm", f"{DAY}T10:05:00Z")
    assert counter.flush() == 2
    assert {(t.query, t.count) for t in wanted_store.day(DAY)} == {("storm", 3), ("calm", 1)}
