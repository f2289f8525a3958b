"""Where the embedded index lives on disk, shared by several processes.

`<root>/CURRENT` names the live generation (`<root>/gen-*`, one tantivy index each) and is
replaced atomically, so a rebuild switches every reader at once. tantivy allows one writer per
index (its lock file works across processes); writers are held for one batch and released.
Readers check the pointer and the generation's meta.json on every search and reload when
either changed, so commits from other processes show up on the next search.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chalicelib.adapters.search.embedded.schema import SCHEMA_VERSION, engine, schema

POINTER = "CURRENT"
LOCK_WAIT_SECONDS = 60.0


def open_index(generation: Path) -> Any:
    """An existing generation's index, reloaded only when asked (no watcher thread)."""
    index = engine().Index.open(str(generation))
    index.config_reader(reload_policy="manual")
    return index


class Generations:
    """The generations under one root directory and the pointer to the current one."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def current(self) -> Path:
        """The live generation, created empty on first use."""
        name = self._read()
        if name is None:
            with self.lock("init"):
                name = self._read()
                if name is None:
                    # A missing pointer, or one from another schema: start an empty index.
                    fresh = self.create()
                    self.switch(fresh)
                    name = fresh.name
        return self.root / name

    def _read(self) -> str | None:
        try:
            data = json.loads((self.root / POINTER).read_text())
        except FileNotFoundError:
            return None
        return str(data["generation"]) if data.get("schema") == SCHEMA_VERSION else None

    def pointer_signature(self) -> tuple[int, int]:
        """Changes whenever the pointer is replaced."""
        stat = os.stat(self.root / POINTER)
        return stat.st_ino, stat.st_mtime_ns

    def create(self) -> Path:
        """A new, empty generation (not yet current)."""
        path = self.root / f"gen-{time.time_ns()}-{os.getpid()}"
        path.mkdir(parents=True)
        engine().Index(schema(), path=str(path))
        return path

    def switch(self, generation: Path) -> None:
        """Make `generation` current for every process, atomically."""
        temporary = self.root / f".{POINTER}.{os.getpid()}.tmp"
        payload = {"generation": generation.name, "schema": SCHEMA_VERSION}
        with open(temporary, "w") as handle:
            handle.write(json.dumps(payload))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.root / POINTER)
        directory = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def remove_others(self, keep: Path) -> None:
        """Delete every generation but `keep` (readers still mapping them keep their files)."""
        for path in self.root.glob("gen-*"):
            if path != keep:
                shutil.rmtree(path, ignore_errors=True)

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """An exclusive lock between processes (init, rebuild)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f".{name}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def writer(self, heap_bytes: int, threads: int = 1) -> Iterator[tuple[Any, Any]]:
        """The current generation's index and its only writer; commits are the caller's."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while (held := self._try_writer(heap_bytes, threads)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"search index writer busy for {LOCK_WAIT_SECONDS:.0f} s")
            time.sleep(random.uniform(0.005, 0.03))
        index, writer = held
        try:
            yield index, writer
        except BaseException:
            writer.rollback()
            raise
        finally:
            # Waiting lets merges finish (so segments stay few) and releases the lock.
            writer.wait_merging_threads()

    def _try_writer(self, heap_bytes: int, threads: int) -> tuple[Any, Any] | None:
        generation = self.current()
        try:
            index = open_index(generation)
            writer = index.writer(heap_bytes, threads)
        except (ValueError, OSError) as error:
            if "LockBusy" in str(error) or self.current() != generation:
                return None
            raise
        if self.current() != generation:
            # A rebuild switched generations while we waited: write to the new one.
            writer.rollback()
            writer.wait_merging_threads()
            return None
        return index, writer


class Reader:
    """A searcher that follows the pointer and other processes' commits."""

    def __init__(self, generations: Generations) -> None:
        self._generations = generations
        self._mutex = threading.Lock()
        self._pointer: tuple[int, int] | None = None
        self._meta: tuple[int, int, int] | None = None
        self._index: Any = None
        self._path: Path | None = None

    def searcher(self) -> Any:
        """A searcher over the latest commit of the current generation."""
        return self.snapshot()[0]

    def snapshot(self) -> tuple[Any, tuple[Any, ...]]:
        """A searcher over the latest commit, and a signature of that commit (it changes
        with every commit and every rebuild, so results cached under it never go stale)."""
        with self._mutex:
            for _ in range(2):
                try:
                    return self._fresh(), (self._pointer, self._meta)
                except (ValueError, OSError):
                    # Another process replaced files under us (a merge, a rebuild): reopen.
                    self._pointer = self._meta = None
                    time.sleep(0.01)
            return self._fresh(), (self._pointer, self._meta)

    def _fresh(self) -> Any:
        try:
            pointer = self._generations.pointer_signature()
        except FileNotFoundError:
            self._generations.current()
            pointer = self._generations.pointer_signature()
        if pointer != self._pointer or self._path is None:
            self._path = self._generations.current()
            self._index = open_index(self._path)
            self._pointer, self._meta = pointer, None
        stat = os.stat(self._path / "meta.json")
        meta = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if meta != self._meta:
            self._index.reload()
            self._meta = meta
        return self._index.searcher()
