"""`make bench-search`: indexing speed and query latency of the embedded search engine.

    .venv/bin/python -m bench.search [--size 100000] [--queries 200] [--no-http] [--no-fts5]

Builds N realistic documents (bench/corpus.py), then times the fixed query mix
(bench/queries.py) with facets on: in this process against the engine (beside the same
engine with facets skipped, interleaved, as a floor) and a plain SQLite FTS5 index as a
baseline; then through the real local stack's HTTP API. Writes bench/results/*.md.
Numbers, not assertions: nothing here fails on a slow run.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import corpus, machine, report
from bench.backends import Backend, Engine, Http
from bench.fts5 import Fts5
from bench.queries import Probe, mix
from bench.stack import local_stack
from bench.timing import measure, step, summary
from chalicelib.adapters.search.embedded import EmbeddedSearchIndex
from chalicelib.domain.search import Change, SearchDoc

RESULTS = Path(__file__).resolve().parent / "results"
QUERY_SAMPLE = 5_000  # documents the two-word queries are taken from
APPLY_BATCH = 100


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The options of `python -m bench.search`."""
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="documents (100000)")
    parser.add_argument("--queries", type=int, default=200, help="probes per kind (200)")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--no-http", action="store_true", help="skip the local stack")
    parser.add_argument("--no-fts5", action="store_true", help="skip the FTS5 baseline")
    parser.add_argument("--fts5-queries", type=int, default=10, help="FTS5 probes per kind (10)")
    parser.add_argument("--fts5-max-size", type=int, default=200_000,
                        help="skip FTS5 above this size, it takes seconds a query (200000)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the .md goes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run every phase and write the results file."""
    args = arguments(argv)
    results = run(args)
    path = report.write(results, args.results)
    print(report.markdown(results).split("## Raw numbers")[0])
    print(f"results written to {path}")
    return 0


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every phase the options ask for; the numbers as JSON-ready data."""
    results: dict[str, Any] = {"size": args.size, "seed": args.seed, "queries_per_kind":
                               args.queries, "machine": machine.describe(), "indexing": {},
                               "latency": {}, "notes": []}  # fmt: skip
    words = corpus.vocabulary()
    docs = step("documents", lambda: list(corpus.documents(args.size, words, args.seed)))
    results["corpus"] = corpus.describe(docs)
    sample = random.Random(args.seed).sample(docs, min(QUERY_SAMPLE, len(docs)))
    probes = mix(words, sample, args.queries, args.seed)
    _engine_phase(docs, probes, results)
    _fts5_phase(docs, probes, args, results)
    if args.no_http:
        results["notes"].append("HTTP phase skipped (--no-http).")
    else:
        _http_phase(docs, probes, results)
    return results


def _engine_phase(docs: list[SearchDoc], probes: list[Probe], results: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        index = EmbeddedSearchIndex(Path(folder) / "search")
        rate = _rebuild(index, docs)
        results["indexing"]["engine_docs_per_s"] = rate
        updates = [Change(d.image_id, d.version + 10, dataclasses.replace(
            d, title=d.title + " edited", version=d.version + 10)) for d in docs[:APPLY_BATCH]]
        began = time.perf_counter()
        index.apply(updates)
        results["indexing"][f"apply_{APPLY_BATCH}_changes_ms"] = _ms(time.perf_counter() - began)
        # The floor: the same index opened to count no facets (its own reader, no cache).
        floor = EmbeddedSearchIndex(Path(folder) / "search", count_facets=False)
        backends: list[Backend] = [Engine(index), Engine(floor, name="engine, no facets")]
        _time(backends, probes, results)


def _fts5_phase(docs: list[SearchDoc], probes: list[Probe], args: argparse.Namespace,
                results: dict[str, Any]) -> None:
    if args.no_fts5 or args.size > args.fts5_max_size:
        limit = f"{args.fts5_max_size:,}"
        reason = "--no-fts5" if args.no_fts5 else f"size above --fts5-max-size {limit}"
        results["notes"].append(f"SQLite FTS5 baseline skipped ({reason}).")
        return
    fts5 = Fts5()
    began = time.perf_counter()
    step("FTS5 load", lambda: fts5.load(docs))
    results["indexing"]["fts5_docs_per_s"] = round(len(docs) / (time.perf_counter() - began))
    _time([fts5], _first_per_kind(probes, args.fts5_queries), results, warmup=3)
    results["notes"].append("FTS5 has no typo tolerance: its typo row is the exact search only.")


def _first_per_kind(probes: list[Probe], count: int) -> list[Probe]:
    taken: dict[str, int] = {}
    chosen = []
    for probe in probes:
        if taken.get(probe.kind, 0) < count:
            taken[probe.kind] = taken.get(probe.kind, 0) + 1
            chosen.append(probe)
    return chosen


def _http_phase(docs: list[SearchDoc], probes: list[Probe], results: dict[str, Any]) -> None:
    print("local stack start...", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-stack-") as folder, \
            local_stack(Path(folder)) as url:
        # The stack rebuilt its index from its empty table at start; fill it from here.
        index = EmbeddedSearchIndex(Path(folder) / "search")
        results["indexing"]["stack_rebuild_docs_per_s"] = _rebuild(index, docs)
        http = Http(url)
        beside = Engine(index, name="engine beside the stack")
        try:
            _time([http, beside], probes, results)
        finally:
            http.close()


def _time(backends: list[Backend], probes: list[Probe], results: dict[str, Any],
          warmup: int = 20) -> None:
    names = ", ".join(b.name for b in backends)
    measured = step(f"{len(probes)} probes on {names}", lambda: measure(backends, probes, warmup))
    for name, samples in measured.items():
        results["latency"][name] = summary(samples)


def _rebuild(index: EmbeddedSearchIndex, docs: list[SearchDoc]) -> int:
    began = time.perf_counter()
    step(f"rebuild of {len(docs):,} documents", lambda: index.rebuild(iter(docs)))
    return round(len(docs) / (time.perf_counter() - began))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


if __name__ == "__main__":
    sys.exit(main())
