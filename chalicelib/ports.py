"""Ports: what the services need from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from chalicelib.domain.model import Facts, Image, Original, Rendition, Status
from chalicelib.domain.moderation import Decision, Report
from chalicelib.domain.quotas import Admission, GrantTerms, QuotaUsage
from chalicelib.domain.renditions import RenditionSpec
from chalicelib.domain.search import Change, SearchDoc, SearchPage, SearchQuery
from chalicelib.domain.search.similar import SimilarQuery
from chalicelib.domain.wanted import DayTally


@dataclass(frozen=True)
class ObjectInfo:
    """What a HEAD tells about a stored object."""

    size: int
    content_type: str
    # Which bytes answered (left out of equality: two HEADs of the same bytes are equal).
    etag: str = field(default="", compare=False)
    version_id: str = field(default="", compare=False)


@dataclass(frozen=True)
class Listed:
    """One object of a listing: its key, when it was last written, and its ETag."""

    key: str
    last_modified: datetime
    etag: str = ""


@dataclass(frozen=True)
class Pin:
    """Which bytes of a key are meant: a version id where the store keeps versions, and/or
    the ETag an event named. Reads with a pin get exactly those bytes or nothing."""

    version_id: str = ""
    etag: str = ""


@dataclass(frozen=True)
class PostForm:
    """A browser upload grant: the form's action URL and the fields to post before the file."""

    url: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Master:
    """The decoded-once, upright, sRGB 8-bit image renditions are cut from.

    `data` is its stored form (empty when nothing needs it stored); `pixels` is the engine's
    in-memory copy in the process that decoded it, so ingest cuts its renditions without
    reading `data` back."""

    data: bytes
    width: int
    height: int
    pixels: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Encoded:
    """One encoded rendition."""

    data: bytes
    width: int
    height: int
    format: str


@dataclass(frozen=True)
class RenderTask:
    """One message on the render queue: make `rendition` of `image_id` (for a reprocess, of
    rendition profile version `profile`)."""

    image_id: str
    rendition: str
    profile: str = ""

    def as_json(self) -> dict[str, str]:
        """The message body's fields (`profile` only on a reprocess's messages)."""
        body = {"image_id": self.image_id, "rendition": self.rendition}
        return {**body, "profile": self.profile} if self.profile else body


@dataclass(frozen=True)
class Page:
    """One page of a listing and the cursor for the next one."""

    items: list[Image]
    next_cursor: str | None


@dataclass(frozen=True)
class OpenRef:
    """An open image as the `by_stage` index lists it: its id and when work last progressed."""

    image_id: str
    stage_at: str


@dataclass(frozen=True)
class OpenPage:
    """One page of open images, oldest progress first, and the cursor for the next one."""

    items: list[OpenRef]
    next_cursor: str | None


