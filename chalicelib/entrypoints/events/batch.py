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

from chalicelib.domain.outcomes import Result
from chalicelib.observability import count, logger


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


def run_counted(
    stage: str, work: Callable[[], Result], give_up: Callable[[], None], last_try: bool
) -> None:
    """Run one event's use case, then log and count its result. On an error, give up first
    when this delivery was the last (the image ends `failed`), then raise so SQS retries or
    dead-letters the message."""
    try:
        result = work()
    except Exception:
        logger.exception(f"{stage} failed")
        if last_try:
            give_up()
        raise
    logger.info(stage, extra={"outcome": result.outcome, "reason": result.reason})
    count(stage, result)
