"""The sweeper on the real adapters (moto, libvips): images stranded by lost messages are
brought to ready by a sweep, and the index ends equal to the table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.domain.model import Status
from tests.images import factory
from tests.integration.conftest import Stack
from tests.integration.test_pipeline import _drive, _image, _upload
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
SCHEDULED = Path(__file__).resolve().parents[1] / "payloads" / "eventbridge_scheduled.json"


class _Later:
    """The real clock, moved on: what a sweep an hour from now would see."""

    def __init__(self, minutes: float) -> None:
        self.offset = timedelta(minutes=minutes)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def client(stack: Stack, tmp_path: Path) -> Iterator[Client]:
    from app import app
    from chalicelib.adapters.search.embedded import EmbeddedSearchIndex

    index = EmbeddedSearchIndex(tmp_path / "search")  # never the working tree's .data
    stack.services.deps.search_index = lambda: index
    with Client(app) as test_client:
        yield test_client


def _sweep_later(stack: Stack, client: Client, minutes: float) -> dict[str, Any]:
    stack.services.deps.clock = _Later(minutes)
    event = json.loads(SCHEDULED.read_text())
    result: dict[str, Any] = client.lambda_.invoke("sweeper", event).payload
    return result


def test_an_image_whose_render_messages_were_lost_is_swept_to_ready(
    stack: Stack, client: Client
) -> None:
    # GIVEN a photo ingested (small sizes cut inline), whose render messages were dropped
    image_id = _upload(stack, client, factory.photo(3000, 2000))
    for record in stack.drain(stack.ingest_queue_url):
        client.lambda_.invoke("ingest", {"Records": [record]})
    lost = stack.drain(stack.render_queue_url)
    assert sorted(json.loads(r["body"])["rendition"] for r in lost) == ["full", "large"]
    assert _image(client, image_id)["status"] == "processing"
    # WHEN the sweeper runs 16 minutes later, and the functions take what it sent
    report = _sweep_later(stack, client, 16)
    assert report["counts"]["stuck.renders_resent"] == 1
    _drive(stack, client)
    # THEN the image is ready with every rendition, and indexed at its version
    image = stack.services.deps.repo.get(image_id)
    assert image.status is Status.READY and image.complete
    index = stack.services.deps.search_index()
    assert index.versions([image_id]) == {}  # no stream here: the index never heard of it
    # AND the next sweep (a full pass) puts it in the index, and then has nothing to do
    from chalicelib.services import sweeping

    first = sweeping.sweep_all(stack.services.deps)
    assert first.counts["index.upserted"] == 1
    assert index.versions([image_id]) == {image_id: image.version}
    assert sweeping.sweep_all(stack.services.deps).repairs == 0


def test_an_upload_whose_notification_was_lost_is_notified_again_and_processed(
    stack: Stack, client: Client
) -> None:
    # GIVEN an upload S3 stored (the browser got its 204) whose notification never arrived
    image_id = _upload(stack, client, factory.photo(800, 600))
    assert len(stack.drain(stack.ingest_queue_url)) == 1  # dropped
    # WHEN the sweeper runs past the grant's expiry and the grace
    report = _sweep_later(stack, client, 66)
    assert report["counts"]["pending.renotified"] == 1
    # THEN its own notification (S3's shape) is read by ingest like S3's, and the image ends ready
    _drive(stack, client)
    assert stack.services.deps.repo.get(image_id).status is Status.READY
