"""Sweeper Lambda body (an EventBridge schedule): one bounded repair run, reported as EMF
metrics and one JSON log line."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.bootstrap import Services
from chalicelib.logs import child_logger
from chalicelib.observability import metrics, with_metrics
from chalicelib.services import sweeping
from chalicelib.services.sweeping import SweepReport

log = child_logger(__name__)


def run(services: Services, full: bool = False) -> SweepReport:
    """Sweep once (every slice and segment when `full`), then publish what it did."""
    deps = services.deps
    report = sweeping.sweep_all(deps) if full else sweeping.sweep(deps)
    for action, count in sorted(report.counts.items()):
        metrics.add_metric(name=f"sweep.{action}", unit=MetricUnit.Count, value=count)
    metrics.add_metric(name="sweep.repairs", unit=MetricUnit.Count, value=report.repairs)
    log.info("sweep finished", extra={"sweep": report.as_json()})
    return report


@with_metrics
def handle(event: dict[str, Any], services: Services) -> dict[str, Any]:
    """One scheduled run; returns its report."""
    return run(services).as_json()
