"""Use cases: which finished photos wait for review, the review queue, an admin's decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.auth import Principal
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.listing_cursors import seal, unseal
from chalicelib.domain.model import Image, Status, is_image_id
from chalicelib.domain.moderation import Decision, parse_decision
from chalicelib.logs import child_logger
from chalicelib.ports import Page
from chalicelib.services.access import not_found
from chalicelib.services.deps import Deps
from chalicelib.services.duplicates import unindex
from chalicelib.services.publishing import remove_public_renditions

log = child_logger(__name__)
MAX_PAGE = 100


def _admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("not_admin", "Only admins review photos.")


def review_queue(deps: Deps, principal: Principal, cursor: str | None, limit: int) -> Page:
    """Photos waiting for review, longest waiting first (admins only)."""
    _admin(principal)
    secret = deps.cursor_secret()
    # One queue shared by every admin: a cursor is bound to the listing, not to who asked.
    page = deps.repo.review_queue(limit, unseal(secret, "review", "admins", cursor))
    return Page(page.items, seal(secret, "review", "admins", page.next_cursor))


def decide(deps: Deps, principal: Principal, image_id: str, body: Any) -> Image:
    """Approve (ready, and so indexed) or reject (rejected, reason `moderation`, the admin's
    words kept for the owner) a photo in review; 409 `not_in_review` for any other, so of two
    decisions on one photo exactly one counts.

    A rejection withdraws the photo from the public: the status write is the commit point,
    then its public renditions leave the bucket and the CDN. The original (and the private
    full-size file) stay for the owner, the record stays `rejected` with the admin's words,
    the search document goes with the status (the indexer drops anything not ready). If the
    process dies, or S3 or CloudFront fail, after the write, the write's stream record
    finishes the purge (`finish_withdrawals`, in the indexer), and failing that the sweeper's
    orphan phase removes renditions no record claims."""
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
    if decided.renditions_withdrawn:
        _withdraw_now(deps, decided)
    if decided.status is Status.REJECTED:
        _unindex_now(deps, decided)
    return decided


def _unindex_now(deps: Deps, image: Image) -> None:
    """Best effort: a rejected image no longer matches by its status whatever the band index
    holds; its entries only cost a candidate read until removed."""
    try:
        unindex(deps, image)
    except Exception:  # the decision stands
        log.warning("band index entries left", extra={"image_id": image.image_id},
                    exc_info=True)


def _withdraw_now(deps: Deps, image: Image) -> None:
    """Best effort at once: the decision is already made, and the stream finishes the rest."""
    try:
        remove_public_renditions(deps, image)
    except Exception:  # the stream record retries it; the admin's answer stands
        log.warning("renditions left to the stream", extra={"image_id": image.image_id},
                    exc_info=True)


def withdrawn_by(old: Image | None, new: Image | None) -> bool:
    """Whether this stream record is the one that withdrew an image from the public (its
    move to rejected with renditions cut): that record, and only it, carries the purge."""
    return (new is not None and new.renditions_withdrawn and bool(new.renditions)
            and (old is None or not old.renditions_withdrawn))


def finish_withdrawals(deps: Deps, records: Sequence[tuple[Image | None, Image | None]]) -> int:
    """Purge the public renditions of every image these stream records withdrew (again, if
    the API did already: it is idempotent); raises on failure so the batch is retried."""
    done = 0
    for old, new in records:
        if new is not None and withdrawn_by(old, new):
            remove_public_renditions(deps, new)
            done += 1
    return done
