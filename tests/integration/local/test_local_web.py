"""The front's local routes against moto: /config.json, /local/cognito, and health gating."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from chalicelib import bootstrap, config
from infra.local import resources, settings, template, webconfig
from infra.local.clients import CREDENTIALS, client
from infra.local.cognito_hook import CognitoHook, Reply
from infra.local.front import Front
from infra.local.renditions import RenditionStore
from infra.local.sources import load_app
from infra.local.stack import post_confirmation_trigger
from infra.webconfig import aws_web_config
from tests.integration.local.conftest import ROOT, SAMPLE_APP, free_port, unique

PASSWORD = "Hook-Passw0rd!"
TARGET = "AWSCognitoIdentityProviderService."


class Site:
    """A front with the local routes, over the template's pool on the session's moto."""

    def __init__(self, base: str, env: dict[str, str], created: dict[str, Any],
                 ready: threading.Event) -> None:
        self.base, self.env, self.created, self.ready = base, env, created, ready
        self.pool_id = created["UserPool"].ref
        self.client_id = created["UserPoolClient"].ref

    def cognito(self, action: str, body: Any, **headers: str) -> requests.Response:
        """Call the hook exactly as the browser does."""
        sent = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + action,
                **headers}
        return requests.post(f"{self.base}/local/cognito", data=json.dumps(body), headers=sent,
                             timeout=10)

    def sign_up(self, email: str, password: str = PASSWORD) -> requests.Response:
        """SignUp as the web app sends it."""
        return self.cognito("SignUp", {
            "ClientId": self.client_id, "Username": email, "Password": password,
            "UserAttributes": [{"Name": "email", "Value": email}]})

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Response:
        """InitiateAuth with USER_PASSWORD_AUTH."""
        return self.cognito("InitiateAuth", {
            "ClientId": self.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": email, "PASSWORD": password}})


@contextlib.contextmanager
def _stack_services(env: dict[str, str]) -> Iterator[None]:
    """bootstrap's Services for this stack, as the stack's own process builds them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["aws_access_key_id"])
        patch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["aws_secret_access_key"])
        bootstrap.override(bootstrap.build(config.load(env)))
        try:
            yield
        finally:
            bootstrap.override(None)


