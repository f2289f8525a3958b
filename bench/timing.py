"""Time probes against backends, interleaved, and summarise them as percentiles."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.backends import Backend, Walk, start_params
from bench.queries import Probe, kinds

WHOLE_MIX = "whole mix"


@dataclass
class Samples:
    """Per kind of probe: seconds per search, totals found, fuzzy retries, depth reached."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    totals: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    fuzzy: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    depths: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def measure(backends: Sequence[Backend], probes: Sequence[Probe], warmup: int = 20
            ) -> dict[str, Samples]:
    """Run every probe once per backend, alternating which backend goes first.

    Interleaving puts the same machine noise on every backend, so they compare fairly.
    Deep-page cursors are walked to beforehand, untimed.
    """
    walked: Walk = {}
    prepared = {b.name: [start_params(b, p, walked) for p in probes] for b in backends}
    for backend in backends:
        for params, _ in prepared[backend.name][:warmup]:
            backend.search(params)
    results = {b.name: Samples() for b in backends}
    for i, probe in enumerate(probes):
        order = list(backends) if i % 2 == 0 else list(reversed(backends))
        for backend in order:
            params, depth = prepared[backend.name][i]
            began = time.perf_counter()
            answer = backend.search(params)
            elapsed = time.perf_counter() - began
            samples = results[backend.name]
            samples.seconds[probe.kind].append(elapsed)
            samples.totals[probe.kind].append(answer.total)
            samples.fuzzy[probe.kind] += answer.fuzzy
            samples.depths[probe.kind].append(depth)
    return results


def summary(samples: Samples) -> dict[str, dict[str, Any]]:
    """Per kind, and for the whole mix: n, p50/p95/p99 in ms, mean total, fuzzy share."""
    rows = {}
    for kind in kinds_of(samples):
        seconds = samples.seconds[kind]
        rows[kind] = {
            **percentiles(seconds),
            "mean_total": round(statistics.fmean(samples.totals[kind])),
            "fuzzy_share": round(samples.fuzzy[kind] / len(seconds), 2),
            "mean_depth_pages": round(statistics.fmean(samples.depths[kind]), 1),
        }
    rows[WHOLE_MIX] = percentiles([s for kind in kinds_of(samples) for s in samples.seconds[kind]])
    return rows


def kinds_of(samples: Samples) -> list[str]:
    """The kinds measured, in the mix's order."""
    return kinds([Probe(kind, {}) for kind in samples.seconds])


def percentiles(seconds: Sequence[float]) -> dict[str, Any]:
    """n and p50/p95/p99 in milliseconds."""
    if len(seconds) < 2:
        value = round(seconds[0] * 1000, 2) if seconds else None
        return {"n": len(seconds), "p50_ms": value, "p95_ms": value, "p99_ms": value}
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"n": len(seconds), **{f"p{p}_ms": round(cuts[p - 1] * 1000, 2) for p in (50, 95, 99)}}


def step(what: str, action: Any) -> Any:
    """Run `action()` and say how long it took (on stderr: stdout is the report)."""
    import sys

    print(f"{what}...", file=sys.stderr, flush=True)
    began = time.perf_counter()
    value = action()
    print(f"  {what}: {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)
    return value
