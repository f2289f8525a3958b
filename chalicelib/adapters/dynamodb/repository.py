"""ImageRepository on DynamoDB through pynamodb: conditional writes keep transitions exact."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.adapters.dynamodb.mapping import (
    as_attributes,
    as_image,
    decode_cursor,
    encode_cursor,
)
from chalicelib.adapters.dynamodb.moderation import Moderation
from chalicelib.adapters.dynamodb.open_work import OpenWork, conditional_failure
from chalicelib.adapters.dynamodb.profiles import Profiles
from chalicelib.adapters.dynamodb.quotas import Quotas, make_quota_class
from chalicelib.adapters.dynamodb.records import make_record_class
from chalicelib.domain.lifecycle import machine_sources
from chalicelib.domain.model import (
    DOWNLOADABLE,
    EDITABLE,
    RECORDING,
    Facts,
    Image,
    Original,
    Rendition,
    Status,
    sources_of,
)
from chalicelib.ports import Page


class DynamoImageRepository(Quotas, OpenWork, Moderation, Profiles):
    """The images table (and the quotas table beside it); every state change is a conditional
    update, or a transaction when a pending image's slot is freed with it."""

    def __init__(self, table_name: str, region: str, quotas_table: str) -> None:
        self.record = make_record_class(table_name, region)
        self.quota = make_quota_class(quotas_table, region)
        self.connection = Connection(region=region)

    def add(self, image: Image) -> None:
        """Insert a new image; fails if the id exists."""
        item = self.record(image.image_id, **as_attributes(image))
        item.save(condition=self.record.image_id.does_not_exist())

    def get(self, image_id: str) -> Image | None:
        """One image (strongly consistent), or None."""
        try:
            return as_image(self.record.get(image_id, consistent_read=True))
        except self.record.DoesNotExist:
            return None

    def list_by_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        """The owner's images, newest first, `limit` at a time."""
        start = decode_cursor(cursor, owner) if cursor else None
        result = self.record.by_owner.query(
            owner, scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
        items = [as_image(r) for r in result]
        last = result.last_evaluated_key
        return Page(items, encode_cursor(last) if last and len(items) == limit else None)

    def update_metadata(
        self, image_id: str, title: str, description: str, tags: Sequence[str], now: str
    ) -> Image | None:
        """Replace title, description and tags; None if the image is gone."""
        r = self.record
        actions = [
            r.title.set(title),
            r.description.set(description),
            r.tags.set(list(tags)),
            r.updated_at.set(now),
            r.version.add(1),
        ]
        return self._update(image_id, actions, self._status_in(EDITABLE))

    def start_processing(self, image_id: str, now: str, pin: str = "") -> Image | None:
        """pending|processing -> processing, claiming the upload version `pin`; None when
        missing, ended, or claimed for another version."""
        r = self.record
        # The pending record's TTL goes: a processing image must never vanish.
        actions = [r.status.set(Status.PROCESSING.value), r.updated_at.set(now), r.version.add(1),
                   r.expires_at.remove(), *self._progress(now)]
        condition = self._status_in(sources_of(Status.PROCESSING))
        if pin:
            actions.append(r.upload_pin.set(pin))
            condition &= r.upload_pin.does_not_exist() | (r.upload_pin == pin)
        return self._update_leaving_pending(image_id, actions, condition)

    def record_facts(
        self, image_id: str, facts: Facts, expected: Sequence[str], now: str,
        original: Original | None = None, phash: str = "", possible_duplicate_of: str = "",
    ) -> bool:
        """Store what ingest learned (and where it keeps the original, its SHA-256 on
        `by_sha256`); False unless the image is processing."""
        r = self.record
        actions = [
            r.original.set(original.as_json()) if original else r.original.remove(),
            r.sha256.set(original.sha256) if original else r.sha256.remove(),
            r.phash.set(phash) if phash else r.phash.remove(),
            (r.possible_duplicate_of.set(possible_duplicate_of) if possible_duplicate_of
             else r.possible_duplicate_of.remove()),
            r.width.set(facts.width),
            r.height.set(facts.height),
            r.orientation.set(facts.orientation),
            r.format.set(facts.format),
            r.bytes.set(facts.bytes),
            r.color.set(facts.color or None),
            r.color_hex.set(facts.color_hex or None),
            r.blurhash.set(facts.blurhash or None),
            r.camera.set(facts.camera.as_json()) if facts.camera else r.camera.remove(),
            r.expected.set(list(expected)),
            r.updated_at.set(now),
            r.version.add(1),
            *self._progress(now),
        ]
        return self._update(image_id, actions, self._status_in(RECORDING)) is not None

    def add_renditions(
        self, image_id: str, renditions: Sequence[Rendition], now: str, profile_version: str = ""
    ) -> Image | None:
        """Record finished renditions (cut with `profile_version`) in one write (one stream
        record, one write unit per index); None unless the image is processing."""
        r = self.record
        actions = [r.renditions[each.name].set(each.as_json()) for each in renditions]
        actions += [r.updated_at.set(now), *self._progress(now)]
        if profile_version:
            actions.append(r.profile_version.set(profile_version))
        return self._update(image_id, actions, self._status_in(RECORDING))

    def finish(self, image_id: str, now: str, review: Sequence[str] = ()) -> bool:
        """processing -> ready (or in_review with `review` as its reasons, on the review
        queue from `now`) exactly once; True only for the call that won."""
        if review:
            return self._finish_held(image_id, now, review)
        return self._transition(image_id, Status.READY, None, now)

    def reject(self, image_id: str, reason: str, now: str, duplicate_of: str = "") -> bool:
        """pending|processing -> rejected with a reason (and the image it repeats)."""
        extra = [self.record.duplicate_of.set(duplicate_of)] if duplicate_of else []
        return self._transition(image_id, Status.REJECTED, reason, now, extra)

    def with_sha256(self, sha256: str, limit: int) -> list[str]:
        """Up to `limit` ids of images whose recorded original has this SHA-256 (`by_sha256`)."""
        found = self.record.by_sha256.query(sha256, limit=limit)
        return sorted(item.image_id for item in found)

    def fail(self, image_id: str, reason: str, now: str) -> bool:
        """pending|processing -> failed with a reason."""
        return self._transition(image_id, Status.FAILED, reason, now)

    def count_download(self, image_id: str) -> int | None:
        """One more download of a ready image, atomically; the new count, None unless ready.
        The version moves too, so the index takes the new count."""
        r = self.record
        actions = [r.downloads.add(1), r.version.add(1)]
        updated = self._update(image_id, actions, self._status_in(DOWNLOADABLE))
        return None if updated is None else updated.downloads

    def mark_deleted(
        self, image_id: str, deleted_by: str, reason: str, now: str, expires_at: int
    ) -> Image | None:
        """Any status -> deleted: a tombstone (who, when, why) that expires; its renditions
        are forgotten. None when missing or already deleted."""
        r = self.record
        actions = [
            r.status.set(Status.DELETED.value), r.reason.set(reason), r.deleted_by.set(deleted_by),
            r.expires_at.set(expires_at), r.updated_at.set(now), r.version.add(1),
            r.renditions.set({}), r.expected.set([]), r.next_profile.remove(), *self._closed(),
        ]
        condition = self._status_in(sources_of(Status.DELETED))
        return self._update_leaving_pending(image_id, actions, condition)

    def all_ready(self) -> Iterator[Image]:
        """Every ready image, scanned page by page."""
        for item in self.record.scan(self.record.status == Status.READY.value):
            yield as_image(item)

    def delete(self, image_id: str) -> None:
        """Remove the record (missing is fine)."""
        try:
            self.record(image_id).delete(condition=self.record.image_id.exists())
        except DeleteError as error:
            if not conditional_failure(error):
                raise

    def _transition(
        self, image_id: str, to: Status, reason: str | None, now: str, extra: Sequence[Any] = ()
    ) -> bool:
        r = self.record
        actions = [r.status.set(to.value), r.updated_at.set(now), r.version.add(1),
                   r.expires_at.remove(), *self._closed(), *extra]  # an ended image is kept
        actions.append(r.reason.set(reason) if reason else r.reason.remove())
        sources = machine_sources(to)  # a late task never decides for an admin
        write = self._update_leaving_pending if Status.PENDING in sources else self._update
        return write(image_id, actions, self._status_in(sources)) is not None

    def _progress(self, now: str) -> list[Any]:
        """Work on a processing image moved on: its place on `by_stage` moves to `now`."""
        r = self.record
        return [r.stage.set(Status.PROCESSING.value), r.stage_at.set(now)]

    def _closed(self) -> list[Any]:
        """The image has ended: off `by_stage` (the attributes go; never an empty string)."""
        return [self.record.stage.remove(), self.record.stage_at.remove()]

    def _status_in(self, statuses: Sequence[Status]) -> Condition:
        """The write's guard from the domain's lifecycle; any status at all only needs the item
        to exist."""
        if set(statuses) == set(Status):
            return self.record.image_id.exists()
        return self.record.status.is_in(*(status.value for status in statuses))

    def _update(self, image_id: str, actions: list[Any], condition: Condition) -> Image | None:
        item = self.record(image_id)
        try:
            item.update(actions=actions, condition=condition & self.record.image_id.exists())
        except UpdateError as error:
            if conditional_failure(error):
                return None
            raise
        return as_image(item)
