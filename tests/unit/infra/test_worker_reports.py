"""Each local invocation logs a REPORT line, as Lambda does: how long it took and the CPU its
worker process spent; `make scale-check` calibrates the model from them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from infra.local import sources, workers

SAMPLE_APP = "tests.integration.local.sample_app:app"


def message(body: str) -> dict[str, object]:
    return {"messageId": body, "receiptHandle": "r", "body": body,
            "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
            "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": "arn:q",
            "awsRegion": "us-east-1"}


@pytest.fixture
def sample_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SAMPLE_OUT", str(tmp_path))
    monkeypatch.setattr(workers, "_app", sources.load_app(SAMPLE_APP))


@pytest.mark.usefixtures("sample_app")
@pytest.mark.parametrize("body", ["fine", "raise"])
def test_given_an_invocation_then_its_report_says_function_records_duration_and_cpu(
    caplog: pytest.LogCaptureFixture, body: str,
) -> None:
    caplog.set_level(logging.INFO, logger="infra.local.workers")
    outcome = workers._invoke("ingest", {"Records": [message(body), message("fine")]})
    assert (outcome.error is None) == (body == "fine")  # a failed invocation is reported too
    reports = [workers.report_of(r.getMessage()) for r in caplog.records]
    [report] = [r for r in reports if r is not None]
    assert (report.function, report.records) == ("ingest", 2)
    assert report.seconds >= report.cpu_seconds >= 0.0


def test_given_a_report_line_then_it_reads_back_and_other_lines_do_not() -> None:
    line = workers.report_line("render", "id-1", 1, seconds=1.25, cpu_seconds=0.5)
    assert line.startswith("REPORT RequestId: id-1 ")
    assert workers.report_of(f"2026-12-08 00:39:40,239 INFO infra.local.workers: {line}") == (
        workers.Report("render", 1, 1.25, 0.5))
    assert workers.report_of("INFO ingest: accepted 1 record") is None
