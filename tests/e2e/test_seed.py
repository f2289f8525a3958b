"""A first `make run`: samples seeded before the ready line; a newcomer signs up and uploads."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
import requests

from infra.local import seed
from infra.local.clients import client
from tests.e2e.conftest import LocalStack, running_stack, stack_json

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
TARGET = "AWSCognitoIdentityProviderService."


@pytest.fixture(scope="module")
def seeded_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with running_stack(tmp_path_factory.mktemp("seeded-data"), seed=True) as stack:
        yield stack


def _env(stack: LocalStack) -> dict[str, str]:
    env = stack_json(stack)["env"]
    assert isinstance(env, dict)
    return env


def _cognito(stack: LocalStack, action: str, body: dict[str, Any]) -> requests.Response:
    config = requests.get(f"{stack.base_url}/config.json", timeout=10).json()
    return requests.post(config["cognitoEndpoint"], data=json.dumps(body), timeout=10, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + action})


def test_given_a_first_run_then_every_sample_is_searchable_and_owned_by_the_sample_user(
    seeded_stack: LocalStack,
) -> None:
    # THEN the stack only said it was running once the photos were in
    log = (seeded_stack.data_dir / "stack.log").read_text()
    assert log.index("sample photos ready and searchable") < log.index("Stock images running at")
    health = requests.get(f"{seeded_stack.base_url}/api/health", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    env = _env(seeded_stack)
    user = client("cognito-idp", env["AWS_ENDPOINT_URL"]).admin_get_user(
        UserPoolId=env["COGNITO_USER_POOL_ID"], Username=seed.SAMPLE_USER)
    found = requests.get(f"{seeded_stack.base_url}/api/search", timeout=10,
                         params={"per_page": "100"}).json()
    titles = {hit["title"] for hit in found["results"]}
    assert titles == {sample.title for sample in seed.load_manifest()}
    assert {hit["owner"] for hit in found["results"]} == {user["Username"]}
    # and a word from a sample's description finds it, through its hashtag tag too
    cats = requests.get(f"{seeded_stack.base_url}/api/search", params={"q": "whiskers"},
                        timeout=10).json()
    assert [hit["title"] for hit in cats["results"]] == ["Chelsea the cat, up close"]


def test_given_config_json_then_it_names_the_running_stack_s_pool_and_client(
    seeded_stack: LocalStack,
) -> None:
    env = _env(seeded_stack)
    config = requests.get(f"{seeded_stack.base_url}/config.json", timeout=10).json()
    assert config["userPoolId"] == env["COGNITO_USER_POOL_ID"]
    assert config["clientId"] == env["COGNITO_APP_CLIENT_IDS"].split(",")[0]
    assert config["cognitoEndpoint"] == f"{seeded_stack.base_url}/local/cognito"


def test_given_a_newcomer_who_signs_up_in_the_browser_then_the_api_lets_them_upload(
    seeded_stack: LocalStack,
) -> None:
    client_id = _env(seeded_stack)["COGNITO_APP_CLIENT_IDS"].split(",")[0]
    email, password = "newcomer@example.test", "Newcomer-Passw0rd!"
    signed_up = _cognito(seeded_stack, "SignUp", {
        "ClientId": client_id, "Username": email, "Password": password,
        "UserAttributes": [{"Name": "email", "Value": email}]})
    assert signed_up.status_code == 200 and signed_up.json()["UserConfirmed"] is True
    signed_in = _cognito(seeded_stack, "InitiateAuth", {
        "ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": email, "PASSWORD": password}})
    token = signed_in.json()["AuthenticationResult"]["AccessToken"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert "contributors" in claims["cognito:groups"]
    body: dict[str, Any] = {"filename": "mine.jpg", "content_type": "image/jpeg", "size": 1000}
    granted = requests.post(f"{seeded_stack.base_url}/api/uploads", json=body, timeout=10,
                            headers={"Authorization": f"Bearer {token}"})
    assert granted.status_code == 201, granted.text
    wrong = _cognito(seeded_stack, "InitiateAuth", {
        "ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": email, "PASSWORD": "Not-The-Passw0rd"}})
    assert wrong.status_code == 400 and wrong.json()["__type"] == "NotAuthorizedException"


def test_given_a_seeded_stack_when_restarted_then_it_is_not_seeded_twice(
    seeded_stack: LocalStack,
) -> None:
    # Last in the module on purpose: it stops the shared seeded stack to restart its data.
    seeded_stack.process.send_signal(signal.SIGINT)
    assert seeded_stack.process.wait(timeout=30) == 0
    with running_stack(seeded_stack.data_dir, seed=True) as again:
        log = (again.data_dir / "stack.log").read_text()
        found = requests.get(f"{again.base_url}/api/search", timeout=10).json()
    assert "images already stored" in log and "first run" not in log
    # the newcomer's grant was never used: only the samples are ready
    assert found["total"] == len(seed.load_manifest())
