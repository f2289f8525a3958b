"""Images as JSON for the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.domain.limits import Limits
from chalicelib.domain.model import Image, Rendition, Status
from chalicelib.domain.quotas import upload_link_expiry
from chalicelib.domain.renditions import FULL
from chalicelib.domain.search import FacetCount, SearchDoc
from chalicelib.ports import BlobStore


def image_json(
    image: Image, renditions: BlobStore, limits: Limits | None = None
) -> dict[str, Any]:
    """The public representation of one image; with `limits`, a pending one also says when
    its upload link expires (still pending after that: the upload was interrupted)."""
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
        "color": facts.color if facts else None,
        "color_hex": facts.color_hex if facts else None,
        "blurhash": facts.blurhash if facts else None,
        "camera": facts.camera.as_json() if facts and facts.camera else None,
        # A rejected image's public renditions are withdrawn (or about to be): no dead links.
        "renditions": {} if image.renditions_withdrawn
        else renditions_json(image.renditions, renditions),
        "downloads": image.downloads,
        "download_sizes": [] if image.renditions_withdrawn
        else download_sizes_json(image.renditions),
    }
    if image.reason:
        body["reason"] = image.reason
    if image.duplicate_of:  # rejected `duplicate`: the owner's photo it repeats
        body["duplicate_of"] = image.duplicate_of
    if image.moderation_note:  # the admin's words on a rejected photo, for its owner
        body["moderation_note"] = image.moderation_note
    if limits is not None and image.status is Status.PENDING and image.created_at:
        body["upload_expires_at"] = upload_link_expiry(image.created_at, limits)
    return body


def download_sizes_json(renditions: Mapping[str, Rendition]) -> list[dict[str, Any]]:
    """What /download offers, the full size first, then largest first: each size's name,
    pixels, bytes and format."""
    ordered = sorted(renditions.values(), key=lambda r: (r.name != FULL.name, -r.width))
    return [
        {"size": r.name, "width": r.width, "height": r.height, "bytes": r.bytes,
         "format": r.format}
        for r in ordered
    ]


def renditions_json(renditions: Mapping[str, Rendition], store: BlobStore) -> dict[str, Any]:
    """Each public rendition with its URL, smallest first (the full-size download is never
    public: it is fetched through a signed /download link)."""
    public = {name: r for name, r in renditions.items() if name != FULL.name}
    ordered = sorted(public.items(), key=lambda kv: kv[1].width)
    return {
        name: {
            "url": store.url(r.key),
            "width": r.width,
            "height": r.height,
            "format": r.format,
            "bytes": r.bytes,
        }
        for name, r in ordered
    }


def summary_json(doc: SearchDoc, renditions: BlobStore) -> dict[str, Any]:
    """One search hit: what a results grid needs."""
    return {
        "id": doc.image_id,
        "title": doc.title,
        "description": doc.description,
        "tags": list(doc.tags),
        "owner": doc.owner,
        "owner_name": doc.owner_name,
        "created_at": doc.created_at,
        "width": doc.width,
        "height": doc.height,
        "orientation": doc.orientation,
        "color": doc.color,
        "color_hex": doc.color_hex,
        "blurhash": doc.blurhash,
        "renditions": renditions_json(doc.renditions, renditions),
    }


def facets_json(facets: Mapping[str, tuple[FacetCount, ...]]) -> dict[str, Any]:
    """Facet counts as lists of {value, count}."""
    return {
        name: [{"value": f.value, "count": f.count} for f in counts]
        for name, counts in facets.items()
    }
