"""The Cognito user pool: a directory of display names, and the groups users join."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.aws import LazyClient

MAX_NAME_CHARS = 80


class CognitoDirectory:
    """Reads the caller's own `name` attribute with GetUser, authorised by their access token.

    GetUser needs no IAM permission: the token is the authority, so the API reads nothing but
    the profile of the user who is calling.
    """

    def __init__(self, make_client: Callable[[], Any]) -> None:
        self._client = LazyClient(make_client)

    def display_name(self, access_token: str) -> str:
        """The user's `name` attribute, trimmed; "" when unset or unreadable."""
        client = self._client()  # outside the try: a client that cannot be made is a wiring fault
        try:
            user = client.get_user(AccessToken=access_token)
        except (ClientError, BotoCoreError):
            return ""  # a credit line is not worth failing an upload over
        attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        name = " ".join(str(attributes.get("name", "")).split())
        return name[:MAX_NAME_CHARS]


class CognitoGroups:
    """Adds users to the pool's groups with AdminAddUserToGroup (an IAM-authorised call)."""

    def __init__(self, make_client: Callable[[], Any]) -> None:
        self._client = LazyClient(make_client)

    def add_to_group(self, pool_id: str, username: str, group: str) -> None:
        """Put the user in the group; Cognito's call is idempotent, errors are raised."""
        self._client().admin_add_user_to_group(
            UserPoolId=pool_id, Username=username, GroupName=group
        )
