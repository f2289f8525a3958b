"""Use case: grant a contributor a direct-to-S3 upload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.model import Image, Status
from chalicelib.domain.requests import parse_upload
from chalicelib.services.deps import Deps
from chalicelib.services.quotas import admit


@dataclass(frozen=True)
class UploadGrant:
    """What the browser needs to post the file straight to storage."""

    image_id: str
    url: str
    fields: dict[str, Any]
    expires_in: int


def public_owner_name(principal: Principal) -> str:
    """The name shown with the owner's images: never an e-mail address, never a bare user id."""
    name = principal.username
    if name == principal.sub:
        # Pools that sign in by e-mail give every user a generated name equal to the sub.
        return ""
    return name.partition("@")[0]


def request_upload(
    deps: Deps, principal: Principal, body: Any, display_name: str = ""
) -> UploadGrant:
    """Validate the request, record a pending image and presign its upload.

    `display_name` is the credit the user chose (their profile's name), when there is one.
    """
    if not principal.is_contributor:
        raise Forbidden("not_a_contributor", "Only contributors can upload images.")
    request = parse_upload(body, deps.limits)
    now = deps.now()
    image = Image(
        image_id=deps.new_id(),
        owner=principal.sub,
        owner_name=display_name or public_owner_name(principal),
        status=Status.PENDING,
        created_at=now,
        updated_at=now,
        title=request.metadata.title,
        description=request.metadata.description,
        tags=request.metadata.tags,
        filename=request.filename,
        content_type=request.content_type,
        declared_bytes=request.size,
        owner_admin=principal.is_admin,  # an admin's photos are never held for review
    )
    admit(deps, principal, image)  # counted against the owner's quotas, or 429
    expires = deps.limits.upload_expires_seconds
    form = deps.uploads.presign_post(image.upload_key, request.content_type, request.size, expires)
    return UploadGrant(image.image_id, form.url, dict(form.fields), expires)
