"""Upload quotas on the real local stack (moto server, its transactions under the item lock):
a burst of concurrent grants over HTTP, twice the pending limit, gets exactly the limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.conftest import LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
UPLOAD = {"filename": "burst.jpg", "content_type": "image/jpeg", "size": 1000, "title": "Burst"}


def test_a_burst_of_twice_the_pending_limit_gets_exactly_the_limit(
    local_stack: LocalStack,
) -> None:
    headers = {"Authorization": f"Bearer {local_stack.token('quota-burster')}"}
    quota_url = f"{local_stack.base_url}/api/me/quota"
    before = requests.get(quota_url, headers=headers, timeout=30).json()
    limit = before["max_pending"]  # 20 unless UPLOAD_MAX_PENDING says otherwise
    assert before["pending"] == 0

    def grant(_: int) -> requests.Response:
        return requests.post(f"{local_stack.base_url}/api/uploads", json=UPLOAD,
                             headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=2 * limit) as pool:
        answers = list(pool.map(grant, range(2 * limit)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * limit + [429] * limit
    refused = [answer for answer in answers if answer.status_code == 429]
    assert {answer.json()["error"]["code"] for answer in refused} == {"too_many_pending"}
    assert all(int(answer.headers["Retry-After"]) >= 1 for answer in refused)
    after = requests.get(quota_url, headers=headers, timeout=30).json()
    assert (after["pending"], after["today"]) == (limit, limit)
