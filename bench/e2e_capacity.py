"""Render-only capacity: the service's own pixel work per photo, no AWS, one process per core.

For each photo a worker does what ingest and render do to its pixels, in their order: the
header probe, the master (shrink-on-load decode, stored as TIFF only when render invocations
will read it), the colour summary, the renditions ingest cuts itself in one cascade, and one
`render` from the stored master bytes per rendition fanned out to render invocations. Its
throughput, photos per minute, is the ceiling the local stack is compared with.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from chalicelib.config import DEFAULT_PROFILE
from chalicelib.domain.limits import Limits
from chalicelib.domain.probe import probe
from chalicelib.domain.renditions import (
    display_size,
    fit_width,
    master_width,
    parse_profile,
    split_inline,
)

_engine: Any = None  # the VipsProcessor of each pool process


def _start_engine() -> None:
    from chalicelib.adapters.imaging.vips import VipsProcessor

    global _engine
    limits = Limits()
    _engine = VipsProcessor(max_pixels=limits.max_pixels, max_side=limits.max_side)


def pixel_work(path: str) -> float:
    """One photo's pixel work, as ingest and render invocations do it; its CPU seconds."""
    import json

    began = time.process_time()
    profile = parse_profile(json.loads(DEFAULT_PROFILE))
    budget = Limits().processing_budget_seconds
    data = Path(path).read_bytes()
    header = probe(data, complete=True)
    shown = display_size(header.width, header.height, header.orientation)
    width = master_width(profile, shown)
    inline, fanned = split_inline(profile, fit_width(shown, width))
    master = _engine.make_master(
        data, probe(data, complete=True).format, width, budget, store=bool(fanned)
    )
    _engine.summarize(master)
    if inline:
        _engine.render_many(master, inline, budget)
    for spec in fanned:
        _engine.render(master.data, spec.width, spec.format, spec.quality, budget)
    return time.process_time() - began


def measure(paths: Sequence[Path], rounds: int, processes: int | None = None) -> dict[str, Any]:
    """Photos per minute of `rounds` passes over `paths`, and each photo's CPU seconds."""
    processes = processes or os.cpu_count() or 1
    context = multiprocessing.get_context("spawn")  # as the stack's workers start
    names = [str(path) for path in paths]
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_start_engine) as pool:
        # Untimed warm-up: every process imports pyvips and starts libvips first.
        list(pool.map(pixel_work, names[:processes]))
        per_minute, cpu = [], []
        for _ in range(rounds):
            began = time.monotonic()
            cpu_seconds = list(pool.map(pixel_work, names))
            per_minute.append(60 * len(names) / (time.monotonic() - began))
            cpu.append(cpu_seconds)
    return {"processes": processes, "rounds": rounds, "photos_per_min": per_minute,
            "cpu_s": cpu, "vips_concurrency": os.environ.get("VIPS_CONCURRENCY", "default")}
