"""Duplicates over HTTP against the local stack: a contributor uploads one photo twice, and the
second is rejected `duplicate` naming the first."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LocalStack
from tests.e2e.test_local_stack import _upload, _wait_terminal
from tests.images import factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_the_same_contributor_uploading_a_photo_twice_gets_a_duplicate_rejection(
    local_stack: LocalStack,
) -> None:
    token = local_stack.token("dup-owner")
    scene = factory.fresh_scene()
    photo = factory.photo(640, 480, scene=scene)
    first = _wait_terminal(local_stack, token, _upload(local_stack, token, photo, "image/jpeg",
                                                       "a.jpg"))
    assert first["status"] == "ready"
    # WHEN the same photo comes again, smaller
    again_id = _upload(local_stack, token, factory.photo(480, 360, scene=scene), "image/jpeg",
                       "again.jpg")
    again = _wait_terminal(local_stack, token, again_id)
    # THEN rejected as a duplicate of the first, with no rendition
    assert (again["status"], again["reason"], again["duplicate_of"]) == (
        "rejected", "duplicate", first["id"])
    assert again["renditions"] == {}
