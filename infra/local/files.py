"""Crash-safe files in the data dir: write a temp file, fsync, rename over."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def previous(path: Path) -> Path:
    """Where the version before the last write is kept."""
    return path.with_name(path.name + ".prev")


def write_atomic(path: Path, data: bytes, keep_previous: bool = False) -> None:
    """Replace `path` with `data` so a crash leaves the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if keep_previous and path.exists():
        os.replace(path, previous(path))
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_json(path: Path, value: Any) -> None:
    """Write `value` as indented JSON, atomically."""
    write_atomic(path, (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def read_json(path: Path, default: Any = None) -> Any:
    """The JSON in `path`, or `default` when the file does not exist."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
