"""One tiny real run of the memory benchmark: moto server, fresh Lambda-like children, records."""

from __future__ import annotations

import pytest

from bench import memory


@pytest.mark.slow
def test_given_a_quick_run_when_measured_then_the_photo_is_ready_and_the_bomb_rejected() -> None:
    pytest.importorskip("pyvips", reason="the memory benchmark decodes with libvips")
    # GIVEN / WHEN the quick run (a 1.7 MP photo, a 144 MP bomb, one of each invocation)
    results = memory.measure(quick=True)
    # THEN the service really processed both: the photo ready with every rendition, the bomb
    # rejected for its pixels, and every invocation ended well
    records = results["records"]
    assert records["photo"]["status"] == "ready"
    assert records["photo"]["renditions"] == ["full", "large", "regular", "small", "thumb"]
    assert (records["bomb"]["status"], records["bomb"]["reason"]) == (
        "rejected", "too_many_pixels")
    functions = {(case["function"], case["variant"]) for case in results["cases"]}
    assert {("ingest", "default"), ("render", "default"), ("ingest", "warm")} <= functions
    outcomes = {run["outcome"] for case in results["cases"] for run in case["runs"]}
    assert outcomes == {"ok"}
    # and each invocation's peak is at least the container it ran in
    assert all(run["peak_mb"] >= run["baseline_mb"] > 0
               for case in results["cases"] for run in case["runs"])
    assert len(memory.verdicts(results)) == 3
    assert memory.section(results).startswith("## 6. Memory")
