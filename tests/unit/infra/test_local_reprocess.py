"""`make reprocess [DRY_RUN=1] [LIMIT=n] [RATE=r]`: the local runner hands its flags to the CLI,
its checkpoint in the data dir, and refuses without a running stack."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.local import reprocess


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    from chalicelib.entrypoints import cli

    seen: list[list[str]] = []
    monkeypatch.setattr(reprocess, "adopt_stack_env", lambda data_dir: True)
    monkeypatch.setattr(cli, "main", lambda argv: seen.append(list(argv)) or 0)
    return seen


def test_flags_and_the_checkpoint_reach_the_cli(calls: list[list[str]]) -> None:
    assert reprocess.main(["--dry-run", "--limit", "3", "--rate", "2", "--data-dir", "d"]) == 0
    assert reprocess.main([]) == 0
    assert calls == [
        ["reprocess", "--checkpoint", str(Path("d/reprocess-checkpoint.json")), "--dry-run",
         "--limit", "3", "--rate", "2.0"],
        ["reprocess", "--checkpoint", str(Path(".data/reprocess-checkpoint.json"))],
    ]


def test_without_a_running_stack_nothing_runs(monkeypatch: pytest.MonkeyPatch,
                                              calls: list[list[str]]) -> None:
    monkeypatch.setattr(reprocess, "adopt_stack_env", lambda data_dir: False)
    assert reprocess.main(["--dry-run"]) == 2
    assert calls == []
