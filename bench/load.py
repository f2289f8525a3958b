"""`make load`: a bounded load run of the local stack's API on 127.0.0.1 (issue 14, item 6).

    .venv/bin/python -m bench.load [--duration 60] [--levels 8,32,64] [--docs 20000]

Starts its own local stack on free ports in a temporary data folder, uploads the sample
photos through the real pipeline, adds synthetic documents to its search index, then runs
a mix of searches (words, filters, sorts, next pages by cursor), suggestions and image
reads with closed-loop clients at each level for an equal share of the duration. Writes
bench/results/<UTC date>-<host>-load.md; exits 1 if any request failed (non-2xx/3xx).
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import corpus, load_report, machine
from bench.e2e_stats import process_tree_cpu
from bench.load_client import run_level
from bench.load_mix import KINDS
from bench.load_seed import add_documents, query_words, seed_photos, vocabulary
from bench.load_stats import level, total_errors
from bench.stack import local_stack
from bench.timing import step
from infra.local.settings import read_stack

RESULTS = Path(__file__).resolve().parent / "results"
DURATION_S, LEVELS, DOCS, WORKERS = 60.0, (8, 32, 64), 20_000, 2


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The options of `python -m bench.load`."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=DURATION_S,
                        help=f"seconds of load in all, shared by the levels ({DURATION_S:.0f})")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)),
                        help="concurrent clients per level (8,32,64)")
    parser.add_argument("--docs", type=int, default=DOCS, help=f"synthetic documents ({DOCS})")
    parser.add_argument("--workers", type=int, default=WORKERS,
                        help=f"stack handler processes ({WORKERS})")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the .md goes")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Start a stack, fill it, run every level; the numbers as JSON-ready data."""
    levels = [int(n) for n in args.levels.split(",")]
    results: dict[str, Any] = {"machine": machine.describe(), "config": {
        "duration_s": args.duration, "levels": levels, "docs": args.docs,
        "stack_workers": args.workers, "seed": args.seed}, "levels": []}
    words, source = vocabulary()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder, \
            local_stack(Path(folder), workers=args.workers) as url:
        stack = read_stack(Path(folder)) or {}
        image_ids = step("sample photos", lambda: seed_photos(url, stack))
        added = step(f"{args.docs:,} synthetic documents",
                      lambda: add_documents(stack, corpus.documents(args.docs, words, args.seed)))
        results["corpus"] = {"sample_photos_ready": len(image_ids), "synthetic_docs": added,
                             "words": source}
        for clients in levels:
            results["levels"].append(_level(url, int(stack.get("pid", 0)), clients,
                                            args.duration / len(levels), words, image_ids, args))
    return results


def _level(url: str, stack_pid: int, clients: int, seconds: float, words: corpus.Vocabulary,
           image_ids: list[str], args: argparse.Namespace) -> dict[str, Any]:
    print(f"{clients} clients for {seconds:.0f} s...", file=sys.stderr, flush=True)
    before = process_tree_cpu(stack_pid)
    run = run_level(url, clients, seconds, query_words(words), image_ids, args.seed + clients)
    after = process_tree_cpu(stack_pid)
    stack_cpu = sum(after.values()) - sum(before.values())
    return {"clients": clients, "wall_s": round(run.wall_s, 2),
            **level(run.samples, run.wall_s, KINDS),
            "client_cores": round(run.client_cpu_s / run.wall_s, 2),
            "stack_cores": round(stack_cpu / run.wall_s, 2)}


def main(argv: list[str] | None = None) -> int:
    """Measure, write the results file, print the tables; 1 if any request failed."""
    args = arguments(argv)
    results = measure(args)
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"{results['machine']['date'][:10]}-{socket.gethostname()}-load.md"
    load_report.append(path, results)
    print(load_report.tables(results))
    print(f"results appended to {path}")
    errors = total_errors(results["levels"])
    if errors:
        print(f"FAIL: {errors} request(s) answered an error", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
