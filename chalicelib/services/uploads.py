"""Use case: grant a contributor a direct-to-S3 upload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.model import Image, Status
from chalicelib.domain.requests import parse_upload
from chalicelib.services.deps import Deps


@dataclass(frozen=True)
class UploadGrant:
    """What the browser needs to post the file straight to storage."""

    image_id: str
    url: str
    fields: dict[str, Any]
    expires_in: int


def request_upload(deps: Deps, principal: Principal, body: Any) -> UploadGrant:
    """Validate the request, record a pending image and presign its upload."""
    if not principal.is_contributor:
        raise Forbidden("not_a_contributor", "Only contributors can upload images.")
    request = parse_upload(body, deps.limits)
    now = deps.now()
    image = Image(
        image_id=deps.new_id(),
        owner=principal.sub,
        owner_name=principal.username,
        status=Status.PENDING,
        created_at=now,
        updated_at=now,
        title=request.metadata.title,
        description=request.metadata.description,
        tags=request.metadata.tags,
        filename=request.filename,
        content_type=request.content_type,
        declared_bytes=request.size,
    )
    deps.repo.add(image)
    expires = deps.limits.upload_expires_seconds
    grant = deps.uploads.presign_post(image.upload_key, request.content_type, request.size, expires)
    fields = grant["fields"]
    assert isinstance(fields, dict)
    return UploadGrant(image.image_id, str(grant["url"]), fields, expires)
