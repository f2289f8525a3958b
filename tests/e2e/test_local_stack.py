"""A stranger's session against the real local stack: sign in, upload over HTTP, wait, view."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests.e2e.conftest import LocalStack
from tests.images import factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
WAIT_SECONDS = 90


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _upload(stack: LocalStack, token: str, data: bytes, content_type: str, name: str) -> str:
    body = {
        "filename": name,
        "content_type": content_type,
        "size": len(data),
        "title": "A test photo",
        "tags": ["e2e"],
    }
    response = requests.post(
        f"{stack.base_url}/api/uploads", json=body, headers=_headers(token), timeout=30
    )
    assert response.status_code == 201, response.text
    grant = response.json()
    assert grant["expires_in"] == 300
    upload = grant["upload"]
    posted = requests.post(
        upload["url"], data=upload["fields"], files={"file": (name, data, content_type)}, timeout=60
    )
    assert posted.status_code in (200, 201, 204), posted.text
    return str(grant["image_id"])


def _wait_terminal(stack: LocalStack, token: str, image_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        image = requests.get(
            f"{stack.base_url}/api/images/{image_id}", headers=_headers(token), timeout=30
        ).json()
        if image["status"] in ("ready", "in_review", "rejected", "failed"):
            return dict(image)
        time.sleep(0.3)
    raise AssertionError(f"image {image_id} still {image['status']} after {WAIT_SECONDS}s")


def test_health_answers_under_api(local_stack: LocalStack) -> None:
    response = requests.get(f"{local_stack.base_url}/api/health", timeout=10)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_unknown_api_path_is_a_json_404(local_stack: LocalStack) -> None:
    response = requests.get(f"{local_stack.base_url}/api/nope", timeout=10)
    assert response.status_code == 404 and response.json()["error"]["code"]


def test_contributor_uploads_a_photo_and_it_becomes_ready(local_stack: LocalStack) -> None:
    token = local_stack.token("alice")
    image_id = _upload(local_stack, token, factory.oriented_jpeg(6), "image/jpeg", "rotated.jpg")
    image = _wait_terminal(local_stack, token, image_id)
    assert image["status"] == "ready", image
    assert (image["width"], image["height"], image["orientation"]) == (300, 200, "landscape")
    assert set(image["renditions"]) == {"thumb", "small", "regular", "large"}
    thumb = requests.get(image["renditions"]["thumb"]["url"], timeout=30)
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/webp"
    assert thumb.content[8:12] == b"WEBP" and b"Exif" not in thumb.content
    public = requests.get(f"{local_stack.base_url}/api/images/{image_id}", timeout=10)
    assert public.status_code == 200 and public.json()["owner_name"] == "alice"
    mine = requests.get(
        f"{local_stack.base_url}/api/me/images", headers=_headers(token), timeout=10
    )
    assert image_id in [i["id"] for i in mine.json()["results"]]


def test_hostile_file_is_rejected_and_hidden_from_others(local_stack: LocalStack) -> None:
    token = local_stack.token("bob")
    image_id = _upload(local_stack, token, factory.html(), "image/png", "evil.png")
    image = _wait_terminal(local_stack, token, image_id)
    assert (image["status"], image["reason"]) == ("rejected", "not_an_image")
    other = local_stack.token("carol")
    response = requests.get(
        f"{local_stack.base_url}/api/images/{image_id}", headers=_headers(other), timeout=10
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "image_not_found"


def test_visitor_cannot_upload_and_no_token_is_401(local_stack: LocalStack) -> None:
    visitor = local_stack.token("vera", group="none")
    body = {"filename": "a.jpg", "content_type": "image/jpeg", "size": 10}
    forbidden = requests.post(
        f"{local_stack.base_url}/api/uploads", json=body, headers=_headers(visitor), timeout=10
    )
    anonymous = requests.post(f"{local_stack.base_url}/api/uploads", json=body, timeout=10)
    assert forbidden.status_code == 403 and anonymous.status_code == 401


def test_owner_deletes_and_the_rendition_is_gone(local_stack: LocalStack) -> None:
    token = local_stack.token("dave")
    image_id = _upload(local_stack, token, factory.fresh_photo(800, 600), "image/jpeg", "p.jpg")
    image = _wait_terminal(local_stack, token, image_id)
    url = image["renditions"]["small"]["url"]
    deleted = requests.delete(
        f"{local_stack.base_url}/api/images/{image_id}", headers=_headers(token), timeout=10
    )
    assert deleted.status_code == 204
    assert requests.get(url, timeout=10).status_code == 404
