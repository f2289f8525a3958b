"""The images table's queries and writes for the sweeper: open work through `by_stage`, the
repairs it makes, and bounded parallel-scan segments."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.adapters.dynamodb.mapping import as_image, decode_key, encode_cursor
from chalicelib.domain.model import OPEN, Status
from chalicelib.ports import OpenPage, OpenRef, Page

_STAGE_KEY = {"image_id", "stage", "stage_at"}
_TABLE_KEY = {"image_id"}


def conditional_failure(error: Exception) -> bool:
    """True when DynamoDB refused a write because its condition did not hold."""
    return getattr(error, "cause_response_code", "") == "ConditionalCheckFailedException"


class OpenWork:
    """Mixed into DynamoImageRepository (which provides `record`); expire_pending is with the
    quotas (adapters/dynamodb/quotas.py): it frees the image's slot."""

    record: Any

    def open_since(
        self, stage: Status, before: str, limit: int, cursor: str | None = None
    ) -> OpenPage:
        """Images open in `stage` whose work last progressed before `before`, oldest first."""
        if stage not in OPEN:
            raise ValueError(f"{stage} is not an open stage")
        r = self.record
        start = decode_key(cursor, _STAGE_KEY) if cursor else None
        result = r.by_stage.query(
            stage.value, r.stage_at < before, limit=limit, last_evaluated_key=start
        )
        items = [OpenRef(item.image_id, item.stage_at) for item in result]
        last = result.last_evaluated_key
        return OpenPage(items, encode_cursor(last) if last and len(items) == limit else None)

    def mark_repaired(self, image_id: str, seen_stage_at: str, now: str) -> bool:
        """repairs + 1 and stage_at = now, only while open and unchanged since seen."""
        r = self.record
        condition = r.status.is_in(*(s.value for s in OPEN)) & (r.stage_at == seen_stage_at)
        return self._write(image_id, [r.repairs.add(1), r.stage_at.set(now)], condition)

    def backfill_stage(self, image_id: str, status: Status, at: str) -> bool:
        """Give an open image written before `stage` existed its place on `by_stage`."""
        if status not in OPEN or not at:
            return False
        r = self.record
        condition = (r.status == status.value) & r.stage.does_not_exist()
        return self._write(image_id, [r.stage.set(status.value), r.stage_at.set(at)], condition)

    def scan_segment(
        self, segment: int, total: int, limit: int, cursor: str | None = None
    ) -> Page:
        """Up to `limit` images of segment `segment` of a `total`-way parallel scan."""
        start = decode_key(cursor, _TABLE_KEY) if cursor else None
        result = self.record.scan(
            segment=segment, total_segments=total, limit=limit, page_size=limit,
            last_evaluated_key=start,
        )
        items = [as_image(item) for item in result]
        last = result.last_evaluated_key
        return Page(items, encode_cursor(last) if last and len(items) == limit else None)

    def _write(self, image_id: str, actions: list[Any], condition: Condition) -> bool:
        try:
            self.record(image_id).update(
                actions=actions, condition=condition & self.record.image_id.exists()
            )
        except UpdateError as error:
            if conditional_failure(error):
                return False
            raise
        return True
