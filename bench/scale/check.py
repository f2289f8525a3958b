"""`make scale-check`: the model's predictions for the local stack against `make soak`'s
measurements, at the sizes the local stack reaches (50 and 500 uploads by default).

1. Calibrate (bench/scale/local.py) on a fresh stack: warm-ups, photos sent one at a time,
   then a burst sent by CLIENTS clients; the stack's REPORT lines (one per invocation, as
   Lambda logs them) give each function's duration alone and busy.
2. For each size: `make soak`'s fault-free run (`bench.soak.run`: a fresh stack, two handler
   processes, 8 clients sending as fast as the stack takes them, a watcher listing the index
   once a second), then the model fed the same arrivals (each photo when it was acknowledged)
   predicts when each becomes searchable.
3. Compare p50, p95 and the last photo's latency; the verdict is whether every one is within
   the margin.

Writes bench/results/<date>-<host>-scale-check.md, and bench/scale/local_check.json with --save.

    python -m bench.scale.check [--uploads 50 500] [--calibration 8] [--burst 24]
        [--margin 0.25] [--save]
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
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import requests

from bench import machine
from bench.scale import local
from bench.soak import RESULTS, SETTLE_SECONDS, SOAK_ENV, USERS, baseline_items, run
from bench.soak_audit import searchable_ids
from bench.soak_client import Traffic, send_all, upload
from bench.soak_inputs import SoakItem, distinct_photos
from bench.stack import StackProcess
from infra.local.workers import Report, report_of

SAVED = Path(__file__).with_name("local_check.json")
WORKERS = 2  # bench.stack.StackProcess's default, as `make soak` runs it
# make soak's settings, with room for a whole run in flight: the four contributors may each
# have 20 uploads pending by default, and past that the grant answers 429 (a quota, not the
# pipeline's capacity, which is what is measured here).
CHECK_ENV = {**SOAK_ENV, "UPLOAD_MAX_PENDING": "1000"}
CLIENTS = 8
POLL_SECONDS = 0.1
WARM_UPS = 4  # photos sent before calibrating, not counted: one of each size
SEEN_TIMEOUT = 120.0


def reports_since(log: Path, offset: int) -> tuple[list[Report], int]:
    """The REPORT lines the stack logged after byte `offset`, and the log's end."""
    with open(log, "rb") as handle:
        handle.seek(offset)
        text = handle.read()
    found = [report_of(line) for line in text.decode("utf-8", "replace").splitlines()]
    return [r for r in found if r is not None], offset + len(text)


def wait_seen(base_url: str, image_ids: Collection[str], session: requests.Session) -> float:
    """Poll the index every POLL_SECONDS until every one of `image_ids` is listed; the
    monotonic time."""
    deadline = time.monotonic() + SEEN_TIMEOUT
    while time.monotonic() < deadline:
        if set(image_ids) <= searchable_ids(base_url, session):
            return time.monotonic()
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"not searchable after {SEEN_TIMEOUT:.0f} s")


def calibrate(count: int, burst: int, workdir: Path) -> local.Calibration:
    """On a fresh stack: warm-ups, `count` photos one at a time, then `burst` photos sent by
    CLIENTS clients at once; the stack's REPORT lines for each phase."""
    from bench.e2e_client import contributor_token

    workdir.mkdir(parents=True)
    stack = StackProcess(workdir, workers=WORKERS, env=CHECK_ENV)
    base_url = stack.start()
    log = workdir / "stack.log"
    try:
        tokens = [contributor_token(workdir, user) for user in USERS]
        session = requests.Session()
        photos = distinct_photos(WARM_UPS + count + burst, seed=99)  # not the runs' photos
        items = [SoakItem(i, "good", data, "image/jpeg", f"cal-{i:03d}.jpg", label)
                 for i, (label, data) in enumerate(photos)]
        for item in items[:WARM_UPS]:  # each process's first ingest and render import libraries
            _send_and_wait(base_url, tokens[0], item, session)
        _, offset = reports_since(log, 0)
        samples = []
        for item in items[WARM_UPS:WARM_UPS + count]:
            latency = _send_and_wait(base_url, tokens[0], item, session)
            time.sleep(1.0)  # the work after the ready write (clean-up) belongs to this photo
            reports, offset = reports_since(log, offset)
            samples.append(sample(item.label, latency, reports))
        busy = _burst(base_url, tokens, items[WARM_UPS + count:], session)
        reports, _ = reports_since(log, offset)
    finally:
        stack.stop()
    return local.calibrated(samples, busy_of(busy, reports), POLL_SECONDS)


def durations(reports: Sequence[Report], function: str) -> tuple[float, ...]:
    """How long each of `function`'s invocations took, in the order they ended."""
    return tuple(r.seconds for r in reports if r.function == function)


def sample(label: str, latency: float, reports: Sequence[Report]) -> local.Sample:
    """One photo alone from its invocations' REPORT lines."""
    indexer = durations(reports, "indexer")
    return local.Sample(
        label, round(latency, 3), ingest_s=sum(durations(reports, "ingest")),
        render_s=durations(reports, "render"),
        indexer_s=sum(indexer) / len(indexer) if indexer else 0.0)


