"""How the local front reads a request's body, and what it refuses before the API sees it.

The front stands in for API Gateway: a malformed Content-Length, bad chunked encoding, a body
or URL over its limits are answered with a 4xx in the API's JSON error shape, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Protocol

MAX_REQUEST_LINE_ENV = "LOCAL_FRONT_MAX_REQUEST_LINE"
MAX_BODY_ENV = "LOCAL_FRONT_MAX_BODY_BYTES"
# API Gateway's limits: URLs of 8 KB (edge) and payloads of 10 MB.
DEFAULT_MAX_REQUEST_LINE = 8192
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
EXCERPT_CHARS = 40
_MAX_CHUNK_LINE = 1024
_MAX_TRAILERS = 100
_DIGITS = re.compile(r"[0-9]{1,19}")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


class Reader(Protocol):
    """A request's input stream (the handler's rfile)."""

    def read(self, size: int, /) -> bytes: ...

    def readline(self, size: int, /) -> bytes: ...


@dataclass(frozen=True)
class FrontLimits:
    """What the front accepts; each is configurable through the environment."""

    max_request_line: int = DEFAULT_MAX_REQUEST_LINE
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> FrontLimits:
        """Limits from LOCAL_FRONT_MAX_REQUEST_LINE and LOCAL_FRONT_MAX_BODY_BYTES."""
        return cls(
            max_request_line=_positive(environ, MAX_REQUEST_LINE_ENV, DEFAULT_MAX_REQUEST_LINE),
            max_body_bytes=_positive(environ, MAX_BODY_ENV, DEFAULT_MAX_BODY_BYTES),
        )


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not _DIGITS.fullmatch(raw) or int(raw) == 0:
        raise ValueError(f"{name} must be a positive integer, not {excerpt(raw)}")
    return int(raw)


class Refused(Exception):
    """A request the front answers itself with a 4xx."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most `limit` characters of what a client sent, for an error message."""
    return text if len(text) <= limit else text[:limit] + "..."


CHUNKED = -1


def body_length(method: str, headers: Message, limits: FrontLimits) -> int | None:
    """The body's declared length, CHUNKED, or None for no body; raises Refused when the
    framing is bad or the body is over the limit (checked before any of it is read)."""
    codings = _transfer_codings(headers)
    lengths = headers.get_all("Content-Length") or []
    if codings and lengths:
        raise Refused(400, "invalid_framing", "send Content-Length or Transfer-Encoding, not both")
    if codings:
        if codings != ["chunked"]:
            raise Refused(400, "unsupported_transfer_encoding",
                          f"only chunked is supported, not {excerpt(', '.join(codings))}")
        return CHUNKED
    if not lengths:
        if method in BODY_METHODS:
            raise Refused(411, "length_required", f"{method} needs a Content-Length")
        return None
    length = _content_length(lengths)
    if length > limits.max_body_bytes:
        raise Refused(413, "payload_too_large",
                      f"the body may be at most {limits.max_body_bytes} bytes")
    return length


def read_body(method: str, headers: Message, rfile: Reader, limits: FrontLimits) -> bytes | None:
    """The request's body per its framing headers; raises Refused when the framing is bad."""
    length = body_length(method, headers, limits)
    if length == CHUNKED:
        return _read_chunked(rfile, limits.max_body_bytes)
    return _read_exactly(rfile, length) if length else None


def _transfer_codings(headers: Message) -> list[str]:
    values = headers.get_all("Transfer-Encoding") or []
    return [part.strip().lower() for value in values for part in str(value).split(",")
            if part.strip()]


def _content_length(values: list[str]) -> int:
    distinct = {str(value).strip() for value in values}
    if len(distinct) != 1:
        raise Refused(400, "invalid_content_length", "Content-Length is given more than once")
    value = distinct.pop()
    if not _DIGITS.fullmatch(value):
        raise Refused(400, "invalid_content_length",
                      f"Content-Length must be a number of bytes, not {excerpt(value)!r}")
    return int(value)


def _read_exactly(rfile: Reader, size: int) -> bytes:
    data = rfile.read(size)
    if len(data) != size:
        raise Refused(400, "incomplete_body", f"the body ended after {len(data)} of {size} bytes")
    return data


def _read_chunked(rfile: Reader, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size = _chunk_size(_line(rfile, "chunk size line"))
        total += size
        if total > limit:
            raise Refused(413, "payload_too_large", f"the body may be at most {limit} bytes")
        if size == 0:
            _skip_trailers(rfile)
            return b"".join(parts)
        parts.append(_read_exactly(rfile, size))
        if _line(rfile, "chunk end").strip():
            raise Refused(400, "invalid_chunked_body", "a chunk is longer than its size")


def _line(rfile: Reader, what: str) -> bytes:
    line = rfile.readline(_MAX_CHUNK_LINE + 1)
    if len(line) > _MAX_CHUNK_LINE or not line.endswith(b"\n"):
        raise Refused(400, "invalid_chunked_body", f"{what} is too long or cut short")
    return line


def _chunk_size(line: bytes) -> int:
    size = line.split(b";", 1)[0].strip()
    if not _HEX.fullmatch(size):
        shown = excerpt(size.decode("latin-1"))
        raise Refused(400, "invalid_chunked_body", f"chunk size must be hexadecimal, not {shown!r}")
    return int(size, 16)


def _skip_trailers(rfile: Reader) -> None:
    for _ in range(_MAX_TRAILERS):
        if not _line(rfile, "trailer line").strip():
            return
    raise Refused(431, "header_fields_too_large", f"more than {_MAX_TRAILERS} trailer lines")
