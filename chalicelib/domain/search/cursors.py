"""Opaque, tamper-evident search cursors bound to the query that issued them.

A cursor is URL-safe base64 of `payload || tag`: the payload is the compact JSON of the
sort values to resume after, the tag an HMAC-SHA256 over a purpose label, the query's
fingerprint and the payload. The fingerprint is signed but never sent, so a cursor stays
short yet is refused for any other query, key or edit.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import re
from typing import Any

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search.model import SearchQuery

# RFC 2104 allows truncating an HMAC to half its output; 128 bits is far beyond guessing.
TAG_BYTES = 16
MAX_CURSOR_CHARS = 1024
_PURPOSE = b"search-cursor/v1\n"  # a key reused elsewhere can never mint a cursor
# Where a page starts, how far totals are counted and which retry (fuzzy, most words) made
# the result set (the cursor's first value says that), not what the query asks.
_PAGE_FIELDS = ("search_after", "fuzzy", "count_up_to", "min_words")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


def fingerprint(query: SearchQuery) -> str:
    """A stable hash of everything the query asks (all fields but _PAGE_FIELDS)."""
    shape = dataclasses.asdict(query)
    for name in _PAGE_FIELDS:
        del shape[name]
    canonical = json.dumps(shape, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _tag(secret: bytes, fingerprint: str, payload: bytes) -> bytes:
    if not secret:
        # An empty key would let anyone mint cursors: a deployment fault, not user input.
        raise ValueError("the cursor secret is empty")
    message = _PURPOSE + fingerprint.encode() + b"\n" + payload
    return hmac.new(secret, message, hashlib.sha256).digest()[:TAG_BYTES]


def encode_cursor(secret: bytes, fingerprint: str, after: tuple[Any, ...]) -> str:
    """Sign JSON-serialisable sort values for this query; nested sequences return as lists."""
    payload = json.dumps(list(after), separators=(",", ":"), allow_nan=False).encode()
    token = payload + _tag(secret, fingerprint, payload)
    return base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii")


def _invalid() -> InvalidInput:
    return InvalidInput("invalid_cursor", "The cursor was not issued for this search.")


def _token(cursor: str) -> bytes:
    if len(cursor) > MAX_CURSOR_CHARS or not _BASE64URL.fullmatch(cursor):
        raise _invalid()
    try:
        token = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except ValueError as error:
        raise _invalid() from error
    # Only the exact text we issued: no padding games, no other spelling of the same bytes.
    if base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii") != cursor:
        raise _invalid()
    return token


def decode_cursor(secret: bytes, fingerprint: str, cursor: str) -> tuple[Any, ...]:
    """The sort values behind a cursor issued for this query with this secret, or invalid_cursor."""
    token = _token(cursor)
    payload, tag = token[:-TAG_BYTES], token[-TAG_BYTES:]
    if len(token) <= TAG_BYTES or not hmac.compare_digest(tag, _tag(secret, fingerprint, payload)):
        raise _invalid()
    try:
        after = json.loads(payload)
    except ValueError as error:  # only a key shared with another format could get here
        raise _invalid() from error
    if not isinstance(after, list):
        raise _invalid()
    return tuple(after)
