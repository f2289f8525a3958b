"""Keep moto's state across restarts: one pickle of the backends, taken while the gate is shut.

S3 object bodies are not in the pickle but in content-addressed files beside it (blobs.py), so a
snapshot stays small and cheap enough to take every second.
"""

from __future__ import annotations

import _thread
import contextlib
import copyreg
import io
import logging
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

from moto.backends import get_backend
from moto.s3.models import FakeKey

from infra.local.blobs import BLOB_DIR, BlobStore
from infra.local.fakekeys import Externalised, key_reducer, loading_from
from infra.local.files import previous, write_atomic
from infra.local.motoserver import Gate

log = logging.getLogger(__name__)

SERVICES = ("s3", "dynamodb", "dynamodbstreams", "sqs", "cognito-idp")
FORMAT = "stock-images-local-snapshot/2"  # /2: S3 bodies in blobs/; /1 had them inline
_READABLE = (FORMAT, "stock-images-local-snapshot/1")


class SnapshotMismatch(RuntimeError):
    """The snapshot was written by another moto version or format."""


@dataclass
class Snapshot:
    """Backends by service, account and region, plus what the runner keeps with them."""

    backends: dict[str, dict[str, dict[str, Any]]]
    bucket_accounts: dict[str, Any]
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class Taken:
    """A snapshot's bytes, with the S3 bodies it names (and the ones not yet on disk)."""

    data: bytes
    bodies: Externalised


def blob_store(path: Path) -> BlobStore:
    """Where the bodies of the snapshot at `path` (and of its .prev) are kept."""
    return BlobStore(path.parent / BLOB_DIR)


