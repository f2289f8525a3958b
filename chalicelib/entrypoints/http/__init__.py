"""HTTP entrypoints: the API blueprint and the error middleware."""

from chalicelib.entrypoints.http import errors
from chalicelib.entrypoints.http.routes import api

__all__ = ["api", "errors"]
