"""The image lifecycle: which status may become which, and which writes each status allows.

Both ImageRepository implementations derive their conditions from this table."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """pending -> processing -> ready | rejected | failed; any of them -> deleted."""

    PENDING = "pending"
    PROCESSING = "processing"
    READY = "ready"
    REJECTED = "rejected"
    FAILED = "failed"
    DELETED = "deleted"  # a tombstone: who deleted it, when and why; no pixels anywhere

    @property
    def terminal(self) -> bool:
        """True once no more processing will happen (only a delete may still come)."""
        return not _MAY_BECOME[self] - {Status.DELETED}

    def may_become(self, other: Status) -> bool:
        """True when the lifecycle lets an image in this status move to `other`."""
        return other in _MAY_BECOME[self]


_MAY_BECOME: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.PROCESSING, Status.REJECTED, Status.FAILED, Status.DELETED}),
    # processing -> processing: a redelivered ingest message finds its image already started
    # and must carry on. There is no way back into ready, so exactly one finish wins.
    Status.PROCESSING: frozenset(
        {Status.PROCESSING, Status.READY, Status.REJECTED, Status.FAILED, Status.DELETED}
    ),
    Status.READY: frozenset({Status.DELETED}),
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
OPEN: tuple[Status, ...] = tuple(s for s in Status if not s.terminal)


def sources_of(target: Status) -> tuple[Status, ...]:
    """The statuses that may become `target`, in lifecycle order."""
    return tuple(status for status in Status if status.may_become(target))
