"""Upload quotas on DynamoDB: a small counters table written in the same transactions as the
images table, so a grant and its count, or a transition out of pending and the freed slot,
happen together or not at all.

Per owner, `pending#<owner>` holds the ids of their pending images as a string set: a grant
ADDs its id if `size(holds) < max`; leaving pending DELETEs it. Deleting an id the set lacks
changes nothing, so a slot is never freed twice, whichever path frees it. `day#<owner>#<day>`
counts the day's grants (ADD granted 1 if `granted < limit`) and expires with the table's TTL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition, size
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamodb.mapping import as_attributes
from chalicelib.domain.model import Image, Status
from chalicelib.domain.quotas import Admission, GrantTerms, QuotaUsage

CONDITION_FAILED = "ConditionalCheckFailed"
# Transaction items in the order pynamodb sends them (deletes, puts, then updates): the image
# always first, then the owner's slots, then the day's count.
_IMAGE, _SLOT, _DAY = 0, 1, 2


def make_quota_class(table_name: str, region: str) -> Any:
    """A Model class bound to the quotas table (pynamodb reads Meta at class creation)."""
    name, aws_region = table_name, region

    class QuotaRecord(Model):
        class Meta:
            table_name = name
            region = aws_region

        quota_key = UnicodeAttribute(hash_key=True)
        holds = UnicodeSetAttribute(null=True)  # pending#<owner>: images holding a slot
        granted = NumberAttribute(null=True)  # day#<owner>#<day>: grants counted that day
        expires_at = NumberAttribute(null=True)  # the table's TTL (day counters only)

    return QuotaRecord


def pending_key(owner: str) -> str:
    """The item holding the owner's pending slots."""
    return f"pending#{owner}"


def day_key(owner: str, day: str) -> str:
    """The item counting the owner's grants on `day` (YYYY-MM-DD)."""
    return f"day#{owner}#{day}"


def failed_items(error: TransactWriteError) -> set[int]:
    """Which items of a cancelled transaction had their condition fail."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return {n for n, reason in enumerate(reasons) if reason and reason.code == CONDITION_FAILED}


def refusal(failed: set[int]) -> Admission | None:
    """Which quota refused a grant whose items `failed` (the day's first: it lasts longer);
    None when no quota did (the grant failed for another reason)."""
    if _DAY in failed:
        return Admission.DAILY_LIMIT
    if _SLOT in failed:
        return Admission.TOO_MANY_PENDING
    return None


class Quotas:
    """Mixed into DynamoImageRepository (which provides `record`, `quota` and `connection`)."""

    record: Any
    quota: Any
    connection: Connection
    get: Callable[[str], Image | None]
    _update: Callable[[str, list[Any], Condition], Image | None]

    def add_pending(self, image: Image, terms: GrantTerms) -> Admission:
        """Insert the pending image, take a slot and count the day, all in one transaction."""
        q = self.quota
        item = self.record(
            image.image_id, **as_attributes(image), expires_at=terms.record_expires_at
        )
        slot_free: Condition = q.holds.does_not_exist() | (size(q.holds) < terms.max_pending)
        day_actions = [q.granted.add(1), q.expires_at.set(terms.day_expires_at)]
        try:
            with TransactWrite(connection=self.connection) as grant:
                grant.save(item, condition=self.record.image_id.does_not_exist())
                grant.update(q(pending_key(image.owner)), [q.holds.add({image.image_id})],
                             condition=slot_free)
                grant.update(q(day_key(image.owner, terms.day)), day_actions,
                             condition=self._under_daily(terms.daily_limit))
        except TransactWriteError as error:
            refused = refusal(failed_items(error))
            if refused is None:
                raise
            return refused
        return Admission.ADMITTED

    def quota_usage(self, owner: str, day: str) -> QuotaUsage:
        """The images holding the owner's slots, and their grants counted on `day`."""
        keys = [pending_key(owner), day_key(owner, day)]
        found = {i.quota_key: i for i in self.quota.batch_get(keys, consistent_read=True)}
        slot, counted = found.get(keys[0]), found.get(keys[1])
        return QuotaUsage(
            tuple(sorted(slot.holds or ())) if slot else (),
            int(counted.granted or 0) if counted else 0,
        )

    def release_pending(self, owner: str, image_id: str) -> None:
        """Free the slot held for `image_id`; no change when none is held."""
        q = self.quota
        try:
            q(pending_key(owner)).update(
                actions=[q.holds.delete({image_id})], condition=q.quota_key.exists()
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", "") != "ConditionalCheckFailedException":
                raise

    def expire_pending(self, image_id: str) -> bool:
        """Remove the record only while it is still pending, freeing its slot with it."""
        image = self.get(image_id)
        if image is None or image.status is not Status.PENDING:
            return False
        try:
            with TransactWrite(connection=self.connection) as writes:
                writes.delete(self.record(image_id),
                              condition=self.record.status == Status.PENDING.value)
                self._release(writes, image.owner, image_id)
        except TransactWriteError as error:
            if _IMAGE in failed_items(error):
                return False
            raise
        return True

    def _update_leaving_pending(
        self, image_id: str, actions: list[Any], condition: Condition
    ) -> Image | None:
        """A conditional update of the image that, when it is pending, also frees its slot in
        the same transaction; the image as written, or None when the condition failed."""
        before = self.get(image_id)
        if before is None or before.status is not Status.PENDING:
            return self._update(image_id, actions, condition)
        try:
            with TransactWrite(connection=self.connection) as writes:
                writes.update(self.record(image_id), actions,
                              condition=condition & self.record.image_id.exists())
                self._release(writes, before.owner, image_id)
        except TransactWriteError as error:
            if _IMAGE in failed_items(error):
                return None
            raise
        # A transaction returns no item: read it back (strongly consistent).
        return self.get(image_id)

    def _release(self, writes: TransactWrite, owner: str, image_id: str) -> None:
        """Add to `writes` the freeing of the owner's slot held for `image_id`."""
        q = self.quota
        writes.update(q(pending_key(owner)), [q.holds.delete({image_id})])

    def _under_daily(self, limit: int | None) -> Condition | None:
        q = self.quota
        if limit is None:
            return None
        return q.granted.does_not_exist() | (q.granted < limit)
