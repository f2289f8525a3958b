"""A delete at any moment of an ingest, on the real adapters (moto, libvips): whatever a step
stored before it lost the race goes, every version of it (the fuzz run's leaked master)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from chalice.test import Client

from chalicelib.auth import Principal
from chalicelib.domain.model import Status
from tests.images import factory
from tests.integration.conftest import Stack
from tests.support.delete_race import delete_before_call
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
OWNER = Principal("sub-alice", "alice", frozenset({"contributors"}))
# Of the calls an ingest and its renders make (tests/unit/services/test_ingest_delete_race.py
# plays every one on fakes): before the master is stored, before record_facts, and before a
# render's add_renditions (the render read the master).
MOMENTS = (3, 4, 9)


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    from app import app

    with Client(app) as test_client:
        yield test_client


def _upload(stack: Stack, client: Client) -> str:
    data = factory.photo(2600, 1800)  # past the inline sizes: a master is stored
    body = {"filename": "p", "content_type": "image/jpeg", "size": len(data), "title": "t"}
    grant = json.loads(client.http.post("/uploads", headers=ALICE, body=json.dumps(body)).body)
    stack.s3.put_object(Bucket=stack.services.settings.uploads_bucket,
                        Key=grant["upload"]["fields"]["key"], Body=data,
                        ContentType="image/jpeg")
    return str(grant["image_id"])


def _versions_left(stack: Stack, image_id: str) -> list[str]:
    settings = stack.services.settings
    left: list[str] = []
    for bucket in (settings.uploads_bucket, settings.originals_bucket,
                   settings.renditions_bucket):
        listing = stack.s3.list_object_versions(Bucket=bucket)
        left += [f"{bucket}/{v['Key']}" for v in listing.get("Versions", [])
                 if image_id in v["Key"]]
    return sorted(left)


@pytest.mark.parametrize("moment", MOMENTS)
def test_given_a_delete_during_ingest_then_no_version_of_anything_is_left(
    stack: Stack, client: Client, moment: int
) -> None:
    image_id = _upload(stack, client)
    deps = stack.services.deps
    delete_before_call(deps, OWNER, image_id, moment)
    stack.play(client.lambda_)
    image = deps.repo.get(image_id)
    assert image is not None and image.status is Status.DELETED
    assert _versions_left(stack, image_id) == []
