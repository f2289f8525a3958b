"""S3 buckets, their versioning and their S3 -> SQS notifications, from template properties.

Lifecycle rules are not applied (moto keeps them but never acts on them): locally nothing
expires, no noncurrent version goes and nothing changes storage class.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from infra.local.clients import error_code
from infra.local.template import Created

if TYPE_CHECKING:
    from infra.local.resources import Clients, Options

log = logging.getLogger(__name__)


def create_bucket(clients: Clients, props: dict[str, Any], options: Options) -> Created:
    """Create the bucket if missing and wire its queue notifications."""
    name = props["BucketName"]
    try:
        clients.s3.create_bucket(Bucket=name)
    except ClientError as exc:
        if error_code(exc) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    _apply_versioning(clients, name, props.get("VersioningConfiguration"))
    wanted = queue_notifications(props.get("NotificationConfiguration") or {})
    if wanted:
        _ensure_notifications(clients, name, wanted)
    return Created(
        ref=name,
        attrs={
            "Arn": f"arn:aws:s3:::{name}",
            "DomainName": f"{name}.s3.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.us-east-1.amazonaws.com",
        },
    )


def _apply_versioning(clients: Clients, bucket: str, config: dict[str, Any] | None) -> None:
    """Version the bucket as AWS does: the code pins and deletes object versions.

    Applied on every start, so a bucket restored from an older snapshot becomes versioned too.
    """
    if config:
        clients.s3.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": config["Status"]}
        )


def queue_notifications(config: dict[str, Any]) -> list[dict[str, Any]]:
    """CloudFormation QueueConfigurations in the shape of the S3 API."""
    for other in ("TopicConfigurations", "LambdaConfigurations", "EventBridgeConfiguration"):
        if other in config:
            log.debug("skipping %s: no local equivalent", other)
    converted = []
    for entry in config.get("QueueConfigurations", []):
        api_entry: dict[str, Any] = {"QueueArn": entry["Queue"], "Events": [entry["Event"]]}
        rules = entry.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        if rules:
            api_entry["Filter"] = {"Key": {"FilterRules": [dict(rule) for rule in rules]}}
        converted.append(api_entry)
    return converted


def _comparable(entries: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    def key(entry: dict[str, Any]) -> tuple[Any, ...]:
        rules = entry.get("Filter", {}).get("Key", {}).get("FilterRules", [])
        return (
            entry["QueueArn"],
            tuple(sorted(entry["Events"])),
            tuple(sorted((r["Name"].lower(), r["Value"]) for r in rules)),
        )

    return sorted(key(entry) for entry in entries)


def _ensure_notifications(clients: Clients, bucket: str, wanted: list[dict[str, Any]]) -> None:
    current = clients.s3.get_bucket_notification_configuration(Bucket=bucket)
    if _comparable(current.get("QueueConfigurations", [])) == _comparable(wanted):
        return  # unchanged: putting it again would enqueue another s3:TestEvent
    clients.s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": wanted}
    )
    for queue_arn in {entry["QueueArn"] for entry in wanted}:
        _drop_test_events(clients, queue_arn.rsplit(":", 1)[1])


def _drop_test_events(clients: Clients, queue_name: str) -> None:
    """Delete the s3:TestEvent S3 sends when notifications are set; leave the rest visible."""
    url = clients.sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    messages = clients.sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0
    ).get("Messages", [])
    for message in messages:
        if _is_test_event(message["Body"]):
            clients.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _is_test_event(body: str) -> bool:
    try:
        return bool(json.loads(body).get("Event") == "s3:TestEvent")
    except (ValueError, AttributeError):
        return False
