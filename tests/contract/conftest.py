"""Fixtures giving a fresh, empty instance of every implementation of a port.

`search_index`: the embedded engine always runs (in tmp_path). OpenSearch runs only when
OPENSEARCH_URL is set, through `tests/contract/opensearch_backend.py` (make_index, and
drop_index if present). `image_repo` and `blob_store`: the hand-written fake and the AWS
adapter on in-process moto (`tests/contract/moto_backends.py`).
"""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.ports import (
    BlobStore,
    DuplicateIndex,
    ImageRepository,
    NameRegistry,
    SearchIndex,
    WantedStore,
)
from tests.contract import moto_backends
from tests.fakes import FakeDuplicateIndex, FakeNames, FakeRepo, FakeStore, FakeWantedStore

BASE_URL = "https://cdn.test/renditions/"


def _opensearch(url: str, name: str) -> tuple[SearchIndex, object]:
    try:
        backend = importlib.import_module("tests.contract.opensearch_backend")
    except ImportError as error:
        pytest.skip(f"OpenSearch contract backend unavailable: {error}")
    return backend.make_index(url, name), backend


@pytest.fixture(params=["embedded", "opensearch"])
def search_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    """A fresh, empty SearchIndex of the parametrised implementation."""
    if request.param == "embedded":
        from chalicelib.adapters.search.embedded import EmbeddedSearchIndex

        yield EmbeddedSearchIndex(tmp_path / "search")
        return
    url = os.environ.get("OPENSEARCH_URL")
    if not url:
        pytest.skip("OPENSEARCH_URL is not set (see tests/contract/opensearch_backend.py)")
    name = f"contract-{uuid.uuid4().hex[:12]}"
    index, backend = _opensearch(url, name)
    try:
        yield index
    finally:
        drop = getattr(backend, "drop_index", None)
        if drop is not None:
            drop(url, name)


@pytest.fixture(params=["fake", "dynamodb"])
def image_repo(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ImageRepository]:
    """A fresh, empty ImageRepository: the hand-written fake, or DynamoDB on moto."""
    if request.param == "fake":
        yield FakeRepo()
        return
    from chalicelib.adapters.dynamodb.repository import DynamoImageRepository

    with moto_backends.mocked_aws(monkeypatch):
        moto_backends.make_atomic(monkeypatch)
        moto_backends.create_images_table("contract-images")
        moto_backends.create_images_table("contract-quotas", "QuotasTable")
        yield DynamoImageRepository("contract-images", "us-east-1", "contract-quotas")


@pytest.fixture(params=["fake", "s3"])
def versioned_store(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BlobStore]:
    """A fresh BlobStore that keeps every version: the fake, or a versioned bucket on moto."""
    if request.param == "fake":
        yield FakeStore(BASE_URL, versioned=True)
        return
    from chalicelib.adapters.s3 import S3BlobStore

    with moto_backends.mocked_aws(monkeypatch):
        s3 = moto_backends.create_bucket("contract-versions", versioned=True)
        yield S3BlobStore(s3, "contract-versions", BASE_URL)


@pytest.fixture(params=["fake", "s3"])
def blob_store(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BlobStore]:
    """A fresh, empty BlobStore served under BASE_URL: the fake, or S3 on moto."""
    if request.param == "fake":
        yield FakeStore(BASE_URL)
        return
    from chalicelib.adapters.s3 import S3BlobStore

    with moto_backends.mocked_aws(monkeypatch):
        s3 = moto_backends.create_bucket("contract-blobs")
        yield S3BlobStore(s3, "contract-blobs", BASE_URL)


@pytest.fixture(params=["fake", "dynamodb"])
def name_registry(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[NameRegistry]:
    """A fresh, empty NameRegistry: the fake, or the profiles table on moto."""
    if request.param == "fake":
        yield FakeNames()
        return
    from chalicelib.adapters.dynamodb.names import DynamoNameRegistry

    with moto_backends.mocked_aws(monkeypatch):
        moto_backends.make_atomic(monkeypatch)
        moto_backends.create_declared_table("ProfilesTable", "contract-profiles")
        yield DynamoNameRegistry("contract-profiles", "us-east-1")


@pytest.fixture(params=["fake", "dynamodb"])
def duplicate_index(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DuplicateIndex]:
    """A fresh, empty DuplicateIndex: the fake, or the duplicates table on moto."""
    if request.param == "fake":
        yield FakeDuplicateIndex()
        return
    from chalicelib.adapters.dynamodb.duplicates import DynamoDuplicateIndex

    with moto_backends.mocked_aws(monkeypatch):
        moto_backends.create_declared_table("DuplicatesTable", "contract-duplicates")
        yield DynamoDuplicateIndex("contract-duplicates", "us-east-1")


@pytest.fixture(params=["fake", "dynamodb"])
def wanted_store(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[WantedStore]:
    """A fresh, empty WantedStore: the fake, or the insights table on moto."""
    if request.param == "fake":
        yield FakeWantedStore()
        return
    from chalicelib.adapters.dynamodb.insights import DynamoWantedStore

    with moto_backends.mocked_aws(monkeypatch):
        moto_backends.make_atomic(monkeypatch)  # ADD is atomic in DynamoDB
        moto_backends.create_declared_table("InsightsTable", "contract-insights")
        yield DynamoWantedStore("contract-insights", "us-east-1")
