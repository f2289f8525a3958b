"""The API as the OpenAPI document shows it: each route's parameters, body, answers and every
error code it can give, with the limits' defaults (infra/openapi.py builds the document)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.display_names import MAX_DISPLAY_NAME_CHARS
from chalicelib.domain.limits import Limits
from chalicelib.domain.model import ACCEPTED_CONTENT_TYPES
from chalicelib.domain.moderation import DECISIONS, REPORT_REASONS
from chalicelib.domain.requests import MAX_FILENAME
from chalicelib.domain.search.model import MAX_PER_PAGE, Sort
from chalicelib.domain.search.query import COLORS, ORIENTATIONS
from chalicelib.services.images import MAX_PAGE

LIMITS = Limits()

# Every code an answer can carry, with its status (the registry's single table).
STATUS = {
    "invalid_json": 400, "invalid_body": 400, "invalid_filename": 400,
    "invalid_content_type": 400, "unsupported_type": 400, "invalid_size": 400,
    "too_large": 400, "invalid_title": 400, "invalid_description": 400, "invalid_tags": 400,
    "invalid_text": 400, "invalid_cursor": 400, "invalid_per_page": 400, "invalid_reason": 400,
    "invalid_note": 400, "invalid_decision": 400, "reason_required": 400, "invalid_days": 400,
    "invalid_display_name": 400, "display_name_reserved": 400,
    "too_many_display_names": 400, "query_too_long": 400, "invalid_date": 400,
    "invalid_camera": 400, "invalid_owner": 400, "invalid_sort": 400,
    "invalid_orientation": 400, "invalid_color": 400, "invalid_min_width": 400,
    "invalid_min_height": 400,
    "missing_token": 401, "invalid_token": 401,
    "forbidden_origin": 403, "not_owner": 403, "not_a_contributor": 403, "not_admin": 403,
    "reason_for_admins": 403,
    "image_not_found": 404, "no_original": 404, "insights_unavailable": 404,
    "display_name_taken": 409, "not_in_review": 409, "not_reportable": 409,
    "body_too_large": 413, "unsupported_media_type": 415,
    "too_many_pending": 429, "daily_limit": 429,
    "auth_unavailable": 503, "profiles_unavailable": 503,
}
# Chalice itself answers 415 to a Content-Type other than JSON, on every route (the fuzz suite
# found it; chalicelib/entrypoints/http/errors.py puts it in our shape).
FRAMEWORK = ("unsupported_media_type",)
EVERY_ROUTE = ("forbidden_origin", "body_too_large", *FRAMEWORK)
SIGNED_IN = ("missing_token", "invalid_token", "auth_unavailable")
OPTIONAL_TOKEN = ("invalid_token", "auth_unavailable")
TEXT_FIELDS = ("invalid_title", "invalid_description", "invalid_tags", "invalid_text")
SEARCH_CODES = ("query_too_long", "invalid_date", "invalid_camera", "invalid_owner",
                "invalid_sort", "invalid_orientation", "invalid_color", "invalid_min_width",
                "invalid_min_height", "invalid_per_page", "invalid_tags", "invalid_cursor")


@dataclass(frozen=True)
class Param:
    """A query parameter: its name, JSON schema and meaning."""

    name: str
    schema: dict[str, Any]
    description: str


@dataclass(frozen=True)
class Route:
    """One operation as the document shows it."""

    method: str
    path: str
    summary: str
    auth: str  # "none", "optional" or "required"
    ok: dict[int, str]
    errors: tuple[str, ...]
    params: tuple[Param, ...] = ()
    body: dict[str, Any] | None = None
    cache: str = field(default="")
    media: str = "application/json"  # what its own answers (in `ok`) are made of


def _int(low: int, high: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high}


def _text(limit: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit}


def enum_of(values: Any) -> dict[str, Any]:
    """A string schema allowing only `values`."""
    return {"type": "string", "enum": list(values)}


CURSOR = Param("cursor", {"type": "string"}, "The `next_cursor` of the previous page (signed).")
LIST_PAGE = Param("per_page", _int(1, MAX_PAGE), "Results per page (24 by default).")
SEARCH = LIMITS.search
MODERATION = LIMITS.moderation
METADATA = {
    "title": _text(LIMITS.max_title_chars),
    "description": _text(LIMITS.max_description_chars),
    "tags": {"type": "array", "maxItems": LIMITS.max_tags,
             "items": {"type": "string", "maxLength": LIMITS.max_tag_chars,
                       "pattern": "^[^,]*$"}},
}
UPLOAD_BODY = {
    "type": "object", "required": ["filename", "content_type", "size"],
    "properties": {
        "filename": {"type": "string", "minLength": 1, "maxLength": MAX_FILENAME},
        "content_type": enum_of(sorted(ACCEPTED_CONTENT_TYPES)),
        "size": _int(1, LIMITS.max_upload_bytes),
        **METADATA,
    },
}
SEARCH_PARAMS = (
    Param("q", _text(SEARCH.max_query_chars),
          "Words and operators (tag:, camera:, date:, desc:, #tag)."),
    Param("tags", {"type": "string"}, "Comma-separated tags every result carries."),
    Param("camera", {"type": "string"}, "Camera make or model."),
    Param("orientation", enum_of(ORIENTATIONS), "Shape of the photo."),
    Param("color", enum_of(COLORS), "Dominant colour."),
    Param("min_width", {"type": "integer", "minimum": 1}, "Smallest width in pixels."),
    Param("min_height", {"type": "integer", "minimum": 1}, "Smallest height in pixels."),
    Param("owner", {"type": "string", "pattern": "^[A-Za-z0-9:_-]{1,128}$"}, "A contributor."),
    Param("from", {"type": "string"}, "Taken on or after (day-month-year, month-year, year)."),
    Param("to", {"type": "string"}, "Taken on or before."),
    Param("sort", enum_of(s.value for s in Sort), "Order of the results."),
    Param("per_page", _int(1, MAX_PER_PAGE), "Results per page."),
    CURSOR,
)

ROUTES = (
    Route("GET", "/health", "Liveness: the API answers.", "none", {200: "The API answers."}, ()),
    Route("GET", "/openapi.json", "This document.", "none", {200: "The OpenAPI document."}, ()),
    Route("POST", "/uploads", "An upload grant for a signed-in contributor.", "required",
          {201: "A presigned POST for the file; Location names the image."},
          ("invalid_json", "invalid_body", "invalid_filename", "invalid_content_type",
           "unsupported_type", "invalid_size", "too_large", *TEXT_FIELDS,
           "not_a_contributor", "too_many_pending", "daily_limit"),
          body=UPLOAD_BODY),
    Route("GET", "/images/{image_id}", "One image; non-ready ones only for their owner and "
          "admins.", "optional", {200: "The image."}, ("image_not_found",)),
    Route("PATCH", "/images/{image_id}", "Edit title, description, tags.", "required",
          {200: "The edited image."},
          ("invalid_json", "invalid_body", *TEXT_FIELDS, "not_owner", "image_not_found"),
          body={"type": "object", "properties": METADATA}),
    Route("DELETE", "/images/{image_id}", "Remove the image and every file made from it.",
          "required", {204: "Deleted."},
          ("invalid_reason", "reason_for_admins", "not_owner",
           "image_not_found"),
          params=(Param("reason", _text(MODERATION.decision_note_chars),
                        "Why an admin removes it (admins only)."),)),
    Route("GET", "/images/{image_id}/similar", "Photos like a ready one.", "none",
          {200: "Similar photos."}, ("invalid_per_page", "image_not_found"),
          params=(Param("per_page", _int(1, SEARCH.similar_max_per_page),
                        f"Results ({SEARCH.similar_per_page} by default)."),)),
    Route("GET", "/images/{image_id}/download", "A short-lived link to one size; counted.",
          "optional", {200: "A signed link (never cached)."},
          ("invalid_size", "not_owner", "no_original", "image_not_found"),
          params=(Param("size", {"type": "string"}, "A rendition name or `full` (default)."),)),
    Route("POST", "/images/{image_id}/report", "Report a published photo.", "required",
          {202: "Counted.", 200: "This person had already reported it."},
          ("invalid_json", "invalid_reason", "invalid_note", "invalid_text",
           "not_reportable", "image_not_found"),
          body={"type": "object", "required": ["reason"],
                "properties": {"reason": enum_of(REPORT_REASONS),
                               "note": _text(MODERATION.report_note_chars)}}),
    Route("GET", "/me/images", "The caller's images, newest first, any status.", "required",
          {200: "A page of images."}, ("invalid_cursor", "invalid_per_page"),
          params=(CURSOR, LIST_PAGE)),
    Route("GET", "/me/quota", "The caller's upload quotas.", "required",
          {200: "Pending and daily counts with their limits."}, ("not_a_contributor",)),
    Route("GET", "/me/profile", "The caller's public name.", "required",
          {200: "The name and whether it is claimed."}, ("profiles_unavailable",)),
    Route("PUT", "/me/profile", "Claim a public name.", "required", {200: "The claimed name."},
          ("invalid_json", "invalid_display_name", "display_name_reserved",
           "too_many_display_names", "display_name_taken", "invalid_text",
           "profiles_unavailable"),
          body={"type": "object", "required": ["display_name"],
                "properties": {"display_name": _text(MAX_DISPLAY_NAME_CHARS)}}),
    Route("GET", "/review", "Photos waiting for review, longest waiting first (admins).",
          "required", {200: "A page of photos in review."},
          ("not_admin", "invalid_cursor", "invalid_per_page"), params=(CURSOR, LIST_PAGE)),
    Route("POST", "/review/{image_id}", "Approve or reject a photo in review (admins).",
          "required", {200: "The decided image."},
          ("invalid_json", "invalid_decision", "reason_required", "invalid_note",
           "invalid_text", "not_admin", "not_in_review", "image_not_found"),
          body={"type": "object", "required": ["decision"],
                "properties": {"decision": enum_of(DECISIONS),
                               "reason": _text(MODERATION.decision_note_chars)}}),
    Route("GET", "/search", "Ready images matching words and filters, with facets.", "none",
          {200: "A page of results with facets and a cursor; `match` is `all` when every"
               " word matched, `most` when none had them all and these have most."}, SEARCH_CODES,
          params=SEARCH_PARAMS),
    Route("GET", "/share/images/{image_id}",
          "A photo's link preview for crawlers (HTML with Open Graph and Twitter card tags).",
          "none", {200: "HTML with the tags.", 404: "HTML without tags: no such ready photo."},
          (), media="text/html"),
    Route("GET", "/suggest", "Completions for what the user is typing.", "none",
          {200: "Suggestions."}, ("query_too_long",),
          params=(Param("q", _text(SEARCH.max_query_chars), "What was typed so far."),)),
    Route("GET", "/insights/wanted", "Top searches that found nothing (contributors).",
          "required", {200: "Queries with counts."},
          ("not_a_contributor", "insights_unavailable", "invalid_days"),
          params=(Param("days", _int(1, LIMITS.wanted.keep_days), "How many days back."),)),
)
