"""A moderator's reject on the real adapters (moto): the photo's public renditions leave the
renditions bucket, its original stays; and when S3 refuses the purge right after the status
write (the state a crash there leaves), the write's stream record finishes it."""

from __future__ import annotations

import json
from collections.abc import Callable

from chalicelib.domain.model import Status, full_key
from chalicelib.faultplan import FaultRule
from tests.images import factory
from tests.integration.faults.conftest import ALICE, Scenario
from tests.support.tokens import bearer

Make = Callable[..., Scenario]
ADMIN = bearer("sub-admin", "admin", "admins")
REPORTERS = [bearer(f"sub-r{n}", f"r{n}", "contributors") for n in range(3)]
REJECT = json.dumps({"decision": "reject", "reason": "Not the uploader's photo"})
S3_DOWN = (10.0, 20.0)  # the fault plan's clock: S3 refuses rendition deletes in this window


def _public(world: Scenario, image_id: str) -> list[str]:
    listed = world.stack.s3.list_objects_v2(
        Bucket=world.real.settings.renditions_bucket, Prefix=f"{image_id}/")
    return [o["Key"] for o in listed.get("Contents", [])]


def _private(world: Scenario, image_id: str) -> set[str]:
    bucket = world.real.settings.originals_bucket
    keys = [world.image(image_id).original.key, full_key(image_id)]
    return {k for k in keys if world.stack.s3.list_objects_v2(
        Bucket=bucket, Prefix=k).get("KeyCount", 0)}


def _reported_back_to_review(world: Scenario) -> str:
    """A published photo three people reported: back in review, renditions still public."""
    image_id = world.upload(factory.photo(1600, 1200))
    world.mappings.settle()
    for reporter in REPORTERS:
        answer = world.client.http.post(f"/images/{image_id}/report", headers=reporter,
                                        body=json.dumps({"reason": "copyright"}))
        assert answer.status_code == 202
    world.mappings.settle()
    assert world.image(image_id).status is Status.IN_REVIEW
    assert _public(world, image_id)
    return image_id


def test_a_reject_removes_the_renditions_from_the_bucket_and_keeps_the_original(
    scenario: Make,
) -> None:
    world = scenario()
    image_id = _reported_back_to_review(world)
    kept = _private(world, image_id)
    answer = world.client.http.post(f"/review/{image_id}", headers=ADMIN, body=REJECT)
    assert answer.status_code == 200
    # THEN gone at once, before any stream record is read; the owner's files stay
    assert _public(world, image_id) == []
    assert _private(world, image_id) == kept and len(kept) == 2
    mine = json.loads(world.client.http.get(f"/images/{image_id}", headers=ALICE).body)
    assert (mine["status"], mine["renditions"]) == ("rejected", {})
    world.mappings.settle()
    world.audit()


def test_a_purge_refused_after_the_status_write_is_finished_by_the_stream_record(
    scenario: Make,
) -> None:
    world = scenario(FaultRule("s3_slowdown", window=S3_DOWN, methods=("delete",),
                               targets=("renditions",)))
    image_id = _reported_back_to_review(world)
    # WHEN S3 refuses the purge right after the reject's status write (the commit point)
    world.clock.now = S3_DOWN[0]
    answer = world.client.http.post(f"/review/{image_id}", headers=ADMIN, body=REJECT)
    assert answer.status_code == 200  # the decision stands: it is recorded
    assert world.image(image_id).status is Status.REJECTED
    assert _public(world, image_id)  # what a crash between write and purge leaves
    assert "orphan" in " ".join(world.problems())
    # AND the stream record's first delivery fails too, the mapping's retry comes later
    world.mappings.before_stream_retry = lambda: setattr(world.clock, "now", S3_DOWN[1])
    world.mappings.settle()
    # THEN the record finished the purge: nothing public, the original kept, nothing dropped
    assert _public(world, image_id) == []
    assert len(_private(world, image_id)) == 2
    assert world.injector.injected()["s3_slowdown"] >= 2
    assert world.mappings.dropped == []
    world.audit()
