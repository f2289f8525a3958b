"""Issue 17 part 1 on the real pipeline (moto, pyvips, the table's stream, the embedded search
engine): photos cut with one rendition profile, the profile changed, `reprocess` run, killed
half-way and resumed; at every step each page and each search result names only renditions
that exist, and at the end every image is on the new version; its old files stay for the
grace after the flip (pages loaded before it name them) and a sweep after the grace removes
them."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.adapters import aws
from chalicelib.ports import RenderTask
from chalicelib.services.reprocess_run import Pacer, RunOptions, run
from chalicelib.services.sweeping import sweep_all
from tests.fake_profiles import FakeCheckpoint
from tests.images import pictures
from tests.integration.conftest import Stack
from tests.support.audit import stream_records
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")


@pytest.fixture
def client(stack: Stack, tmp_path: Path) -> Iterator[Client]:
    from app import app
    from chalicelib.adapters.search.embedded import EmbeddedSearchIndex

    index = EmbeddedSearchIndex(tmp_path / "search")
    stack.services.deps.search_index = lambda: index
    with Client(app) as test_client:
        yield test_client


class _Stream:
    """Hands the indexer the stream records it has not seen yet, in order."""

    def __init__(self, stack: Stack) -> None:
        self.stack, self.seen = stack, set[str]()

    def index(self) -> None:
        from chalicelib.entrypoints.events import indexer

        every = stream_records(aws.client("dynamodb", "us-east-1"),
                               aws.client("dynamodbstreams", "us-east-1"),
                               self.stack.services.settings.images_table)
        fresh = [r for r in every if r["dynamodb"]["SequenceNumber"] not in self.seen]
        self.seen.update(r["dynamodb"]["SequenceNumber"] for r in fresh)
        if fresh:
            indexer.handle({"Records": fresh}, self.stack.services)


class _Later:
    """The real clock, moved on: what a sweep that many hours from now would see."""

    def __init__(self, hours: float) -> None:
        self.offset = timedelta(hours=hours)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def _drive(stack: Stack, client: Client, after_each: Any = None) -> int:
    """Play the queues until empty, one message at a time; how many render messages ran."""
    return stack.play(client.lambda_, rounds=50, after_render=after_each)


def _upload(stack: Stack, client: Client, data: bytes) -> str:
    body = {"filename": "photo", "content_type": "image/jpeg", "size": len(data), "title": "t"}
    grant = json.loads(client.http.post("/uploads", headers=ALICE, body=json.dumps(body)).body)
    stack.s3.put_object(Bucket=stack.services.settings.uploads_bucket,
                        Key=grant["upload"]["fields"]["key"], Body=data, ContentType="image/jpeg")
    return str(grant["image_id"])


def _keys(renditions: dict[str, Any]) -> set[str]:
    return {r["url"].split("/renditions/", 1)[1] for r in renditions.values()}


def _exists(stack: Stack, key: str) -> bool:
    bucket = stack.services.settings.renditions_bucket
    return bool(stack.s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0))


def _shown(stack: Stack, client: Client, ids: list[str]) -> dict[str, set[str]]:
    """Every rendition key each page and each search result names; each must exist."""
    named: dict[str, set[str]] = {}
    for image_id in ids:
        page = json.loads(client.http.get(f"/images/{image_id}", headers=ALICE).body)
        named[image_id] = _keys(page["renditions"])
    results = json.loads(client.http.get("/search").body)["results"]
    assert {hit["id"] for hit in results} == set(ids)
    for hit in results:
        named[f"search:{hit['id']}"] = _keys(hit["renditions"])
    missing = {key for keys in named.values() for key in keys if not _exists(stack, key)}
    assert not missing, f"named but not stored: {sorted(missing)}"
    return named


def test_a_profile_change_reprocessed_with_a_crash_never_shows_a_missing_rendition(
    stack: Stack, client: Client
) -> None:
    deps = stack.services.deps
    stream = _Stream(stack)
    ids = [_upload(stack, client, pictures.photo(320, 240, scene=n)) for n in (1, 2, 3)]
    _drive(stack, client)
    stream.index()
    first = deps.profile_version
    assert {deps.repo.get(i).profile_version for i in ids} == {first}
    before = _shown(stack, client, ids)
    assert all(f"/{first}/" in key for keys in before.values() for key in keys)
    # WHEN the profile changes (the thumb gets sharper)
    deps.profile = tuple(replace(s, quality=90) if s.name == "thumb" else s for s in deps.profile)
    second = deps.profile_version
    assert second != first
    # THEN the dry run counts the three, sending nothing
    from chalicelib.entrypoints.reprocess_cli import dry_run

    out = io.StringIO()
    assert dry_run(deps, False, None, 5.0, out) == 3 and "$" in out.getvalue()
    assert stack.drain(stack.render_queue_url) == []
    # WHEN a run dies after its first page (page size 1)
    checkpoint, real = FakeCheckpoint(), deps.queue.publish
    sent: list[int] = []

    def dies_on_the_second(tasks: list[RenderTask]) -> None:
        sent.append(1)
        if len(sent) == 2:
            raise ConnectionError("killed")
        real(tasks)

    deps.queue.publish = dies_on_the_second  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        run(deps, checkpoint, RunOptions(rate=0, page_size=1), Pacer(0))
    deps.queue.publish = real  # type: ignore[method-assign]

    def check() -> None:
        _shown(stack, client, ids)
        stream.index()
        _shown(stack, client, ids)

    # THEN while its messages run, every page and search result is whole at every step
    assert _drive(stack, client, check) == len(deps.profile)
    flipped = [i for i in ids if deps.repo.get(i).profile_version == second]
    assert len(flipped) == 1
    # WHEN the next run resumes from the checkpoint
    report = run(deps, checkpoint, RunOptions(rate=0, page_size=1), Pacer(0))
    assert report.resumed and report.finished and report.sent == 2
    _drive(stack, client, check)
    stream.index()
    # THEN every image is on the new version, shown and indexed with its new files only
    after = _shown(stack, client, ids)
    for image_id in ids:
        image = deps.repo.get(image_id)
        assert image.profile_version == second and image.next_profile is None
        assert after[image_id] == after[f"search:{image_id}"]
        assert all(f"/{second}/" in key for key in after[image_id])
    # AND the old files stay for the grace: pages and results loaded before the flip name them
    old = {key for image_id in ids for key in before[image_id]}
    assert all(_exists(stack, key) for key in old), "old renditions gone before the grace"
    # AND a second run finds nothing to do
    assert run(deps, FakeCheckpoint(), RunOptions(rate=0), Pacer(0)).sent == 0
    # WHEN the sweeper runs within the grace (past the orphan grace of the files themselves)
    grace, real_clock = deps.limits.retire_grace_hours, deps.clock
    deps.clock = _Later(grace - 1)
    sweep_all(deps)
    assert all(_exists(stack, key) for key in old), "old renditions swept within the grace"
    # WHEN it runs after the grace
    deps.clock = _Later(grace + 1)
    try:
        sweep_all(deps)
    finally:
        deps.clock = real_clock
    # THEN the old files are gone, and every page and search result is still whole
    assert not [key for key in old if _exists(stack, key)], "old renditions left"
    assert _shown(stack, client, ids) == after