class ImageRepository(Protocol):
    """The images table: the source of truth.

    A pending image holds one of its owner's upload slots (see `add_pending`); every write
    that moves it out of pending (start_processing, reject, fail, mark_deleted, expire_pending)
    frees that slot in the same transaction, and freeing one twice changes nothing."""

    def add(self, image: Image) -> None:
        """Insert a new image; fails if the id exists."""

    def add_pending(self, image: Image, terms: GrantTerms) -> Admission:
        """Insert a new pending image (its record expiring at `terms.record_expires_at` until
        processing starts) only if its owner holds fewer than `terms.max_pending` slots and
        has had fewer than `terms.daily_limit` grants on `terms.day`; the image, its slot and
        the day's count are written together or not at all. Fails if the id exists."""

    def quota_usage(self, owner: str, day: str) -> QuotaUsage:
        """The images holding the owner's slots, and their grants counted on `day`."""

    def release_pending(self, owner: str, image_id: str) -> None:
        """Free the owner's slot held for `image_id` (a record that went without a transition,
        such as one the table's TTL dropped); nothing changes when it holds none."""

    def get(self, image_id: str) -> Image | None:
        """One image, or None."""

    def list_by_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        """The owner's images, newest first."""

    def update_metadata(
        self, image_id: str, title: str, description: str, tags: Sequence[str], now: str
    ) -> Image | None:
        """Replace title, description and tags; None if the image is gone."""

    def start_processing(self, image_id: str, now: str, pin: str = "") -> Image | None:
        """pending|processing -> processing, claiming the upload version `pin` (a later
        version is never the one processed); None when missing, ended, or claimed for
        another version."""

    def record_facts(
        self, image_id: str, facts: Facts, expected: Sequence[str], now: str,
        original: Original | None = None, phash: str = "", possible_duplicate_of: str = "",
    ) -> bool:
        """Store what ingest learned, where it keeps the original (its SHA-256 goes on the
        `by_sha256` index), the perceptual hash and the other contributor's photo it may
        repeat (the finish then holds it for review); False unless the image is processing."""

    def with_sha256(self, sha256: str, limit: int) -> list[str]:
        """Up to `limit` ids of images whose recorded original has this SHA-256, from an
        index (never a scan); any status."""

    def add_renditions(
        self, image_id: str, renditions: Sequence[Rendition], now: str, profile_version: str = ""
    ) -> Image | None:
        """Record finished renditions in one write (and, when given, the profile version they
        were cut with); None unless the image is processing."""

    def add_next_rendition(self, image_id: str, version: str, rendition: Rendition) -> Image | None:
        """Record one rendition a reprocess cut for profile `version` beside the image's shown
        ones (a newer version's progress replaces an older one's; the record version stays);
        None unless the image is ready and not already on `version`."""

    def flip_profile(
        self, image_id: str, version: str, renditions: Mapping[str, Rendition], now: str
    ) -> Image | None:
        """In one write: renditions become `renditions`, profile version `version`, the
        reprocess's progress gone, the record version moved; None unless the image is ready
        and a reprocess to `version` is under way (of concurrent calls exactly one wins)."""

    def ready_on_older_profile(
        self, version: str, limit: int, cursor: str | None = None
    ) -> Page:
        """Ready images on another profile version than `version` (or none), at most `limit`
        read per page (a scan: an operator's command); cursor None once through."""

    def finish(self, image_id: str, now: str, review: Sequence[str] = ()) -> bool:
        """processing -> ready (or -> in_review with `review` as its reasons, on the review
        queue from `now`) exactly once; True only for the call that won."""

    def count_published(self, owner: str, at_most: int) -> int:
        """How many of the owner's images are ready or in review, counted up to `at_most`."""

    def add_report(self, image_id: str, report: Report) -> int | None:
        """Record one report of a ready image, at most one per reporter ever: the number of
        reports since the last decision, or None when not counted (not ready, or this
        reporter reported it before)."""

    def hold_reported(self, image_id: str, now: str) -> bool:
        """ready -> in_review with reason `reported`, on the review queue from `now`; of
        concurrent calls exactly one wins."""

    def hold_duplicate(self, image_id: str, original_id: str, now: str) -> bool:
        """ready -> in_review with reason `possible_duplicate` and `possible_duplicate_of`
        the original (what ingest writes for an upload it holds), on the review queue from
        `now`; False when the image is no longer ready (deleted or changed meanwhile)."""

    def mark_possible_duplicate(self, image_id: str, original_id: str, now: str) -> bool:
        """An image in review that names no original gains the reason `possible_duplicate`
        and `possible_duplicate_of` the original, keeping its place on the queue; False
        unless it is in review without one."""

    def decide(self, image_id: str, decision: Decision) -> Image | None:
        """in_review -> ready (approve) or -> rejected with reason `moderation` and the
        admin's note (reject), the decision appended to the image's record, off the review
        queue, reports since the last decision reset; None unless the image was in review
        (of two concurrent decisions exactly one wins)."""

    def review_queue(self, limit: int, cursor: str | None = None) -> Page:
        """Images in review, longest waiting first, from the sparse `by_stage` index."""

    def reject(self, image_id: str, reason: str, now: str, duplicate_of: str = "") -> bool:
        """pending|processing -> rejected with a reason (and, for `duplicate`, the image it
        repeats)."""

    def fail(self, image_id: str, reason: str, now: str) -> bool:
        """pending|processing -> failed with a reason."""

    def count_download(self, image_id: str) -> int | None:
        """One more download of a ready image, atomically (no increment is ever lost); the
        new count, or None unless the image is ready."""

    def mark_deleted(
        self, image_id: str, deleted_by: str, reason: str, now: str, expires_at: int
    ) -> Image | None:
        """Any status -> deleted: a tombstone (who, when, why, no renditions) that expires at
        `expires_at` (epoch seconds); None when missing or already deleted."""

    def delete(self, image_id: str) -> None:
        """Remove the record."""

    def all_ready(self) -> Iterator[Image]:
        """Every ready image (reindexing reads the source of truth)."""

    def open_since(
        self, stage: Status, before: str, limit: int, cursor: str | None = None
    ) -> OpenPage:
        """Images open in `stage` (pending or processing) whose work last progressed before
        `before`, oldest first; read from a sparse index, never a table scan."""

    def mark_repaired(self, image_id: str, seen_stage_at: str, now: str) -> bool:
        """Count one more repair and restart the image's clock, only if it is still open and
        has not progressed since `seen_stage_at`: of two sweeps, one wins."""

    def expire_pending(self, image_id: str) -> bool:
        """Remove the record only while it is still pending; True if it was removed."""

    def backfill_stage(self, image_id: str, status: Status, at: str) -> bool:
        """Put an open image written before `stage` existed on the index (status unchanged,
        no stage yet); True if it was written."""

    def scan_segment(
        self, segment: int, total: int, limit: int, cursor: str | None = None
    ) -> Page:
        """Up to `limit` images of parallel-scan segment `segment` of `total`, in no order."""


