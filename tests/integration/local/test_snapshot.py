"""Snapshots keep moto's state across restarts, and are taken only while requests are held."""

from __future__ import annotations

import pickle
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from infra.local import resources, settings, snapshot
from infra.local.clients import client
from infra.local.files import previous
from infra.local.hygiene import IteratorJanitor
from infra.local.motoserver import Gate
from infra.local.snapshotter import Snapshotter
from tests.integration.local.conftest import unique, wait_for

PASSWORD = "Local-Passw0rd!"


def _populate(clients: resources.Clients, names: dict[str, str]) -> dict[str, Any]:
    clients.s3.create_bucket(Bucket=names["bucket"])
    clients.s3.put_object(Bucket=names["bucket"], Key="k/1.txt", Body=b"kept")
    queue = clients.sqs.create_queue(QueueName=names["queue"])["QueueUrl"]
    clients.sqs.send_message(QueueUrl=queue, MessageBody="still here")
    table = resources.create_table(clients, {
        "TableName": names["table"], "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}, resources.Options())
    clients.dynamodb.put_item(TableName=names["table"], Item={"id": {"S": "1"}})
    pool = clients.cognito.create_user_pool(PoolName=names["pool"])["UserPool"]["Id"]
    app_client = clients.cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    clients.cognito.sign_up(ClientId=app_client, Username="alice", Password=PASSWORD)
    clients.cognito.admin_confirm_sign_up(UserPoolId=pool, Username="alice")
    return {"queue": queue, "stream": table.attrs["StreamArn"], "pool": pool,
            "client": app_client}


def _stream_sequences(endpoint: str, arn: str) -> list[int]:
    streams = client("dynamodbstreams", endpoint)
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    return [int(r["dynamodb"]["SequenceNumber"]) for r in records]


def test_given_state_when_snapshotted_wiped_and_restored_then_everything_is_back(
    moto_server: Any, tmp_path: Path,
) -> None:
    endpoint = moto_server.endpoint_url
    clients = resources.Clients(endpoint)
    names = {kind: unique(kind) for kind in ("bucket", "queue", "table", "pool")}
    made = _populate(clients, names)
    before = _stream_sequences(endpoint, made["stream"])
    store = snapshot.blob_store(tmp_path / "moto-state.pickle")
    taken = snapshot.take(moto_server.gate, store, {"checkpoints": {"x": {"s": "1"}}})
    assert taken is not None
    store.write(taken.bodies.new)
    # WHEN moto forgets everything (as a restart would) and the snapshot is restored
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
    assert names["bucket"] not in [b["Name"] for b in clients.s3.list_buckets()["Buckets"]]
    restored = snapshot.loads(taken.data, store)
    snapshot.restore(restored)
    # THEN objects, items, messages, users (with passwords) and the stream are all back
    assert restored.extras == {"checkpoints": {"x": {"s": "1"}}}
    body = clients.s3.get_object(Bucket=names["bucket"], Key="k/1.txt")["Body"].read()
    assert body == b"kept"
    item = clients.dynamodb.get_item(TableName=names["table"], Key={"id": {"S": "1"}})
    assert item["Item"] == {"id": {"S": "1"}}
    got = clients.sqs.receive_message(QueueUrl=made["queue"])
    assert [m["Body"] for m in got["Messages"]] == ["still here"]
    token = clients.cognito.initiate_auth(
        ClientId=made["client"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})
    assert token["AuthenticationResult"]["AccessToken"]
    table = clients.dynamodb.describe_table(TableName=names["table"])["Table"]
    assert table["LatestStreamArn"] == made["stream"]
    clients.dynamodb.put_item(TableName=names["table"], Item={"id": {"S": "2"}})
    after = _stream_sequences(endpoint, made["stream"])
    assert after[: len(before)] == before and after[-1] > before[-1]


def test_given_a_snapshot_from_another_moto_when_loaded_then_refused_with_advice(
    tmp_path: Path,
) -> None:
    foreign = pickle.dumps({"format": snapshot.FORMAT, "moto": "4.0.0"}) + pickle.dumps({})
    with pytest.raises(snapshot.SnapshotMismatch, match="make clean-data"):
        snapshot.loads(foreign, snapshot.blob_store(tmp_path / "s"))


def test_given_saved_snapshots_when_the_latest_is_torn_then_the_previous_one_loads(
    moto_server: Any, tmp_path: Path,
) -> None:
    path = tmp_path / "moto-state.pickle"
    assert snapshot.load(path) is None
    assert snapshot.save(path, moto_server.gate, {"n": 1})
    assert snapshot.save(path, moto_server.gate, {"n": 2})
    assert snapshot.loads(previous(path).read_bytes(), snapshot.blob_store(path)).extras == {
        "n": 1}
    path.write_bytes(path.read_bytes()[:100])  # a crash mid-write of a non-atomic writer
    loaded = snapshot.load(path)
    assert loaded is not None and loaded.extras == {"n": 1}


def test_given_a_shut_gate_when_requests_arrive_then_they_wait_but_long_polls_do_not_block_it(
    moto_server: Any,
) -> None:
    sqs = client("sqs", moto_server.endpoint_url)
    queue = sqs.create_queue(QueueName=unique("gate"))["QueueUrl"]
    polling = threading.Thread(target=sqs.receive_message,
                               kwargs={"QueueUrl": queue, "WaitTimeSeconds": 3})
    polling.start()
    time.sleep(0.3)  # let the long poll get into moto
    sender = threading.Thread(target=sqs.send_message,
                              kwargs={"QueueUrl": queue, "MessageBody": "m"})
    with moto_server.gate.held(timeout=2) as drained:
        # THEN the gate drained although a long poll is in flight
        assert drained
        sender.start()
        sender.join(0.5)
        # AND a new request is held back while the gate is shut
        assert sender.is_alive()
        assert moto_server.gate.changed is False
    sender.join()
    polling.join()
    assert moto_server.gate.changed is True  # the send changed state


def test_given_old_shard_iterators_when_swept_then_only_expired_ones_go(moto_server: Any) -> None:
    clients = resources.Clients(moto_server.endpoint_url)
    name = unique("it")
    made = resources.create_table(clients, {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "StreamSpecification": {"StreamViewType": "KEYS_ONLY"}}, resources.Options())
    now = [1000.0]
    janitor = IteratorJanitor(lifetime=900, clock=lambda: now[0])
    janitor.sweep()  # whatever other tests left is "seen" now...
    now[0] += 901
    janitor.sweep()  # ...and gone 15 minutes later
    # WHEN a reader gets an iterator and reads once (moto issues a next iterator)
    assert _stream_sequences(moto_server.endpoint_url, made.attrs["StreamArn"]) == []
    # THEN the fresh iterators survive a sweep, and go once they are 15 minutes old
    assert janitor.sweep() == 0
    now[0] += 901
    assert janitor.sweep() == 2


def test_given_a_change_when_the_interval_passes_then_a_snapshot_is_written(
    moto_server: Any, tmp_path: Path,
) -> None:
    path = tmp_path / "moto-state.pickle"
    name = unique("changed")

    def saved_queues() -> set[str]:
        loaded = snapshot.load(path) if path.exists() else None
        if loaded is None:
            return set()
        backend = loaded.backends["sqs"]["123456789012"]["us-east-1"]
        return set(backend.queues)

    saver = Snapshotter(path, moto_server.gate, lambda: {"n": 7}, interval=0.1)
    saver.start()
    try:
        client("sqs", moto_server.endpoint_url).create_queue(QueueName=name)
        # THEN without anyone asking, a snapshot holding the new queue appears
        wait_for(lambda: name in saved_queues(), what="a snapshot with the new queue")
    finally:
        saver.stop()
    loaded = snapshot.load(path)
    assert loaded is not None and loaded.extras == {"n": 7}


def test_given_the_snapshot_interval_setting_then_it_is_read_with_a_sub_second_default() -> None:
    assert settings.snapshot_interval({"LOCAL_SNAPSHOT_INTERVAL": "2.5"}) == 2.5
    assert settings.snapshot_interval({}) == settings.DEFAULT_SNAPSHOT_INTERVAL < 1
    with pytest.raises(ValueError, match="LOCAL_SNAPSHOT_INTERVAL"):
        settings.snapshot_interval({"LOCAL_SNAPSHOT_INTERVAL": "0"})


def test_given_a_final_snapshot_when_it_ends_then_the_gate_stays_shut_for_good() -> None:
    gate = Gate(lambda environ, start_response: [b"ok"])
    with gate.held(timeout=1, reopen=False) as drained:
        assert drained
    # WHEN a write arrives after the last snapshot of a stop
    answered = threading.Event()

    def put() -> None:
        gate({"REQUEST_METHOD": "PUT", "QUERY_STRING": ""}, lambda *args: None)
        answered.set()

    threading.Thread(target=put, daemon=True).start()
    # THEN it is never answered (a 204 now would acknowledge a write no snapshot holds)
    assert not answered.wait(0.5)
