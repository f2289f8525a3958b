"""S3 object bodies kept beside the snapshot as content-addressed files, so the pickle stays small.

A snapshot pickles each moto `FakeKey` without its bytes: only the SHA-256 of its body, whose
file `<data dir>/blobs/<sha256>` is written once (temp file, fsync, rename) before the snapshot
that first names it. The digest is cached on the key, so an unchanged object is not read or
hashed again: moto sets a key's body only when it makes the key (`__init__`, `__setstate__`),
and the cache also carries the size as a guard.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moto.s3.models import FakeKey

BLOB_DIR = "blobs"
_CACHE_ATTRIBUTE = "_local_blob"  # (sha256 hex, size, store folder) of the body, on each FakeKey
_SKIPPED_STATE = ("_value_buffer", "lock")  # as FakeKey.__getstate__ leaves them out
_loading: ContextVar[BlobStore] = ContextVar("blob_store_loading")


class BlobMissing(RuntimeError):
    """A snapshot names a body whose file is gone or torn."""


class BlobStore:
    """Files named by the SHA-256 of their content, in one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        """Where the body with this digest lives."""
        return self.root / digest

    def has(self, digest: str) -> bool:
        """Whether that body is already on disk."""
        return self.path(digest).exists()

    def write(self, bodies: dict[str, bytes]) -> None:
        """Make each body durable under its digest (atomically); then sync the folder once."""
        if not bodies:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        for digest, data in bodies.items():
            temporary = self.root / f".{digest}.tmp"
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path(digest))
        directory = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def read(self, digest: str, size: int) -> bytes:
        """The body, checked for its length; BlobMissing if absent or torn."""
        try:
            data = self.path(digest).read_bytes()
        except FileNotFoundError as exc:
            raise BlobMissing(f"object body {digest} is missing from {self.root}") from exc
        if len(data) != size:
            raise BlobMissing(f"object body {digest} has {len(data)} bytes, not {size}")
        return data

    def collect(self, keep: set[str]) -> int:
        """Delete every file no kept snapshot names (leftover temp files too); how many went."""
        removed = 0
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.root):
                if entry.name not in keep:
                    Path(entry.path).unlink(missing_ok=True)
                    removed += 1
        return removed


@dataclass
class Externalised:
    """What one pickling found: bodies it named, and the new ones still to be written."""

    store: BlobStore
    referenced: set[str] = field(default_factory=set)
    new: dict[str, bytes] = field(default_factory=dict)
    hashed: list[tuple[Any, str, int]] = field(default_factory=list)  # (key, digest, size)

    def remember(self) -> None:
        """Cache each new digest on its key, once its file is durable."""
        for key, digest, size in self.hashed:
            key.__dict__[_CACHE_ATTRIBUTE] = (digest, size, str(self.store.root))

    def digest(self, key: Any) -> tuple[str, int]:
        """The key's body digest and size: cached if known, else hashed (and queued to write)."""
        cached = key.__dict__.get(_CACHE_ATTRIBUTE)
        if cached is not None and cached[1] == key.contentsize:
            digest, size = str(cached[0]), int(cached[1])
            if cached[2] == str(self.store.root):
                return digest, size
            data = None  # known content, but this store may not hold it yet
        else:
            data = _body(key)
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        if digest not in self.new and not self.store.has(digest):
            self.new[digest] = _body(key) if data is None else data
        self.hashed.append((key, digest, size))
        return digest, size


def _body(key: Any) -> bytes:
    try:
        return bytes(key.value)
    except ValueError:  # moto closed the buffer of a deleted key; it pickles those as empty
        return b""


def key_reducer(found: Externalised) -> Callable[[Any], tuple[Any, ...]]:
    """A pickle reducer for FakeKey: its state without the body, plus the body's digest."""

    def reduce(key: Any) -> tuple[Any, ...]:
        digest, size = found.digest(key)
        found.referenced.add(digest)
        state = key.__dict__.copy()
        for name in _SKIPPED_STATE:
            state.pop(name, None)
        return (_blank_key, (), (state, digest, size), None, None, _fill_key)

    return reduce


def _blank_key() -> Any:
    return FakeKey.__new__(FakeKey)


def _fill_key(key: Any, saved: tuple[dict[str, Any], str, int]) -> None:
    state, digest, size = saved
    key.__setstate__({**state, "value": _loading.get().read(digest, size)})


@contextlib.contextmanager
def loading_from(store: BlobStore) -> Iterator[None]:
    """Unpickled keys read their bodies from `store` while this is open."""
    token = _loading.set(store)
    try:
        yield
    finally:
        _loading.reset(token)
