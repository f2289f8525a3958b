"""Render benchmark (issue 6, items 1 and 2): our render engine against sharp, one thread.

    .venv/bin/python -m bench.render [--rounds 10] [--ops 25] [--photo NAME] [--no-sharp]

1. sharp's own benchmark operation: a 2725x2225 JPEG to 720x588 JPEG q80, in memory:
   ops/s, output bytes and PSNR against a full-resolution Lanczos3 reference.
2. The default rendition set (WebP q82 at 200/400/1080/2048) from a 24 MP JPEG: CPU ms per
   set along the service's path, sharp's independent pipelines, and our own alternatives.
Inputs are made at bench time from a real photo. Python variants and sharp alternate in
blocks of two rounds so machine noise lands on both. Writes bench/results/<date>-<host>-render.md.
Numbers, not assertions: nothing here fails on a slow run.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import machine, render_report, render_rows, sharp
from bench import render_inputs as inputs
from bench.render_stats import spread
from chalicelib.config import DEFAULT_PROFILE
from chalicelib.domain.renditions import RenditionSpec, Size, fit_width, parse_profile

RESULTS = Path(__file__).resolve().parent / "results"
OP_SOURCE, OP_TARGET, OP_QUALITY = Size(2725, 2225), Size(720, 588), 80
SET_SOURCE = Size(6000, 4000)
BLOCK = 2  # rounds per Python/sharp alternation
Job = render_rows.Job


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds per row (10)")
    parser.add_argument("--ops", type=int, default=25, help="operations per item-1 round (25)")
    parser.add_argument("--photo", default=inputs.DEFAULT_PHOTO, help="sample photo to grow")
    parser.add_argument("--no-sharp", action="store_true", help="skip sharp (Node.js)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the .md goes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Make the inputs, run both items, write the results file."""
    args = _arguments(argv)
    results = measure(rounds=args.rounds, ops=args.ops, photo=args.photo,
                      use_sharp=not args.no_sharp)
    path = render_report.write(results, args.results)
    print(render_report.markdown(results).split("## Raw numbers")[0])
    print(f"results written to {path}")
    return 0


def measure(quick: bool = False, rounds: int = 10, ops: int = 25,
            photo: str = inputs.DEFAULT_PHOTO, use_sharp: bool = True) -> dict[str, Any]:
    """Items 1 and 2 (`quick`: two rounds of three ops, for tests); JSON-ready numbers."""
    if quick:
        rounds, ops = 2, 3
    os.environ["VIPS_CONCURRENCY"] = "1"  # read when libvips starts: before any pyvips import
    args = argparse.Namespace(rounds=rounds, ops=ops, photo=photo)
    results: dict[str, Any] = {"machine": machine.describe(), "notes": [], "config": {
        "rounds": rounds, "ops_per_round": ops, "photo": photo}}
    missing = sharp.unavailable() if use_sharp else "skipped (--no-sharp)"
    if missing and use_sharp and "not installed (run" in missing:
        missing = sharp.install() or sharp.unavailable()
    results["sharp_missing"] = missing
    source = inputs.SAMPLES / photo
    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        results["op"] = _item_op(source, Path(folder), args, missing)
        results["set"] = _item_set(source, Path(folder), args, missing)
    results["machine"].update(_engine_versions(results))
    return results


section = render_report.section
verdicts = render_report.verdicts


def _item_op(photo: Path, folder: Path, args: argparse.Namespace, missing: str | None
             ) -> dict[str, Any]:
    data = inputs.make_photo(photo, OP_SOURCE.width, OP_SOURCE.height)
    source = folder / "op.jpg"
    source.write_bytes(data)
    ref = inputs.reference(inputs.full_decode(data), OP_TARGET.width, OP_TARGET.height)
    width, quality = OP_TARGET.width, OP_QUALITY
    rows = render_rows.op_rows(data, width, quality)
    job = {"mode": "op", "input": str(source), "width": OP_TARGET.width, "height":
           OP_TARGET.height, "quality": quality, "ops": args.ops, "warmup": 5,
           "output_prefix": str(folder / "sharp-op-")}  # fmt: skip
    measured = _interleave(rows, job, args.rounds, args.ops, missing)
    for row in measured.values():
        row["bytes"] = len(row.pop("outputs")[0])
        row["psnr_db"] = inputs.psnr_of(row.pop("output_data")[0], ref)
    return {"input_bytes": len(data), "input": f"{OP_SOURCE.width}x{OP_SOURCE.height} q90 4:2:0",
            "output": f"{width}x{OP_TARGET.height} JPEG q{quality}", "rows": measured}


