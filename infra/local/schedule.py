"""Plays EventBridge for the app's `@app.schedule` functions: each runs every period, in the
worker pool like any other Lambda. The deployed schedule (15 minutes) is much longer than
this one, so a developer sees repairs happen while the stack runs."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from infra.local.clients import ACCOUNT_ID, REGION
from infra.local.sources import ScheduleSource
from infra.local.workers import WorkerPool

log = logging.getLogger(__name__)

PERIOD_ENV = "LOCAL_SWEEP_SECONDS"
DEFAULT_PERIOD_SECONDS = 60.0


def period_seconds(env: Mapping[str, str] | None = None) -> float:
    """LOCAL_SWEEP_SECONDS (default 60); 0 turns the local schedules off."""
    raw = (os.environ if env is None else env).get(PERIOD_ENV, "").strip()
    return max(0.0, float(raw)) if raw else DEFAULT_PERIOD_SECONDS


def scheduled_event(function: str, now: datetime) -> dict[str, Any]:
    """The event EventBridge hands a scheduled function."""
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
        "source": "aws.events", "account": ACCOUNT_ID,
        "time": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/local-{function}"],
        "detail": {},
    }


class ScheduleRunner:
    """Invokes one scheduled function every `period` seconds until stopped."""

    def __init__(self, source: ScheduleSource, pool: WorkerPool, period: float) -> None:
        self.source, self._pool, self.period = source, pool, period
        self.runs = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"schedule-{source.function}",
                                        daemon=True)

    def start(self) -> None:
        """Start the clock (nothing runs when the period is 0)."""
        if self.period > 0:
            self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self.period):
            self.run_once()

    def run_once(self) -> None:
        """One invocation, as EventBridge would make it."""
        event = scheduled_event(self.source.function, datetime.now(UTC))
        outcome = self._pool.invoke(self.source.function, event)
        self.runs += 1
        if outcome.error is not None and not self._stopping.is_set():
            log.warning("%s failed:\n%s", self.source.function, outcome.error)

    def request_stop(self) -> None:
        """Start no new run; one in flight carries on."""
        self._stopping.set()

    def join(self) -> None:
        """Wait for a run in flight to end."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()
