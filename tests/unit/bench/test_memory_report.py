"""The memory benchmark's arithmetic, verdicts and markdown, on hand-made numbers."""

from __future__ import annotations

from typing import Any

import pytest

from bench.memory_report import (
    cpu_seconds_at,
    memory_size,
    proposal,
    run_of,
    section,
    summary,
    verdicts,
)

MIB = 1024  # KiB per MiB


def _call(peak_mb: float, before_mb: float = 50, wall: float = 0.4, **extra: Any
          ) -> dict[str, Any]:
    call = {"wall_s": wall, "cpu_s": wall * 0.9, "rss_before_kb": before_mb * MIB,
            "peak_kb": peak_mb * MIB, "ru_maxrss_kb": peak_mb * MIB, "rss_after_kb": 0,
            "threads": 5, "peak_reset": True, "result": {"batchItemFailures": []},
            "error": None}
    return {**call, **extra}


def _report(*calls: dict[str, Any]) -> dict[str, Any]:
    return {"init_s": 0.9, "rss_after_init_kb": 50 * MIB, "peak_during_init_kb": 55 * MIB,
            "threads_after_init": 1, "invocations": list(calls)}


def _case(function: str, source: str, peaks: list[float], variant: str = "default",
          wall: float = 0.4) -> dict[str, Any]:
    runs = [run_of(_report(_call(peak, wall=wall)), 0) for peak in peaks]
    return {"function": function, "input": source, "variant": variant, "runs": runs}


def _results(render_peak: float = 120, ingest_peak: float = 200, bomb_peak: float = 76,
             bomb_wall: float = 0.15, bomb_reason: str = "too_many_pixels") -> dict[str, Any]:
    inputs = {"photo": {"size": "12000x8333", "bytes": 3_800_000, "megapixels": 100.0,
                        "type": "image/jpeg"},
              "bomb": {"size": "20000x20000", "bytes": 1_166_440, "megapixels": 400.0,
                       "type": "image/png"}}
    cases = [_case("ingest", "photo", [ingest_peak - 2, ingest_peak]),
             _case("render", "photo:large", [render_peak, render_peak - 1]),
             _case("ingest", "bomb", [bomb_peak] * 3, wall=bomb_wall),
             _case("ingest", "photo", [ingest_peak + 500], variant="VIPS_CONCURRENCY=4"),
             _case("render", "photo:all", [render_peak, render_peak + 10], variant="warm")]
    return {"config": {"quick": False, "repeats": 3, "photo": "p.jpg", "cores": 2,
                       "variants": ["default", "VIPS_CONCURRENCY=4"], "inputs": inputs},
            "configured_mb": {"ingest": 2048, "render": 1536}, "cases": cases,
            "records": {"bomb": {"status": "rejected", "reason": bomb_reason}}}


def test_given_a_child_report_when_made_a_row_then_megabytes_and_the_added_part_are_right(
) -> None:
    # GIVEN an invocation that started at 50 MiB and peaked at 130 MiB
    row = run_of(_report(_call(130, before_mb=50)), 0)
    # THEN the row speaks MiB, and the call added 80 of them
    assert (row["baseline_mb"], row["peak_mb"], row["added_mb"]) == (50.0, 130.0, 80.0)
    assert row["container_peak_mb"] == 130.0 and row["outcome"] == "ok"


def test_given_a_kernel_that_refused_the_reset_when_made_a_row_then_ru_maxrss_is_the_peak(
) -> None:
    call = _call(130, peak_reset=False, ru_maxrss_kb=140 * MIB)
    assert run_of(_report(call), 0)["peak_mb"] == 140.0


@pytest.mark.parametrize(("extra", "expected"), [
    ({"result": {"batchItemFailures": [{"itemIdentifier": "m1"}]}}, "batch item failed"),
    ({"result": None, "error": "Traceback ...\nValueError: broken master\n"},
     "ValueError: broken master"),
])
def test_given_a_failed_call_when_made_a_row_then_the_outcome_says_how(
        extra: dict[str, Any], expected: str) -> None:
    assert run_of(_report(_call(100, **extra)), 0)["outcome"] == expected


def test_given_runs_when_summarised_then_median_min_max_and_outcomes() -> None:
    runs = [run_of(_report(_call(peak)), 0) for peak in (100, 130, 110)]
    s = summary(runs)
    assert (s["n"], s["peak_mb"]["median"], s["peak_mb"]["min"], s["peak_mb"]["max"]) == (
        3, 110.0, 100.0, 130.0)
    assert s["outcomes"] == ["ok"]


@pytest.mark.parametrize(("peak", "expected"), [
    (204.0, 320),  # 306 MB rounded up to the next 64
    (128.0, 192),  # exactly 192 stays 192
    (10.0, 128),  # Lambda's floor
])
def test_given_a_peak_when_sized_then_headroom_and_64_mb_steps(peak: float, expected: int
                                                               ) -> None:
    assert memory_size(peak) == expected


def test_given_cpu_seconds_when_estimated_at_a_size_then_a_share_below_one_vcpu_only() -> None:
    # Half of 1769 MB is half a vCPU: twice as long; more than 1769 MB does not speed it up.
    assert cpu_seconds_at(0.5, 1769) == 0.5
    assert cpu_seconds_at(0.5, 1769 // 2) == pytest.approx(1.0, abs=0.01)
    assert cpu_seconds_at(0.5, 4096) == 0.5


def test_given_numbers_under_the_targets_when_judged_then_three_passing_lines() -> None:
    lines = verdicts(_results())
    assert [line[:3] for line in lines] == ["(6)"] * 3
    assert all(line.endswith("PASS") for line in lines)
    # the warm render container (130 MB) is the worst one, and it is the one reported
    assert "130 MB worst" in lines[0]


def test_given_a_variant_over_the_limit_when_judged_then_it_does_not_count() -> None:
    # The 700 MB ingest ran with VIPS_CONCURRENCY=4, which is not how the service is deployed.
    assert verdicts(_results(ingest_peak=200))[1].endswith("PASS")


@pytest.mark.parametrize("results", [
    _results(render_peak=601), _results(ingest_peak=650),
])
def test_given_a_100_mp_invocation_over_600_mb_when_judged_then_fail(results: dict[str, Any]
                                                                     ) -> None:
    assert any(line.endswith("FAIL") for line in verdicts(results)[:2])


@pytest.mark.parametrize("results", [
    _results(bomb_peak=100), _results(bomb_wall=1.0), _results(bomb_reason="corrupt_image"),
])
def test_given_a_bomb_too_big_too_slow_or_wrongly_rejected_when_judged_then_fail(
        results: dict[str, Any]) -> None:
    assert verdicts(results)[2].endswith("FAIL")


def test_given_results_when_proposed_then_sizes_come_from_fresh_and_warm_only() -> None:
    sizes = proposal(_results(render_peak=120, ingest_peak=200))
    assert sizes["render"]["worst_peak_mb"] == 130.0  # the warm container
    assert sizes["ingest"]["worst_peak_mb"] == 200.0  # not the 700 MB variant
    assert (sizes["ingest"]["proposed_mb"], sizes["ingest"]["configured_mb"]) == (320, 2048)


def test_given_results_when_written_then_the_section_has_its_title_rows_and_sizes() -> None:
    text = section(_results())
    assert text.startswith("## 6. Memory\n")
    assert "| ingest | 100 MP JPEG (12000x8333, 3.6 MB) | default | 2 |" in text
    assert "| render | `large` of the 100 MP JPEG" in text
    assert "| ingest | 200 | 320 | 2048 |" in text
    assert "which inflates to 1.12 GiB of pixels" in text
