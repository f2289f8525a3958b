"""What one event came to, as the handlers log and count it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    """How one ingest or render event ended."""

    IGNORED_KEY = "ignored_key"  # an object outside uploads/ (or nested under it)
    STALE = "stale"  # the image ended, vanished or moved on meanwhile: nothing to do
    DUPLICATE = "duplicate"  # a repeated upload event for an image already under way or ended
    ORPHAN_REMOVED = "orphan_removed"  # an upload no record claims: the object was removed
    FANNED_OUT = "fanned_out"  # ingest sent the bigger renditions to render invocations
    RENDERED = "rendered"  # a rendition was recorded; others are still to come
    READY = "ready"  # this event completed the image (reason `in_review` when it waits for review)
    REJECTED = "rejected"  # the upload is not an image we accept (with a reason)
    FAILED = "failed"  # processing could not finish (with a reason)


@dataclass(frozen=True)
class Result:
    """An outcome, and for rejected or failed images the reason they carry."""

    outcome: Outcome
    reason: str = ""

    def metric(self, stage: str) -> str:
        """The metric this result counts as, e.g. `render.failed.processing_error`."""
        return ".".join(part for part in (stage, self.outcome.value, self.reason) if part)


def rejected(reason: str) -> Result:
    """The upload was refused for `reason` (a machine-readable code)."""
    return Result(Outcome.REJECTED, reason)


def completed(held: bool) -> Result:
    """This event completed the image: ready, or (`held`) in review."""
    return Result(Outcome.READY, "in_review" if held else "")


def failed(reason: str) -> Result:
    """Processing ended the image `failed` for `reason`."""
    return Result(Outcome.FAILED, reason)
