"""The Secrets Manager reader against moto, and bootstrap wiring it as the API does in Lambda."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from chalicelib import bootstrap, config
from chalicelib.adapters.secrets import SecretsManagerReader

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture
def secretsmanager() -> Iterator[Any]:
    os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="us-east-1", **CREDENTIALS)


def _secret(client: Any, value: str) -> str:
    return str(client.create_secret(Name=f"key-{value}", SecretString=value)["ARN"])


def test_given_a_new_secret_when_read_then_only_its_current_value(secretsmanager: Any) -> None:
    arn = _secret(secretsmanager, "first")
    reader = SecretsManagerReader(lambda: secretsmanager)
    assert reader.current(arn) == "first"
    assert reader.current_and_previous(arn) == ("first",)  # no AWSPREVIOUS yet: not an error


def test_given_a_rotated_secret_when_read_then_current_and_previous_both(
    secretsmanager: Any,
) -> None:
    # GIVEN a secret given a new value twice (each put moves AWSCURRENT, the old one to PREVIOUS)
    arn = _secret(secretsmanager, "first")
    secretsmanager.put_secret_value(SecretId=arn, SecretString="second")
    secretsmanager.put_secret_value(SecretId=arn, SecretString="third")
    reader = SecretsManagerReader(lambda: secretsmanager)
    # THEN the newest value and the one before it, no older
    assert reader.current_and_previous(arn) == ("third", "second")
    assert reader.current(arn) == "third"


def test_given_a_missing_secret_when_read_then_the_error_is_not_swallowed(
    secretsmanager: Any,
) -> None:
    reader = SecretsManagerReader(lambda: secretsmanager)
    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:nothing-AbCdEf"
    with pytest.raises(ClientError):
        reader.current_and_previous(missing)


def test_given_lambda_settings_when_built_then_the_api_reads_both_keys_from_secrets_manager(
    secretsmanager: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN the API's environment in Lambda: ARNs only, no key in any variable
    cursor_arn = _secret(secretsmanager, "cursor-key")
    origin_arn = _secret(secretsmanager, "origin-key")
    for name, value in {**CREDENTIALS, "aws_session_token": "testing"}.items():
        monkeypatch.setenv(name.upper(), value)
    env = {"AWS_LAMBDA_FUNCTION_NAME": "stock-images-api", "AWS_REGION": "us-east-1",
           "CURSOR_SECRET_ARN": cursor_arn, "ORIGIN_VERIFY_SECRET_ARN": origin_arn}
    settings = config.load(env)
    assert settings.cursor_secret == b""
    # WHEN bootstrap wires the real adapters
    services = bootstrap.build(settings)
    # THEN the cursor key and the origin check come from Secrets Manager
    assert services.deps.cursor_secret() == b"cursor-key"
    assert services.origin_guard is not None
    assert services.origin_guard.admits("origin-key")
    assert not services.origin_guard.admits("cursor-key")
