"""Item 3 end to end, quick: five photos through the real local stack (about 15 s)."""

from __future__ import annotations

from bench import e2e


def test_quick_run_takes_every_photo_to_searchable_and_reports_both_targets() -> None:
    # GIVEN five photos of every size WHEN the quick benchmark runs on a real local stack
    results = e2e.measure(quick=True)
    latency, rounds = results["latency"], results["throughput"]["rounds"]
    # THEN every photo became ready, then searchable, one at a time and all at once
    assert [row.get("error") for row in latency["rows"]] == [None] * 5
    assert all(0 < row["ready_s"] <= row["searchable_s"] for row in latency["rows"])
    assert set(latency["by_class"]) == {"2 MP", "6 MP", "12 MP", "24 MP"}
    assert rounds[0]["found"] == 5 and rounds[0]["errors"] == []
    # AND the stack's processes were seen working, and capacity was measured without them
    assert rounds[0]["cpu_s"]["workers"] > 0
    assert results["capacity"]["photos_per_min"]["median"] > 0
    # AND the report carries both halves of target (3)
    lines = e2e.verdicts(results)
    assert [line.split(":")[0] for line in lines] == ["(3) e2e latency", "(3) e2e throughput"]
    assert e2e.section(results).startswith("## 3. End to end on the local stack")
