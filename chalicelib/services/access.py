"""Who may see and change which image: the rule every use case reading images applies."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden, NotFound
from chalicelib.domain.model import Image, is_image_id
from chalicelib.services.deps import Deps


def not_found(image_id: str) -> NotFound:
    """The one answer for an image that is not there or not the caller's to see."""
    return NotFound("image_not_found", f"No image {image_id!r} here.")


def visible_image(deps: Deps, image_id: str, principal: Principal | None) -> Image:
    """An image the caller may see; 404 for anything else."""
    image = deps.repo.get(image_id) if is_image_id(image_id) else None
    sub = principal.sub if principal else None
    if image is None or not image.visible_to(sub, bool(principal and principal.is_admin)):
        raise not_found(image_id)
    return image


def may_change(image: Image, principal: Principal) -> None:
    """Only the owner or an admin changes (or deletes) an image."""
    if image.owner != principal.sub and not principal.is_admin:
        raise Forbidden("not_owner", "Only the owner or an admin can change this image.")
