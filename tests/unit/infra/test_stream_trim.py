"""Handled stream records leave moto's state after the retention; sequence numbers, readers
from a checkpoint and from TRIM_HORIZON go on as in DynamoDB Streams."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.utils import utcnow

from infra.local import settings
from infra.local.stream_trim import trim_handled
from tests.integration.conftest import AWS_ENV  # the stream endpoint needs its settings

TABLE = "images"


@pytest.fixture
def stream(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str, str]]:
    for key, value in AWS_ENV.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        arn = dynamodb.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )["TableDescription"]["LatestStreamArn"]
        for number in range(10):
            dynamodb.put_item(TableName=TABLE, Item={"id": {"S": f"i{number}"}})
        streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        yield streams, arn, shard["ShardId"]


def read(streams: Any, arn: str, shard: str, kind: str, after: str | None = None) -> list[str]:
    extra = {"SequenceNumber": after} if after else {}
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind,
                                          **extra)["ShardIterator"]
    return [r["dynamodb"]["SequenceNumber"]
            for r in streams.get_records(ShardIterator=iterator)["Records"]]


def test_records_a_checkpoint_is_past_and_older_than_the_retention_go(
    stream: tuple[Any, str, str],
) -> None:
    streams, arn, shard = stream
    numbers = read(streams, arn, shard, "TRIM_HORIZON")
    later = utcnow() + timedelta(seconds=120)
    dropped = trim_handled({arn: {shard: numbers[5]}}, retention_seconds=60, now=later)
    assert dropped == 6
    assert read(streams, arn, shard, "TRIM_HORIZON") == numbers[6:]  # the same numbers
    assert read(streams, arn, shard, "AFTER_SEQUENCE_NUMBER", numbers[5]) == numbers[6:]
    boto3.client("dynamodb", region_name="us-east-1").put_item(
        TableName=TABLE, Item={"id": {"S": "new"}})
    after = read(streams, arn, shard, "TRIM_HORIZON")
    assert after[:-1] == numbers[6:] and int(after[-1]) == int(numbers[-1]) + 1


def test_records_within_the_retention_or_not_yet_handled_stay(
    stream: tuple[Any, str, str],
) -> None:
    streams, arn, shard = stream
    numbers = read(streams, arn, shard, "TRIM_HORIZON")
    assert trim_handled({arn: {shard: numbers[-1]}}, retention_seconds=60) == 0  # too recent
    assert trim_handled({}, retention_seconds=0, now=utcnow() + timedelta(seconds=1)) == 0
    assert trim_handled({"another-arn": {shard: numbers[-1]}}, retention_seconds=0,
                        now=utcnow() + timedelta(seconds=1)) == 0
    assert read(streams, arn, shard, "TRIM_HORIZON") == numbers


def test_the_retention_is_a_setting() -> None:
    assert settings.stream_retention({}) == settings.DEFAULT_STREAM_RETENTION == 60.0
    assert settings.stream_retention({"LOCAL_STREAM_RETENTION": "0"}) == 0.0
    with pytest.raises(ValueError, match="LOCAL_STREAM_RETENTION"):
        settings.stream_retention({"LOCAL_STREAM_RETENTION": "-1"})


def test_a_snapshot_prunes_with_the_positions_it_keeps_inside_its_hold(
    stream: tuple[Any, str, str], tmp_path: Any,
) -> None:
    from infra.local import snapshot
    from infra.local.blobs import BlobStore
    from infra.local.motoserver import Gate

    streams, arn, shard = stream
    numbers = read(streams, arn, shard, "TRIM_HORIZON")
    gate = Gate(lambda environ, start: [b""])
    seen: list[tuple[dict[str, Any], bool]] = []

    def prune(extras: dict[str, Any]) -> None:
        seen.append((extras, gate._closed))  # the gate is shut: moto serves nothing meanwhile
        trim_handled(extras["checkpoints"], 0, now=utcnow() + timedelta(seconds=1))

    extras = {"checkpoints": {arn: {shard: numbers[3]}}}
    taken = snapshot.take(gate, BlobStore(tmp_path), extras, prune=prune)
    assert taken is not None and seen == [(extras, True)]
    kept = snapshot.loads(taken.data, BlobStore(tmp_path))
    tables = kept.backends["dynamodb"]["123456789012"]["us-east-1"].tables
    # the snapshot holds what the positions it keeps still need, and nothing before
    assert [r.record["dynamodb"]["SequenceNumber"]
            for r in tables[TABLE].stream_shard.items] == numbers[4:]
