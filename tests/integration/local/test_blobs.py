"""S3 bodies live beside the snapshot as content-addressed files: small pickles, no re-hashing."""

from __future__ import annotations

import hashlib
import os
import urllib.request
from pathlib import Path
from typing import Any

from infra.local import resources, snapshot
from infra.local.files import previous
from tests.integration.local.conftest import unique

BIG = os.urandom(300_000)  # random: a pickle holding it cannot be smaller than it


def _bucket(moto_server: Any) -> tuple[resources.Clients, str]:
    clients = resources.Clients(moto_server.endpoint_url)
    bucket = unique("blobs")
    clients.s3.create_bucket(Bucket=bucket)
    return clients, bucket


def _reset(moto_server: Any) -> None:
    request = urllib.request.Request(f"{moto_server.endpoint_url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _blob_names(path: Path) -> set[str]:
    return {entry.name for entry in snapshot.blob_store(path).root.iterdir()}


def test_given_objects_when_saved_and_restored_then_bodies_come_back_from_blob_files(
    moto_server: Any, tmp_path: Path,
) -> None:
    clients, bucket = _bucket(moto_server)
    clients.s3.put_object(Bucket=bucket, Key="big.bin", Body=BIG)
    clients.s3.put_object(Bucket=bucket, Key="copy.bin", Body=BIG)
    clients.s3.put_object(Bucket=bucket, Key="empty.bin", Body=b"")
    path = tmp_path / "moto-state.pickle"
    assert snapshot.save(path, moto_server.gate)
    # THEN the body is one file named by its digest, and not inside the pickle
    assert (snapshot.blob_store(path).path(_digest(BIG))).read_bytes() == BIG
    assert BIG[:4096] not in path.read_bytes()
    # WHEN moto forgets everything and the snapshot is restored
    _reset(moto_server)
    saved = snapshot.load(path)
    assert saved is not None
    snapshot.restore(saved)
    # THEN every body, etag included, is back
    for key, body in (("big.bin", BIG), ("copy.bin", BIG), ("empty.bin", b"")):
        got = clients.s3.get_object(Bucket=bucket, Key=key)
        assert got["Body"].read() == body
        assert got["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'


def test_given_unchanged_objects_when_saved_again_then_they_are_not_read_again(
    moto_server: Any, tmp_path: Path,
) -> None:
    clients, bucket = _bucket(moto_server)
    clients.s3.put_object(Bucket=bucket, Key="k", Body=BIG)
    store = snapshot.blob_store(tmp_path / "moto-state.pickle")
    first = snapshot.take(moto_server.gate, store)
    assert first is not None and _digest(BIG) in first.bodies.new
    store.write(first.bodies.new)
    first.bodies.remember()
    # WHEN the state is pickled again without that object changing
    second = snapshot.take(moto_server.gate, store)
    assert second is not None
    # THEN it is named by its cached digest: not hashed, not queued to be written again,
    # and the state pickled last time is reused as it is
    assert _digest(BIG) in second.bodies.referenced
    assert not [key for key in second.bodies.hashed if key.bucket_name == bucket]
    assert not [key for key, _state in second.bodies.pickled if key.bucket_name == bucket]
    assert _digest(BIG) not in second.bodies.new


def test_given_a_deleted_object_when_two_more_snapshots_pass_then_its_file_goes(
    moto_server: Any, tmp_path: Path,
) -> None:
    clients, bucket = _bucket(moto_server)
    gone, kept = os.urandom(1000), os.urandom(1000)
    clients.s3.put_object(Bucket=bucket, Key="gone", Body=gone)
    clients.s3.put_object(Bucket=bucket, Key="kept", Body=kept)
    path = tmp_path / "moto-state.pickle"
    (snapshot.blob_store(path).root).mkdir(parents=True)
    (snapshot.blob_store(path).root / ".leftover.tmp").write_bytes(b"a crash mid-write")
    assert snapshot.save(path, moto_server.gate)
    clients.s3.delete_object(Bucket=bucket, Key="gone")
    # WHEN a snapshot without the object is saved, the one before (now .prev) still names it
    assert snapshot.save(path, moto_server.gate)
    assert {_digest(gone), _digest(kept)} <= _blob_names(path)
    assert ".leftover.tmp" not in _blob_names(path)
    # THEN once no kept snapshot names it, its file is removed; the live one stays
    assert snapshot.save(path, moto_server.gate)
    assert _digest(gone) not in _blob_names(path)
    assert _digest(kept) in _blob_names(path)
    assert snapshot.referenced_by(path) == snapshot.referenced_by(previous(path))


def test_given_the_latest_snapshot_names_a_torn_body_when_loaded_then_prev_is_used_and_kept(
    moto_server: Any, tmp_path: Path,
) -> None:
    clients, bucket = _bucket(moto_server)
    clients.s3.put_object(Bucket=bucket, Key="one", Body=b"first body")
    path = tmp_path / "moto-state.pickle"
    assert snapshot.save(path, moto_server.gate, {"n": 1})
    later = os.urandom(5000)
    clients.s3.put_object(Bucket=bucket, Key="two", Body=later)
    assert snapshot.save(path, moto_server.gate, {"n": 2})
    # WHEN the body only the latest snapshot names is torn (cut short on disk)
    blob = snapshot.blob_store(path).path(_digest(later))
    blob.write_bytes(later[:100])
    loaded = snapshot.load(path)
    # THEN the previous snapshot, whose bodies are whole, is the one restored
    assert loaded is not None and loaded.extras == {"n": 1}
    # AND the next save keeps that good one as its fallback, not the unreadable one
    assert snapshot.save(path, moto_server.gate, {"n": 3})
    store = snapshot.blob_store(path)
    assert snapshot.loads(previous(path).read_bytes(), store).extras == {"n": 1}


def test_given_a_stored_object_changed_in_place_when_saved_again_then_the_change_is_kept(
    moto_server: Any, tmp_path: Path,
) -> None:
    clients, bucket = _bucket(moto_server)
    clients.s3.put_object(Bucket=bucket, Key="k", Body=b"body")
    path = tmp_path / "moto-state.pickle"
    assert snapshot.save(path, moto_server.gate)
    # WHEN moto changes the stored key itself (a new ACL), not the body
    clients.s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read")
    assert snapshot.save(path, moto_server.gate)
    _reset(moto_server)
    saved = snapshot.load(path)
    assert saved is not None
    snapshot.restore(saved)
    # THEN the restored key has the new ACL: its cached state was not reused
    grants = clients.s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("/AllUsers") for g in grants)
    assert clients.s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"body"
