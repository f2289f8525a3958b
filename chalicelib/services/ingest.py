"""Use case: turn an uploaded original into facts, a master and its renditions.

Ingest decodes once; renditions up to INLINE_MAX_PIXELS it cuts itself from the master in
memory, after fanning out the bigger ones (if any) to render invocations, which read the
master it stored for them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from chalicelib.domain import probe as header_probe
from chalicelib.domain.camera import camera_from_exif
from chalicelib.domain.dedupe import Verdict
from chalicelib.domain.duplicates import as_hex, crop_box
from chalicelib.domain.errors import ClaimNotTaken, NeedMoreData, ProcessingTimeout, Rejected
from chalicelib.domain.model import (
    Facts,
    Image,
    Original,
    Status,
    image_id_from_upload_key,
    original_key,
)
from chalicelib.domain.outcomes import Outcome, Result, failed, rejected
from chalicelib.domain.renditions import (
    FULL,
    RenditionSpec,
    Size,
    display_size,
    fit_width,
    master_width,
    orientation_name,
    split_inline,
)
from chalicelib.logs import child_logger
from chalicelib.ports import BlobStore, ImageProcessor, Master, Pin, RenderTask, UploadedObject
from chalicelib.services.deps import Deps
from chalicelib.services.duplicates import index_hash, verdict_for
from chalicelib.services.publishing import fail, finish_if_complete, publish, tidy_ended

log = child_logger(__name__)

FIRST_READ = 64 * 1024
MAX_HEADER = 8 * 1024 * 1024


def ingest_object(deps: Deps, upload: UploadedObject) -> Result:
    """Process one ObjectCreated notification; returns what happened, for logs and metrics.

    Every read names the version the notification named, and the image claims that version
    first: a second POST through the same grant is another version, never the one processed."""
    image_id = image_id_from_upload_key(upload.key)
    if image_id is None:
        return Result(Outcome.IGNORED_KEY)
    pin = _pin(deps, upload)
    image = _claim(deps, image_id, pin.version_id or pin.etag)
    if image is None:
        return _stale(deps, image_id, upload.key, pin)
    if image.original is not None:
        return _resume(deps, image, pin)  # accepted by an earlier delivery
    try:
        decoded = _validate_and_master(deps, image, pin)
    except Rejected as rejection:
        log.info("rejected: %s", rejection, extra={"reason": rejection.reason})
        if not deps.repo.reject(image_id, rejection.reason, deps.now()):
            _unless_ended(deps, image_id)  # the refusal must be recorded before the bytes go
        _discard_upload(deps, upload.key, pin)
        return rejected(rejection.reason)
    except ProcessingTimeout:
        fail(deps, image_id, "processing_timeout", master_stored=False)  # its upload goes too
        return failed("processing_timeout")
    # Decided before anything is stored or rendered: a repeat of the owner's own photo costs
    # no rendition; another contributor's goes on, to wait for review.
    verdict = verdict_for(deps, image, decoded.sha256, decoded.phash, decoded.crops)
    if verdict.duplicate_of:
        return _reject_duplicate(deps, image, verdict.duplicate_of, pin)
    return _accept(deps, image, decoded, pin, verdict)


def _reject_duplicate(deps: Deps, image: Image, duplicate_of: str, pin: Pin) -> Result:
    """The owner's own photo again: rejected `duplicate`, naming the one they already have."""
    log.info("rejected: duplicate of %s", duplicate_of, extra={"reason": "duplicate"})
    if not deps.repo.reject(image.image_id, "duplicate", deps.now(), duplicate_of):
        _unless_ended(deps, image.image_id)
    _discard_upload(deps, image.upload_key, pin)
    return rejected("duplicate")


def _unless_ended(deps: Deps, image_id: str) -> None:
    """A transition answered "lost the race": fine if the image has ended (deleted, say), but
    if it is still open nothing won, and the step is tried again."""
    image = deps.repo.get(image_id)
    if image is not None and not image.status.terminal:
        raise ClaimNotTaken(f"image {image_id} is still {image.status.value}")


def give_up(deps: Deps, upload: UploadedObject, reason: str = "processing_error") -> None:
    """Retries are spent: the image ends `failed` (no-op if already terminal)."""
    image_id = image_id_from_upload_key(upload.key)
    if image_id is not None:
        fail(deps, image_id, reason)


def _claim(deps: Deps, image_id: str, claim: str) -> Image | None:
    """The image, processing and claimed for this upload version. A redelivery finds its
    claim already made and writes nothing: under throttling, a retry that spends a write on
    what is already written fails again where the first one did."""
    held = deps.repo.get(image_id)
    if claim and held is not None and held.status is Status.PROCESSING and (
            held.upload_pin == claim):
        return held
    return deps.repo.start_processing(image_id, deps.now(), claim)


