"""The thread that saves moto's state while the stack runs: every interval, when it changed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from infra.local.motoserver import Gate
from infra.local.settings import DEFAULT_SNAPSHOT_INTERVAL
from infra.local.snapshot import save

log = logging.getLogger(__name__)


class Snapshotter(threading.Thread):
    """Saves a snapshot every `interval` seconds when moto's state changed (`prune` first, see
    snapshot.take)."""

    def __init__(
        self, path: Path, gate: Gate, extras: Callable[[], dict[str, Any]],
        interval: float = DEFAULT_SNAPSHOT_INTERVAL,
        prune: Callable[[dict[str, Any]], object] | None = None,
    ) -> None:
        super().__init__(name="snapshotter", daemon=True)
        self._path, self._gate, self._extras, self._interval = path, gate, extras, interval
        self._prune = prune
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Loop until stopped."""
        while not self._stop_event.wait(self._interval):
            if self._gate.changed:
                self.save_now()

    def save_now(self, final: bool = False) -> None:
        """Save at once; `final` (at shutdown) keeps moto's gate shut afterwards."""
        try:
            save(self._path, self._gate, self._extras(), final=final, prune=self._prune)
        except Exception:
            self._gate.changed = True  # try again next round
            log.exception("snapshot failed")

    def stop(self) -> None:
        """End the loop and wait for a snapshot in progress."""
        self._stop_event.set()
        if self.is_alive():
            self.join()
