"""RenderQueue on SQS."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote_plus

from chalicelib.ports import RenderTask, UploadedObject


class SqsRenderQueue:
    """Sends one JSON message per rendition, ten per call."""

    def __init__(self, sqs: Any, queue_url: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url

    def publish(self, tasks: Sequence[RenderTask]) -> None:
        """Send one message per task; raise if any could not be sent."""
        for start in range(0, len(tasks), 10):
            entries = [
                {
                    "Id": str(i),
                    "MessageBody": json.dumps(t.as_json()),
                }
                for i, t in enumerate(tasks[start : start + 10])
            ]
            result = self.sqs.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            if result.get("Failed"):
                raise RuntimeError(f"render fan-out failed for {result['Failed']}")

    def backlog(self) -> int:
        """SQS's approximate count of visible messages (sent, not yet received)."""
        answer = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(answer["Attributes"]["ApproximateNumberOfMessages"])


def notification(bucket: str, upload: UploadedObject) -> dict[str, Any]:
    """An S3 ObjectCreated notification for `upload`, shaped as S3 sends it (key quote_plus
    encoded, ETag and version id when known): ingest reads it as it reads S3's own."""
    named: dict[str, Any] = {"key": quote_plus(upload.key)}
    if upload.etag:
        named["eTag"] = upload.etag
    if upload.version_id:
        named["versionId"] = upload.version_id
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Post",
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket}, "object": named},
    }
    return {"Records": [record]}


class SqsIngestQueue:
    """Re-sends upload notifications to the queue S3 notifies."""

    def __init__(self, sqs: Any, queue_url: str, bucket: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.bucket = bucket

    def renotify(self, upload: UploadedObject) -> None:
        """Send the upload's notification again."""
        if not self.queue_url:
            raise RuntimeError("INGEST_QUEUE_URL is not set: nowhere to re-send the upload")
        body = json.dumps(notification(self.bucket, upload))
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=body)
