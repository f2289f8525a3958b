"""Use case: the duplicate groups already in the catalogue (a dry run: it changes nothing)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from chalicelib.domain.dedupe import MATCHABLE
from chalicelib.domain.dedupe_groups import Group, Hashed, groups
from chalicelib.domain.duplicates import parse_hex
from chalicelib.domain.model import Image
from chalicelib.services.deps import Deps

PAGE = 500


def duplicate_groups(deps: Deps) -> list[Group]:
    """Every group of accepted images that are one picture (same bytes, or within the
    duplicate distance), read from one pass over the images table."""
    return group_images(deps, accepted(deps))


def group_images(deps: Deps, images: Iterable[Image]) -> list[Group]:
    """The duplicate groups among these images, by the configured duplicate policy."""
    return groups((_hashed(image) for image in images), deps.limits.duplicates)


def accepted(deps: Deps) -> Iterator[Image]:
    """Every image that counts as a copy (processing, in review, ready): a full table pass,
    fine for an operator's report, never on a request path."""
    cursor: str | None = None
    while True:
        page = deps.repo.scan_segment(0, 1, PAGE, cursor)
        yield from (image for image in page.items if image.status in MATCHABLE)
        cursor = page.next_cursor
        if cursor is None:
            return


def _hashed(image: Image) -> Hashed:
    sha = image.original.sha256 if image.original else ""
    phash = parse_hex(image.phash) if image.phash else None
    return Hashed(image.image_id, image.owner, sha, phash, image.created_at)
