"""HTTP entrypoints: the API blueprint and the error middleware."""

from chalicelib.entrypoints.http import download_routes, errors, profile_routes, search_routes
from chalicelib.entrypoints.http.routes import api

__all__ = ["api", "download_routes", "errors", "profile_routes", "search_routes"]
