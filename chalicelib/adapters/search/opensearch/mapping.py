"""The OpenSearch index definition (settings + mappings) and the document we store.

Every index the adapter creates carries this body itself; a golden file per version in the
unit tests keeps each change to it reviewed. The mapping is a history of versions, each
declaring the fields it added (`HISTORY`): the properties of version N are the fields added
by versions 1..N, so a live index of an older version is brought up to date in place by
adding the fields of the versions it lacks (upgrade.py). A version that changes an existing
field or the analysis cannot be applied in place: it says `in_place=False`, and the path
to it is `reindex`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.search import SearchDoc
from chalicelib.domain.search.operators import camera_words
from chalicelib.domain.search.similar import phash_bands

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# No stop words: a query of "the who" must still find "The Who", and the embedded engine
# drops none either. porter2 is the Snowball English stemmer (running -> run, foxes -> fox).
_ANALYSIS: dict[str, Any] = {
    "filter": {
        "english_possessive": {"type": "stemmer", "language": "possessive_english"},
        "english_porter2": {"type": "stemmer", "language": "porter2"},
    },
    "analyzer": {
        "english_words": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "english_possessive", "english_porter2"],
        },
        "plain_words": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
    },
}

# Unstemmed words for the search-as-you-type prefix. index_prefixes turns a 1-10 char prefix
# into one term lookup: exact (no 50-term expansion cap) and fast on a short prefix.
_PLAIN: dict[str, Any] = {
    "type": "text",
    "analyzer": "plain_words",
    "index_prefixes": {"min_chars": 1, "max_chars": 10},
}


def _keyword(**extra: Any) -> dict[str, Any]:
    return {"type": "keyword", **extra}


def _words(**subfields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "text", "analyzer": "english_words", "fields": {"plain": _PLAIN, **subfields}}


def _first_fields() -> dict[str, Any]:
    return {
        "image_id": _keyword(),
        "version": {"type": "long"},
        "title": _words(keyword=_keyword(ignore_above=512)),
        "description": _words(),
        "tags": _words(keyword=_keyword(ignore_above=256, eager_global_ordinals=True)),
        "owner": _keyword(),
        "orientation": _keyword(),
        "color": _keyword(),
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "popularity": {"type": "long"},
        "created_at": {"type": "date", "format": "strict_date_optional_time"},
        # Epoch microseconds: sorts exactly like the ISO string (a date keeps only millis).
        "created_ts": {"type": "long"},
        "created_day": {"type": "date", "format": "strict_date"},
        "created_year": {"type": "short"},
        "created_month": {"type": "byte"},
        "created_dom": {"type": "byte"},
        # The whole SearchDoc, stored but not indexed, so a hit rebuilds it exactly.
        "doc": {"type": "object", "enabled": False},
    }


@dataclass(frozen=True)
class MappingVersion:
    """One version of the mapping: the top-level fields it added to the one before.

    `in_place=False` marks a version that changed an existing field, the analysis or the
    settings: a live index cannot be upgraded to it by adding fields, only rebuilt."""

    number: int
    added: dict[str, Any]
    why: str
    in_place: bool = True


HISTORY: tuple[MappingVersion, ...] = (
    MappingVersion(1, _first_fields(), "the first mapping"),
    # The perceptual hash's band keys, "b<i>:<hex>" (domain/search/similar.py).
    MappingVersion(2, {"phash_bands": _keyword()}, "similar photos"),
    # The version of to_source that wrote each document: the sweeper rewrites older ones,
    # so documents indexed before an upgrade gain the fields added since.
    MappingVersion(3, {"doc_schema": {"type": "short"}}, "each document's schema version"),
    # The camera's name from EXIF: exact for its facet, its words (camera_words()) for
    # `camera:` (unstemmed, so "5d" never meets "5ds" by a stem).
    MappingVersion(4, {
        "camera": _keyword(ignore_above=256),
        "camera_words": {"type": "text", "analyzer": "plain_words"},
    }, "camera facts"),
)
TEMPLATE_VERSION = HISTORY[-1].number


def added_since(version: int, upto: int = TEMPLATE_VERSION) -> dict[str, Any]:
    """The fields versions `version`+1..`upto` added, in order."""
    fields: dict[str, Any] = {}
    for step in HISTORY:
        if version < step.number <= upto:
            fields.update(step.added)
    return fields


def rebuild_needed(version: int, upto: int = TEMPLATE_VERSION) -> list[MappingVersion]:
    """The versions after `version` (up to `upto`) that cannot be applied in place."""
    return [s for s in HISTORY if version < s.number <= upto and not s.in_place]


def _properties(template_version: int = TEMPLATE_VERSION) -> dict[str, Any]:
    return added_since(0, template_version)


def index_body(template_version: int = TEMPLATE_VERSION) -> dict[str, Any]:
    """Settings and mappings for a new images index."""
    settings = {
        # One shard: exact facet counts and scores that do not vary between pages.
        "number_of_shards": 1,
        "refresh_interval": "1s",
        # Delete tombstones must outlive the stream's 1 h max record age (and a rebuild),
        # or a replayed older upsert could bring a deleted image back.
        "gc_deletes": "2h",
        # Paging is search_after only; from+size past 1,000 is refused by design.
        "max_result_window": 1000,
    }
    return {
        "settings": {"index": settings, "analysis": _ANALYSIS},
        "mappings": {
            "dynamic": "strict",
            "_meta": {"template_version": template_version},
            "properties": _properties(template_version),
        },
    }


def _utc(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_source(doc: SearchDoc) -> dict[str, Any]:
    """The stored document: searchable fields plus the SearchDoc itself under `doc`."""
    created = _utc(doc.created_at)
    return {
        "image_id": doc.image_id,
        "version": doc.version,
        "title": doc.title,
        "description": doc.description,
        "tags": list(doc.tags),
        "owner": doc.owner,
        "orientation": doc.orientation,
        "color": doc.color,
        "width": doc.width,
        "height": doc.height,
        "popularity": doc.popularity,
        "created_at": doc.created_at,
        "created_ts": (created - _EPOCH) // timedelta(microseconds=1),
        "created_day": created.date().isoformat(),
        "created_year": created.year,
        "created_month": created.month,
        "created_dom": created.day,
        "doc": doc.to_json(),
        "doc_schema": TEMPLATE_VERSION,
        **_hash_keys(doc),
        **_camera(doc),
    }


def _camera(doc: SearchDoc) -> dict[str, Any]:
    if not doc.camera:
        return {}
    return {"camera": doc.camera, "camera_words": " ".join(camera_words(doc.camera))}


def _hash_keys(doc: SearchDoc) -> dict[str, Any]:
    keys = phash_bands(doc.phash)
    return {"phash_bands": keys} if keys else {}


def from_source(stored: dict[str, Any]) -> SearchDoc:
    """The SearchDoc a hit's `doc` holds (unknown keys from newer writers are ignored)."""
    return SearchDoc.from_json(stored)
