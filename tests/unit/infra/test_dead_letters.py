"""Which image (and rendition) a dead-lettered body names; where the local stack's queues are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.dead_letters import INGEST, RENDER, UNKNOWN, classify
from infra.redrive import NotFound, local_target


def _notification(*keys: str) -> str:
    return json.dumps({"Records": [{"eventName": "ObjectCreated:Post",
                                    "s3": {"bucket": {"name": "b"}, "object": {"key": k}}}
                                   for k in keys]})


@pytest.mark.parametrize(("body", "expected"), [
    (_notification("uploads/abc123"), (INGEST, ("abc123",), "")),
    (_notification("uploads%2Fabc123", "uploads/def456"), (INGEST, ("abc123", "def456"), "")),
    (_notification("masters/abc123"), (INGEST, (), "")),
    (json.dumps({"Event": "s3:TestEvent"}), (INGEST, (), "")),
    (json.dumps({"image_id": "abc123", "rendition": "thumb"}), (RENDER, ("abc123",), "thumb")),
    (json.dumps({"image_id": "abc123"}), (UNKNOWN, (), "")),
    (json.dumps({"Records": [{"s3": {}}]}), (UNKNOWN, (), "")),
    (json.dumps(["uploads/abc123"]), (UNKNOWN, (), "")),
    ("not json at all", (UNKNOWN, (), "")),
])
def test_a_body_is_an_upload_notification_a_render_task_or_unknown(
    body: str, expected: tuple[str, tuple[str, ...], str]
) -> None:
    assert classify(body) == expected


def test_the_local_target_comes_from_stack_json(tmp_path: Path) -> None:
    resources = {name: {"ref": f"ref-of-{name}", "attrs": {}} for name in (
        "IngestQueue", "IngestDeadLetterQueue", "RenderQueue", "RenderDeadLetterQueue",
        "ImagesTable")}
    stack = {"moto_endpoint": "http://127.0.0.1:1", "resources": resources, "env": {}}
    (tmp_path / "stack.json").write_text(json.dumps(stack))
    target = local_target(tmp_path, "render")
    assert (target.source_url, target.dlq_url, target.table) == (
        "ref-of-RenderQueue", "ref-of-RenderDeadLetterQueue", "ref-of-ImagesTable")


def test_no_local_stack_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="make run"):
        local_target(tmp_path, "ingest")
