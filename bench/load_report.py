"""The load run in markdown: one section per run, appended to the day's results file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TITLE = "# Load runs of the local stack's API (`make load`)"
SATURATED = 0.9  # of a core: the client itself was the limit, not the stack


def tables(results: dict[str, Any]) -> str:
    """The per-level table, then one per-kind table for each level."""
    lines = ["| clients | requests/s | p50 ms | p95 ms | p99 ms | requests | errors |"
             " client cores | stack cores |", "|" + "---|" * 9]
    for row in results["levels"]:
        lines.append(f"| {row['clients']} | {_numbers(row['all'])} | {row['client_cores']} |"
                     f" {row['stack_cores']} |")
    for row in results["levels"]:
        lines += ["", f"{row['clients']} clients, per kind:", "",
                  "| kind | requests/s | p50 ms | p95 ms | p99 ms | requests | errors |",
                  "|" + "---|" * 7]
        lines += [f"| {kind} | {_numbers(numbers)} |" for kind, numbers in row["by_kind"].items()]
    return "\n".join(lines)


def _numbers(row: dict[str, Any]) -> str:
    return (f"{row['rps']} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} |"
            f" {row['requests']} | {row['errors']} ({row['error_rate']:.2%})")


def notes(results: dict[str, Any]) -> list[str]:
    """What to read into the numbers: errors, and whether the client was the bottleneck."""
    lines = []
    errors = sum(row["all"]["errors"] for row in results["levels"])
    lines.append(f"errors: {errors} (must be 0)" + ("" if errors else ": met"))
    for row in results["levels"]:
        cores = row["client_cores"]
        verdict = ("the client saturated a core (Python threads, one GIL): the rate is a floor"
                   if cores >= SATURATED else "the client did not saturate a core")
        lines.append(f"{row['clients']} clients: client {cores} cores, stack {row['stack_cores']}"
                     f" cores of {results['machine']['cores']}: {verdict}")
    return lines


def section(results: dict[str, Any]) -> str:
    """One run: machine, configuration, corpus, tables, notes, the raw numbers."""
    lines = [f"## Run of {results['machine']['date']}", ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    lines += [f"- {key}: {value}" for key, value in results["config"].items()]
    lines += [f"- {key}: {value}" for key, value in results["corpus"].items()]
    lines += ["", tables(results), "", *[f"- {note}" for note in notes(results)]]
    lines += ["", "<details><summary>raw numbers</summary>", "", "```json",
              json.dumps(results, indent=1), "```", "", "</details>", ""]
    return "\n".join(lines)


def append(path: Path, results: dict[str, Any]) -> None:
    """Append the run's section to `path`, creating it with a title when new."""
    head = "" if path.exists() else f"{TITLE}\n\n"
    with path.open("a", encoding="utf-8") as sink:
        sink.write(head + section(results) + "\n")