def _dispatch_table(found: Externalised) -> dict[Any, Callable[[Any], Any]]:
    table: dict[Any, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    table[FakeKey] = key_reducer(found)
    found.dispatch_table = table  # each key's own state is pickled with it too
    table[_thread.LockType] = lambda _lock: (threading.Lock, ())
    table[type(threading.RLock())] = lambda _lock: (threading.RLock, ())
    table[threading.Condition] = lambda _cond: (threading.Condition, ())
    with contextlib.suppress(ImportError):
        from joserfc.jwk import RSAKey

        table[RSAKey] = lambda key: (RSAKey.import_key, (key.as_dict(private=True),))
    return table


def _backend(service: str) -> Any:
    return get_backend(service)  # type: ignore[call-overload]


def capture(extras: dict[str, Any] | None = None) -> Snapshot:
    """The live backends (call only while no request is being served)."""
    backends = {
        service: {account: dict(regions) for account, regions in _backend(service).items()}
        for service in SERVICES
    }
    return Snapshot(backends, dict(_backend("s3").bucket_accounts), dict(extras or {}))


@cache
def version(package: str) -> str:
    """An installed package's version (read once: it costs milliseconds per snapshot)."""
    return metadata.version(package)


def dumps(snapshot: Snapshot, store: BlobStore) -> Taken:
    """A header naming the bodies used, then every backend in ONE dump (shared stays shared)."""
    body, found = io.BytesIO(), Externalised(store)
    pickler = pickle.Pickler(body, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table(found)
    pickler.dump(snapshot)
    header = {"format": FORMAT, "moto": version("moto"), "blobs": sorted(found.referenced)}
    return Taken(pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL) + body.getvalue(), found)


def _header(buffer: BinaryIO) -> dict[str, Any]:
    header = pickle.load(buffer)  # our own file, in our own data dir
    if not isinstance(header, dict):
        raise ValueError("no snapshot header")
    return header


def loads(data: bytes, store: BlobStore) -> Snapshot:
    """Unpickle a snapshot, bodies from `store`; SnapshotMismatch if another moto wrote it."""
    buffer = io.BytesIO(data)
    header = _header(buffer)
    if header.get("format") not in _READABLE or header.get("moto") != version("moto"):
        raise SnapshotMismatch(
            f"the local data was saved by {header.get('moto', '?')} ({header.get('format')}),"
            f" this is moto {version('moto')}: run `make clean-data` to start afresh"
        )
    with loading_from(store):
        snapshot = pickle.load(buffer)
    if not isinstance(snapshot, Snapshot):
        raise SnapshotMismatch("the snapshot file holds no snapshot: run `make clean-data`")
    return snapshot


def restore(snapshot: Snapshot) -> None:
    """Put saved backends in place; call before the moto server starts."""
    for service, accounts in snapshot.backends.items():
        backend_dict = _backend(service)
        for account, regions in accounts.items():
            for region, backend in regions.items():
                backend_dict[account][region] = backend
    _backend("s3").bucket_accounts.update(snapshot.bucket_accounts)


def referenced_by(path: Path) -> set[str] | None:
    """The bodies the snapshot at `path` names (none if no file); None if it cannot be read."""
    try:
        with open(path, "rb") as handle:  # the header only, not the whole pickle
            return set(_header(handle).get("blobs", []))
    except FileNotFoundError:
        return set()
    except Exception:
        return None


def take(
    gate: Gate, store: BlobStore, extras: dict[str, Any] | None = None, reopen: bool = True,
    prune: Callable[[dict[str, Any]], object] | None = None,
) -> Taken | None:
    """Pickle the state with requests held back (for good unless `reopen`); None if they
    would not drain. `prune(extras)` runs first, in the same hold (stream_trim: what no one
    needs any more stays out of every snapshot; it reads the same positions the snapshot
    keeps, so a restart never resumes before what was dropped). New bodies are only hashed
    here: writing them waits until the gate opens."""
    with gate.held(reopen=reopen) as drained:
        if not drained:
            log.warning("snapshot skipped: moto requests did not finish in time")
            gate.changed = True
            return None
        if prune is not None:
            prune(extras or {})
        return dumps(capture(extras), store)


def save(
    path: Path, gate: Gate, extras: dict[str, Any] | None = None, final: bool = False,
    prune: Callable[[dict[str, Any]], object] | None = None,
) -> bool:
    """Snapshot to `path` (the former one kept as .prev), new bodies first; False if skipped.
    A `final` snapshot leaves the gate shut: nothing may be acknowledged after it."""
    store = blob_store(path)
    taken = take(gate, store, extras, reopen=not final, prune=prune)
    if taken is None:
        return False
    try:
        store.write(taken.bodies.new)  # before the snapshot that names them
    except OSError:
        taken.bodies.forget()
        raise
    write_atomic(path, taken.data, keep_previous=True)
    taken.bodies.remember()
    _collect_garbage(path, store, taken.bodies.referenced)
    log.debug("snapshot saved: %s (%d bytes, %d new bodies)", path, len(taken.data),
              len(taken.bodies.new))
    return True


def _collect_garbage(path: Path, store: BlobStore, referenced: set[str]) -> None:
    kept_by_previous = referenced_by(previous(path))
    if kept_by_previous is None:
        return  # the fallback is unreadable: keep everything rather than guess
    removed = store.collect(referenced | kept_by_previous)
    if removed:
        log.debug("removed %d object bodies no snapshot names", removed)


def load(path: Path) -> Snapshot | None:
    """The saved snapshot, falling back to .prev if the latest is unreadable (which is then
    moved aside, so the next save keeps the good one as .prev); None if none."""
    store = blob_store(path)
    for candidate in (path, previous(path)):
        try:
            loaded = loads(candidate.read_bytes(), store)
        except FileNotFoundError:
            continue
        except SnapshotMismatch:
            raise
        except Exception as exc:  # a torn or corrupt file: the previous one may still be good
            log.warning("cannot read snapshot %s (%s)", candidate, exc)
            continue
        if candidate != path and path.exists():
            path.replace(path.with_name(path.name + ".unreadable"))
        return loaded
    return None
