"""When the local stack saved its state: the snapshot file's replacements, seen from outside.

The stack pickles moto's whole state (every S3 object included) while changes happen, holding
moto's requests back meanwhile; a benchmark round that meets one runs slower. Watching the
file's mtime tells which rounds met one, and how big it was, without touching the stack.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

SNAPSHOT_FILE = "moto-state.pickle"  # infra/local/stack.py's name for it
LOOK_SECONDS = 0.25


class SnapshotWatch:
    """A thread noting (monotonic time, MB) each time the snapshot file is replaced."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / SNAPSHOT_FILE
        self.saved: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="snapshot-watch", daemon=True)

    def __enter__(self) -> SnapshotWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        last = self._signature()
        while not self._stop.wait(LOOK_SECONDS):
            current = self._signature()
            if current is not None and current != last:
                self.saved.append((time.monotonic(), round(current[1] / 1e6, 1)))
            last = current

    def _signature(self) -> tuple[int, int] | None:
        try:
            stat = self._path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def between(self, began: float, ended: float) -> list[float]:
        """Sizes in MB of the snapshots saved from `began` to `ended` (monotonic seconds)."""
        return [size for moment, size in self.saved if began <= moment <= ended]
