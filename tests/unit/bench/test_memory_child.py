"""The memory benchmark's container side: per-invocation peaks, outcomes, and its settings."""

from __future__ import annotations

from typing import Any

from bench import memory_child
from bench.memory_stack import chalice_env, configured_memory_mb

ALLOCATION = 64 * 2**20


def _allocating_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    block = bytearray(ALLOCATION)  # touched: bytearray zero-fills, so it is resident
    block[-1] = 1
    return {"batchItemFailures": [], "seen": event["n"], "function": context.function_name}


def _failing_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise ValueError("master did not decode")


def test_given_a_handler_that_allocates_when_invoked_then_its_peak_shows_the_allocation(
) -> None:
    # GIVEN a handler that holds 64 MiB for the length of the call
    context = memory_child.LambdaContext("render", 1024)
    # WHEN it is invoked through the child's measuring wrapper
    call = memory_child.invoke(_allocating_handler, {"n": 7}, context)
    # THEN the peak is at least 64 MiB over the RSS before, and the result comes back
    assert call["peak_reset"] is True
    assert call["peak_kb"] - call["rss_before_kb"] >= ALLOCATION // 1024 * 0.95
    assert call["result"] == {"batchItemFailures": [], "seen": 7, "function": "render"}
    assert call["error"] is None and call["wall_s"] >= 0


def test_given_two_calls_when_the_peak_is_reset_between_then_the_second_is_its_own() -> None:
    # GIVEN a first call that allocated 64 MiB, then one that allocates nothing
    context = memory_child.LambdaContext("ingest", 1024)
    memory_child.invoke(_allocating_handler, {"n": 1}, context)
    quiet = memory_child.invoke(lambda event, ctx: {"batchItemFailures": []}, {}, context)
    # THEN the second call's peak is not the first one's
    assert quiet["peak_kb"] - quiet["rss_before_kb"] < ALLOCATION // 1024 // 2


def test_given_a_handler_that_raises_when_invoked_then_the_error_is_reported_not_raised(
) -> None:
    call = memory_child.invoke(_failing_handler, {}, memory_child.LambdaContext("render", 1024))
    assert call["result"] is None
    assert "ValueError: master did not decode" in call["error"]


def test_given_the_context_when_asked_for_time_left_then_it_counts_down_from_the_timeout(
) -> None:
    context = memory_child.LambdaContext("ingest", 2048, timeout_seconds=120)
    assert 119_000 < context.get_remaining_time_in_millis() <= 120_000
    assert context.memory_limit_in_mb == 2048


def test_given_the_chalice_config_when_read_then_each_imaging_function_has_a_memory_size(
) -> None:
    # The proposal compares against these: they must be found for ingest and render.
    sizes = configured_memory_mb()
    assert sizes["ingest"] >= 128 and sizes["render"] >= 128
    assert "POWERTOOLS_SERVICE_NAME" in chalice_env()
