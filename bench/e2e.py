"""End-to-end benchmark (issue 6, item 3): photos through the real local stack, as a browser.

    .venv/bin/python -m bench.e2e [--photos 50] [--rounds 3] [--workers 3] [--results DIR]

1. Render-only capacity first, while no stack runs: the service's own pixel work for every
   photo in a pool of one process per core, no AWS (bench/e2e_capacity.py), photos/min.
2. Then the real local stack (`python -m infra.local`, `--workers` handler processes: 3 is
   what `make run` uses) on free ports with a fresh data folder, and one contributor:
   - latency: photos one at a time (each only after the previous is searchable), upload ->
     ready and upload -> searchable per photo;
   - throughput: all photos through a few concurrent uploaders, photos/min from the first
     upload's start to the last photo found by search; `--rounds` times.
Numbers, not assertions: a slow machine gives a FAIL line, never an exception.
Writes bench/results/<UTC date>-<host>-e2e.md.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import e2e_capacity, e2e_phases, e2e_report, machine
from bench import e2e_inputs as inputs
from bench.e2e_client import Browser, contributor_token
from bench.e2e_snapshots import SNAPSHOT_FILE, SnapshotWatch
from bench.e2e_stats import by_class, per_minute, process_tree_cpu, summary
from bench.render_stats import spread
from bench.stack import local_stack

RESULTS = Path(__file__).resolve().parent / "results"
PRODUCT_WORKERS = 3  # `python -m infra.local --workers` default, which `make run` uses
PHOTOS, ROUNDS, UPLOADERS = 50, 3, 4
LATENCY_POLL_S = 0.05  # GET /api/images costs the stack ~5 ms: ~10% of a core at this rate
WATCH_POLL_S = 0.25  # throughput phase: one search for a whole round per poll
section = e2e_report.section
verdicts = e2e_report.verdicts


def measure(quick: bool = False, photos: int = PHOTOS, rounds: int = ROUNDS,
            workers: int = PRODUCT_WORKERS, uploaders: int = UPLOADERS) -> dict[str, Any]:
    """Capacity, then latency and throughput on the stack (`quick`: five photos, one round)."""
    if quick:
        photos, rounds, uploaders = 5, 1, 2
    specs = inputs.plan(photos, inputs.sample_names())
    made = inputs.make(specs)
    results: dict[str, Any] = {"machine": machine.describe(), "quick": quick, "config": {
        "photos": photos, "rounds": rounds, "workers": workers, "uploaders": uploaders,
        "latency_poll_s": LATENCY_POLL_S, "watch_poll_s": WATCH_POLL_S},
        "inputs": _inputs(made)}
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as folder:
        paths = _write(made, Path(folder))
        results["capacity"] = _capacity(paths, specs, rounds)
        data_dir = Path(folder) / "stack"
        data_dir.mkdir()
        with local_stack(data_dir, workers=workers) as url, SnapshotWatch(data_dir) as saves:
            results.update(_on_stack(url, data_dir, made, rounds, uploaders, saves))
        results["state_mb_at_end"] = _size_mb(data_dir / SNAPSHOT_FILE)
    stack, capacity = (results["throughput"]["photos_per_min"]["median"],
                       results["capacity"]["photos_per_min"]["median"])
    results["ratio"] = round(stack / capacity, 3) if capacity else None
    return results


def _inputs(made: list[inputs.Photo]) -> dict[str, Any]:
    rows = [{"size_class": p.spec.size_class, "mb": len(p.data) / 1e6} for p in made]
    sizes = by_class(rows, "mb", inputs.CLASS_ORDER)
    return {name: {"photos": row["n"], "median_mb": round(row["p50"], 2)}
            for name, row in sizes.items()}


def _write(made: list[inputs.Photo], folder: Path) -> list[Path]:
    paths = []
    for photo in made:
        path = folder / f"photo-{photo.spec.index:03d}.jpg"
        path.write_bytes(photo.data)
        paths.append(path)
    return paths


def _capacity(paths: list[Path], specs: list[inputs.PhotoSpec], rounds: int) -> dict[str, Any]:
    raw = e2e_capacity.measure(paths, rounds)
    cpu_rows = [{"size_class": spec.size_class, "cpu_s": statistics.median(per_photo)}
                for spec, per_photo in zip(specs, zip(*raw["cpu_s"], strict=True), strict=True)]
    total_cpu = sum(row["cpu_s"] for row in cpu_rows)
    return {"processes": raw["processes"], "vips_concurrency": raw["vips_concurrency"],
            "photos_per_min": spread(raw["photos_per_min"]),
            "cpu_s_by_class": by_class(cpu_rows, "cpu_s", inputs.CLASS_ORDER),
            "cpu_ms_per_photo": round(1000 * total_cpu / len(cpu_rows), 1)}


def _on_stack(url: str, data_dir: Path, made: list[inputs.Photo], rounds: int,
              uploaders: int, saves: SnapshotWatch) -> dict[str, Any]:
    token = contributor_token(data_dir, "bench-e2e")
    stack_pid = _stack_pid(data_dir)
    browser, began = Browser(url, token), time.monotonic()
    rows = e2e_phases.one_at_a_time(browser, made, "lat", LATENCY_POLL_S)
    latency = {**_latency(rows), "snapshots_mb": saves.between(began, time.monotonic())}
    e2e_phases.clear(browser, [row["image_id"] for row in rows if "image_id" in row], "lat")
    runs = [_round(url, token, made, uploaders, stack_pid, f"thr{inputs.letters(n, 1)}", saves)
            for n in range(rounds)]
    throughput = {"rounds": runs, "photos_per_min": spread([r["photos_per_min"] for r in runs])}
    return {"latency": latency, "throughput": throughput}


def _latency(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Summaries of the one-at-a-time phase: all photos, and per size class."""
    ready = by_class(rows, "ready_s", inputs.CLASS_ORDER)
    found = by_class(rows, "searchable_s", inputs.CLASS_ORDER)
    return {"rows": rows, "ready": summary([r["ready_s"] for r in rows if "ready_s" in r]),
            "searchable": summary([r["searchable_s"] for r in rows if "searchable_s" in r]),
            "by_class": {name: {"ready": ready[name], "searchable": found.get(name)}
                         for name in ready}}


