"""The results of one run: a markdown file (tables, then the raw numbers as JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.timing import WHOLE_MIX

# Goals from issue 3 (goals, not assertions): p95 of the whole mix, and indexing speed.
ENGINE_P95_MS = {100_000: 5.0, 1_000_000: 25.0}
HTTP_P95_MS = {100_000: 20.0}
INDEXING_DOCS_PER_S = 20_000


def goals(results: dict[str, Any]) -> list[str]:
    """One line per goal that applies to this size: measured value, goal, met or not."""
    size, latency = results["size"], results["latency"]
    lines = []
    checks = [("engine", ENGINE_P95_MS), ("HTTP API", HTTP_P95_MS)]
    for backend, table in checks:
        if size in table and backend in latency:
            p95, goal = latency[backend][WHOLE_MIX]["p95_ms"], table[size]
            lines.append(_goal(f"{backend} p95, whole mix", p95, goal, "ms", p95 <= goal))
    rate = results["indexing"]["engine_docs_per_s"]
    if size < min(ENGINE_P95_MS):
        return lines  # a small rebuild is mostly fixed costs: its rate means little
    lines.append(_goal("indexing (rebuild)", rate, INDEXING_DOCS_PER_S, "docs/s",
                       rate >= INDEXING_DOCS_PER_S))
    return lines


def _goal(what: str, value: float, goal: float, unit: str, met: bool) -> str:
    sign = "<=" if unit == "ms" else ">="
    verdict = "met" if met else "NOT met"
    return f"- {what}: {value:,} {unit} (goal {sign} {goal:,} {unit}): {verdict}"


def markdown(results: dict[str, Any]) -> str:
    """The whole results file."""
    machine = results["machine"]
    lines = [f"# Search benchmark: {results['size']:,} documents", ""]
    lines += [f"- {key}: {value}" for key, value in machine.items()]
    lines += ["", "## Corpus", ""]
    lines += [f"- {key}: {value}" for key, value in results["corpus"].items()]
    lines += ["", "## Indexing", ""]
    lines += [f"- {key}: {value:,}" for key, value in results["indexing"].items()]
    lines += ["", "## Latency (ms, p50 / p95 / p99)", "", *latency_table(results["latency"])]
    lines += ["", "## Goals (issue 3)", "", *goals(results)]
    lines += ["", "## Notes", "", *[f"- {note}" for note in results["notes"]]]
    lines += ["", "## Raw numbers", "", "```json", json.dumps(results, indent=1), "```", ""]
    return "\n".join(lines)


def latency_table(latency: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    backends = list(latency)
    first = latency[backends[0]]
    header = ["kind", *backends, "mean total", "fuzzy", "pages deep"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for kind in first:
        cells = [kind]
        for backend in backends:
            row = latency[backend].get(kind)
            cells.append(f"{row['p50_ms']} / {row['p95_ms']} / {row['p99_ms']}" if row else "-")
        extra = first[kind]
        cells += [f"{extra['mean_total']:,}" if "mean_total" in extra else "",
                  f"{extra['fuzzy_share']:.0%}" if "fuzzy_share" in extra else "",
                  str(extra.get("mean_depth_pages") or "")]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def write(results: dict[str, Any], folder: Path) -> Path:
    """Save the run as `search-<size>-<date>-<commit>.md` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    machine = results["machine"]
    stamp = machine["date"].replace("-", "").replace(":", "")
    commit = machine["git_commit"].replace("+", "-")
    path = folder / f"search-{_size_label(results['size'])}-{stamp}-{commit}.md"
    path.write_text(markdown(results))
    return path


def _size_label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)
