"""make bench item 7: the report and the verdict of counting on against off."""

from __future__ import annotations

from typing import Any

from bench import wanted_cost


def _row(p50: float) -> dict[str, Any]:
    return {"n": 10, "p50_ms": p50, "p95_ms": p50 * 2, "p99_ms": p50 * 3}


def _results(on: float, off: float) -> dict[str, Any]:
    return {
        "size": 500, "probes": 90, "write_ms": 5.0, "store_writes": 40,
        "counter": {"noted": 45, "written": 40, "dropped": 0, "failed": 0},
        "latency": {
            "counting on": {"nothing found": _row(on), "found something": _row(1.0)},
            "counting off": {"nothing found": _row(off), "found something": _row(1.0)},
        },
    }


def test_the_verdict_is_the_median_added_to_an_empty_search() -> None:
    assert wanted_cost.verdicts(_results(0.93, 0.9)) == [
        "(7) counting adds 0.03 ms to the median empty search (on 0.93 ms, off 0.9 ms; "
        "target < 0.1 ms): PASS"]
    assert wanted_cost.verdicts(_results(1.5, 0.9))[0].endswith(": FAIL")


def test_the_section_has_a_row_per_kind_and_setting_and_the_writer_numbers() -> None:
    text = wanted_cost.section(_results(0.93, 0.9))
    assert "| nothing found | counting on | 0.93 | 1.86 | 2.79 |" in text
    assert "| found something | counting off | 1.0 | 2.0 | 3.0 |" in text
    assert "45 noted, 40 writes (40 reached the store), 0 dropped, 0 failed" in text


def test_the_slow_store_counts_its_writes() -> None:
    from chalicelib.domain.wanted import DayTally

    store = wanted_cost.SlowStore(write_ms=0)
    store.add(DayTally("2026-12-07", "q", 1, "t"), 0)
    assert store.writes == 1 and store.day("2026-12-07") == []
