"""Moderation on the API blueprint: the review queue and decisions (admins), reports (anyone
signed in)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from chalice.app import Response

from chalicelib import bootstrap
from chalicelib.domain.model import Image
from chalicelib.entrypoints.http.errors import domain_errors
from chalicelib.entrypoints.http.routes import _json_body, _page_size, _query, _signed_in, api
from chalicelib.entrypoints.http.serialize import image_json
from chalicelib.ports import BlobStore
from chalicelib.services import reports, review


@api.route("/review", methods=["GET"])
@domain_errors
def review_queue() -> dict[str, Any]:
    """Photos waiting for review, longest waiting first, each with why (admins; 403)."""
    services = bootstrap.services()
    principal = _signed_in()  # before parsing: a stranger learns nothing from a 400
    page = review.review_queue(
        services.deps, principal, _query("cursor"), _page_size(_query("per_page"))
    )
    store = services.deps.renditions
    return {"results": [review_json(i, store) for i in page.items],
            "next_cursor": page.next_cursor}


@api.route("/review/{image_id}", methods=["POST"])
@domain_errors
def decide(image_id: str) -> dict[str, Any]:
    """Approve or reject a photo in review (admins; 409 `not_in_review` otherwise)."""
    services = bootstrap.services()
    image = review.decide(services.deps, _signed_in(), image_id, _json_body())
    return review_json(image, services.deps.renditions)


@api.route("/images/{image_id}/report", methods=["POST"])
@domain_errors
def report(image_id: str) -> Response:
    """Report a published photo: 202 when counted, 200 when this person had reported it."""
    receipt = reports.report_image(bootstrap.services().deps, _signed_in(), image_id,
                                   _json_body())
    body = {"counted": receipt.counted, "in_review": receipt.held}
    return Response(body=body, status_code=202 if receipt.counted else 200)


def review_json(image: Image, store: BlobStore) -> dict[str, Any]:
    """An image as the review page shows it: the public form plus why it is in review, the
    open reports, and every decision so far."""
    open_reports = image.reports[len(image.reports) - image.open_reports:]
    body = image_json(image, store)
    body["review"] = {
        "reasons": list(image.review_reasons),
        "possible_duplicate_of": image.possible_duplicate_of or None,
        "reports": {
            "count": image.open_reports,
            "reasons": dict(Counter(r.reason for r in open_reports)),
            "notes": [r.note for r in open_reports if r.note],
        },
        "decisions": [d.as_json() for d in image.decisions],
    }
    return body
