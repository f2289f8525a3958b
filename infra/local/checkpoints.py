"""Where each stream poller got to: last handled sequence number per stream and shard."""

from __future__ import annotations

import copy
import threading
from pathlib import Path

from infra.local.files import read_json, write_json

CHECKPOINT_FILE = "checkpoints.json"


class Checkpoints:
    """{stream ARN: {shard id: sequence number}}, saved to the data dir on every change."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        loaded = read_json(path, {})
        self._positions: dict[str, dict[str, str]] = loaded if isinstance(loaded, dict) else {}

    def get(self, stream_arn: str, shard_id: str) -> str | None:
        """The last sequence number handled on this shard, if any."""
        with self._lock:
            return self._positions.get(stream_arn, {}).get(shard_id)

    def set(self, stream_arn: str, shard_id: str, sequence_number: str) -> None:
        """Record progress and save it."""
        with self._lock:
            self._positions.setdefault(stream_arn, {})[shard_id] = sequence_number
            write_json(self._path, self._positions)

    def all(self) -> dict[str, dict[str, str]]:
        """A copy of every position (kept inside moto snapshots too)."""
        with self._lock:
            return copy.deepcopy(self._positions)

    def replace(self, positions: dict[str, dict[str, str]]) -> None:
        """Adopt positions saved with a snapshot, so they match the restored stream."""
        with self._lock:
            self._positions = copy.deepcopy(positions)
            write_json(self._path, self._positions)
