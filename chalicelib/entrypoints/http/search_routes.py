"""Search endpoints on the API blueprint: /search, /suggest and /images/{id}/similar."""

from __future__ import annotations

from chalice.app import Response

from chalicelib import bootstrap
from chalicelib.entrypoints.http.errors import domain_errors
from chalicelib.entrypoints.http.routes import api
from chalicelib.entrypoints.http.serialize import facets_json, summary_json
from chalicelib.services import insights
from chalicelib.services import search as search_service
from chalicelib.services import similar as similar_service

# No server-side result cache: CloudFront may keep an anonymous answer this long.
PUBLIC_CACHE = "public, max-age=10"
PRIVATE_CACHE = "private, no-store"


def _cache_control() -> str:
    signed_in = api.current_request.headers.get("authorization")
    return PRIVATE_CACHE if signed_in else PUBLIC_CACHE


def _params() -> dict[str, str]:
    params = api.current_request.query_params
    return dict(params) if params else {}


@api.route("/search", methods=["GET"])
@domain_errors
def search() -> Response:
    """Ready images matching words and filters, with facets and a cursor."""
    services = bootstrap.services()
    deps = services.deps
    limits = deps.limits.search
    params = _params()
    answer = search_service.search(deps.search_index(), params, deps.cursor_secret(), limits)
    if services.wanted_counter is not None and answer.query is not None:
        # A search no photo matched in full is still wanted, whatever "most words" found.
        found = answer.page.total if answer.match == "all" else 0
        insights.note_search(services.wanted_counter, answer.query, not params.get("cursor"),
                             found, deps.clock.now(), deps.limits.wanted)
    body = {
        "total": answer.page.total,
        # "gte": more results match than `total` (totals are exact up to a cap).
        "total_relation": "eq" if answer.page.total_exact else "gte",
        "results": [summary_json(doc, deps.renditions) for doc in answer.page.hits],
        "facets": facets_json(answer.page.facets),
        "next_cursor": answer.next_cursor,
        "fuzzy": answer.fuzzy,
        # "most": no photo had every word; these have most of them, the most matched first.
        "match": answer.match,
        "approximate_facets": answer.page.approximate,
    }
    return Response(body=body, headers={"Cache-Control": _cache_control()})


@api.route("/suggest", methods=["GET"])
@domain_errors
def suggest() -> Response:
    """Completions for what the user is typing."""
    deps = bootstrap.services().deps
    text = _params().get("q", "")
    suggestions = search_service.suggest(deps.search_index(), text, deps.limits.search)
    return Response(body={"suggestions": suggestions}, headers={"Cache-Control": _cache_control()})


@api.route("/images/{image_id}/similar", methods=["GET"])
@domain_errors
def similar(image_id: str) -> Response:
    """Photos like a ready one: look-alikes first, then those sharing tags and colour."""
    deps = bootstrap.services().deps
    found = similar_service.similar(deps, image_id, _params().get("per_page"))
    body = {"results": [summary_json(doc, deps.renditions) for doc in found]}
    return Response(body=body, headers={"Cache-Control": _cache_control()})