def _pin(deps: Deps, upload: UploadedObject) -> Pin:
    """The notification's version; S3 names it on a versioned bucket, else (moto) the ETag
    finds it."""
    version = upload.version_id
    if not version and upload.etag:
        version = deps.uploads.find_version(upload.key, upload.etag)
    return Pin(version, upload.etag)


def _accept(deps: Deps, image: Image, decoded: _Decoded, pin: Pin, verdict: Verdict) -> Result:
    """Keep the original, record what was learned, fan out, cut inline, drop the upload."""
    image_id = image.image_id
    original = _keep_original(deps, image, decoded.data)
    if decoded.fanned:  # render invocations read it
        deps.uploads.put(image.master_key, decoded.master.data, "image/tiff")
    names = deps.rendition_names()
    phash = as_hex(decoded.phash)
    if not deps.repo.record_facts(image_id, decoded.facts, names, deps.now(), original, phash,
                                  verdict.possible_duplicate_of):
        _unless_ended(deps, image_id)  # still processing: nothing won, try again
        # Deleted or ended meanwhile: nothing this delivery stored may outlive it (a delete
        # removed only what existed when it ran).
        _drop_version(deps.originals, original.key, original.version_id)
        if decoded.fanned:
            deps.uploads.purge([image.master_key])
        _discard_upload(deps, image.upload_key, pin)
        return Result(Outcome.STALE)
    # Recorded first: a candidate is read back to be judged.
    index_hash(deps, image_id, phash, decoded.crops)
    tasks = [RenderTask(image_id, spec.name) for spec in (*decoded.fanned, FULL)]
    deps.queue.publish(tasks)
    result = _cut_inline(deps, image_id, decoded.master, decoded.inline, bool(decoded.fanned))
    # Last: a notification that names its upload by ETag alone (moto's) finds the version it
    # claimed only while the version is there, and a redelivery must find it to resume.
    _discard_upload(deps, image.upload_key, pin)
    return result


def _resume(deps: Deps, image: Image, pin: Pin) -> Result:
    """An earlier delivery accepted this upload and may have stopped part-way (a refused
    send, a throttled write): do what is still missing, cutting from the kept original and
    storing nothing twice. A repeated notification of a finished ingest only re-sends the
    render tasks still outstanding (render is idempotent) and changes nothing else."""
    original, facts = image.original, image.facts
    if original is None or facts is None:  # record_facts writes both at once
        return Result(Outcome.DUPLICATE)
    if image.phash:  # the earlier delivery may have stopped before indexing it
        index_hash(deps, image.image_id, image.phash)
    shown = Size(facts.width, facts.height)
    width = master_width(deps.profile, shown)
    inline, fanned = split_inline(deps.profile, fit_width(shown, width))
    missing = set(deps.rendition_names()) - set(image.renditions)
    tasks = [RenderTask(image.image_id, s.name) for s in (*fanned, FULL) if s.name in missing]
    if tasks:
        deps.queue.publish(tasks)
    todo = tuple(spec for spec in inline if spec.name in missing)
    if todo:
        data = deps.originals.read(original.key, pin=Pin(original.version_id))
        budget = deps.limits.processing_budget_seconds
        master = deps.processor().make_master(data, facts.format, width, budget, store=False)
        result = _cut_inline(deps, image.image_id, master, todo, bool(fanned))
    else:
        result = finish_if_complete(deps, image.image_id, not missing, bool(fanned))
        result = result if result.outcome is Outcome.READY else Result(Outcome.DUPLICATE)
    _discard_upload(deps, image.upload_key, pin)
    return result


def _keep_original(deps: Deps, image: Image, data: bytes) -> Original:
    """The accepted bytes, exactly, in the private originals store."""
    key = original_key(image.image_id)
    # A delivery that kept these bytes and then failed before recording them (or whose put
    # landed but timed out) left a version: reuse it, not leave it behind.
    etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
    version = deps.originals.find_version(key, etag) or deps.originals.put(
        key, data, image.content_type)
    return Original(key, version, len(data), _sha256(data), image.content_type)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _discard_upload(deps: Deps, key: str, pin: Pin) -> None:
    """The upload's bytes are decided on (kept, or refused): that version goes for good."""
    _drop_version(deps.uploads, key, pin.version_id)


def _drop_version(store: BlobStore, key: str, version_id: str) -> None:
    """One version for good (a plain delete where the store keeps no versions)."""
    if version_id:
        store.delete_version(key, version_id)
    else:
        store.delete([key])


