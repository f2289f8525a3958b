"""The fake repository's moderation writes: reports, holds, decisions, the review queue."""

from __future__ import annotations

import base64
import copy
import json
import threading
from collections.abc import Sequence
from dataclasses import replace

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.lifecycle import AWAITING_DECISION, decision_sources
from chalicelib.domain.model import Image, Status
from chalicelib.domain.moderation import MODERATION_REASON, Decision, Report, ReviewReason
from chalicelib.ports import Page

_PUBLISHED = (Status.READY, Status.IN_REVIEW)


class FakeModeration:
    """Mixed into FakeRepo (which provides items, _lock and _change)."""

    items: dict[str, Image]
    _lock: threading.Lock

    def _change(self, image_id: str, allowed: Sequence[Status], **changes: object) -> Image | None:
        raise NotImplementedError  # FakeRepo's

    def count_published(self, owner: str, at_most: int) -> int:
        """How many of the owner's images are ready or in review, up to `at_most`."""
        with self._lock:
            found = sum(
                1 for i in self.items.values() if i.owner == owner and i.status in _PUBLISHED
            )
        return min(found, at_most)

    def add_report(self, image_id: str, report: Report) -> int | None:
        """One report per reporter ever, of a ready image; the open count, or None."""
        with self._lock:
            image = self.items.get(image_id)
            if image is None or image.status is not Status.READY:
                return None
            if any(r.reporter == report.reporter for r in image.reports):
                return None
            image.reports = (*image.reports, report)
            image.open_reports += 1  # the version stays: the index has nothing new to take
            return image.open_reports

    def hold_reported(self, image_id: str, now: str) -> bool:
        """ready -> in_review (reason reported); exactly one of concurrent calls wins."""
        with self._lock:
            image = self.items.get(image_id)
            reasons = () if image is None else (*image.review_reasons, ReviewReason.REPORTED.value)
        changed = self._change(
            image_id, (Status.READY,), status=Status.IN_REVIEW, updated_at=now, stage_at=now,
            review_reasons=tuple(dict.fromkeys(reasons)),
        )
        return changed is not None

    def hold_duplicate(self, image_id: str, original_id: str, now: str) -> bool:
        """ready -> in_review (reason possible_duplicate, naming the original)."""
        changed = self._change(
            image_id, (Status.READY,), status=Status.IN_REVIEW, updated_at=now, stage_at=now,
            review_reasons=(ReviewReason.POSSIBLE_DUPLICATE.value,),
            possible_duplicate_of=original_id,
        )
        return changed is not None

    def mark_possible_duplicate(self, image_id: str, original_id: str, now: str) -> bool:
        """In review naming no original: gains the reason and the original, keeps its place."""
        with self._lock:
            image = self.items.get(image_id)
            if image is None or image.status is not Status.IN_REVIEW or image.possible_duplicate_of:
                return False
            image.review_reasons = (*image.review_reasons, ReviewReason.POSSIBLE_DUPLICATE.value)
            image.possible_duplicate_of = original_id
            image.updated_at = now
            image.version += 1
            return True

    def decide(self, image_id: str, decision: Decision) -> Image | None:
        """in_review -> ready | rejected (reason moderation, the admin's note), recorded;
        checked and written under one lock, as the table's conditional write."""
        approve = decision.decision == "approve"
        target = Status.READY if approve else Status.REJECTED
        with self._lock:
            image = self.items.get(image_id)
            if image is None or image.status not in decision_sources(target):
                return None
            changed = replace(
                image, status=target, updated_at=decision.at, stage_at="", review_reasons=(),
                open_reports=0, decisions=(*image.decisions, decision),
                reason=None if approve else MODERATION_REASON,
                moderation_note="" if approve else decision.note, version=image.version + 1,
            )
            self.items[image_id] = changed
            return copy.deepcopy(changed)

    def review_queue(self, limit: int, cursor: str | None = None) -> Page:
        """Images in review, longest waiting first."""
        with self._lock:
            waiting = sorted(
                (i.stage_at, i.image_id) for i in self.items.values()
                 if i.status in AWAITING_DECISION
            )
            after = _decode(cursor) if cursor else None
            rest = [entry for entry in waiting if after is None or entry > after]
            chunk = rest[:limit]
            images = [copy.deepcopy(self.items[i]) for _, i in chunk]
        more = len(rest) > limit
        return Page(images, _encode(chunk[-1]) if more else None)


def _encode(entry: tuple[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(entry)).encode()).decode()


def _decode(cursor: str) -> tuple[str, str]:
    bad = InvalidInput("invalid_cursor", "The cursor is not one this service issued.")
    try:
        entry = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise bad from error
    if not isinstance(entry, list) or len(entry) != 2 or not all(isinstance(e, str) for e in entry):
        raise bad
    return entry[0], entry[1]
