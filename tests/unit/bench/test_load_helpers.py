"""`make load`: its statistics, its request mix and its report (no timing involved)."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench import load_report
from bench.load_mix import KINDS, NEXT_PAGE, WEIGHTS, Mix, Request
from bench.load_stats import Sample, is_error, level, percentile, summarise, total_errors

WORDS = ["mountain", "river", "cat", "espresso"]
IDS = ["id-a", "id-b"]


@pytest.mark.parametrize(("status", "error"), [
    (200, False), (304, False), (399, False), (199, True), (404, True), (500, True), (0, True)])
def test_anything_but_2xx_or_3xx_is_an_error(status: int, error: bool) -> None:
    assert is_error(status) is error


def test_percentiles_are_nearest_rank() -> None:
    ordered = [float(n) for n in range(1, 101)]
    assert [percentile(ordered, q) for q in (0.5, 0.95, 0.99, 1.0)] == [50.0, 95.0, 99.0, 100.0]
    assert percentile([7.0], 0.99) == 7.0
    assert math.isnan(percentile([], 0.5))


def test_a_level_counts_rate_latency_and_errors_overall_and_per_kind() -> None:
    samples = ([Sample("suggest", 0.010, 200)] * 8 + [Sample("image", 0.100, 200)] +
               [Sample("image", 0.200, 404)])
    row = level(samples, wall_s=2.0, kinds=KINDS)
    assert row["all"] == {"requests": 10, "rps": 5.0, "p50_ms": 10.0, "p95_ms": 200.0,
                          "p99_ms": 200.0, "errors": 1, "error_rate": 0.1}
    assert list(row["by_kind"]) == ["suggest", "image"]  # the mix's order, absent kinds left out
    assert row["by_kind"]["image"]["errors"] == 1 and row["by_kind"]["suggest"]["errors"] == 0
    assert row["statuses"] == {"200": 9, "404": 1}
    assert total_errors([row, row]) == 2


def test_an_empty_level_has_no_percentiles_and_no_errors() -> None:
    assert summarise([], 1.0) == {"requests": 0, "rps": 0.0, "p50_ms": None, "p95_ms": None,
                                  "p99_ms": None, "errors": 0, "error_rate": 0.0}


def test_the_mix_is_deterministic_and_draws_every_kind_about_its_weight() -> None:
    first = [Mix(WORDS, IDS, seed=7).draw() for _ in range(3)]
    assert first == [Mix(WORDS, IDS, seed=7).draw() for _ in range(3)]
    mix = Mix(WORDS, IDS, seed=7)
    drawn = [mix.draw() for _ in range(4000)]
    counts = Counter(request.kind for request in drawn)
    total_weight = sum(WEIGHTS.values())
    for kind, weight in WEIGHTS.items():
        assert abs(counts[kind] / 4000 - weight / total_weight) < 0.03, kind
    assert NEXT_PAGE not in counts  # only ever a follow-up


def test_requests_ask_for_what_the_stack_holds() -> None:
    mix = Mix(WORDS, IDS, seed=3)
    drawn = [mix.draw() for _ in range(500)]
    for request in drawn:
        if request.kind == "image":
            assert request.path in {f"/api/images/{i}" for i in IDS} and not request.params
        elif request.kind == "suggest":
            assert request.path == "/api/suggest"
            assert any(word.startswith(request.params["q"]) for word in WORDS)
        else:
            assert request.path == "/api/search" and request.params
            assert all(w in WORDS for w in request.params.get("q", "mountain").split())
    filters = {name for r in drawn if r.kind == "search: filters" for name in r.params} - {"q"}
    assert filters == {"orientation", "color", "tags"}
    sorts = {r.params["sort"] for r in drawn if r.kind == "search: sorted"}
    assert sorts == {"newest", "popular"}


def test_a_search_with_a_cursor_is_followed_half_of_the_time_with_the_same_params() -> None:
    mix, search = Mix(WORDS, IDS, seed=5), Request("search: words", "/api/search", {"q": "cat"})
    followed = [mix.follow(search, {"next_cursor": "abc"}) for _ in range(1000)]
    pages = [page for page in followed if page is not None]
    assert 400 < len(pages) < 600
    assert all(p == Request(NEXT_PAGE, "/api/search", {"q": "cat", "cursor": "abc"})
               for p in pages)
    assert all(mix.follow(search, {"next_cursor": None}) is None for _ in range(50))
    assert all(mix.follow(Request("image", "/api/images/x"), {"next_cursor": "abc"}) is None
               for _ in range(50))


def test_a_mix_without_words_or_images_is_refused() -> None:
    with pytest.raises(ValueError):
        Mix([], IDS, seed=1)
    with pytest.raises(ValueError):
        Mix(WORDS, [], seed=1)


def _results(client_cores: float) -> dict[str, Any]:
    row = level([Sample("suggest", 0.01, 200)], 1.0, KINDS)
    return {"machine": {"date": "2026-12-07T00:00:00Z", "cores": "2"},
            "config": {"duration_s": 3}, "corpus": {"synthetic_docs": 10},
            "levels": [{"clients": 8, "client_cores": client_cores, "stack_cores": 0.9, **row}]}


def test_the_report_says_whether_the_client_saturated_a_core() -> None:
    assert "did not saturate" in " ".join(load_report.notes(_results(0.3)))
    assert "saturated a core" in " ".join(load_report.notes(_results(0.95)))
    assert "errors: 0 (must be 0): met" in load_report.notes(_results(0.3))


def test_runs_are_appended_under_one_title(tmp_path: Path) -> None:
    path = tmp_path / "load.md"
    load_report.append(path, _results(0.3))
    load_report.append(path, _results(0.3))
    text = path.read_text()
    assert text.count(load_report.TITLE) == 1 and text.count("## Run of") == 2
    assert "| 8 | 1.0 | 10.0 | 10.0 | 10.0 | 1 | 0 (0.00%) | 0.3 | 0.9 |" in text
