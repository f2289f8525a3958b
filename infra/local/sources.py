"""The one module that reads Chalice internals: event sources and handlers of an app."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalice import Chalice
from chalice.app import DynamoDBEventConfig, ScheduledEventConfig, SQSEventConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueSource:
    """An `@app.on_sqs_message` function and the queue it reads."""

    function: str
    queue: str
    batch_size: int
    maximum_concurrency: int | None
    batching_window_seconds: int


@dataclass(frozen=True)
class StreamSource:
    """An `@app.on_dynamodb_record` function and the table whose stream it reads."""

    function: str
    table: str
    batch_size: int
    starting_position: str
    batching_window_seconds: int


@dataclass(frozen=True)
class ScheduleSource:
    """An `@app.schedule` function and its expression (`rate(15 minutes)`, `cron(...)`)."""

    function: str
    expression: str


Source = QueueSource | StreamSource | ScheduleSource


def load_app(spec: str) -> Chalice:
    """Import 'module:attribute' (e.g. 'app:app') and return the Chalice app."""
    module_name, _, attribute = spec.partition(":")
    app = getattr(importlib.import_module(module_name), attribute or "app")
    if not isinstance(app, Chalice):
        raise TypeError(f"{spec} is a {type(app).__name__}, not a Chalice app")
    return app


def table_of(stream_arn: str) -> str:
    """The table name inside `arn:...:table/<name>/stream/<label>`."""
    resource = stream_arn.split(":", 5)[-1]
    parts = resource.split("/")
    if len(parts) < 2 or parts[0] != "table":
        raise ValueError(f"not a DynamoDB stream ARN: {stream_arn}")
    return parts[1]


def _queue_source(config: SQSEventConfig) -> QueueSource:
    queue = config.queue or (config.queue_arn or "").rsplit(":", 1)[-1]
    return QueueSource(
        function=config.name,
        queue=queue,
        batch_size=config.batch_size,
        maximum_concurrency=config.maximum_concurrency,
        batching_window_seconds=config.maximum_batching_window_in_seconds or 0,
    )


def _stream_source(config: DynamoDBEventConfig) -> StreamSource:
    return StreamSource(
        function=config.name,
        table=table_of(config.stream_arn),
        batch_size=config.batch_size,
        starting_position=config.starting_position,
        batching_window_seconds=config.maximum_batching_window_in_seconds or 0,
    )


def _schedule_source(config: ScheduledEventConfig) -> ScheduleSource:
    expression = config.schedule_expression
    text = expression if isinstance(expression, str) else expression.to_string()
    return ScheduleSource(function=config.name, expression=text)


def discover(app: Chalice) -> list[Source]:
    """Every SQS, DynamoDB-stream and scheduled function of `app`; other kinds are logged
    and left out."""
    found: list[Source] = []
    for config in app.event_sources:
        if isinstance(config, SQSEventConfig):
            found.append(_queue_source(config))
        elif isinstance(config, DynamoDBEventConfig):
            found.append(_stream_source(config))
        elif isinstance(config, ScheduledEventConfig):
            found.append(_schedule_source(config))
        else:
            log.warning("%s (%s) is not run locally", config.name, type(config).__name__)
    return found


def batch_sizes(app: Chalice) -> dict[str, int]:
    """Each SQS and stream function's batch size, by function name, as `app` declares it."""
    return {source.function: source.batch_size for source in discover(app)
            if isinstance(source, QueueSource | StreamSource)}


def declared_batch_sizes(spec: str = "app:app") -> dict[str, int]:
    """Batch sizes by function as app.py's decorators declare them: the deployed mappings'
    (tests/unit/infra/test_batch_sizes.py keeps template.yaml's equal), the local pollers',
    the scale model's."""
    return batch_sizes(load_app(spec))


def handler(app: Chalice, function: str) -> Callable[[dict[str, Any], Any], Any]:
    """The Lambda entry point Chalice made for `function`: call it with (event, context)."""
    return app.handler_map[function]
