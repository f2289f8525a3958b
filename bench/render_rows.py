"""What the render benchmark times: its rows for items 1 and 2, and the service's CPU split."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench import render_engines as engines
from chalicelib.domain.renditions import RenditionSpec

Job = Callable[[], Any]
BEFORE_OP = "before issue 6 (thumbnail_buffer master, progressive JPEG)"
BEFORE_SET = "before issue 6 (thumbnail_buffer master)"


def op_rows(data: bytes, master: bytes, width: int, quality: int) -> dict[str, Job]:
    """Item 1: the service's calls, the path before issue 6, then candidates."""
    return {
        "service (make_master + render)": lambda: engines.op_service(data, width, quality),
        "service render invocation only": lambda: engines.op_render_only(master, width, quality),
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
        "service (make_master + 4 renders)": engines.set_service,
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
    """Where the service path's CPU goes: the ingest master, then each render invocation."""
    processor = engines.VipsProcessor()
    width = max(s.width for s in specs)
    master = processor.make_master(data, width, engines.BUDGET_SECONDS).data
    rows: dict[str, Job] = {
        "make_master (ingest: JPEG shrink-on-load + resize)": lambda: processor.make_master(
            data, width, engines.BUDGET_SECONDS),
        "make_master before issue 6 (thumbnail_buffer)": lambda: engines.before_master(
            data, width),
    }
    for spec in specs:
        rows[f"render {spec.name} {spec.width}"] = _render(processor, master, spec)
    large = max(specs, key=lambda s: s.width)
    effort_2 = engines.Encoder(webp_effort=2)
    rows[f"render {large.name} {large.width}, WebP effort 2 (candidate)"] = (
        lambda: engines.render_with(master, large, effort_2))
    return rows


def _render(processor: engines.VipsProcessor, master: bytes, spec: RenditionSpec) -> Job:
    return lambda: processor.render(master, spec.width, spec.format, spec.quality,
                                    engines.BUDGET_SECONDS)


def _bind(maker: engines.SetMaker, data: bytes, specs: tuple[RenditionSpec, ...]) -> Job:
    return lambda: maker(data, specs)
