"""The display-name directory against moto's Cognito: the caller's own `name`, by token."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.cognito import MAX_NAME_CHARS, CognitoDirectory

PASSWORD = "Directory-Passw0rd!"


@pytest.fixture
def cognito() -> Iterator[Any]:
    os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    with mock_aws():
        yield boto3.client("cognito-idp", region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")


def _token_for(cognito: Any, attributes: list[dict[str, str]]) -> str:
    pool = cognito.create_user_pool(PoolName="people", UsernameAttributes=["email"])
    pool_id = pool["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    email = "dora@example.test"
    cognito.sign_up(ClientId=client_id, Username=email, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": email}, *attributes])
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)
    answer = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD})
    return str(answer["AuthenticationResult"]["AccessToken"])


def test_given_a_user_with_a_name_then_that_name_is_their_credit(cognito: Any) -> None:
    token = _token_for(cognito, [{"Name": "name", "Value": "  Dora   the Explorer "}])
    assert CognitoDirectory(lambda: cognito).display_name(token) == "Dora the Explorer"


def test_given_no_name_then_no_credit_and_never_the_email(cognito: Any) -> None:
    token = _token_for(cognito, [])
    assert CognitoDirectory(lambda: cognito).display_name(token) == ""


def test_given_a_very_long_name_then_it_is_cut(cognito: Any) -> None:
    token = _token_for(cognito, [{"Name": "name", "Value": "N" * 300}])
    assert CognitoDirectory(lambda: cognito).display_name(token) == "N" * MAX_NAME_CHARS


def test_given_a_token_cognito_refuses_then_no_credit_rather_than_a_failure(cognito: Any) -> None:
    assert CognitoDirectory(lambda: cognito).display_name("not-a-token") == ""



def test_the_client_is_made_on_first_use_and_only_once(cognito: Any) -> None:
    token = _token_for(cognito, [{"Name": "name", "Value": "Dora"}])
    made: list[Any] = []

    def make() -> Any:
        made.append(cognito)
        return cognito

    directory = CognitoDirectory(make)
    assert made == []  # building Services at a cold start costs no client
    assert [directory.display_name(token) for _ in range(2)] == ["Dora", "Dora"]
    assert len(made) == 1
