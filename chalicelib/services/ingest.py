"""Use case: turn an uploaded original into facts, a master and its renditions.

Ingest decodes once; renditions up to INLINE_MAX_PIXELS it cuts itself from the master in
memory, after fanning out the bigger ones (if any) to render invocations, which read the
master it stored for them."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain import probe as header_probe
from chalicelib.domain.errors import NeedMoreData, ProcessingTimeout, Rejected
from chalicelib.domain.model import Facts, Image, image_id_from_upload_key
from chalicelib.domain.outcomes import Outcome, Result, failed, rejected
from chalicelib.domain.renditions import (
    RenditionSpec,
    Size,
    display_size,
    fit_width,
    master_width,
    orientation_name,
    split_inline,
)
from chalicelib.logs import child_logger
from chalicelib.ports import Master, RenderTask
from chalicelib.services.deps import Deps
from chalicelib.services.publishing import fail, publish

log = child_logger(__name__)

FIRST_READ = 64 * 1024
MAX_HEADER = 8 * 1024 * 1024


def ingest_object(deps: Deps, key: str) -> Result:
    """Process one ObjectCreated key; returns what happened, for the logs and metrics."""
    image_id = image_id_from_upload_key(key)
    if image_id is None:
        return Result(Outcome.IGNORED_KEY)
    image = deps.repo.start_processing(image_id, deps.now())
    if image is None:
        return _stale(deps, image_id, key)
    try:
        decoded = _validate_and_master(deps, image)
    except Rejected as rejection:
        log.info("rejected: %s", rejection, extra={"reason": rejection.reason})
        deps.repo.reject(image_id, rejection.reason, deps.now())
        return rejected(rejection.reason)
    except ProcessingTimeout:
        deps.repo.fail(image_id, "processing_timeout", deps.now())
        return failed("processing_timeout")
    if decoded is None:
        return Result(Outcome.STALE)
    names = [spec.name for spec in deps.profile]
    if not deps.repo.record_facts(image_id, decoded.facts, names, deps.now()):
        return Result(Outcome.STALE)
    deps.queue.publish([RenderTask(image_id, spec.name) for spec in decoded.fanned])
    return _cut_inline(deps, image_id, decoded)


def give_up(deps: Deps, key: str, reason: str = "processing_error") -> None:
    """Retries are spent: the image ends `failed` (no-op if already terminal)."""
    image_id = image_id_from_upload_key(key)
    if image_id is not None:
        fail(deps, image_id, reason)


def _stale(deps: Deps, image_id: str, key: str) -> Result:
    """Duplicate or late event: terminal images stay as they are; unknown uploads go."""
    if deps.repo.get(image_id) is None:
        log.warning("upload %s has no image record; removing the orphan object", key)
        deps.uploads.delete([key])
        return Result(Outcome.ORPHAN_REMOVED)
    return Result(Outcome.DUPLICATE)


@dataclass(frozen=True)
class _Decoded:
    """What ingest's one decode gives: the facts, the master, and who cuts which rendition."""

    facts: Facts
    master: Master
    inline: tuple[RenditionSpec, ...]
    fanned: tuple[RenditionSpec, ...]


def _cut_inline(deps: Deps, image_id: str, decoded: _Decoded) -> Result:
    """The small renditions, cut here in one cascade and published like render's."""
    if not decoded.inline:
        return Result(Outcome.FANNED_OUT)
    budget = deps.limits.processing_budget_seconds
    try:
        made = deps.processor().render_many(decoded.master, decoded.inline, budget)
    except ProcessingTimeout:
        fail(deps, image_id, "processing_timeout", master_stored=bool(decoded.fanned))
        return failed("processing_timeout")
    made_specs = list(zip(decoded.inline, made, strict=True))
    result = publish(deps, image_id, made_specs, master_stored=bool(decoded.fanned))
    if result.outcome is Outcome.READY:
        return result
    return Result(Outcome.FANNED_OUT) if decoded.fanned else result


def _validate_and_master(deps: Deps, image: Image) -> _Decoded | None:
    """Header checks before any decode, then one decode into the master (stored only when
    render invocations will read it)."""
    info = deps.uploads.head(image.upload_key)
    if info is None:
        return None
    if info.size > deps.limits.max_upload_bytes or info.size > max(image.declared_bytes, 1):
        raise Rejected("too_large", f"{info.size} bytes")
    if info.size == 0:
        raise Rejected("not_an_image", "empty file")
    header = _read_header(deps, image.upload_key, info.size)
    header_probe.check_limits(header, deps.limits.max_pixels, deps.limits.max_side)
    shown = display_size(header.width, header.height, header.orientation)
    data = deps.uploads.read(image.upload_key)
    width = master_width(deps.profile, shown)
    inline, fanned = split_inline(deps.profile, fit_width(shown, width))
    engine = deps.processor()
    budget = deps.limits.processing_budget_seconds
    master = engine.make_master(data, width, budget, store=bool(fanned))
    color, color_hex, blurhash = engine.summarize(master)
    if fanned:
        deps.uploads.put(image.master_key, master.data, "image/tiff")
    shown = _as_decoded(shown, master.width, master.height)
    kind = orientation_name(shown)
    facts = Facts(
        shown.width, shown.height, kind, header.format, info.size, color, color_hex, blurhash
    )
    return _Decoded(facts, master, inline, fanned)


def _as_decoded(shown: Size, width: int, height: int) -> Size:
    """Trust the decoder's orientation when the header's disagrees (EXIF past the probe)."""
    if (shown.width - shown.height) * (width - height) < 0:
        return Size(shown.height, shown.width)
    return shown


def _read_header(deps: Deps, key: str, size: int) -> header_probe.Header:
    """Ranged reads, growing only as far as the parser asks."""
    want = min(FIRST_READ, size)
    while True:
        data = deps.uploads.read(key, 0, want - 1)
        try:
            return header_probe.probe(data, complete=len(data) >= size)
        except NeedMoreData as more:
            if more.at_least > MAX_HEADER or len(data) >= size:
                raise Rejected("corrupt_image", "header too long") from more
            want = min(size, max(more.at_least, want * 2))
