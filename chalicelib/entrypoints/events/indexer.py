"""Indexer Lambda body: the images table's stream -> the search index."""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import Services
from chalicelib.domain.model import Image
from chalicelib.observability import logger
from chalicelib.services import indexing, review


def _images(record: dict[str, Any], services: Services) -> tuple[Image | None, Image | None]:
    change = record.get("dynamodb", {})
    decode = services.deps.stream_decoder
    old = decode(change["OldImage"]) if "OldImage" in change else None
    new = decode(change["NewImage"]) if "NewImage" in change else None
    return old, new


def handle(event: dict[str, Any], services: Services) -> dict[str, Any]:
    """Apply the batch in order, and finish the purge of photos a moderator rejected (the
    stream is their outbox); any failure retries the batch (bisected by the mapping)."""
    records = [_images(record, services) for record in event.get("Records", [])]
    applied = indexing.apply_stream(services.deps.search_index(), records)
    withdrawn = review.finish_withdrawals(services.deps, records)
    # A profile flip's old renditions are not removed here: readers still name them for a
    # while (RETIRE_GRACE_HOURS); the sweeper removes them after (services/reprocess.py).
    ids = sorted({image.image_id for pair in records for image in pair if image is not None})
    logger.info("indexed", extra={"records": len(records), "changes": applied,
                                  "withdrawn": withdrawn,
                                  "image_ids": ids})
    return {"batchItemFailures": []}
