"""Run a record handler over an SQS batch and answer with partial batch failures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.observability import logger


def receive_count(record: SQSRecord) -> int:
    """How many times SQS has handed out this message (1 on first delivery)."""
    return int(record.attributes.approximate_receive_count or 1)


def process_sqs(event: dict[str, Any], handle: Callable[[SQSRecord], None]) -> dict[str, Any]:
    """Call `handle` per record; failed ones are listed in batchItemFailures."""
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    def logged(record: SQSRecord) -> None:
        with logger.append_context_keys(message_id=record.message_id):
            handle(record)

    result = process_partial_response(event=event, record_handler=logged, processor=processor)
    return dict(result)
