"""The caller's public profile on the API blueprint: GET and PUT /me/profile."""

from __future__ import annotations

from typing import Any

from chalicelib import bootstrap
from chalicelib.domain.errors import InvalidInput, Unavailable
from chalicelib.entrypoints.http.errors import domain_errors
from chalicelib.entrypoints.http.routes import (
    _json_body,
    _signed_in,
    api,
    chosen_name,
)
from chalicelib.ports import NameRegistry
from chalicelib.services import profiles


def _names(services: bootstrap.Services) -> NameRegistry:
    if services.names is None:
        raise Unavailable("profiles_unavailable", "Public names cannot be changed right now.")
    return services.names


@api.route("/me/profile", methods=["GET"])
@domain_errors
def my_profile() -> dict[str, Any]:
    """The caller's public name: the one they hold, else the one given at sign-up (unclaimed)."""
    services = bootstrap.services()
    current = profiles.current_name(_names(services), _signed_in())
    if current is not None:
        return {"display_name": current.shown, "claimed": True}
    return {"display_name": chosen_name(services) or None, "claimed": False}


@api.route("/me/profile", methods=["PUT"])
@domain_errors
def put_profile() -> dict[str, Any]:
    """Claim a public name: 400 reserved or malformed, 409 held by another contributor."""
    services = bootstrap.services()
    body = _json_body()
    if not isinstance(body, dict) or "display_name" not in body:
        raise InvalidInput("invalid_display_name", 'Send {"display_name": "<your name>"}.')
    claim = profiles.set_display_name(services.deps, _names(services), _signed_in(),
                                      body["display_name"])
    return {"display_name": claim.shown, "claimed": True}
