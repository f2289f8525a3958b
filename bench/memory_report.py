"""The memory benchmark's numbers turned into rows, verdicts, a MemorySize proposal and markdown.

Pure functions over the JSON `bench.memory.measure` returns. MB here is MiB (2**20 bytes):
Lambda's "MB" of memory is the same unit.
"""

from __future__ import annotations

import json
import math
from typing import Any

from bench.render_stats import spread

KIB_PER_MB = 1024
RENDER_LIMIT_MB = 600  # target (6): a render invocation on a 100 MP JPEG
BOMB_LIMIT_MB = 100  # target (6): ingest rejecting the bomb
BOMB_LIMIT_S = 1.0
HEADROOM = 1.5
STEP_MB = 64
FULL_VCPU_MB = 1769  # Lambda gives one whole vCPU at this memory size, a share below it
JUDGED = ("photo", "limit")  # the 100 MP inputs target (6) is about
SIZED = ("default", "warm")  # containers as deployed: fresh and reused
INPUTS = ("photo", "limit", "bomb")
SUFFIXES = {"limit": " at the upload limit", "bomb": " bomb"}


def run_of(report: dict[str, Any], index: int) -> dict[str, Any]:
    """One invocation of a child's report as a row: MB, seconds, threads and its outcome."""
    call = report["invocations"][index]
    peak = call["peak_kb"] if call["peak_reset"] else call["ru_maxrss_kb"]
    return {"init_mb": _mb(report["rss_after_init_kb"]), "init_s": report["init_s"],
            "baseline_mb": _mb(call["rss_before_kb"]), "peak_mb": _mb(peak),
            "ru_maxrss_mb": _mb(call["ru_maxrss_kb"]),
            "container_peak_mb": _mb(max(peak, report["peak_during_init_kb"])),
            "added_mb": _mb(peak - call["rss_before_kb"]), "wall_s": call["wall_s"],
            "cpu_s": call["cpu_s"], "threads": call["threads"], "outcome": outcome(call)}


def outcome(call: dict[str, Any]) -> str:
    """"ok", "batch item failed" or the last line of the error the handler raised."""
    if call.get("error"):
        return str(call["error"]).strip().splitlines()[-1][:200]
    result = call.get("result")
    if isinstance(result, dict) and result.get("batchItemFailures"):
        return "batch item failed"
    return "ok"


def _mb(kib: float) -> float:
    return round(kib / KIB_PER_MB, 1)


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians with min-max of a case's runs, and every distinct outcome."""
    return {"n": len(runs), "init_mb": spread([r["init_mb"] for r in runs]),
            "baseline_mb": spread([r["baseline_mb"] for r in runs]),
            "peak_mb": spread([r["peak_mb"] for r in runs]),
            "added_mb": spread([r["added_mb"] for r in runs]),
            "wall_s": spread([r["wall_s"] for r in runs]),
            "cpu_s": spread([r["cpu_s"] for r in runs]),
            "threads": max(r["threads"] for r in runs),
            "outcomes": sorted({r["outcome"] for r in runs})}


def cases_of(results: dict[str, Any], function: str, inputs: tuple[str, ...],
             variants: tuple[str, ...] = ("default",)) -> list[dict[str, Any]]:
    """The cases of `function` on these inputs (render inputs are "<input>:<rendition>")."""
    return [case for case in results["cases"] if case["function"] == function
            and case["input"].split(":")[0] in inputs and case["variant"] in variants]


def worst(cases: list[dict[str, Any]], key: str = "peak_mb") -> float | None:
    """The largest `key` over every run of `cases` (None without runs)."""
    values = [run[key] for case in cases for run in case["runs"]]
    return max(values) if values else None


def memory_size(peak_mb: float, headroom: float = HEADROOM, step: int = STEP_MB) -> int:
    """A MemorySize that holds `peak_mb` with `headroom`, rounded up to `step` (128 at least)."""
    return max(128, step * math.ceil(peak_mb * headroom / step))


def cpu_seconds_at(cpu_s: float, memory_mb: int) -> float:
    """Roughly how long `cpu_s` of single-threaded work takes at `memory_mb` on Lambda."""
    return round(cpu_s * max(1.0, FULL_VCPU_MB / memory_mb), 2)


