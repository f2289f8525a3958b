"""The Cognito user pool as a directory of display names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

MAX_NAME_CHARS = 80


class CognitoDirectory:
    """Reads the caller's own `name` attribute with GetUser, authorised by their access token.

    GetUser needs no IAM permission: the token is the authority, so the API reads nothing but
    the profile of the user who is calling.
    """

    def __init__(self, make_client: Callable[[], Any]) -> None:
        # Made on first use: every function builds Services, only the upload route needs this.
        self._make_client = make_client
        self._client: Any = None

    def display_name(self, access_token: str) -> str:
        """The user's `name` attribute, trimmed; "" when unset or unreadable."""
        if self._client is None:
            self._client = self._make_client()
        try:
            user = self._client.get_user(AccessToken=access_token)
        except (ClientError, BotoCoreError):
            return ""  # a credit line is not worth failing an upload over
        attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        name = " ".join(str(attributes.get("name", "")).split())
        return name[:MAX_NAME_CHARS]
