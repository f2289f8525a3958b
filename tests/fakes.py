"""Hand-written fakes of every port, for unit tests of services and handlers."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chalicelib.adapters.dynamodb.stream import image_from_stream
from chalicelib.domain.limits import Limits
from chalicelib.domain.model import Rendition
from chalicelib.domain.renditions import RenditionSpec
from chalicelib.domain.search import Change, FacetCount, SearchDoc, SearchPage, SearchQuery
from chalicelib.domain.search.model import capped_total
from chalicelib.domain.search.operators import camera_words
from chalicelib.domain.search.similar import SimilarQuery, phash_bands, probe_terms, rank
from chalicelib.domain.wanted import DayTally
from chalicelib.ports import (
    Encoded,
    Listed,
    Master,
    NameClaim,
    ObjectInfo,
    Pin,
    PostForm,
    RenderTask,
    UploadedObject,
)
from chalicelib.services.deps import Deps
from tests.fake_repo import FakeRepo

PROFILE = (RenditionSpec("thumb", 200), RenditionSpec("large", 2048))


@dataclass
class _Version:
    version_id: str
    etag: str
    data: bytes
    content_type: str


class FakeStore:
    """A bucket in a dict; `versioned` keeps every version as S3 versioning does."""

    def __init__(self, base_url: str = "https://cdn.test/r", versioned: bool = False) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}  # what a plain GET of each key gives
        self.versions: dict[str, list[_Version]] = {}  # every version kept, oldest first
        self.versioned = versioned
        self.base_url = base_url.rstrip("/")
        self.reads: list[tuple[str, int, int | None]] = []
        self.deleted: list[str] = []
        self._next_version = 0
        # When each current object was written: `written_at` at the time of its put (tests
        # move it, or age an object by changing `modified`).
        self.written_at = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
        self.modified: dict[str, datetime] = {}

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires: int) -> PostForm:
        fields = {"key": key, "Content-Type": content_type, "max": str(max_bytes),
                  "exp": str(expires)}
        return PostForm("https://uploads.test/", fields)

    def _pinned(self, key: str, pin: Pin | None) -> _Version | None:
        kept = self.versions.get(key, [])
        if pin is None or not (pin.version_id or pin.etag):
            current = self.objects.get(key)
            if current is None:
                return None
            return kept[-1] if kept else _Version("", "", *current)
        if pin.version_id:
            kept = [v for v in kept if v.version_id == pin.version_id]
        elif kept and key in self.objects:
            kept = kept[-1:]  # an ETag alone pins the current bytes, as If-Match does
        return next((v for v in reversed(kept) if not pin.etag or v.etag == pin.etag), None)

    def head(self, key: str, pin: Pin | None = None) -> ObjectInfo | None:
        found = self._pinned(key, pin)
        if found is None:
            return None
        return ObjectInfo(len(found.data), found.content_type, found.etag, found.version_id)

    def read(
        self, key: str, start: int = 0, end: int | None = None, pin: Pin | None = None
    ) -> bytes:
        self.reads.append((key, start, end))
        found = self._pinned(key, pin)
        if found is None:
            raise KeyError(key)
        data = found.data
        if (start or end is not None) and start >= len(data):
            # S3 answers a range that starts past the end with 416 InvalidRange, not nothing.
            raise ValueError(f"range {start}-{end} of {key} is not satisfiable")
        return data[start : (None if end is None else end + 1)]

    def put(self, key: str, data: bytes, content_type: str, cache_control: str = "") -> str:
        self._next_version += 1
        version_id = f"v{self._next_version}" if self.versioned else ""
        entry = _Version(version_id, hashlib.md5(data).hexdigest(), data, content_type)
        kept = self.versions.get(key, []) if self.versioned else []
        self.versions[key] = [*kept, entry]
        self.objects[key] = (data, content_type)
        self.modified[key] = self.written_at
        return version_id

    def find_version(self, key: str, etag: str) -> str:
        matching = [v for v in self.versions.get(key, []) if v.etag == etag.strip('"')]
        return matching[-1].version_id if matching else ""

    def delete(self, keys: Sequence[str]) -> None:
        self.deleted.extend(keys)
        for key in keys:
            self.objects.pop(key, None)
            if not self.versioned:
                self.versions.pop(key, None)

    def delete_version(self, key: str, version_id: str) -> None:
        self.deleted.append(f"{key}?versionId={version_id}")
        kept = self.versions.get(key, [])
        current = kept[-1] if kept and key in self.objects else None
        self.versions[key] = [v for v in kept if v.version_id != version_id]
        if current is not None and current.version_id == version_id:
            # As in S3: the version before it (if any) becomes what a plain GET returns.
            self.objects.pop(key, None)
            if self.versions[key]:
                previous = self.versions[key][-1]
                self.objects[key] = (previous.data, previous.content_type)

    def purge(self, keys: Sequence[str]) -> None:
        self.deleted.extend(keys)
        for key in keys:
            self.objects.pop(key, None)
            self.versions.pop(key, None)

    def url(self, key: str) -> str:
        return f"{self.base_url}/{key}"

    def listing(self, prefix: str, start_after: str = "", limit: int = 1000) -> list[Listed]:
        keys = sorted(k for k in self.objects if k.startswith(prefix) and k > start_after)
        return [Listed(k, self.modified.get(k, self.written_at), self._etag(k))
                for k in keys[:limit]]

    def _etag(self, key: str) -> str:
        kept = self.versions.get(key)
        return kept[-1].etag if kept else ""

    def presign_get(self, key: str, filename: str, expires: int, version_id: str = "") -> str:
        version = f"&versionId={version_id}" if version_id else ""
        return f"https://signed.test/{key}?download={filename}&expires={expires}{version}"


@dataclass
class FakeQueue:
    """Remembers what was published."""

    sent: list[RenderTask] = field(default_factory=list)
    waiting: int = 0  # what backlog() reports: tests set it to play a busy queue

    def publish(self, tasks: Sequence[RenderTask]) -> None:
        self.sent.extend(tasks)

    def backlog(self) -> int:
        return self.waiting


@dataclass
class FakeIngestQueue:
    """Remembers which uploads were notified again."""

    sent: list[UploadedObject] = field(default_factory=list)

    def renotify(self, upload: UploadedObject) -> None:
        self.sent.append(upload)


class FakeProcessor:
    """Pretends to decode: the master is the original; renders report the target size."""

    def __init__(self, size: tuple[int, int] = (4000, 3000)) -> None:
        self.size = size
        self.error: Exception | None = None
        self.calls: list[str] = []
        self.exif: dict[bytes, dict[str, str]] = {}
        self.formats: list[str] = []  # the loader each decode was told to use
        self.decoded: list[bytes] = []  # the bytes each make_master decoded
        self.phashes: dict[bytes, int] = {}  # a test's perceptual hash for given bytes
        self.crop_phashes: dict[bytes, list[int]] = {}  # a test's inner-crop hashes

    def make_master(
        self, data: bytes, fmt: str, width: int, budget_seconds: float, store: bool = True
    ) -> Master:
        self.calls.append("master" if store else "master:unstored")
        self.formats.append(fmt)
        self.decoded.append(data)
        if self.error:
            raise self.error
        w, h = self.size
        stored = b"MASTER" + data[:8] if store else b""
        return Master(stored, width, max(1, round(h * width / w)))

    def render_full(
        self, original: bytes, fmt: str, quality: int, budget_seconds: float
    ) -> Encoded:
        self.calls.append("render:full")
        self.formats.append(fmt)
        if self.error:
            raise self.error
        w, h = self.size
        return Encoded(b"\xff\xd8FULL" + original[:8], w, h, "jpeg")

    def render_many(
        self, master: Master, specs: Sequence[RenditionSpec], budget_seconds: float
    ) -> list[Encoded]:
        return [self.render(master.data, s.width, s.format, s.quality, budget_seconds)
                for s in specs]

    def duplicate_hash(self, master: Master) -> int:
        """`phashes[original bytes]` when a test set one, else a hash of those bytes: the
        same upload hashes the same, different ones (almost surely) far apart."""
        self.calls.append("duplicate_hash")
        data = self.decoded[-1] if self.decoded else b""
        if data in self.phashes:
            return self.phashes[data]
        return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")

    def crop_hashes(self, master: Master, boxes: Sequence[tuple[float, float, float, float]]
                    ) -> list[int]:
        """`crop_phashes[original bytes]` (first boxes) when a test set them, then hashes of
        the bytes and each box (far from every other picture's)."""
        self.calls.append("crop_hashes")
        data = self.decoded[-1] if self.decoded else b""
        given = self.crop_phashes.get(data, [])
        derived = [int.from_bytes(hashlib.sha256(data + repr(box).encode()).digest()[:8], "big")
                   for box in boxes]
        return [*given, *derived[len(given):]][: len(boxes)]

    def camera_tags(self, data: bytes, fmt: str) -> dict[str, str]:
        """`exif[original bytes]` when a test set it, else none (most photos here have none)."""
        self.calls.append("camera_tags")
        return dict(self.exif.get(data, {}))

    def summarize(self, master: Master) -> tuple[str, str, str]:
        self.calls.append("summarize")
        return "blue", "#1040c0", "L6Pj0^jE.AyE_3t7t7R**0o#DgR4"

    def render(
        self, master: bytes, width: int, fmt: str, quality: int, budget_seconds: float
    ) -> Encoded:
        self.calls.append(f"render:{width}")
        if self.error:
            raise self.error
        return Encoded(b"RIFF" + str(width).encode(), width, width * 3 // 4, fmt)


def search_doc(n: int, title: str = "Red fox", tags: tuple[str, ...] = ("fox",)) -> SearchDoc:
    """A ready red landscape image as the index holds it, with a thumb rendition."""
    image_id = f"{n:032x}"
    thumb = Rendition("thumb", f"{image_id}/thumb.webp", 200, 150, "webp", 9)
    return SearchDoc(
        image_id,
        1,
        title,
        "",
        tags,
        "sub-alice",
        "alice",
        "2026-11-27T12:00:00.000000Z",
        400,
        300,
        "landscape",
        "red",
        "#c0302a",
        "LKO",
        renditions={"thumb": thumb},
    )


class FakeSearchIndex:
    """A tiny honest index: words are substrings; fuzzy forgives each word's last letter."""

    def __init__(self) -> None:
        self.docs: dict[str, SearchDoc] = {}
        self.held: dict[str, int] = {}  # the version of each id's latest change, delete or not
        self.queries: list[SearchQuery] = []
        self.applied: list[Change] = []
        self.outdated: set[str] = set()  # ids indexed under an older document schema

    def apply(self, changes: Sequence[Change]) -> None:
        for change in changes:
            self.applied.append(change)
            if change.version <= self.held.get(change.image_id, 0):
                continue
            self.held[change.image_id] = change.version
            if change.doc is None:
                self.docs.pop(change.image_id, None)
            else:
                self.docs[change.image_id] = change.doc

    def _matches(self, doc: SearchDoc, query: SearchQuery) -> bool:
        text = " ".join((doc.title, doc.description, *doc.tags)).lower()
        words = [w[:-1] if query.fuzzy else w for w in query.words]
        cameras = camera_words(doc.camera)
        needed = len(words) if query.min_words is None else query.min_words
        return (sum(w in text for w in words) >= needed and all(t in doc.tags for t in query.tags)
                and all(w in cameras for w in query.camera_words))

    def search(self, query: SearchQuery) -> SearchPage:
        self.queries.append(query)
        hits = sorted(d.image_id for d in self.docs.values() if self._matches(d, query))
        after = query.search_after[0] if query.search_after else ""
        rest = [i for i in hits if i > after]
        page = rest[: query.per_page]
        more = len(rest) > len(page)
        total, exact = capped_total(len(hits), query.count_up_to)
        found = tuple(self.docs[i] for i in page)
        cameras = Counter(self.docs[i].camera for i in hits if self.docs[i].camera)
        facets = {"camera": tuple(FacetCount(v, n) for v, n in sorted(
            cameras.items(), key=lambda pair: (-pair[1], pair[0])))}
        return SearchPage(total, found, facets, (page[-1],) if more else None, total_exact=exact)

    def suggest(self, prefix: str, limit: int) -> list[str]:
        tags = sorted({t for d in self.docs.values() for t in d.tags if t.startswith(prefix)})
        return tags[:limit]

    def similar(self, query: SimilarQuery) -> tuple[SearchDoc, ...]:
        target = self.docs.get(query.image_id)
        if target is None:
            return ()
        keys = set(probe_terms(target.phash))
        alike = [d for d in self.docs.values() if keys.intersection(phash_bands(d.phash))]
        return rank(target, alike, self.docs.values(), query)

    def versions(self, ids: Sequence[str]) -> dict[str, int]:
        return {i: self.held[i] for i in ids if i in self.docs}

    def ids_after(self, after: str, limit: int) -> list[str]:
        return sorted(i for i in self.docs if i > after)[:limit]

    def refresh_outdated(self, docs: Sequence[SearchDoc]) -> int:
        fresh = [d for d in docs if d.image_id in self.outdated and d.image_id in self.docs
                 and d.version >= self.held[d.image_id]]
        for doc in fresh:
            self.docs[doc.image_id] = doc
            self.held[doc.image_id] = doc.version
            self.outdated.discard(doc.image_id)
        return len(fresh)

    def rebuild(self, docs) -> int:  # type: ignore[no-untyped-def]
        self.docs = {d.image_id: d for d in docs}
        self.held = {i: d.version for i, d in self.docs.items()}
        return len(self.docs)


class FakeClock:
    """Time that moves one millisecond per call."""

    def __init__(self) -> None:
        self.current = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.current += timedelta(milliseconds=1)
        return self.current


def make_deps(processor: FakeProcessor | None = None, limits: Limits | None = None) -> Deps:
    """A full set of fakes wired like bootstrap wires the real ones."""
    counter = iter(range(1, 10_000))
    engine = processor or FakeProcessor()
    index = FakeSearchIndex()
    return Deps(
        repo=FakeRepo(),
        # Stream records arrive in DynamoDB's item format whatever the repository: decode them
        # with the adapter's pure function, as bootstrap wires it.
        stream_decoder=image_from_stream,
        uploads=FakeStore(versioned=True),  # as template.yaml makes the uploads bucket
        renditions=FakeStore(),
        queue=FakeQueue(),
        processor=lambda: engine,
        clock=FakeClock(),
        limits=limits or Limits(),
        profile=PROFILE,
        new_id=lambda: f"{next(counter):032x}",
        search_index=lambda: index,
        cursor_secret=lambda: b"test-secret",
        originals=FakeStore("https://never-public.test", versioned=True),
        cdn=FakeCdn(),
        ingest_queue=FakeIngestQueue(),
        duplicates=FakeDuplicateIndex(),
    )


class FakeDuplicateIndex:
    """The band index in a dict: key -> {image id: phash}."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, str]] = {}
        self.lookups = 0  # keys asked for, as the table would be queried

    def add(self, image_id: str, phash: str, keys: Sequence[str]) -> None:
        for key in keys:
            self.entries.setdefault(key, {})[image_id] = phash

    def holders(self, keys: Sequence[str]) -> dict[str, str]:
        self.lookups += len(keys)
        found: dict[str, str] = {}
        for key in keys:
            found.update(self.entries.get(key, {}))
        return found

    def remove(self, image_id: str, keys: Sequence[str]) -> None:
        for key in keys:
            self.entries.get(key, {}).pop(image_id, None)


@dataclass
class FakeCdn:
    """Remembers what it was asked to invalidate."""

    invalidated: list[str] = field(default_factory=list)

    def invalidate(self, paths: Sequence[str]) -> None:
        self.invalidated.extend(paths)


class FakeGroups:
    """The pool's groups: every call in order, and who is in which group."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def add_to_group(self, pool_id: str, username: str, group: str) -> None:
        self.calls.append((pool_id, username, group))

    @property
    def members(self) -> set[tuple[str, str, str]]:
        """(pool id, user name, group) of each membership: adding a member again is no change."""
        return set(self.calls)


class FakeNames:
    """NameRegistry in memory: one holder per key, forever; the owner's current name."""

    def __init__(self) -> None:
        self.holders: dict[str, str] = {}
        self.now_using: dict[str, NameClaim] = {}
        self.held: dict[str, int] = {}

    def current(self, owner: str) -> NameClaim | None:
        return self.now_using.get(owner)

    def claim(self, owner: str, shown: str, key: str, now: str, max_names: int) -> str:
        holder = self.holders.get(key)
        if holder not in (None, owner):
            return "taken"
        if holder is None:
            if self.held.get(owner, 0) >= max_names:
                return "too_many"
            self.holders[key] = owner
            self.held[owner] = self.held.get(owner, 0) + 1
        self.now_using[owner] = NameClaim(shown, key, now)
        return "claimed"


class FakeWantedStore:
    """WantedStore in a dict: (day, query) -> tally, and the TTL each write set."""

    def __init__(self) -> None:
        self.tallies: dict[tuple[str, str], DayTally] = {}
        self.expiry: dict[tuple[str, str], int] = {}
        self.writes = 0
        self.days_read: list[str] = []
        self._lock = threading.Lock()  # ADD is atomic in DynamoDB: so here

    def add(self, tally: DayTally, expires_at: int) -> None:
        key = (tally.day, tally.query)
        with self._lock:
            self.writes += 1
            held = self.tallies.get(key)
            count = tally.count + (held.count if held else 0)
            self.tallies[key] = DayTally(tally.day, tally.query, count, tally.last_seen)
            self.expiry[key] = expires_at

    def day(self, day: str) -> list[DayTally]:
        self.days_read.append(day)
        return [tally for (d, _), tally in self.tallies.items() if d == day]


class FakeWantedCounter:
    """WantedCounter that keeps every note, in order."""

    def __init__(self) -> None:
        self.notes: list[tuple[str, str, str]] = []

    def note(self, day: str, query: str, at: str) -> None:
        self.notes.append((day, query, at))
