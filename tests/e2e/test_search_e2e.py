"""Search on the local stack: upload, ready, found by a stemmed word, filtered, paged, deleted."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests.e2e.conftest import LocalStack
from tests.e2e.test_local_stack import _headers, _upload, _wait_terminal
from tests.images import factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _search(stack: LocalStack, **params: str) -> dict[str, Any]:
    response = requests.get(f"{stack.base_url}/api/search", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _eventually(stack: LocalStack, check: Any, **params: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        body = _search(stack, **params)
        if check(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def _ids(body: dict[str, Any]) -> list[str]:
    return [hit["id"] for hit in body["results"]]


def test_a_ready_image_is_found_filtered_paged_and_gone_after_delete(
    local_stack: LocalStack,
) -> None:
    token = local_stack.token("erin")
    made = []
    for n in range(3):
        data = factory.fresh_photo(640, 480)  # three pictures, not one three times
        image_id = _upload(local_stack, token, data, "image/jpeg", f"f{n}.jpg")
        requests.patch(
            f"{local_stack.base_url}/api/images/{image_id}",
            headers=_headers(token),
            json={"title": f"Foxes running {n}", "tags": ["wildlife", "e2e-search"]},
            timeout=30,
        )
        assert _wait_terminal(local_stack, token, image_id)["status"] == "ready"
        made.append(image_id)
    body = _eventually(
        local_stack, lambda b: set(made) <= set(_ids(b)), q="fox run", tags="e2e-search"
    )
    assert set(made) <= set(_ids(body))
    hit = next(h for h in body["results"] if h["id"] == made[0])
    assert hit["renditions"]["thumb"]["url"].startswith(local_stack.base_url)
    assert hit["blurhash"] and hit["color"]
    assert {f["value"] for f in body["facets"]["orientation"]} >= {"landscape"}
    portrait = _search(local_stack, q="fox", tags="e2e-search", orientation="portrait")
    assert not set(made) & set(_ids(portrait))
    first = _search(local_stack, tags="e2e-search", per_page="2")
    second = _search(local_stack, tags="e2e-search", per_page="2", cursor=first["next_cursor"])
    assert len(set(_ids(first)) | set(_ids(second))) == len(_ids(first) + _ids(second)) == 3
    requests.delete(
        f"{local_stack.base_url}/api/images/{made[0]}", headers=_headers(token), timeout=30
    )
    gone = _eventually(local_stack, lambda b: made[0] not in _ids(b), tags="e2e-search")
    assert made[0] not in _ids(gone)


def test_suggestions_and_hostile_queries(local_stack: LocalStack) -> None:
    for q in ("title:* OR _exists_:owner", "/.*/", "*a", '"unbalanced', "x" * 256):
        assert (
            requests.get(
                f"{local_stack.base_url}/api/search", params={"q": q}, timeout=30
            ).status_code
            == 200
        )
    too_long = requests.get(
        f"{local_stack.base_url}/api/search", params={"q": "x" * 257}, timeout=30
    )
    assert too_long.status_code == 400 and too_long.json()["error"]["code"] == "query_too_long"
    response = requests.get(f"{local_stack.base_url}/api/suggest", params={"q": "wi"}, timeout=30)
    assert response.status_code == 200 and isinstance(response.json()["suggestions"], list)
