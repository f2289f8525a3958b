"""Link previews locally: the front serves /images/<id> with Open Graph and Twitter card tags.

In AWS the same tags come from the API (docs/decisions/share-previews.md); both build them
with chalicelib.entrypoints.http.share_tags from the photo's public JSON.
"""

from __future__ import annotations

import json
import re
from typing import Protocol
from urllib.parse import quote

from chalicelib.entrypoints.http.share_tags import share_tags, with_share_tags

IMAGE_PAGE = re.compile(r"^/images/([^/]+)/?$")

Reply = tuple[int, dict[str, object], bytes]


class Api(Protocol):
    """What answers /api requests (infra.local.gateway.ApiGateway)."""

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Reply:
        """One API request."""
        ...


def image_page_id(path: str) -> str | None:
    """The image id of a photo page's (decoded) path, else None."""
    found = IMAGE_PAGE.match(path)
    return found.group(1) if found else None


def shared_page(api: Api, path: str, origin: str, page: bytes) -> bytes:
    """index.html for `path`, with preview tags when it is a ready photo's page."""
    image_id = image_page_id(path)
    if image_id is None:
        return page
    quoted = quote(image_id, safe="")
    status, _, body = api.handle("GET", f"/images/{quoted}", {}, None)
    if status != 200:
        return page
    try:
        image = json.loads(body)
    except ValueError:
        return page
    tags = share_tags(image, f"{origin}/images/{quoted}") if isinstance(image, dict) else ""
    return with_share_tags(page.decode("utf-8"), tags).encode("utf-8")
