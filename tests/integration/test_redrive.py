"""`make redrive` on in-process moto: template.yaml's queues with their redrive policies.

GIVEN messages that failed maxReceiveCount times (so SQS moved them to the dead-letter queue),
the dry run lists them and changes nothing; the real run moves them back and the real handlers
then process them to the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from infra.redrive_run import Summary, Target, redrive
from tests.images import factory
from tests.integration.conftest import Stack
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
GARBAGE = "this is neither an S3 notification nor a render task"


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    from app import app

    with Client(app) as test_client:
        yield test_client


def _upload(stack: Stack, client: Client) -> str:
    data = factory.photo(640, 480)
    body = {"filename": "photo", "content_type": "image/jpeg", "size": len(data), "title": "t"}
    grant = json.loads(client.http.post("/uploads", headers=ALICE, body=json.dumps(body)).body)
    stack.s3.put_object(Bucket=stack.services.settings.uploads_bucket,
                        Key=grant["upload"]["fields"]["key"], Body=data, ContentType="image/jpeg")
    return str(grant["image_id"])


def _fail_until_dead(stack: Stack, queue_url: str) -> int:
    """Receive without deleting, as a crashing worker does, until SQS dead-letters all."""
    receives = 0
    while stack.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                    VisibilityTimeout=0).get("Messages"):
        receives += 1
        assert receives < 20, "the redrive policy never moved the messages"
    return receives


def _dlq_url(stack: Stack, queue_url: str) -> str:
    policy = stack.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])
    arn = json.loads(policy["Attributes"]["RedrivePolicy"])["deadLetterTargetArn"]
    return str(stack.sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"])


def _count(stack: Stack, queue_url: str) -> tuple[int, int]:
    """(visible, in flight) messages of a queue."""
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    found = stack.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)["Attributes"]
    return int(found[names[0]]), int(found[names[1]])


def _target(stack: Stack, source_url: str) -> Target:
    import boto3

    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    return Target(source_url, _dlq_url(stack, source_url), stack.services.settings.images_table,
                  stack.sqs, dynamodb)


def _run(target: Target, dry_run: bool, limit: int | None = None) -> tuple[Summary, list[str]]:
    printed: list[str] = []
    return redrive(target, dry_run, limit, wait_s=0, out=printed.append), printed


def _play(stack: Stack, client: Client, queue_url: str, function: str) -> int:
    """Hand every visible message of the queue to the function; how many there were."""
    records = stack.drain(queue_url)
    for record in records:
        client.lambda_.invoke(function, {"Records": [record]})
    return len(records)


def _drive(stack: Stack, client: Client) -> None:
    """Play both event-source mappings until both queues are empty."""
    stack.play(client.lambda_)


def _status(client: Client, image_id: str) -> Any:
    return json.loads(client.http.get(f"/images/{image_id}", headers=ALICE).body)["status"]


def test_dead_lettered_uploads_are_listed_then_moved_back_and_ingested(
    stack: Stack, client: Client
) -> None:
    # GIVEN an upload whose notification and a garbage message both died maxReceiveCount times
    image_id = _upload(stack, client)
    stack.sqs.send_message(QueueUrl=stack.ingest_queue_url, MessageBody=GARBAGE,
                           MessageAttributes={"origin": {"DataType": "String",
                                                         "StringValue": "test"}})
    _fail_until_dead(stack, stack.ingest_queue_url)
    target = _target(stack, stack.ingest_queue_url)
    assert _count(stack, target.dlq_url) == (2, 0)

    # WHEN a dry run lists them THEN it names the image, its status and the unknown body
    summary, printed = _run(target, dry_run=True)
    assert summary.listed == {"ingest": 1, "unknown": 1} and summary.moved == 0
    (upload_line,) = [line for line in printed if " ingest " in line]
    assert f"image {image_id}" in upload_line and upload_line.endswith("-> pending")
    assert _receives(upload_line) >= 5  # template.yaml's maxReceiveCount
    assert any(" unknown " in line for line in printed)
    # AND changes nothing: both still in the DLQ, visible at once, none in the source queue
    assert _count(stack, target.dlq_url) == (2, 0)
    assert _count(stack, stack.ingest_queue_url) == (0, 0)

    # WHEN the real run moves them THEN the DLQ is empty and both are back in the source queue
    summary, _ = _run(target, dry_run=False)
    assert (summary.moved, summary.failed) == (2, [])
    assert _count(stack, target.dlq_url) == (0, 0)
    assert _count(stack, stack.ingest_queue_url) == (2, 0)
    moved = _moved_bodies_and_attributes(stack)  # same bodies, same message attributes
    assert moved[GARBAGE] == {"origin": "test"}
    assert [attributes for body, attributes in moved.items() if image_id in body] == [{}]
    # AND the handlers process them: the image ends ready, the garbage is dropped
    _drive(stack, client)
    assert _status(client, image_id) == "ready"
    assert _count(stack, target.dlq_url) == (0, 0)


def test_dead_lettered_renders_name_their_rendition_and_finish_the_image(
    stack: Stack, client: Client
) -> None:
    # GIVEN an ingested image whose render messages all died, and one for an image now gone
    image_id = _upload(stack, client)
    assert _play(stack, client, stack.ingest_queue_url, "ingest") == 1
    gone = json.dumps({"image_id": "img-gone", "rendition": "thumb"})
    stack.sqs.send_message(QueueUrl=stack.render_queue_url, MessageBody=gone)
    _fail_until_dead(stack, stack.render_queue_url)
    target = _target(stack, stack.render_queue_url)
    assert _status(client, image_id) == "processing"

    # WHEN a dry run lists them THEN every rendition is named with the image's status
    summary, printed = _run(target, dry_run=True)
    renditions = {line.split("rendition ")[1].split()[0] for line in printed
                  if f"image {image_id}" in line and line.endswith("-> processing")}
    assert renditions and len(renditions) == summary.listed["render"] - 1
    assert next(line for line in printed if "image img-gone" in line).endswith("-> image gone")
    dead = sum(_count(stack, target.dlq_url))

    # WHEN a run with a limit moves one, then a run without one moves the rest
    first, _ = _run(target, dry_run=False, limit=1)
    assert first.moved == 1 and _count(stack, target.dlq_url) == (dead - 1, 0)
    rest, _ = _run(target, dry_run=False)
    assert rest.moved == dead - 1 and _count(stack, target.dlq_url) == (0, 0)

    # THEN the render handler finishes the image
    _drive(stack, client)
    assert _status(client, image_id) == "ready"


def _moved_bodies_and_attributes(stack: Stack) -> dict[str, dict[str, str]]:
    """Peek at the source queue (visible again at once): body -> message attributes."""
    got = stack.sqs.receive_message(QueueUrl=stack.ingest_queue_url, MaxNumberOfMessages=10,
                                    VisibilityTimeout=0, MessageAttributeNames=["All"])
    return {m["Body"]: {name: value["StringValue"] for name, value
                        in m.get("MessageAttributes", {}).items()} for m in got["Messages"]}


def _receives(line: str) -> int:
    return int(line.split("receives ")[1].split()[0])


MINI_TEMPLATE = {"Resources": {
    "IngestDeadLetterQueue": {"Type": "AWS::SQS::Queue",
                              "Properties": {"QueueName": "stock-images-dev-ingest-dlq"}},
    "IngestQueue": {"Type": "AWS::SQS::Queue",
                    "Properties": {"QueueName": "stock-images-dev-ingest"}},
    "ImagesTable": {"Type": "AWS::DynamoDB::Table", "Properties": {
        "TableName": "stock-images-dev-images", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "image_id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "image_id", "KeyType": "HASH"}]}},
}}


def test_a_stage_is_found_through_its_cloudformation_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a deployed stage's stack (the resources redrive needs, named as template.yaml does)
    from moto import mock_aws

    from infra.redrive import NotFound, aws_target
    from tests.integration.conftest import AWS_ENV

    for key, value in AWS_ENV.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        import boto3

        boto3.client("cloudformation").create_stack(StackName="stock-images-dev",
                                                    TemplateBody=json.dumps(MINI_TEMPLATE))
        # WHEN redrive looks for the stage's ingest queues THEN it gets their URLs and the table
        target = aws_target("dev", "us-east-1", "ingest")
        assert target.source_url.endswith("/stock-images-dev-ingest")
        assert target.dlq_url.endswith("/stock-images-dev-ingest-dlq")
        assert target.table == "stock-images-dev-images"
        # AND a stage without the render queues (or no stack at all) is an error that says so
        with pytest.raises(NotFound, match="RenderQueue"):
            aws_target("dev", "us-east-1", "render")
        with pytest.raises(NotFound, match="stock-images-prod"):
            aws_target("prod", "us-east-1", "ingest")
