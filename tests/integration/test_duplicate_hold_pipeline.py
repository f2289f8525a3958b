"""`duplicates --hold` on the real pipeline (moto, pyvips, the table's stream, the embedded
search engine): photos uploaded with the duplicate check off end up ready, one picture three
times; the hold sends the two later copies (another contributor's and the owner's own) to the
review queue naming the first, the stream takes them out of search, and a second run changes
nothing, nor sends back a copy the admin approved."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.adapters import aws
from tests.images import pictures
from tests.integration.conftest import Stack
from tests.support.audit import stream_records
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
BOB = bearer("sub-bob", "bob", "contributors")
ADMIN = bearer("sub-admin", "admin", "admins")


@pytest.fixture
def client(stack: Stack, tmp_path: Path) -> Iterator[Client]:
    from app import app
    from chalicelib.adapters.search.embedded import EmbeddedSearchIndex

    index = EmbeddedSearchIndex(tmp_path / "search")  # never the working tree's .data
    stack.services.deps.search_index = lambda: index
    with Client(app) as test_client:
        yield test_client


def _upload(stack: Stack, client: Client, who: dict[str, str], data: bytes,
            content_type: str = "image/jpeg") -> str:
    """Upload and process one photo through ingest and render; its id."""
    body = {"filename": "photo", "content_type": content_type, "size": len(data), "title": "t"}
    grant = json.loads(client.http.post("/uploads", headers=who, body=json.dumps(body)).body)
    stack.s3.put_object(Bucket=stack.services.settings.uploads_bucket,
                        Key=grant["upload"]["fields"]["key"], Body=data, ContentType=content_type)
    stack.play(client.lambda_)  # the event-source mappings, until both queues are empty
    return str(grant["image_id"])


def _index_the_stream(stack: Stack) -> None:
    """Hand the table's whole stream so far to the indexer (versions make replays harmless)."""
    from chalicelib.entrypoints.events import indexer

    records = stream_records(aws.client("dynamodb", "us-east-1"),
                             aws.client("dynamodbstreams", "us-east-1"),
                             stack.services.settings.images_table)
    indexer.handle({"Records": records}, stack.services)


def _hold(json_flag: bool = True) -> list[dict[str, Any]]:
    from chalicelib.entrypoints import cli

    out = io.StringIO()
    cli.duplicates(as_json=json_flag, hold=True, stream=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_hold_sends_the_later_copies_to_review_and_out_of_search(
    stack: Stack, client: Client
) -> None:
    first = _upload(stack, client, ALICE, pictures.photo(640, 480))
    copied = _upload(stack, client, BOB, pictures.photo(640, 480, fmt="png"), "image/png")
    again = _upload(stack, client, ALICE, pictures.photo(480, 360, quality=70))
    other = _upload(stack, client, BOB, pictures.encode(pictures.upright_quadrants(), "jpeg"))
    repo = stack.services.deps.repo
    assert [repo.get(i).status.value for i in (first, copied, again, other)] == ["ready"] * 4
    _index_the_stream(stack)
    index = stack.services.deps.search_index()
    assert set(index.versions([first, copied, again, other])) == {first, copied, again, other}
    # WHEN the admin runs `duplicates --hold`
    (group,) = _hold()
    assert group["original"] == first and not group["same_owner"]
    assert {m["id"]: m["outcome"] for m in group["images"]} == {
        first: "original", copied: "held", again: "held"}
    # THEN both later copies wait for review naming the first, as ingest would have held them
    queue = json.loads(client.http.get("/review", headers=ADMIN).body)["results"]
    assert {(q["id"], q["status"]) for q in queue} == {(copied, "in_review"), (again, "in_review")}
    for item in queue:
        assert item["review"]["reasons"] == ["possible_duplicate"]
        assert item["review"]["possible_duplicate_of"] == first
    # AND the stream takes them out of search; the first and the different photo stay
    _index_the_stream(stack)
    assert set(index.versions([first, copied, again, other])) == {first, other}
    # AND a second run changes nothing
    (second,) = _hold()
    assert {m["outcome"] for m in second["images"]} == {"original", "already_held"}
    # AND the admin decides there as for any possible duplicate
    decided = client.http.post(f"/review/{copied}", headers=ADMIN,
                               body=json.dumps({"decision": "reject", "reason": "a copy"}))
    assert json.loads(decided.body)["status"] == "rejected"
    approved = client.http.post(f"/review/{again}", headers=ADMIN,
                                body=json.dumps({"decision": "approve"}))
    assert json.loads(approved.body)["status"] == "ready"
    # AND a later run leaves the approved copy alone (the decision recorded why it was held)
    (third,) = _hold()
    assert {m["id"]: m["outcome"] for m in third["images"]} == {
        first: "original", again: "approved"}
