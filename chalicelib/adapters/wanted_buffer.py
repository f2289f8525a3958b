"""WantedCounter in memory, written out by a background thread (docs/decisions/wanted-searches.md).

A search only adds to a dict under a lock; a daemon thread writes each distinct (day, query)
once per flush, every `flush_seconds` or sooner when `flush_entries` pairs wait. Memory is
bounded: past `max_buffered` pairs a new pair is dropped and counted. What has not been
written when the process ends is lost: these are statistics, never a user's acknowledged write.
"""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass

from chalicelib.domain.wanted import DayTally, expires_at
from chalicelib.logs import child_logger
from chalicelib.ports import WantedStore

log = child_logger(__name__)


@dataclass
class CounterStats:
    """What the counter did since it started (for logs, tests and the bench)."""

    noted: int = 0
    dropped: int = 0  # searches not counted because the buffer was full
    written: int = 0  # store writes that succeeded (one per distinct pair per flush)
    failed: int = 0  # store writes that failed (their counts are lost)


class BufferedWantedCounter:
    """Counts in memory; `flush()` writes them, from a daemon thread when `background`."""

    def __init__(
        self,
        store: WantedStore,
        keep_days: int,
        flush_seconds: float = 10,
        flush_entries: int = 200,
        max_buffered: int = 5_000,
        background: bool = True,
    ) -> None:
        self.store = store
        self.keep_days = keep_days
        self.flush_seconds = flush_seconds
        self.flush_entries = flush_entries
        self.max_buffered = max_buffered
        self.background = background
        self.stats = CounterStats()
        self._pending: dict[tuple[str, str], DayTally] = {}
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def note(self, day: str, query: str, at: str) -> None:
        """Count one search; never waits for the store."""
        key = (day, query)
        with self._lock:
            self.stats.noted += 1
            held = self._pending.get(key)
            if held is not None:
                self._pending[key] = DayTally(day, query, held.count + 1, max(held.last_seen, at))
            elif len(self._pending) >= self.max_buffered:
                self.stats.dropped += 1
                return
            else:
                self._pending[key] = DayTally(day, query, 1, at)
            full = len(self._pending) >= self.flush_entries
        self._ensure_writer()
        if full:
            self._wake.set()

    def pending(self) -> int:
        """Distinct pairs waiting to be written."""
        with self._lock:
            return len(self._pending)

    def flush(self) -> int:
        """Write what is held, one store write per distinct pair; returns the writes made."""
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, {}
            written = 0
            for tally in batch.values():
                try:
                    self.store.add(tally, expires_at(tally.day, self.keep_days))
                    written += 1
                except Exception:  # a statistic is not worth failing anything for
                    log.warning("wanted count not written", exc_info=True)
                    self.stats.failed += 1
            self.stats.written += written
            return written

    def _ensure_writer(self) -> None:
        if not self.background or self._thread is not None:
            return
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="wanted-writer", daemon=True)
            self._thread.start()
        # Best effort at a clean exit (local stack, tests); Lambda gives no such moment.
        atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            self.flush()
