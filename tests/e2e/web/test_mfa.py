"""Sign-in with an authenticator app (template parameter Mfa) in Chromium, on the local stack.

moto asks for SOFTWARE_TOKEN_MFA once a user has a verified software token as preferred MFA,
and accepts any code (it checks TOTP codes only when told to): what this proves is the web
app's side, that it sets an app up, asks for the code and answers Cognito's challenges.

moto never answers a password sign-in with MFA_SETUP (a pool with Mfa=ON does, for a user
without an app): that test replaces InitiateAuth's answer alone with that challenge, carrying a
session moto knows, and the rest of the set-up runs against moto."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from infra.local.clients import client
from tests.e2e.conftest import LocalStack, stack_json
from tests.e2e.web.conftest import PASSWORD, Browsing, new_email, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]
SESSION_KEY = "stock-images.session"


def _cognito(stack: LocalStack) -> Any:
    return client("cognito-idp", str(stack_json(stack)["moto_endpoint"]))


def _pool_id(stack: LocalStack) -> str:
    resources: Any = stack_json(stack)["resources"]
    return str(resources["UserPool"]["ref"])


def _app_settings(stack: LocalStack, email: str) -> list[str]:
    """What the pool holds about the user's second step (not what the page says)."""
    user = _cognito(stack).admin_get_user(UserPoolId=_pool_id(stack), Username=email)
    return list(user.get("UserMFASettingList", []))


def _access_token(web: Browsing) -> str:
    return str(json.loads(web.page.evaluate(
        f"sessionStorage.getItem('{SESSION_KEY}')"))["accessToken"])


def _record_cognito_calls(web: Browsing) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    web.page.on("request", lambda r: calls.append(
        {"target": r.headers.get("x-amz-target", ""), "body": r.post_data or ""}))
    return calls


