"""Cognito post-confirmation trigger body: every newly confirmed user joins `contributors`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

from chalicelib.domain.model import CONTRIBUTORS
from chalicelib.observability import logger

# A forgotten-password confirmation fires the same trigger; only a sign-up adds to the group.
SIGN_UP = "PostConfirmation_ConfirmSignUp"


class GroupAdmin(Protocol):
    """The one Cognito call the trigger makes (a boto3 cognito-idp client has it)."""

    def admin_add_user_to_group(self, **kwargs: Any) -> Any:
        """Add a user to a group; adding a member again succeeds."""


@lru_cache(maxsize=4)
def default_client(region: str) -> GroupAdmin:
    """A cognito-idp client for the pool's region, made once per container."""
    import boto3  # lazily: the API and event Lambdas never need this client

    client: GroupAdmin = boto3.session.Session().client("cognito-idp", region_name=region)
    return client


def handle(event: dict[str, Any], client: GroupAdmin) -> dict[str, Any]:
    """Add the confirmed user to contributors; Cognito expects the event back unchanged."""
    if event.get("triggerSource") != SIGN_UP:
        return event
    # AdminAddUserToGroup is idempotent, so a retried trigger changes nothing. An error is
    # raised, not swallowed: the confirmation then fails visibly and the Errors alarm fires.
    client.admin_add_user_to_group(
        UserPoolId=event["userPoolId"], Username=event["userName"], GroupName=CONTRIBUTORS
    )
    logger.info("user joined contributors", extra={"user_pool_id": event["userPoolId"]})
    return event
