"""Use cases: which finished photos wait for review, the review queue, an admin's decision."""

from __future__ import annotations

from typing import Any

from chalicelib.auth import Principal
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.model import Image, Status, is_image_id
from chalicelib.domain.moderation import Decision, parse_decision
from chalicelib.logs import child_logger
from chalicelib.ports import Page
from chalicelib.services.access import not_found
from chalicelib.services.deps import Deps

log = child_logger(__name__)
MAX_PAGE = 100


def _admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("not_admin", "Only admins review photos.")


def review_queue(deps: Deps, principal: Principal, cursor: str | None, limit: int) -> Page:
    """Photos waiting for review, longest waiting first (admins only)."""
    _admin(principal)
    return deps.repo.review_queue(limit, cursor)


def decide(deps: Deps, principal: Principal, image_id: str, body: Any) -> Image:
    """Approve (ready, and so indexed) or reject (rejected, reason `moderation`, the admin's
    words kept for the owner) a photo in review; 409 `not_in_review` for any other, so of two
    decisions on one photo exactly one counts."""
    _admin(principal)
    choice, note = parse_decision(body, deps.limits.moderation)
    current = deps.repo.get(image_id) if is_image_id(image_id) else None
    if current is None or current.status is Status.DELETED:
        raise not_found(image_id)
    reasons = current.review_reasons
    decision = Decision(principal.sub, deps.now(), choice, note, reasons)
    decided = deps.repo.decide(image_id, decision)
    if decided is None:
        raise Conflict("not_in_review", "This photo is not waiting for review.")
    log.info("review decision", extra={"image_id": image_id, "decision": choice})
    return decided
