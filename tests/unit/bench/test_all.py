"""`make bench`'s one results file: targets in the issue's order, crashes reported, not lost."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bench import all as bench_all

MACHINE = {"date": "2026-11-28T06:00:00Z", "cpu": "test cpu"}


def _fake(verdict: str, title: str) -> SimpleNamespace:
    return SimpleNamespace(verdicts=lambda numbers: [verdict.format(**numbers)],
                           section=lambda numbers: f"## {title}\n\nvalue {numbers['x']}")


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    modules = {"render": _fake("(1) render {x}: PASS", "1. Render"),
               "search_suite": _fake("(4) search {x}: FAIL", "4. Search"),
               "coldstart": _fake("(5) cold {x}: PASS", "5. Cold")}
    monkeypatch.setattr(bench_all, "_module", lambda name: modules[name])


def _results(items: dict[str, Any], quick: bool = False) -> dict[str, Any]:
    return {"machine": MACHINE, "quick": quick, "items": items}


def test_targets_read_in_the_issues_order_whatever_order_items_ran_in(fakes: None) -> None:
    items = {"coldstart": {"numbers": {"x": 5}, "seconds": 1.0},
             "search_suite": {"numbers": {"x": 4}, "seconds": 1.0},
             "render": {"numbers": {"x": 1}, "seconds": 1.0}}
    lines = bench_all.summary(_results(items)).splitlines()
    assert lines == ["- (1) render 1: PASS", "- (4) search 4: FAIL", "- (5) cold 5: PASS"]


def test_a_crashed_item_is_reported_and_the_others_still_written(fakes: None,
                                                                 tmp_path: Path) -> None:
    # GIVEN one item that died and one that measured
    items = {"coldstart": {"error": ["ValueError: boom"], "seconds": 0.5},
             "render": {"numbers": {"x": 1}, "seconds": 2.0}}
    # WHEN the results file is written
    path = bench_all.write(_results(items), tmp_path)
    text = path.read_text()
    # THEN it is named by date and host, says which item crashed and keeps the other's section
    assert path.name.startswith("2026-11-28-") and path.suffix == ".md"
    assert "5. Cold start: CRASHED: ValueError: boom" in text
    assert "## 1. Render\n\nvalue 1" in text
    assert '"cpu": "test cpu"' in text  # the raw numbers close the file


def test_a_quick_run_is_marked_and_kept_apart_from_real_results(fakes: None,
                                                                tmp_path: Path) -> None:
    items = {"render": {"numbers": {"x": 1}, "seconds": 2.0}}
    path = bench_all.write(_results(items, quick=True), tmp_path)
    assert path.stem.endswith("-quick")
    assert "numbers mean nothing" in path.read_text()


def test_only_limits_the_items_and_keeps_the_run_order() -> None:
    assert bench_all.chosen_items("search_suite,render") == ["render", "search_suite"]
    assert bench_all.chosen_items("") == list(bench_all.ITEMS)


def test_an_unknown_item_name_stops_before_anything_runs() -> None:
    with pytest.raises(SystemExit, match="unknown item"):
        bench_all.chosen_items("render,rendr")


def test_given_ten_or_more_targets_then_they_sort_by_number_not_by_text() -> None:
    lines = ["- (10) weight: PASS", "- (9) times: PASS", "- (2) render: FAIL", "- other"]
    assert sorted(lines, key=bench_all._target_number) == [
        "- (2) render: FAIL", "- (9) times: PASS", "- (10) weight: PASS", "- other"]
