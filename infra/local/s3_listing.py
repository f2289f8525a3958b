"""moto answers ListObjectVersions by deep-copying every version of every object in the bucket,
bytes included, before it looks at the prefix asked for. Our adapters list the versions of one
key (a purge, finding the version an event named), which in AWS costs one cheap request; in
moto it cost a copy of the whole originals bucket per image (O(N^2) bytes over a soak run, GBs
of memory at a time). A key removed while the bucket was walked also made the copy fail
(`'NoneType' object is not iterable`, a 500). Here a listing walks only the keys under its
prefix, and skips keys that vanished meanwhile: the same answer, for what the prefix costs.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from typing import Any

_walk = threading.local()  # the prefix of the version listing this thread is answering
_patching = threading.Lock()


def narrow_version_listings() -> None:
    """Patch moto's S3 backend (once per process); safe to call again."""
    from moto.s3.models import S3Backend
    from moto.s3.utils import _VersionedKeyStore

    with _patching:
        if getattr(S3Backend.list_object_versions, "narrowed", False):
            return
        _VersionedKeyStore.iterlists = _VersionedKeyStore.lists = _narrowed_lists(
            _VersionedKeyStore.iterlists)
        S3Backend.list_object_versions = _with_prefix(S3Backend.list_object_versions)


def _narrowed_lists(lists: Any) -> Any:
    @functools.wraps(lists)
    def iterlists(store: Any) -> Iterator[tuple[str, list[Any]]]:
        prefix = getattr(_walk, "prefix", "")
        for key, versions in lists(store):
            if versions is not None and key.startswith(prefix):
                yield key, versions

    return iterlists


def _with_prefix(listing: Any) -> Any:
    @functools.wraps(listing)
    def list_object_versions(backend: Any, bucket_name: str, *args: Any, **kwargs: Any) -> Any:
        _walk.prefix = kwargs.get("prefix") or (args[3] if len(args) > 3 else "") or ""
        try:
            return listing(backend, bucket_name, *args, **kwargs)
        finally:
            _walk.prefix = ""

    list_object_versions.narrowed = True  # type: ignore[attr-defined]
    return list_object_versions
