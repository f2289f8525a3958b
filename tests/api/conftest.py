"""The real Chalice app over fake ports, with real token verification."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from chalice.test import Client

from chalicelib import bootstrap, config
from chalicelib.auth.tokens import TokenVerifier
from chalicelib.services.deps import Deps
from tests.fakes import FakeNames, make_deps
from tests.support.tokens import CLIENT_ID, ISSUER, StaticJwks


@dataclass
class Api:
    client: Client
    deps: Deps


@pytest.fixture
def api() -> Iterator[Api]:
    from app import app

    deps = make_deps()
    verifier = TokenVerifier(
        "http://unused.test/jwks", ISSUER, [CLIENT_ID], jwks_client=StaticJwks()
    )  # type: ignore[arg-type]
    bootstrap.override(bootstrap.Services(config.load({}), deps, verifier, names=FakeNames()))
    try:
        with Client(app) as client:
            yield Api(client, deps)
    finally:
        bootstrap.override(None)
