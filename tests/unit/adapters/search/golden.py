"""Golden JSON files for the OpenSearch adapter's requests.

Compare a built request with `golden/<name>.json`. After an intended change to a request,
regenerate every golden file with

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/adapters/search

then review the diff of `golden/` like any other code change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def dumps(data: Any) -> str:
    """Stable, reviewable JSON text."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def assert_matches(data: Any, path: Path) -> None:
    """`data` equals the JSON in `path` (rewritten first when UPDATE_GOLDEN=1)."""
    # Round-trip so tuples and lists compare the way they travel on the wire.
    actual = json.loads(json.dumps(data))
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(actual))
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    assert actual == json.loads(path.read_text()), f"request differs from {path.name}"


def assert_golden(name: str, data: Any) -> None:
    """`data` equals `golden/<name>.json`."""
    assert_matches(data, GOLDEN / f"{name}.json")
