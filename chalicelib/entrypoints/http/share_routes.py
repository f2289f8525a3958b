"""GET /share/images/{id}: what link-preview crawlers get for a photo's page in AWS.

CloudFront's viewer function sends only known preview crawlers (by User-Agent) of
/images/<id> here; people get the web app from S3 as before (docs/decisions/share-previews.md).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from chalice.app import Response

from chalicelib import bootstrap
from chalicelib.domain.errors import DomainError
from chalicelib.entrypoints.http.routes import api
from chalicelib.entrypoints.http.serialize import image_json
from chalicelib.entrypoints.http.share_tags import crawler_page
from chalicelib.services import images

# Crawlers re-fetch rarely; an edit shows in previews within this many seconds.
SHARE_CACHE = "public, max-age=300"


def site_origin(renditions_base_url: str) -> str:
    """The public site's origin (scheme and host), which also serves /renditions/."""
    parts = urlsplit(renditions_base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@api.route("/share/images/{image_id}", methods=["GET"])
def share_image(image_id: str) -> Response:
    """A ready photo's title, description and image as Open Graph and Twitter card tags."""
    services = bootstrap.services()
    page_url = f"{site_origin(services.settings.renditions_base_url)}/images/{quote(image_id)}"
    try:
        image = images.get_image(services.deps, image_id, None)  # as an anonymous visitor
        found = image_json(image, services.deps.renditions)
    except DomainError:
        found = None
    status = 200 if found is not None else 404
    headers: dict[str, str | list[str]] = {
        "Content-Type": "text/html; charset=utf-8", "Cache-Control": SHARE_CACHE}
    return Response(body=crawler_page(found, page_url), status_code=status, headers=headers)
