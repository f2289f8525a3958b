"""Use case: the sweeper, a scheduled repair of what faults left behind.

Bounded work per run (a batch per phase and a time budget) and idempotent: run twice in a
row, the second run changes nothing. Phases, in order of what matters most:
a. images `processing` with no progress for too long: missing work re-sent, or ended;
b. `pending` images whose grant expired long ago: re-notified if the upload is there, else gone;
c. objects no record claims (one slice of the key space per run);
d. the search index against the table (one scan segment per run, and a sample of the index).
"""

from __future__ import annotations

from chalicelib.services.deps import Deps
from chalicelib.services.sweeping.index import sweep_ghosts, sweep_index_segment
from chalicelib.services.sweeping.orphans import sweep_orphans
from chalicelib.services.sweeping.report import Budget, SweepReport, guarded
from chalicelib.services.sweeping.stuck import sweep_pending, sweep_processing

__all__ = ["SweepReport", "sweep", "sweep_all"]

SLICES = 16  # first hex digits of an image id


def run_number(deps: Deps) -> int:
    """Which run of the schedule this is: successive runs get successive numbers, so their
    slices and segments cover everything with no state kept between runs."""
    return int(deps.clock.now().timestamp()) // max(1, deps.limits.sweep_period_seconds)


def sweep(deps: Deps, run: int | None = None) -> SweepReport:
    """One scheduled run: phases a and b, then slice `run % 16` of the objects and the
    index, and table segment `run % SWEEP_SEGMENTS`."""
    number = run_number(deps) if run is None else run
    report = SweepReport(segment=number % SLICES, full=False)
    budget = Budget(deps.clock, deps.limits.sweep_budget_seconds)
    _open_work(deps, report, budget)
    window = number // SLICES  # moves once per pass over the slices
    if not budget.spent():
        guarded(report, "orphans", sweep_orphans, deps, report, budget, number % SLICES, window)
    if not budget.spent():
        segment = number % deps.limits.sweep_segments
        guarded(report, "index", sweep_index_segment, deps, report, budget, segment)
        guarded(report, "index", sweep_ghosts, deps, report, number % SLICES, window)
    return report


def sweep_all(deps: Deps) -> SweepReport:
    """A full pass (`make sweep`): phases a and b, then every slice and every segment."""
    report = SweepReport(segment=-1, full=True)
    budget = Budget(deps.clock, deps.limits.sweep_budget_seconds)
    _open_work(deps, report, budget)
    for piece in range(SLICES):
        if not budget.spent():
            guarded(report, "orphans", sweep_orphans, deps, report, budget, piece, 0)
    for segment in range(deps.limits.sweep_segments):
        if not budget.spent():
            guarded(report, "index", sweep_index_segment, deps, report, budget, segment)
    for piece in range(SLICES):
        if not budget.spent():
            guarded(report, "index", sweep_ghosts, deps, report, piece, 0)
    return report


def _open_work(deps: Deps, report: SweepReport, budget: Budget) -> None:
    guarded(report, "stuck", sweep_processing, deps, report, budget)
    guarded(report, "pending", sweep_pending, deps, report, budget)
