"""What the render benchmark times: its rows for items 1 and 2, and the service's CPU split."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from bench import render_engines as engines
from chalicelib.domain.probe import probe
from chalicelib.domain.renditions import RenditionSpec, Size, split_inline

Job = Callable[[], Any]
SERVICE_OP = "service (ingest decodes and cuts it: one small rendition)"
SERVICE_SET = "service (ingest cuts 1080/400/200, a render invocation the 2048)"
BEFORE_OP = "before issue 6 (thumbnail_buffer master, progressive JPEG)"
BEFORE_SET = "before issue 6 (thumbnail_buffer master)"


def op_rows(data: bytes, width: int, quality: int) -> dict[str, Job]:
    """Item 1: the service's calls, the path before issue 6, then candidates."""
    return {
        SERVICE_OP: lambda: engines.op_service(data, width, quality),
        BEFORE_OP: lambda: engines.op_before(data, width, quality),
        "one call, no master: shrink-on-load + resize": lambda: engines.op_shrink_resize(
            data, width, quality),
        "one call, no master: thumbnail_buffer": lambda: engines.op_thumbnail(
            data, width, quality),
    }


def set_rows(data: bytes, specs: tuple[RenditionSpec, ...]) -> dict[str, Job]:
    """Item 2: the service path, then service-shaped and single-process alternatives."""
    return {name: _bind(maker, data, specs) for name, maker in _set_makers().items()}


def _set_makers() -> dict[str, engines.SetMaker]:
    enc = engines.Encoder
    return {
        SERVICE_SET: engines.set_service,
        "service + ingest summarize": engines.set_service_with_summary,
        BEFORE_SET: engines.set_parallel(enc(), before=True),
        "parallel-shaped, WebP effort 3": engines.set_parallel(enc(webp_effort=3)),
        "parallel-shaped, WebP effort 2": engines.set_parallel(enc(webp_effort=2)),
        "parallel-shaped, effort 2 at 2048 only": engines.set_parallel(enc(fast_from=2048)),
        "parallel-shaped, effort 2 at 2048 only, q84 there (about equal PSNR)":
            engines.set_parallel(enc(fast_from=2048, fast_quality=84)),
        "parallel-shaped, effort 2 at 1080 and up": engines.set_parallel(enc(fast_from=1080)),
        "independent shrink-on-load (sharp's way)": engines.set_independent(enc()),
        "cascade, decode once": engines.set_cascade(enc()),
        "cascade, decode once, WebP effort 2": engines.set_cascade(enc(webp_effort=2)),
    }


def breakdown_rows(data: bytes, specs: tuple[RenditionSpec, ...]) -> dict[str, Job]:
    """Where the service path's CPU goes: ingest's steps, then each render invocation."""
    processor = engines.VipsProcessor()
    width = max(s.width for s in specs)
    fmt = probe(data, complete=True).format
    master = processor.make_master(data, fmt, width, engines.BUDGET_SECONDS)
    inline, fanned = split_inline(specs, Size(master.width, master.height))
    rows: dict[str, Job] = {
        "ingest: make_master (JPEG shrink-on-load + resize, TIFF stored)": lambda: (
            processor.make_master(data, fmt, width, engines.BUDGET_SECONDS)),
        "ingest: summarize (colour, BlurHash)": lambda: processor.summarize(master),
        f"ingest: cut {'/'.join(str(s.width) for s in inline)} (cascade in memory)": lambda: (
            processor.render_many(master, inline, engines.BUDGET_SECONDS)),
        "before issue 6: make_master (thumbnail_buffer)": lambda: engines.before_master(
            data, width),
    }
    effort_2 = engines.Encoder(webp_effort=2)
    for spec in fanned:
        label = f"render invocation: {spec.name} {spec.width}"
        rows[label] = _render(processor, master.data, spec)
        rows[f"{label}, WebP effort 2 (candidate)"] = partial(
            engines.render_with, master.data, spec, effort_2)
    return rows


def _render(processor: engines.VipsProcessor, master: bytes, spec: RenditionSpec) -> Job:
    return lambda: processor.render(master, spec.width, spec.format, spec.quality,
                                    engines.BUDGET_SECONDS)


def _bind(maker: engines.SetMaker, data: bytes, specs: tuple[RenditionSpec, ...]) -> Job:
    return lambda: maker(data, specs)
