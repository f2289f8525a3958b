"""The SQS poller shapes Lambda events and deletes exactly what the handler says succeeded."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from infra.local import resources
from infra.local.sources import QueueSource
from infra.local.sqs_poller import SqsPoller, lambda_record, succeeded
from infra.local.workers import Outcome
from tests.integration.local.conftest import handler_calls, unique, wait_for

ARN = "arn:aws:sqs:us-east-1:123456789012:q"


def _message(message_id: str, body: str = "b") -> dict[str, Any]:
    return {
        "MessageId": message_id, "ReceiptHandle": f"rh-{message_id}", "Body": body,
        "MD5OfBody": "m", "Attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1"},
        "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "x"},
                              "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}},
    }


def test_given_a_received_message_when_shaped_then_it_looks_like_lambdas() -> None:
    record = lambda_record(_message("1", "hello"), ARN)
    assert record["messageId"] == "1" and record["receiptHandle"] == "rh-1"
    assert record["body"] == "hello" and record["md5OfBody"] == "m"
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"] == ARN
    assert record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "2"
    assert "ApproximateFirstReceiveTimestamp" in record["attributes"]
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "x", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    blob = record["messageAttributes"]["blob"]["binaryValue"]
    assert base64.b64decode(blob) == b"\x00\x01"


def test_given_handler_outcomes_when_settling_then_only_successes_are_deleted() -> None:
    records = [lambda_record(_message(i), ARN) for i in ("1", "2", "3")]

    def ids(kept: list[dict[str, Any]]) -> list[str]:
        return [r["messageId"] for r in kept]

    assert ids(succeeded(records, Outcome(result=None))) == ["1", "2", "3"]
    assert ids(succeeded(records, Outcome(result={"batchItemFailures": []}))) == ["1", "2", "3"]
    failed_two = Outcome(result={"batchItemFailures": [{"itemIdentifier": "2"}]})
    assert ids(succeeded(records, failed_two)) == ["1", "3"]
    # a raised exception, or a failure naming a message not in the batch, fails the whole batch
    assert succeeded(records, Outcome(error="Traceback")) == []
    assert succeeded(records, Outcome(result={"batchItemFailures": [{"itemIdentifier": "9"}]}))\
        == []


def _queue_with_dlq(clients: resources.Clients) -> tuple[str, str, str]:
    options = resources.Options(visibility_timeout=1)  # LOCAL_VISIBILITY_TIMEOUT's effect
    name = unique("q")
    dlq = resources.create_queue(clients, {"QueueName": f"{name}-dlq"}, options)
    queue = resources.create_queue(clients, {"QueueName": name, "RedrivePolicy": {
        "deadLetterTargetArn": dlq.attrs["Arn"], "maxReceiveCount": 5}}, options)
    return queue.ref, queue.attrs["Arn"], dlq.ref


def _bodies(clients: resources.Clients, url: str) -> list[str]:
    got = clients.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return sorted(m["Body"] for m in got.get("Messages", []))


def _calls_for(out: Path, arn: str) -> list[list[dict[str, Any]]]:
    return [batch for batch in handler_calls(out, "ingest") if batch[0]["eventSourceARN"] == arn]


def test_given_failures_when_polled_then_they_retry_and_end_in_the_dlq(
    moto_server: Any, worker_pool: Any, sample_out: Path,
) -> None:
    clients = resources.Clients(moto_server.endpoint_url)
    partial_url, partial_arn, partial_dlq = _queue_with_dlq(clients)
    raised_url, raised_arn, raised_dlq = _queue_with_dlq(clients)
    source = QueueSource("ingest", "unused", 10, None, 0)
    pollers = [SqsPoller(source, clients.sqs, url, arn, worker_pool, 2)
               for url, arn in ((partial_url, partial_arn), (raised_url, raised_arn))]
    # GIVEN one queue whose batch reports a failure, one whose handler raises
    clients.sqs.send_message_batch(QueueUrl=partial_url, Entries=[
        {"Id": "a", "MessageBody": "ok"}, {"Id": "b", "MessageBody": "fail"}])
    clients.sqs.send_message_batch(QueueUrl=raised_url, Entries=[
        {"Id": "a", "MessageBody": "raise"}, {"Id": "b", "MessageBody": "fine"}])
    for poller in pollers:
        poller.start()
    try:
        wait_for(lambda: _bodies(clients, partial_dlq) == ["fail"], what="fail in the DLQ")
        wait_for(lambda: _bodies(clients, raised_dlq) == ["fine", "raise"], what="raise batch")
    finally:
        for poller in pollers:
            poller.join()
    # THEN the good message was handled once and deleted; the failing one was seen 5 times
    partial = [r for batch in _calls_for(sample_out, partial_arn) for r in batch]
    assert [r["body"] for r in partial].count("ok") == 1
    fail_counts = [r["attributes"]["ApproximateReceiveCount"] for r in partial
                   if r["body"] == "fail"]
    assert fail_counts == ["1", "2", "3", "4", "5"]
    assert _bodies(clients, partial_url) == []
    # AND when the handler raised, nothing was deleted: "fine" came back with "raise"
    raised = [r["body"] for batch in _calls_for(sample_out, raised_arn) for r in batch]
    assert raised.count("fine") == 5


def test_given_a_worker_dies_when_polled_then_the_message_comes_back_and_completes(
    moto_server: Any, worker_pool: Any, sample_out: Path,
) -> None:
    clients = resources.Clients(moto_server.endpoint_url)
    url, arn, dlq = _queue_with_dlq(clients)
    clients.sqs.send_message(QueueUrl=url, MessageBody="crash")
    poller = SqsPoller(QueueSource("ingest", "unused", 10, None, 0), clients.sqs, url, arn,
                       worker_pool, 2)
    poller.start()
    try:
        # THEN the second delivery (after the visibility timeout) reaches a fresh worker
        wait_for(lambda: len(_calls_for(sample_out, arn)) == 2, what="the redelivery")
        wait_for(lambda: _bodies(clients, url) == [], what="the message to be deleted")
    finally:
        poller.join()
    counts = [b[0]["attributes"]["ApproximateReceiveCount"] for b in _calls_for(sample_out, arn)]
    assert counts == ["1", "2"]
    assert _bodies(clients, dlq) == []
    assert worker_pool.invoke("ingest", {"Records": []}).error is None  # the pool still works
