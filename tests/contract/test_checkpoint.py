"""The Checkpoint contract: the fake and the JSON file both pass these."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.adapters.checkpoint import FileCheckpoint
from chalicelib.ports import Checkpoint
from tests.fake_profiles import FakeCheckpoint


@pytest.fixture(params=["fake", "file"])
def checkpoint(request: pytest.FixtureRequest, tmp_path: Path) -> Checkpoint:
    if request.param == "fake":
        return FakeCheckpoint()  # type: ignore[return-value]
    return FileCheckpoint(tmp_path / "state" / "reprocess.json")


def test_nothing_saved_loads_as_none_and_clearing_it_is_fine(checkpoint: Checkpoint) -> None:
    assert checkpoint.load() is None
    checkpoint.clear()
    assert checkpoint.load() is None


def test_the_last_save_is_what_loads_until_cleared(checkpoint: Checkpoint) -> None:
    checkpoint.save({"version": "v1", "cursor": "abc", "sent": 3})
    checkpoint.save({"version": "v1", "cursor": "def", "sent": 7})
    assert checkpoint.load() == {"version": "v1", "cursor": "def", "sent": 7}
    checkpoint.clear()
    assert checkpoint.load() is None


def test_a_second_instance_on_the_same_file_resumes(tmp_path: Path) -> None:
    FileCheckpoint(tmp_path / "r.json").save({"cursor": "x"})
    assert FileCheckpoint(tmp_path / "r.json").load() == {"cursor": "x"}
    (tmp_path / "bad.json").write_text("not json")
    assert FileCheckpoint(tmp_path / "bad.json").load() is None
