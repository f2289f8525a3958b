"""S3 object bodies kept beside the snapshot as content-addressed files, so the pickle stays small.

A body's file `<data dir>/blobs/<sha256>` is written once (temp file, fsync, rename) before the
snapshot that first names it (see fakekeys.py for how keys name them).
"""

from __future__ import annotations

import os
from pathlib import Path

BLOB_DIR = "blobs"


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
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return 0
        doomed = [Path(entry.path) for entry in entries if entry.name not in keep]
        for path in doomed:
            path.unlink(missing_ok=True)
        return len(doomed)
