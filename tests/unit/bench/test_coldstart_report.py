"""The cold-start section and verdicts, from hand-made numbers."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bench import coldstart_report as report


def _spread(median: float, low: float, high: float) -> dict[str, Any]:
    return {"n": 15, "median": median, "min": low, "max": high, "spread_pct": 1.0}


def _lambda(handler: str, deps: float, entry: float) -> dict[str, Any]:
    share = round((entry - deps) / deps, 4)
    pair = {"deps_ms": _spread(deps, deps - 5, deps + 5),
            "entry_ms": _spread(entry, entry - 5, entry + 5), "own_share": share,
            "paired_share": _spread(share, share - 0.05, share + 0.05)}
    return {"handler": handler, "third_party_modules": 300, "own_modules": 90,
            "third_party_packages": ["boto3", "jwt"], **pair, "first_call_ms": _spread(
                entry + 100, entry + 90, entry + 110), "no_pyc": copy.deepcopy(pair)}


@pytest.fixture
def results() -> dict[str, Any]:
    # GIVEN two Lambdas, one of them 30% over its dependencies, and a clean API
    return {
        "config": {"rounds": 15, "no_pyc_rounds": 15, "importtime_runs": 5, "quick": False},
        "lambdas": {"api": _lambda("app.app", 100.0, 112.0),
                    "indexer": _lambda("app.indexer", 200.0, 260.0)},
        "api_heavy_modules": {"checked": ["pyvips", "opensearchpy"], "after_import_app": [],
                              "after_first_call": []},
        "top_own_modules": [{"module": "app", "cumulative_ms": 150.0, "own_code_ms": 20.5}],
        "own_self_ms": 18.2,
        "environment": {},
    }


def test_given_results_when_sectioned_then_it_opens_with_item_5_and_shows_each_lambda(
    results: dict[str, Any],
) -> None:
    text = report.section(results)
    assert text.startswith("## 5. ")
    assert "| api (app.app) | 300 | 100.0 (95.0-105.0) | 112.0 (107.0-117.0) | +12.0% |" in text
    assert "| indexer (app.indexer) |" in text
    assert "No cached bytecode outside the standard library" in text
    assert "| app | 150.0 | 20.5 | 129.5 |" in text


def test_given_one_lambda_over_25_percent_when_judged_then_it_fails_and_is_named(
    results: dict[str, Any],
) -> None:
    lines = report.verdicts(results)
    assert all(line.startswith("(5) ") for line in lines)
    assert lines[0].endswith(": FAIL") and "+30.0% at most (indexer)" in lines[0]
    assert "with no .pyc" in lines[1] and lines[1].endswith(": FAIL")
    assert lines[2].endswith(": PASS")


def test_given_every_lambda_within_25_percent_when_judged_then_the_share_passes(
    results: dict[str, Any],
) -> None:
    results["lambdas"]["indexer"] = _lambda("app.indexer", 200.0, 250.0)  # exactly +25%
    assert report.verdicts(results)[0].endswith(": PASS")


def test_given_a_heavy_module_after_import_when_judged_then_the_api_check_fails_naming_it(
    results: dict[str, Any],
) -> None:
    results["api_heavy_modules"]["after_first_call"] = ["opensearchpy"]
    assert report.verdicts(results)[-1].endswith("FAIL: opensearchpy")


@pytest.mark.slow
def test_given_a_quick_run_when_measured_then_every_number_and_check_is_there() -> None:
    # GIVEN / WHEN: the real benchmark, two Lambdas, two rounds (about 10 s)
    from bench import coldstart

    results = coldstart.measure(quick=True)
    # THEN both Lambdas have positive times, a share, and the API check found nothing heavy
    assert set(results["lambdas"]) == {"api", "ingest"}
    for row in results["lambdas"].values():
        assert row["deps_ms"]["n"] == 2 and row["deps_ms"]["median"] > 0
        assert row["entry_ms"]["median"] > 0 and isinstance(row["own_share"], float)
    assert "pyvips" in results["lambdas"]["ingest"]["third_party_packages"]
    assert "pyvips" not in results["lambdas"]["api"]["third_party_packages"]
    assert results["api_heavy_modules"]["after_import_app"] == []
    assert results["top_own_modules"][0]["module"] == "app"
    assert report.section(results).startswith("## 5. ")
