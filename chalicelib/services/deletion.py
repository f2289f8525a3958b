"""Use case: delete an image for good, leaving only a tombstone (who, when, why)."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.domain import deletion
from chalicelib.domain.errors import Forbidden, InvalidInput
from chalicelib.domain.model import Image, Status, full_key, is_image_id, original_key
from chalicelib.services.access import may_change, not_found
from chalicelib.services.deps import Deps
from chalicelib.services.duplicates import unindex
from chalicelib.services.publishing import remove_public_renditions


def delete_image(deps: Deps, principal: Principal, image_id: str, reason: str | None) -> None:
    """Tombstone first (so no late event brings anything back), then remove the original,
    the full-size download, every public rendition, the master and any upload, and tell the
    CDN. Asked again for a deleted image, it removes whatever is left: a crash midway is
    repaired by repeating the request."""
    image = deps.repo.get(image_id) if is_image_id(image_id) else None
    if image is None or not _may_see(image, principal):
        raise not_found(image_id)
    may_change(image, principal)
    if image.status is not Status.DELETED:
        why = _reason(image, principal, reason)
        expires = deletion.expiry(int(deps.clock.now().timestamp()), deps.limits.tombstone_days)
        deps.repo.mark_deleted(image_id, principal.sub, why, deps.now(), expires)
    remove_everything(deps, image)


def remove_everything(deps: Deps, image: Image) -> None:
    """Every byte the image ever had, every version of it; the search document goes with the
    tombstone's stream record."""
    image_id = image.image_id
    deps.originals.purge([original_key(image_id), full_key(image_id)])
    deps.uploads.purge([image.upload_key, image.master_key])
    remove_public_renditions(deps, image)
    unindex(deps, image)  # its full and crop hashes leave the band index


def _may_see(image: Image, principal: Principal) -> bool:
    """Owners and admins still find their deleted image (to finish removing it)."""
    if image.status is Status.DELETED:
        return principal.is_admin or principal.sub == image.owner
    return image.visible_to(principal.sub, principal.is_admin)


def _reason(image: Image, principal: Principal, given: str | None) -> str:
    """The code the tombstone keeps: admins choose one; an owner's delete is their request."""
    if given is None or given == "":
        if principal.sub == image.owner:
            return deletion.OWNER_REQUEST
        return deletion.ADMIN_DEFAULT
    if given not in deletion.REASONS:
        known = ", ".join(deletion.REASONS)
        raise InvalidInput("invalid_reason", f"The reason must be one of {known}.")
    if given != deletion.OWNER_REQUEST and not principal.is_admin:
        raise Forbidden("reason_for_admins", "Only an admin can give a reason for a delete.")
    return given
