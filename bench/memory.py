"""Memory benchmark (issue 6, item 6): peak RSS of the ingest and render Lambdas on a 100 MP
JPEG, and of ingest rejecting a 400 MP PNG decompression bomb.

    .venv/bin/python -m bench.memory [--repeats 3] [--photo NAME] [--quick] [--results DIR]

Every invocation runs in a fresh interpreter (a new Lambda container: bench/memory_child.py)
with the function's environment, talking to a moto server in another process, driven by the
event shapes the local stack's poller builds. The service path is the real one: the upload is
granted by the uploads use case, S3's notification is read from the ingest queue, and the
render messages are the ones ingest fanned out. Writes
bench/results/<UTC date>-<host>-memory.md. Numbers, not assertions: nothing fails on a slow run.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import machine, memory_inputs, memory_report
from bench.memory_stack import Driver, applied, configured_memory_mb, moto_server, provision
from bench.render_inputs import DEFAULT_PHOTO, SAMPLES

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
# 99,996,000 px (just under the limit) and a 400 MP bomb. "warm": invocations in one reused
# container; its peak grows for several calls before it levels off (about 8-9 here).
FULL: dict[str, Any] = {"photo": (12000, 8333), "bomb": (20000, 20000), "warm": 10}
QUICK: dict[str, Any] = {"photo": (1600, 1067), "bomb": (12000, 12000), "warm": 2}
WARM_INPUTS = ("photo", "limit")
# libvips sizes its thread pool from the CPU count unless told; Lambda's share of a CPU is
# set by its memory, so the pool size is worth seeing beside the default.
VARIANTS = {"default": {}, "VIPS_CONCURRENCY=1": {"VIPS_CONCURRENCY": "1"},
            "VIPS_CONCURRENCY=4": {"VIPS_CONCURRENCY": "4"}}
KEPT_ENV = ("PATH", "HOME", "LANG", "TMPDIR")
section = memory_report.section
verdicts = memory_report.verdicts


@dataclass
class Bench:
    """One run's moto-backed stack, the functions' environment and a scratch folder."""

    folder: Path
    env: dict[str, str]
    driver: Driver
    memory_mb: dict[str, int]

    def child(self, function: str, events: list[dict[str, Any]], extra: dict[str, str]
              ) -> dict[str, Any]:
        """Run `events` through `function` in a fresh interpreter; its memory report."""
        stem = self.folder / f"{function}-{len(list(self.folder.iterdir()))}"
        events_path, report_path = stem.with_suffix(".events.json"), stem.with_suffix(".json")
        events_path.write_text(json.dumps(events))
        memory = self.memory_mb.get(function, 1024)
        env = {**{k: os.environ[k] for k in KEPT_ENV if k in os.environ}, **self.env, **extra,
               "AWS_LAMBDA_FUNCTION_NAME": function,
               # In Lambda config wants the cursor key's ARN; ingest and render never read it.
               "CURSOR_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench",
               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory)}
        command = [sys.executable, "-m", "bench.memory_child", function, str(events_path),
                   str(report_path), str(memory)]
        with stem.with_suffix(".log").open("w") as log:
            done = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        if done.returncode != 0:
            tail = stem.with_suffix(".log").read_text()[-3000:]
            raise RuntimeError(f"{function} child exited {done.returncode}:\n{tail}")
        return dict(json.loads(report_path.read_text()))


def measure(quick: bool = False, repeats: int = 3, photo: str = DEFAULT_PHOTO) -> dict[str, Any]:
    """Item 6 (`quick`: a small photo and bomb, one repeat, for tests); JSON-ready numbers."""
    sizes = QUICK if quick else FULL
    repeats = 1 if quick else repeats
    variants = {"default": {}} if quick else VARIANTS
    inputs = memory_inputs.make_all(sizes, SAMPLES / photo, quick)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as scratch:
        folder = Path(scratch)
        with moto_server(folder / "moto.log") as endpoint:
            env = provision(endpoint, folder)
            with applied(env):
                bench = Bench(folder, env, Driver(endpoint), configured_memory_mb())
                cases, records = _all_cases(bench, inputs, repeats, variants, sizes["warm"])
    described = {name: memory_inputs.describe(item) for name, item in inputs.items()}
    return {"config": {"quick": quick, "repeats": repeats, "photo": photo,
                       "cores": os.cpu_count(), "variants": list(variants), "inputs": described},
            "configured_mb": configured_memory_mb(), "cases": cases, "records": records}


def _all_cases(bench: Bench, inputs: dict[str, dict[str, Any]], repeats: int,
               variants: dict[str, dict[str, str]], warm: int
               ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every case, repeats interleaved so machine noise spreads over all of them."""
    cases: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    records: dict[str, Any] = {}
    for _ in range(repeats):
        for variant, extra in variants.items():
            for name in inputs if variant == "default" else ("photo",):
                for key, run in _pipeline(bench, inputs[name], extra, records, name):
                    cases.setdefault((key[0], key[1], variant), []).append(run)
    for name in WARM_INPUTS:
        if name in inputs:
            for key, runs in _warm(bench, inputs[name], warm, name).items():
                cases[(key[0], key[1], "warm")] = runs
    rows = [{"function": f, "input": i, "variant": v, "runs": runs}
            for (f, i, v), runs in cases.items()]
    return rows, records


