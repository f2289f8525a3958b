"""Insights endpoints on the API blueprint: /insights/wanted."""

from __future__ import annotations

from typing import Any

from chalicelib import bootstrap
from chalicelib.domain.errors import NotFound
from chalicelib.entrypoints.http.errors import domain_errors
from chalicelib.entrypoints.http.routes import _query, _signed_in, api
from chalicelib.services import insights


@api.route("/insights/wanted", methods=["GET"])
@domain_errors
def wanted() -> dict[str, Any]:
    """What people searched for and could not find: the top queries over the last days."""
    services = bootstrap.services()
    principal = _signed_in()
    if services.wanted_store is None:
        raise NotFound("insights_unavailable", "Search insights are not kept here.")
    deps = services.deps
    found = insights.wanted(services.wanted_store, principal, _query("days"),
                            deps.clock.now(), deps.limits.wanted)
    return {
        "queries": [
            {"query": q.query, "count": q.count, "last_seen": q.last_seen} for q in found
        ],
    }
