"""The strategies come from the OpenAPI document: every route of the app has one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from infra.fuzz.contract import operations
from infra.fuzz.strategies import Context, request_for
from infra.fuzz.tokens import Forge
from tests.support.tokens import access_token


def test_every_route_of_the_app_has_a_strategy() -> None:
    from app import app

    in_app = {(method, path) for path, by in app.routes.items() for method in by}
    fuzzed = {op.key for op in operations()}
    assert in_app - fuzzed == set(), "routes no strategy covers: add them to the OpenAPI document"
    assert fuzzed - in_app == set()


FORGE = Forge({role: access_token(f"sub-{role}", role) for role in ("contributor", "other",
                                                                    "admin")})


@settings(max_examples=30, derandomize=True, database=None, deadline=None)
@given(st.sampled_from(operations()).flatmap(lambda op: st.tuples(
    st.just(op), request_for(op, Context(FORGE, ["abc"]), "/api"))))
def test_a_drawn_request_fits_its_operation(drawn) -> None:  # type: ignore[no-untyped-def]
    op, request = drawn
    assert request.method == op.method and request.operation == op.key
    assert request.path.startswith("/api/") and "{" not in request.path
    assert (request.body is None) or op.method in ("POST", "PUT", "PATCH")
