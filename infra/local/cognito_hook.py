"""POST /local/cognito: the browser's Cognito calls, forwarded to moto; local only, never deployed.

In AWS a new user gets an e-mailed code, and confirming it fires the post-confirmation trigger
that puts them in contributors. Locally no e-mail is sent and moto fires no trigger, so after
moto accepts a SignUp this hook does Cognito's part (confirm, mark the e-mail verified), calls
the app's own trigger with the event Cognito would send, and tells the browser "confirmed".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Mapping
from typing import Any

import requests
from botocore.exceptions import ClientError

from infra.local import password_reset
from infra.local.clients import REGION, client

log = logging.getLogger(__name__)

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
JSON_TYPE = "application/x-amz-json-1.1"
# Exactly what the web app calls (web/js/auth.js; RespondToAuthChallenge answers an MFA
# challenge at sign-in; the last four set up an authenticator app, with the user's own access
# token or a paused sign-in's session; ForgotPassword and ConfirmForgotPassword reset a
# forgotten password, see password_reset.py): anything else, admin and pool-management calls above
# all, is refused.
ALLOWED_ACTIONS = frozenset({
    "SignUp", "ConfirmSignUp", "ResendConfirmationCode", "InitiateAuth",
    "RespondToAuthChallenge", "GlobalSignOut", "ForgotPassword", "ConfirmForgotPassword",
    "AssociateSoftwareToken", "VerifySoftwareToken", "SetUserMFAPreference", "GetUser",
})
# The sign-in flows the web app uses: a password, and a refresh token ahead of expiry.
ALLOWED_AUTH_FLOWS = frozenset({"USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH"})
FORWARD_TIMEOUT_SECONDS = 10
_PASSED_HEADERS = ("Content-Type", "x-amzn-RequestId", "x-amzn-ErrorType")
_PREFLIGHT = {
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "content-type, x-amz-target, x-amz-user-agent",
    "Access-Control-Max-Age": "600",
}

Reply = tuple[int, dict[str, Any], bytes]
# The post-confirmation function, called as Cognito calls it: with the event, for its result.
Trigger = Callable[[dict[str, Any]], Any]
# Cognito's triggerSource for a confirmed sign-up (a password reset has another).
CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp"


def cognito_error(status: int, code: str, message: str, **headers: str) -> Reply:
    """An error in Cognito's own shape, which the browser already knows how to read."""
    body = json.dumps({"__type": code, "message": message}).encode("utf-8")
    return status, {"Content-Type": JSON_TYPE, "x-amzn-ErrorType": code, **headers}, body


def refused(message: str) -> Reply:
    """403 for a call the web app never makes: Cognito's shape (the browser reads it) and the
    service's `{"error": {...}}` in one body."""
    code = "AccessDeniedException"
    body = {"__type": code, "message": message,
            "error": {"code": "cognito_action_refused", "message": message}}
    return 403, {"Content-Type": JSON_TYPE, "x-amzn-ErrorType": code}, \
        json.dumps(body).encode("utf-8")


def masked(email: str) -> str:
    """`a***@e***`, as Cognito shows where it sent a code."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def case_folded(request: dict[str, Any]) -> dict[str, Any]:
    """E-mail user names lower-cased: the pool is case-insensitive in AWS, moto's lookup is not."""
    folded = dict(request)
    if isinstance(folded.get("Username"), str) and "@" in folded["Username"]:
        folded["Username"] = folded["Username"].lower()
    parameters = folded.get("AuthParameters")
    if isinstance(parameters, dict) and "@" in str(parameters.get("USERNAME", "")):
        folded["AuthParameters"] = {**parameters, "USERNAME": parameters["USERNAME"].lower()}
    return folded


