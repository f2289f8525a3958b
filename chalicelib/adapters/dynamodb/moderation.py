"""The images table's moderation writes and the review queue: reports, holds, decisions.

Reports and decisions live on the image's own item (a set of reporters, a list of reports,
a list of decisions), so each change is one conditional write; the review queue is the sparse
`by_stage` index under stage `in_review`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.adapters.dynamodb.mapping import as_image, decode_key, encode_cursor
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.lifecycle import decision_sources, machine_sources
from chalicelib.domain.model import Image, Status
from chalicelib.domain.moderation import MODERATION_REASON, Decision, Report, ReviewReason
from chalicelib.ports import Page

_STAGE_KEY = {"image_id", "stage", "stage_at"}
_PUBLISHED = (Status.READY.value, Status.IN_REVIEW.value)


class Moderation:
    """Mixed into DynamoImageRepository (which provides `record`, `_update`, `_closed`)."""

    record: Any
    _update: Callable[[str, list[Any], Condition], Image | None]
    _closed: Callable[[], list[Any]]

    def _finish_held(self, image_id: str, now: str, review: Sequence[str]) -> bool:
        """processing -> in_review with its reasons, on the review queue from `now`."""
        r = self.record
        actions = [r.status.set(Status.IN_REVIEW.value), r.updated_at.set(now),
                   r.version.add(1), r.expires_at.remove(), r.reason.remove(),
                   r.review_reasons.set(list(review)), *self._review_stage(now)]
        sources = [s.value for s in machine_sources(Status.IN_REVIEW)]
        return self._update(image_id, actions, r.status.is_in(*sources)) is not None

    def count_published(self, owner: str, at_most: int) -> int:
        """How many of the owner's images are ready or in review, counted up to `at_most`
        (the query stops reading once that many are found, and reads `at_most` items a page:
        a page left to DynamoDB's 1 MB would read hundreds of a prolific owner's images on
        every finished photo)."""
        if at_most <= 0:
            return 0
        r = self.record
        found = 0
        for _ in r.by_owner.query(owner, filter_condition=r.status.is_in(*_PUBLISHED),
                                  page_size=at_most):
            found += 1
            if found >= at_most:
                break
        return found

    def add_report(self, image_id: str, report: Report) -> int | None:
        """One report per reporter ever, of a ready image: the reports since the last
        decision, or None when not counted. The version stays (nothing to index)."""
        r = self.record
        actions = [
            r.reporters.add({report.reporter}),
            r.reports.set((r.reports | []).append([report.as_json()])),
            r.open_reports.add(1),
        ]
        condition = (r.status == Status.READY.value) & ~r.reporters.contains(report.reporter)
        updated = self._update(image_id, actions, condition)
        return None if updated is None else updated.open_reports

    def hold_reported(self, image_id: str, now: str) -> bool:
        """ready -> in_review (reason reported), on the review queue from `now`."""
        r = self.record
        actions = [
            r.status.set(Status.IN_REVIEW.value), r.updated_at.set(now), r.version.add(1),
            r.review_reasons.set([ReviewReason.REPORTED.value]), *self._review_stage(now),
        ]
        return self._update(image_id, actions, r.status == Status.READY.value) is not None

    def hold_duplicate(self, image_id: str, original_id: str, now: str) -> bool:
        """ready -> in_review (reason possible_duplicate, naming the original), on the review
        queue from `now`: the condition on ready never brings back a deleted image."""
        r = self.record
        actions = [
            r.status.set(Status.IN_REVIEW.value), r.updated_at.set(now), r.version.add(1),
            r.review_reasons.set([ReviewReason.POSSIBLE_DUPLICATE.value]),
            r.possible_duplicate_of.set(original_id), *self._review_stage(now),
        ]
        return self._update(image_id, actions, r.status == Status.READY.value) is not None

    def mark_possible_duplicate(self, image_id: str, original_id: str, now: str) -> bool:
        """In review naming no original: the reason appended and the original named; its
        place on the queue (`stage_at`) stays."""
        r = self.record
        actions = [
            r.updated_at.set(now), r.version.add(1),
            r.review_reasons.set(
                (r.review_reasons | []).append([ReviewReason.POSSIBLE_DUPLICATE.value])),
            r.possible_duplicate_of.set(original_id),
        ]
        condition = (r.status == Status.IN_REVIEW.value) & r.possible_duplicate_of.does_not_exist()
        return self._update(image_id, actions, condition) is not None

    def decide(self, image_id: str, decision: Decision) -> Image | None:
        """in_review -> ready (approve) | rejected (reason moderation, the admin's note),
        the decision appended; exactly one of concurrent decisions passes the condition."""
        r = self.record
        approve = decision.decision == "approve"
        target = Status.READY if approve else Status.REJECTED
        actions = [
            r.status.set(target.value), r.updated_at.set(decision.at), r.version.add(1),
            r.decisions.set((r.decisions | []).append([decision.as_json()])),
            r.review_reasons.remove(), r.open_reports.set(0), *self._closed(),
            r.reason.remove() if approve else r.reason.set(MODERATION_REASON),
            r.moderation_note.remove() if approve or not decision.note
            else r.moderation_note.set(decision.note),
        ]
        sources = [s.value for s in decision_sources(target)]
        return self._update(image_id, actions, r.status.is_in(*sources))

    def review_queue(self, limit: int, cursor: str | None = None) -> Page:
        """Images in review, longest waiting first (the index is eventually consistent: an
        image decided meanwhile is left out of the page)."""
        r = self.record
        start = decode_key(cursor, _STAGE_KEY) if cursor else None
        if start is not None and start["stage"] != {"S": Status.IN_REVIEW.value}:
            raise InvalidInput("invalid_cursor", "The cursor is not one this service issued.")
        result = r.by_stage.query(
            Status.IN_REVIEW.value, limit=limit, last_evaluated_key=start
        )
        ids = [item.image_id for item in result]
        last = result.last_evaluated_key
        return Page(self._current(ids), encode_cursor(last) if last and len(ids) == limit else None)

    def _current(self, ids: Sequence[str]) -> list[Image]:
        """The listed images as they are now, in the listed order, still in review."""
        found = {item.image_id: as_image(item)
                 for item in self.record.batch_get(list(ids), consistent_read=True)}
        return [found[i] for i in ids if i in found and found[i].status is Status.IN_REVIEW]

    def _review_stage(self, now: str) -> list[Any]:
        """On the review queue (`by_stage` under `in_review`) from `now`."""
        r = self.record
        return [r.stage.set(Status.IN_REVIEW.value), r.stage_at.set(now)]
