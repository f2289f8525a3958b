"""The real AWS adapters on in-process moto, for the contract suites: one table or one bucket."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from infra.local.atomic_items import locked_operations
from tests.integration.conftest import AWS_ENV, boto_session

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def mocked_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In-process moto with dummy credentials and no endpoint override."""
    for key, value in AWS_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    from moto import mock_aws

    with mock_aws():
        yield


def make_atomic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make moto's DynamoDB item operations atomic, as the service's are (for this test)."""
    from moto.dynamodb.models import DynamoDBBackend

    for name, operation in locked_operations(DynamoDBBackend, threading.RLock()).items():
        monkeypatch.setattr(DynamoDBBackend, name, operation)


def _dynamodb() -> SimpleNamespace:
    """The clients `resources.create_table` needs, for in-process moto (one session for all)."""
    return SimpleNamespace(dynamodb=boto_session().client("dynamodb"))


def create_images_table(name: str, logical_id: str = "ImagesTable") -> None:
    """The images table (or another, by its logical id) exactly as template.yaml declares it
    (keys, indexes, stream)."""
    from infra.local import resources, template

    declared = next(
        r for r in template.load(ROOT / "template.yaml").resources if r.logical_id == logical_id
    )
    keys = ("AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes",
            "StreamSpecification")
    props = {key: declared.properties[key] for key in keys if key in declared.properties}
    props |= {"TableName": name}
    resources.create_table(_dynamodb(), props, resources.Options())  # type: ignore[arg-type]


def create_declared_table(logical_id: str, name: str) -> None:
    """A table with the keys template.yaml declares for `logical_id` (no indexes, no stream)."""
    from infra.local import resources, template

    declared = next(
        r for r in template.load(ROOT / "template.yaml").resources if r.logical_id == logical_id
    )
    keys = ("AttributeDefinitions", "KeySchema", "BillingMode")
    props = {key: declared.properties[key] for key in keys} | {"TableName": name}
    resources.create_table(_dynamodb(), props, resources.Options())  # type: ignore[arg-type]


def create_bucket(name: str, versioned: bool = False) -> Any:
    """A fresh bucket (keeping every version, as the uploads and originals buckets do, when
    `versioned`); returns an S3 client made as bootstrap makes it."""
    from chalicelib.adapters import aws

    s3 = aws.client("s3", AWS_ENV["AWS_REGION"])
    s3.create_bucket(Bucket=name)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return s3
