"""The buffered counter: one write per distinct pair per flush, bounded memory, no waiting."""

from __future__ import annotations

import threading

from chalicelib.adapters.wanted_buffer import BufferedWantedCounter
from chalicelib.domain.wanted import DayTally, expires_at
from tests.fakes import FakeWantedStore

DAY = "2026-12-07"


def counter(store: FakeWantedStore, **options: int) -> BufferedWantedCounter:
    return BufferedWantedCounter(store, keep_days=90, background=False, **options)


def test_nothing_is_written_until_a_flush() -> None:
    store = FakeWantedStore()
    buffered = counter(store)
    buffered.note(DAY, "storm", f"{DAY}T10:00:00Z")
    assert store.writes == 0 and buffered.pending() == 1


def test_a_flush_writes_each_pair_once_with_its_sum_latest_time_and_ttl() -> None:
    store = FakeWantedStore()
    buffered = counter(store)
    buffered.note(DAY, "storm", f"{DAY}T10:00:00Z")
    buffered.note(DAY, "storm", f"{DAY}T12:00:00Z")
    buffered.note(DAY, "storm", f"{DAY}T11:00:00Z")
    buffered.note("2026-12-08", "storm", "2026-12-08T00:01:00Z")
    assert buffered.flush() == 2
    assert store.tallies[(DAY, "storm")] == DayTally(DAY, "storm", 3, f"{DAY}T12:00:00Z")
    assert store.expiry[(DAY, "storm")] == expires_at(DAY, 90)
    assert buffered.flush() == 0  # nothing left over
    assert buffered.stats.written == 2 and buffered.stats.noted == 4


def test_past_the_bound_new_pairs_are_dropped_and_counted_known_ones_still_add() -> None:
    store = FakeWantedStore()
    buffered = counter(store, max_buffered=2)
    for query in ("a", "b", "c", "d"):
        buffered.note(DAY, query, f"{DAY}T10:00:00Z")
    buffered.note(DAY, "a", f"{DAY}T10:00:00Z")
    assert buffered.stats.dropped == 2
    buffered.flush()
    assert {q: t.count for (_, q), t in store.tallies.items()} == {"a": 2, "b": 1}


class BrokenStore(FakeWantedStore):
    def add(self, tally: DayTally, expires_at: int) -> None:
        raise ConnectionError("table unreachable")


def test_a_failing_store_loses_the_counts_quietly() -> None:
    buffered = counter(BrokenStore())
    buffered.note(DAY, "storm", f"{DAY}T10:00:00Z")
    assert buffered.flush() == 0
    assert buffered.stats.failed == 1 and buffered.pending() == 0


class GatedStore(FakeWantedStore):
    """A store whose writes wait until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.gate = threading.Event()

    def add(self, tally: DayTally, expires_at: int) -> None:
        self.entered.set()
        assert self.gate.wait(10)
        super().add(tally, expires_at)


def test_noting_never_waits_for_a_slow_store() -> None:
    # GIVEN a background writer stuck inside a store write (woken by flush_entries=1)
    store = GatedStore()
    buffered = BufferedWantedCounter(store, keep_days=90, flush_seconds=3600, flush_entries=1)
    buffered.note(DAY, "first", f"{DAY}T10:00:00Z")
    assert store.entered.wait(10)
    # WHEN searches keep coming THEN they are noted while the write still hangs
    buffered.note(DAY, "second", f"{DAY}T10:00:01Z")
    assert buffered.pending() == 1 and store.writes == 0
    store.gate.set()
    buffered.flush()  # waits for the writer's flush, then writes the rest
    assert {q for (_, q) in store.tallies} == {"first", "second"}
