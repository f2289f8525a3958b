"""The Cognito post-confirmation trigger puts each new user in contributors, and only then."""

from __future__ import annotations

from typing import Any

from chalice.test import Client

import app as chalice_app
from chalicelib.entrypoints.events import post_confirmation


class FakeGroups:
    """Records AdminAddUserToGroup calls; membership is a set, so repeats change nothing."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.members: set[tuple[str, str, str]] = set()

    def admin_add_user_to_group(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        self.members.add((kwargs["UserPoolId"], kwargs["GroupName"], kwargs["Username"]))
        return {}


def _event(trigger: str = "PostConfirmation_ConfirmSignUp") -> dict[str, Any]:
    """A post-confirmation event shaped like Cognito's."""
    return {
        "version": "1",
        "region": "eu-west-1",
        "userPoolId": "eu-west-1_Abc123",
        "userName": "6f1c2d3e-aaaa-bbbb-cccc-1234567890ab",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown", "clientId": "client123"},
        "triggerSource": trigger,
        "request": {"userAttributes": {"email": "ann@example.com", "email_verified": "true"}},
        "response": {},
    }


def test_given_a_confirmed_sign_up_when_triggered_then_the_user_joins_contributors() -> None:
    groups = FakeGroups()
    event = _event()
    returned = post_confirmation.handle(event, groups)
    # THEN one call, for this pool and user, to the contributors group; the event comes back
    assert groups.calls == [
        {
            "UserPoolId": "eu-west-1_Abc123",
            "Username": "6f1c2d3e-aaaa-bbbb-cccc-1234567890ab",
            "GroupName": "contributors",
        }
    ]
    assert returned == _event()


def test_given_a_retried_trigger_when_run_twice_then_membership_is_the_same() -> None:
    groups = FakeGroups()
    post_confirmation.handle(_event(), groups)
    post_confirmation.handle(_event(), groups)
    assert groups.members == {
        ("eu-west-1_Abc123", "contributors", "6f1c2d3e-aaaa-bbbb-cccc-1234567890ab")
    }


def test_given_a_forgotten_password_confirmation_when_triggered_then_no_group_change() -> None:
    groups = FakeGroups()
    event = _event("PostConfirmation_ConfirmForgotPassword")
    assert post_confirmation.handle(event, groups) == event
    assert groups.calls == []


def test_given_the_chalice_app_when_invoked_then_the_shim_uses_the_body(
    monkeypatch: Any,
) -> None:
    # GIVEN the deployed entry point with the client factory replaced by the fake
    groups = FakeGroups()
    regions: list[str] = []

    def fake_client(region: str) -> FakeGroups:
        regions.append(region)
        return groups

    monkeypatch.setattr(post_confirmation, "default_client", fake_client)
    with Client(chalice_app.app) as client:
        response = client.lambda_.invoke("post_confirmation", _event())
    # THEN the pool's own region picks the client and the user is added
    assert regions == ["eu-west-1"]
    assert response.payload == _event()
    assert len(groups.calls) == 1
