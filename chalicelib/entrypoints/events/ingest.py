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
from chalicelib.ports import UploadedObject
from chalicelib.services import ingest
from chalicelib.services.deps import Deps


def uploaded_objects(body: str, bucket: str) -> list[UploadedObject]:
    """The objects (key, ETag, version) an S3 notification names in `bucket`; test events
    and others give none."""
    message = json.loads(body)
    if not isinstance(message, dict) or message.get("Event") == "s3:TestEvent":
        return []
    found = []
    for record in message.get("Records", []):
        s3 = record.get("s3", {})
        if s3.get("bucket", {}).get("name") == bucket:
            named = s3["object"]
            found.append(UploadedObject(
                unquote_plus(named["key"]), str(named.get("eTag") or ""),
                str(named.get("versionId") or ""),
            ))
    return found


@with_metrics
def handle(event: dict[str, Any], services: Services) -> dict[str, Any]:
    """Process each notification; report the ones to retry."""
    bucket = services.settings.uploads_bucket
    return process_sqs(event, lambda record: _notification(record, services.deps, bucket))


def _notification(record: SQSRecord, deps: Deps, bucket: str) -> None:
    try:
        uploads = uploaded_objects(record.body, bucket)
    except (ValueError, KeyError, TypeError, AttributeError):
        logger.error("dropping a message that is not an S3 notification")
        return
    for upload in uploads:
        image_id = image_id_from_upload_key(upload.key)
        with logger.append_context_keys(image_id=image_id, key=upload.key):
            _ingest_upload(deps, upload, receive_count(record))


def _ingest_upload(deps: Deps, upload: UploadedObject, receives: int) -> None:
    run_counted(
        "ingest",
        lambda: ingest.ingest_object(deps, upload),
        lambda: ingest.give_up(deps, upload),
        last_try=receives >= deps.limits.max_receives,
    )
