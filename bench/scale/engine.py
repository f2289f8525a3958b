"""A small discrete-event engine and the two kinds of station the pipeline is made of: a
function behind an SQS mapping, and a function behind a table's stream."""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.scale.params import Function, SqsScaling, Stream

TICK_SECONDS = 1.0  # how often a backlogged mapping looks whether it may scale up


class Clock:
    """Events in time order; `run` calls each one's action at its moment."""

    def __init__(self) -> None:
        self.now = 0.0
        self._events: list[tuple[float, int, Callable[..., None], tuple[Any, ...]]] = []
        self._order = itertools.count()

    def at(self, moment: float, action: Callable[..., None], *args: Any) -> None:
        """Call `action(*args)` at `moment` (never in the past)."""
        heapq.heappush(self._events, (max(moment, self.now), next(self._order), action, args))

    def run(self) -> None:
        """Until nothing is left to happen."""
        while self._events:
            self.now, _, action, args = heapq.heappop(self._events)
            action(*args)


@dataclass
class Message:
    """One piece of work for a function: which upload, how big its photo is."""

    upload: int
    megapixels: float
    enqueued: float = 0.0


@dataclass
class Tally:
    """What one station saw: deepest queue, most busy instances, cold starts, invocations,
    busy seconds (for GB-s)."""

    deepest: int = 0
    busiest: int = 0
    cold_starts: int = 0
    invocations: int = 0
    busy_seconds: float = 0.0


def noisy(mean: float, spread: float, rng: random.Random) -> float:
    """A service time around `mean`: log-normal with that mean and sigma `spread` (0: exact)."""
    if spread <= 0:
        return mean
    return mean * rng.lognormvariate(-spread**2 / 2, spread)


class Instances:
    """Warm execution environments: reused if idle for less than the reclaim time."""

    def __init__(self, reclaim_seconds: float) -> None:
        self._idle_since: list[float] = []
        self._reclaim = reclaim_seconds

    def take(self, now: float) -> bool:
        """True if a warm environment was free (else a cold start)."""
        self._idle_since = [t for t in self._idle_since if now - t < self._reclaim]
        if self._idle_since:
            self._idle_since.pop()
            return True
        return False

    def give_back(self, now: float) -> None:
        """An environment finished its invocation."""
        self._idle_since.append(now)


class Workers:
    """Where invocations run. In AWS each one has an execution environment of its own (no
    limit: `slots` None); on the local stack every function shares one pool of handler
    processes, first come first served, as many at once as there are `slots`."""

    def __init__(self, clock: Clock, slots: int | None = None) -> None:
        self.clock, self.slots = clock, slots
        self.busy = 0
        self._waiting: deque[Callable[[float], float]] = deque()

    def submit(self, job: Callable[[float], float]) -> None:
        """Run `job(start)` once a slot is free; it returns how long it keeps the slot."""
        if self.slots is None:
            job(self.clock.now)
        elif self.busy < self.slots:
            self._run(job)
        else:
            self._waiting.append(job)

    def _run(self, job: Callable[[float], float]) -> None:
        self.busy += 1
        self.clock.at(self.clock.now + job(self.clock.now), self._release)

    def _release(self) -> None:
        self.busy -= 1
        if self._waiting:
            self._run(self._waiting.popleft())