def proposal(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per function: worst peak (default and warm containers), the size it needs, today's."""
    out = {}
    for function in ("ingest", "render"):
        cases = cases_of(results, function, INPUTS, SIZED)
        peak = worst(cases)
        if peak is None:
            continue
        need = memory_size(peak)
        cpu = worst(cases, "cpu_s") or 0.0
        now = results["configured_mb"].get(function)
        out[function] = {"worst_peak_mb": peak, "proposed_mb": need, "configured_mb": now,
                         "worst_cpu_s": cpu, "seconds_at_proposed": cpu_seconds_at(cpu, need),
                         "seconds_at_configured": cpu_seconds_at(cpu, now) if now else None}
    return out


def verdicts(results: dict[str, Any]) -> list[str]:
    """Target (6), one line per judged invocation: render, ingest (the decode), the bomb."""
    lines = []
    for function in ("render", "ingest"):
        cases = cases_of(results, function, JUDGED, SIZED)
        peak = worst(cases)
        if peak is None:
            lines.append(f"(6) {function}: not measured")
            continue
        fresh = [summary(c["runs"])["peak_mb"]["median"] for c in cases
                 if c["variant"] == "default"]
        verdict = "PASS" if peak <= RENDER_LIMIT_MB else "FAIL"
        lines.append(f"(6) {function} on a {input_title(results, 'photo')}: peak RSS "
                     f"{max(fresh, default=0):.0f} MB (median, fresh container), {peak:.0f} MB "
                     f"worst of {sum(len(c['runs']) for c in cases)} invocations fresh and "
                     f"warm (<= {RENDER_LIMIT_MB} MB): {verdict}")
    return [*lines, _bomb_line(results)]


def _bomb_line(results: dict[str, Any]) -> str:
    cases = cases_of(results, "ingest", ("bomb",))
    if not cases:
        return "(6) bomb: not measured"
    runs = cases[0]["runs"]
    peak, wall = worst(cases) or 0.0, worst(cases, "wall_s") or 0.0
    record = results["records"].get("bomb", {})
    rejected = record.get("status") == "rejected" and record.get("reason") == "too_many_pixels"
    ok = peak < BOMB_LIMIT_MB and wall < BOMB_LIMIT_S and rejected
    said = f"rejected {record.get('reason')}" if rejected else f"NOT rejected ({record})"
    return (f"(6) bomb: ingest rejecting a {input_title(results, 'bomb')} peaks at "
            f"{peak:.0f} MB and takes "
            f"{wall:.2f} s, worst of {len(runs)} ({said}) (< {BOMB_LIMIT_MB} MB, "
            f"< {BOMB_LIMIT_S:.0f} s): {'PASS' if ok else 'FAIL'}")


def input_title(results: dict[str, Any], source: str) -> str:
    """"100 MP JPEG", "100 MP JPEG at the upload limit", "400 MP PNG bomb"."""
    about = results["config"]["inputs"].get(source)
    if about is None:
        return source
    megapixels = about["megapixels"]
    amount = f"{megapixels:.0f}" if megapixels >= 10 else f"{megapixels:.1f}"
    kind = about["type"].split("/")[-1].upper()
    return f"{amount} MP {kind}{SUFFIXES.get(source, '')}"


def input_label(results: dict[str, Any], name: str) -> str:
    """"100 MP JPEG (12000x8333, 3.6 MB)", or for a render "`large` of <that>"."""
    source, _, rendition = name.partition(":")
    about = results["config"]["inputs"].get(source, {})
    title = input_title(results, source)
    label = f"{title} ({about.get('size')}, {about.get('bytes', 0) / 2**20:.1f} MB)"
    if rendition == "all":
        return f"every fanned-out rendition of the {label}"
    return f"`{rendition}` of the {label}" if rendition else label


def rows(results: dict[str, Any]) -> list[str]:
    """The main table: one row per (function, input, variant)."""
    out = ["| function | input | containers | n | RSS before the call MB | peak MB median (min-max)"
           " | added by the call MB median / max | wall s median (max) | CPU s | threads "
           "| outcome |", "|" + "---|" * 11]
    for case in results["cases"]:
        s = summary(case["runs"])
        peak, added, wall = s["peak_mb"], s["added_mb"], s["wall_s"]
        cells = [case["function"], input_label(results, case["input"]), case["variant"],
                 str(s["n"]), f"{s['baseline_mb']['median']:.0f}",
                 f"**{peak['median']:.0f}** ({peak['min']:.0f}-{peak['max']:.0f})",
                 f"{added['median']:.0f} / {added['max']:.0f}",
                 f"{wall['median']:.2f} ({wall['max']:.2f})", f"{s['cpu_s']['median']:.2f}",
                 str(s["threads"]), ", ".join(s["outcomes"])]
        out.append("| " + " | ".join(cells) + " |")
    return out


def proposal_rows(results: dict[str, Any]) -> list[str]:
    """MemorySize: what each function needs against what is configured."""
    out = [f"| function | worst peak MB | needs (x{HEADROOM} headroom, {STEP_MB} MB steps) | "
           "configured now | worst CPU s | about s at needs / at configured |", "|---" * 6 + "|"]
    for function, p in proposal(results).items():
        out.append(f"| {function} | {p['worst_peak_mb']:.0f} | {p['proposed_mb']} | "
                   f"{p['configured_mb']} | {p['worst_cpu_s']:.2f} | "
                   f"{p['seconds_at_proposed']} / {p['seconds_at_configured']} |")
    return out


def section(results: dict[str, Any]) -> str:
    """Markdown for the results file: tables, records, then the method."""
    from bench.memory_notes import notes

    lines = ["## 6. Memory", "", "Peak RSS of one Lambda invocation, each in a fresh container"
             " (fresh interpreter) unless the containers column says warm.", "", *rows(results),
             "", "### Lambda memory size", "", *proposal_rows(results), "",
             "### Image records after the run", ""]
    lines += [f"- {name}: {json.dumps(record)}" for name, record in results["records"].items()]
    lines += ["", "### Method and findings", "", *[f"- {note}" for note in notes(results)]]
    return "\n".join(lines)

