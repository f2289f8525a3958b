"""A hand-written ImageRepository: images in a dict, guarded like the table's conditional writes."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.lifecycle import STAGED, machine_sources
from chalicelib.domain.model import (
    DOWNLOADABLE,
    EDITABLE,
    OPEN,
    RECORDING,
    Facts,
    Image,
    Original,
    Rendition,
    Status,
    sources_of,
)
from chalicelib.domain.quotas import Admission, GrantTerms, QuotaUsage
from chalicelib.ports import OpenPage, OpenRef, Page
from tests.fake_moderation import FakeModeration
from tests.fake_profiles import FakeProfiles


class FakeRepo(FakeModeration, FakeProfiles):
    """Every write is atomic and allowed only by the domain's lifecycle, as in DynamoDB."""

    def __init__(self) -> None:
        self.items: dict[str, Image] = {}
        self.rendition_writes = 0  # add_renditions calls that wrote
        # The TTL a record carries (epoch seconds): a tombstone's, or a pending record's.
        self.expiries: dict[str, int] = {}
        self.slots: dict[str, set[str]] = {}  # owner -> the pending images holding a slot
        self.days: dict[tuple[str, str], int] = {}  # (owner, UTC day) -> grants counted
        # The table applies each conditional write atomically; so must the fake under threads.
        self._lock = threading.Lock()

    def add(self, image: Image) -> None:
        """Insert a new image; fails if the id exists."""
        with self._lock:
            self._insert(image)

    def _insert(self, image: Image) -> None:
        """Store a new image (caller holds the lock); fails if the id exists."""
        if image.image_id in self.items:
            raise KeyError(f"image {image.image_id} exists already")
        # The table writes created_at as updated_at when the image has none yet.
        stored = replace(image, updated_at=image.updated_at or image.created_at)
        if image.status in STAGED:  # the table writes it onto `by_stage`
            stored.stage_at = image.stage_at or image.created_at
        self.items[image.image_id] = copy.deepcopy(stored)

    def add_pending(self, image: Image, terms: GrantTerms) -> Admission:
        """Insert a pending image if its owner's quotas allow, counting it; else change nothing."""
        with self._lock:
            held = self.slots.setdefault(image.owner, set())
            today = self.days.get((image.owner, terms.day), 0)
            if terms.daily_limit is not None and today >= terms.daily_limit:
                return Admission.DAILY_LIMIT
            if len(held) >= terms.max_pending:
                return Admission.TOO_MANY_PENDING
            self._insert(image)
            held.add(image.image_id)
            self.days[(image.owner, terms.day)] = today + 1
            self.expiries[image.image_id] = terms.record_expires_at
        return Admission.ADMITTED

    def quota_usage(self, owner: str, day: str) -> QuotaUsage:
        """The images holding the owner's slots, and their grants counted on `day`."""
        with self._lock:
            held = tuple(sorted(self.slots.get(owner, ())))
            return QuotaUsage(held, self.days.get((owner, day), 0))

    def release_pending(self, owner: str, image_id: str) -> None:
        """Free the slot held for `image_id`, if any."""
        with self._lock:
            self.slots.get(owner, set()).discard(image_id)

    def get(self, image_id: str) -> Image | None:
        """One image, or None."""
        with self._lock:
            return copy.deepcopy(self.items.get(image_id))

    def list_by_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        """The owner's images, newest first; the cursor resumes after the last one listed."""
        with self._lock:
            mine = sorted(
                (i for i in self.items.values() if i.owner == owner), key=_position, reverse=True
            )
        if cursor:
            after = _decode_cursor(cursor, owner)
            mine = [i for i in mine if _position(i) < after]
        chunk = [copy.deepcopy(i) for i in mine[:limit]]
        more = len(mine) > limit
        return Page(chunk, _encode_cursor(chunk[-1]) if more else None)

    def update_metadata(
        self, image_id: str, title: str, description: str, tags: Sequence[str], now: str
    ) -> Image | None:
        """Replace title, description and tags; None if the image is gone."""
        changes = {"title": title, "description": description, "tags": tuple(tags)}
        return self._change(image_id, EDITABLE, updated_at=now, **changes)

    def start_processing(self, image_id: str, now: str, pin: str = "") -> Image | None:
        """pending|processing -> processing, claiming the upload version `pin`; None when
        missing, ended, or claimed for another version."""
        allowed = sources_of(Status.PROCESSING)
        with self._lock:
            held = self.items.get(image_id)
            if pin and held is not None and held.upload_pin not in ("", pin):
                return None
        claim = {"upload_pin": pin} if pin else {}
        return self._change(
            image_id, allowed, status=Status.PROCESSING, updated_at=now, stage_at=now, **claim
        )

    def record_facts(
        self, image_id: str, facts: Facts, expected: Sequence[str], now: str,
        original: Original | None = None, phash: str = "", possible_duplicate_of: str = "",
    ) -> bool:
        """Store what ingest learned (and where it keeps the original); False unless the
        image is processing."""
        changes = {"facts": facts, "expected": tuple(expected), "original": original,
                   "phash": phash, "possible_duplicate_of": possible_duplicate_of}
        changed = self._change(image_id, RECORDING, updated_at=now, stage_at=now, **changes)
        return changed is not None

    def count_download(self, image_id: str) -> int | None:
        """One more download of a ready image, atomically; the new count, None unless ready."""
        with self._lock:
            image = self.items.get(image_id)
            if image is None or image.status not in DOWNLOADABLE:
                return None
            image.downloads += 1
            image.version += 1
            return image.downloads

    def mark_deleted(
        self, image_id: str, deleted_by: str, reason: str, now: str, expires_at: int
    ) -> Image | None:
        """Any status -> deleted: a tombstone that expires; its renditions are forgotten."""
        changed = self._change(
            image_id, sources_of(Status.DELETED), status=Status.DELETED, reason=reason,
            deleted_by=deleted_by, updated_at=now, renditions={}, expected=(), stage_at="",
            next_profile=None,
        )
        if changed is not None:
            self.expiries[image_id] = expires_at
        return changed

    def add_renditions(
        self, image_id: str, renditions: Sequence[Rendition], now: str, profile_version: str = ""
    ) -> Image | None:
        """Record finished renditions in one write; None unless the image is processing."""
        with self._lock:
            image = self.items.get(image_id)
            if image is None or image.status not in RECORDING:
                return None
            image.renditions.update({each.name: each for each in renditions})
            if profile_version:
                image.profile_version = profile_version
            # Like the table's write, this one leaves the version as it is.
            image.updated_at = image.stage_at = now
            self.rendition_writes += 1
            return copy.deepcopy(image)

    def finish(self, image_id: str, now: str, review: Sequence[str] = ()) -> bool:
        """processing -> ready (or in_review with `review` as its reasons) exactly once."""
        if review:
            changed = self._change(
                image_id, machine_sources(Status.IN_REVIEW), status=Status.IN_REVIEW,
                reason=None, updated_at=now, stage_at=now, review_reasons=tuple(review),
            )
            return changed is not None
        return self._transition(image_id, Status.READY, None, now)

    def with_sha256(self, sha256: str, limit: int) -> list[str]:
        """Up to `limit` ids of images whose recorded original has this SHA-256."""
        with self._lock:
            found = sorted(i.image_id for i in self.items.values()
                           if i.original is not None and i.original.sha256 == sha256)
        return found[:limit]

    def reject(self, image_id: str, reason: str, now: str, duplicate_of: str = "") -> bool:
        """pending|processing -> rejected with a reason (and the image it repeats)."""
        changed = self._change(
            image_id, machine_sources(Status.REJECTED), status=Status.REJECTED, reason=reason,
            updated_at=now, stage_at="", duplicate_of=duplicate_of,
        )
        return changed is not None

    def fail(self, image_id: str, reason: str, now: str) -> bool:
        """pending|processing -> failed with a reason."""
        return self._transition(image_id, Status.FAILED, reason, now)

    def delete(self, image_id: str) -> None:
        """Remove the record (missing is fine)."""
        with self._lock:
            self.items.pop(image_id, None)

    def all_ready(self) -> Iterator[Image]:
        """Every ready image."""
        with self._lock:
            ready = [copy.deepcopy(i) for i in self.items.values() if i.status is Status.READY]
        return iter(ready)

    def _transition(self, image_id: str, to: Status, reason: str | None, now: str) -> bool:
        changed = self._change(
            image_id, machine_sources(to), status=to, reason=reason, updated_at=now, stage_at=""
        )
        return changed is not None

    # --- what the sweeper asks ------------------------------------------------------------

    def open_since(
        self, stage: Status, before: str, limit: int, cursor: str | None = None
    ) -> OpenPage:
        """Images open in `stage` whose work last progressed before `before`, oldest first."""
        if stage not in OPEN:
            raise ValueError(f"{stage} is not an open stage")
        with self._lock:
            listed = sorted(
                (i.stage_at, i.image_id) for i in self.items.values()
                if i.status is stage and i.stage_at and i.stage_at < before
            )
        after = tuple(json.loads(base64.urlsafe_b64decode(cursor))) if cursor else None
        rest = [entry for entry in listed if after is None or entry > after]
        chunk = rest[:limit]
        next_cursor = None
        if len(rest) > limit:
            next_cursor = base64.urlsafe_b64encode(json.dumps(chunk[-1]).encode()).decode()
        return OpenPage([OpenRef(i, at) for at, i in chunk], next_cursor)

    def mark_repaired(self, image_id: str, seen_stage_at: str, now: str) -> bool:
        """repairs + 1 and stage_at = now, only while open and unchanged since seen."""
        with self._lock:
            image = self.items.get(image_id)
            if image is None or image.status not in OPEN or image.stage_at != seen_stage_at:
                return False
            image.repairs += 1
            image.stage_at = now
            return True

    def expire_pending(self, image_id: str) -> bool:
        """Remove the record only while it is still pending."""
        with self._lock:
            image = self.items.get(image_id)
            if image is None or image.status is not Status.PENDING:
                return False
            del self.items[image_id]
            self._leave_pending(image)
            return True

    def backfill_stage(self, image_id: str, status: Status, at: str) -> bool:
        """Give an open image written before `stage` existed its place on `by_stage`."""
        with self._lock:
            image = self.items.get(image_id)
            if status not in OPEN or not at or image is None or image.status is not status:
                return False
            if image.stage_at:
                return False
            image.stage_at = at
            return True

    def scan_segment(
        self, segment: int, total: int, limit: int, cursor: str | None = None
    ) -> Page:
        """Up to `limit` images of segment `segment` of `total` (a stable hash of the id)."""
        with self._lock:
            mine = sorted(i for i in self.items if _segment_of(i, total) == segment)
        rest = [i for i in mine if cursor is None or i > cursor]
        chunk = rest[:limit]
        with self._lock:
            images = [copy.deepcopy(self.items[i]) for i in chunk if i in self.items]
        return Page(images, chunk[-1] if len(rest) > limit else None)

    def _change(
        self, image_id: str, allowed: Sequence[Status], **changes: object
    ) -> Image | None:
        with self._lock:
            image = self.items.get(image_id)
            if image is None or image.status not in allowed:
                return None
            changed = replace(image, version=image.version + 1, **changes)  # type: ignore[arg-type]
            self.items[image_id] = changed
            if image.status is Status.PENDING and changed.status is not Status.PENDING:
                self._leave_pending(image)
            return copy.deepcopy(changed)

    def _leave_pending(self, image: Image) -> None:
        """The image left pending (caller holds the lock): its slot and its TTL go with it."""
        self.slots.get(image.owner, set()).discard(image.image_id)
        self.expiries.pop(image.image_id, None)


def _segment_of(image_id: str, total: int) -> int:
    """Which parallel-scan segment holds the id (DynamoDB hashes keys; any stable split does)."""
    return int(hashlib.md5(image_id.encode()).hexdigest(), 16) % total


def _position(image: Image) -> tuple[str, str]:
    return image.created_at, image.image_id


def _encode_cursor(last: Image) -> str:
    key = {"owner": last.owner, "created_at": last.created_at, "image_id": last.image_id}
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _decode_cursor(cursor: str, owner: str) -> tuple[str, str]:
    """Where to resume; refused, like the table's, unless this fake issued it for `owner`."""
    bad = InvalidInput("invalid_cursor", "The cursor is not one this API issued.")
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise bad from error
    if not isinstance(key, dict) or set(key) != {"owner", "created_at", "image_id"}:
        raise bad
    if key["owner"] != owner or not all(isinstance(v, str) for v in key.values()):
        raise bad
    return key["created_at"], key["image_id"]
