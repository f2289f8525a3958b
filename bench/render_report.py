"""The render benchmark's results file: machine, tables, targets with pass/fail, raw JSON."""

from __future__ import annotations

import json
import socket
import statistics
from pathlib import Path
from typing import Any

from bench.render_rows import SERVICE_OP, SERVICE_SET
from bench.render_stats import op_verdict, percent_change, ratio, set_verdict


def write(results: dict[str, Any], folder: Path) -> Path:
    """Save as `<UTC date>-<host>-render.md` in `folder` (a rerun the same day replaces it)."""
    folder.mkdir(parents=True, exist_ok=True)
    day = results["machine"]["date"][:10]
    path = folder / f"{day}-{socket.gethostname()}-render.md"
    path.write_text(markdown(results))
    return path


def markdown(results: dict[str, Any]) -> str:
    """The whole results file of a `make bench-render` run."""
    lines = ["# Render benchmark (issue 6, items 1 and 2)", ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    lines += [f"- run: {json.dumps(results['config'])}", "", section(results)]
    lines += ["## Targets (issue 6)", "", *targets(results), ""]
    raw = json.dumps(results, indent=1, default=str)
    lines += ["## Raw numbers", "", "```json", raw, "```", ""]
    return "\n".join(lines)


def section(results: dict[str, Any]) -> str:
    """Items 1 and 2: tables, where the service's CPU goes, every row's verdict, notes."""
    lines = []
    if results["sharp_missing"]:
        lines += [f"sharp was not measured: {results['sharp_missing']}.", ""]
    op, rendition_set = results["op"], results["set"]
    lines += [f"## 1. sharp's operation: {op['input']} ({op['input_bytes']:,} B) -> "
              f"{op['output']}, one thread", "", *_op_table(op["rows"]), ""]
    lines += [f"## 2. Rendition set from {rendition_set['input']} "
              f"({rendition_set['input_bytes']:,} B): {', '.join(rendition_set['renditions'])}",
              "", *_set_table(rendition_set["rows"]), ""]
    lines += ["### Where the service path's CPU goes (ms per call, median (min-max))", "",
              *_breakdown(rendition_set["breakdown"]), ""]
    lines += ["### Items 1 and 2, every row against its target", "", *targets(results), ""]
    lines += ["### How items 1 and 2 are measured", "",
              *[f"- {note}" for note in NOTES + results["notes"]], ""]
    return "\n".join(lines)


def verdicts(results: dict[str, Any]) -> list[str]:
    """The two target lines that count: the service path's rows."""
    op_rows, set_rows = results["op"]["rows"], results["set"]["rows"]
    if "sharp" not in op_rows:
        return ["(1), (2): not judged, sharp was not measured"]
    return [f"(1) {_op_line(SERVICE_OP, op_rows[SERVICE_OP], op_rows['sharp'])}",
            f"(2) {_set_line(SERVICE_SET, set_rows[SERVICE_SET], set_rows['sharp'])}"]


def _op_table(rows: dict[str, dict[str, Any]]) -> list[str]:
    base = rows.get("sharp")
    out = ["| engine | ops/s median (min-max, spread) | x sharp | CPU ms/op | x sharp by CPU | "
           "bytes | bytes vs sharp | PSNR dB | PSNR vs sharp |", "|" + "---|" * 9]
    for name, row in rows.items():
        ops = row["ops_per_s"]
        cells = [name, f"{ops['median']:.1f} ({ops['min']:.1f}-{ops['max']:.1f}, "
                 f"{ops['spread_pct']}%)", _vs(ops["median"], base, "ops"),
                 f"{row['cpu_ms']['median']:.2f}", _cpu_speed(row, base), f"{row['bytes']:,}",
                 _pct(row["bytes"], base["bytes"] if base else None), f"{row['psnr_db']:.2f}",
                 f"{row['psnr_db'] - base['psnr_db']:+.2f}" if base else "-"]
        out.append("| " + " | ".join(cells) + " |")
    return out


def _set_table(rows: dict[str, dict[str, Any]]) -> list[str]:
    base = rows.get("sharp")
    out = ["| way | CPU ms/set median (min-max, spread) | x sharp CPU | wall ms | bytes per "
           "rendition | total bytes vs sharp | PSNR dB per rendition | mean PSNR vs sharp |",
           "|" + "---|" * 8]
    for name, row in rows.items():
        cpu = row["cpu_ms"]
        psnr_gap = _mean_psnr(row) - _mean_psnr(base) if base else None
        cells = [name, f"{cpu['median']:.1f} ({cpu['min']:.1f}-{cpu['max']:.1f}, "
                 f"{cpu['spread_pct']}%)", _vs(cpu["median"], base, "cpu"),
                 f"{row['wall_ms']['median']:.1f}", " / ".join(f"{b:,}" for b in row["bytes"]),
                 _pct(sum(row["bytes"]), sum(base["bytes"]) if base else None),
                 " / ".join(f"{p:.2f}" for p in row["psnr_db"]),
                 f"{psnr_gap:+.2f}" if psnr_gap is not None else "-"]
        out.append("| " + " | ".join(cells) + " |")
    return out


def _cpu_speed(row: dict[str, Any], base: dict[str, Any] | None) -> str:
    """How many times faster than sharp by CPU per op (steadier than wall on a busy box)."""
    return f"{ratio(base['cpu_ms']['median'], row['cpu_ms']['median']):.3f}" if base else "-"


def _breakdown(rows: dict[str, dict[str, Any]]) -> list[str]:
    return [f"- {name}: {row['median']:.1f} ({row['min']:.1f}-{row['max']:.1f})"
            for name, row in rows.items()]


def targets(results: dict[str, Any]) -> list[str]:
    """Pass/fail of targets (1) and (2) for the service path, and for each other row."""
    op_rows, set_rows = results["op"]["rows"], results["set"]["rows"]
    if "sharp" not in op_rows:
        return ["- (1), (2): not judged, sharp was not measured."]
    lines = ["- (1) >= 1.0x sharp's ops/s, PSNR within 0.2 dB of sharp's (higher is fine), "
             "bytes within 3%:"]
    lines += [f"  - {_op_line(name, row, op_rows['sharp'])}" for name, row in op_rows.items()
              if name != "sharp"]
    lines += ["- (2) <= 0.72x the CPU of sharp's independent pipelines, renditions still built "
              "in parallel invocations (only the service and parallel-shaped rows qualify):"]
    lines += [f"  - {_set_line(name, row, set_rows['sharp'])}" for name, row in set_rows.items()
              if name != "sharp"]
    return lines


def _op_line(name: str, row: dict[str, Any], base: dict[str, Any]) -> str:
    speed = ratio(row["ops_per_s"]["median"], base["ops_per_s"]["median"])
    gap = round(row["psnr_db"] - base["psnr_db"], 2)
    size = percent_change(row["bytes"], base["bytes"])
    verdict = "PASS" if op_verdict(speed, gap, size) else "FAIL"
    main = " (the service path: this is the target's row)" if name == SERVICE_OP else ""
    by_cpu = _cpu_speed(row, base)
    return (f"{name}{main}: {speed}x ops/s ({by_cpu}x by CPU), PSNR {gap:+.2f} dB, "
            f"bytes {size:+.2f}%: {verdict}")


def _set_line(name: str, row: dict[str, Any], base: dict[str, Any]) -> str:
    cpu = ratio(row["cpu_ms"]["median"], base["cpu_ms"]["median"])
    size = percent_change(sum(row["bytes"]), sum(base["bytes"]))
    gap = round(_mean_psnr(row) - _mean_psnr(base), 2)
    qualifies = name.startswith(("service", "parallel", "before"))
    verdict = ("PASS" if set_verdict(cpu) else "FAIL") if qualifies else "n/a (not parallel)"
    main = " (the service path: this is the target's row)" if name == SERVICE_SET else ""
    return f"{name}{main}: {cpu}x CPU, bytes {size:+.2f}%, mean PSNR {gap:+.2f} dB: {verdict}"


def _mean_psnr(row: dict[str, Any]) -> float:
    return float(statistics.fmean(row["psnr_db"]))


def _vs(value: float, base: dict[str, Any] | None, key: str) -> str:
    if not base:
        return "-"
    field = "ops_per_s" if key == "ops" else "cpu_ms"
    return f"{ratio(value, base[field]['median']):.3f}"


def _pct(value: int, base: int | None) -> str:
    return f"{percent_change(value, base):+.2f}%" if base else "-"


NOTES = [
    "ops/s is wall-clock with one libvips thread (VIPS_CONCURRENCY=1, sharp.concurrency(1)), "
    "operation caches off on both sides; CPU is process CPU (every thread), "
    "time.process_time in Python and process.cpuUsage in Node.",
    "Rounds: Python rows round-robin, sharp in its own Node process, alternating in blocks of "
    "two rounds so noise lands on both; spread = (max - min) / median. Verdicts use the "
    "wall-clock ops/s median; the CPU ratio is shown beside it because other work on the "
    "machine moves wall time more than CPU time.",
    "PSNR is against a full-resolution decode resized with Lanczos3 to the same size, all "
    "bands; sizes that differ are resized to the reference first.",
    "The service rows call chalicelib's VipsProcessor exactly as ingest and render do "
    "(time budget included); the other rows are candidates measured, not what ships.",
    "Both libvips builds use mozjpeg (sharp's and pyvips-binary's), libvips 8.18.7 on both "
    "sides; JPEG is baseline with optimised Huffman tables on both (the service wrote "
    "progressive JPEG before issue 6).",
    "The 'before issue 6' rows rebuild the old service path inside the bench (thumbnail_buffer "
    "master; progressive JPEG) so before and after are measured in the same run.",
    "Inputs are upscaled from a small real photo: smoother than a camera file, so absolute "
    "ms and bytes are lower than for real 24 MP photos; the ratios are what to read.",
]