class CognitoHook:
    """Answers the browser's Cognito JSON API at the front, with moto behind it."""

    def __init__(
        self, moto_endpoint: str, pool_id: str, post_confirmation: Trigger,
        allowed_origins: Collection[str],
    ) -> None:
        self._url = moto_endpoint.rstrip("/") + "/"
        self._pool_id = pool_id
        self._post_confirmation = post_confirmation
        self._origins = frozenset(allowed_origins)
        self._cognito = client("cognito-idp", moto_endpoint)
        # moto 5.2.5 answers this with a 500 "not implemented": answer it here.
        self._local: dict[str, Callable[[dict[str, Any]], Reply]] = {
            "ResendConfirmationCode": _code_sent,
            "ForgotPassword": self._forgot_password,
            "ConfirmForgotPassword": self._confirm_forgot_password,
        }
        self._password_policy: dict[str, Any] | None = None

    def handle(self, method: str, headers: Mapping[str, str], body: bytes | None) -> Reply:
        """One request to /local/cognito, as the front received it."""
        lowered = {name.lower(): value for name, value in headers.items()}
        status, out, data = self._answer(method, lowered, body)
        origin = lowered.get("origin", "")
        if origin in self._origins:  # e.g. the page opened as localhost, the hook at 127.0.0.1
            out = {**out, "Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return status, out, data

    def _answer(self, method: str, headers: Mapping[str, str], body: bytes | None) -> Reply:
        if method == "OPTIONS":
            return 204, {"Allow": "POST, OPTIONS", **_PREFLIGHT}, b""
        if method != "POST":
            return cognito_error(405, "MethodNotAllowedException", f"{method} is not allowed",
                                 Allow="POST, OPTIONS")
        target = headers.get("x-amz-target", "")
        action = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else ""
        if action not in ALLOWED_ACTIONS:
            return refused(f"{action or target or 'This request'} is not available here:"
                           " the local user pool answers only what the web app calls.")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            request = None
        if not isinstance(request, dict):
            return cognito_error(400, "SerializationException", "The body is not a JSON object.")
        if action == "InitiateAuth" and request.get("AuthFlow") not in ALLOWED_AUTH_FLOWS:
            return refused(f"The {request.get('AuthFlow')} sign-in flow is not available here.")
        return self._call(action, case_folded(request))

    def _call(self, action: str, request: dict[str, Any]) -> Reply:
        local = self._local.get(action)
        reply = local(request) if local else self._forward(action, request)
        if reply[0] != 200:
            return reply
        if action == "SignUp":
            return self._after_sign_up(request, reply)
        return reply

    def _forward(self, action: str, request: dict[str, Any]) -> Reply:
        response = self._post(action, request)
        if isinstance(response, tuple):
            return response
        passed = {name: response.headers[name] for name in _PASSED_HEADERS
                  if name in response.headers}
        return response.status_code, passed, response.content

    def _post(self, action: str, request: dict[str, Any]) -> requests.Response | Reply:
        try:
            return requests.post(
                self._url, data=json.dumps(request).encode("utf-8"),
                headers={"Content-Type": JSON_TYPE, "X-Amz-Target": TARGET_PREFIX + action},
                timeout=FORWARD_TIMEOUT_SECONDS,
            )
        except requests.RequestException as exc:
            log.warning("%s: moto did not answer: %s", action, exc)
            return cognito_error(500, "InternalErrorException", "The local user pool is down.")

    def _forgot_password(self, request: dict[str, Any]) -> Reply:
        """Forwarded; the code moto made is printed in the log instead of e-mailed."""
        response = self._post("ForgotPassword", request)
        if isinstance(response, tuple):
            return response
        username = request.get("Username", "")
        code = password_reset.typed_code(response.headers.get(password_reset.MOTO_CODE_HEADER))
        if response.ok and code:
            log.info("password reset code for %s: %s (no e-mail is sent locally)",
                        username, code)
        elif response.ok:
            log.info("password reset asked for %s: no such user, no code", username)
        passed = {name: response.headers[name] for name in _PASSED_HEADERS
                  if name in response.headers}
        return response.status_code, passed, response.content

    def _confirm_forgot_password(self, request: dict[str, Any]) -> Reply:
        """Forwarded with moto's form of the code; the pool's policy checked here first."""
        refusal = password_reset.policy_failure(self._policy(), str(request.get("Password", "")))
        if refusal:
            return cognito_error(400, "InvalidPasswordException", refusal)
        sent = {**request, "ConfirmationCode": password_reset.as_moto_code(
            request.get("ConfirmationCode"))}
        status, headers, body = self._forward("ConfirmForgotPassword", sent)
        if status == 400 and b"ExpiredCodeException" in body:  # moto's word for a wrong code
            return cognito_error(400, "CodeMismatchException", "Invalid verification code"
                                 " provided, please try again.")
        return status, headers, body

    def _policy(self) -> dict[str, Any]:
        if self._password_policy is None:
            pool = self._cognito.describe_user_pool(UserPoolId=self._pool_id)["UserPool"]
            self._password_policy = dict(pool.get("Policies", {}).get("PasswordPolicy", {}))
        return self._password_policy

    def _after_sign_up(self, request: dict[str, Any], reply: Reply) -> Reply:
        """What the e-mailed code and the post-confirmation trigger do in AWS."""
        username = request["Username"]
        try:
            user = self._confirm(username)
        except ClientError:
            log.exception("local sign-up follow-up failed for %s", username)
            return _hook_failed()
        event = post_confirmation_event(self._pool_id, str(request.get("ClientId", "")), user)
        try:
            self._post_confirmation(event)
        except Exception:  # whatever the function raises, Cognito fails the call the same way
            log.exception("post-confirmation trigger failed for %s", username)
            return _hook_failed()
        answer = json.loads(reply[2])
        answer["UserConfirmed"] = True
        answer.pop("CodeDeliveryDetails", None)  # AWS sends none for a confirmed user
        log.info("signed up %s: confirmed, post-confirmation trigger run", username)
        return 200, reply[1], json.dumps(answer).encode("utf-8")

    def _confirm(self, username: str) -> dict[str, Any]:
        """Cognito's own part: the code accepted, the e-mail verified; the user as stored."""
        pool = self._pool_id
        self._cognito.admin_confirm_sign_up(UserPoolId=pool, Username=username)
        self._cognito.admin_update_user_attributes(
            UserPoolId=pool, Username=username,
            UserAttributes=[{"Name": "email_verified", "Value": "true"}])
        user: dict[str, Any] = self._cognito.admin_get_user(UserPoolId=pool, Username=username)
        return user


def post_confirmation_event(
    pool_id: str, client_id: str, user: Mapping[str, Any]
) -> dict[str, Any]:
    """The event Cognito sends the post-confirmation trigger once a sign-up is confirmed."""
    attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
    attributes["cognito:user_status"] = user["UserStatus"]
    return {
        "version": "1",
        "region": REGION,
        "userPoolId": pool_id,
        # The pool's own user name (a generated id where people sign in by e-mail), not the
        # e-mail the browser sent: the trigger must name the user as Cognito stores them.
        "userName": user["Username"],
        "callerContext": {"awsSdkVersion": "local", "clientId": client_id},
        "triggerSource": CONFIRM_SIGN_UP,
        "request": {"userAttributes": attributes},
        "response": {},
    }


def _hook_failed() -> Reply:
    return cognito_error(500, "UnexpectedLambdaException",
                         "The local sign-up hook failed; see the stack's log.")


def _code_sent(request: dict[str, Any]) -> Reply:
    username = str(request.get("Username", ""))
    log.info("confirmation code for %s: no e-mail is sent locally (users are confirmed at"
             " sign-up)", username)
    details = {"Destination": masked(username), "DeliveryMedium": "EMAIL",
               "AttributeName": "email"}
    return 200, {"Content-Type": JSON_TYPE}, json.dumps({"CodeDeliveryDetails": details}).encode()
