"""How a snapshot pickles moto's S3 objects (`FakeKey`): body by digest, state cached per key.

The body is named by its SHA-256 (its file is in blobs.py's store), never pickled. The digest is
cached on the key, so an unchanged object is not read again: moto sets a key's body only when it
makes the key (`__init__`, `__setstate__`); the cache keeps the size as a guard and the store's
folder, since another store may not hold the file.

Each key's remaining state is pickled on its own and the bytes are reused while none of the
key's attributes has been replaced (compared by identity): with thousands of objects, a
snapshot then costs little more than the objects that changed. moto changes a stored key by
assigning attributes (acl, retention, legal hold, restore status, expiry), which that sees.
"""

from __future__ import annotations

import hashlib
import io
import operator
import pickle
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from moto.s3.models import FakeKey

from infra.local.blobs import BlobStore

_DIGEST = "_local_blob"  # (sha256 hex, size, store folder) of the body, on each FakeKey
_SKIPPED_STATE = ("_value_buffer", "lock", _DIGEST)  # moto's __getstate__ skips the first two
_loading: ContextVar[BlobStore] = ContextVar("blob_store_loading")


@dataclass(frozen=True)
class _Pickled:
    values: list[Any]  # the key's attribute values when pickled, compared by identity
    data: bytes
    digest: str
    folder: str


# Per key, the bytes of its last pickled state; weak, so a deleted object's entry goes with it.
_pickled: weakref.WeakKeyDictionary[Any, _Pickled] = weakref.WeakKeyDictionary()


@dataclass
class Externalised:
    """What one pickling found: bodies it named, and the new ones still to be written."""

    store: BlobStore
    dispatch_table: dict[Any, Callable[[Any], Any]] = field(default_factory=dict)
    referenced: set[str] = field(default_factory=set)
    new: dict[str, bytes] = field(default_factory=dict)
    hashed: list[Any] = field(default_factory=list)
    pickled: list[tuple[Any, _Pickled]] = field(default_factory=list)

    def remember(self) -> None:
        """Keep each key's state bytes for the next snapshot, once its body is durable."""
        for key, entry in self.pickled:
            _pickled[key] = entry

    def forget(self) -> None:
        """The new bodies could not be written: drop the digests cached on their keys."""
        for key in self.hashed:
            key.__dict__.pop(_DIGEST, None)

    def digest(self, key: Any) -> tuple[str, int]:
        """The key's body digest and size: cached if known, else hashed (and queued to write)."""
        folder = str(self.store.root)
        cached = key.__dict__.get(_DIGEST)
        if cached is not None and cached[1] == key.contentsize:
            digest, size = str(cached[0]), int(cached[1])
            if cached[2] == folder:
                return digest, size
            data = None  # known content, but this store may not hold it yet
        else:
            data = _body(key)
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        if digest not in self.new and not self.store.has(digest):
            self.new[digest] = _body(key) if data is None else data
        key.__dict__[_DIGEST] = (digest, size, folder)
        self.hashed.append(key)
        return digest, size

    def state(self, key: Any) -> bytes:
        """The key's pickled state (body digest included), reused if no attribute changed."""
        values = list(key.__dict__.values())
        known = _pickled.get(key)
        if known is not None and known.folder == str(self.store.root) and _same(known.values,
                                                                                  values):
            self.referenced.add(known.digest)
            return known.data
        digest, size = self.digest(key)
        self.referenced.add(digest)
        state = key.__dict__.copy()
        for name in _SKIPPED_STATE:
            state.pop(name, None)
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = self.dispatch_table
        pickler.dump((state, digest, size))
        data = buffer.getvalue()
        self.pickled.append((key, _Pickled(list(key.__dict__.values()), data, digest,
                                           str(self.store.root))))
        return data


def _same(before: list[Any], now: list[Any]) -> bool:
    return len(before) == len(now) and all(map(operator.is_, before, now))


def _body(key: Any) -> bytes:
    try:
        return bytes(key.value)
    except ValueError:  # moto closed the buffer of a deleted key; it pickles those as empty
        return b""


def key_reducer(found: Externalised) -> Callable[[Any], tuple[Any, ...]]:
    """A pickle reducer for FakeKey: its own pickled state, naming its body by digest."""

    def reduce(key: Any) -> tuple[Any, ...]:
        return (_load_key, (found.state(key),))

    return reduce


def _load_key(data: bytes) -> Any:
    state, digest, size = pickle.loads(data)  # from our own snapshot file
    store = _loading.get()
    key: Any = FakeKey.__new__(FakeKey)
    key.__setstate__({**state, "value": store.read(digest, size)})
    key.__dict__[_DIGEST] = (digest, size, str(store.root))
    return key


@contextmanager
def loading_from(store: BlobStore) -> Iterator[None]:
    """Unpickled keys read their bodies from `store` while this is open."""
    token = _loading.set(store)
    try:
        yield
    finally:
        _loading.reset(token)
