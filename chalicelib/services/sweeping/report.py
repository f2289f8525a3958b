"""What one sweep did (counts per action), and how long it may keep going."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.logs import child_logger
from chalicelib.ports import Clock

log = child_logger(__name__)

ISO = "%Y-%m-%dT%H:%M:%S.%fZ"


def iso(moment: datetime) -> str:
    """A time as the table writes it (sortable ISO-8601 UTC with microseconds)."""
    return moment.strftime(ISO)


@dataclass
class SweepReport:
    """Counts per action (`stuck.renders_resent`, `orphans.uploads`, `table.ready`...)."""

    segment: int
    full: bool
    counts: Counter[str] = field(default_factory=Counter)
    out_of_time: bool = False

    def add(self, action: str, amount: int = 1) -> None:
        """Count `amount` more of `action` (a zero is still shown, as a phase that ran)."""
        self.counts[action] += amount

    @property
    def repairs(self) -> int:
        """How many things this run changed (a second run right after should make none)."""
        return sum(n for name, n in self.counts.items() if name.split(".")[-1] in CHANGES)

    def as_json(self) -> dict[str, Any]:
        """The report as one log line carries it."""
        return {"segment": self.segment, "full": self.full, "out_of_time": self.out_of_time,
                "repairs": self.repairs, "counts": dict(sorted(self.counts.items()))}


# The actions that change something (the rest only observe).
CHANGES = frozenset({
    "ingest_resent", "renders_resent", "finished", "timed_out", "upload_missing",
    "renotified", "expired", "uploads", "masters", "renditions", "originals", "full",
    "upserted", "removed", "ghosts_removed", "backfilled", "refreshed",
})


def guarded(report: SweepReport, phase: str, work: Callable[..., object], *args: Any) -> None:
    """Run one phase (or one item of it); a failure, e.g. a throttled call, is counted as
    `<phase>.errors` and logged, and the run goes on: the next run tries again."""
    try:
        work(*args)
    except Exception:
        log.warning("sweep: %s failed", phase, exc_info=True)
        report.add(f"{phase}.errors")


class Budget:
    """A run's time allowance, on the injected clock."""

    def __init__(self, clock: Clock, seconds: float) -> None:
        self.clock = clock
        self.deadline = clock.now() + timedelta(seconds=seconds)

    def spent(self) -> bool:
        """True once the run should start nothing new."""
        return self.clock.now() >= self.deadline