class StreamDecoder(Protocol):
    """The images table's change stream, read back as Images (what the indexer consumes)."""

    def __call__(self, raw: dict[str, Any]) -> Image:
        """An image as a stream record carries it (its NewImage or OldImage)."""


class BlobStore(Protocol):
    """One bucket."""

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires: int) -> PostForm:
        """A browser form grant for exactly this key, type and size range."""

    def head(self, key: str, pin: Pin | None = None) -> ObjectInfo | None:
        """Size and type (of the pinned bytes), or None when absent."""

    def read(
        self, key: str, start: int = 0, end: int | None = None, pin: Pin | None = None
    ) -> bytes:
        """Bytes [start, end] inclusive (whole object when end is None), of the pinned bytes
        when pinned; fails when they are gone."""

    def put(self, key: str, data: bytes, content_type: str, cache_control: str = "") -> str:
        """Store bytes; returns the new version's id ("" where the store keeps no versions)."""

    def find_version(self, key: str, etag: str) -> str:
        """The id of the version of `key` whose ETag is `etag`; "" when there is none."""

    def delete(self, keys: Sequence[str]) -> None:
        """Remove objects (a versioned store keeps older versions); missing ones are fine."""

    def delete_version(self, key: str, version_id: str) -> None:
        """Remove exactly one version, for good; missing is fine."""

    def purge(self, keys: Sequence[str]) -> None:
        """Remove every version of each key, for good; missing ones are fine."""

    def url(self, key: str) -> str:
        """Public URL for a stored object."""

    def presign_get(self, key: str, filename: str, expires: int, version_id: str = "") -> str:
        """A short-lived link that downloads the object as an attachment named `filename`."""

    def listing(self, prefix: str, start_after: str = "", limit: int = 1000) -> list[Listed]:
        """Up to `limit` current objects whose key starts with `prefix`, in key order, after
        `start_after`."""


class Checkpoint(Protocol):
    """Where an operator command keeps its place, so a second run resumes after a crash."""

    def load(self) -> dict[str, Any] | None:
        """The state saved last, or None when there is none."""

    def save(self, state: dict[str, Any]) -> None:
        """Replace the saved state (whole, never half-written)."""

    def clear(self) -> None:
        """Forget the state (the run finished); no error when there is none."""


class Cdn(Protocol):
    """The content delivery network in front of the public renditions."""

    def invalidate(self, paths: Sequence[str]) -> None:
        """Stop serving cached copies of these viewer paths (wildcards allowed at the end)."""


@dataclass(frozen=True)
class UploadedObject:
    """What an ObjectCreated notification names: a key, and which version of it."""

    key: str
    etag: str = ""
    version_id: str = ""


class IngestQueue(Protocol):
    """The queue storage notifies of new uploads."""

    def renotify(self, upload: UploadedObject) -> None:
        """Send the notification storage sent (or should have) for this upload again."""


class RenderQueue(Protocol):
    """The render fan-out."""

    def publish(self, tasks: Sequence[RenderTask]) -> None:
        """Send one message per task."""

    def backlog(self) -> int:
        """About how many tasks wait to be taken (not those being worked on)."""


class ImageProcessor(Protocol):
    """The pixel engine."""

    def make_master(
        self, data: bytes, fmt: str, width: int, budget_seconds: float, store: bool = True
    ) -> Master:
        """Decode once with the loader for `fmt` (jpeg, png, webp; never sniffed): upright,
        sRGB 8-bit, shrunk to `width`, metadata dropped; `store` also encodes it for storage
        (render invocations read that)."""

    def render_full(
        self, original: bytes, fmt: str, quality: int, budget_seconds: float
    ) -> Encoded:
        """The original at full size, upright, sRGB 8-bit, as a JPEG with no metadata."""

    def render(
        self, master: bytes, width: int, fmt: str, quality: int, budget_seconds: float
    ) -> Encoded:
        """Resize the master to `width` (never up) and encode freshly, no metadata."""

    def render_many(
        self, master: Master, specs: Sequence[RenditionSpec], budget_seconds: float
    ) -> list[Encoded]:
        """Several renditions of a master, in `specs` order, each cut from the next larger."""

    def summarize(self, master: Master) -> tuple[str, str, str]:
        """(palette colour name, "#rrggbb" dominant colour, BlurHash) of a master."""

    def duplicate_hash(self, master: Master) -> int:
        """The 64-bit perceptual hash near-duplicates are judged by (a pHash of the master)."""

    def crop_hashes(self, master: Master, boxes: Sequence[tuple[float, float, float, float]]
                    ) -> list[int]:
        """The same hash of each inner crop (left, top, right, bottom fractions), in order."""

    def camera_tags(self, data: bytes, fmt: str) -> dict[str, str]:
        """The raw values of the EXIF tags in `domain.camera.TAGS` (header only, no pixels;
        rationals as "n/d"); {} when there is no EXIF or it cannot be read, never an error."""


