"""Handler outcomes: an enum, and the metric names built from it (no string surgery)."""

from __future__ import annotations

import pytest

from chalicelib.domain.outcomes import Outcome, Result, failed, rejected


@pytest.mark.parametrize(
    ("stage", "result", "metric"),
    [
        ("ingest", Result(Outcome.FANNED_OUT), "ingest.fanned_out"),
        ("render", Result(Outcome.READY), "render.ready"),
        ("ingest", rejected("too_many_pixels"), "ingest.rejected.too_many_pixels"),
        ("render", failed("processing_error"), "render.failed.processing_error"),
    ],
)
def test_each_result_counts_as_one_dotted_metric(stage: str, result: Result, metric: str) -> None:
    assert result.metric(stage) == metric


def test_only_rejections_and_failures_carry_a_reason() -> None:
    assert rejected("corrupt_image") == Result(Outcome.REJECTED, "corrupt_image")
    assert failed("processing_timeout").outcome is Outcome.FAILED
    assert Result(Outcome.STALE).reason == ""
