"""Operations in the packaged template: alarms, where they notify, and the dashboard."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.integration.deploy.conftest import Packaged
from tests.integration.deploy.sam_reading import FUNCTION, conditions, target

DEAD_LETTER_QUEUES = {"IngestDeadLetterQueue", "RenderDeadLetterQueue", "IndexerFailuresQueue"}
WORK_QUEUES = {"IngestQueue", "RenderQueue"}
_PLACEHOLDER = re.compile(r"\$\{([^}!][^}]*)\}")



def _alarms(resources: dict[str, Any]) -> list[dict[str, Any]]:
    return [b["Properties"] for b in resources.values() if b["Type"] == "AWS::CloudWatch::Alarm"]


def _function_alarms(resources: dict[str, Any], metric: str) -> dict[str, dict[str, Any]]:
    """Lambda alarms on `metric`, by the function they watch."""
    found = {}
    for alarm in _alarms(resources):
        if alarm["Namespace"] == "AWS/Lambda" and alarm["MetricName"] == metric:
            (dimension,) = alarm["Dimensions"]
            assert dimension["Name"] == "FunctionName"
            found[dimension["Value"]["Ref"]] = alarm
    return found


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_has_an_alarm_on_any_error_and_any_throttle(
    resources: dict[str, Any], metric: str
) -> None:
    # GIVEN every function of the package WHEN its alarms are looked up THEN one per metric,
    # firing on the first occurrence within five minutes
    every_function = {name for name, body in resources.items() if body["Type"] == FUNCTION}
    alarms = _function_alarms(resources, metric)
    assert set(alarms) == every_function and len(every_function) == 6
    for alarm in alarms.values():
        assert (alarm["Statistic"], alarm["Period"], alarm["EvaluationPeriods"]) == ("Sum", 300, 1)
        assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
        assert alarm["TreatMissingData"] == "notBreaching"  # no invocations is not a failure


def test_every_dead_letter_queue_depth_alarm_notifies(resources: dict[str, Any]) -> None:
    depth = [a for a in _alarms(resources) if a["Namespace"] == "AWS/SQS"]
    watched = {target(a["Dimensions"][0]["Value"]) for a in depth}
    assert watched == {f"${{{queue}.QueueName}}" for queue in DEAD_LETTER_QUEUES}


def test_every_alarm_notifies_the_topic_and_an_address_only_when_given(
    packaged: Packaged, resources: dict[str, Any]
) -> None:
    for alarm in _alarms(resources):
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], alarm["AlarmName"]
    assert resources["AlarmTopic"]["Type"] == "AWS::SNS::Topic"
    subscription = resources["AlarmEmailSubscription"]
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert subscription["Properties"]["TopicArn"] == {"Ref": "AlarmTopic"}
    template = packaged.template
    assert conditions(template)[subscription["Condition"]] is False  # AlarmEmail="" by default
    given = conditions(template, {"AlarmEmail": "ops@example.com"})
    assert given[subscription["Condition"]] is True
    pattern = template["Parameters"]["AlarmEmail"]["AllowedPattern"]
    assert re.fullmatch(pattern, "") and re.fullmatch(pattern, "ops@example.com")
    assert not re.fullmatch(pattern, "ops@example.com,evil@example.com")


def _render(text: str) -> str:
    """A Fn::Sub text with each ${X} shown as <X>."""
    return _PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", text)


def _dashboard(resources: dict[str, Any]) -> dict[str, Any]:
    """The dashboard body as CloudFormation renders it."""
    body = target(resources["Dashboard"]["Properties"]["DashboardBody"])
    dashboard: dict[str, Any] = json.loads(_render(body))
    return dashboard


def _series(widget: dict[str, Any]) -> list[list[Any]]:
    """Each metric row with CloudWatch's "..." shorthand expanded from the row above."""
    rows: list[list[Any]] = []
    for row in widget["properties"]["metrics"]:
        rows.append([*rows[-1][: -(len(row) - 1)], *row[1:]] if row[0] == "..." else row)
    return rows


def _widget(dashboard: dict[str, Any], title: str) -> dict[str, Any]:
    (widget,) = [w for w in dashboard["widgets"] if w["properties"]["title"].startswith(title)]
    return widget


def test_the_dashboard_shows_each_function_the_queues_and_the_api(
    resources: dict[str, Any],
) -> None:
    # GIVEN the dashboard body WHEN rendered and parsed THEN valid JSON with every function's
    # invocations, errors and p95 duration, queue and DLQ depths, and the API's answers
    dashboard = _dashboard(resources)
    functions = {f"<{name}>" for name, body in resources.items() if body["Type"] == FUNCTION}
    for title, metric, stat in [
        ("Invocations", "Invocations", "Sum"),
        ("Errors", "Errors", "Sum"),
        ("Duration p95", "Duration", "p95"),
    ]:
        widget = _widget(dashboard, title)
        assert widget["properties"]["stat"] == stat
        rows = _series(widget)
        assert {row[1] for row in rows} == {metric}
        assert {row[3] for row in rows} == functions, title
    queues = {row[3] for row in _series(_widget(dashboard, "Queue depth"))}
    assert queues == {f"<{q}.QueueName>" for q in WORK_QUEUES}
    dead = {row[3] for row in _series(_widget(dashboard, "Dead-letter depth"))}
    assert dead == {f"<{q}.QueueName>" for q in DEAD_LETTER_QUEUES}
    api = _series(_widget(dashboard, "API"))
    assert [row[1] for row in api] == ["4XXError", "5XXError", "Latency"]
    # REST API metrics are keyed by the API's name and stage: the ones the template sets.
    api_name = _render(target(resources["RestAPI"]["Properties"]["Name"]))
    assert {(row[2], row[3], row[4], row[5]) for row in api} == {
        ("ApiName", api_name, "Stage", "api")}  # fmt: skip
