"""TokenVerifier against real tokens and the JWKS from a Cognito user pool on moto server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from chalicelib.auth import Principal
from chalicelib.auth.tokens import TokenVerifier
from chalicelib.domain.errors import Unauthenticated

REGION = "us-east-1"
PASSWORD = "Correct-Horse-9-Battery!"


@dataclass(frozen=True)
class SignedIn:
    """One user signed in to a fresh pool, with what Cognito returned."""

    endpoint: str
    pool_id: str
    client_id: str
    username: str
    sub: str
    tokens: dict[str, Any]

    @property
    def jwks_url(self) -> str:
        """Where moto serves this pool's keys."""
        return f"{self.endpoint}/{self.pool_id}/.well-known/jwks.json"

    @property
    def issuer(self) -> str:
        """The `iss` Cognito (and moto) put in this pool's tokens."""
        return f"https://cognito-idp.{REGION}.amazonaws.com/{self.pool_id}"


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """A real moto server in this process, on a free 127.0.0.1 port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def cognito(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A cognito-idp client for the moto server, with dummy credentials."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return boto3.client("cognito-idp", region_name=REGION, endpoint_url=moto_endpoint)


def _new_pool(cognito: Any) -> tuple[str, str]:
    pool_id = cognito.create_user_pool(PoolName=f"auth-it-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito.create_group(UserPoolId=pool_id, GroupName="contributors")
    return pool_id, client_id


@pytest.fixture
def signed_in(cognito: Any, moto_endpoint: str) -> SignedIn:
    """A confirmed contributor who signed in with USER_PASSWORD_AUTH."""
    pool_id, client_id = _new_pool(cognito)
    username = f"alice-{uuid.uuid4().hex[:6]}"
    sub = cognito.sign_up(ClientId=client_id, Username=username, Password=PASSWORD)["UserSub"]
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="contributors")
    tokens = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return SignedIn(moto_endpoint, pool_id, client_id, username, sub, tokens)


def test_cognito_access_token_gives_the_users_principal(signed_in: SignedIn) -> None:
    # GIVEN a verifier for the pool and its app client, reading moto's JWKS
    verifier = TokenVerifier(signed_in.jwks_url, signed_in.issuer, [signed_in.client_id])
    # WHEN the access token from a real sign-in is verified
    principal = verifier.verify(signed_in.tokens["AccessToken"])
    # THEN it names the user by their Cognito sub, username and group
    assert principal == Principal(
        sub=signed_in.sub, username=signed_in.username, groups=frozenset({"contributors"})
    )
    assert principal.is_contributor and not principal.is_admin


def test_id_token_from_the_same_sign_in_is_refused(signed_in: SignedIn) -> None:
    # GIVEN the ID token Cognito returned alongside the access token
    verifier = TokenVerifier(signed_in.jwks_url, signed_in.issuer, [signed_in.client_id])
    # WHEN it is presented as a bearer token THEN it is refused like any bad token
    with pytest.raises(Unauthenticated) as refused:
        verifier.verify(signed_in.tokens["IdToken"])
    assert refused.value.code == "invalid_token"


def test_access_token_from_another_pool_is_refused(signed_in: SignedIn, cognito: Any) -> None:
    # GIVEN a verifier for a second pool: moto signs every pool with one key,
    # so only the issuer check tells the pools apart
    other_pool, other_client = _new_pool(cognito)
    other_issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{other_pool}"
    other_jwks = f"{signed_in.endpoint}/{other_pool}/.well-known/jwks.json"
    verifier = TokenVerifier(other_jwks, other_issuer, [other_client, signed_in.client_id])
    # WHEN the first pool's access token is presented THEN it is refused
    with pytest.raises(Unauthenticated):
        verifier.verify(signed_in.tokens["AccessToken"])
