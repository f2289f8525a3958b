"""The BlobStore contract: the fake and S3 (on moto) both pass these.

Presigned POST grants are S3's alone (tests/integration/adapters/test_s3_presign.py)."""

from __future__ import annotations

import pytest

from chalicelib.ports import BlobStore, ObjectInfo
from tests.contract.conftest import BASE_URL

DIGITS = b"0123456789"


def test_a_missing_object_has_no_head(blob_store: BlobStore) -> None:
    assert blob_store.head("uploads/never-was") is None


def test_a_stored_object_tells_its_size_and_type(blob_store: BlobStore) -> None:
    blob_store.put("uploads/x", DIGITS, "image/jpeg")
    blob_store.put("uploads/empty", b"", "image/png", "public, max-age=60")
    assert blob_store.head("uploads/x") == ObjectInfo(10, "image/jpeg")
    assert blob_store.head("uploads/empty") == ObjectInfo(0, "image/png")


def test_a_put_replaces_what_was_there(blob_store: BlobStore) -> None:
    blob_store.put("k", b"old bytes", "image/png")
    blob_store.put("k", b"new", "image/webp")
    assert (blob_store.read("k"), blob_store.head("k")) == (b"new", ObjectInfo(3, "image/webp"))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, None, DIGITS),
        (0, 3, b"0123"),  # both ends included
        (3, 3, b"3"),
        (9, 9, b"9"),
        (5, None, b"56789"),
        (8, 20, b"89"),  # past the end: what there is
    ],
)
def test_reads_are_whole_or_an_inclusive_range(
    blob_store: BlobStore, start: int, end: int | None, expected: bytes
) -> None:
    blob_store.put("k", DIGITS, "application/octet-stream")
    assert blob_store.read("k", start, end) == expected


@pytest.mark.parametrize(("start", "end"), [(10, None), (10, 12), (12, 15)])
def test_a_range_starting_past_the_end_is_refused(
    blob_store: BlobStore, start: int, end: int | None
) -> None:
    blob_store.put("k", DIGITS, "application/octet-stream")
    with pytest.raises(Exception):  # noqa: B017 - the port promises a failure, not its type
        blob_store.read("k", start, end)


def test_reading_a_missing_object_fails(blob_store: BlobStore) -> None:
    with pytest.raises(Exception):  # noqa: B017 - the port promises a failure, not its type
        blob_store.read("never-was")


def test_delete_removes_what_exists_and_ignores_what_does_not(blob_store: BlobStore) -> None:
    blob_store.put("a", b"1", "image/png")
    blob_store.put("b", b"2", "image/png")
    blob_store.delete(["a", "never-was"])
    blob_store.delete([])
    assert (blob_store.head("a"), blob_store.head("b")) == (None, ObjectInfo(1, "image/png"))


def test_delete_takes_more_keys_than_one_request_holds(blob_store: BlobStore) -> None:
    keys = [f"r/{n:05d}" for n in range(2500)]
    stored = [keys[0], keys[999], keys[1000], keys[1999], keys[2000], keys[-1]]
    for key in stored:
        blob_store.put(key, b"x", "image/webp")
    blob_store.delete(keys)
    assert [blob_store.head(key) for key in stored] == [None] * len(stored)


def test_the_url_is_the_key_under_the_public_base(blob_store: BlobStore) -> None:
    assert blob_store.url("abc/large.webp") == BASE_URL.rstrip("/") + "/abc/large.webp"


# --- listings (the sweeper's orphan hunt) -----------------------------------------------------


def test_a_listing_is_in_key_order_after_a_key_and_bounded(blob_store: BlobStore) -> None:
    keys = ["uploads/a1", "uploads/a2", "uploads/b1", "uploads/b2", "masters/a1.tif", "uploadsx"]
    for key in keys:
        blob_store.put(key, b"x", "image/jpeg")
    listed = blob_store.listing("uploads/")
    assert [o.key for o in listed] == ["uploads/a1", "uploads/a2", "uploads/b1", "uploads/b2"]
    assert all(o.last_modified.tzinfo is not None and o.etag for o in listed)
    assert [o.key for o in blob_store.listing("uploads/", "uploads/a2", 2)] == [
        "uploads/b1", "uploads/b2"]
    assert [o.key for o in blob_store.listing("uploads/b")] == ["uploads/b1", "uploads/b2"]
    assert [o.key for o in blob_store.listing("uploads/", "", 1)] == ["uploads/a1"]
    blob_store.delete(["uploads/a1"])
    assert blob_store.listing("uploads/a1") == []
    assert blob_store.listing("nothing/") == []


def test_a_head_names_the_etag_of_the_bytes(blob_store: BlobStore) -> None:
    import hashlib

    blob_store.put("uploads/x", DIGITS, "image/jpeg")
    info = blob_store.head("uploads/x")
    assert info is not None and info.etag == hashlib.md5(DIGITS).hexdigest()
    assert blob_store.listing("uploads/x")[0].etag == info.etag
