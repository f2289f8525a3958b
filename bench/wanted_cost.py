"""Item 7 of `make bench`: what counting unsatisfied searches costs a search (issue 17).

    .venv/bin/python -m bench.wanted_cost [--size 20000] [--queries 100] [--write-ms 5]

One embedded index, one process: every probe runs twice, interleaved, through the search use
case and then the counting step exactly as GET /api/search does, once with counting on and
once off (WantedPolicy(counting=False)). The counter is the real BufferedWantedCounter with its
background writer running throughout, in front of a store that takes `--write-ms` per write
(a DynamoDB UpdateItem's usual latency), flushed every second, so the writer's work competes
with the searches being timed. Half the probes are words no document has: every one of them
is counted (the worst case). Numbers, not assertions.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import corpus, timing
from bench.backends import BENCH_SECRET, Answer, Backend
from bench.queries import Probe, mix
from bench.timing import percentiles, step
from chalicelib.adapters.search.embedded import EmbeddedSearchIndex
from chalicelib.adapters.wanted_buffer import BufferedWantedCounter
from chalicelib.domain.wanted import DayTally, WantedPolicy
from chalicelib.ports import SearchIndex
from chalicelib.services import insights
from chalicelib.services import search as search_service

NOTHING = "nothing found"
FULL = ("--size", "20000", "--queries", "100")
QUICK = ("--size", "500", "--queries", "5")


class SlowStore:
    """A WantedStore that takes as long as a network write and keeps only a count."""

    def __init__(self, write_ms: float) -> None:
        self.write_seconds = write_ms / 1000
        self.writes = 0

    def add(self, tally: DayTally, expires_at: int) -> None:
        time.sleep(self.write_seconds)
        self.writes += 1

    def day(self, day: str) -> list[DayTally]:
        return []


class CountingSearch:
    """GET /api/search's work without HTTP: search, then the counting step."""

    family = "engine"

    def __init__(self, index: SearchIndex, counter: BufferedWantedCounter, counting: bool
                 ) -> None:
        self.index = index
        self.counter = counter
        self.policy = WantedPolicy(counting=counting)
        self.name = "counting on" if counting else "counting off"

    def search(self, params: dict[str, str]) -> Answer:
        answer = search_service.search(self.index, params, BENCH_SECRET)
        if answer.query is not None:
            insights.note_search(self.counter, answer.query, not params.get("cursor"),
                                 answer.page.total, _now(), self.policy)
        return Answer(answer.page.total, answer.next_cursor, answer.fuzzy)


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The options of `python -m bench.wanted_cost`."""
    parser = argparse.ArgumentParser(prog="python -m bench.wanted_cost", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20_000, help="documents (20000)")
    parser.add_argument("--queries", type=int, default=100, help="probes per kind (100)")
    parser.add_argument("--write-ms", type=float, default=5.0, help="one store write (5 ms)")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    return parser.parse_args(argv)


def probes(args: argparse.Namespace, docs: list[Any], words: Any) -> list[Probe]:
    """The usual mix (first pages only) plus as many searches for words nobody has."""
    rng = random.Random(args.seed)
    usual = [p for p in mix(words, docs[:5_000], args.queries, args.seed) if not p.depth]
    nothing = [Probe(NOTHING, {"q": f"zq{rng.getrandbits(40):x} zq{rng.getrandbits(40):x}"})
               for _ in range(len(usual))]
    merged = usual + nothing
    rng.shuffle(merged)
    return merged


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Counting on against off, interleaved; latencies per kind and the writer's work."""
    words = corpus.vocabulary()
    docs = step("documents", lambda: list(corpus.documents(args.size, words, args.seed)))
    chosen = probes(args, docs, words)
    store = SlowStore(args.write_ms)
    counter = BufferedWantedCounter(store, keep_days=90, flush_seconds=1, flush_entries=200)
    with tempfile.TemporaryDirectory(prefix="bench-wanted-") as folder:
        index = EmbeddedSearchIndex(Path(folder) / "search")
        step("index", lambda: index.rebuild(iter(docs)))
        backends: list[Backend] = [CountingSearch(index, counter, True),
                                   CountingSearch(index, counter, False)]
        samples = step("searches", lambda: timing.measure(backends, chosen))
    counter.flush()
    latency = {}
    for backend in backends:
        timed = samples[backend.name].seconds
        latency[backend.name] = {
            NOTHING: percentiles(timed[NOTHING]),
            "found something": percentiles([s for k, v in timed.items() if k != NOTHING
                                            for s in v]),
        }
    return {"size": args.size, "probes": len(chosen), "write_ms": args.write_ms,
            "latency": latency, "counter": vars(counter.stats), "store_writes": store.writes}


def measure(quick: bool = False) -> dict[str, Any]:
    """JSON-ready numbers for bench.all."""
    return run(arguments(list(QUICK if quick else FULL)))


def section(results: dict[str, Any]) -> str:
    """The latency table, on against off."""
    lines = ["## 7. Cost of counting unsatisfied searches (issue 17)", "",
             f"{results['size']:,} documents, {results['probes']} probes, each run with counting "
             f"on and off, interleaved, in one process; store writes take {results['write_ms']} "
             "ms on the background writer.", "",
             "| searches | counting | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|"]
    for kind in (NOTHING, "found something"):
        for name, rows in results["latency"].items():
            row = rows[kind]
            lines.append(f"| {kind} | {name} | {row['p50_ms']} | {row['p95_ms']} | "
                         f"{row['p99_ms']} |")
    stats = results["counter"]
    lines += ["", f"- counter: {stats['noted']} noted, {stats['written']} writes "
              f"({results['store_writes']} reached the store), {stats['dropped']} dropped, "
              f"{stats['failed']} failed", ""]
    return "\n".join(lines)


def verdicts(results: dict[str, Any]) -> list[str]:
    """Counting should add under a tenth of a millisecond at the median of empty searches."""
    on = results["latency"]["counting on"][NOTHING]["p50_ms"]
    off = results["latency"]["counting off"][NOTHING]["p50_ms"]
    added = round(on - off, 3)
    verdict = "PASS" if added < 0.1 else "FAIL"
    return [f"(7) counting adds {added} ms to the median empty search "
            f"(on {on} ms, off {off} ms; target < 0.1 ms): {verdict}"]


def main(argv: list[str] | None = None) -> int:
    """Run and print the section."""
    print(section(run(arguments(argv))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
