"""The method and findings paragraph of the memory section, worded from the numbers."""

from __future__ import annotations

from typing import Any

from bench.memory_report import (
    FULL_VCPU_MB,
    HEADROOM,
    cases_of,
    input_label,
    input_title,
    summary,
)

METHOD = (
    "Each invocation runs in a fresh interpreter (one Lambda container; the warm rows send "
    "several through one) with the function's "
    "environment (template.yaml Globals as the local stack resolves them, plus "
    ".chalice/config.json's variables), imports `app` as the Lambda runtime does, then gets "
    "one SQS event shaped as the local stack's poller shapes it (the real S3 notification "
    "from the ingest queue; the render messages ingest fanned out). moto runs in another "
    "process, so stored objects never count against the function's RSS.",
    "RSS before the call = RSS once `app` is imported (an initialised container) when "
    "fresh; peak = VmHWM read after the call, the kernel's mark having been reset just before it "
    "(/proc/self/clear_refs), so it is the invocation's own peak and includes the "
    "container's baseline (ru_maxrss agrees: both are in the raw numbers); added = peak - "
    "RSS before the call. wall and CPU s are the handler call only (imports excluded). "
    "MB = MiB, Lambda's unit.",
    "Not included: the Lambda runtime client that shares the process in AWS, and the "
    "difference between this x86_64 glibc build and the arm64 layer; the headroom is there "
    "for them.",
)


def notes(results: dict[str, Any]) -> list[str]:
    """Bullet points: how it was measured and what the numbers say."""
    return [*METHOD, *_inputs(results), *_design(results), *_threads(results),
            *_warm(results), *_bomb(results), *_sizing(results)]


def _inputs(results: dict[str, Any]) -> list[str]:
    about = results["config"]["inputs"]
    labels = [input_label(results, name) for name in about]
    bomb = about.get("bomb")
    if bomb:
        labels[-1] += f", which inflates to {bomb['megapixels'] * 3e6 / 2**30:.2f} GiB of pixels"
    return ["Inputs: " + "; ".join(labels) + "."]


def _design(results: dict[str, Any]) -> list[str]:
    fanned = sorted({case["input"].split(":")[1] for case in cases_of(
        results, "render", ("photo",)) if case["input"].count(":")})
    photo = input_title(results, "photo")
    return [f"In this design ingest decodes the original once (JPEG shrink-on-load to the "
            f"master) and cuts the renditions of up to 1 MP itself; the {photo} "
            f"was fanned out to render only for: {', '.join(fanned) or 'none'}. Renditions cut "
            "inside ingest are in ingest's peak. Every message ingest fans out is measured, so "
            "a change of that split shows up here without editing the benchmark."]


def _threads(results: dict[str, Any]) -> list[str]:
    variants = [v for v in results["config"]["variants"] if v != "default"]
    if not variants:
        return []
    parts = []
    for function in ("ingest", "render"):
        cells = []
        for variant in ("default", *variants):
            cases = cases_of(results, function, ("photo",), (variant,))
            if cases:
                s = summary(cases[0]["runs"])
                cells.append(f"{variant} {s['peak_mb']['median']:.0f} MB, "
                             f"{s['wall_s']['median']:.2f} s, {s['threads']} threads")
        parts.append(f"{function}: " + "; ".join(cells))
    cores = results["config"]["cores"]
    return [f"libvips thread pool (default: one worker per CPU, {cores} here), "
            f"{input_title(results, 'photo')}, median peak and wall: " + " | ".join(parts) + "."]


def _warm(results: dict[str, Any]) -> list[str]:
    lines = []
    for case in results["cases"]:
        if case["variant"] != "warm":
            continue
        peaks = [run["peak_mb"] for run in case["runs"]]
        lines.append(f"{case['function']} of {input_label(results, case['input'])}, "
                     f"{len(peaks)} invocations in one container: peak {peaks[0]:.0f} MB on "
                     f"the first, {max(peaks):.0f} MB at most, {peaks[-1]:.0f} MB on the last")
    if not lines:
        return []
    return ["A reused container keeps memory between invocations (libraries loaded, clients, "
            "allocator pools) and its peak creeps up before it levels off: " + "; ".join(lines)
            + ". The memory sizes are taken from the worst of fresh and warm containers."]


def _bomb(results: dict[str, Any]) -> list[str]:
    cases = cases_of(results, "ingest", ("bomb",))
    if not cases:
        return []
    runs = cases[0]["runs"]
    s = summary(runs)
    init = max(run["init_s"] for run in runs)
    return [f"The bomb is refused from its header (a ranged read of the first bytes) before "
            f"any decoder runs: libvips is never started ({s['threads']} thread in the "
            f"process); the {s['added_mb']['median']:.0f} MB it adds to the container are the "
            "AWS clients and the rest of the first call's imports. Its wall time is the "
            f"invocation's; a cold container first spends up to {init:.2f} s importing `app` "
            "(Lambda's init phase, item 5's subject)."]


def _sizing(results: dict[str, Any]) -> list[str]:
    ratios = []
    for function in ("ingest", "render"):
        for case in cases_of(results, function, ("photo", "limit")):
            s = summary(case["runs"])
            ratio = s["cpu_s"]["median"] / max(s["wall_s"]["median"], 1e-9)
            ratios.append(f"{function} {input_label(results, case['input'])} {ratio:.2f}")
    return [f"MemorySize: worst peak x{HEADROOM} rounded up to 64 MB is the least that fits. "
            f"Below {FULL_VCPU_MB} MB Lambda gives a proportional share of one vCPU, so a "
            f"CPU-bound invocation takes about CPU s x {FULL_VCPU_MB} / MB there (estimated in "
            "the table), while its cost (MB x s) stays about the same: below that size memory "
            "buys latency, not price; above it, only work spread over threads gets faster. "
            "CPU s / wall s here (above 1 means more than one core busy): "
            + "; ".join(ratios) + "."]
