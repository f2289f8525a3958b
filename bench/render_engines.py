"""The Python ways of doing each benchmark job: the service's own calls, and faster candidates.

Every function returns the encoded bytes it made, so quality and size can be checked.
Nothing here changes the service: rows other than "service" are measurements of options.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.imaging.vips import VipsProcessor
from chalicelib.domain.probe import probe
from chalicelib.domain.renditions import (
    RenditionSpec,
    Size,
    display_size,
    fit_width,
    master_width,
    split_inline,
)

BUDGET_SECONDS = 60.0
JPEG_SHRINKS = (8, 4, 2)  # what libjpeg can do while decoding


def _pyvips() -> Any:
    import pyvips

    return pyvips


# ---- item 1: one 2725x2225 JPEG -> 720 wide JPEG q80 -------------------------------------

def op_service(data: bytes, width: int, quality: int) -> bytes:
    """As the service does it for a one-rendition profile: ingest decodes and, the rendition
    being small, cuts it itself from the master in memory (nothing stored, nothing fanned)."""
    return _service_set(data, (RenditionSpec("op", width, "jpeg", quality),))[0]


def op_before(data: bytes, width: int, quality: int) -> bytes:
    """The service path before issue 6: a thumbnail_buffer master, a progressive JPEG."""
    master = before_master(data, width)
    image = _pyvips().Image.tiffload_buffer(master, access="sequential")
    return bytes(_resize_to(image, width).jpegsave_buffer(
        Q=quality, keep="none", optimize_coding=True, interlace=True))


def before_master(data: bytes, width: int) -> bytes:
    """The master as ingest made it before issue 6: libvips' thumbnail_buffer, which keeps
    more pixels before its last resize than JPEG shrink-on-load does."""
    source = _source_size(data)
    target = fit_width(source, width)
    image = _pyvips().Image.thumbnail_buffer(data, target.width, height=target.height,
                                             size="force", option_string="fail_on=warning")
    return bytes(image.tiffsave_buffer(compression="none", keep="none"))


def op_thumbnail(data: bytes, width: int, quality: int) -> bytes:
    """libvips' one-call thumbnail_buffer, then a plain JPEG save."""
    image = _pyvips().Image.thumbnail_buffer(data, width, height=10_000_000)
    return bytes(image.jpegsave_buffer(Q=quality, keep="none", optimize_coding=True))


def op_shrink_resize(data: bytes, width: int, quality: int, progressive: bool = False) -> bytes:
    """JPEG shrink-on-load, then a Lanczos3 resize to the exact size, then the save."""
    image, source = shrink_on_load(data, width)
    target = fit_width(source, width)
    image = image.resize(target.width / image.width, vscale=target.height / image.height)
    return bytes(image.jpegsave_buffer(Q=quality, keep="none", optimize_coding=True,
                                       interlace=progressive))


