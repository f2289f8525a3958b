"""What the fuzz suite found, each from one request (issue 18 item 3)."""

from __future__ import annotations

import json

import pytest

from infra.fuzz.contract import operations
from tests.api.conftest import Api


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", ""])
def test_a_content_type_other_than_json_is_a_listed_415_on_every_route(
    api: Api, content_type: str
) -> None:
    # GIVEN a Content-Type Chalice does not take WHEN sent to any route
    answer = api.client.http.get("/health", headers={"Content-Type": content_type})
    # THEN our error shape with 415, and the OpenAPI document lists that code on every route
    assert answer.status_code == 415
    assert json.loads(answer.body)["error"]["code"] == "unsupported_media_type"
    assert all(op.statuses.get("unsupported_media_type") == 415 for op in operations())
