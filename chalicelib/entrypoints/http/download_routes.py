"""Download endpoint on the API blueprint: /images/{id}/download."""

from __future__ import annotations

from chalice.app import Response

from chalicelib import bootstrap
from chalicelib.entrypoints.http.errors import domain_errors
from chalicelib.entrypoints.http.routes import api, visitor
from chalicelib.services import downloads


@api.route("/images/{image_id}/download", methods=["GET"])
@domain_errors
def download(image_id: str) -> Response:
    """A short-lived link to save one size (?size=, `full` by default); counted."""
    params = api.current_request.query_params
    size = params.get("size") if params else None
    found = downloads.download(bootstrap.services().deps, image_id, size, visitor())
    body = {
        "url": found.url,
        "expires_in": found.expires_in,
        "filename": found.filename,
        "width": found.width,
        "height": found.height,
        "bytes": found.bytes,
        "format": found.format,
        "attribution": found.attribution,
        "downloads": found.downloads,
    }
    # Each answer is a new signed link and a counted download: never from a cache.
    return Response(body=body, status_code=200, headers={"Cache-Control": "no-store"})
