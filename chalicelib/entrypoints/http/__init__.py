"""HTTP entrypoints: the API blueprint and its middleware (error shape, origin check)."""

from chalicelib.entrypoints.http import (
    download_routes,
    errors,
    insights_routes,
    openapi_routes,
    origin,
    profile_routes,
    review_routes,
    search_routes,
    share_routes,
)
from chalicelib.entrypoints.http.routes import api

__all__ = ["api", "download_routes", "errors", "insights_routes", "openapi_routes", "origin",
           "profile_routes", "review_routes", "search_routes", "share_routes"]
