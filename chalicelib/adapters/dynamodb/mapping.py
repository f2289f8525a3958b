"""Translation between Image and the table's items, and owner-listing cursors."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.domain.camera import Camera
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.lifecycle import STAGED
from chalicelib.domain.model import (
    Facts,
    Image,
    NextProfile,
    Original,
    Status,
    renditions_from_json,
)
from chalicelib.domain.moderation import Decision, Report


def as_attributes(image: Image) -> dict[str, Any]:
    """Item attributes of a new image (everything but the key)."""
    return {
        "owner": image.owner,
        "owner_name": image.owner_name,
        "status": image.status.value,
        "created_at": image.created_at,
        "updated_at": image.updated_at or image.created_at,
        "title": image.title,
        "description": image.description,
        "tags": list(image.tags),
        "filename": image.filename,
        "content_type": image.content_type,
        "declared_bytes": image.declared_bytes,
        "version": image.version,
        "renditions": {},
        "expected": list(image.expected),
        "repairs": image.repairs,
        **open_stage(image),
        **_moderation_attributes(image),
    }


def _moderation_attributes(image: Image) -> dict[str, Any]:
    """What a new image carries for moderation (tests add images already in review)."""
    attributes: dict[str, Any] = {"owner_admin": image.owner_admin or None}
    if image.review_reasons:
        attributes["review_reasons"] = list(image.review_reasons)
    if image.possible_duplicate_of:
        attributes["possible_duplicate_of"] = image.possible_duplicate_of
    return attributes


def open_stage(image: Image) -> dict[str, str]:
    """`stage` and `stage_at` of an open image or one in review (listed on `by_stage`); none
    otherwise. Never an empty string: DynamoDB refuses one as an index key."""
    if image.status not in STAGED:
        return {}
    return {"stage": image.status.value, "stage_at": image.stage_at or image.created_at}


def as_image(item: Any) -> Image:
    """An item back into the domain Image."""
    facts = None
    if item.width is not None and item.format:
        facts = Facts(
            int(item.width),
            int(item.height),
            item.orientation,
            item.format,
            int(item.bytes),
            item.color or "",
            item.color_hex or "",
            item.blurhash or "",
            Camera.from_json(_plain(item.camera)),
        )
    raw = _plain(item.renditions)
    return Image(
        image_id=item.image_id,
        owner=item.owner,
        owner_name=item.owner_name,
        status=Status(item.status),
        created_at=item.created_at,
        updated_at=item.updated_at,
        title=item.title,
        description=item.description,
        tags=tuple(item.tags or ()),
        filename=item.filename,
        content_type=item.content_type,
        declared_bytes=int(item.declared_bytes or 0),
        reason=item.reason,
        facts=facts,
        renditions=renditions_from_json(raw),
        upload_pin=item.upload_pin or "",
        original=Original.from_json(_plain(item.original)),
        downloads=int(item.downloads or 0),
        deleted_by=item.deleted_by or "",
        stage_at=item.stage_at or "",
        repairs=int(item.repairs or 0),
        expected=tuple(item.expected or ()),
        version=int(item.version),
        **_moderation_fields(item),
    )


def _moderation_fields(item: Any) -> dict[str, Any]:
    """The Image's moderation fields from an item (absent on items written before them)."""
    return {
        "owner_admin": bool(item.owner_admin),
        "review_reasons": tuple(item.review_reasons or ()),
        "possible_duplicate_of": item.possible_duplicate_of or "",
        "reports": tuple(Report.from_json(_plain(r)) for r in item.reports or ()),
        "open_reports": int(item.open_reports or 0),
        "decisions": tuple(Decision.from_json(_plain(d)) for d in item.decisions or ()),
        "moderation_note": item.moderation_note or "",
        "phash": item.phash or "",
        "duplicate_of": item.duplicate_of or "",
        "profile_version": item.profile_version or "",
        "next_profile": NextProfile.from_json(_plain(item.next_profile)),
        "retiring": tuple(item.retiring or ()),
        "retiring_since": item.retiring_since or "",
    }


def _plain(value: Any) -> Any:
    """A map attribute as a dict (pynamodb hands back a MapAttribute or a dict)."""
    return value.as_dict() if hasattr(value, "as_dict") else value


def encode_cursor(key: dict[str, Any]) -> str:
    """An opaque cursor for a LastEvaluatedKey."""
    return base64.urlsafe_b64encode(json.dumps(key, sort_keys=True).encode()).decode()


def decode_key(cursor: str, names: set[str]) -> dict[str, Any]:
    """The LastEvaluatedKey behind a cursor of a listing keyed by `names` (strings)."""
    bad = InvalidInput("invalid_cursor", "The cursor is not one this service issued.")
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise bad from error
    if not isinstance(key, dict) or set(key) != names or not all(
        isinstance(v, dict) and isinstance(v.get("S"), str) for v in key.values()
    ):
        raise bad
    return key


def decode_cursor(cursor: str, owner: str) -> dict[str, Any]:
    """The LastEvaluatedKey behind a cursor, refused unless it is this owner's."""
    bad = InvalidInput("invalid_cursor", "The cursor is not one this API issued.")
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise bad from error
    if not isinstance(key, dict) or set(key) != {"image_id", "owner", "created_at"}:
        raise bad
    if key["owner"] != {"S": owner} or not all(
        isinstance(v, dict) and isinstance(v.get("S"), str) for v in key.values()
    ):
        raise bad
    return key
