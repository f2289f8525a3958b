"""`make bench`: every item of issue 6 in one run, written to one results file.

    .venv/bin/python -m bench.all [--quick] [--only render,search] [--results DIR]

Each item runs in its own fresh Python process (so one item's imports, threads and memory
never colour another's numbers) and hands back its numbers as JSON; this process writes
`bench/results/<UTC date>-<host>.md`: machine and versions, every target with its verdict,
each item's tables, and the raw numbers. Verdicts are reported, never asserted: a slow
machine gives a slow report, not a failure. An item that crashes is reported as such and the
command exits 1 after writing the file.
"""

from __future__ import annotations

import argparse
import importlib
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import machine

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
# Issue order is 1-6; the run order puts the CPU-sensitive items on a quiet machine first.
ITEMS = {
    "coldstart": "5. Cold start",
    "memory": "6. Memory",
    "render": "1-2. Render",
    "e2e": "3. End to end",
    "search_suite": "4. Search",
    "wanted_cost": "7. Cost of counting searches",
    "reprocess": "8. Reprocess throughput",
    "service_times": "9. Service times",
    "page_weight": "10. Bytes per page view",
}
REPORT_ORDER = ("render", "e2e", "search_suite", "coldstart", "memory", "wanted_cost",
                "reprocess", "service_times", "page_weight")
CHILD = ("import json, sys; from bench import {module} as item; "
         "json.dump(item.measure(quick={quick}), open(sys.argv[1], 'w'), default=str)")


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line of `python -m bench.all`."""
    parser = argparse.ArgumentParser(prog="python -m bench.all", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny runs, to try the plumbing")
    parser.add_argument("--only", default="", help=f"comma-separated subset of {list(ITEMS)}")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the .md goes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen items, each in a child process, then write the one results file."""
    args = arguments(argv)
    outcomes = {name: run_item(name, args.quick) for name in chosen_items(args.only)}
    results = {"machine": machine.describe(), "quick": args.quick, "items": outcomes}
    path = write(results, args.results)
    print(summary(results))
    print(f"results written to {path}")
    return 1 if any("error" in outcome for outcome in outcomes.values()) else 0


def chosen_items(only: str) -> list[str]:
    """The items `--only` names (all when empty), in run order; unknown names are an error."""
    wanted = [name for name in only.split(",") if name]
    unknown = sorted(set(wanted) - set(ITEMS))
    if unknown:
        raise SystemExit(f"unknown item(s) {unknown}; choose from {list(ITEMS)}")
    return [name for name in ITEMS if not wanted or name in wanted]


def run_item(name: str, quick: bool) -> dict[str, Any]:
    """One item's measure() in a fresh interpreter: its numbers, or the error it died with."""
    print(f"== {ITEMS[name]} ...", file=sys.stderr, flush=True)
    began = time.monotonic()
    with tempfile.NamedTemporaryFile(suffix=".json") as sink:
        code = CHILD.format(module=name, quick=quick)
        done = subprocess.run([sys.executable, "-c", code, sink.name], cwd=ROOT,
                              stdout=sys.stderr, stderr=subprocess.PIPE, text=True)
        seconds = round(time.monotonic() - began, 1)
        print(done.stderr[-4000:], file=sys.stderr, end="")
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1:] or ["no output"],
                    "seconds": seconds}
        return {"numbers": json.loads(Path(sink.name).read_text()), "seconds": seconds}


def summary(results: dict[str, Any]) -> str:
    """Every target's verdict line, in the issue's order."""
    lines = []
    for name in REPORT_ORDER:
        outcome = results["items"].get(name)
        if outcome is None:
            continue
        if "error" in outcome:
            lines.append(f"- {ITEMS[name]}: CRASHED: {' '.join(outcome['error'])}")
            continue
        lines += [f"- {line}" for line in _module(name).verdicts(outcome["numbers"])]
    return "\n".join(sorted(lines, key=_target_number))


def markdown(results: dict[str, Any]) -> str:
    """The whole results file."""
    lines = ["# `make bench` (issue 6)", ""]
    if results["quick"]:
        lines += ["**Quick run (`--quick`): plumbing only, the numbers mean nothing.**", ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    took = {ITEMS[n]: f"{o['seconds']} s" for n, o in results["items"].items()}
    lines += [f"- run time per item: {json.dumps(took)}", ""]
    lines += ["## Targets", "", summary(results), ""]
    for name in REPORT_ORDER:
        outcome = results["items"].get(name)
        if outcome is not None and "numbers" in outcome:
            lines += [_module(name).section(outcome["numbers"]), ""]
    raw = json.dumps(results, indent=1, default=str)
    lines += ["## Raw numbers", "", "```json", raw, "```", ""]
    return "\n".join(lines)


def write(results: dict[str, Any], folder: Path) -> Path:
    """`<UTC date>-<host>.md` in `folder`; a rerun the same day replaces it."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if results["quick"] else ""
    path = folder / f"{results['machine']['date'][:10]}-{socket.gethostname()}{suffix}.md"
    path.write_text(markdown(results))
    return path


def _module(name: str) -> Any:
    return importlib.import_module(f"bench.{name}")


def _target_number(line: str) -> tuple[int, str]:
    """Sort key: the "(N)" a verdict line starts with, so targets read in the issue's order
    ((10) after (9)); a line without one goes last."""
    digits = line[3:].split(")", 1)[0] if line.startswith("- (") else ""
    return (int(digits), line) if digits.isdigit() else (1_000, line)


if __name__ == "__main__":
    sys.exit(main())
