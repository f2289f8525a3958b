"""Versioned writes under the writer lock, and what a rebuild must carry over.

Every image has exactly one document: the searchable one, or a tombstone (`live` = 0) that
remembers the version of its delete. Both live in the same index, so the version check and
the write commit together; and because the writer lock serialises writers across processes,
reading the held version inside the locked section makes check-then-write atomic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.adapters.search.embedded.schema import (
    engine,
    from_stored,
    schema,
    to_document,
    tombstone,
)
from chalicelib.domain.search import Change

# DynamoDB streams keep records for 24 hours: an older replay cannot arrive, so older
# tombstones need not survive a rebuild.
TOMBSTONE_TTL_NS = 25 * 3600 * 10**9


def latest_changes(changes: Sequence[Change]) -> dict[str, Change]:
    """Per image, the change with the highest version (the first one among equals)."""
    latest: dict[str, Change] = {}
    for change in changes:
        held = latest.get(change.image_id)
        if held is None or change.version > held.version:
            latest[change.image_id] = change
    return latest


def held_version(searcher: Any, image_id: str) -> int | None:
    """The version the index holds for an image (document or tombstone), if any."""
    query = engine().Query.term_query(schema(), "image_id", image_id)
    addresses = [address for _, address in searcher.search(query, 2, count=False).hits]
    if not addresses:
        return None
    return max(int(v) for v in searcher.fast_field_values("version", addresses) if v is not None)


def write_changes(index: Any, writer: Any, changes: Sequence[Change], written_at: int) -> int:
    """Stage every change newer than what is held (the caller commits); returns how many."""
    index.reload()
    searcher = index.searcher()
    staged = 0
    for change in latest_changes(changes).values():
        held = held_version(searcher, change.image_id)
        if held is not None and change.version <= held:
            continue
        document = _document(change, written_at)
        if held is not None:
            writer.delete_documents_by_term("image_id", change.image_id)
        writer.add_document(document)
        staged += 1
    return staged


def _document(change: Change, written_at: int) -> Any:
    if change.doc is None:
        return tombstone(change.image_id, change.version, written_at)
    if change.doc.image_id != change.image_id:
        raise ValueError(f"change for {change.image_id} carries {change.doc.image_id}")
    return to_document(change.doc, change.version, written_at)


def written_since(searcher: Any, since_ns: int, now_ns: int) -> list[Change]:
    """Documents written since `since_ns`, and recent tombstones, replayable as changes."""
    tv = engine()
    q, integer = tv.Query, tv.FieldType.Integer

    def part(live: int, since: int) -> Any:
        return q.boolean_query([
            (tv.Occur.Must, q.term_query(schema(), "live", live)),
            (tv.Occur.Must, q.range_query(schema(), "written_at", integer, since, None)),
        ])

    query = q.boolean_query([
        (tv.Occur.Should, part(1, since_ns)),
        (tv.Occur.Should, part(0, min(since_ns, now_ns - TOMBSTONE_TTL_NS))),
    ])
    total = searcher.search(query, 1).count
    if not total:
        return []
    addresses = [address for _, address in searcher.search(query, total, count=False).hits]
    versions = searcher.fast_field_values("version", addresses)
    changes = []
    for address, version in zip(addresses, versions, strict=True):
        stored = searcher.doc(address)
        payload = stored.get_first("doc")
        doc = from_stored(payload) if payload is not None else None
        changes.append(Change(str(stored.get_first("image_id")), int(version or 0), doc))
    return changes
