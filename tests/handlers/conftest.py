"""Event Lambdas invoked through chalice.test.Client with Lambda-shaped payloads."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap, config
from chalicelib.auth.tokens import TokenVerifier
from chalicelib.services.deps import Deps
from tests.fakes import make_deps

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads"


def payload(name: str, **replace: str) -> dict[str, Any]:
    """A stored Lambda event with placeholder strings replaced."""
    text = (PAYLOADS / f"{name}.json").read_text()
    for old, new in replace.items():
        text = text.replace(old, new)
    return json.loads(text)


def batch(event: dict[str, Any], records: list[tuple[str, str, int]]) -> dict[str, Any]:
    """Copies of the first record with (messageId, body, receive count) each."""
    template = event["Records"][0]
    out = []
    for message_id, body, count in records:
        record = copy.deepcopy(template)
        record.update(messageId=message_id, body=body)
        record["attributes"]["ApproximateReceiveCount"] = str(count)
        out.append(record)
    return {"Records": out}


@dataclass
class Lambdas:
    client: Client
    deps: Deps

    def invoke(self, name: str, event: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.client.lambda_.invoke(name, event).payload
        return result


@pytest.fixture
def lambdas() -> Iterator[Lambdas]:
    from app import app

    deps = make_deps()
    settings = config.load({"UPLOADS_BUCKET": "stock-images-uploads"})
    verifier = TokenVerifier("http://unused.test/jwks", settings.issuer, ["x"])
    bootstrap.override(bootstrap.Services(settings, deps, verifier))
    try:
        with Client(app) as client:
            yield Lambdas(client, deps)
    finally:
        bootstrap.override(None)