def _stale(deps: Deps, image_id: str, key: str, pin: Pin) -> Result:
    """A repeated, late or second upload: nothing changes for the image, and bytes no record
    will ever read are removed (an unknown image's, or another version than the claimed)."""
    image = deps.repo.get(image_id)
    if image is None:
        log.warning("upload has no image record; removing the orphan object")
        _discard_upload(deps, key, pin)
        return Result(Outcome.ORPHAN_REMOVED)
    if image.status is Status.PENDING:
        # Nothing claimed it, so no other version won: these bytes are the user's upload.
        raise ClaimNotTaken(f"image {image_id} is still pending after its claim")
    if pin.version_id or image.status.terminal:
        _discard_upload(deps, key, pin)
    if image.status.terminal:  # e.g. deleted while an earlier delivery had stored the master
        tidy_ended(deps, image)
    return Result(Outcome.DUPLICATE)


@dataclass(frozen=True)
class _Decoded:
    """What ingest's one decode gives: the original's bytes, the facts, the master, and who
    cuts which rendition."""

    data: bytes
    facts: Facts
    master: Master
    inline: tuple[RenditionSpec, ...]
    fanned: tuple[RenditionSpec, ...]
    sha256: str  # of the original's bytes: exact duplicates
    phash: int  # of the master: near duplicates
    crops: dict[str, int]  # of its inner crops, by crop name (crop-tolerant near duplicates)


def _cut_inline(
    deps: Deps, image_id: str, master: Master, inline: tuple[RenditionSpec, ...],
    master_stored: bool,
) -> Result:
    """The small renditions, cut here in one cascade and published like render's (the
    full-size download always comes from a render invocation)."""
    if not inline:
        return Result(Outcome.FANNED_OUT)
    budget = deps.limits.processing_budget_seconds
    try:
        made = deps.processor().render_many(master, inline, budget)
    except ProcessingTimeout:
        fail(deps, image_id, "processing_timeout", master_stored=master_stored)
        return failed("processing_timeout")
    made_specs = list(zip(inline, made, strict=True))
    result = publish(deps, image_id, made_specs, master_stored=master_stored)
    return result if result.outcome is Outcome.READY else Result(Outcome.FANNED_OUT)


def _validate_and_master(deps: Deps, image: Image, pin: Pin) -> _Decoded:
    """Header checks before any decode, then one decode into the master (stored only when
    render invocations will read it), every read of the pinned version."""
    info = deps.uploads.head(image.upload_key, pin)
    if info is None:
        raise Rejected("upload_missing", "the uploaded version is gone")
    if info.size > deps.limits.max_upload_bytes or info.size > max(image.declared_bytes, 1):
        raise Rejected("too_large", f"{info.size} bytes")
    if info.size == 0:
        raise Rejected("not_an_image", "empty file")
    header = _read_header(deps, image.upload_key, info.size, pin)
    header_probe.check_limits(header, deps.limits.max_pixels, deps.limits.max_side)
    shown = display_size(header.width, header.height, header.orientation)
    data = deps.uploads.read(image.upload_key, pin=pin)
    width = master_width(deps.profile, shown)
    inline, fanned = split_inline(deps.profile, fit_width(shown, width))
    engine = deps.processor()
    budget = deps.limits.processing_budget_seconds
    master = engine.make_master(data, header.format, width, budget, store=bool(fanned))
    color, color_hex, blurhash = engine.summarize(master)
    phash = engine.duplicate_hash(master)
    crops = _crop_hashes(engine, master, deps.limits.duplicates.crops)
    shown = _as_decoded(shown, master.width, master.height)
    kind = orientation_name(shown)
    camera = camera_from_exif(engine.camera_tags(data, header.format),
                              deps.limits.camera_text_chars)
    facts = Facts(shown.width, shown.height, kind, header.format, info.size, color, color_hex,
                  blurhash, camera)
    return _Decoded(data, facts, master, inline, fanned, _sha256(data), phash, crops)


def _crop_hashes(engine: ImageProcessor, master: Master, names: tuple[str, ...]
                 ) -> dict[str, int]:
    """The duplicate hash of each configured inner crop of the master, by crop name."""
    if not names:
        return {}
    values = engine.crop_hashes(master, [crop_box(name) for name in names])
    return dict(zip(names, values, strict=True))


def _as_decoded(shown: Size, width: int, height: int) -> Size:
    """Trust the decoder's orientation when the header's disagrees (EXIF past the probe)."""
    if (shown.width - shown.height) * (width - height) < 0:
        return Size(shown.height, shown.width)
    return shown


def _read_header(deps: Deps, key: str, size: int, pin: Pin) -> header_probe.Header:
    """Ranged reads of the pinned version, growing only as far as the parser asks."""
    want = min(FIRST_READ, size)
    while True:
        data = deps.uploads.read(key, 0, want - 1, pin)
        try:
            return header_probe.probe(data, complete=len(data) >= size)
        except NeedMoreData as more:
            if more.at_least > MAX_HEADER or len(data) >= size:
                raise Rejected("corrupt_image", "header too long") from more
            want = min(size, max(more.at_least, want * 2))
