"""Render Lambda body: render-queue messages -> render use case."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.bootstrap import Services
from chalicelib.entrypoints.events.batch import process_sqs, receive_count, run_counted
from chalicelib.observability import logger, with_metrics
from chalicelib.ports import RenderTask
from chalicelib.services import render, reprocess
from chalicelib.services.deps import Deps


def parse_task(body: str) -> RenderTask:
    """A render message body -> RenderTask (ValueError when malformed)."""
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("render message must be an object")
    image_id, name = data.get("image_id"), data.get("rendition")
    profile = data.get("profile", "")
    if not isinstance(image_id, str) or not isinstance(name, str):
        raise ValueError("render message needs image_id and rendition")
    if not isinstance(profile, str):
        raise ValueError("a render message's profile is a version string")
    return RenderTask(image_id, name, profile)


@with_metrics
def handle(event: dict[str, Any], services: Services) -> dict[str, Any]:
    """Render each message's rendition; report the ones to retry."""
    return process_sqs(event, lambda record: _message(record, services.deps))


def _message(record: SQSRecord, deps: Deps) -> None:
    try:
        task = parse_task(record.body)
    except ValueError:
        logger.error("dropping a malformed render message")
        return
    with logger.append_context_keys(image_id=task.image_id, rendition=task.rendition):
        _render_task(deps, task, receive_count(record))


def _render_task(deps: Deps, task: RenderTask, receives: int) -> None:
    run_counted(
        "render",
        # A reprocess's task re-cuts a ready image for a newer profile version.
        lambda: (reprocess.rerender_one if task.profile else render.render_one)(deps, task),
        lambda: render.give_up(deps, task),
        last_try=receives >= deps.limits.max_receives,
    )
