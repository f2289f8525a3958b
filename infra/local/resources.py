"""Create the template's resources on moto, idempotently: one small creator per resource type."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from infra.local import cognito, storage
from infra.local.clients import ACCOUNT_ID, REGION, client, error_code
from infra.local.template import Created, Resolver, Resource, Template

log = logging.getLogger(__name__)

_QUEUE_ATTRIBUTES = (
    "VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize",
    "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "FifoQueue", "ContentBasedDeduplication",
)
_TABLE_ARGUMENTS = (
    "TableName", "AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput",
    "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "StreamSpecification",
)


@dataclass(frozen=True)
class Options:
    """Local-only tweaks; `visibility_timeout` overrides every queue's (tests shrink it)."""

    visibility_timeout: int | None = None


class Clients:
    """The boto3 clients the creators need, made once per stack."""

    def __init__(self, endpoint_url: str | None) -> None:
        self.s3 = client("s3", endpoint_url)
        self.sqs = client("sqs", endpoint_url)
        self.dynamodb = client("dynamodb", endpoint_url)
        self.cognito = client("cognito-idp", endpoint_url)


Creator = Callable[[Clients, dict[str, Any], Options], Created]


def create_queue(clients: Clients, props: dict[str, Any], options: Options) -> Created:
    """Create the queue, or bring an existing one's attributes up to date."""
    name = props["QueueName"]
    attributes = {key: _attribute(props[key]) for key in _QUEUE_ATTRIBUTES if key in props}
    if options.visibility_timeout is not None:
        attributes["VisibilityTimeout"] = str(options.visibility_timeout)
    try:
        url = clients.sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attributes.pop("FifoQueue", None)  # may only be given at creation
        if attributes:
            clients.sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    except ClientError as exc:
        if "NonExistentQueue" not in error_code(exc) and "QueueDoesNotExist" not in error_code(exc):
            raise
        url = clients.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
    return Created(ref=url, attrs={"Arn": arn, "QueueName": name, "QueueUrl": url})


def _attribute(value: Any) -> str:
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def create_table(clients: Clients, props: dict[str, Any], options: Options) -> Created:
    """Create the table (keys, indexes, stream) unless it exists already."""
    name = props["TableName"]
    try:
        table = clients.dynamodb.describe_table(TableName=name)["Table"]
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        arguments = {key: props[key] for key in _TABLE_ARGUMENTS if key in props}
        if "StreamSpecification" in arguments:
            stream = {"StreamEnabled": True, **props["StreamSpecification"]}
            arguments["StreamSpecification"] = stream
        table = clients.dynamodb.create_table(**arguments)["TableDescription"]
    return Created(
        ref=name, attrs={"Arn": table["TableArn"], "StreamArn": table.get("LatestStreamArn", "")}
    )


CREATORS: Mapping[str, Creator] = {
    "AWS::S3::Bucket": storage.create_bucket,
    "AWS::SQS::Queue": create_queue,
    "AWS::DynamoDB::Table": create_table,
    "AWS::Cognito::UserPool": cognito.create_user_pool,
    "AWS::Cognito::UserPoolClient": cognito.create_user_pool_client,
    "AWS::Cognito::UserPoolGroup": cognito.create_group,
}


def _unconditional(resource: Resource) -> dict[str, Any]:
    """Properties without the ones a condition picks: locally there are no conditions."""
    return {
        key: value
        for key, value in resource.properties.items()
        if not (isinstance(value, dict) and set(value) == {"Fn::If"})
    }


def create_all(template: Template, clients: Clients, options: Options) -> dict[str, Created]:
    """Create every resource type the local stack knows, in dependency order."""
    created: dict[str, Created] = {}
    for resource in template.in_creation_order():
        creator = CREATORS.get(resource.type)
        if creator is None:
            log.debug("skipping %s (%s): no local equivalent", resource.logical_id, resource.type)
            continue
        properties = Resolver(template.parameters, created).resolve(_unconditional(resource))
        created[resource.logical_id] = creator(clients, properties, options)
        log.debug("ready: %s -> %s", resource.logical_id, created[resource.logical_id].ref)
    return created
