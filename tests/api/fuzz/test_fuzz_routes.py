"""Any request to any route -> a 2xx, or a 4xx in {"error": {"code", "message"}} with a code the
OpenAPI document lists for that route; never an exception or a 5xx; after it, the fakes hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infra.fuzz.contract import Operation, operations
from infra.fuzz.strategies import FuzzRequest
from infra.fuzz.tokens import claims_of
from infra.fuzz.verdict import judge
from tests.api.fuzz.conftest import FuzzApi
from tests.api.fuzz.invariants import snapshot, state_problems
from tests.fake_repo import FakeRepo

VALID_ROLES = ("contributor", "other", "admin")


def _caller(fuzz_api: FuzzApi, request: FuzzRequest) -> tuple[str | None, bool]:
    """(sub, is admin) of the request's token when it is a valid one."""
    if request.token_kind not in VALID_ROLES:
        return None, False
    claims = claims_of(fuzz_api.ctx.forge.token(request.token_kind))
    return claims["sub"], "admins" in claims.get("cognito:groups", [])


def _send(fuzz_api: FuzzApi, request: FuzzRequest):  # type: ignore[no-untyped-def]
    return fuzz_api.client.http.request(request.method, request.target,
                                        headers=request.headers, body=request.body or b"")


@pytest.mark.parametrize("op", operations(), ids=lambda op: f"{op.method} {op.path}")
@settings(settings.get_profile("fuzz"))
@given(data=st.data())
def test_any_request_gets_a_listed_answer_and_leaves_valid_state(
    fuzz_api: FuzzApi, op: Operation, data: st.DataObject
) -> None:
    request = data.draw(fuzz_api.strategy(op), label="request")
    repo = fuzz_api.deps.repo
    assert isinstance(repo, FakeRepo)
    before = snapshot(repo)
    answer = _send(fuzz_api, request)
    verdict = judge(op, answer.status_code, answer.body)
    assert verdict.failure is None, f"{verdict.failure}: {answer.body[:300]!r}"
    caller, admin = _caller(fuzz_api, request)
    problems = state_problems(repo, fuzz_api.deps.limits, before, caller, admin)
    assert problems == [], problems