def shrink_on_load(data: bytes, width: int) -> tuple[Any, Size]:
    """Decode at the largest JPEG shrink that still leaves at least `width` pixels across.

    Returns the (lazy) shrunk image and the full size of the source."""
    pv = _pyvips()
    header = pv.Image.new_from_buffer(data, "", access="sequential")
    shrink = next((s for s in JPEG_SHRINKS if header.width // s >= width), 1)
    image = pv.Image.jpegload_buffer(data, shrink=shrink, access="sequential")
    return image, Size(header.width, header.height)


def _upright_size(data: bytes) -> Size:
    """The displayed size as ingest learns it: the stdlib header probe, no decoder."""
    header = probe(data, complete=True)
    return display_size(header.width, header.height, header.orientation)


def _source_size(data: bytes) -> Size:
    header = _pyvips().Image.new_from_buffer(data, "")
    return Size(header.width, header.height)


# ---- item 2: a whole rendition set from a 24 MP JPEG -------------------------------------

@dataclass(frozen=True)
class Encoder:
    """How a rendition is encoded: WebP with an effort, or JPEG for some widths."""

    webp_effort: int = 4
    jpeg_below: int = 0  # widths under this are JPEG q80
    smart_subsample: bool = False
    fast_from: int = 0  # when set, widths at or above this use `fast_effort` instead
    fast_effort: int = 2
    fast_quality: int = 0  # when set, the quality used with `fast_effort`

    def encode(self, image: Any, spec: RenditionSpec) -> bytes:
        """Encode one rendition with no metadata."""
        if spec.width < self.jpeg_below:
            return bytes(image.jpegsave_buffer(Q=80, keep="none", optimize_coding=True,
                                               interlace=True))
        fast = self.fast_from and spec.width >= self.fast_from
        effort = self.fast_effort if fast else self.webp_effort
        quality = self.fast_quality if fast and self.fast_quality else spec.quality
        return bytes(image.webpsave_buffer(Q=quality, keep="none", effort=effort,
                                           smart_subsample=self.smart_subsample))


SetMaker = Callable[[bytes, Sequence[RenditionSpec]], list[bytes]]


def set_service(data: bytes, specs: Sequence[RenditionSpec]) -> list[bytes]:
    """The service path: ingest's decode and inline cascade, a render invocation for each
    rendition it fans out (from the stored master), as the parallel Lambdas do it."""
    return _service_set(data, specs)


def set_service_with_summary(data: bytes, specs: Sequence[RenditionSpec]) -> list[bytes]:
    """The service path plus ingest's summarize (colour and BlurHash) of the master."""
    return _service_set(data, specs, summarize=True)


def _service_set(data: bytes, specs: Sequence[RenditionSpec], summarize: bool = False
                 ) -> list[bytes]:
    """What ingest then the render invocations call, in the order they call it."""
    engine = VipsProcessor()
    source = _upright_size(data)
    width = master_width(specs, source)
    inline, fanned = split_inline(specs, fit_width(source, width))
    master = engine.make_master(
        data, probe(data, complete=True).format, width, BUDGET_SECONDS, store=bool(fanned)
    )
    if summarize:
        engine.summarize(master)
    made = dict(zip([s.name for s in inline],
                    engine.render_many(master, inline, BUDGET_SECONDS), strict=True))
    for spec in fanned:  # each in its own invocation, reading the stored master
        made[spec.name] = engine.render(master.data, spec.width, spec.format, spec.quality,
                                        BUDGET_SECONDS)
    return [made[s.name].data for s in specs]


def set_parallel(encoder: Encoder, before: bool = False) -> SetMaker:
    """Service-shaped (a master, then independent renders from it) with another encoder,
    and the service's master, or (`before`) the thumbnail_buffer master of the old path."""
    def make(data: bytes, specs: Sequence[RenditionSpec]) -> list[bytes]:
        width = _master_width(data, specs)
        if before:
            master = before_master(data, width)
        else:
            master = VipsProcessor().make_master(
                data, probe(data, complete=True).format, width, BUDGET_SECONDS
            ).data
        return [render_with(master, spec, encoder) for spec in specs]
    return make


def render_with(master: bytes, spec: RenditionSpec, encoder: Encoder) -> bytes:
    """A render invocation's pixel work (load master, resize, encode) with `encoder`."""
    image = _pyvips().Image.tiffload_buffer(master, access="sequential")
    return encoder.encode(_resize_to(image, spec.width), spec)


def set_independent(encoder: Encoder) -> SetMaker:
    """sharp's way in pyvips: each rendition from the original with its own shrink-on-load."""
    def make(data: bytes, specs: Sequence[RenditionSpec]) -> list[bytes]:
        return [encoder.encode(_resize_to(shrink_on_load(data, s.width)[0], s.width), s)
                for s in specs]
    return make


def set_cascade(encoder: Encoder) -> SetMaker:
    """Decode once with shrink-on-load, then each rendition from the next larger one."""
    def make(data: bytes, specs: Sequence[RenditionSpec]) -> list[bytes]:
        ordered = sorted(specs, key=lambda s: -s.width)
        image, _ = shrink_on_load(data, ordered[0].width)
        encoded: dict[str, bytes] = {}
        for spec in ordered:
            image = _resize_to(image, spec.width).copy_memory()
            encoded[spec.name] = encoder.encode(image, spec)
        return [encoded[s.name] for s in specs]
    return make


def _resize_to(image: Any, width: int) -> Any:
    target = fit_width(Size(image.width, image.height), width)
    if target.width == image.width:
        return image
    return image.resize(target.width / image.width, vscale=target.height / image.height)


def _master_width(data: bytes, specs: Sequence[RenditionSpec]) -> int:
    return master_width(specs, _source_size(data))
