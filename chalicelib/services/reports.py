"""Use case: anyone signed in reports a ready photo; enough people send it back to review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.auth import Principal
from chalicelib.domain.errors import Conflict
from chalicelib.domain.model import Status
from chalicelib.domain.moderation import Report, parse_report
from chalicelib.logs import child_logger
from chalicelib.services.access import visible_image
from chalicelib.services.deps import Deps

log = child_logger(__name__)


@dataclass(frozen=True)
class ReportReceipt:
    """What a report came to: counted (False: this person had reported it already) and
    whether it sent the photo back to review."""

    counted: bool
    held: bool


def report_image(deps: Deps, principal: Principal, image_id: str, body: Any) -> ReportReceipt:
    """One report per person per photo, ready photos only (404 when not visible, 409
    `not_reportable` when visible but not ready); at the threshold of distinct people since
    the last review decision the photo goes back to review (reason `reported`)."""
    policy = deps.limits.moderation
    reason, note = parse_report(body, policy)
    image = visible_image(deps, image_id, principal)
    if image.status is not Status.READY:
        raise Conflict("not_reportable", "Only published photos can be reported.")
    count = deps.repo.add_report(image_id, Report(principal.sub, reason, note, deps.now()))
    if count is None:
        if _reported_before(deps, image_id, principal.sub):
            return ReportReceipt(counted=False, held=False)
        raise Conflict("not_reportable", "Only published photos can be reported.")
    held = count >= policy.report_threshold and deps.repo.hold_reported(image_id, deps.now())
    if held:
        log.info("photo reported back to review", extra={"image_id": image_id, "reports": count})
    return ReportReceipt(counted=True, held=held)


def _reported_before(deps: Deps, image_id: str, reporter: str) -> bool:
    image = deps.repo.get(image_id)
    return image is not None and any(r.reporter == reporter for r in image.reports)
