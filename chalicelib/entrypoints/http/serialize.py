"""Images as JSON for the API."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.model import Image
from chalicelib.ports import BlobStore


def image_json(image: Image, renditions: BlobStore) -> dict[str, Any]:
    """The public representation of one image."""
    facts = image.facts
    body: dict[str, Any] = {
        "id": image.image_id,
        "status": image.status.value,
        "title": image.title,
        "description": image.description,
        "tags": list(image.tags),
        "owner": image.owner,
        "owner_name": image.owner_name,
        "created_at": image.created_at,
        "updated_at": image.updated_at,
        "width": facts.width if facts else None,
        "height": facts.height if facts else None,
        "orientation": facts.orientation if facts else None,
        "format": facts.format if facts else None,
        "bytes": facts.bytes if facts else None,
        "renditions": {
            name: {
                "url": renditions.url(r.key),
                "width": r.width,
                "height": r.height,
                "format": r.format,
                "bytes": r.bytes,
            }
            for name, r in sorted(image.renditions.items(), key=lambda kv: kv[1].width)
        },
    }
    if image.reason:
        body["reason"] = image.reason
    return body