def _sent(calls: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    return [json.loads(str(c["body"])) for c in calls if str(c["target"]).endswith(action)]


def _refuse_first_code() -> Callable[[Any], None]:
    """A route answering the first VerifySoftwareToken as Cognito does a wrong code."""
    refused: list[bool] = []

    def handle(route: Any) -> None:
        if route.request.headers.get("x-amz-target", "").endswith(".VerifySoftwareToken") \
                and not refused:
            refused.append(True)
            route.fulfill(status=400, content_type="application/x-amz-json-1.1",
                          headers={"Access-Control-Allow-Origin": "*"}, body=json.dumps({
                              "__type": "EnableSoftwareTokenMFAException",
                              "message": "Code mismatch and fail enable Software Token MFA"}))
        else:
            route.continue_()

    return handle


def _turn_on_totp(web: Browsing, stack: LocalStack) -> None:
    """What a user does in an authenticator set-up: associate, verify, prefer."""
    token = json.loads(web.page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')"))
    cognito = _cognito(stack)
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
    assert email not in page.inner_text("#nav-user")  # the header shows a name, never this
    (answer,) = [c for c in calls if str(c["target"]).endswith("RespondToAuthChallenge")]
    sent = json.loads(str(answer["body"]))
    assert sent["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert sent["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"] == "654321"
    assert sent["Session"]


def test_a_user_sets_up_an_authenticator_on_the_account_page_and_then_needs_its_code(
    web: Browsing, local_stack: LocalStack, shots: Callable[[str], None],
) -> None:
    # GIVEN a signed-in user on their account page: two-step sign-in is off
    email = new_email()
    sign_up(web, email)
    page = web.page
    page.click("#nav-account")
    page.wait_for_selector("#two-step[data-state=off]")
    assert page.inner_text("#two-step-status").startswith("Off")
    # WHEN they ask to set up an authenticator app
    page.click("#two-step-setup")
    # THEN they get the key as text in groups of four, and the otpauth link with it
    key = page.inner_text("#totp-secret")  # moto's key is "asdfasdfasdf"; AWS's are longer
    assert re.fullmatch(r"\S{4}( \S{4})*( \S{1,3})?", key) and " " in key, key
    link = page.inner_text("#totp-uri")
    assert link.startswith("otpauth://totp/Stock%20images:")
    assert f"secret={key.replace(' ', '')}" in link and link.endswith("&issuer=Stock%20images")
    assert _app_settings(local_stack, email) == []  # nothing is on before a code is given
    shots("totp-setup")
    # WHEN they mistype the code (moto takes any code: Cognito's refusal is played back once)
    page.route("**/local/cognito", _refuse_first_code())
    page.fill("#totp-code", "000000")
    page.click("#totp-form button[type=submit]")
    # THEN they are told in words, and can try again
    error = page.wait_for_selector("#totp-error:not([hidden])")
    assert error.inner_text().startswith("That code is not right.")
    assert error.get_attribute("data-code") == "EnableSoftwareTokenMFAException"
    assert _app_settings(local_stack, email) == []
    # WHEN they enter the app's code
    page.fill("#totp-code", "123456")
    page.click("#totp-form button[type=submit]")
    # THEN it is on, in words, and the pool holds it
    page.wait_for_selector("#two-step[data-state=on]")
    assert page.inner_text("#two-step-status").startswith("On: you will be asked for a code")
    assert _app_settings(local_stack, email) == ["SOFTWARE_TOKEN_MFA"]
    # AND the next sign-in asks for the app's code before letting them in
    page.click("#nav-signout")
    page.wait_for_selector("#nav-signin")
    web.go("/signin")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click(".account-form button[type=submit]")
    page.fill("#mfa-code", "654321")
    page.click(".account-form button[type=submit]")
    page.wait_for_selector("#nav-signout")
    assert email not in page.inner_text("#nav-user")  # the header shows a name, never this
    # WHEN they turn it off again (the local pool, like Mfa=OPTIONAL, lets them)
    page.click("#nav-account")
    page.click("#two-step-off")
    # THEN it is off, in the page and in the pool
    page.wait_for_selector("#two-step[data-state=off]")
    assert _app_settings(local_stack, email) == []


def test_a_sign_in_that_needs_an_app_set_up_first_sets_it_up_with_the_session(
    web: Browsing, local_stack: LocalStack,
) -> None:
    # GIVEN a user, signed out, and a sign-in the pool pauses with MFA_SETUP (as Mfa=ON
    # does): moto cannot, so its InitiateAuth answer is replaced, with a session moto knows
    email = new_email()
    sign_up(web, email)
    cognito = _cognito(local_stack)
    token = _access_token(web)
    cognito.associate_software_token(AccessToken=token)
    known = cognito.verify_software_token(AccessToken=token, UserCode="000000")["Session"]
    page = web.page
    page.click("#nav-signout")
    page.wait_for_selector("#nav-signin")
    challenge = {"ChallengeName": "MFA_SETUP", "Session": known,
                 "ChallengeParameters": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'}}

    def pause_sign_in(route: Any) -> None:
        if route.request.headers.get("x-amz-target", "").endswith(".InitiateAuth"):
            route.fulfill(status=200, content_type="application/x-amz-json-1.1",
                          headers={"Access-Control-Allow-Origin": "*"},
                          body=json.dumps(challenge))
        else:
            route.continue_()

    page.route("**/local/cognito", pause_sign_in)
    calls = _record_cognito_calls(web)
    # WHEN they sign in with their password
    web.go("/signin")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click(".account-form button[type=submit]")
    # THEN they are asked to set up an app, with its key, before they are in
    page.wait_for_selector("#totp-secret")
    assert page.locator("#nav-signout").count() == 0
    assert "Set up two-step sign-in" in page.inner_text("h1")
    # WHEN they enter the app's code
    page.fill("#totp-code", "246810")
    page.click("#totp-form button[type=submit]")
    # THEN they are signed in as themselves, with the app on
    page.wait_for_selector("#nav-signout")
    assert email not in page.inner_text("#nav-user")  # the header shows a name, never this
    assert _app_settings(local_stack, email) == ["SOFTWARE_TOKEN_MFA"]
    # AND the set-up went by the session, never an access token, and answered MFA_SETUP
    (associate,) = _sent(calls, "AssociateSoftwareToken")
    (verify,) = _sent(calls, "VerifySoftwareToken")
    (answer,) = _sent(calls, "RespondToAuthChallenge")
    assert associate == {"Session": known}
    assert verify["Session"] and verify["UserCode"] == "246810" and "AccessToken" not in verify
    assert answer["ChallengeName"] == "MFA_SETUP" and answer["ChallengeResponses"]["USERNAME"]
    assert answer["Session"] and answer["Session"] != known  # the one VerifySoftwareToken gave
