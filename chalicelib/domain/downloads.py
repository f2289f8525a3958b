"""What a download is called and how it credits the photographer."""

from __future__ import annotations

import re

ORIGINAL = "original"  # the exact uploaded bytes: for the owner and admins only
DEFAULT_SIZE = "full"
MAX_SLUG_CHARS = 60
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(title: str) -> str:
    """A file-name-safe form of a title: lower-case ASCII words joined by hyphens."""
    words = _NOT_SLUG.sub("-", title.lower().encode("ascii", "ignore").decode()).strip("-")
    return words[:MAX_SLUG_CHARS].rstrip("-") or "photo"


def file_name(title: str, image_id: str, size: str, fmt: str) -> str:
    """e.g. red-fox-in-snow-<id>.jpg, with the size named unless it is the full one."""
    suffix = "" if size in (DEFAULT_SIZE, ORIGINAL) else f"-{size}"
    return f"{slug(title)}-{image_id}{suffix}.{EXTENSIONS.get(fmt, fmt)}"


def attribution(contributor: str, site: str) -> str:
    """A credit line ready to paste, as the big free stock sites give one."""
    return f"Photo by {contributor.strip() or 'an anonymous contributor'} on {site}"