def busy_of(labels: Sequence[str], reports: Sequence[Report]) -> local.Busy:
    """A burst's invocations, by function."""
    return local.Busy(
        tuple(labels), ingest_s=sum(durations(reports, "ingest")),
        render_s=sum(durations(reports, "render")),
        indexer=tuple((r.records, r.seconds) for r in reports if r.function == "indexer"))


def _burst(base_url: str, tokens: Sequence[str], items: Sequence[SoakItem],
           session: requests.Session) -> list[str]:
    traffic = Traffic()
    send_all(base_url, tokens, items, CLIENTS, traffic)
    acked = traffic.acknowledged()
    if len(acked) != len(items):
        raise RuntimeError(f"calibration burst: {len(items) - len(acked)} uploads refused")
    wait_seen(base_url, [s.image_id for s in acked], session)
    time.sleep(1.0)
    return [s.item.label for s in acked]


def _send_and_wait(base_url: str, token: str, item: SoakItem, session: requests.Session
                   ) -> float:
    sent = upload(session, base_url, token, item)
    if sent.acknowledged_at is None:
        raise RuntimeError(f"calibration upload refused: {sent.error}")
    return wait_seen(base_url, [sent.image_id], session) - sent.acknowledged_at


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
    result = run(baseline_items(count), CLIENTS, dict(CHECK_ENV), 1, workdir,
                 settle_seconds=settle_for(count))
    rows = result["uploads"]
    predicted = local.predict(model_for, rows)
    return {"uploads": count, "upload_seconds": result["upload_seconds"],
            "acknowledged": result["acknowledged"],
            "refused": dict(result["refused_or_failed_on_client"]),
            "statuses": result["audit"]["statuses"], "clean": result["clean"],
            **compare(rows, predicted, margin)}


def settle_for(count: int) -> float:
    """How long a run may take to finish its photos: `make soak`'s wait, or 5 s a photo if
    that is longer (two cores take 2-3 s a photo; 500 did not finish in 15 minutes)."""
    return max(SETTLE_SECONDS, 5.0 * count)


def main(argv: list[str] | None = None) -> int:
    """Calibrate, run each size, compare, write the results."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale.check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--calibration", type=int, default=8, help="photos sent one at a time")
    parser.add_argument("--burst", type=int, default=24, help="photos sent at once after them")
    parser.add_argument("--margin", type=float, default=0.25,
                        help="largest error allowed, as a share of the measured value")
    parser.add_argument("--save", action="store_true", help=f"also write {SAVED.name}")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    temp = Path(tempfile.mkdtemp(prefix="scale-check-"))
    print(f"calibrating: {args.calibration} photos one at a time, then {args.burst} at once",
          file=sys.stderr)
    calibration = calibrate(args.calibration, args.burst, temp / "calibration")
    cores = os.cpu_count() or 1
    model = local.local_model(calibration, WORKERS, cores)
    sizes = []
    for count in args.uploads:
        print(f"soak, no faults: {count} photos", file=sys.stderr)
        sizes.append(one_size(count, temp / f"run-{count}", model, args.margin))
    results = {"machine": machine.describe(), "margin": args.margin, "workers": WORKERS,
               "cores": cores, "clients": CLIENTS, "calibration": described(calibration),
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


def described(calibration: local.Calibration) -> dict[str, Any]:
    """The calibration as the results file keeps it."""
    def line(value: local.Line) -> list[float]:
        return [round(value.base, 4), round(value.per_unit, 4)]

    return {"ingest_s": line(calibration.ingest), "render_s": line(calibration.render),
            "indexer_s": line(calibration.indexer),
            "stretch": [round(f, 3) for f in calibration.stretch],
            "fixed_delay_s": round(calibration.fixed_delay_seconds, 3),
            "records_per_upload": calibration.records_per_upload,
            "samples": [{"label": s.label, "latency_s": s.latency_s,
                         "ingest_s": round(s.ingest_s, 3),
                         "render_s": [round(r, 3) for r in s.render_s],
                         "indexer_s": round(s.indexer_s, 3)} for s in calibration.samples]}


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
              f"- seconds a message holds a handler process, the stack busy (fixed + per MP): "
              f"ingest {cal['ingest_s'][0]} + {cal['ingest_s'][1]}/MP, render "
              f"{cal['render_s'][0]} + {cal['render_s'][1]}/MP; busy over alone: ingest "
              f"x{cal['stretch'][0]}, render x{cal['stretch'][1]}",
              f"- indexer: {cal['indexer_s'][0]} s a batch + {cal['indexer_s'][1]} s a record, "
              f"{cal['records_per_upload']} records an upload",
              f"- fixed delay per upload (waiting, not work): {cal['fixed_delay_s']} s", "",
              "| photo alone | latency | ingest | renders | indexer |", "|---|---|---|---|---|",
              *[f"| {s['label']} | {s['latency_s']} s | {s['ingest_s']} s | "
                f"{', '.join(str(r) for r in s['render_s'])} s | {s['indexer_s']} s |"
                for s in cal["samples"]], "", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