@pytest.fixture(scope="module")
def site(moto_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    endpoint = moto_server.endpoint_url
    parsed = template.load(ROOT / "template.yaml")
    created = resources.create_all(parsed, resources.Clients(endpoint), resources.Options())
    port = free_port()
    env = settings.function_env(parsed, created, port, endpoint, tmp_path_factory.mktemp("d"))
    origins = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    # Sign-ups run the real app's trigger, as the stack wires it.
    hook = CognitoHook(endpoint, created["UserPool"].ref,
                       post_confirmation_trigger(load_app("app:app")), origins)
    routes = {
        webconfig.CONFIG_PATH: webconfig.config_route(webconfig.local_web_config(port, env)),
        webconfig.LOCAL_COGNITO_PATH: hook.handle,
    }
    web = tmp_path_factory.mktemp("web")
    (web / "index.html").write_text("<h1>app</h1>")
    s3 = client("s3", endpoint)
    bucket = unique("renditions")
    s3.create_bucket(Bucket=bucket)
    ready = threading.Event()
    front = Front(port, load_app(SAMPLE_APP), RenditionStore(s3, bucket), web, routes, ready)
    front.start()
    try:
        with _stack_services(env):
            yield Site(front.url.rstrip("/"), env, created, ready)
    finally:
        front.stop()


def _claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def test_given_the_stack_ids_when_config_json_is_fetched_then_exact_shape_and_no_cache(
    site: Site,
) -> None:
    answer = requests.get(f"{site.base}/config.json", timeout=10)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["Content-Type"].startswith("application/json")
    port = site.base.rsplit(":", 1)[1]
    assert answer.json() == {
        "apiBase": "/api", "region": "us-east-1", "userPoolId": site.pool_id,
        "clientId": site.client_id, "environment": "local",
        "cognitoEndpoint": f"http://127.0.0.1:{port}/local/cognito",
    }
    assert requests.post(f"{site.base}/config.json", timeout=10).status_code == 405


def test_given_the_aws_config_then_same_keys_and_the_regional_endpoint() -> None:
    aws = aws_web_config("eu-west-1", "eu-west-1_abc", "client-1")
    local = webconfig.local_web_config(8000, {"COGNITO_USER_POOL_ID": "p",
                                              "COGNITO_APP_CLIENT_IDS": "c1,c2"})
    assert set(aws) == set(local) and local["clientId"] == "c1"
    assert aws["cognitoEndpoint"] == "https://cognito-idp.eu-west-1.amazonaws.com/"
    assert aws["environment"] == "aws" and aws["apiBase"] == "/api"


def test_given_a_sign_up_when_signing_in_then_confirmed_contributor_with_e_mail_verified(
    site: Site,
) -> None:
    # GIVEN a new user signs up through the hook (mixed case, as people type e-mails)
    email = f"{unique('New')}@Example.test"
    signed_up = site.sign_up(email)
    assert signed_up.status_code == 200, signed_up.text
    body = signed_up.json()
    # THEN the browser is told no code is needed
    assert body["UserConfirmed"] is True and "CodeDeliveryDetails" not in body
    assert body["UserSub"]
    # WHEN they sign in, in another case
    signed_in = site.sign_in(email.lower())
    assert signed_in.status_code == 200, signed_in.text
    access = _claims(signed_in.json()["AuthenticationResult"]["AccessToken"])
    # THEN the access token is a contributor's, for the web client
    assert access["token_use"] == "access" and access["client_id"] == site.client_id
    assert "contributors" in access["cognito:groups"] and access["sub"] == body["UserSub"]
    user = client("cognito-idp", site.env["AWS_ENDPOINT_URL"]).admin_get_user(
        UserPoolId=site.pool_id, Username=email.lower())
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert user["UserStatus"] == "CONFIRMED" and attributes["email_verified"] == "true"


def _sign_up_at(hook: CognitoHook, site: Site, email: str) -> Reply:
    """SignUp straight to a hook, as the front hands it the browser's request."""
    body = {"ClientId": site.client_id, "Username": email, "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": email}]}
    return hook.handle("POST", {"X-Amz-Target": TARGET + "SignUp"}, json.dumps(body).encode())


def test_given_a_sign_up_then_the_trigger_gets_cognito_s_event_and_the_hook_joins_no_group(
    site: Site,
) -> None:
    # GIVEN a hook whose trigger only records what it is called with
    events: list[dict[str, Any]] = []
    endpoint = site.env["AWS_ENDPOINT_URL"]
    hook = CognitoHook(endpoint, site.pool_id, events.append, [])
    email = f"{unique('event')}@example.test"
    # WHEN someone signs up
    assert _sign_up_at(hook, site, email)[0] == 200
    # THEN the trigger got one confirmed sign-up, naming the user as the pool stores them
    cognito = client("cognito-idp", endpoint)
    user = cognito.admin_get_user(UserPoolId=site.pool_id, Username=email)
    assert len(events) == 1
    event = events[0]
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert (event["userPoolId"], event["region"]) == (site.pool_id, "us-east-1")
    assert event["userName"] == user["Username"] != email
    assert event["callerContext"]["clientId"] == site.client_id
    attributes = event["request"]["userAttributes"]
    assert attributes["email"] == email and attributes["email_verified"] == "true"
    assert attributes["cognito:user_status"] == "CONFIRMED"
    # and the group join is the trigger's alone: this one joined nobody
    groups = cognito.admin_list_groups_for_user(UserPoolId=site.pool_id, Username=email)
    assert groups["Groups"] == []


def test_given_the_trigger_fails_when_signing_up_then_the_browser_gets_a_lambda_error(
    site: Site,
) -> None:
    def failing(event: dict[str, Any]) -> None:
        raise RuntimeError("trigger down")

    hook = CognitoHook(site.env["AWS_ENDPOINT_URL"], site.pool_id, failing, [])
    status, _, body = _sign_up_at(hook, site, f"{unique('fail')}@example.test")
    assert status == 500 and json.loads(body)["__type"] == "UnexpectedLambdaException"


