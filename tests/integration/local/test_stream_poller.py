"""The stream poller delivers in order, resumes from checkpoints, and bisects around failures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from infra.local import resources
from infra.local.checkpoints import Checkpoints
from infra.local.clients import client
from infra.local.sources import StreamSource
from infra.local.stream_poller import StreamPoller, failed_index, lambda_record
from infra.local.workers import Outcome
from tests.integration.local.conftest import handler_calls, unique, wait_for

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026"


def _raw(sequence: str) -> dict[str, Any]:
    return {"eventID": "e", "eventName": "INSERT", "awsRegion": "us-east-1", "dynamodb": {
        "ApproximateCreationDateTime": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "Keys": {"id": {"S": "1"}}, "NewImage": {"id": {"S": "1"}, "b": {"B": b"\x00\xff"}},
        "SequenceNumber": sequence, "SizeBytes": 10, "StreamViewType": "NEW_AND_OLD_IMAGES"}}


def test_given_a_boto3_record_when_shaped_then_it_is_lambdas_json() -> None:
    record = lambda_record(_raw("7"), ARN)
    assert record["eventSourceARN"] == ARN
    assert record["dynamodb"]["ApproximateCreationDateTime"] == 1767323045
    assert record["dynamodb"]["NewImage"]["b"] == {"B": "AP8="}
    json.dumps(record)  # THEN nothing in it needs a custom encoder


def test_given_outcomes_when_locating_the_failure_then_retry_starts_there() -> None:
    records = [lambda_record(_raw(s), ARN) for s in ("1", "2", "3")]
    assert failed_index(records, Outcome(result=None)) is None
    assert failed_index(records, Outcome(result={"batchItemFailures": []})) is None
    assert failed_index(records, Outcome(error="boom")) == 0
    both = {"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]}
    assert failed_index(records, Outcome(result=both)) == 1
    assert failed_index(records, Outcome(result={"batchItemFailures": [{"itemIdentifier": "9"}]}
                                         )) == 0


@pytest.fixture
def table(moto_server: Any) -> tuple[Any, str, str]:
    name = unique("t")
    clients = resources.Clients(moto_server.endpoint_url)
    made = resources.create_table(clients, {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}, resources.Options())
    return clients.dynamodb, name, made.attrs["StreamArn"]


def _poller(moto_server: Any, pool: Any, name: str, arn: str, data: Path,
            position: str = "TRIM_HORIZON") -> StreamPoller:
    source = StreamSource("indexer", name, 10, position, 0)
    streams = client("dynamodbstreams", moto_server.endpoint_url)
    return StreamPoller(source, streams, arn, pool, Checkpoints(data / "checkpoints.json"),
                        data / "stream-failures.jsonl", backoff_seconds=0, idle_seconds=0.1)


def _delivered(out: Path, arn: str) -> list[dict[str, Any]]:
    return [r for batch in handler_calls(out, "indexer") for r in batch
            if r["eventSourceARN"] == arn]


def test_given_changes_when_polled_then_in_order_and_a_restart_resumes_without_replay(
    moto_server: Any, worker_pool: Any, sample_out: Path, table: Any, tmp_path: Path,
) -> None:
    dynamodb, name, arn = table
    key = {"id": {"S": "a"}}
    dynamodb.put_item(TableName=name, Item={**key, "v": {"N": "1"}})
    dynamodb.update_item(TableName=name, Key=key, UpdateExpression="SET v = :v",
                         ExpressionAttributeValues={":v": {"N": "2"}})
    dynamodb.delete_item(TableName=name, Key=key)
    poller = _poller(moto_server, worker_pool, name, arn, tmp_path)
    poller.start()
    try:
        wait_for(lambda: len(_delivered(sample_out, arn)) >= 3, what="three stream records")
    finally:
        poller.join()
    first = _delivered(sample_out, arn)
    assert [r["eventName"] for r in first] == ["INSERT", "MODIFY", "REMOVE"]
    assert all(isinstance(r["dynamodb"]["ApproximateCreationDateTime"], int) for r in first)
    assert first[1]["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    # WHEN a new poller starts from the saved checkpoint after another write
    dynamodb.put_item(TableName=name, Item={"id": {"S": "b"}})
    again = _poller(moto_server, worker_pool, name, arn, tmp_path)
    again.start()
    try:
        wait_for(lambda: len(_delivered(sample_out, arn)) >= 4, what="the fourth record")
    finally:
        again.join()
    # THEN only the new record was delivered: nothing replayed, nothing lost
    later = _delivered(sample_out, arn)[3:]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["id"]["S"]) for r in later] == [("INSERT", "b")]


def test_given_bad_records_when_polled_then_bisected_retried_and_logged_as_skipped(
    moto_server: Any, worker_pool: Any, sample_out: Path, table: Any, tmp_path: Path,
) -> None:
    dynamodb, name, arn = table
    for item_id, extra in (("g1", {}), ("boom", {"explode": {"BOOL": True}}), ("g2", {}),
                           ("bad", {"poison": {"BOOL": True}}), ("g3", {})):
        dynamodb.put_item(TableName=name, Item={"id": {"S": item_id}, **extra})
    poller = _poller(moto_server, worker_pool, name, arn, tmp_path)
    failures = tmp_path / "stream-failures.jsonl"
    poller.start()
    try:
        wait_for(lambda: failures.exists() and len(failures.read_text().splitlines()) == 2 and
                 "g3" in json.dumps(_delivered(sample_out, arn)), what="two give-ups and g3")
    finally:
        poller.join()
    seen = [r["dynamodb"]["Keys"]["id"]["S"] for r in _delivered(sample_out, arn)]
    # THEN each bad record had its first try plus 5 retries, then went to the failure log
    assert seen.count("boom") == 6 and seen.count("bad") == 6
    skipped = [json.loads(line) for line in failures.read_text().splitlines()]
    assert [[r["dynamodb"]["Keys"]["id"]["S"] for r in s["records"]] for s in skipped] == [
        ["boom"], ["bad"]]
    assert all(s["function"] == "indexer" and s["eventSourceARN"] == arn for s in skipped)
    # AND the good records all got through, in order, and the checkpoint is at the last one
    firsts = [seen.index(item_id) for item_id in ("g1", "boom", "g2", "bad", "g3")]
    assert firsts == sorted(firsts)
    assert seen[-1] == "g3"
    positions = Checkpoints(tmp_path / "checkpoints.json").all()[arn]
    last_sequence = _delivered(sample_out, arn)[-1]["dynamodb"]["SequenceNumber"]
    assert list(positions.values()) == [last_sequence]


def test_given_latest_when_first_started_then_only_later_changes_and_then_from_checkpoint(
    moto_server: Any, worker_pool: Any, sample_out: Path, table: Any, tmp_path: Path,
) -> None:
    dynamodb, name, arn = table
    dynamodb.put_item(TableName=name, Item={"id": {"S": "before"}})
    poller = _poller(moto_server, worker_pool, name, arn, tmp_path, position="LATEST")
    poller.start()
    try:
        # the first start pins "now" as a checkpoint before reading on
        wait_for(lambda: Checkpoints(tmp_path / "checkpoints.json").get(
            arn, _shard(moto_server, arn)), what="the pinned start")
        dynamodb.put_item(TableName=name, Item={"id": {"S": "during"}})
        wait_for(lambda: _delivered(sample_out, arn), what="the new record")
    finally:
        poller.join()
    dynamodb.put_item(TableName=name, Item={"id": {"S": "while-down"}})
    again = _poller(moto_server, worker_pool, name, arn, tmp_path, position="LATEST")
    again.start()
    try:
        wait_for(lambda: len(_delivered(sample_out, arn)) == 2, what="the record from downtime")
    finally:
        again.join()
    keys = [r["dynamodb"]["Keys"]["id"]["S"] for r in _delivered(sample_out, arn)]
    assert keys == ["during", "while-down"]


def _shard(moto_server: Any, arn: str) -> str:
    streams = client("dynamodbstreams", moto_server.endpoint_url)
    return str(streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"])
