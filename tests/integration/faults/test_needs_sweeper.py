"""Faults redelivery alone cannot repair: the messages are spent into the dead-letter queue
(or the stream's retries) and nothing marked the image. Once the faults have passed, one sweeper
pass ends it, and the shared audit holds."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.model import Status
from chalicelib.faultplan import FaultRule
from tests.images import factory
from tests.integration.faults.conftest import Scenario

Make = Callable[..., Scenario]


def test_a_render_dead_lettered_with_its_give_up_throttled_is_swept_to_ready(
    scenario: Make,
) -> None:
    # GIVEN a photo ingested without trouble: `large` and `full` wait on the render queue
    world = scenario()
    image_id = world.upload(factory.photo(1600, 1200))
    assert world.mappings.deliver("ingest")
    # WHEN every read of the master is refused and the write that would fail the image is
    # throttled, through all five deliveries
    world = scenario(FaultRule("s3_slowdown", every=1, methods=("read",), targets=("uploads",)),
                     FaultRule("dynamodb_throttle", every=1, methods=("fail",)))
    world.mappings.settle()
    # THEN the message is dead-lettered and the image stranded in processing ...
    assert [r["body"] for r in world.mappings.dead["render"]] == [
        f'{{"image_id": "{image_id}", "rendition": "large"}}']
    assert world.image(image_id).status is Status.PROCESSING
    assert world.problems(), "the audit must see the stranded image before the sweep"
    # ... until the faults pass and the sweeper re-sends exactly the missing rendition
    world = scenario()
    counts = world.sweep()
    assert counts["stuck.renders_resent"] == 1
    assert world.image(image_id).status is Status.READY
    world.audit()


def test_the_search_engine_down_longer_than_the_stream_retries_is_reindexed(
    scenario: Make,
) -> None:
    # GIVEN the search engine down for ten minutes, the stream retried every 15 s
    world = scenario(FaultRule("search_down", window=(0, 600)))

    def wait() -> None:
        world.clock.now += 15

    world.mappings.before_stream_retry = wait
    image_id = world.upload(factory.photo(640, 480))
    world.mappings.settle()
    # THEN the image is ready, but its stream records were dropped after the last retry ...
    assert world.image(image_id).status is Status.READY
    assert world.mappings.dropped
    assert world.problems(), "the audit must see the index behind the table before the sweep"
    # ... until the engine is back and the sweeper compares the index with the table
    world = scenario()
    counts = world.sweep()
    assert counts["index.upserted"] >= 1
    world.audit()
