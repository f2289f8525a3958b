"""Errors the domain and services raise; entrypoints map them to HTTP or statuses."""

from __future__ import annotations


class DomainError(Exception):
    """An expected failure with a stable machine-readable code."""

    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def details(self) -> dict[str, int]:
        """Machine-readable facts the error carries beyond its code (none by default)."""
        return {}


class InvalidInput(DomainError):
    """The caller sent something we refuse (HTTP 400)."""

    status = 400


class Unauthenticated(DomainError):
    """No token, or a token we do not accept (HTTP 401)."""

    status = 401


class Forbidden(DomainError):
    """Signed in, but not allowed (HTTP 403)."""

    status = 403


class NotFound(DomainError):
    """Nothing there, or nothing the caller may see (HTTP 404)."""

    status = 404


class Conflict(DomainError):
    """The request is sound but collides with what someone else holds (HTTP 409)."""

    status = 409


class TooManyRequests(DomainError):
    """A limit was reached; `retry_after` seconds from now it may not be (HTTP 429)."""

    status = 429

    def __init__(self, code: str, message: str, retry_after: int) -> None:
        super().__init__(code, message)
        self.retry_after = max(1, retry_after)

    @property
    def details(self) -> dict[str, int]:
        """When to try again, in seconds (also sent as the Retry-After header)."""
        return {"retry_after": self.retry_after}


class Unavailable(DomainError):
    """A dependency we need is down; try again (HTTP 503)."""

    status = 503


class Rejected(Exception):
    """An upload that can never become an image; `reason` is the public code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class NeedMoreData(Exception):
    """The header parser needs more bytes than it was given."""

    def __init__(self, at_least: int) -> None:
        super().__init__(f"need at least {at_least} bytes")
        self.at_least = at_least


class ProcessingTimeout(Exception):
    """Pixel work ran past the processing budget."""


REJECTION_REASONS = (
    "not_an_image",
    "unsupported_format",
    "too_large",
    "too_many_pixels",
    "corrupt_image",
    "animated_not_supported",
    "upload_missing",
    "duplicate",  # the same contributor's photo again (`duplicate_of` names it)
)
FAILURE_REASONS = ("processing_error", "processing_timeout")


class ClaimNotTaken(Exception):
    """A conditional write said another writer got there first, yet nothing changed: the
    step is tried again (its message is redelivered) rather than acting on a race that did
    not happen."""
