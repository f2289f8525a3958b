"""The BlobStore contract on a store that keeps versions (the uploads and originals buckets):
pinned reads, one version removed, every version purged, signed downloads. The fake and S3
(on moto) both pass these."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.ports import BlobStore, ObjectInfo, Pin


def _etag(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # what S3 names a single-part object by


def test_each_put_is_a_version_and_a_pinned_read_gets_exactly_it(
    versioned_store: BlobStore,
) -> None:
    first = versioned_store.put("uploads/x", b"first", "image/jpeg")
    second = versioned_store.put("uploads/x", b"second!", "image/png")
    assert first and second and first != second
    assert versioned_store.read("uploads/x") == b"second!"
    assert versioned_store.read("uploads/x", pin=Pin(first)) == b"first"
    assert versioned_store.read("uploads/x", 0, 1, Pin(first)) == b"fi"
    assert versioned_store.head("uploads/x", Pin(first)) == ObjectInfo(5, "image/jpeg")


def test_an_etag_finds_its_version(versioned_store: BlobStore) -> None:
    first = versioned_store.put("uploads/x", b"first", "image/jpeg")
    versioned_store.put("uploads/x", b"second", "image/jpeg")
    assert versioned_store.find_version("uploads/x", _etag(b"first")) == first
    assert versioned_store.find_version("uploads/x", f'"{_etag(b"first")}"') == first
    assert versioned_store.find_version("uploads/x", _etag(b"never")) == ""
    assert versioned_store.find_version("uploads/none", _etag(b"first")) == ""


def test_a_pin_whose_bytes_are_gone_reads_nothing(versioned_store: BlobStore) -> None:
    first = versioned_store.put("uploads/x", b"first", "image/jpeg")
    versioned_store.put("uploads/x", b"second", "image/jpeg")
    versioned_store.delete_version("uploads/x", first)
    assert versioned_store.head("uploads/x", Pin(first)) is None
    with pytest.raises(Exception):  # noqa: B017 - the port promises a failure, not its type
        versioned_store.read("uploads/x", pin=Pin(first))
    assert versioned_store.read("uploads/x") == b"second"  # the other version is untouched


def test_removing_the_current_version_leaves_the_one_before(versioned_store: BlobStore) -> None:
    versioned_store.put("uploads/x", b"first", "image/jpeg")
    second = versioned_store.put("uploads/x", b"second", "image/jpeg")
    versioned_store.delete_version("uploads/x", second)
    versioned_store.delete_version("uploads/x", "no-such-version-id")
    assert versioned_store.read("uploads/x") == b"first"


def test_purge_removes_every_version_of_each_key_only(versioned_store: BlobStore) -> None:
    old = versioned_store.put("originals/a", b"1", "image/jpeg")
    versioned_store.put("originals/a", b"2", "image/jpeg")
    versioned_store.delete(["originals/a"])  # a plain delete: S3 keeps the versions under it
    versioned_store.put("originals/b", b"keep", "image/jpeg")
    versioned_store.purge(["originals/a", "originals/never-was"])
    assert versioned_store.head("originals/a", Pin(old)) is None
    assert versioned_store.find_version("originals/a", _etag(b"2")) == ""
    assert versioned_store.read("originals/b") == b"keep"


def test_a_signed_download_names_the_file_and_the_version(versioned_store: BlobStore) -> None:
    version = versioned_store.put("full/a.jpg", b"jpeg", "image/jpeg")
    url = versioned_store.presign_get("full/a.jpg", "red-fox-a.jpg", 300, version)
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path.endswith("/full/a.jpg")
    assert any("red-fox-a.jpg" in value for values in query.values() for value in values)
    assert any(version in value for values in query.values() for value in values)


def test_a_head_names_the_version_it_read(versioned_store: BlobStore) -> None:
    first = versioned_store.put("uploads/x", b"first", "image/jpeg")
    second = versioned_store.put("uploads/x", b"second", "image/jpeg")
    current = versioned_store.head("uploads/x")
    pinned = versioned_store.head("uploads/x", Pin(first))
    assert current is not None and (current.version_id, current.etag) == (second, _etag(b"second"))
    assert pinned is not None and (pinned.version_id, pinned.etag) == (first, _etag(b"first"))
