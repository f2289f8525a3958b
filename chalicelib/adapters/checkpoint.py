"""Checkpoint in a small JSON file on the operator's machine (written atomically)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class FileCheckpoint:
    """One JSON object in `path`; a save writes a temporary file and renames it over."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any] | None:
        """The state saved last, or None (no file, or not a JSON object)."""
        try:
            state = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return state if isinstance(state, dict) else None

    def save(self, state: dict[str, Any]) -> None:
        """Replace the saved state: a crash leaves the old file or the new, never half."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".tmp")
        with partial.open("w") as out:
            json.dump(state, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, self.path)

    def clear(self) -> None:
        """Forget the state."""
        self.path.unlink(missing_ok=True)
