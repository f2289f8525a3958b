"""`make duplicates [HOLD=1] [JSON=1]`: the local runner hands its flags to the CLI once the
running stack's settings are adopted, and refuses without a stack."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.local import duplicates


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    from chalicelib.entrypoints import cli

    seen: list[list[str]] = []
    monkeypatch.setattr(duplicates, "adopt_stack_env", lambda data_dir: True)
    monkeypatch.setattr(cli, "main", lambda argv: seen.append(list(argv)) or 0)
    return seen


def test_hold_and_json_reach_the_cli(calls: list[list[str]]) -> None:
    assert duplicates.main(["--hold", "--json"]) == 0
    assert duplicates.main([]) == 0
    assert calls == [["duplicates", "--json", "--hold"], ["duplicates"]]


def test_without_a_running_stack_nothing_runs(monkeypatch: pytest.MonkeyPatch,
                                              calls: list[list[str]]) -> None:
    monkeypatch.setattr(duplicates, "adopt_stack_env", lambda data_dir: False)
    assert duplicates.main(["--hold", "--data-dir", str(Path("/nonexistent"))]) == 2
    assert calls == []