class SqsFunction:
    """A function behind an SQS mapping: batches of up to `batch_size` messages, concurrency
    growing from `initial` by `added_per_minute` while a backlog lasts, up to the cap."""

    def __init__(self, clock: Clock, function: Function, scaling: SqsScaling,
                 done: Callable[[Message], None], rng: random.Random, spread: float,
                 workers: Workers | None = None) -> None:
        self.clock, self.function, self.scaling, self.done, self.rng = (
            clock, function, scaling, done, rng)
        self.spread = spread
        self.workers = workers or Workers(clock)
        self.queue: deque[Message] = deque()
        self.running = 0
        self.tally = Tally()
        self._level = float(scaling.initial)
        self._backlog_since: float | None = None
        self._ticking = False
        self._polling = False
        self._instances = Instances(scaling.idle_reclaim_seconds)

    def send(self, message: Message) -> None:
        """A message becomes visible on the queue."""
        message.enqueued = self.clock.now
        self.queue.append(message)
        self.tally.deepest = max(self.tally.deepest, len(self.queue))
        self._start_what_fits()

    def limit(self) -> int:
        """Concurrent invocations the mapping allows right now."""
        level = self._level
        if self._backlog_since is not None:
            level += self.scaling.added_per_minute * (self.clock.now - self._backlog_since) / 60
        return max(1, min(self.function.max_concurrency, math.floor(level)))

    def _start_what_fits(self) -> None:
        if not self.queue:
            self._backlog_over()
        elif self.running >= self.limit():
            self._backlog_begins()
        elif not self._polling:
            self._polling = True  # a poller receives what is visible after its pickup time
            self.clock.at(self.clock.now + self.scaling.pickup_seconds, self._poll)

    def _poll(self) -> None:
        self._polling = False
        while self.queue and self.running < self.limit():
            self._start(self._take_batch())
        if self.queue:
            self._backlog_begins()
        else:
            self._backlog_over()

    def _backlog_begins(self) -> None:
        if self._backlog_since is None:
            self._backlog_since = self.clock.now
            self._tick()

    def _backlog_over(self) -> None:
        if self._backlog_since is not None:
            self._level, self._backlog_since = float(self.limit()), None

    def _take_batch(self) -> list[Message]:
        size = min(self.function.batch_size, len(self.queue))
        return [self.queue.popleft() for _ in range(size)]

    def _start(self, batch: list[Message]) -> None:
        self.running += 1
        self.tally.busiest = max(self.tally.busiest, self.running)
        self.tally.invocations += 1
        self.workers.submit(lambda now: self._run(batch, now))

    def _run(self, batch: list[Message], now: float) -> float:
        warm = self._instances.take(now)
        self.tally.cold_starts += 0 if warm else 1
        elapsed = 0.0 if warm else self.function.cold_start_seconds
        finished: list[tuple[float, Message]] = []
        for message in batch:  # the handler works through its batch in order
            elapsed += noisy(self.function.seconds(message.megapixels), self.spread, self.rng)
            finished.append((now + elapsed, message))
        self.tally.busy_seconds += elapsed
        for moment, message in finished:
            self.clock.at(moment, self.done, message)
        self.clock.at(now + elapsed, self._finish)
        return elapsed

    def _finish(self) -> None:
        self.running -= 1
        self._instances.give_back(self.clock.now)
        self._start_what_fits()

    def _tick(self) -> None:
        if self._ticking:
            return
        self._ticking = True
        self.clock.at(self.clock.now + TICK_SECONDS, self._on_tick)

    def _on_tick(self) -> None:
        self._ticking = False
        self._poll()
        if self._backlog_since is not None:
            self._tick()


@dataclass
class Record:
    """One stream record of an upload's image item; `ready` is the one that gets indexed."""

    upload: int
    ready: bool
    visible: float = 0.0


class StreamFunction:
    """The indexer behind the table's stream: per shard one batch in flight, each batch a bulk
    write to the search cluster, which indexes `docs_per_second` in all."""

    def __init__(self, clock: Clock, function: Function, stream: Stream, shards: int,
                 docs_per_second: float, done: Callable[[int], None],
                 rng: random.Random, spread: float, workers: Workers | None = None) -> None:
        self.clock, self.function, self.stream, self.done, self.rng = (
            clock, function, stream, done, rng)
        self.spread = spread
        self.workers = workers or Workers(clock)
        self.lanes = max(1, shards) * max(1, stream.parallelization)
        self.waiting: list[deque[Record]] = [deque() for _ in range(self.lanes)]
        self.busy = [False] * self.lanes
        self.docs_per_second = docs_per_second
        self.cluster_free_at = 0.0
        self.tally = Tally()
        self._instances = Instances(float("inf"))  # a busy shard keeps its environment

    def put(self, record: Record) -> None:
        """The table wrote the item: its record reaches the shard after the stream's delay."""
        record.visible = self.clock.now + self.stream.delay_seconds
        lane = record.upload % self.lanes
        self.waiting[lane].append(record)
        depth = sum(len(q) for q in self.waiting)
        self.tally.deepest = max(self.tally.deepest, depth)
        self.clock.at(record.visible, self._poll, lane)

    def _poll(self, lane: int) -> None:
        queue = self.waiting[lane]
        if self.busy[lane] or not queue or queue[0].visible > self.clock.now:
            return
        batch: list[Record] = []
        while queue and len(batch) < self.stream.batch_size and queue[0].visible <= self.clock.now:
            batch.append(queue.popleft())
        self._invoke(lane, batch)

    def _invoke(self, lane: int, batch: list[Record]) -> None:
        self.busy[lane] = True
        self.tally.invocations += 1
        self.tally.busiest = max(self.tally.busiest, sum(self.busy))
        self.workers.submit(lambda now: self._run(lane, batch, now))

    def _run(self, lane: int, batch: list[Record], now: float) -> float:
        warm = self._instances.take(now)
        self.tally.cold_starts += 0 if warm else 1
        start = now + (0.0 if warm else self.function.cold_start_seconds)
        work = noisy(self.function.base_seconds + self.stream.seconds_per_record * len(batch),
                     self.spread, self.rng)
        # Every record is a bulk action (a versioned upsert when ready, else a delete), one
        # per image in a batch (the indexer keeps only each image's latest).
        docs = len({record.upload for record in batch})
        cluster_start = max(start + work, self.cluster_free_at)
        self.cluster_free_at = cluster_start + docs / self.docs_per_second
        end = self.cluster_free_at
        self.tally.busy_seconds += end - now
        self.clock.at(end, self._finish, lane, batch)
        return end - now

    def _finish(self, lane: int, batch: list[Record]) -> None:
        self.busy[lane] = False
        self._instances.give_back(self.clock.now)
        for record in batch:
            if record.ready:
                self.done(record.upload)
        self._poll(lane)