def test_given_moto_errors_when_called_then_they_pass_through_unchanged(site: Site) -> None:
    email = f"{unique('err')}@example.test"
    assert site.sign_up(email).status_code == 200
    cases = {
        "NotAuthorizedException": site.sign_in(email, "Wrong-Passw0rd!"),
        "UsernameExistsException": site.sign_up(email.upper()),  # the pool ignores case
        "InvalidPasswordException": site.sign_up(f"{unique('weak')}@example.test", "short"),
    }
    for code, answer in cases.items():
        assert answer.status_code == 400, (code, answer.text)
        assert answer.json()["__type"] == code and answer.json()["message"]


def test_given_an_action_the_app_never_needs_when_called_then_403_refused(
    site: Site,
) -> None:
    refused = ("AdminCreateUser", "ListUsers", "AdminAddUserToGroup", "AdminSetUserMFAPreference",
               "SetUserPoolMfaConfig", "UpdateUserAttributes", "ChangePassword", "RevokeToken",
               "DeleteUser", "")
    for action in refused:
        answer = site.cognito(action, {"UserPoolId": site.pool_id, "Username": "x@example.test"})
        assert answer.status_code == 403, action
        assert answer.json()["__type"] == "AccessDeniedException"
        assert answer.json()["error"]["code"] == "cognito_action_refused"
    # The MFA step of sign-in passes the allow-list (moto judges the made-up session itself)
    mfa = site.cognito("RespondToAuthChallenge", {
        "ClientId": site.client_id, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "x",
        "ChallengeResponses": {"USERNAME": "x@example.test", "SOFTWARE_TOKEN_MFA_CODE": "1"}})
    assert mfa.status_code != 403 and "cognito_action_refused" not in mfa.text
    bad_json = requests.post(f"{site.base}/local/cognito", data=b"{not json", timeout=10,
                             headers={"X-Amz-Target": TARGET + "SignUp"})
    assert bad_json.status_code == 400 and bad_json.json()["__type"] == "SerializationException"


