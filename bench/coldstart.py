"""Cold-start benchmark (issue 6, item 5): each Lambda's import time against its dependencies'.

    .venv/bin/python -m bench.coldstart [--rounds 15] [--no-pyc-rounds 15] [--results DIR]

Every function's handler module is app.py. For each one, fresh interpreters with that
function's AWS environment, alternating round by round, each round at another stack depth
(why: coldstart_probe.CHUNK_LEVELS):
  (a) dependencies: import every third-party module the function's cold path loads;
  (b) entry: `import app`, then every module the first invocation imports lazily (own and
      third-party), in the order the real path loaded them;
  (c) first call: the real path, `import app` then the first invocation up to the first
      network call (Services built, boto3 clients made): informative, not judged.
(a) and (b) run again with no cached bytecode outside the standard library, as a package
built without python3.12 ships none (infra/bytecode.py). Also: which heavy modules the API
holds after `import app`, and our modules' share of `-X importtime`. Writes
bench/results/<date>-<host>-coldstart.md. Numbers, not assertions: nothing fails on a slow run.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from bench import coldstart_probe as probe
from bench import coldstart_report, machine
from bench import coldstart_stats as stats
from bench.render_stats import spread

RESULTS = Path(__file__).resolve().parent / "results"
QUICK_LAMBDAS = ("api", "ingest")
section = coldstart_report.section
verdicts = coldstart_report.verdicts


def measure(quick: bool = False, rounds: int = 15, no_pyc_rounds: int = 15,
            importtime_runs: int = 5) -> dict[str, Any]:
    """Item 5 (`quick`: two Lambdas, two rounds, for tests); JSON-ready numbers."""
    names = list(QUICK_LAMBDAS if quick else probe.PATHS)
    if quick:
        rounds, no_pyc_rounds, importtime_runs = 2, 0, 1
    with tempfile.TemporaryDirectory(prefix="bench-coldstart-") as folder:
        plans = {name: _plan(name, Path(folder)) for name in names}
        cached = _interleave(plans, ("deps", "entry", "first_call"), rounds)
        compiled = _interleave(plans, ("deps_no_pyc", "entry_no_pyc"), no_pyc_rounds)
        reports = _importtime_reports(Path(folder), importtime_runs)
    lambdas = {name: _summary(plans[name], cached[name], compiled[name]) for name in names}
    return {"config": {"rounds": rounds, "no_pyc_rounds": no_pyc_rounds,
                       "importtime_runs": importtime_runs, "quick": quick},
            "lambdas": lambdas, "api_heavy_modules": _api_heavy(plans),
            "top_own_modules": stats.top_own(reports), "own_self_ms": stats.own_self_ms(reports),
            "environment": probe.lambda_env(probe.PATHS["api"].function)}


def _plan(name: str, folder: Path) -> dict[str, Any]:
    """Discover what the cold path loads, then write the scripts that time it."""
    path = probe.PATHS[name]
    env = probe.lambda_env(path.function)
    stem = "".join(c if c.isalnum() else "_" for c in name)
    found = probe.discover(_write(folder / f"{stem}_discover.py",
                                  probe.discovery_script(path)), env)
    lists = stats.import_lists(found)
    no_pyc = str(folder / "no-pyc")
    sources = {"deps": probe.import_script(lists.dependencies),
               "entry": probe.import_script(lists.entry),
               "first_call": probe.path_script(path),
               "deps_no_pyc": probe.import_script(lists.dependencies, no_pyc),
               "entry_no_pyc": probe.import_script(lists.entry, no_pyc)}
    scripts = {v: _write(folder / f"{stem}_{v}.py", text) for v, text in sources.items()}
    return {"path": path, "env": env, "scripts": scripts, "lists": lists, "found": found}


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _interleave(plans: dict[str, dict[str, Any]], variants: tuple[str, ...], rounds: int
                ) -> dict[str, dict[str, list[float]]]:
    """Wall ms per run: one untimed warm-up each, then every round runs each Lambda's
    variants back to back at the round's stack depth, in reverse order every other round,
    so noise lands on all."""
    walls: dict[str, dict[str, list[float]]] = {n: {v: [] for v in variants} for n in plans}
    if rounds <= 0:
        return walls
    for plan in plans.values():
        for variant in variants:
            probe.timed(plan["scripts"][variant], plan["env"])
    for round_number, depth in enumerate(probe.depths(rounds)):
        order = variants if round_number % 2 == 0 else tuple(reversed(variants))
        for name, plan in plans.items():
            for variant in order:
                wall, _ = probe.timed(plan["scripts"][variant], plan["env"], depth)
                walls[name][variant].append(wall)
    return walls


def _summary(plan: dict[str, Any], cached: dict[str, list[float]],
             compiled: dict[str, list[float]]) -> dict[str, Any]:
    lists: stats.ImportLists = plan["lists"]
    row: dict[str, Any] = {
        "handler": plan["path"].handler,
        "third_party_modules": len(lists.dependencies),
        "own_modules": sum(stats.kind(n) == "own" for n in lists.entry),
        "third_party_packages": stats.packages(lists.dependencies),
        **_pair(cached["deps"], cached["entry"]),
        "first_call_ms": spread(cached["first_call"]),
    }
    if compiled["deps_no_pyc"]:
        row["no_pyc"] = _pair(compiled["deps_no_pyc"], compiled["entry_no_pyc"])
    return row


def _pair(deps: list[float], entry: list[float]) -> dict[str, Any]:
    a, b = spread(deps), spread(entry)
    return {"deps_ms": a, "entry_ms": b, "own_share": stats.own_share(b["median"], a["median"]),
            "paired_share": spread(stats.paired_shares(entry, deps))}


def _api_heavy(plans: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Heavy modules loaded after `import app`, and after the API's first (non-search) call."""
    found = plans.get("api", next(iter(plans.values())))["found"]
    return {"checked": list(probe.HEAVY_MODULES),
            "after_import_app": stats.heavy_loaded(found["after_import"], probe.HEAVY_MODULES),
            "after_first_call": stats.heavy_loaded(found["after_path"], probe.HEAVY_MODULES)
            if "api" in plans else None}


def _importtime_reports(folder: Path, runs: int) -> list[list[stats.ModuleTime]]:
    """`-X importtime` of everything any function loads, `runs` times (after a warm-up)."""
    script = _write(folder / "every_path.py", probe.path_script(probe.EVERY_PATH))
    env = probe.lambda_env(probe.EVERY_PATH.function)
    probe.run(script, env, "0")
    return [stats.parse_importtime(probe.run(script, env, str(depth),
                                             flags=("-X", "importtime")).stderr)
            for depth in probe.depths(runs)]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15, help="rounds with .pyc (15)")
    parser.add_argument("--no-pyc-rounds", type=int, default=15,
                        help="rounds without cached bytecode (15; 0 skips)")
    parser.add_argument("--quick", action="store_true", help="a tiny run, to try the plumbing")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the .md goes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the section and verdicts, write the results file."""
    args = _arguments(argv)
    results = measure(quick=args.quick, rounds=args.rounds, no_pyc_rounds=args.no_pyc_rounds)
    results["machine"] = machine.describe()
    path = coldstart_report.write(results, args.results)
    print(section(results))
    print("\n".join(verdicts(results)))
    print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
