"""What sits in a dead-letter queue, and moving it back to its source queue (`make redrive`).

Every move sends first and deletes from the dead-letter queue only once the send succeeded:
a crash in between duplicates a message, never loses one (the handlers are idempotent).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.domain.model import image_id_from_upload_key

BATCH = 10  # SQS's largest receive, send and delete batch
LISTING_VISIBILITY_S = 60  # hides what was listed until the listing (or the move) is done
INGEST, RENDER, UNKNOWN = "ingest", "render", "unknown"

# image id -> its status and reason in the table, or None when the image is gone
Lookup = Callable[[str], "tuple[str, str] | None"]


@dataclass(frozen=True)
class DeadLetter:
    """One dead-lettered message, as the operator sees it."""

    message_id: str
    kind: str  # ingest, render or unknown
    image_ids: tuple[str, ...]
    rendition: str
    receives: int
    sent_ms: int
    first_received_ms: int
    body: str = field(repr=False)
    attributes: dict[str, Any] = field(repr=False, default_factory=dict)
    receipt: str = field(repr=False, default="")


def classify(body: str) -> tuple[str, tuple[str, ...], str]:
    """(kind, image ids, rendition) of a message body; anything else is unknown."""
    try:
        data = json.loads(body)
    except ValueError:
        return UNKNOWN, (), ""
    if not isinstance(data, dict):
        return UNKNOWN, (), ""
    if isinstance(data.get("image_id"), str) and isinstance(data.get("rendition"), str):
        return RENDER, (data["image_id"],), data["rendition"]
    ids = _notified_image_ids(data)
    return (INGEST, ids, "") if ids is not None else (UNKNOWN, (), "")


def _notified_image_ids(data: dict[str, Any]) -> tuple[str, ...] | None:
    """The image ids an S3 notification names under uploads/ (None: not a notification)."""
    records = data.get("Records")
    if not isinstance(records, list):
        return () if data.get("Event") == "s3:TestEvent" else None
    ids = []
    for record in records:
        named = record.get("s3", {}).get("object", {}) if isinstance(record, dict) else {}
        key = named.get("key") if isinstance(named, dict) else None
        if not isinstance(key, str):
            return None
        image_id = image_id_from_upload_key(unquote_plus(key))
        if image_id:
            ids.append(image_id)
    return tuple(ids)


def as_dead_letter(message: dict[str, Any]) -> DeadLetter:
    """A received SQS message (AttributeNames All) -> DeadLetter."""
    system = message.get("Attributes", {})
    kind, ids, rendition = classify(message["Body"])
    return DeadLetter(
        message_id=message["MessageId"], kind=kind, image_ids=ids, rendition=rendition,
        receives=int(system.get("ApproximateReceiveCount", 0)),
        sent_ms=int(system.get("SentTimestamp", 0)),
        first_received_ms=int(system.get("ApproximateFirstReceiveTimestamp", 0)),
        body=message["Body"], attributes=message.get("MessageAttributes", {}),
        receipt=message["ReceiptHandle"],
    )


def receive(sqs: Any, queue_url: str, wait_s: int, count: int = BATCH) -> list[DeadLetter]:
    """One receive of up to `count` messages, hidden for LISTING_VISIBILITY_S."""
    answer = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=max(1, min(BATCH, count)),
        VisibilityTimeout=LISTING_VISIBILITY_S, WaitTimeSeconds=wait_s,
        AttributeNames=["All"], MessageAttributeNames=["All"],
    )
    return [as_dead_letter(message) for message in answer.get("Messages", [])]


def batches(sqs: Any, queue_url: str, limit: int | None, wait_s: int) -> Iterator[list[DeadLetter]]:
    """Receive batches until the queue answers empty or `limit` messages were received."""
    taken = 0
    while limit is None or taken < limit:
        got = receive(sqs, queue_url, wait_s, BATCH if limit is None else limit - taken)
        if not got:
            return
        taken += len(got)
        yield got


def release(sqs: Any, queue_url: str, letters: Sequence[DeadLetter]) -> None:
    """Make received messages visible again at once (a dry run changes nothing)."""
    for start in range(0, len(letters), BATCH):
        entries = [{"Id": str(i), "ReceiptHandle": letter.receipt, "VisibilityTimeout": 0}
                   for i, letter in enumerate(letters[start : start + BATCH])]
        sqs.change_message_visibility_batch(QueueUrl=queue_url, Entries=entries)


def move(sqs: Any, dlq_url: str, source_url: str, letters: Sequence[DeadLetter]) -> list[str]:
    """Send each to the source queue, then delete from the DLQ those sent; failed sends' ids."""
    entries = [_send_entry(str(i), letter) for i, letter in enumerate(letters)]
    answer = sqs.send_message_batch(QueueUrl=source_url, Entries=entries)
    sent = {item["Id"] for item in answer.get("Successful", [])}
    done = [{"Id": str(i), "ReceiptHandle": letter.receipt}
            for i, letter in enumerate(letters) if str(i) in sent]
    if done:
        sqs.delete_message_batch(QueueUrl=dlq_url, Entries=done)
    return [letter.message_id for i, letter in enumerate(letters) if str(i) not in sent]


def _send_entry(entry_id: str, letter: DeadLetter) -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": entry_id, "MessageBody": letter.body}
    if letter.attributes:
        entry["MessageAttributes"] = {name: _attribute(value)
                                      for name, value in letter.attributes.items()}
    return entry


def _attribute(value: dict[str, Any]) -> dict[str, Any]:
    """A received message attribute as SendMessage takes it (no empty list fields)."""
    return {key: item for key, item in value.items() if item not in ([], None)}
