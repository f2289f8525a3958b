"""Use case: the operator's `reprocess` run. Finds the ready images on an older profile
version (a filtered scan of the images table: an operator's command, not a request path),
sends one render message per public rendition of each through the normal render queue at
most `rate` images a second, and keeps its place in a checkpoint after every page, so a run
that dies is resumed by the next; re-sending is harmless (the render side is idempotent)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.model import Image
from chalicelib.ports import Checkpoint, RenderTask
from chalicelib.services.deps import Deps

Progress = Callable[[int, int], None]  # (sent so far, to send in all)


@dataclass(frozen=True)
class RunOptions:
    """At most `limit` images this run (None: all), `rate` images a second, pages of the scan."""

    limit: int | None = None
    rate: float = 5.0
    page_size: int = 500


@dataclass
class RunReport:
    """What a run did: the version it brought images to, how many it found and sent."""

    version: str
    total: int
    sent: int = 0
    resumed: bool = False
    finished: bool = False


class Pacer:
    """Lets the n-th image go no earlier than n / rate seconds after the first."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self.started: float | None = None
        self.count = 0

    def wait(self) -> None:
        """Sleep until the next image may go."""
        now = self.clock()
        if self.started is None:
            self.started = now
        due = self.started + self.count * self.interval
        if due > now:
            self.sleep(due - now)
        self.count += 1


def tasks_for(deps: Deps, image: Image) -> list[RenderTask]:
    """One render message per public rendition of the deployed profile (services.reprocess
    takes each)."""
    version = deps.profile_version
    return [RenderTask(image.image_id, spec.name, version) for spec in deps.profile]


def resume_cursor(checkpoint: Checkpoint, version: str) -> str | None:
    """Where the last unfinished run for this version stopped (None: from the start)."""
    state = checkpoint.load()
    if not state or state.get("version") != version:
        return None
    cursor = state.get("cursor")
    return cursor if isinstance(cursor, str) else None


def count_older(deps: Deps, page_size: int, cursor: str | None = None) -> int:
    """How many ready images are on an older version than the deployed one (from `cursor`)."""
    version, found = deps.profile_version, 0
    while True:
        page = deps.repo.ready_on_older_profile(version, page_size, cursor)
        found += len(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return found


def run(deps: Deps, checkpoint: Checkpoint, options: RunOptions, pacer: Pacer,
        progress: Progress | None = None) -> RunReport:
    """Send the render messages of every image still on an older version, paced, resumable."""
    version = deps.profile_version
    cursor = resume_cursor(checkpoint, version)
    total = count_older(deps, options.page_size, cursor)
    if options.limit is not None:
        total = min(total, options.limit)
    report = RunReport(version, total, resumed=cursor is not None)
    while True:
        page = deps.repo.ready_on_older_profile(version, options.page_size, cursor)
        for image in page.items:
            if options.limit is not None and report.sent >= options.limit:
                checkpoint.save({"version": version, "cursor": cursor})  # this page again
                return report
            pacer.wait()
            deps.queue.publish(tasks_for(deps, image))
            report.sent += 1
            if progress is not None:
                progress(report.sent, max(total, report.sent))
        cursor = page.next_cursor
        if cursor is None:
            checkpoint.clear()
            report.finished = True
            return report
        checkpoint.save({"version": version, "cursor": cursor})