def _pipeline(bench: Bench, item: dict[str, Any], extra: dict[str, str],
              records: dict[str, Any], name: str) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    """Upload one input, run its ingest, then every render it fanned out; one run each."""
    driver = bench.driver
    image_id = driver.upload(item["data"], item["type"], f"bench-{name}")
    ingest_records = _received(driver, driver.services.settings.ingest_queue, 1)
    report = bench.child("ingest", [{"Records": ingest_records}], extra)
    driver.delete(driver.services.settings.ingest_queue, ingest_records)
    runs = [(("ingest", name), memory_report.run_of(report, 0))]
    for record in driver.receive(driver.services.settings.render_queue):
        rendition = json.loads(record["body"])["rendition"]
        report = bench.child("render", [{"Records": [record]}], extra)
        driver.delete(driver.services.settings.render_queue, [record])
        runs.append((("render", f"{name}:{rendition}"), memory_report.run_of(report, 0)))
    records[name] = driver.image(image_id)
    return runs


def _warm(bench: Bench, item: dict[str, Any], count: int, name: str
          ) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """`count` uploads through ONE ingest container, then their renders through one render
    container: does a reused container's peak grow?"""
    driver, settings = bench.driver, bench.driver.services.settings
    for index in range(count):
        driver.upload(item["data"], item["type"], f"bench-warm-{name}-{index}")
    ingest_records = _received(driver, settings.ingest_queue, count)
    report = bench.child("ingest", [{"Records": [r]} for r in ingest_records], {})
    driver.delete(settings.ingest_queue, ingest_records)
    runs = {("ingest", name): [memory_report.run_of(report, i) for i in range(count)]}
    render_records = driver.receive(settings.render_queue)
    if render_records:
        report = bench.child("render", [{"Records": [r]} for r in render_records], {})
        driver.delete(settings.render_queue, render_records)
        runs[("render", f"{name}:all")] = [memory_report.run_of(report, i)
                                          for i in range(len(render_records))]
    return runs


def _received(driver: Driver, queue: str, count: int) -> list[dict[str, Any]]:
    records = driver.receive(queue, count)
    if len(records) != count:
        raise RuntimeError(f"expected {count} message(s) on {queue}, got {len(records)}")
    return records


def main(argv: list[str] | None = None) -> int:
    """Measure, print the section and verdicts, write the results file."""
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="fresh containers per case (3)")
    parser.add_argument("--photo", default=DEFAULT_PHOTO, help="sample photo to grow")
    parser.add_argument("--quick", action="store_true", help="tiny run, to try the plumbing")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the .md goes")
    args = parser.parse_args(argv)
    results = measure(quick=args.quick, repeats=args.repeats, photo=args.photo)
    about = machine.describe()
    text = document(results, about)
    print(section(results), "", *verdicts(results), sep="\n")
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"{about['date'][:10]}-{socket.gethostname()}-memory.md"
    path.write_text(text)
    print(f"results written to {path}")
    return 0


def document(results: dict[str, Any], about: dict[str, str]) -> str:
    """The standalone results file: machine, verdicts, the section, the raw numbers."""
    lines = ["# Memory benchmark (issue 6, item 6)", ""]
    lines += [f"- {key}: {value}" for key, value in about.items()]
    lines += ["", "## Targets", "", *[f"- {line}" for line in verdicts(results)], ""]
    lines += [section(results), "", "## Raw numbers", "", "```json",
              json.dumps(results, indent=1), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
