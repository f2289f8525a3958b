"""Sign-in with an authenticator app (template parameter Mfa) in Chromium, on the local stack.

moto asks for SOFTWARE_TOKEN_MFA once a user has a verified software token as preferred MFA,
and accepts any code (it checks TOTP codes only when told to): what this proves is the web
app's side, that it asks for the code and answers Cognito's challenge with it."""

from __future__ import annotations

import json

import pytest

from infra.local.clients import client
from tests.e2e.conftest import LocalStack, stack_json
from tests.e2e.web.conftest import PASSWORD, Browsing, new_email, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]
SESSION_KEY = "stock-images.session"


def _turn_on_totp(web: Browsing, stack: LocalStack) -> None:
    """What a user does in an authenticator set-up: associate, verify, prefer."""
    token = json.loads(web.page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')"))
    cognito = client("cognito-idp", str(stack_json(stack)["moto_endpoint"]))
    cognito.associate_software_token(AccessToken=token["accessToken"])
    cognito.verify_software_token(AccessToken=token["accessToken"], UserCode="123456")
    cognito.set_user_mfa_preference(
        AccessToken=token["accessToken"],
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )


def test_a_user_with_an_authenticator_app_is_asked_for_its_code_and_signed_in(
    web: Browsing, local_stack: LocalStack
) -> None:
    # GIVEN a user who turned on an authenticator app, signed out
    email = new_email()
    sign_up(web, email)
    _turn_on_totp(web, local_stack)
    page = web.page
    page.click("#nav-signout")
    page.wait_for_selector("#nav-signin")
    calls: list[dict[str, object]] = []
    page.on("request", lambda r: calls.append(
        {"target": r.headers.get("x-amz-target", ""), "body": r.post_data or ""}))
    # WHEN they sign in with their password
    web.go("/signin")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click(".account-form button[type=submit]")
    # THEN the app asks for six digits instead of signing them in
    page.wait_for_selector("#mfa-code")
    assert page.locator("#nav-signout").count() == 0
    assert page.get_attribute("#mfa-code", "pattern") == "[0-9]{6}"
    # AND with the code they are signed in, as themselves
    page.fill("#mfa-code", "654321")
    page.click(".account-form button[type=submit]")
    page.wait_for_selector("#nav-signout")
    assert page.inner_text("#nav-user") == email
    (answer,) = [c for c in calls if str(c["target"]).endswith("RespondToAuthChallenge")]
    sent = json.loads(str(answer["body"]))
    assert sent["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert sent["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"] == "654321"
    assert sent["Session"]
