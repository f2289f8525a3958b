"""The presigned POST policy pins key, type and size (moto does not enforce it, so we read it)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from tests.integration.conftest import Stack


def _policy(fields: dict[str, str]) -> dict:  # type: ignore[type-arg]
    return json.loads(base64.b64decode(fields["policy"]))


def test_policy_pins_exact_key_type_and_size_with_sigv4(stack: Stack) -> None:
    store = stack.services.deps.uploads
    grant = store.presign_post("uploads/abc", "image/png", 12345, 300)
    fields = grant.fields
    policy = _policy(fields)
    conditions = policy["conditions"]
    assert {"key": "uploads/abc"} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, 12345] in conditions
    assert {"bucket": store.bucket} in conditions
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256" and "x-amz-signature" in fields
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    remaining = (expires - datetime.now(UTC)).total_seconds()
    assert 290 <= remaining <= 300
    assert not any(isinstance(c, list) and c[0] == "starts-with" for c in conditions)

