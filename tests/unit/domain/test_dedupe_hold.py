"""Which member of a duplicate group stays (the oldest) and what `--hold` does to the others."""

from __future__ import annotations

import pytest

from chalicelib.domain.dedupe_groups import Hashed
from chalicelib.domain.dedupe_hold import Step, original_of, step_for
from chalicelib.domain.model import Image, Status
from chalicelib.domain.moderation import Decision

ORIGINAL = "o" * 32


def _member(image_id: str, created_at: str) -> Hashed:
    return Hashed(image_id, "alice", "s", None, created_at)


def test_the_original_is_the_oldest_member_not_the_smallest_id() -> None:
    members = [_member("a", "2026-12-02T00:00:00Z"), _member("z", "2026-12-01T00:00:00Z"),
               _member("m", "2026-12-03T00:00:00Z")]
    assert original_of(members).image_id == "z"


def test_members_created_together_are_told_apart_by_id_whatever_their_order() -> None:
    same = "2026-12-01T00:00:00Z"
    assert original_of([_member("b", same), _member("a", same)]).image_id == "a"
    assert original_of([_member("a", same), _member("b", same)]).image_id == "a"


def _image(status: Status, duplicate_of: str = "", decisions: tuple[Decision, ...] = ()) -> Image:
    return Image("c" * 32, "bob", "Bob", status, "t", possible_duplicate_of=duplicate_of,
                 decisions=decisions)


@pytest.mark.parametrize(("image", "step"), [
    (_image(Status.READY), Step.HOLD),
    (_image(Status.IN_REVIEW), Step.MARK),
    (_image(Status.IN_REVIEW, duplicate_of="x" * 32), Step.ALREADY_HELD),
    (_image(Status.PROCESSING), Step.PROCESSING),
    # approved by an admin after a hold as a possible duplicate: that decision stands
    (_image(Status.READY, decisions=(
        Decision("admin", "t", "approve", "", ("possible_duplicate",)),)), Step.APPROVED),
    # approved for another reason only: still a copy nobody looked at as one
    (_image(Status.READY, decisions=(
        Decision("admin", "t", "approve", "", ("new_contributor",)),)), Step.HOLD),
])
def test_each_copy_gets_the_step_its_status_and_history_call_for(image: Image, step: Step) -> None:
    assert step_for(image, ORIGINAL) is step
    assert step.writes is (step in (Step.HOLD, Step.MARK))


def test_the_original_is_kept_whatever_its_status() -> None:
    for status in (Status.READY, Status.IN_REVIEW, Status.PROCESSING):
        image = Image(ORIGINAL, "alice", "Alice", status, "t")
        assert step_for(image, ORIGINAL) is Step.ORIGINAL
