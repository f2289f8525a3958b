"""Use cases: read, list and edit images, with who-may-see-what."""

from __future__ import annotations

from typing import Any

from chalicelib.auth import Principal
from chalicelib.domain.listing_cursors import seal, unseal
from chalicelib.domain.model import Image, Status
from chalicelib.domain.requests import Metadata, parse_metadata
from chalicelib.ports import Page
from chalicelib.services.access import may_change, not_found, visible_image
from chalicelib.services.deps import Deps

MAX_PAGE = 100


def get_image(deps: Deps, image_id: str, principal: Principal | None) -> Image:
    """An image the caller may see; 404 for anything else."""
    return visible_image(deps, image_id, principal)


def _owned(deps: Deps, image_id: str, principal: Principal) -> Image:
    image = visible_image(deps, image_id, principal)
    may_change(image, principal)
    return image


def list_mine(deps: Deps, principal: Principal, cursor: str | None, limit: int) -> Page:
    """The caller's images, newest first, any status but deleted (a page may come short)."""
    secret, owner = deps.cursor_secret(), principal.sub
    after = unseal(secret, "owner", owner, cursor)
    page = deps.repo.list_by_owner(owner, max(1, min(limit, MAX_PAGE)), after)
    kept = [image for image in page.items if image.status is not Status.DELETED]
    return Page(kept, seal(secret, "owner", owner, page.next_cursor))


def update_image(deps: Deps, principal: Principal, image_id: str, body: Any) -> Image:
    """Edit title, description and tags (owner or admin)."""
    image = _owned(deps, image_id, principal)
    current = Metadata(image.title, image.description, image.tags)
    metadata = parse_metadata(body, deps.limits, current)
    updated = deps.repo.update_metadata(
        image_id, metadata.title, metadata.description, metadata.tags, deps.now()
    )
    if updated is None:
        raise not_found(image_id)
    return updated
