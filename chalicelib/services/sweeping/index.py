"""Phase d: the search index against the table, one parallel-scan segment per run, plus a
sample of the index's own ids (ghosts: indexed, but absent or not ready in the table).

Documents indexed at the table's version but under an older document schema (written before
a mapping upgrade added fields) are rewritten too, so after a deploy every document gains
the new fields within one pass over the segments, with no operator step."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.domain.model import OPEN, Image, Status
from chalicelib.domain.search import Change, SearchDoc
from chalicelib.ports import SearchIndex
from chalicelib.services.deps import Deps
from chalicelib.services.indexing import to_doc
from chalicelib.services.sweeping.report import Budget, SweepReport


def sweep_index_segment(deps: Deps, report: SweepReport, budget: Budget, segment: int) -> bool:
    """Compare every image of table segment `segment` with the index and repair what differs;
    True when the segment was read to its end within the budget."""
    index, limits = deps.search_index(), deps.limits
    cursor: str | None = None
    while True:
        if budget.spent():
            report.out_of_time = True
            return False
        page = deps.repo.scan_segment(segment, limits.sweep_segments, limits.sweep_batch, cursor)
        _compare(deps, index, page.items, report)
        cursor = page.next_cursor
        if cursor is None:
            return True


def _compare(deps: Deps, index: SearchIndex, images: Sequence[Image], report: SweepReport) -> None:
    held = index.versions([image.image_id for image in images])
    changes: list[Change] = []
    current: list[SearchDoc] = []  # indexed at the table's version: maybe an older schema
    for image in images:
        report.add(f"table.{image.status.value}")
        indexed = held.get(image.image_id)
        if image.status is Status.READY:
            changes += _ready_change(image, indexed, report)
            if indexed == image.version and image.facts is not None:
                current.append(to_doc(image))
        elif indexed is not None:
            report.add("index.removed")
            changes.append(Change(image.image_id, max(image.version, indexed + 1), None))
        if image.status in OPEN and not image.stage_at:
            at = image.updated_at or image.created_at
            if deps.repo.backfill_stage(image.image_id, image.status, at):
                report.add("index.backfilled")
    if changes:
        index.apply(changes)
    if current:
        report.add("index.refreshed", index.refresh_outdated(current))


def _ready_change(image: Image, indexed: int | None, report: SweepReport) -> list[Change]:
    if indexed is not None and indexed >= image.version:
        if indexed > image.version:
            report.add("index.ahead")  # only a newer write can explain it: left alone
        return []
    report.add("index.upserted")
    return [Change(image.image_id, image.version, to_doc(image))]


def sweep_ghosts(deps: Deps, report: SweepReport, segment: int, window: int) -> None:
    """Indexed ids of slice `segment` (first hex digit), a batch from a moving point: any
    whose image is absent or not ready in the table leaves the index."""
    index = deps.search_index()
    prefix = f"{segment:x}"
    start = prefix + f"{window % 256:02x}"
    sample = [i for i in index.ids_after(start, deps.limits.sweep_batch) if i.startswith(prefix)]
    if len(sample) < deps.limits.sweep_batch:
        earlier = index.ids_after(prefix, deps.limits.sweep_batch - len(sample))
        sample += [i for i in earlier if i.startswith(prefix) and i <= start]
    report.add("index.sampled", len(sample))
    held = index.versions(sample)
    changes = []
    for image_id in sample:
        image = deps.repo.get(image_id)
        if image is not None and image.status is Status.READY:
            continue
        version = max(held.get(image_id, 0) + 1, image.version if image else 0)
        changes.append(Change(image_id, version, None))
    report.add("index.ghosts_removed", len(changes))
    if changes:
        index.apply(changes)
