"""What the repository writes, read back from the table's real stream, decodes to the same
Image the repository returns (moto's stream on the template's table)."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.adapters import aws
from chalicelib.domain.model import Facts, Image, Rendition, Status
from tests.integration.conftest import Stack


def _stream_records(table: str) -> list[dict[str, Any]]:
    """Every record of the table's stream so far, oldest first."""
    arn = aws.client("dynamodb", "us-east-1").describe_table(TableName=table)["Table"][
        "LatestStreamArn"
    ]
    streams = aws.client("dynamodbstreams", "us-east-1")
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records.extend(streams.get_records(ShardIterator=iterator)["Records"])
    return records


def test_every_write_decodes_from_the_stream_as_the_repository_reads_it(stack: Stack) -> None:
    deps = stack.services.deps
    image_id = uuid.uuid4().hex
    deps.repo.add(Image(image_id, "sub-a", "Ann", Status.PENDING, "2026-11-27T12:00:00Z"))
    deps.repo.start_processing(image_id, "t1")
    deps.repo.record_facts(image_id, Facts(30, 20, "landscape", "png", 99), ["thumb"], "t2")
    thumb = Rendition("thumb", f"{image_id}/thumb.webp", 10, 5, "webp", 3)
    deps.repo.add_renditions(image_id, [thumb], "t3")
    deps.repo.finish(image_id, "t4")
    ready = deps.repo.get(image_id)
    deps.repo.delete(image_id)
    changes = [r["dynamodb"] for r in _stream_records(stack.services.settings.images_table)]
    news = [deps.stream_decoder(c["NewImage"]) for c in changes if "NewImage" in c]
    assert [i.updated_at for i in news] == ["2026-11-27T12:00:00Z", "t1", "t2", "t3", "t4"]
    assert ready is not None and ready.status is Status.READY and news[-1] == ready
    removal = changes[-1]
    assert "NewImage" not in removal and deps.stream_decoder(removal["OldImage"]) == ready
