"""make scale-check's pieces that need no stack: REPORT lines read from the log in phases,
a photo alone and a burst from them, the comparison's verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scale import check
from infra.local.workers import Report, report_line


def test_given_a_growing_log_then_each_phase_reads_only_its_own_reports(tmp_path: Path) -> None:
    log = tmp_path / "stack.log"
    log.write_text(f"start\n{report_line('ingest', 'a', 1, 1.0, 0.4)}\n")
    first, offset = check.reports_since(log, 0)
    with open(log, "a") as handle:
        handle.write(f"noise\n{report_line('render', 'b', 1, 0.5, 0.3)}\n")
    second, _ = check.reports_since(log, offset)
    assert first == [Report("ingest", 1, 1.0, 0.4)]
    assert second == [Report("render", 1, 0.5, 0.3)]


def test_given_one_photos_reports_then_its_sample_has_its_path() -> None:
    reports = [Report("ingest", 1, 1.2, 0.5), Report("render", 1, 0.6, 0.3),
               Report("render", 1, 0.4, 0.2), Report("indexer", 3, 0.02, 0.01),
               Report("indexer", 4, 0.04, 0.02), Report("sweeper", 0, 0.5, 0.1)]
    sample = check.sample("12 MP 4000x3000 scene 1", 3.0, reports)
    assert (sample.ingest_s, sample.render_s) == (1.2, (0.6, 0.4))
    assert sample.indexer_s == pytest.approx(0.03)  # the mean batch; the sweeper left out


def test_given_a_bursts_reports_then_each_function_is_summed_and_batches_kept() -> None:
    reports = [Report("ingest", 1, 1.0, 0.5), Report("ingest", 1, 2.0, 0.5),
               Report("render", 1, 0.5, 0.3), Report("indexer", 12, 0.1, 0.05)]
    busy = check.busy_of(["a", "b"], reports)
    assert (busy.ingest_s, busy.render_s, busy.indexer) == (3.0, 0.5, ((12, 0.1),))


def test_given_a_large_run_then_it_may_settle_longer_than_make_soak() -> None:
    assert check.settle_for(50) == check.SETTLE_SECONDS
    assert check.settle_for(500) == 2500.0


def test_given_predictions_then_the_verdict_holds_only_within_the_margin() -> None:
    rows = [{"acknowledged_s": 0.0, "searchable_s": s} for s in (10.0, 20.0, 30.0, None)]
    close = check.compare(rows, [11.0, 21.0, 31.0, 5.0], margin=0.25)
    assert (close["seen"], close["of"], close["within_margin"]) == (3, 4, True)
    far = check.compare(rows, [10.0, 20.0, 60.0, 5.0], margin=0.25)
    assert far["error"]["max"] == pytest.approx(1.0)
    assert far["within_margin"] is False
