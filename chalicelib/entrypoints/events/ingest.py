"""Ingest Lambda body: S3 ObjectCreated notifications (through SQS) -> ingest use case."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.bootstrap import Services
from chalicelib.entrypoints.events.batch import process_sqs, receive_count
from chalicelib.observability import count, logger, with_metrics
from chalicelib.services import ingest


def upload_keys(body: str, bucket: str) -> list[str]:
    """Object keys in an S3 notification for `bucket`; test events and others give none."""
    message = json.loads(body)
    if not isinstance(message, dict) or message.get("Event") == "s3:TestEvent":
        return []
    keys = []
    for record in message.get("Records", []):
        s3 = record.get("s3", {})
        if s3.get("bucket", {}).get("name") == bucket:
            keys.append(unquote_plus(s3["object"]["key"]))
    return keys


@with_metrics
def handle(event: dict[str, Any], services: Services) -> dict[str, Any]:
    """Process each notification; report the ones to retry."""
    deps = services.deps
    max_receives = deps.limits.max_receives

    def one(record: SQSRecord) -> None:
        try:
            keys = upload_keys(record.body, services.settings.uploads_bucket)
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.error("dropping a message that is not an S3 notification")
            return
        for key in keys:
            try:
                outcome = ingest.ingest_object(deps, key)
            except Exception:
                logger.exception("ingest failed", extra={"key": key})
                if receive_count(record) >= max_receives:
                    ingest.give_up(deps, key)
                raise
            logger.info("ingest", extra={"key": key, "outcome": outcome})
            count("ingest", str(outcome))

    return process_sqs(event, one)
