"""Small pure helpers for the render benchmark: medians with spread, and target verdicts."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def spread(values: Sequence[float]) -> dict[str, Any]:
    """n, median, min, max, and (max - min) / median as a percentage."""
    median = statistics.median(values)
    low, high = min(values), max(values)
    return {"n": len(values), "median": round(median, 3), "min": round(low, 3),
            "max": round(high, 3),
            "spread_pct": round(100 * (high - low) / median, 1) if median else None}


def ratio(value: float, base: float) -> float:
    """value / base, rounded to 3 places."""
    return round(value / base, 3)


def percent_change(value: float, base: float) -> float:
    """How far `value` is from `base`, in percent of `base`."""
    return round(100 * (value - base) / base, 2)


def op_verdict(ops_ratio: float, psnr_gap_db: float, bytes_change_pct: float) -> bool:
    """Issue 6 target (1): >= 1.0x sharp's ops/s, PSNR at most 0.2 dB below sharp's, size
    within 3% of sharp's. A PSNR above sharp's is better quality, never a failure."""
    return ops_ratio >= 1.0 and psnr_gap_db >= -0.2 and abs(bytes_change_pct) <= 3.0


def set_verdict(cpu_ratio: float) -> bool:
    """Issue 6 target (2): at most 0.72x the CPU of sharp's independent pipelines."""
    return cpu_ratio <= 0.72
