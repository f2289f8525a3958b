"""The running local stack answers its own web app only: other origins, other Host names and
Cognito calls the web app never makes are refused over real HTTP."""

from __future__ import annotations

import json

import pytest
import requests

from tests.e2e.conftest import LocalStack, stack_json
from tests.images import factory

pytestmark = [pytest.mark.e2e]
EVIL = "https://evil.example"
TARGET = "AWSCognitoIdentityProviderService."


def _moto(stack: LocalStack) -> str:
    return str(stack_json(stack)["moto_endpoint"])


def _grant(stack: LocalStack, token: str, data: bytes) -> dict[str, object]:
    body = {"filename": "o.jpg", "content_type": "image/jpeg", "size": len(data),
            "title": "Origins", "tags": []}
    answer = requests.post(f"{stack.base_url}/api/uploads", json=body, timeout=30,
                           headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_given_a_foreign_page_when_it_preflights_moto_then_403_without_allow_headers(
    local_stack: LocalStack,
) -> None:
    answer = requests.options(f"{_moto(local_stack)}/", timeout=10, headers={
        "Origin": EVIL, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-amz-target, content-type"})
    assert answer.status_code == 403
    assert not any(name.lower().startswith("access-control") for name in answer.headers)


def test_given_a_foreign_no_cors_post_when_sent_then_refused_and_nothing_changes(
    local_stack: LocalStack,
) -> None:
    # GIVEN a presigned upload form a contributor got, replayed from another site
    data = factory.fresh_photo(64, 48)
    grant = _grant(local_stack, local_stack.token("origins-alice"), data)
    upload = dict(grant["upload"])  # type: ignore[call-overload]
    files = {"file": ("o.jpg", data, "image/jpeg")}
    # WHEN a page elsewhere posts it as a plain form (no preflight): Origin, or only Referer
    for headers in ({"Origin": EVIL}, {"Referer": f"{EVIL}/page"}, {"Origin": "null"}):
        answer = requests.post(upload["url"], data=upload["fields"], files=files,
                               headers=headers, timeout=30)
        assert answer.status_code == 403, headers
    # THEN no object was written: the image still waits for its upload
    image = requests.get(f"{local_stack.base_url}/api/images/{grant['image_id']}", timeout=30,
                         headers={"Authorization": f"Bearer {local_stack.token('origins-alice')}"})
    assert image.json()["status"] == "pending"
    # AND a foreign JSON call to a service (read or write) is refused too
    listing = requests.post(f"{_moto(local_stack)}/", timeout=10, data="{}", headers={
        "Origin": EVIL, "Content-Type": "text/plain",
        "X-Amz-Target": "DynamoDB_20120810.ListTables"})
    assert listing.status_code == 403


def test_given_the_web_app_s_origin_when_it_uploads_then_allowed_with_its_exact_origin(
    local_stack: LocalStack,
) -> None:
    origin = local_stack.base_url.replace("127.0.0.1", "localhost")
    data = factory.fresh_photo(64, 48)
    grant = _grant(local_stack, local_stack.token("origins-bob"), data)
    upload = dict(grant["upload"])  # type: ignore[call-overload]
    preflight = requests.options(upload["url"], timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    posted = requests.post(upload["url"], data=upload["fields"], timeout=30,
                           files={"file": ("o.jpg", data, "image/jpeg")},
                           headers={"Origin": origin, "Referer": f"{origin}/upload"})
    assert posted.status_code in (200, 201, 204), posted.text
    assert posted.headers["Access-Control-Allow-Origin"] == origin


def test_given_a_rebinding_host_then_front_and_moto_refuse_it(local_stack: LocalStack) -> None:
    rebound = {"Host": f"rebind.evil.example:{local_stack.port}"}
    api = requests.get(f"{local_stack.base_url}/api/health", headers=rebound, timeout=10)
    page = requests.get(f"{local_stack.base_url}/", headers=rebound, timeout=10)
    assert api.status_code == 421 and api.json()["error"]["code"] == "misdirected"
    assert page.status_code == 421
    moto = _moto(local_stack)
    moto_port = moto.rsplit(":", 1)[1]
    answer = requests.post(f"{moto}/", data="{}", timeout=10, headers={
        "Host": f"rebind.evil.example:{moto_port}",
        "X-Amz-Target": "DynamoDB_20120810.ListTables",
        "Content-Type": "application/x-amz-json-1.0"})
    assert answer.status_code == 421


def test_given_an_admin_cognito_call_through_the_proxy_then_403(local_stack: LocalStack) -> None:
    pool = str(dict(stack_json(local_stack)["env"])["COGNITO_USER_POOL_ID"])  # type: ignore[call-overload]
    answer = requests.post(f"{local_stack.base_url}/local/cognito", timeout=10,
                           data=json.dumps({"UserPoolId": pool, "Username": "mallory"}),
                           headers={"Content-Type": "application/x-amz-json-1.1",
                                    "X-Amz-Target": TARGET + "AdminAddUserToGroup"})
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "cognito_action_refused"
