"""One logging system: every line an invocation prints is Powertools JSON with its image id,
the service layer's lines included (they log through children of the Powertools logger)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.observability import logger
from tests.handlers.conftest import Lambdas, payload
from tests.handlers.test_event_handlers import _uploaded, notified


@pytest.fixture
def printed() -> Iterator[io.StringIO]:
    """What the one Powertools handler writes (stdout in Lambda), for this test only."""
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def _json_lines(output: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if "_aws" not in line]  # metrics lines are not log lines


def test_an_ingest_invocation_logs_json_lines_each_naming_its_image(
    lambdas: Lambdas, printed: io.StringIO
) -> None:
    # GIVEN an upload that is not an image (the service logs why it refuses it)
    image_id = _uploaded(lambdas, b"<html>not a photo</html>" * 10)
    # WHEN the ingest function handles its notification
    lambdas.invoke("ingest", notified(lambdas, image_id))
    out = printed.getvalue()
    # THEN everything printed is JSON, at the default level, and every line names the image
    lines = _json_lines(out)
    assert len(lines) == len(out.splitlines()) > 1
    assert {line["image_id"] for line in lines} == {image_id}
    assert {line["service"] for line in lines} == {"stock-images"}
    # AND the use case's own line is among them, next to the entrypoint's
    refused = [line for line in lines if str(line["message"]).startswith("rejected")]
    assert refused and refused[0]["reason"] == "not_an_image"
    assert refused[0]["location"].startswith("ingest_object:")
    assert next(line for line in lines if line["message"] == "ingest")["outcome"] == "rejected"


def test_a_render_invocation_names_its_image_and_rendition_on_every_line(
    lambdas: Lambdas, printed: io.StringIO
) -> None:
    # GIVEN a render message for an image that no longer exists
    lambdas.invoke("render", payload("sqs_render", IMAGE_ID="f" * 32))
    lines = _json_lines(printed.getvalue())
    # THEN its one line says so, with the image and the rendition
    assert lines and all(line["image_id"] == "f" * 32 for line in lines)
    assert {line["outcome"] for line in lines if line["message"] == "render"} == {"stale"}
    assert all("rendition" in line for line in lines)
