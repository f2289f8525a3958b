"""Secrets Manager: the values of a secret, read through boto3 (one reader per technology)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

CURRENT = "AWSCURRENT"
PREVIOUS = "AWSPREVIOUS"


class SecretsManagerReader:
    """Reads secret strings by id (name or ARN). It keeps nothing and logs nothing: callers
    decide how long a value lives in memory."""

    def __init__(self, client: Callable[[], Any]) -> None:
        self._client = client

    def current(self, secret_id: str) -> str:
        """The secret's AWSCURRENT value."""
        value = self._read(secret_id, CURRENT)
        if value is None:
            raise LookupError(f"secret {secret_id} has no {CURRENT} value")
        return value

    def current_and_previous(self, secret_id: str) -> tuple[str, ...]:
        """AWSCURRENT, then AWSPREVIOUS when there is one: during a rotation both are valid."""
        current = self.current(secret_id)
        previous = self._read(secret_id, PREVIOUS)
        return (current,) if previous in (None, current) else (current, str(previous))

    def _read(self, secret_id: str, stage: str) -> str | None:
        try:
            answer = self._client().get_secret_value(SecretId=secret_id, VersionStage=stage)
        except ClientError as error:
            # A secret never rotated has no AWSPREVIOUS version: Secrets Manager says "not found".
            if stage != CURRENT and error.response["Error"]["Code"] == "ResourceNotFoundException":
                return None
            raise
        secret = answer.get("SecretString")
        return None if secret is None else str(secret)
