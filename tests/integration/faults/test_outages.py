"""Outages of one service at a time, with the pipeline redelivering: every image still ends,
the index equals the table, nothing is left behind and nothing is published twice."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.model import Status
from chalicelib.faultplan import FaultRule
from tests.images import factory
from tests.integration.faults.conftest import Scenario

Make = Callable[..., Scenario]
WRITES = ("add", "update_metadata", "start_processing", "record_facts", "add_renditions",
          "finish", "reject", "fail", "count_download", "mark_deleted", "delete")
STREAM_BACKOFF_SECONDS = 15.0


def _photos(world: Scenario) -> list[str]:
    """A photo that fans out (a master and a render of `large`), one cut inline, a bomb."""
    return [world.upload(factory.photo(1600, 1200)), world.upload(factory.photo(640, 480)),
            world.upload(factory.photo(900, 1200))]


def _statuses(world: Scenario, ids: list[str]) -> list[Status]:
    return [world.image(image_id).status for image_id in ids]


def test_the_search_engine_down_for_a_minute_then_back(scenario: Make) -> None:
    world = scenario(FaultRule("search_down", window=(0, 60)))
    world.mappings.before_stream_retry = _advance(world, STREAM_BACKOFF_SECONDS)
    ids = _photos(world)
    world.mappings.settle()
    assert world.injector.injected()["search_down"] >= 4  # refused for the whole minute
    assert world.clock.now >= 60 and world.mappings.dropped == []
    world.audit()
    assert _statuses(world, ids) == [Status.READY] * 3


def test_dynamodb_throttling_every_third_write(scenario: Make) -> None:
    world = scenario(FaultRule("dynamodb_throttle", every=3, methods=WRITES))
    ids = _photos(world)
    world.mappings.settle()
    assert world.injector.injected()["dynamodb_throttle"] >= 5
    world.audit()
    assert _statuses(world, ids) == [Status.READY] * 3
    assert world.mappings.dead == {"ingest": [], "render": []}


def test_the_render_fan_out_send_failing_after_the_original_was_kept(scenario: Make) -> None:
    world = scenario(FaultRule("sqs_send", nth=(1, 2, 4)))
    ids = _photos(world)
    world.mappings.settle()
    assert world.injector.injected() == {"sqs_send": 3}
    world.audit()
    assert _statuses(world, ids) == [Status.READY] * 3


def test_s3_slowdown_on_a_fraction_of_calls(scenario: Make) -> None:
    world = scenario(FaultRule("s3_slowdown", rate=0.05), seed=3)
    ids = _photos(world)
    world.mappings.settle()
    assert world.injector.injected()["s3_slowdown"] >= 3
    world.audit()
    # An image whose five deliveries all met a refusal ends failed, and leaves nothing behind
    assert set(_statuses(world, ids)) <= {Status.READY, Status.FAILED}
    assert Status.READY in _statuses(world, ids)


def _advance(world: Scenario, seconds: float) -> Callable[[], None]:
    def wait() -> None:
        world.clock.now += seconds

    return wait


def test_s3_read_timeouts_including_writes_that_landed_unanswered(scenario: Make) -> None:
    # The first original kept lands but its answer is lost: the retry must reuse it
    landed = FaultRule("s3_timeout", nth=(1,), methods=("put",), targets=("originals",))
    world = scenario(landed, FaultRule("s3_timeout", rate=0.15), seed=11)
    ids = _photos(world)
    world.mappings.settle()
    assert world.injector.injected()["s3_timeout"] >= 4
    world.audit()
    assert set(_statuses(world, ids)) <= {Status.READY, Status.FAILED}
    assert Status.READY in _statuses(world, ids)
