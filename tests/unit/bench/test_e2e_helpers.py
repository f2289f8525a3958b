"""Item 3's pure helpers: the photo plan, title words, statistics, /proc parsing, verdicts."""

from __future__ import annotations

from typing import Any

import pytest

from bench import e2e_inputs as inputs
from bench import e2e_stats as stats


def test_the_plan_mixes_sizes_with_twelve_megapixels_two_in_five_and_no_two_alike() -> None:
    # GIVEN the seven samples WHEN fifty photos are planned
    specs = inputs.plan(50, [f"sample-{n}.jpg" for n in range(7)])
    classes = [spec.size_class for spec in specs]
    # THEN 12 MP is 40%, the other sizes 20% each, every other photo is portrait
    assert classes.count("12 MP") == 20
    assert all(classes.count(name) == 10 for name in ("2 MP", "6 MP", "24 MP"))
    assert all((spec.height > spec.width) == (spec.index % 2 == 1) for spec in specs)
    # AND no two photos share size, orientation and sample, so no two uploads share bytes
    assert len({(s.width, s.height, s.source) for s in specs}) == 50


def test_each_size_class_is_its_nominal_megapixels() -> None:
    for spec in inputs.plan(5, ["a.jpg"]):
        nominal = int(spec.size_class.split()[0])
        assert abs(spec.width * spec.height / 1e6 - nominal) / nominal < 0.02


def test_a_plan_needs_samples() -> None:
    with pytest.raises(ValueError):
        inputs.plan(3, [])


def test_title_words_are_letters_only_and_unique_per_phase_and_index() -> None:
    words = {inputs.title_word(phase, n) for phase in ("lat", "thra") for n in range(2000)}
    assert len(words) == 4000
    assert all(word.isalpha() and word.islower() for word in words)
    assert inputs.letters(0) == "aaa" and inputs.letters(27) == "abb"


def test_a_phase_name_that_would_split_the_word_is_refused() -> None:
    with pytest.raises(ValueError):
        inputs.title_word("lat-2", 1)


def test_summary_gives_inclusive_percentiles_and_the_range() -> None:
    row = stats.summary([float(n) for n in range(1, 21)])
    assert row == {"n": 20, "p50": 10.5, "p95": 19.05, "min": 1.0, "max": 20.0}


def test_summary_of_one_or_no_value() -> None:
    assert stats.summary([0.7])["p95"] == 0.7
    assert stats.summary([])["p50"] is None


def test_by_class_keeps_the_size_order_and_skips_rows_without_the_value() -> None:
    rows: list[dict[str, Any]] = [{"size_class": "24 MP", "x": 3.0},
                                  {"size_class": "2 MP", "x": 1.0},
                                  {"size_class": "2 MP", "error": "rejected"}]
    grouped = stats.by_class(rows, "x", inputs.CLASS_ORDER)
    assert list(grouped) == ["2 MP", "24 MP"]
    assert grouped["2 MP"]["n"] == 1


def test_per_minute() -> None:
    assert stats.per_minute(50, 20.0) == 150.0
    assert stats.per_minute(5, 0.0) == 0.0


def test_proc_stat_parsing_survives_a_command_name_with_spaces_and_parentheses() -> None:
    text = "4242 (python (x) y) S 17 4242 4242 0 -1 4194304 1 0 0 0 250 50 3 4 20 0 9 0"
    assert stats.cpu_of_stat(text) == (17, 300.0)


def test_tree_cpu_adds_up_the_direct_children_only() -> None:
    def line(pid: int, parent: int, user: int) -> str:
        return f"{pid} (p) S {parent} 0 0 0 -1 0 0 0 0 0 {user} 0 0 0 20 0 1 0"

    texts = {10: line(10, 1, 100), 11: line(11, 10, 200), 12: line(12, 10, 300),
             13: line(13, 11, 999), 14: line(14, 1, 999)}
    assert stats.tree_cpu(texts, 10, 100.0) == {"stack": 1.0, "workers": 5.0}


def _latency(p50: float, failed: bool = False) -> dict[str, Any]:
    rows: list[dict[str, Any]] = [{"size_class": "12 MP", "searchable_s": p50}]
    if failed:
        rows.append({"size_class": "12 MP", "error": "ended failed"})
    return {"rows": rows, "by_class": {"12 MP": {"searchable": stats.summary([p50])}}}


def test_latency_verdict_passes_at_the_limit_and_fails_above_it() -> None:
    assert stats.latency_verdict(_latency(1.5), "12 MP").endswith(": PASS")
    assert stats.latency_verdict(_latency(1.51), "12 MP").endswith(": FAIL")


def test_a_failed_twelve_megapixel_photo_fails_the_latency_target_however_fast_the_rest() -> None:
    line = stats.latency_verdict(_latency(0.5, failed=True), "12 MP")
    assert "1 failed" in line and line.endswith(": FAIL")


def test_latency_without_any_target_size_photo_fails() -> None:
    line = stats.latency_verdict({"rows": [], "by_class": {}}, "12 MP")
    assert line.startswith("(3)") and line.endswith(": FAIL")


def test_throughput_verdict_compares_the_share_of_capacity() -> None:
    assert stats.throughput_verdict(240.0, 300.0, 0).endswith("0.80x render-only capacity "
                                                              "300 photos/min (>= 0.75x): PASS")
    assert stats.throughput_verdict(150.0, 300.0, 0).endswith(": FAIL")
    assert stats.throughput_verdict(290.0, 300.0, 2).endswith(": FAIL")
    assert "not measured" in stats.throughput_verdict(None, 300.0, 0)


def test_the_snapshot_watch_looks_at_the_file_the_stack_writes() -> None:
    from bench.e2e_snapshots import SNAPSHOT_FILE
    from infra.local.stack import SNAPSHOT_FILE as STACKS_OWN

    assert SNAPSHOT_FILE == STACKS_OWN


def test_the_benchmark_measures_the_worker_count_make_run_uses() -> None:
    from bench.e2e import PRODUCT_WORKERS
    from infra.local.__main__ import _arguments

    assert _arguments([]).workers == PRODUCT_WORKERS
