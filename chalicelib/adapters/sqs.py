"""RenderQueue on SQS."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from chalicelib.ports import RenderTask


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
                    "MessageBody": json.dumps({"image_id": t.image_id, "rendition": t.rendition}),
                }
                for i, t in enumerate(tasks[start : start + 10])
            ]
            result = self.sqs.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            if result.get("Failed"):
                raise RuntimeError(f"render fan-out failed for {result['Failed']}")
