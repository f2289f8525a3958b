"""Version listings in the local stack's moto copy only the keys under their prefix, and a key
removed during the walk is skipped instead of failing the request."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.s3.models import S3Backend
from moto.s3.utils import _VersionedKeyStore

from infra.local.s3_listing import narrow_version_listings

BUCKET = "versions"


@contextlib.contextmanager
def _patched() -> Iterator[None]:
    saved = (_VersionedKeyStore.iterlists, _VersionedKeyStore.lists,
             S3Backend.list_object_versions)
    narrow_version_listings()
    narrow_version_listings()  # a second call changes nothing
    try:
        yield
    finally:
        (_VersionedKeyStore.iterlists, _VersionedKeyStore.lists,
         S3Backend.list_object_versions) = saved


@pytest.fixture
def narrowed() -> Iterator[None]:
    with _patched():
        yield


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET,
                                     VersioningConfiguration={"Status": "Enabled"})
        for name in ("full/a.jpg", "full/a.jpg", "full/ab.jpg", "originals/a", "originals/b"):
            client.put_object(Bucket=BUCKET, Key=name, Body=b"x" * 100)
        yield client


def _listed(s3: Any, prefix: str) -> list[tuple[str, str]]:
    answer = s3.list_object_versions(Bucket=BUCKET, Prefix=prefix)
    return [(v["Key"], v["VersionId"]) for v in answer.get("Versions", [])]


def test_the_answer_is_the_same_and_only_the_prefix_is_copied(
    s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {prefix: _listed(s3, prefix) for prefix in ("full/a", "originals/", "")}
    assert len(before["full/a"]) == 3 and len(before[""]) == 5
    copied: list[Any] = []
    real = copy.deepcopy

    def counting(value: Any, *args: Any) -> Any:
        copied.append(value)
        return real(value, *args)

    monkeypatch.setattr("moto.s3.models.copy.deepcopy", counting)
    with _patched():
        after = {prefix: _listed(s3, prefix) for prefix in ("full/a", "originals/", "")}
        copied.clear()
        _listed(s3, "originals/a")
    assert after == before
    assert sum(len(v) for v in copied if isinstance(v, list)) == 1  # one key, one version


def test_a_key_removed_during_the_walk_is_skipped(narrowed: None, s3: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    real_getlist = _VersionedKeyStore.getlist

    def vanishing(store: Any, key: str, default: Any = None) -> Any:
        return default if key == "originals/b" else real_getlist(store, key, default)

    monkeypatch.setattr(_VersionedKeyStore, "getlist", vanishing)
    assert [key for key, _ in _listed(s3, "originals/")] == ["originals/a"]
