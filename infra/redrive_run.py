"""One redrive run: list a dead-letter queue with what the table says of each image, then
(unless a dry run) move every message back to its source queue. The CLI is infra/redrive.py."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from infra.dead_letters import DeadLetter, Lookup, batches, move, release

GONE = "image gone"


@dataclass(frozen=True)
class Target:
    """Where to redrive: the two queue URLs, the images table, and the clients to reach them."""

    source_url: str
    dlq_url: str
    table: str
    sqs: Any
    dynamodb: Any


@dataclass
class Summary:
    """What a run saw and did."""

    listed: Counter[str] = field(default_factory=Counter)
    moved: int = 0
    failed: list[str] = field(default_factory=list)
    came_back: int = 0
    sent_ms: list[int] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        """The summary printed at the end of a run."""
        total = sum(self.listed.values())
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.listed.items())) or "none"
        lines = [f"{total} message(s) in the dead-letter queue ({kinds})"]
        if self.sent_ms:
            first, last = _when(min(self.sent_ms)), _when(max(self.sent_ms))
            lines.append(f"first sent {first}, last sent {last}")
        if dry_run:
            lines.append("dry run: nothing moved, every message is visible again")
            return lines
        lines.append(f"moved back to the source queue: {self.moved}")
        if self.failed:
            lines.append(f"NOT moved (send failed, still in the DLQ): {', '.join(self.failed)}")
        if self.came_back:
            lines.append(f"{self.came_back} message(s) this run had moved died again: left there")
        return lines


def table_lookup(dynamodb: Any, table: str) -> Lookup:
    """Status and reason of an image, read consistently from the images table."""
    def lookup(image_id: str) -> tuple[str, str] | None:
        item = dynamodb.get_item(
            TableName=table, Key={"image_id": {"S": image_id}}, ConsistentRead=True,
            ProjectionExpression="#s, reason", ExpressionAttributeNames={"#s": "status"},
        ).get("Item")
        if item is None:
            return None
        return item.get("status", {}).get("S", "?"), item.get("reason", {}).get("S", "")

    return lookup


def describe(letter: DeadLetter, lookup: Lookup) -> str:
    """One line per message: id, kind, image(s), rendition, receives, times, why."""
    images = ", ".join(letter.image_ids) or "-"
    parts = [letter.message_id, letter.kind, f"image {images}"]
    if letter.rendition:
        parts.append(f"rendition {letter.rendition}")
    parts += [f"receives {letter.receives}", f"sent {_when(letter.sent_ms)}",
              f"first received {_when(letter.first_received_ms)}"]
    reasons = [_reason(image_id, lookup) for image_id in letter.image_ids]
    return "  ".join(parts) + (f"  -> {'; '.join(reasons)}" if reasons else "")


def _reason(image_id: str, lookup: Lookup) -> str:
    found = lookup(image_id)
    if found is None:
        return GONE
    status, reason = found
    return f"{status}: {reason}" if reason else status


def _when(ms: int) -> str:
    if not ms:
        return "?"
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def redrive(target: Target, dry_run: bool, limit: int | None = None, wait_s: int = 1,
            out: Callable[[str], None] = print) -> Summary:
    """List the dead-letter queue and, unless `dry_run`, move each message back."""
    summary, started_ms = Summary(), int(time.time() * 1000)
    lookup, held = table_lookup(target.dynamodb, target.table), []
    for got in batches(target.sqs, target.dlq_url, limit, wait_s):
        # A message this run sent that died again carries a newer SentTimestamp: stop there.
        fresh = [letter for letter in got if letter.sent_ms <= started_ms]
        for letter in fresh:
            summary.listed[letter.kind] += 1
            summary.sent_ms.append(letter.sent_ms)
            out(describe(letter, lookup))
        if dry_run:
            held += got
            continue
        if fresh:
            failed = move(target.sqs, target.dlq_url, target.source_url, fresh)
            summary.failed += failed
            summary.moved += len(fresh) - len(failed)
        if len(fresh) < len(got):
            summary.came_back += len(got) - len(fresh)
            release(target.sqs, target.dlq_url, [x for x in got if x not in fresh])
            break
    release(target.sqs, target.dlq_url, held)
    return summary
