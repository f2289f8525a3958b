"""In-process moto with the resources of template.yaml, and the real adapters wired by bootstrap."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


@cache
def boto_session() -> Any:
    """One boto3 session for the clients tests make on in-process moto: a session per client
    re-reads botocore's endpoint and service data (about 0.1 s a client). Make it inside
    mock_aws: moto, imported by then, has put its stubber in every new session's handlers."""
    import boto3

    return boto3.session.Session(region_name=AWS_ENV["AWS_REGION"])


def moto_clients() -> Any:
    """The clients `resources.create_all` uses, from that one session."""
    services = {"s3": "s3", "sqs": "sqs", "dynamodb": "dynamodb", "cognito": "cognito-idp"}
    return SimpleNamespace(**{name: boto_session().client(service)
                              for name, service in services.items()})


@dataclass
class Stack:
    """Real adapters on moto, plus raw clients for assertions."""

    services: Any
    s3: Any
    sqs: Any
    ingest_queue_url: str
    render_queue_url: str

    def drain(self, queue_url: str, limit: int = 10) -> list[dict[str, Any]]:
        """Receive (and delete) every visible message, shaped as Lambda SQS records."""
        records: list[dict[str, Any]] = []
        while True:
            got = self.sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=limit, AttributeNames=["All"]
            ).get("Messages", [])
            if not got:
                return records
            for message in got:
                self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                records.append(_lambda_record(message, queue_url))


    def play(self, lambda_client: Any, rounds: int = 10,
             after_render: Callable[[], None] | None = None) -> int:
        """Play the ingest and render event-source mappings until both queues are empty (at most
        `rounds` passes), one message per invocation; how many render messages ran."""
        ran = 0
        for _ in range(rounds):
            ingest = self.drain(self.ingest_queue_url)
            for record in ingest:
                lambda_client.invoke("ingest", {"Records": [record]})
            render = self.drain(self.render_queue_url)
            for record in render:
                lambda_client.invoke("render", {"Records": [record]})
                ran += 1
                if after_render is not None:
                    after_render()
            if not ingest and not render:
                return ran
        return ran


def _lambda_record(message: dict[str, Any], queue_url: str) -> dict[str, Any]:
    name = queue_url.rsplit("/", 1)[-1]
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{name}",
        "awsRegion": "us-east-1",
    }


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    for key, value in AWS_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    from moto import mock_aws

    from chalicelib import bootstrap, config
    from infra.local import resources, template
    from tests.support.tokens import CLIENT_ID, StaticJwks

    with mock_aws():
        created = resources.create_all(
            template.load(ROOT / "template.yaml"),
            moto_clients(),
            resources.Options(),
        )
        env = {
            **AWS_ENV,
            "UPLOADS_BUCKET": created["UploadsBucket"].ref,
            "ORIGINALS_BUCKET": created["OriginalsBucket"].ref,
            "RENDITIONS_BUCKET": created["RenditionsBucket"].ref,
            "IMAGES_TABLE": created["ImagesTable"].ref,
            "QUOTAS_TABLE": created["QuotasTable"].ref,
            "INSIGHTS_TABLE": created["InsightsTable"].ref,
            "DUPLICATES_TABLE": created["DuplicatesTable"].ref,
            # Tests here upload one picture many times over (orientations, formats); the
            # duplicate check has its own test (test_duplicates_pipeline.py) that turns it on.
            "DUPLICATE_CHECK": os.environ.get("TEST_DUPLICATE_CHECK", "off"),
            "RENDER_QUEUE_URL": created["RenderQueue"].ref,
            "INGEST_QUEUE_URL": created["IngestQueue"].ref,
            "COGNITO_USER_POOL_ID": "us-east-1_TESTPOOL",
            "COGNITO_APP_CLIENT_IDS": CLIENT_ID,
            "RENDITIONS_BASE_URL": "http://cdn.test/renditions",
        }
        settings = config.load(env)
        services = bootstrap.build(settings)
        services.verifier._jwks = StaticJwks()  # the real verifier, with keys that need no network
        bootstrap.override(services)
        s3 = services.deps.uploads.s3  # type: ignore[attr-defined]
        sqs = services.deps.queue.sqs  # type: ignore[attr-defined]
        try:
            yield Stack(services, s3, sqs, created["IngestQueue"].ref, created["RenderQueue"].ref)
        finally:
            bootstrap.override(None)


def sqs_event(records: list[dict[str, Any]]) -> dict[str, Any]:
    """A Lambda SQS event around these records."""
    return json.loads(json.dumps({"Records": records}))
