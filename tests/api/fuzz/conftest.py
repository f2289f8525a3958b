"""The fuzz tests' app (made afresh for each operation): the real Chalice app over fakes,
images of three users in several states, a real cursor; and the hypothesis profile `make test`
runs (FUZZ_EXAMPLES raises it)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from chalice.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from chalicelib import bootstrap, config
from chalicelib.auth.tokens import TokenVerifier
from chalicelib.domain.model import Rendition
from chalicelib.services.deps import Deps
from infra.fuzz.contract import Operation
from infra.fuzz.strategies import Context, FuzzRequest, request_for
from infra.fuzz.tokens import Forge, Signer
from tests.fakes import FakeNames, make_deps
from tests.support.tokens import CLIENT_ID, ISSUER, KID, StaticJwks, access_token, private_key

# Examples per operation. 18 operations x 50 (900 requests) with the runner's unit tests: about
# 40 s on this machine's 2 cores under a load average of 7-10. FUZZ_EXAMPLES=1000 for a long run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
settings.register_profile(
    "fuzz", derandomize=True, database=None, deadline=None, max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
USERS = {"contributor": ("sub-alice", "alice", ("contributors",)),
         "other": ("sub-bob", "bob", ("contributors",)),
         "admin": ("sub-admin", "admin", ("admins",))}
UPLOAD = {"filename": "beach.jpg", "content_type": "image/jpeg", "size": 2048, "title": "Beach",
          "tags": ["sea", "sand"]}


@dataclass
class FuzzApi:
    client: Client
    deps: Deps
    ctx: Context
    built: dict[tuple[str, str], st.SearchStrategy[FuzzRequest]] = field(default_factory=dict)

    def strategy(self, op: Operation) -> st.SearchStrategy[FuzzRequest]:
        """The operation's strategy, built once (hypothesis validates each new one: slow)."""
        if op.key not in self.built:
            self.built[op.key] = request_for(op, self.ctx)
        return self.built[op.key]


def _upload(client: Client, token: str) -> str:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    answer = client.http.post("/uploads", headers=headers, body=json.dumps(UPLOAD))
    return str(json.loads(answer.body)["image_id"])


def _processed(deps: Deps, image_id: str, review: tuple[str, ...] = ()) -> None:
    deps.repo.start_processing(image_id, "t")
    deps.repo.add_renditions(
        image_id, [Rendition("thumb", f"{image_id}/thumb.webp", 200, 150, "webp", 7)], "t")
    deps.repo.finish(image_id, "t", review)


def _seed(client: Client, deps: Deps, forge: Forge) -> Context:
    """Per user two ready images, one in review, one pending; a real /me/images cursor."""
    ctx = Context(forge)
    for role in USERS:
        ids = [_upload(client, forge.token(role)) for _ in range(4)]
        _processed(deps, ids[0])
        _processed(deps, ids[1])
        _processed(deps, ids[2], ("new_contributor",))
        ctx.image_ids += ids
    headers = {"Authorization": f"Bearer {forge.token('contributor')}"}
    page = json.loads(client.http.get("/me/images?per_page=1", headers=headers).body)
    ctx.cursors.append(page["next_cursor"])
    return ctx


@pytest.fixture
def fuzz_api() -> Iterator[FuzzApi]:
    from app import app

    deps = make_deps()
    verifier = TokenVerifier("http://unused.test/jwks", ISSUER, [CLIENT_ID],
                             jwks_client=StaticJwks())  # type: ignore[arg-type]
    bootstrap.override(bootstrap.Services(config.load({}), deps, verifier, names=FakeNames()))
    forge = Forge({role: access_token(*user) for role, user in USERS.items()},
                  Signer(private_key(), KID))
    try:
        with Client(app) as client:
            yield FuzzApi(client, deps, _seed(client, deps, forge))
    finally:
        bootstrap.override(None)
