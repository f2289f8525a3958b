"""Logs and metrics for every function (Powertools Logger and Metrics, JSON to stdout).

Metrics go out in CloudWatch's embedded metric format: CloudWatch turns the printed JSON into
metrics, no API call and no extra permission. Namespace and switch-off come from the
environment Powertools reads itself (POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_METRICS_DISABLED).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.domain.outcomes import Result
from chalicelib.logs import SERVICE

# The parent of every logger in chalicelib (chalicelib.logs.child_logger): one JSON handler.
logger = Logger(service=SERVICE)
# The namespace is the stage's prefix (POWERTOOLS_METRICS_NAMESPACE in the template).
metrics = Metrics(service=SERVICE)
if not metrics.namespace:  # tests and tools that run without the Lambda environment
    metrics.namespace = SERVICE


def count(stage: str, result: Result) -> None:
    """Count one event of `stage` (ingest, render) by its result: render.ready,
    ingest.rejected.too_many_pixels, render.failed.processing_error..."""
    metrics.add_metric(name=result.metric(stage), unit=MetricUnit.Count, value=1)


def with_metrics(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a Lambda body so its counts are published when it returns or raises."""

    @functools.wraps(handler)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        finally:
            if metrics.metric_set:  # nothing counted: nothing to print
                metrics.flush_metrics()

    return wrapped
