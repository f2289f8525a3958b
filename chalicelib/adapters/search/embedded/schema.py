"""The embedded index's schema: fields, analyzers, and SearchDoc <-> tantivy documents.

tantivy is imported lazily (`engine()`), so importing chalicelib never needs it.
"""

from __future__ import annotations

import functools
import json
import zlib
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

from chalicelib.domain.search import SearchDoc
from chalicelib.domain.search.operators import camera_words
from chalicelib.domain.search.similar import phash_bands

# 2: `phash_bands` (similar photos). A pointer written under another version is ignored: the
# index starts empty and the start-up (or `make reindex`) rebuild fills it from the table.
# 3: `camera` (exact, for its facet) and `camera_words` (for `camera:`).
SCHEMA_VERSION = 3
# Word fields and their relevance boosts: title strongest, then tags, then description.
BOOSTS = {"title": 3.0, "tags_text": 2.0, "description": 1.0}
# Search as you type completes the last word from titles and tags only: in descriptions a
# short prefix matches nearly everything, at a cost and with little meaning.
PREFIXED = ("title", "tags_text")
WORDS = "_words"  # suffix of the unstemmed copy of a word field (prefixes, suggestions)
# Facet sampling: a document carries sample levels 1..L, where level k holds about 1 in 2**k
# documents, so "count over a 2**-k sample" is one short postings list to intersect with.
SAMPLE_LEVELS = 16
# Hits with equal BM25 scores are ordered by id through a tiny id-derived weight (at most
# +0.07% of a score), so score ties stay small groups the pager can sort exactly.
TIE_WEIGHT_SPAN = 0.001
_RAW = ("image_id", "tags", "orientation", "color", "owner", "camera")
CAMERA_WORDS = "camera_words"  # one raw term per word of camera_words() (no analysis here)
KEYS = "phash_bands"  # the perceptual hash's band keys (domain/search/similar.py)
_INTS = ("live", "version", "written_at", "width", "height", "created_us", "popularity",
         "year", "month", "day", "ymd")
_UNSIGNED = ("id_hi", "id_lo")


@functools.cache
def engine() -> ModuleType:
    """The tantivy module, imported on first use."""
    import tantivy

    return tantivy


@functools.cache
def schema() -> Any:
    """The schema every generation of the index is built with."""
    tv = engine()
    builder = tv.SchemaBuilder()
    for name in _RAW:
        builder.add_text_field(name, stored=name == "image_id", fast=name != "image_id",
                               tokenizer_name="raw", index_option="basic")
    builder.add_text_field(KEYS, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(CAMERA_WORDS, tokenizer_name="raw", index_option="basic")
    for name in BOOSTS:
        builder.add_text_field(name, tokenizer_name="en_stem", index_option="freq")
        builder.add_text_field(name + WORDS, tokenizer_name="default", index_option="basic")
    for name in _INTS:
        builder.add_integer_field(name, indexed=True, fast=True)
    for name in _UNSIGNED:
        builder.add_unsigned_field(name, indexed=True, fast=True)
    builder.add_unsigned_field("sample", indexed=True)
    builder.add_float_field("tie_weight", fast=True)
    builder.add_bytes_field("doc", stored=True)
    return builder.build()


@functools.cache
def analyzer(stemmed: bool) -> Any:
    """The analyzer of `en_stem` (stemmed) or `default` (unstemmed) fields, for query words."""
    tv = engine()
    builder = tv.TextAnalyzerBuilder(tv.Tokenizer.simple()).filter(tv.Filter.remove_long(40))
    builder = builder.filter(tv.Filter.lowercase())
    if stemmed:
        builder = builder.filter(tv.Filter.stemmer("english"))
    return builder.build()


def id_key(image_id: str) -> tuple[int, int]:
    """Two u64s ordered like the id: exact for service ids (32 hex digits), else a prefix."""
    if len(image_id) == 32:
        try:
            value = int(image_id, 16)
            return value >> 64, value & (2**64 - 1)
        except ValueError:
            pass
    raw = image_id.encode()[:16].ljust(16, b"\0")
    return int.from_bytes(raw[:8], "big"), int.from_bytes(raw[8:], "big")


def sample_levels(image_id: str) -> list[int]:
    """Levels 1..L where L counts the trailing zero bits of a hash of the id (P(k) = 2**-k)."""
    hashed = zlib.crc32(image_id.encode()) | (1 << SAMPLE_LEVELS)
    depth = (hashed & -hashed).bit_length() - 1
    return list(range(1, depth + 1))


def utc(created_at: str) -> datetime:
    """An ISO-8601 timestamp as an aware UTC datetime (naive ones are taken as UTC)."""
    moment = datetime.fromisoformat(created_at)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def created_us(created_at: str) -> int:
    """Microseconds since the epoch of an ISO-8601 timestamp."""
    return (utc(created_at) - _EPOCH) // timedelta(microseconds=1)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
def _identity(image_id: str, version: int, written_at: int) -> dict[str, Any]:
    hi, lo = id_key(image_id)
    return {"image_id": image_id, "version": version, "written_at": written_at,
            "id_hi": hi, "id_lo": lo}


def to_document(doc: SearchDoc, version: int, written_at: int) -> Any:
    """The tantivy document of one searchable image (the SearchDoc rides along as JSON)."""
    hi, _ = id_key(doc.image_id)
    fields = {
        **_identity(doc.image_id, version, written_at),
        **_words(doc),
        **_day(utc(doc.created_at)),
        "live": 1, "orientation": doc.orientation, "color": doc.color, "owner": doc.owner,
        "width": doc.width, "height": doc.height, "popularity": doc.popularity,
        "sample": sample_levels(doc.image_id), KEYS: phash_bands(doc.phash),
        **_camera(doc.camera),
        "tie_weight": (1.0 - hi / 2.0**64) * TIE_WEIGHT_SPAN,
        "doc": json.dumps(doc.to_json(), separators=(",", ":")).encode(),
    }
    return engine().Document.from_dict(fields, schema())


def _words(doc: SearchDoc) -> dict[str, Any]:
    texts = {"title": doc.title, "description": doc.description, "tags_text": list(doc.tags)}
    return {"tags": list(doc.tags), **texts, **{name + WORDS: t for name, t in texts.items()}}


def _camera(name: str) -> dict[str, Any]:
    if not name:
        return {}
    return {"camera": name, CAMERA_WORDS: list(camera_words(name))}


def _day(moment: datetime) -> dict[str, int]:
    return {
        "created_us": (moment - _EPOCH) // timedelta(microseconds=1),
        "year": moment.year, "month": moment.month, "day": moment.day,
        "ymd": moment.year * 10_000 + moment.month * 100 + moment.day,
    }


def tombstone(image_id: str, version: int, written_at: int) -> Any:
    """A marker that `image_id` was deleted at `version` (never matched by searches)."""
    fields = {**_identity(image_id, version, written_at), "live": 0}
    return engine().Document.from_dict(fields, schema())


def from_stored(payload: bytes) -> SearchDoc:
    """The SearchDoc exactly as it was indexed."""
    return SearchDoc.from_json(json.loads(payload))