def test_given_a_sign_in_flow_the_app_never_uses_when_asked_then_403(site: Site) -> None:
    email = f"{unique('flow')}@example.test"
    site.sign_up(email)
    for flow in ("ADMIN_USER_PASSWORD_AUTH", "CUSTOM_AUTH", "USER_SRP_AUTH", None):
        answer = site.cognito("InitiateAuth", {
            "ClientId": site.client_id, "AuthFlow": flow,
            "AuthParameters": {"USERNAME": email, "PASSWORD": PASSWORD}})
        assert answer.status_code == 403, flow
    tokens = site.sign_in(email).json()["AuthenticationResult"]
    refreshed = site.cognito("InitiateAuth", {
        "ClientId": site.client_id, "AuthFlow": "REFRESH_TOKEN_AUTH",
        "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}})
    assert refreshed.status_code == 200 and refreshed.json()["AuthenticationResult"]["AccessToken"]


def test_given_calls_moto_lacks_when_made_then_answered_locally(site: Site) -> None:
    email = f"{unique('local')}@example.test"
    site.sign_up(email)
    resent = site.cognito("ResendConfirmationCode", {"ClientId": site.client_id,
                                                     "Username": email})
    assert resent.status_code == 200
    assert resent.json()["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"


def test_given_a_signed_in_user_when_signing_out_everywhere_then_forwarded(site: Site) -> None:
    email = f"{unique('out')}@example.test"
    site.sign_up(email)
    tokens = site.sign_in(email).json()["AuthenticationResult"]
    answer = site.cognito("GlobalSignOut", {"AccessToken": tokens["AccessToken"]})
    assert answer.status_code == 200, answer.text


def test_given_a_signed_in_user_when_setting_up_an_authenticator_then_each_step_forwarded(
    site: Site,
) -> None:
    # GIVEN a signed-in user without two-step sign-in
    email = f"{unique('totp')}@example.test"
    site.sign_up(email)
    token = {"AccessToken": site.sign_in(email).json()["AuthenticationResult"]["AccessToken"]}
    assert site.cognito("GetUser", token).json()["UserMFASettingList"] == []
    # WHEN they associate an app, verify its code and prefer it, as web/js/auth.js does
    associated = site.cognito("AssociateSoftwareToken", token)
    verified = site.cognito("VerifySoftwareToken", {**token, "UserCode": "123456"})
    preferred = site.cognito("SetUserMFAPreference", {
        **token, "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}})
    # THEN each call reached the pool, and the user now has the app as their second step
    assert associated.status_code == 200 and associated.json()["SecretCode"]
    assert verified.status_code == 200 and verified.json()["Status"] == "SUCCESS"
    assert preferred.status_code == 200, preferred.text
    user = site.cognito("GetUser", token).json()
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert site.sign_in(email).json()["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_given_preflights_then_only_the_stack_s_own_origins_are_allowed(site: Site) -> None:
    port = site.base.rsplit(":", 1)[1]
    own = requests.options(f"{site.base}/local/cognito", timeout=10, headers={
        "Origin": f"http://localhost:{port}", "Access-Control-Request-Method": "POST"})
    foreign = requests.options(f"{site.base}/local/cognito", timeout=10, headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert own.status_code == 204 and "POST" in own.headers["Allow"]
    assert own.headers["Access-Control-Allow-Origin"] == f"http://localhost:{port}"
    assert "x-amz-target" in own.headers["Access-Control-Allow-Headers"]
    assert foreign.status_code == 204 and "Access-Control-Allow-Origin" not in foreign.headers
    assert requests.get(f"{site.base}/local/cognito", timeout=10).status_code == 405


def test_given_the_stack_not_ready_when_health_is_asked_then_503_until_it_is(site: Site) -> None:
    # GIVEN a stack still starting (seeding): the health check says so
    site.ready.clear()
    try:
        starting = requests.get(f"{site.base}/api/health", timeout=10)
        assert starting.status_code == 503 and starting.json() == {"status": "starting"}
        # other routes already work
        assert requests.get(f"{site.base}/api/items/i-1", timeout=10).status_code == 200
        assert requests.get(f"{site.base}/config.json", timeout=10).status_code == 200
    finally:
        # WHEN the stack says it is ready THEN the app's own health answer comes through
        site.ready.set()
    ready = requests.get(f"{site.base}/api/health", timeout=10)
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}


def test_given_no_ready_flag_when_a_front_is_made_then_it_is_ready(
    moto_server: Any, tmp_path: Path,
) -> None:
    s3 = client("s3", moto_server.endpoint_url)
    front = Front(0, load_app(SAMPLE_APP), RenditionStore(s3, "none"), tmp_path)
    front.start()
    try:
        assert requests.get(f"{front.url}api/health", timeout=10).status_code == 200
    finally:
        front.stop()


def _reset_code(caplog: pytest.LogCaptureFixture, email: str) -> str:
    """The code the stack's log prints for `email` (the last one asked)."""
    codes = re.findall(rf"password reset code for {re.escape(email)}: (\d{{6}})", caplog.text)
    assert codes, caplog.text
    return str(codes[-1])


def test_given_a_forgotten_password_when_reset_with_the_logged_code_then_the_new_one_works(
    site: Site, caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN a user who forgot their password asks for a code
    email = f"{unique('forgot')}@example.test"
    site.sign_up(email)
    caplog.set_level(logging.INFO, logger="infra.local.cognito_hook")
    asked = site.cognito("ForgotPassword", {"ClientId": site.client_id, "Username": email})
    assert asked.status_code == 200, asked.text
    assert asked.json()["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert "moto" not in json.dumps(dict(asked.headers)).lower()  # moto's header stays here
    code = _reset_code(caplog, email)
    new = "Another-Passw0rd"

    def confirm(typed: str, password: str = new) -> requests.Response:
        return site.cognito("ConfirmForgotPassword", {
            "ClientId": site.client_id, "Username": email, "ConfirmationCode": typed,
            "Password": password})

    # WHEN a wrong code is typed THEN Cognito's CodeMismatchException (moto would take any)
    wrong = confirm("000000" if code != "000000" else "111111")
    assert wrong.json()["__type"] == "CodeMismatchException"
    # WHEN the new password breaks the pool's policy THEN the rule is named
    weak = confirm(code, "alllowercase1")
    assert weak.json()["__type"] == "InvalidPasswordException"
    assert "uppercase" in weak.json()["message"]
    # WHEN the right code and a good password are sent THEN only the new password signs in
    assert confirm(code).status_code == 200
    assert site.sign_in(email, new).status_code == 200
    assert site.sign_in(email, PASSWORD).status_code == 400
