"""Item 3's markdown: tables, where the CPU goes, method notes, and the target lines."""

from __future__ import annotations

import json
from typing import Any

from bench.e2e_inputs import CLASS_ORDER, TARGET_CLASS
from bench.e2e_stats import latency_verdict, throughput_verdict

NOTES = [
    "Inputs: real photos (the local stack's samples) cropped and upscaled with Lanczos3, JPEG "
    "q90 4:2:0, no metadata; 2, 6, 12 (4:3 and 3:2) and 24 MP, every other one portrait. "
    "Upscaled photos compress better than camera files, so uploads are smaller than a "
    "camera's (see MB).",
    "A browser's path over HTTP only: a contributor's access token made as `make token` does, "
    "POST /api/uploads, the file to the presigned POST (fields, file last), then polling.",
    "Times run from the end of the S3 POST to the arrival of the first answer showing the "
    "image ready (GET /api/images/<id>) or found (anonymous GET /api/search?q=<its unique "
    "title word>); search is polled only once the image is ready, since only ready images "
    "are indexed. Polling resolution: see the config below.",
    "Throughput: photos/min from the first upload's start to the moment search first found "
    "the last photo; every round uploads the same photos again (new images, new words).",
    "After each phase its images are deleted through the API (untimed) and the next phase "
    "starts once search no longer finds them, so every phase meets a nearly empty stack.",
    "Render-only capacity: for every photo the pixel work ingest and render do (header probe, "
    "master, summary, ingest's inline cascade, one render from the stored master per "
    "fanned-out rendition) through chalicelib's VipsProcessor, in a pool of one process per "
    "core, no AWS, measured before the stack starts; photos/min per pass over all photos.",
    "Snapshots: the stack pickles moto's whole state (S3 objects included) every 30 s while "
    "it changes, holding moto's requests back meanwhile; a snapshot is listed with the phase "
    "during which its file was replaced (its pause began before that).",
    "CPU: user+system seconds from /proc of the stack's process (moto, the HTTP front, the "
    "event pollers, threads) and of its worker processes (the Lambda handlers), during each "
    "throughput round; the client's own CPU is not in it.",
]


def verdicts(results: dict[str, Any]) -> list[str]:
    """The two lines of target (3)."""
    runs = results["throughput"]["rounds"]
    errors = sum(len(run["errors"]) for run in runs)
    return [latency_verdict(results["latency"], TARGET_CLASS),
            throughput_verdict(results["throughput"]["photos_per_min"]["median"],
                               results["capacity"]["photos_per_min"]["median"], errors)]


def section(results: dict[str, Any]) -> str:
    """Item 3: latency per size, throughput rounds, capacity, CPU per photo, errors, method."""
    config, latency = results["config"], results["latency"]
    lines = [f"## 3. End to end on the local stack: {config['photos']} photos, "
             f"{config['workers']} handler processes", ""]
    lines += [f"The real local stack (`python -m infra.local --workers {config['workers']}`; "
              "3 is `make run`'s default) on "
              f"{results['machine'].get('cores', '?')} cores, one contributor.", ""]
    lines += ["### One photo at a time: upload -> ready, upload -> searchable (s)", "",
              *_latency_table(latency, results["inputs"]), "",
              f"State snapshots saved meanwhile (MB): {_sizes(latency['snapshots_mb'])}; the "
              f"stack's state at the end: {results.get('state_mb_at_end')} MB pickled.", ""]
    lines += [f"### All at once: {config['uploaders']} concurrent uploaders", "",
              *_throughput_table(results["throughput"]), ""]
    lines += ["### Render-only capacity (same photos, no AWS, stack not running)", "",
              *_capacity_lines(results["capacity"]), ""]
    lines += ["### Where the CPU goes (per photo, throughput rounds)", "",
              *_cpu_lines(results), ""]
    errors = _errors(results)
    if errors:
        lines += ["### Errors", "", *[f"- {error}" for error in errors], ""]
    lines += ["### Target (3)", "", *[f"- {line}" for line in verdicts(results)], ""]
    lines += ["### How item 3 is measured", "", *[f"- {note}" for note in NOTES],
              f"- Config: {json.dumps(config)}", ""]
    return "\n".join(lines)


