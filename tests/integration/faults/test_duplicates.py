"""Duplicate and out-of-order S3 notifications and stream records end as if each came once."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

from chalicelib.domain.model import Status
from tests.images import factory
from tests.integration.faults.conftest import ALICE, Scenario
from tests.support import audit

Make = Callable[..., Scenario]


def test_the_same_object_created_twice_makes_one_image_published_once(scenario: Make) -> None:
    world = scenario()
    image_id = world.upload(factory.photo(1600, 1200))
    notification = world.mappings.messages("ingest")
    assert len(notification) == 1
    # WHEN S3 delivers the same notification twice (at-least-once), one after the other
    world.mappings.send("ingest", [notification[0]["Body"]] * 2)
    world.mappings.settle()
    assert world.image(image_id).status is Status.READY
    world.audit()


def test_a_second_versions_notification_before_the_firsts_keeps_one_upload(
    scenario: Make,
) -> None:
    world = scenario()
    first = factory.photo(1600, 1200)
    image_id = world.upload(first)
    world.put_upload(f"uploads/{image_id}", factory.photo(640, 480))  # the grant, used again
    bodies = [m["Body"] for m in world.mappings.messages("ingest")]
    assert len(bodies) == 2
    # WHEN the second version's notification arrives first
    world.mappings.send("ingest", list(reversed(bodies)))
    world.mappings.settle()
    # THEN whichever was claimed first is the image; the other version is gone with it
    image = world.image(image_id)
    assert image.status is Status.READY and (image.facts.width, image.facts.height) == (640, 480)
    world.audit()


def test_stream_records_replayed_duplicated_and_out_of_order_leave_the_index_equal(
    scenario: Make,
) -> None:
    world = scenario()
    kept = [world.upload(factory.photo(320 + 40 * n, 240)) for n in range(3)]
    world.mappings.settle()
    gone = kept.pop()
    answer = world.client.http.delete(f"/images/{gone}", headers=ALICE)
    assert answer.status_code == 204
    edited = json.dumps({"title": "renamed"})
    assert world.client.http.patch(f"/images/{kept[0]}", headers=ALICE, body=edited,
                                   ).status_code == 200
    world.mappings.settle()
    records = audit.stream_records(world.mappings.dynamodb, world.mappings.streams,
                                   world.real.settings.images_table)
    # WHEN every record comes again: reversed, then each twice, then shuffled
    shuffled = records * 2
    random.Random(5).shuffle(shuffled)
    for replay in (list(reversed(records)), [r for r in records for _ in (0, 1)], shuffled):
        world.mappings.index(replay)
    # THEN the index is still exactly the table: no resurrected delete, no stale title
    world.audit()
    assert world.mappings.dropped == []
