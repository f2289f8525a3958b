"""What the HTTP runner needs from the running stack before fuzzing: tokens for three users
(as `make token` gets them), moto's signing key for forgeries, real image ids and cursors."""

from __future__ import annotations

import json
from typing import Any

import jwt
import requests

from infra.fuzz.contract import server_prefix
from infra.fuzz.report import USERS
from infra.fuzz.strategies import Context
from infra.fuzz.tokens import Forge, Signer
from infra.local.clients import client
from infra.local.token import DEFAULT_PASSWORD, issue_token

UPLOAD = {"filename": "fuzz.jpg", "content_type": "image/jpeg", "size": 2048, "title": "Fuzz",
          "tags": ["fuzz"]}
UPLOADS_PER_USER = 2


def moto_signer(token: str) -> Signer | None:
    """moto signs every pool's tokens with one bundled key: forgeries signed with it get past
    the signature check and test the claim checks. None if the stack's tokens use another."""
    from moto.cognitoidp.models import load_resource

    key = load_resource("cognitoidp/resources/jwks-private.json")
    if jwt.get_unverified_header(token).get("kid") != key["kid"]:
        return None
    return Signer(jwt.PyJWK(key).key, key["kid"])


def forge(moto_endpoint: str, pool_id: str, client_id: str) -> Forge:
    """Valid tokens for the three users (created if needed) and the forgeries made from them."""
    cognito = client("cognito-idp", moto_endpoint)
    valid = {role: issue_token(cognito, pool_id, client_id, user, group, DEFAULT_PASSWORD)
             for role, (user, group) in USERS.items()}
    return Forge(valid, moto_signer(valid["contributor"]))


def _call(base: str, method: str, path: str, token: str = "", body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.request(method, base + path, headers=headers, timeout=30,
                              data=json.dumps(body) if body is not None else None)
    return answer.json() if answer.headers.get("Content-Type", "").startswith(
        "application/json") else None


def context(base_url: str, forged: Forge, others: bool = True) -> Context:
    """Upload grants (pending images) per user, real cursors, and unless `others` is False
    the ready images search finds (the admin token may then delete or decide on them)."""
    base = base_url + server_prefix()
    ctx = Context(forged)
    for role in USERS:
        for _ in range(UPLOADS_PER_USER):
            made = _call(base, "POST", "/uploads", forged.token(role), UPLOAD) or {}
            ctx.image_ids += [made["image_id"]] if "image_id" in made else []
    found = (_call(base, "GET", "/search?per_page=5") or {}) if others else {}
    ctx.image_ids += [hit["id"] for hit in found.get("results", []) if "id" in hit]
    pages = [("/me/images?per_page=1", "contributor"), ("/search?per_page=1", ""),
             ("/review?per_page=1", "admin")]
    for path, role in pages:
        page = _call(base, "GET", path, forged.token(role) if role else "") or {}
        if page.get("next_cursor"):
            ctx.cursors.append(page["next_cursor"])
    return ctx
