"""Validation of what clients send: upload requests and metadata edits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.limits import Limits
from chalicelib.domain.model import ACCEPTED_CONTENT_TYPES
from chalicelib.domain.search.query import hashtags
from chalicelib.domain.text import valid_text

MAX_FILENAME = 255
MEBIBYTE = 1024 * 1024
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Metadata:
    """Title, description and tags, cleaned."""

    title: str
    description: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class UploadRequest:
    """A contributor's request for an upload grant."""

    filename: str
    content_type: str
    size: int
    metadata: Metadata


def _require_object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise InvalidInput("invalid_body", "The request body must be a JSON object.")
    return body


def _clean_text(value: Any, field: str, limit: int, multiline: bool = False) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"invalid_{field}", f"`{field}` must be a string.")
    text = unicodedata.normalize("NFC", valid_text(value, field)).strip()
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
        raise InvalidInput(f"invalid_{field}", f"`{field}` contains control characters.")
    if len(text) > limit:
        raise InvalidInput(f"invalid_{field}", f"`{field}` is longer than {limit} characters.")
    return text


def _clean_tags(value: Any, max_tags: int, max_chars: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise InvalidInput("invalid_tags", "`tags` must be a list of strings.")
    if len(value) > max_tags:  # before any work per tag: the count bounds the cost
        raise InvalidInput("invalid_tags", f"At most {max_tags} tags are allowed.")
    cleaned = (_clean_tag(raw, max_chars) for raw in value)
    return tuple(dict.fromkeys(tag for tag in cleaned if tag))  # first spelling's order kept


def _clean_tag(raw: str, max_chars: int) -> str:
    tag = _SPACES.sub(" ", _clean_text(raw, "tags", max_chars).lower())
    if "," in tag:
        # Searches split `tags=` and `tags:` on commas, so such a tag could never be found;
        # refused rather than split, so that what is stored is what the contributor typed.
        raise InvalidInput("invalid_tags", "A tag cannot contain a comma: send separate tags.")
    return tag


def parse_metadata(body: Any, limits: Limits, current: Metadata | None = None) -> Metadata:
    """Clean title/description/tags; with `current`, absent fields keep their value.

    Hashtags written in the description (#sunset) join the tags.
    """
    metadata = _metadata(_require_object(body), limits, current or Metadata("", "", ()))
    tags = dict.fromkeys((*metadata.tags, *hashtags(metadata.description)))
    return Metadata(metadata.title, metadata.description, tuple(tags)[: limits.max_tags])


def _metadata(data: Mapping[str, Any], limits: Limits, base: Metadata) -> Metadata:
    return Metadata(
        title=_clean_text(data["title"], "title", limits.max_title_chars)
        if "title" in data
        else base.title,
        description=_clean_text(
            data["description"], "description", limits.max_description_chars, multiline=True
        )
        if "description" in data
        else base.description,
        tags=_clean_tags(data["tags"], limits.max_tags, limits.max_tag_chars)
        if "tags" in data
        else base.tags,
    )


def _size(value: Any, max_bytes: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("invalid_size", "`size` must be the file size in bytes.")
    if value <= 0:
        raise InvalidInput("invalid_size", "The file is empty.")
    if value > max_bytes:
        raise InvalidInput("too_large", f"Files may be at most {max_bytes / MEBIBYTE:g} MB.")
    return value


def parse_upload(body: Any, limits: Limits) -> UploadRequest:
    """Validate an upload request: name, accepted type, size within limits, metadata."""
    data = _require_object(body)
    filename = _clean_text(data.get("filename"), "filename", MAX_FILENAME)
    if not filename:
        raise InvalidInput("invalid_filename", "`filename` is required.")
    content_type = data.get("content_type")
    if not isinstance(content_type, str) or not content_type:
        raise InvalidInput("invalid_content_type", "`content_type` is required.")
    content_type = content_type.strip().lower()
    if content_type not in ACCEPTED_CONTENT_TYPES:
        raise InvalidInput("unsupported_type", "Only JPEG, PNG and WebP photos can be uploaded.")
    size = _size(data.get("size"), limits.max_upload_bytes)
    metadata = parse_metadata(data, limits)
    title = metadata.title or filename.rsplit(".", 1)[0][: limits.max_title_chars]
    cleaned = Metadata(title, metadata.description, metadata.tags)
    return UploadRequest(filename, content_type, size, cleaned)