class DuplicateIndex(Protocol):
    """The band index of perceptual hashes: which images hold any of these band keys."""

    def add(self, image_id: str, phash: str, keys: Sequence[str]) -> None:
        """Index `image_id` (hash `phash`, 16 hex) under each key; adding again changes nothing."""

    def holders(self, keys: Sequence[str]) -> dict[str, str]:
        """Every image indexed under any of `keys`, as {image id: its phash}."""

    def remove(self, image_id: str, keys: Sequence[str]) -> None:
        """Forget `image_id` under each key (missing entries are fine)."""


class Clock(Protocol):
    """Time, injectable for tests."""

    def now(self) -> datetime:
        """Current UTC time."""


class UserDirectory(Protocol):
    """Who a signed-in user says they are, beyond what the access token carries."""

    def display_name(self, access_token: str) -> str:
        """The name the user chose to be credited with, or "" when there is none."""


@dataclass(frozen=True)
class NameClaim:
    """The public name a user holds now: as shown, its uniqueness key, and since when."""

    shown: str
    key: str
    claimed_at: str


class NameRegistry(Protocol):
    """Who holds which public display name: one holder per name key, ever.

    A user's earlier names stay theirs (their published photos carry them), so nobody else
    can take a name that once credited someone; each user holds at most `max_names`."""

    def current(self, owner: str) -> NameClaim | None:
        """The name `owner` uses now, or None before their first."""

    def claim(self, owner: str, shown: str, key: str, now: str, max_names: int) -> str:
        """Make `shown` (key `key`) the owner's current name, atomically: "claimed", or
        "taken" (another user holds the key), or "too_many" (a new key past `max_names`)."""


class GroupMembership(Protocol):
    """The user pool's groups, as the post-confirmation trigger changes them."""

    def add_to_group(self, pool_id: str, username: str, group: str) -> None:
        """Put the user in the group; adding a member again changes nothing."""


class SearchIndex(Protocol):
    """The search read model; rebuilt from the images table at any time."""

    def apply(self, changes: Sequence[Change]) -> None:
        """Upsert or delete, each only if its version is newer than the one held."""

    def search(self, query: SearchQuery) -> SearchPage:
        """Only what was upserted (ready images); facets: orientation and color count
        with every filter but their own, tags within the current results."""

    def suggest(self, prefix: str, limit: int) -> list[str]:
        """Tags starting with `prefix`, then titles with a word starting with it."""

    def similar(self, query: SimilarQuery) -> tuple[SearchDoc, ...]:
        """Photos like an indexed one, in `domain.search.similar.rank`'s order: look-alikes by
        perceptual-hash distance, then shared tags and colour; never itself. () if not indexed."""

    def rebuild(self, docs: Iterable[SearchDoc]) -> int:
        """Replace the whole index with `docs` without a moment of empty results."""

    def versions(self, ids: Sequence[str]) -> dict[str, int]:
        """The indexed version of each of `ids` the index holds (absent ones are left out)."""

    def ids_after(self, after: str, limit: int) -> list[str]:
        """Up to `limit` indexed image ids greater than `after`, in order."""

    def refresh_outdated(self, docs: Sequence[SearchDoc]) -> int:
        """Rewrite those of `docs` (each the current document of its image) whose indexed
        copy of the same version was written under an older document schema, so documents
        indexed before an upgrade gain the fields added since; returns how many. Ids not
        indexed stay absent, and a newer indexed version is kept."""


class WantedStore(Protocol):
    """Counts of searches nobody could satisfy, per UTC day and normalised query."""

    def add(self, tally: DayTally, expires_at: int) -> None:
        """Add `tally.count` to the day's count of the query (created at 0) and record when it
        was last seen; the pair may go after `expires_at` (epoch seconds)."""

    def day(self, day: str) -> list[DayTally]:
        """Every query counted on one day (any order)."""


class WantedCounter(Protocol):
    """Takes note of a search to count, without waiting for any store."""

    def note(self, day: str, query: str, at: str) -> None:
        """Count one more search of `query` on `day` (seen at `at`), later."""
