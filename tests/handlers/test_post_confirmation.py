"""The Cognito post-confirmation trigger puts each new user in contributors, and only then."""

from __future__ import annotations

from typing import Any

import pytest
from chalice.test import Client

import app as chalice_app
from chalicelib import bootstrap, config
from chalicelib.auth.tokens import TokenVerifier
from chalicelib.entrypoints.events import post_confirmation
from tests.fakes import FakeGroups, make_deps

POOL = "eu-west-1_Abc123"
USER = "6f1c2d3e-aaaa-bbbb-cccc-1234567890ab"


def _event(trigger: str = "PostConfirmation_ConfirmSignUp") -> dict[str, Any]:
    """A post-confirmation event shaped like Cognito's."""
    return {
        "version": "1",
        "region": "eu-west-1",
        "userPoolId": POOL,
        "userName": USER,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown", "clientId": "client123"},
        "triggerSource": trigger,
        "request": {"userAttributes": {"email": "ann@example.com", "email_verified": "true"}},
        "response": {},
    }


def _services(groups: Any) -> bootstrap.Services:
    """Services of fakes, with `groups` as the pool's group membership."""
    settings = config.load({"AWS_REGION": "eu-west-1", "COGNITO_USER_POOL_ID": POOL})
    verifier = TokenVerifier("http://unused.test/jwks", settings.issuer, ["x"])
    return bootstrap.Services(settings, make_deps(), verifier, memberships=groups)


def test_given_a_confirmed_sign_up_when_triggered_then_the_user_joins_contributors() -> None:
    groups = FakeGroups()
    returned = post_confirmation.handle(_event(), _services(groups))
    # THEN one call, for this pool and user, to the contributors group; the event comes back
    assert groups.calls == [(POOL, USER, "contributors")]
    assert returned == _event()


def test_given_a_retried_trigger_when_run_twice_then_membership_is_the_same() -> None:
    groups = FakeGroups()
    services = _services(groups)
    post_confirmation.handle(_event(), services)
    post_confirmation.handle(_event(), services)
    assert groups.members == {(POOL, USER, "contributors")}


def test_given_a_forgotten_password_confirmation_when_triggered_then_no_group_change() -> None:
    groups = FakeGroups()
    event = _event("PostConfirmation_ConfirmForgotPassword")
    assert post_confirmation.handle(event, _services(groups)) == event
    assert groups.calls == []


class _Refusing:
    """A pool that refuses every group change, as Cognito does when throttling."""

    def add_to_group(self, pool_id: str, username: str, group: str) -> None:
        raise RuntimeError("TooManyRequestsException")


def test_given_the_group_join_fails_when_triggered_then_the_trigger_fails_too() -> None:
    # THEN the error reaches Cognito, which fails the confirmation visibly
    with pytest.raises(RuntimeError, match="TooManyRequestsException"):
        post_confirmation.handle(_event(), _services(_Refusing()))


def test_given_services_without_group_membership_when_triggered_then_a_wiring_error() -> None:
    with pytest.raises(RuntimeError, match="group membership"):
        post_confirmation.handle(_event(), _services(None))


def test_given_the_chalice_app_when_invoked_then_the_shim_uses_the_body() -> None:
    # GIVEN the deployed entry point, with the container's Services holding the fake
    groups = FakeGroups()
    bootstrap.override(_services(groups))
    try:
        with Client(chalice_app.app) as client:
            response = client.lambda_.invoke("post_confirmation", _event())
    finally:
        bootstrap.override(None)
    # THEN the user is added through the Services' port and the event comes back
    assert response.payload == _event()
    assert groups.calls == [(POOL, USER, "contributors")]
