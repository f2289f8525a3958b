"""The HTTP API: parse -> use case -> serialise. Mounted under /api by the front door."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import Response

from chalicelib import bootstrap
from chalicelib.auth import Principal
from chalicelib.auth.tokens import bearer_token
from chalicelib.domain.errors import InvalidInput, Unauthenticated
from chalicelib.domain.numbers import whole_number
from chalicelib.entrypoints.http.errors import domain_errors
from chalicelib.entrypoints.http.serialize import image_json
from chalicelib.services import deletion, images, profiles, quotas, uploads

api = Blueprint(__name__)
DEFAULT_PAGE = 24


def _token() -> str | None:
    return bearer_token(api.current_request.headers.get("authorization"))


def visitor() -> Principal | None:
    """The caller when a token came (it must then be valid), else an anonymous visitor."""
    token = _token()
    return None if token is None else bootstrap.services().verifier.verify(token)


def _signed_in() -> Principal:
    """The caller, who must send a valid token."""
    token = _token()
    if token is None:
        raise Unauthenticated("missing_token", "Sign in: send `Authorization: Bearer <token>`.")
    return bootstrap.services().verifier.verify(token)


def chosen_name(services: bootstrap.Services) -> str:
    """The name the caller gave at sign-up, read with their own (already verified) token."""
    token = _token()
    if services.directory is None or token is None:
        return ""
    return services.directory.display_name(token)


def _credit(services: bootstrap.Services, principal: Principal) -> str:
    """The credit the caller's upload is published with: a name they hold, or a neutral one."""
    if services.names is None:
        return uploads.public_owner_name(principal)
    chosen = profiles.upload_credit(services.deps, services.names, principal,
                                    lambda: chosen_name(services))
    return chosen or uploads.public_owner_name(principal)


def _json_body() -> Any:
    try:
        return api.current_request.json_body
    except Exception as error:  # Chalice raises BadRequestError on invalid JSON
        raise InvalidInput("invalid_json", "The request body is not valid JSON.") from error


def _query(name: str) -> str | None:
    params = api.current_request.query_params
    return params.get(name) if params else None


@api.route("/health", methods=["GET"])
def health() -> dict[str, Any]:
    """Liveness: the API answers."""
    return {"status": "ok"}


@api.route("/uploads", methods=["POST"])
@domain_errors
def create_upload() -> Response:
    """An upload grant for a signed-in contributor."""
    services = bootstrap.services()
    principal = _signed_in()
    grant = uploads.request_upload(services.deps, principal, _json_body(),
                                   _credit(services, principal))
    body = {
        "image_id": grant.image_id,
        "upload": {"url": grant.url, "fields": grant.fields},
        "expires_in": grant.expires_in,
    }
    return Response(
        body=body, status_code=201, headers={"Location": f"/api/images/{grant.image_id}"}
    )


@api.route("/images/{image_id}", methods=["GET"])
@domain_errors
def get_image(image_id: str) -> dict[str, Any]:
    """One image; non-ready ones only for their owner and admins."""
    services = bootstrap.services()
    image = images.get_image(services.deps, image_id, visitor())
    return image_json(image, services.deps.renditions, services.deps.limits)


@api.route("/images/{image_id}", methods=["PATCH"])
@domain_errors
def patch_image(image_id: str) -> dict[str, Any]:
    """Edit title, description, tags."""
    services = bootstrap.services()
    image = images.update_image(services.deps, _signed_in(), image_id, _json_body())
    return image_json(image, services.deps.renditions)


@api.route("/images/{image_id}", methods=["DELETE"])
@domain_errors
def delete_image(image_id: str) -> Response:
    """Remove the image and every file made from it (admins may give ?reason=)."""
    deletion.delete_image(bootstrap.services().deps, _signed_in(), image_id, _query("reason"))
    return Response(body="", status_code=204)


@api.route("/me/images", methods=["GET"])
@domain_errors
def my_images() -> dict[str, Any]:
    """The caller's images, newest first, any status."""
    services = bootstrap.services()
    principal = _signed_in()  # before parsing: a stranger learns nothing from a 400
    page = images.list_mine(services.deps, principal, _query("cursor"),
                            _page_size(_query("per_page")))
    return {
        "results": [image_json(i, services.deps.renditions, services.deps.limits)
                    for i in page.items],
        "next_cursor": page.next_cursor,
    }


@api.route("/me/quota", methods=["GET"])
@domain_errors
def my_quota() -> dict[str, Any]:
    """The caller's upload quotas: grants waiting for files, and grants today."""
    view = quotas.quota_view(bootstrap.services().deps, _signed_in())
    return {
        "pending": view.pending,
        "max_pending": view.max_pending,
        "today": view.today,
        "daily_limit": view.daily_limit,
        "resets_at": view.resets_at,
    }


def _page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE
    return whole_number(raw, "per_page", 1, images.MAX_PAGE)
