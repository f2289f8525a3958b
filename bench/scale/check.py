"""`make scale-check`: the model's predictions for the local stack against `make soak`'s
measurements, at the sizes the local stack reaches (50 and 500 uploads by default).

1. Calibrate (bench/scale/local.py): on a fresh stack, photos uploaded one at a time, each
   one's latency and the CPU the stack's processes spent on it.
2. For each size: `make soak`'s fault-free run (`bench.soak.run`: a fresh stack, two handler
   processes, 8 clients sending as fast as the stack takes them, a watcher listing the index
   once a second), then the model fed the same arrivals (each photo when it was acknowledged)
   predicts when each becomes searchable.
3. Compare p50, p95 and the last photo's latency; the verdict is whether every one is within
   the margin.

Writes bench/results/<date>-<host>-scale-check.md, and bench/scale/local_check.json with --save.

    python -m bench.scale.check [--uploads 50 500] [--calibration 8] [--margin 0.25] [--save]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import requests

from bench import machine
from bench.e2e_stats import process_tree_cpu
from bench.scale import local, measured
from bench.soak import RESULTS, SOAK_ENV, USERS, baseline_items, run
from bench.soak_audit import searchable_ids
from bench.soak_client import upload
from bench.soak_inputs import SoakItem, distinct_photos
from bench.stack import StackProcess

SAVED = Path(__file__).with_name("local_check.json")
WORKERS = 2  # bench.stack.StackProcess's default, as `make soak` runs it
# make soak's settings, with room for a whole run in flight: the four contributors may each
# have 20 uploads pending by default, and past that the grant answers 429 (a quota, not the
# pipeline's capacity, which is what is measured here).
CHECK_ENV = {**SOAK_ENV, "UPLOAD_MAX_PENDING": "1000"}
CLIENTS = 8
POLL_SECONDS = 0.1
IDLE_SECONDS = 5.0
WARM_UPS = 4  # photos sent before calibrating, not counted: one of each size
SEEN_TIMEOUT = 120.0


def stack_cpu(root: int) -> tuple[float, float]:
    """CPU seconds so far of the stack's own process, and of it with its handler processes."""
    spent = process_tree_cpu(root)
    return spent["stack"], spent["stack"] + spent["workers"]


def wait_seen(base_url: str, image_id: str, session: requests.Session) -> float:
    """Poll the index every POLL_SECONDS until `image_id` is listed; the monotonic time."""
    deadline = time.monotonic() + SEEN_TIMEOUT
    while time.monotonic() < deadline:
        if image_id in searchable_ids(base_url, session):
            return time.monotonic()
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"{image_id} not searchable after {SEEN_TIMEOUT:.0f} s")


def calibrate(count: int, workdir: Path, cpu: local.HandlerCpu) -> local.Calibration:
    """Photos one at a time on a fresh stack: latency and the stack's CPU for each."""
    from bench.e2e_client import contributor_token

    workdir.mkdir(parents=True)
    stack = StackProcess(workdir, workers=WORKERS, env=CHECK_ENV)
    base_url = stack.start()
    assert stack.process is not None
    root = stack.process.pid
    samples = []
    try:
        token = contributor_token(workdir, USERS[0])
        session = requests.Session()
        time.sleep(IDLE_SECONDS)  # let start-up work finish
        background = _idle_cores(base_url, root, session)
        photos = distinct_photos(WARM_UPS + count, seed=99)  # not the runs' photos
        for index, (label, data) in enumerate(photos):
            item = SoakItem(index, "good", data, "image/jpeg", f"cal-{index:03d}.jpg", label)
            if index < WARM_UPS:  # each process's first ingest and render import their libraries
                _send_and_wait(base_url, token, item, session)
                continue
            (main_before, before), started = stack_cpu(root), time.monotonic()
            sent = upload(session, base_url, token, item)
            if sent.acknowledged_at is None:
                raise RuntimeError(f"calibration upload refused: {sent.error}")
            seen = wait_seen(base_url, sent.image_id, session)
            time.sleep(1.0)  # the work after the ready write (clean-up) belongs to this photo
            (main_after, after), took = stack_cpu(root), time.monotonic() - started
            samples.append({"label": label, "latency_s": round(seen - sent.acknowledged_at, 3),
                            "stack_cpu_s": round(after - before - background[1] * took, 3),
                            "main_cpu_s": round(main_after - main_before - background[0] * took,
                                                3)})
    finally:
        stack.stop()
    return local.calibrated(samples, cpu, background[1], POLL_SECONDS, os.cpu_count() or 1)


def _send_and_wait(base_url: str, token: str, item: SoakItem, session: requests.Session
                   ) -> None:
    sent = upload(session, base_url, token, item)
    if sent.acknowledged_at is None:
        raise RuntimeError(f"calibration upload refused: {sent.error}")
    wait_seen(base_url, sent.image_id, session)


def _idle_cores(base_url: str, root: int, session: requests.Session) -> tuple[float, float]:
    """Cores the idle stack uses (its own process, all of it) while it is polled as
    `wait_seen` polls it."""
    (main_before, before), started = stack_cpu(root), time.monotonic()
    while time.monotonic() - started < IDLE_SECONDS:
        searchable_ids(base_url, session)
        time.sleep(POLL_SECONDS)
    (main_after, after), took = stack_cpu(root), time.monotonic() - started
    return (main_after - main_before) / took, (after - before) / took


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (`share` in 0..1) of `values`."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered)))
    return ordered[min(len(ordered), rank) - 1]


