"""Use cases: read, list, edit and delete images, with who-may-see-what."""

from __future__ import annotations

from typing import Any

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden, NotFound
from chalicelib.domain.model import Image, is_image_id
from chalicelib.domain.renditions import rendition_key
from chalicelib.domain.requests import Metadata, parse_metadata
from chalicelib.ports import Page
from chalicelib.services.deps import Deps

MAX_PAGE = 100


def _not_found(image_id: str) -> NotFound:
    return NotFound("image_not_found", f"No image {image_id!r} here.")


def get_image(deps: Deps, image_id: str, principal: Principal | None) -> Image:
    """An image the caller may see; 404 for anything else."""
    image = deps.repo.get(image_id) if is_image_id(image_id) else None
    sub = principal.sub if principal else None
    if image is None or not image.visible_to(sub, bool(principal and principal.is_admin)):
        raise _not_found(image_id)
    return image


def _owned(deps: Deps, image_id: str, principal: Principal) -> Image:
    image = get_image(deps, image_id, principal)
    if image.owner != principal.sub and not principal.is_admin:
        raise Forbidden("not_owner", "Only the owner or an admin can change this image.")
    return image


def list_mine(deps: Deps, principal: Principal, cursor: str | None, limit: int) -> Page:
    """The caller's images, newest first, any status."""
    return deps.repo.list_by_owner(principal.sub, max(1, min(limit, MAX_PAGE)), cursor)


def update_image(deps: Deps, principal: Principal, image_id: str, body: Any) -> Image:
    """Edit title, description and tags (owner or admin)."""
    image = _owned(deps, image_id, principal)
    current = Metadata(image.title, image.description, image.tags)
    metadata = parse_metadata(body, deps.limits, current)
    updated = deps.repo.update_metadata(
        image_id, metadata.title, metadata.description, metadata.tags, deps.now()
    )
    if updated is None:
        raise _not_found(image_id)
    return updated


def delete_image(deps: Deps, principal: Principal, image_id: str) -> None:
    """Remove the record, the original, the master and every rendition."""
    image = _owned(deps, image_id, principal)
    deps.repo.delete(image_id)
    deps.uploads.delete([image.upload_key, image.master_key])
    keys = {r.key for r in image.renditions.values()}
    keys |= {rendition_key(image_id, spec) for spec in deps.profile}
    deps.renditions.delete(sorted(keys))
