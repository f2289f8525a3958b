"""`make load DURATION=3` on a real local stack: every level runs, nothing fails (about 25 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import load


@pytest.mark.slow
def test_a_short_load_run_answers_every_request_and_writes_the_results(tmp_path: Path) -> None:
    # GIVEN a fresh stack with the sample photos and a few synthetic documents
    # WHEN three seconds of load run at 2 and 4 clients
    code = load.main(["--duration", "3", "--levels", "2,4", "--docs", "300",
                      "--results", str(tmp_path)])
    # THEN no request failed and the results file holds both levels, every kind requested
    assert code == 0
    (written,) = tmp_path.glob("*-load.md")
    text = written.read_text()
    assert "| 2 |" in text and "| 4 |" in text
    for kind in ("search: words", "search: filters", "search: sorted", "suggest", "image"):
        assert f"| {kind} |" in text
    assert "errors: 0 (must be 0): met" in text
