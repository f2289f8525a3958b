"""The sweeper function: a scheduled event runs one sweep, which reports as one JSON log line
(and EMF metrics); the operator command prints the same report."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from chalicelib.entrypoints import cli
from chalicelib.ports import RenderTask
from chalicelib.services import ingest
from tests.handlers.conftest import Lambdas, payload
from tests.handlers.test_event_handlers import _photo, _uploaded
from tests.handlers.test_one_logger import _json_lines, printed  # noqa: F401 - a fixture


def _stranded(lambdas: Lambdas) -> str:
    """Ingested, its render messages lost, and 16 minutes gone by."""
    deps = lambdas.deps
    image_id = _uploaded(lambdas, _photo())
    key = f"uploads/{image_id}"
    ingest.ingest_object(deps, ingest.UploadedObject(key, deps.uploads.versions[key][-1].etag))  # type: ignore[attr-defined]
    deps.queue.sent.clear()  # type: ignore[attr-defined]
    deps.clock.current += timedelta(minutes=16)  # type: ignore[attr-defined]
    return image_id


def test_a_scheduled_event_sweeps_and_logs_one_json_line(
    lambdas: Lambdas, printed: io.StringIO, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    image_id = _stranded(lambdas)
    result = lambdas.invoke("sweeper", payload("eventbridge_scheduled"))
    assert result["counts"]["stuck.renders_resent"] == 1 and result["repairs"] == 1
    assert lambdas.deps.queue.sent == [  # type: ignore[attr-defined]
        RenderTask(image_id, "large"), RenderTask(image_id, "full"),
    ]
    lines = [line for line in _json_lines(printed.getvalue()) if "sweep" in line]
    assert len(lines) == 1 and lines[0]["sweep"] == result
    # AND the counts went out as EMF metrics (Powertools prints them to stdout)
    emf = [json.loads(x) for x in capsys.readouterr().out.splitlines() if '"_aws"' in x]
    names = {m["Name"] for blob in emf for d in blob["_aws"]["CloudWatchMetrics"]
             for m in d["Metrics"]}
    assert {"sweep.stuck.renders_resent", "sweep.repairs"} <= names


def test_the_sweep_command_prints_its_report(lambdas: Lambdas) -> None:
    _stranded(lambdas)
    out = io.StringIO()
    assert cli.sweep(full=True, as_json=True, stream=out) == 1
    report = json.loads(out.getvalue())
    assert report["full"] is True and report["counts"]["stuck.renders_resent"] == 1
    text = io.StringIO()
    assert cli.sweep(full=True, stream=text) == 0  # repaired already: nothing more to do
    assert text.getvalue().startswith("sweep (full pass): 0 repairs")
