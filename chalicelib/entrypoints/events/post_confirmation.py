"""Cognito post-confirmation trigger body: every newly confirmed user joins `contributors`.

The trigger's role may call AdminAddUserToGroup on the whole pool (IAM has no condition key for
the group), so the group comes from Settings.signup_group, which config refuses to be anything
but `contributors`."""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import Services
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
    group = services.settings.signup_group
    services.memberships.add_to_group(event["userPoolId"], event["userName"], group)
    logger.info("user joined a group", extra={"user_pool_id": event["userPoolId"], "group": group})
    return event