def describe(values: Sequence[float]) -> dict[str, float]:
    """p50, p95 and the largest, in seconds."""
    return {"p50": round(percentile(values, 0.5), 2), "p95": round(percentile(values, 0.95), 2),
            "max": round(max(values), 2), "mean": round(statistics.fmean(values), 2)}


def compare(rows: Sequence[Mapping[str, Any]], predicted: Sequence[float], margin: float
            ) -> dict[str, Any]:
    """Measured against predicted for the photos seen in the run; within `margin` (a share
    of the measured value) or not, statistic by statistic."""
    pairs = [(row["searchable_s"] - row["acknowledged_s"], guess)
             for row, guess in zip(rows, predicted, strict=True)
             if row["searchable_s"] is not None]
    if not pairs:
        return {"seen": 0, "within_margin": False}
    measured_stats = describe([m for m, _ in pairs])
    predicted_stats = describe([p for _, p in pairs])
    errors = {key: round(predicted_stats[key] / measured_stats[key] - 1, 3)
              for key in ("p50", "p95", "max")}
    return {"seen": len(pairs), "of": len(rows), "measured": measured_stats,
            "predicted": predicted_stats, "error": errors,
            "within_margin": all(abs(e) <= margin for e in errors.values())}


def one_size(count: int, workdir: Path, model_for: Any, margin: float) -> dict[str, Any]:
    """`make soak`'s fault-free run of `count` photos, and the model on its arrivals."""
    result = run(baseline_items(count), CLIENTS, dict(CHECK_ENV), 1, workdir)
    rows = result["uploads"]
    predicted = local.predict(model_for, rows)
    return {"uploads": count, "upload_seconds": result["upload_seconds"],
            "acknowledged": result["acknowledged"],
            "refused": dict(result["refused_or_failed_on_client"]),
            "statuses": result["audit"]["statuses"], "clean": result["clean"],
            **compare(rows, predicted, margin)}


def main(argv: list[str] | None = None) -> int:
    """Calibrate, run each size, compare, write the results."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale.check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--calibration", type=int, default=8, help="photos sent one at a time")
    parser.add_argument("--margin", type=float, default=0.25,
                        help="largest error allowed, as a share of the measured value")
    parser.add_argument("--save", action="store_true", help=f"also write {SAVED.name}")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    cpu = local.handler_cpu(measured.load())
    temp = Path(tempfile.mkdtemp(prefix="scale-check-"))
    print(f"calibrating: {args.calibration} photos one at a time", file=sys.stderr)
    calibration = calibrate(args.calibration, temp / "calibration", cpu)
    cores = os.cpu_count() or 1
    model = local.local_model(cpu, calibration, WORKERS, cores)
    sizes = []
    for count in args.uploads:
        print(f"soak, no faults: {count} photos", file=sys.stderr)
        sizes.append(one_size(count, temp / f"run-{count}", model, args.margin))
    results = {"machine": machine.describe(), "margin": args.margin, "workers": WORKERS,
               "cores": cores, "clients": CLIENTS,
               "calibration": {"overhead": round(calibration.overhead, 3),
                               "fixed_delay_s": round(calibration.fixed_delay_seconds, 3),
                               "background_cores": round(calibration.background_cores, 3),
                               "samples": list(calibration.samples)},
               "sizes": sizes}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{results['machine']['date'][:10]}-{socket.gethostname()}-scale-check.md"
    path.write_text(markdown(results))
    if args.save:
        SAVED.write_text(json.dumps(results, indent=1) + "\n")
    verdict = all(size.get("within_margin") for size in sizes)
    print(markdown(results))
    print(f"scale check: {'within' if verdict else 'NOT within'} {args.margin:.0%}; {path}",
          file=sys.stderr)
    return 0 if verdict else 1


def markdown(results: Mapping[str, Any]) -> str:
    """The verdict table first, then the calibration, then the machine."""
    lines = ["# The scale model against `make soak` on the local stack", "",
             f"Margin: {results['margin']:.0%} of the measured value; {results['workers']} "
             f"handler processes on {results['cores']} cores, {results['clients']} clients.", "",
             "| uploads | seen | upload phase | measured p50 / p95 / last | predicted p50 / p95 / "
             "last | error p50 / p95 / last | within |", "|---|---|---|---|---|---|---|"]
    for size in results["sizes"]:
        if not size.get("seen"):
            lines.append(f"| {size['uploads']} | 0 | | | | | no |")
            continue
        m, p, e = size["measured"], size["predicted"], size["error"]
        lines.append(
            f"| {size['uploads']} | {size['seen']} of {size['of']} | {size['upload_seconds']} s "
            f"| {m['p50']} / {m['p95']} / {m['max']} s | {p['p50']} / {p['p95']} / {p['max']} s "
            f"| {e['p50']:+.0%} / {e['p95']:+.0%} / {e['max']:+.0%} "
            f"| {'yes' if size['within_margin'] else 'no'} |")
    cal = results["calibration"]
    lines += ["", "## Calibration", "",
              f"- overhead (the stack's CPU per upload over its handlers', or its own process's"
              f" times the cores if that is more): {cal['overhead']}",
              f"- fixed delay per upload (waiting, not work): {cal['fixed_delay_s']} s",
              f"- the idle stack's pollers: {cal['background_cores']} cores", "",
              "| photo | latency alone | the stack's CPU | of it its own process |",
              "|---|---|---|---|",
              *[f"| {s['label']} | {s['latency_s']} s | {s['stack_cpu_s']} s | "
                f"{s.get('main_cpu_s', '-')} s |" for s in cal["samples"]], "", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
