"""Ingest Lambda body: S3 ObjectCreated notifications (through SQS) -> ingest use case."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.bootstrap import Services
from chalicelib.domain.model import image_id_from_upload_key
from chalicelib.entrypoints.events.batch import process_sqs, receive_count, run_counted
from chalicelib.observability import logger, with_metrics
from chalicelib.services import ingest
from chalicelib.services.deps import Deps


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
    bucket = services.settings.uploads_bucket
    return process_sqs(event, lambda record: _notification(record, services.deps, bucket))


def _notification(record: SQSRecord, deps: Deps, bucket: str) -> None:
    try:
        keys = upload_keys(record.body, bucket)
    except (ValueError, KeyError, TypeError, AttributeError):
        logger.error("dropping a message that is not an S3 notification")
        return
    for key in keys:
        with logger.append_context_keys(image_id=image_id_from_upload_key(key), key=key):
            _ingest_key(deps, key, receive_count(record))


def _ingest_key(deps: Deps, key: str, receives: int) -> None:
    run_counted(
        "ingest",
        lambda: ingest.ingest_object(deps, key),
        lambda: ingest.give_up(deps, key),
        last_try=receives >= deps.limits.max_receives,
    )
