"""Keep the in-process moto from growing without bound when the stack runs for days."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from moto.backends import get_backend

# AWS expires shard iterators after 15 minutes; moto keeps every one it ever issued, and a
# stream poller is issued a new one per read (several a second).
ITERATOR_LIFETIME_SECONDS = 15 * 60


def _stream_backends() -> Iterator[Any]:
    for _account, _region, backend in get_backend("dynamodbstreams").iter_backends():
        yield backend


class IteratorJanitor(threading.Thread):
    """Forgets DynamoDB stream shard iterators once they are older than AWS would allow."""

    def __init__(
        self, interval: float = 60.0, lifetime: float = ITERATOR_LIFETIME_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(name="iterator-janitor", daemon=True)
        self._interval, self._lifetime, self._clock = interval, lifetime, clock
        self._first_seen: dict[str, float] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Sweep every `interval` seconds until stopped."""
        while not self._stop_event.wait(self._interval):
            self.sweep()

    def sweep(self) -> int:
        """Drop expired iterators; returns how many went."""
        now, dropped, present = self._clock(), 0, set()
        for backend in _stream_backends():
            iterators = backend.shard_iterators
            for key in list(iterators):  # a copy: moto threads add to it meanwhile
                first = self._first_seen.setdefault(key, now)
                if now - first >= self._lifetime:
                    iterators.pop(key, None)
                    dropped += 1
                else:
                    present.add(key)
        self._first_seen = {k: v for k, v in self._first_seen.items() if k in present}
        return dropped

    def stop(self) -> None:
        """End the loop."""
        self._stop_event.set()
        if self.is_alive():
            self.join()


def forget_iterators() -> None:
    """Iterators saved in a snapshot mean nothing after a restart: pollers ask for new ones."""
    for backend in _stream_backends():
        backend.shard_iterators.clear()


def release_in_flight_messages() -> int:
    """Make every received-but-not-deleted SQS message visible again; returns how many.

    No consumer survives a restart, so waiting out a visibility timeout (720 s for our
    queues) only delays work. Delivery delays (`delayed_until`) are left as they were.
    """
    released = 0
    backends: Iterator[tuple[str, str, Any]] = get_backend("sqs").iter_backends()
    for _account, _region, backend in backends:
        for queue in backend.queues.values():
            for message in queue._messages:
                if message.visible_at > 0:
                    message.visible_at = 0.0
                    released += 1
            queue._pending_messages.clear()
    return released
