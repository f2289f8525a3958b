"""The local stack's schedule runner: plays EventBridge for `@app.schedule` functions."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from infra.local.schedule import ScheduleRunner, period_seconds, scheduled_event
from infra.local.sources import ScheduleSource
from infra.local.workers import Outcome

SWEEPER = ScheduleSource("sweeper", "rate(15 minutes)")


class _Pool:
    """Records invocations; sets `called` after `wanted` of them."""

    def __init__(self, wanted: int = 1) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.called = threading.Event()
        self.wanted = wanted

    def invoke(self, function: str, event: dict[str, Any]) -> Outcome:
        self.calls.append((function, event))
        if len(self.calls) >= self.wanted:
            self.called.set()
        return Outcome(result={"repairs": 0})


def test_the_period_comes_from_the_environment_and_zero_turns_it_off() -> None:
    assert period_seconds({}) == 60.0
    assert period_seconds({"LOCAL_SWEEP_SECONDS": "5"}) == 5.0
    assert period_seconds({"LOCAL_SWEEP_SECONDS": "0"}) == 0.0


def test_the_event_is_shaped_as_eventbridge_sends_it() -> None:
    event = scheduled_event("sweeper", datetime(2026, 11, 27, 12, 15, tzinfo=UTC))
    assert (event["detail-type"], event["source"], event["time"]) == (
        "Scheduled Event", "aws.events", "2026-11-27T12:15:00Z")
    assert event["resources"][0].endswith(":rule/local-sweeper")


def test_the_runner_invokes_the_function_every_period_until_stopped() -> None:
    pool = _Pool(wanted=2)
    runner = ScheduleRunner(SWEEPER, pool, period=0.01)  # type: ignore[arg-type]
    runner.start()
    assert pool.called.wait(30)  # a generous wait, not a timing assertion
    runner.request_stop()
    runner.join()
    stopped_at = len(pool.calls)
    assert stopped_at >= 2 and {name for name, _ in pool.calls} == {"sweeper"}
    assert runner.runs == stopped_at  # and none after the stop


def test_a_zero_period_never_runs() -> None:
    pool = _Pool()
    runner = ScheduleRunner(SWEEPER, pool, period=0)  # type: ignore[arg-type]
    runner.start()
    runner.request_stop()
    runner.join()
    assert pool.calls == []
