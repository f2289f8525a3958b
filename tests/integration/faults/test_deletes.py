"""Deletes while an image is processing, with S3 refusing calls: the tombstone wins and no
byte of the image is left once the owner's delete went through."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.model import Status
from chalicelib.faultplan import FaultRule
from tests.images import factory
from tests.integration.faults.conftest import ALICE, Scenario

Make = Callable[..., Scenario]
DELETE_TRIES = 5


def test_a_delete_between_ingest_and_render_with_s3_refusing_some_calls(scenario: Make) -> None:
    world = scenario(FaultRule("s3_slowdown", every=4, targets=("uploads", "originals")))
    image_id = world.upload(factory.photo(1600, 1200))
    world.mappings.deliver("ingest")
    # WHEN the owner deletes it while its renders wait, repeating the request after a 500
    # (the API's answer when a removal was refused; a repeat removes what is left)
    for _ in range(DELETE_TRIES):
        if world.client.http.delete(f"/images/{image_id}", headers=ALICE).status_code == 204:
            break
    else:
        raise AssertionError("the delete never went through")
    world.mappings.settle()
    # THEN it stays deleted, the late renders stored nothing that outlives it
    assert world.image(image_id).status is Status.DELETED
    assert world.injector.injected()["s3_slowdown"] >= 1
    world.audit()
