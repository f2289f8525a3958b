"""What a run means: upload -> searchable percentiles, queues, the burst's drain, concurrency."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.scale.pipeline import Run


@dataclass(frozen=True)
class Latency:
    """Upload -> searchable, seconds."""

    count: int
    p50: float
    p95: float
    p99: float
    worst: float


@dataclass(frozen=True)
class Outcome:
    """One run in numbers."""

    latency: Latency
    burst_drain_seconds: float | None
    others_during_burst: Latency | None
    deepest: dict[str, int]
    busiest: dict[str, int]
    cold_starts: dict[str, int]
    busy_seconds: dict[str, float]
    shards: int


def latency(seconds: Sequence[float]) -> Latency:
    """Percentiles of a list of durations (all zero for an empty list)."""
    if not seconds:
        return Latency(0, 0.0, 0.0, 0.0, 0.0)
    ordered = sorted(seconds)
    if len(ordered) == 1:
        only = ordered[0]
        return Latency(1, only, only, only, only)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return Latency(len(ordered), cuts[49], cuts[94], cuts[98], ordered[-1])


def outcome(run: Run) -> Outcome:
    """Summarise a run; uploads never made searchable would be a model error."""
    done = [u for u in run.uploads if u.searchable is not None]
    if len(done) != len(run.uploads):
        raise RuntimeError(f"{len(run.uploads) - len(done)} uploads never became searchable")
    drain, others = None, None
    if run.burst_start is not None:
        burst = [u for u in done if u.burst]
        end = max(u.searchable or 0.0 for u in burst)
        drain = end - run.burst_start
        others = latency([(u.searchable or 0.0) - u.arrived for u in done
                          if not u.burst and run.burst_start <= u.arrived <= end])
    stations = {"ingest": run.ingest, "render": run.render, "indexer": run.indexer}
    return Outcome(
        latency=latency([(u.searchable or 0.0) - u.arrived for u in done]),
        burst_drain_seconds=drain, others_during_burst=others,
        deepest={name: tally.deepest for name, tally in stations.items()},
        busiest={name: tally.busiest for name, tally in stations.items()},
        cold_starts={name: tally.cold_starts for name, tally in stations.items()},
        busy_seconds={name: tally.busy_seconds for name, tally in stations.items()},
        shards=run.shards,
    )
