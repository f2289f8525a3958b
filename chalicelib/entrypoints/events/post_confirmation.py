"""Cognito post-confirmation trigger body: every newly confirmed user joins `contributors`."""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import Services
from chalicelib.domain.model import CONTRIBUTORS
from chalicelib.observability import logger

# A forgotten-password confirmation fires the same trigger; only a sign-up adds to the group.
SIGN_UP = "PostConfirmation_ConfirmSignUp"


def handle(event: dict[str, Any], services: Services) -> dict[str, Any]:
    """Add the confirmed user to contributors; Cognito expects the event back unchanged."""
    if event.get("triggerSource") != SIGN_UP:
        return event
    if services.memberships is None:
        raise RuntimeError("Services has no group membership: bootstrap.build wires one")
    # Adding a member again is no change, so a retried trigger is harmless. An error is
    # raised, not swallowed: the confirmation then fails visibly and the Errors alarm fires.
    services.memberships.add_to_group(event["userPoolId"], event["userName"], CONTRIBUTORS)
    logger.info("user joined contributors", extra={"user_pool_id": event["userPoolId"]})
    return event
