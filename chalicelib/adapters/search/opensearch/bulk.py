"""Bulk API lines for versioned changes, and reading which items really failed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.adapters.search.opensearch.mapping import to_source
from chalicelib.domain.search import Change

STALE = 409  # version_conflict_engine_exception: we already hold this version or a newer one


class BulkError(RuntimeError):
    """Some bulk items failed for a reason other than a stale version (retry the batch)."""

    def __init__(self, failures: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(failures)} bulk item(s) failed, first: {failures[0]}")
        self.failures = failures


def _latest(changes: Sequence[Change]) -> list[Change]:
    """One change per image, the highest version (OpenSearch would refuse the rest anyway)."""
    kept: dict[str, Change] = {}
    for change in changes:
        held = kept.get(change.image_id)
        if held is None or change.version > held.version:
            kept[change.image_id] = change
    return list(kept.values())


def bulk_lines(
    index: str, changes: Sequence[Change], version_type: str = "external"
) -> list[dict[str, Any]]:
    """Bulk API lines for versioned upserts and deletes into `index` (or an alias).

    `external` writes only a newer version; `external_gte` also rewrites an equal one (a
    document refreshed to a newer schema: a delete's tombstone is always a version above the
    last upsert, so it still wins)."""
    lines: list[dict[str, Any]] = []
    for change in _latest(changes):
        meta = {"_index": index, "_id": change.image_id, "version": change.version}
        meta["version_type"] = version_type
        if change.doc is None:
            lines.append({"delete": meta})
        else:
            lines += [{"index": meta}, to_source(change.doc)]
    return lines


def _failed(action: str, result: dict[str, Any]) -> bool:
    status = int(result.get("status", 500))
    if status == STALE:
        return False
    # Deleting an image we never indexed still leaves its tombstone: not an error.
    if action == "delete" and status == 404:
        return False
    return "error" in result or status >= 300


def check_bulk(response: dict[str, Any]) -> int:
    """Raise BulkError unless every item succeeded or was stale; returns the stale count."""
    if not response.get("errors"):
        return 0
    results = [next(iter(item.items())) for item in response["items"]]
    failures = [
        {
            "action": action,
            "_id": result.get("_id"),
            "status": result.get("status"),
            "error": result.get("error"),
        }
        for action, result in results
        if _failed(action, result)
    ]
    if failures:
        raise BulkError(failures)
    return sum(1 for _, result in results if result.get("status") == STALE)
