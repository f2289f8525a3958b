"""Pure helpers of the end-to-end benchmark: percentiles, per-class summaries, CPU from /proc,
and the verdicts of target (3)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Issue 6 target (3): p50 upload -> searchable of a 12 MP JPEG, and the throughput ratio.
MAX_P50_SEARCHABLE_S = 1.5
MIN_CAPACITY_SHARE = 0.75


def summary(seconds: Sequence[float]) -> dict[str, Any]:
    """n, p50, p95, min and max in seconds (3 decimals); None values when empty."""
    if not seconds:
        return {"n": 0, "p50": None, "p95": None, "min": None, "max": None}
    if len(seconds) == 1:
        p50 = p95 = seconds[0]
    else:
        cuts = statistics.quantiles(seconds, n=100, method="inclusive")
        p50, p95 = cuts[49], cuts[94]
    return {"n": len(seconds), "p50": round(p50, 3), "p95": round(p95, 3),
            "min": round(min(seconds), 3), "max": round(max(seconds), 3)}


def by_class(rows: Iterable[Mapping[str, Any]], key: str,
             order: Sequence[str]) -> dict[str, dict[str, Any]]:
    """A summary of `key` per size class (in `order`, classes without rows left out)."""
    grouped: dict[str, list[float]] = {}
    for row in rows:
        if key in row:
            grouped.setdefault(row["size_class"], []).append(row[key])
    return {name: summary(grouped[name]) for name in order if name in grouped}


def per_minute(count: int, seconds: float) -> float:
    """Photos per minute, one decimal."""
    return round(60 * count / seconds, 1) if seconds > 0 else 0.0


def cpu_of_stat(text: str) -> tuple[int, float]:
    """(parent pid, user + system CPU ticks) from the text of /proc/<pid>/stat."""
    # The command name sits in parentheses and may itself hold spaces or parentheses.
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[1]), float(fields[11]) + float(fields[12])


def tree_cpu(stats: Mapping[int, str], root: int, ticks_per_s: float) -> dict[str, float]:
    """CPU seconds of `root` itself and of its direct children, from /proc stat texts."""
    parsed = {pid: cpu_of_stat(text) for pid, text in stats.items()}
    own = parsed[root][1] if root in parsed else 0.0
    children = sum(ticks for parent, ticks in parsed.values() if parent == root)
    return {"stack": own / ticks_per_s, "workers": children / ticks_per_s}


def latency_verdict(latency: Mapping[str, Any], target_class: str) -> str:
    """Target (3), first half: p50 upload -> searchable of the target class's photos."""
    row = latency["by_class"].get(target_class, {}).get("searchable")
    failed = sum(1 for r in latency["rows"] if "error" in r and r["size_class"] == target_class)
    if not row or row["p50"] is None:
        return f"(3) e2e latency: no {target_class} photo became searchable: FAIL"
    verdict = "PASS" if row["p50"] <= MAX_P50_SEARCHABLE_S and not failed else "FAIL"
    errors = f", {failed} failed" if failed else ""
    return (f"(3) e2e latency: p50 upload -> searchable of a {target_class} JPEG {row['p50']:.2f} s"
            f" (<= {MAX_P50_SEARCHABLE_S} s; n={row['n']}, p95 {row['p95']:.2f} s{errors}): "
            f"{verdict}")


def throughput_verdict(stack_per_min: float | None, capacity_per_min: float | None,
                       errors: int) -> str:
    """Target (3), second half: sustained stack throughput against render-only capacity."""
    if not stack_per_min or not capacity_per_min:
        return "(3) e2e throughput: not measured: FAIL"
    share = stack_per_min / capacity_per_min
    verdict = "PASS" if share >= MIN_CAPACITY_SHARE and not errors else "FAIL"
    failed = f", {errors} photos failed" if errors else ""
    return (f"(3) e2e throughput: local stack {stack_per_min:.0f} photos/min = {share:.2f}x "
            f"render-only capacity {capacity_per_min:.0f} photos/min (>= "
            f"{MIN_CAPACITY_SHARE:.2f}x{failed}): {verdict}")


def process_tree_cpu(root: int) -> dict[str, float]:
    """CPU seconds so far of process `root` and its descendants, from Linux's /proc."""
    import os
    from pathlib import Path

    stats = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            stats[int(entry.parent.name)] = entry.read_text()
        except OSError:
            continue  # a process that ended meanwhile
    return tree_cpu(stats, root, os.sysconf("SC_CLK_TCK"))
