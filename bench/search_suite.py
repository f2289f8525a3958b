"""Item 4 of `make bench`: the search benchmark at 100,000 documents (engine, HTTP API and the
SQLite FTS5 baseline) and at 1,000,000 (engine with facets), as `make bench-search` runs it."""

from __future__ import annotations

from typing import Any

from bench import report, search

# (documents, extra options): the HTTP phase and FTS5 only at 100k, where the issue sets them.
FULL_RUNS = ((100_000, ()), (1_000_000, ("--no-http", "--no-fts5")))
QUICK_RUNS = ((2_000, ("--no-http", "--no-fts5", "--queries", "5")),)


def measure(quick: bool = False) -> dict[str, Any]:
    """One search benchmark run per size; JSON-ready numbers."""
    runs = []
    for size, options in QUICK_RUNS if quick else FULL_RUNS:
        results = search.run(search.arguments(["--size", str(size), *options]))
        results.pop("machine", None)  # the combined file states the machine once
        runs.append(results)
    return {"runs": runs}


def section(results: dict[str, Any]) -> str:
    """Latency tables and indexing speed for each size."""
    lines = ["## 4. Search (issue 3's benchmark, `make bench-search`)", ""]
    for run in results["runs"]:
        lines += [f"### {run['size']:,} documents, {run['queries_per_kind']} probes a kind", ""]
        lines += [f"- indexing, {key}: {value:,}" for key, value in run["indexing"].items()]
        lines += ["", "Latency, ms, p50 / p95 / p99:", "", *report.latency_table(run["latency"])]
        lines += ["", *[f"- {note}" for note in run["notes"]], ""]
    lines += ["Corpus, query mix and method: bench/README.md. Every search computes the "
              "orientation, colour and top-20 tag facets.", ""]
    return "\n".join(lines)


def verdicts(results: dict[str, Any]) -> list[str]:
    """Issue 3's goals, which are item 4's targets, for each size."""
    lines = []
    for run in results["runs"]:
        for goal in report.goals(run):
            lines.append(f"(4) {run['size']:,} docs, {goal.removeprefix('- ')}")
    return [line.replace(": met", ": PASS").replace(": NOT met", ": FAIL") for line in lines]
