"""Use case: upload quotas. A grant is admitted only within its owner's limits (counted by the
repository with conditional writes); a refusal says which limit, and when to try again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden, TooManyRequests
from chalicelib.domain.model import Image, Status
from chalicelib.domain.quotas import (
    Admission,
    in_words,
    next_midnight,
    pending_retry_after,
    seconds_until,
    terms_for,
    utc_day,
)
from chalicelib.services.deps import Deps


@dataclass(frozen=True)
class QuotaView:
    """A contributor's quotas as the upload page shows them."""

    pending: int
    max_pending: int
    today: int
    daily_limit: int | None  # None: not limited (admins)
    resets_at: str  # the next UTC midnight, ISO 8601


def admit(deps: Deps, principal: Principal, image: Image) -> None:
    """Record the new pending `image` within its owner's quotas, or raise TooManyRequests."""
    now = deps.clock.now()
    terms = terms_for(now, deps.limits, daily_exempt=principal.is_admin)
    outcome = deps.repo.add_pending(image, terms)
    if outcome is Admission.TOO_MANY_PENDING:
        held = still_pending(deps, image.owner, terms.day)
        if len(held) < terms.max_pending:  # a slot was held by a record long gone: retry
            outcome = deps.repo.add_pending(image, terms)
        if outcome is Admission.TOO_MANY_PENDING:
            raise _too_many_pending(deps, held, now)
    if outcome is Admission.DAILY_LIMIT:
        raise _daily_limit(deps, now)


def still_pending(deps: Deps, owner: str, day: str) -> list[Image]:
    """The owner's images that hold a slot and are pending; a slot held for a record that is
    gone or has moved on (the table's TTL dropped it, say) is freed on the way."""
    held = []
    for image_id in deps.repo.quota_usage(owner, day).pending:
        image = deps.repo.get(image_id)
        if image is not None and image.status is Status.PENDING and image.owner == owner:
            held.append(image)
        else:
            deps.repo.release_pending(owner, image_id)
    return held


def quota_view(deps: Deps, principal: Principal) -> QuotaView:
    """The caller's use of their quotas (contributors only)."""
    if not principal.is_contributor:
        raise Forbidden("not_a_contributor", "Only contributors can upload images.")
    now = deps.clock.now()
    usage = deps.repo.quota_usage(principal.sub, utc_day(now))
    limits = deps.limits
    return QuotaView(
        pending=len(usage.pending),
        max_pending=limits.upload_max_pending,
        today=usage.today,
        daily_limit=None if principal.is_admin else limits.upload_daily_limit,
        resets_at=next_midnight(now).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def _too_many_pending(deps: Deps, held: list[Image], now: datetime) -> TooManyRequests:
    oldest = min((_parse(image.created_at) for image in held), default=None)
    wait = pending_retry_after(oldest, now, deps.limits)
    return TooManyRequests(
        "too_many_pending",
        f"You have {len(held)} uploads waiting for their files, the most allowed at once "
        f"({deps.limits.upload_max_pending}). Each frees its place when its file arrives, or "
        f"some time after its upload link lapses. Try again in {in_words(wait)}.",
        wait,
    )


def _daily_limit(deps: Deps, now: datetime) -> TooManyRequests:
    wait = seconds_until(next_midnight(now), now)
    return TooManyRequests(
        "daily_limit",
        f"You have started {deps.limits.upload_daily_limit} uploads today, the most allowed "
        f"in one day. You can upload again after midnight UTC, in {in_words(wait)}.",
        wait,
    )


def _parse(stamp: str) -> datetime:
    """An image's created_at (ISO 8601 UTC, as Deps.now writes it)."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
