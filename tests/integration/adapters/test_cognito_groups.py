"""Group membership against moto's Cognito: the post-confirmation trigger's one call."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from chalice.test import Client
from moto import mock_aws

from chalicelib.adapters.cognito import CognitoGroups
from chalicelib.domain.model import CONTRIBUTORS
from tests.integration.conftest import Stack

USER = "gail@example.test"


@pytest.fixture
def cognito() -> Iterator[Any]:
    os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    with mock_aws():
        yield _client()


def _client() -> Any:
    return boto3.client("cognito-idp", region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _pool_with_user(cognito: Any) -> str:
    """A pool with the contributors group and one user in no group; its id."""
    pool_id = str(cognito.create_user_pool(PoolName="people")["UserPool"]["Id"])
    cognito.create_group(UserPoolId=pool_id, GroupName=CONTRIBUTORS)
    cognito.admin_create_user(UserPoolId=pool_id, Username=USER)
    return pool_id


def _groups_of(cognito: Any, pool_id: str) -> list[str]:
    listed = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username=USER)
    return [group["GroupName"] for group in listed["Groups"]]


def test_given_a_user_when_added_twice_then_in_the_group_once(cognito: Any) -> None:
    pool_id = _pool_with_user(cognito)
    groups = CognitoGroups(lambda: cognito)
    groups.add_to_group(pool_id, USER, CONTRIBUTORS)
    groups.add_to_group(pool_id, USER, CONTRIBUTORS)  # a retried trigger
    assert _groups_of(cognito, pool_id) == [CONTRIBUTORS]


def test_given_an_unknown_user_then_cognito_s_error_is_raised(cognito: Any) -> None:
    pool_id = _pool_with_user(cognito)
    with pytest.raises(ClientError) as raised:
        CognitoGroups(lambda: cognito).add_to_group(pool_id, "nobody", CONTRIBUTORS)
    assert raised.value.response["Error"]["Code"] == "UserNotFoundException"


def test_the_client_is_made_on_first_use_and_only_once(cognito: Any) -> None:
    pool_id = _pool_with_user(cognito)
    made: list[Any] = []

    def make() -> Any:
        made.append(cognito)
        return cognito

    groups = CognitoGroups(make)
    assert made == []  # building Services at a cold start costs no client
    groups.add_to_group(pool_id, USER, CONTRIBUTORS)
    groups.add_to_group(pool_id, USER, CONTRIBUTORS)
    assert len(made) == 1


def test_given_bootstrap_s_wiring_when_the_trigger_runs_then_the_user_is_a_contributor(
    stack: Stack,
) -> None:
    # GIVEN the real Services (bootstrap.build, on moto) and a pool with a new user
    import app as chalice_app

    cognito = _client()
    pool_id = _pool_with_user(cognito)
    event = {"version": "1", "region": "us-east-1", "userPoolId": pool_id, "userName": USER,
             "triggerSource": "PostConfirmation_ConfirmSignUp",
             "request": {"userAttributes": {"email": USER}}, "response": {}}
    # WHEN Cognito invokes the deployed function
    with Client(chalice_app.app) as client:
        response = client.lambda_.invoke("post_confirmation", event)
    # THEN the event comes back and the user is in contributors
    assert response.payload == event
    assert _groups_of(cognito, pool_id) == [CONTRIBUTORS]