def _item_set(photo: Path, folder: Path, args: argparse.Namespace, missing: str | None
              ) -> dict[str, Any]:
    specs = parse_profile(json.loads(DEFAULT_PROFILE))
    data = inputs.make_photo(photo, SET_SOURCE.width, SET_SOURCE.height)
    source = folder / "set.jpg"
    source.write_bytes(data)
    full = inputs.full_decode(data)
    refs = [_set_reference(full, spec) for spec in specs]
    del full
    rows = render_rows.set_rows(data, specs)
    job = {"mode": "set", "input": str(source), "widths": [s.width for s in specs],
           "quality": specs[0].quality, "warmup": 1, "output_prefix": str(folder / "sharp-set-")}
    measured = _interleave(rows, job, args.rounds, 1, missing)
    for row in measured.values():
        row.pop("outputs")
        outputs = row.pop("output_data")
        row["bytes"] = [len(o) for o in outputs]
        row["psnr_db"] = [inputs.psnr_of(o, ref) for o, ref in zip(outputs, refs, strict=True)]
    return {"input_bytes": len(data), "input": f"{SET_SOURCE.width}x{SET_SOURCE.height} q90 "
            "4:2:0", "renditions": [f"{s.name} {s.width} {s.format} q{s.quality}" for s in specs],
            "rows": measured, "breakdown": _breakdown(data, specs, args.rounds)}  # fmt: skip


def _breakdown(data: bytes, specs: tuple[RenditionSpec, ...], rounds: int
               ) -> dict[str, dict[str, Any]]:
    """CPU ms of each step of the service path (and two candidate steps), round-robin."""
    rows = render_rows.breakdown_rows(data, specs)
    for run in rows.values():
        run()
    cpu: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(rounds):
        for name, run in rows.items():
            cpu[name].append(_time(run, 1)[1])
    return {name: spread(values) for name, values in cpu.items()}


def _set_reference(full: Any, spec: RenditionSpec) -> Any:
    target = fit_width(Size(full.width, full.height), spec.width)
    return inputs.reference(full, target.width, target.height)


def _interleave(rows: dict[str, Job], job: dict[str, Any], rounds: int, per_round: int,
                missing: str | None) -> dict[str, dict[str, Any]]:
    """Warm up, then blocks of two rounds: every Python row round-robin, then sharp in Node,
    so noise from the rest of the machine lands on both; medians at the end."""
    samples: dict[str, dict[str, list[float]]] = {n: {"wall": [], "cpu": []} for n in rows}
    outputs = {name: _as_list(run()) for name, run in rows.items()}  # the warm-up
    sharp_runs = []
    for block in [min(BLOCK, rounds - done) for done in range(0, rounds, BLOCK)]:
        for _ in range(block):
            for name, run in rows.items():
                wall, cpu = _time(run, per_round)
                samples[name]["wall"].append(wall)
                samples[name]["cpu"].append(cpu)
        if not missing:
            sharp_runs.append(sharp.run({**job, "rounds": block}))
    measured = {name: _summary(s["wall"], s["cpu"], per_round) | {
        "outputs": outputs[name], "output_data": outputs[name]} for name, s in samples.items()}
    if sharp_runs:
        measured["sharp"] = _sharp_summary(sharp_runs, per_round)
    return measured


def _time(run: Job, count: int) -> tuple[float, float]:
    """Wall and process-CPU milliseconds per call (CPU counts every thread of the process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        run()
    return ((time.perf_counter() - wall) * 1000 / count,
            (time.process_time() - cpu) * 1000 / count)


def _summary(wall_ms: list[float], cpu_ms: list[float], per_round: int) -> dict[str, Any]:
    row = {"wall_ms": spread(wall_ms), "cpu_ms": spread(cpu_ms)}
    if per_round > 1:
        row["ops_per_s"] = spread([1000 / ms for ms in wall_ms])
    return row


def _sharp_summary(runs: list[dict[str, Any]], per_round: int) -> dict[str, Any]:
    wall = [ms for run in runs for ms in run["wall_ms"]]
    cpu = [ms for run in runs for ms in run["cpu_ms"]]
    data = runs[-1]["output_data"]
    versions = {k: runs[-1][k] for k in ("node", "sharp", "libvips", "jpeg", "webp")}
    return _summary(wall, cpu, per_round) | {"outputs": data, "output_data": data,
                                             "versions": versions}


def _as_list(output: bytes | list[bytes]) -> list[bytes]:
    return [output] if isinstance(output, bytes) else list(output)


def _engine_versions(results: dict[str, Any]) -> dict[str, str]:
    import pyvips

    found = {"libvips (pyvips)": ".".join(str(pyvips.version(i)) for i in range(3)),
             "VIPS_CONCURRENCY": os.environ["VIPS_CONCURRENCY"]}
    versions = results["op"]["rows"].get("sharp", {}).get("versions", {})
    found.update({f"sharp side: {k}": v for k, v in versions.items()})
    return found


if __name__ == "__main__":
    raise SystemExit(main())
