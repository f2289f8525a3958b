"""Numbers of a load level: requests/s, latency percentiles and errors, overall and per kind."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CONNECTION_FAILED = 0  # the status recorded when no HTTP answer came at all


@dataclass(frozen=True)
class Sample:
    """One request as a client saw it: its kind, seconds until the body was read, status."""

    kind: str
    seconds: float
    status: int


def is_error(status: int) -> bool:
    """Anything but a 2xx or 3xx answer is an error, a failed connection included."""
    return not 200 <= status < 400


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted values (`share` in 0..1); NaN when there are none."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def summarise(samples: Sequence[Sample], wall_s: float) -> dict[str, Any]:
    """Requests, requests/s over `wall_s`, p50/p95/p99 in ms, errors and their share."""
    ordered = sorted(s.seconds for s in samples)
    errors = sum(1 for s in samples if is_error(s.status))
    row: dict[str, Any] = {"requests": len(samples),
                           "rps": round(len(samples) / wall_s, 1) if wall_s > 0 else 0.0}
    for name, share in (("p50_ms", 0.50), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        value = percentile(ordered, share)
        row[name] = None if math.isnan(value) else round(value * 1000, 1)
    row["errors"] = errors
    row["error_rate"] = round(errors / len(samples), 5) if samples else 0.0
    return row


def level(samples: Sequence[Sample], wall_s: float, kinds: Sequence[str]) -> dict[str, Any]:
    """A level's summary: all requests, then each kind (in `kinds` order) that occurred."""
    by_kind = {kind: [s for s in samples if s.kind == kind] for kind in kinds}
    return {"all": summarise(samples, wall_s),
            "by_kind": {kind: summarise(rows, wall_s) for kind, rows in by_kind.items() if rows},
            "statuses": _statuses(samples)}


def _statuses(samples: Sequence[Sample]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sample in samples:
        counts[str(sample.status)] = counts.get(str(sample.status), 0) + 1
    return dict(sorted(counts.items()))


def total_errors(levels: Sequence[dict[str, Any]]) -> int:
    """Errors over every level of a run."""
    return sum(int(row["all"]["errors"]) for row in levels)