def document(results: dict[str, Any]) -> str:
    """A standalone results file: machine, the section, the raw numbers."""
    lines = ["# End-to-end benchmark (issue 6, item 3)", ""]
    if results.get("quick"):
        lines += ["**Quick run: plumbing only, the numbers mean nothing.**", ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    lines += ["", section(results), "## Raw numbers", "", "```json",
              json.dumps(results, indent=1, default=str), "```", ""]
    return "\n".join(lines)


def _seconds(row: dict[str, Any] | None) -> list[str]:
    if not row or row["p50"] is None:
        return ["-", "-", "-"]
    return [f"{row['p50']:.2f}", f"{row['p95']:.2f}", f"{row['min']:.2f}-{row['max']:.2f}"]


def _latency_table(latency: dict[str, Any], sizes: dict[str, Any]) -> list[str]:
    out = ["| size | photos | MB (median) | ready p50 | ready p95 | ready min-max | "
           "searchable p50 | searchable p95 | searchable min-max |", "|" + "---|" * 9]
    classes = [name for name in CLASS_ORDER if name in latency["by_class"]]
    for name in classes:
        row = latency["by_class"][name]
        label = f"**{name}**" if name == TARGET_CLASS else name
        cells = [label, str(row["ready"]["n"]), f"{sizes[name]['median_mb']:.2f}",
                 *_seconds(row["ready"]), *_seconds(row["searchable"])]
        out.append("| " + " | ".join(cells) + " |")
    every = ["all", str(latency["ready"]["n"]), "", *_seconds(latency["ready"]),
             *_seconds(latency["searchable"])]
    out.append("| " + " | ".join(every) + " |")
    return out


def _throughput_table(throughput: dict[str, Any]) -> list[str]:
    out = ["| round | photos found | wall s | photos/min | upload -> searchable under load "
           "p50 / p95 s | stack process CPU s | worker processes CPU s | state snapshots saved "
           "(MB) |", "|" + "---|" * 8]
    for number, run in enumerate(throughput["rounds"], start=1):
        found = run["searchable"]
        under_load = f"{found['p50']:.2f} / {found['p95']:.2f}" if found["n"] else "-"
        cells = [str(number), str(run["found"]), f"{run['wall_s']:.1f}",
                 f"{run['photos_per_min']:.1f}", under_load, f"{run['cpu_s']['stack']:.1f}",
                 f"{run['cpu_s']['workers']:.1f}", _sizes(run["snapshots_mb"])]
        out.append("| " + " | ".join(cells) + " |")
    rate = throughput["photos_per_min"]
    out += ["", f"Median {rate['median']:.1f} photos/min ({rate['min']:.1f}-{rate['max']:.1f}, "
                f"spread {rate['spread_pct']}%)."]
    return out


def _sizes(snapshots: list[float]) -> str:
    return ", ".join(f"{size:,.0f}" for size in snapshots) or "none"


def _capacity_lines(capacity: dict[str, Any]) -> list[str]:
    rate = capacity["photos_per_min"]
    lines = [f"{capacity['processes']} processes (VIPS_CONCURRENCY {capacity['vips_concurrency']}"
             f"): median {rate['median']:.1f} photos/min ({rate['min']:.1f}-{rate['max']:.1f} over"
             f" {rate['n']} passes, spread {rate['spread_pct']}%); "
             f"{capacity['cpu_ms_per_photo']:.0f} CPU ms per photo on average.", "",
             "| size | CPU ms per photo (median) |", "|---|---|"]
    for name, row in capacity["cpu_s_by_class"].items():
        lines.append(f"| {name} | {1000 * row['p50']:.0f} |")
    return lines


def _cpu_lines(results: dict[str, Any]) -> list[str]:
    runs = [run for run in results["throughput"]["rounds"] if run["found"]]
    if not runs:
        return ["No round finished: nothing to divide."]
    photos = sum(run["found"] for run in runs)
    stack = 1000 * sum(run["cpu_s"]["stack"] for run in runs) / photos
    workers = 1000 * sum(run["cpu_s"]["workers"] for run in runs) / photos
    pixels = results["capacity"]["cpu_ms_per_photo"]
    wall = sum(run["wall_s"] for run in runs)
    cores = int(results["machine"].get("cores") or 1)
    busy = (stack + workers) * photos / 1000 / (wall * cores)
    return [f"- Stack process (moto, HTTP front, pollers): {stack:.0f} ms; worker processes "
            f"(handlers): {workers:.0f} ms, of which the pixel work alone costs {pixels:.0f} ms "
            f"(render-only run). Total {stack + workers:.0f} ms, "
            f"{(stack + workers) / pixels:.2f}x the pixel work.",
            f"- The stack kept {busy:.0%} of the {cores} cores busy during the rounds."]


def _errors(results: dict[str, Any]) -> list[str]:
    found = [f"latency, photo {row['index']} ({row['size_class']}): {row['error']}"
             for row in results["latency"]["rows"] if "error" in row]
    for number, run in enumerate(results["throughput"]["rounds"], start=1):
        found += [f"throughput round {number}: {error}" for error in run["errors"]]
    return found