def _round(url: str, token: str, made: list[inputs.Photo], uploaders: int, stack_pid: int,
           phase: str, saves: SnapshotWatch) -> dict[str, Any]:
    browsers = [Browser(url, token) for _ in range(uploaders)]
    before, began = process_tree_cpu(stack_pid), time.monotonic()
    run = e2e_phases.all_at_once(browsers, made, phase, WATCH_POLL_S)
    after, ended = process_tree_cpu(stack_pid), time.monotonic()
    e2e_phases.clear(browsers[0], run["image_ids"], phase)
    return {"wall_s": round(run["wall_s"], 2), "found": run["found"], "errors": run["errors"],
            "photos_per_min": per_minute(run["found"], run["wall_s"]),
            "searchable": summary([r["searchable_s"] for r in run["rows"]]),
            "cpu_s": {part: round(after[part] - before[part], 2) for part in after},
            "snapshots_mb": saves.between(began, ended)}


def _size_mb(path: Path) -> float | None:
    return round(path.stat().st_size / 1e6, 1) if path.exists() else None


def _stack_pid(data_dir: Path) -> int:
    """The stack's process id, from the stack.json it wrote (0 if missing: no CPU numbers)."""
    from infra.local.settings import read_stack

    stack = read_stack(data_dir)
    return int(stack["pid"]) if stack else 0


def main(argv: list[str] | None = None) -> int:
    """Measure, print the section and verdicts, write the results file."""
    parser = argparse.ArgumentParser(prog="python -m bench.e2e", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=PHOTOS, help=f"photos ({PHOTOS})")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"throughput rounds ({ROUNDS})")
    parser.add_argument("--workers", type=int, default=PRODUCT_WORKERS,
                        help=f"stack handler processes ({PRODUCT_WORKERS}, as `make run`)")
    parser.add_argument("--quick", action="store_true", help="five photos, one round")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the .md goes")
    args = parser.parse_args(argv)
    results = measure(args.quick, args.photos, args.rounds, args.workers)
    text = e2e_report.document(results)
    args.results.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if args.quick else ""
    path = args.results / f"{results['machine']['date'][:10]}-{socket.gethostname()}-e2e{suffix}.md"
    path.write_text(text)
    print(section(results))
    print("\n".join(verdicts(results)))
    print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
