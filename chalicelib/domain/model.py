"""The image aggregate; its lifecycle is in `lifecycle` (re-exported here)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.camera import Camera
from chalicelib.domain.lifecycle import DOWNLOADABLE as DOWNLOADABLE
from chalicelib.domain.lifecycle import EDITABLE as EDITABLE
from chalicelib.domain.lifecycle import OPEN as OPEN
from chalicelib.domain.lifecycle import RECORDING as RECORDING
from chalicelib.domain.lifecycle import Status as Status
from chalicelib.domain.lifecycle import sources_of as sources_of
from chalicelib.domain.moderation import Decision, Report

ACCEPTED_CONTENT_TYPES = {"image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp"}
# The user pool's groups (template.yaml's UserPoolGroups): who may administer, who may upload.
ADMINS = "admins"
CONTRIBUTORS = "contributors"


@dataclass(frozen=True)
class Rendition:
    """One encoded file in the renditions bucket."""

    name: str
    key: str
    width: int
    height: int
    format: str
    bytes: int

    def as_json(self) -> dict[str, Any]:
        """The one stored and indexed form (the name is its key in a map of renditions)."""
        return {
            "key": self.key,
            "width": self.width,
            "height": self.height,
            "format": self.format,
            "bytes": self.bytes,
        }

    @classmethod
    def from_json(cls, name: str, data: Mapping[str, Any]) -> Rendition:
        """A rendition back from `as_json` (numbers may come back as Decimal or str)."""
        return cls(
            name, str(data["key"]), int(data["width"]), int(data["height"]),
            str(data["format"]), int(data["bytes"]),
        )


def renditions_json(renditions: Mapping[str, Rendition]) -> dict[str, dict[str, Any]]:
    """A map of renditions in its stored and indexed form."""
    return {name: rendition.as_json() for name, rendition in renditions.items()}


def renditions_from_json(raw: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Rendition]:
    """A map of renditions back from `renditions_json`."""
    return {name: Rendition.from_json(name, data) for name, data in (raw or {}).items()}


@dataclass(frozen=True)
class NextProfile:
    """A reprocess under way: the profile version being cut, and its renditions so far (not
    shown anywhere until the image flips to that version with all of them)."""

    version: str
    renditions: dict[str, Rendition] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"version": self.version, "renditions": renditions_json(self.renditions)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> NextProfile | None:
        """Back from `as_json`; None when no reprocess is under way."""
        if not data:
            return None
        return cls(str(data["version"]), renditions_from_json(data.get("renditions")))


@dataclass(frozen=True)
class Original:
    """The accepted upload, kept privately: exactly these bytes, in this object version."""

    key: str
    version_id: str
    bytes: int
    sha256: str
    content_type: str

    def as_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"key": self.key, "version_id": self.version_id, "bytes": self.bytes,
                "sha256": self.sha256, "content_type": self.content_type}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Original | None:
        """An original back from `as_json`; None when there is none."""
        if not data:
            return None
        return cls(str(data["key"]), str(data.get("version_id") or ""), int(data["bytes"]),
                   str(data["sha256"]), str(data.get("content_type") or ""))


@dataclass(frozen=True)
class Facts:
    """What ingest learned from the original: display size, format, bytes, and what its
    EXIF says about the camera (None without EXIF: never GPS, serials or names)."""

    width: int
    height: int
    orientation: str
    format: str
    bytes: int
    color: str = ""
    color_hex: str = ""
    blurhash: str = ""
    camera: Camera | None = None


@dataclass
class Image:
    """One uploaded photo and what we made of it."""

    image_id: str
    owner: str
    owner_name: str
    status: Status
    created_at: str
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    filename: str = ""
    content_type: str = ""
    declared_bytes: int = 0
    reason: str | None = None
    facts: Facts | None = None
    renditions: dict[str, Rendition] = field(default_factory=dict)
    expected: tuple[str, ...] = ()
    version: int = 1
    updated_at: str = ""
    # The upload version ingest claimed (a version id, else the ETag): a second POST through
    # the same grant is another version, and never the one processed.
    upload_pin: str = ""
    original: Original | None = None
    downloads: int = 0
    deleted_by: str = ""
    # While open (pending, processing): when work last progressed (the `by_stage` index's
    # sort key), and how often the sweeper has re-sent its work. Both "" / 0 once it ended.
    stage_at: str = ""
    repairs: int = 0
    # Moderation (domain/moderation.py): whether an admin uploaded it (never held), why it is
    # in review, the other contributor's photo it may duplicate, who reported it (one each,
    # ever) and how many since the last decision, every decision, the admin's words on reject.
    owner_admin: bool = False
    review_reasons: tuple[str, ...] = ()
    possible_duplicate_of: str = ""
    reports: tuple[Report, ...] = ()
    open_reports: int = 0
    decisions: tuple[Decision, ...] = ()
    moderation_note: str = ""
    # Duplicates (domain/dedupe.py): the 64-bit perceptual hash of the master, 16 hex digits
    # ("" until ingest hashed it), and for an upload rejected `duplicate`, the image it repeats.
    phash: str = ""
    duplicate_of: str = ""
    # Rendition profiles (domain/renditions.py `profile_version`): the version its public
    # renditions were cut with ("" before versions: older than any), and a reprocess to a
    # newer one under way.
    profile_version: str = ""
    next_profile: NextProfile | None = None
    # The public keys the last profile flip replaced, and when (ISO time): pages and search
    # results loaded before the flip still name them, so they stay for a grace period
    # (`claimed_keys_at`), then the sweeper removes them as orphans.
    retiring: tuple[str, ...] = ()
    retiring_since: str = ""

    @property
    def upload_key(self) -> str:
        """Where the browser posts the original."""
        return upload_key(self.image_id)

    @property
    def master_key(self) -> str:
        """Where ingest stores the normalised master."""
        return master_key(self.image_id)

    @property
    def complete(self) -> bool:
        """True when every expected rendition has landed."""
        return bool(self.expected) and set(self.expected) <= set(self.renditions)

    @property
    def renditions_withdrawn(self) -> bool:
        """True when its public renditions must be gone: a rejected image (a moderator's
        rejection withdraws the renditions cut before review) shows and claims none."""
        return self.status is Status.REJECTED

    @property
    def claimed_keys(self) -> set[str]:
        """Every rendition key the record names: those shown, a reprocess's progress, and
        those a flip retired (whose grace may be over: what removes files one by one asks
        this; the sweeper asks `claimed_keys_at`)."""
        return self._current_keys() | set(self.retiring)

    def claimed_keys_at(self, now: datetime, grace: timedelta) -> set[str]:
        """The keys the record claims at `now`: those shown, a reprocess's progress, and
        the ones a flip retired while `now` is within `grace` of the flip (after it no page
        still open names them; a deleted or withdrawn image claims no retired key)."""
        keys = self._current_keys()
        if self.retiring and self._retiring_held(now, grace):
            keys |= set(self.retiring)
        return keys

    def _current_keys(self) -> set[str]:
        keys = {r.key for r in self.renditions.values()}
        if self.next_profile is not None:
            keys |= {r.key for r in self.next_profile.renditions.values()}
        return keys

    def _retiring_held(self, now: datetime, grace: timedelta) -> bool:
        if self.status is Status.DELETED or self.renditions_withdrawn:
            return False
        since = parse_time(self.retiring_since)
        return since is None or now - since < grace  # no time recorded: keep them

    def visible_to(self, user_sub: str | None, is_admin: bool) -> bool:
        """Ready images are public; the rest only for the owner and admins; deleted, nobody."""
        if self.status is Status.DELETED:
            return False
        return self.status is Status.READY or is_admin or user_sub == self.owner


def retired_by_flip(image: Image, renditions: Mapping[str, Rendition]) -> tuple[str, ...]:
    """The public keys an image flipping to `renditions` retires: those it shows now and
    those an earlier flip retired (their grace starts again: flips are rare, one per profile
    change, and a second within the grace must not cut the first one's short), less any the
    new renditions name (a profile changed back re-cuts the same keys)."""
    shown = {r.key for r in renditions.values()}
    replaced = {r.key for r in image.renditions.values()} | set(image.retiring)
    return tuple(sorted(replaced - shown))


STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # stored times: sortable ISO 8601 UTC, microseconds


def format_time(moment: datetime) -> str:
    """`moment` as a stored time (the form parse_time reads)."""
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def parse_time(value: str) -> datetime | None:
    """A stored ISO time (`Deps.now`'s form, trailing Z) as an aware datetime; None if blank."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


UPLOAD_PREFIX = "uploads/"
_IMAGE_ID = re.compile(r"[0-9a-f]{32}")


def is_image_id(value: str) -> bool:
    """True for ids this service could have issued (32 lowercase hex digits)."""
    return _IMAGE_ID.fullmatch(value) is not None
MASTER_PREFIX = "masters/"
ORIGINAL_PREFIX = "originals/"
FULL_PREFIX = "full/"


def upload_key(image_id: str) -> str:
    """Deterministic key of an original in the uploads bucket."""
    return f"{UPLOAD_PREFIX}{image_id}"


def master_key(image_id: str) -> str:
    """Deterministic key of the normalised master (same bucket, outside uploads/)."""
    return f"{MASTER_PREFIX}{image_id}.tif"


def image_id_from_upload_key(key: str) -> str | None:
    """The image id an uploads/ key belongs to, or None for anything else."""
    if not key.startswith(UPLOAD_PREFIX):
        return None
    rest = key[len(UPLOAD_PREFIX) :]
    return rest if rest and "/" not in rest else None


def original_key(image_id: str) -> str:
    """Where the accepted original is kept (the private originals store)."""
    return f"{ORIGINAL_PREFIX}{image_id}"


def full_key(image_id: str) -> str:
    """Where the full-size download is kept (the private originals store, never public)."""
    return f"{FULL_PREFIX}{image_id}.jpg"
