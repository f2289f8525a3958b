"""The image lifecycle: which status may become which, and which writes each status allows.

Both ImageRepository implementations derive their conditions from this table."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """pending -> processing -> ready | in_review | rejected | failed; in_review -> ready |
    rejected (a human's decision); ready -> in_review (reported); any of them -> deleted."""

    PENDING = "pending"
    PROCESSING = "processing"
    # Renditions cut, waiting for an admin's decision: out of search, seen by owner and admins.
    IN_REVIEW = "in_review"
    READY = "ready"
    REJECTED = "rejected"
    FAILED = "failed"
    DELETED = "deleted"  # a tombstone: who deleted it, when and why; no pixels anywhere

    @property
    def terminal(self) -> bool:
        """True once no more processing will happen (only a delete, or for an image in
        review or ready a human's decision, may still come)."""
        return not self.may_become(Status.PROCESSING)

    def may_become(self, other: Status) -> bool:
        """True when the lifecycle lets an image in this status move to `other`."""
        return other in _MAY_BECOME[self]


_MAY_BECOME: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.PROCESSING, Status.REJECTED, Status.FAILED, Status.DELETED}),
    # processing -> processing: a redelivered ingest message finds its image already started
    # and must carry on. There is no way back into ready, so exactly one finish wins.
    Status.PROCESSING: frozenset(
        {Status.PROCESSING, Status.IN_REVIEW, Status.READY, Status.REJECTED, Status.FAILED,
         Status.DELETED}
    ),
    # An admin decides: approve (ready) or reject (rejected, reason `moderation`).
    Status.IN_REVIEW: frozenset({Status.READY, Status.REJECTED, Status.DELETED}),
    # Reported by enough people, a ready image goes back to review.
    Status.READY: frozenset({Status.IN_REVIEW, Status.DELETED}),
    Status.REJECTED: frozenset({Status.DELETED}),
    Status.FAILED: frozenset({Status.DELETED}),
    # Nothing comes back from deleted: a late render, stream record or upload finds it so.
    Status.DELETED: frozenset(),
}

# Title, description and tags are the owner's to change until the image is deleted.
EDITABLE: tuple[Status, ...] = tuple(s for s in Status if s is not Status.DELETED)
# Only a ready image is downloaded (and counted).
DOWNLOADABLE: tuple[Status, ...] = (Status.READY,)
# Facts and renditions describe work in progress: once the image has ended, a late one is stale.
RECORDING: tuple[Status, ...] = (Status.PROCESSING,)
# Work still owed: an image in one of these is on the table's `by_stage` index (its `stage`),
# which is how the sweeper finds the ones whose work stopped without a table scan.
# An image in review waits for a human, not a machine: it is not OPEN (the sweeper never
# re-sends or expires it), but it is listed on `by_stage` too, under its own stage: that is the
# review queue, oldest first.
OPEN: tuple[Status, ...] = tuple(s for s in Status if not s.terminal)
AWAITING_DECISION: tuple[Status, ...] = (Status.IN_REVIEW,)
STAGED: tuple[Status, ...] = OPEN + AWAITING_DECISION


def sources_of(target: Status) -> tuple[Status, ...]:
    """The statuses that may become `target`, in lifecycle order."""
    return tuple(status for status in Status if status.may_become(target))


def machine_sources(target: Status) -> tuple[Status, ...]:
    """The statuses processing (ingest, render, the sweeper) may move to `target`: only open
    ones, so a late task never decides for an admin (finish is processing -> ready only)."""
    return tuple(status for status in sources_of(target) if status in OPEN)


def decision_sources(target: Status) -> tuple[Status, ...]:
    """The statuses an admin's review decision may move to `target` (in_review only)."""
    return tuple(status for status in sources_of(target) if status in AWAITING_DECISION)
