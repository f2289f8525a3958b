"""What `duplicates --hold` does to each member of a duplicate group already in the catalogue
(stdlib only): the oldest member is the group's original and stays as it is; every other
member that is ready goes to review as a possible duplicate of it, like an upload ingest holds."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from chalicelib.domain.dedupe_groups import Hashed
from chalicelib.domain.model import Image, Status
from chalicelib.domain.moderation import ReviewReason


class Step(StrEnum):
    """The one thing the hold means for a member."""

    ORIGINAL = "original"  # the group's oldest member: kept as it is
    HOLD = "hold"  # ready: ready -> in_review, possible duplicate of the original
    MARK = "mark"  # in review naming no original: gains the reason and the original
    ALREADY_HELD = "already_held"  # in review naming an original already: nothing to do
    APPROVED = "approved"  # an admin approved it as a possible duplicate: the admin decided
    PROCESSING = "processing"  # still being processed: ingest decides, left alone

    @property
    def writes(self) -> bool:
        """True when the step changes the store."""
        return self in (Step.HOLD, Step.MARK)


def original_of(members: Iterable[Hashed]) -> Hashed:
    """The group's original: its oldest member, by created_at then id (ids break ties, so
    every run picks the same one)."""
    return min(members, key=lambda member: (member.created_at, member.image_id))


def step_for(image: Image, original_id: str) -> Step:
    """What the hold does to `image`, a member of the group whose original is `original_id`."""
    if image.image_id == original_id:
        return Step.ORIGINAL
    if image.status is Status.IN_REVIEW:
        return Step.ALREADY_HELD if image.possible_duplicate_of else Step.MARK
    if image.status is Status.READY:
        return Step.APPROVED if approved_as_duplicate(image) else Step.HOLD
    return Step.PROCESSING


def approved_as_duplicate(image: Image) -> bool:
    """True when an admin already approved the image while it was held as a possible
    duplicate (a second run must not send it back against that decision)."""
    duplicate = ReviewReason.POSSIBLE_DUPLICATE.value
    return any(d.decision == "approve" and duplicate in d.reasons for d in image.decisions)
