"""Lambda's event-source mappings played in one process, with redelivery: an SQS message whose
invocation raised or listed it in batchItemFailures comes back (its receive count one higher)
until maxReceiveCount, then goes to a dead-letter list; a stream batch that raised is retried
MaximumRetryAttempts times, then dropped to an on-failure list (as template.yaml configures)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice.test import Client

from infra.local.stream_poller import lambda_record
from tests.integration.conftest import Stack, _lambda_record
from tests.support.audit import stream_records

MAX_RECEIVES = 5  # template.yaml: maxReceiveCount of both queues
STREAM_RETRIES = 5  # template.yaml: the indexer's MaximumRetryAttempts
STREAM_BATCH = 100


class Mappings:
    """The ingest, render and indexer mappings over moto's queues and stream."""

    def __init__(self, stack: Stack, client: Client, dynamodb: Any, streams: Any,
                 before_stream_retry: Callable[[], None] = lambda: None) -> None:
        self.stack, self.client = stack, client
        self.dynamodb, self.streams = dynamodb, streams
        self.before_stream_retry = before_stream_retry
        self.queues = {"ingest": stack.ingest_queue_url, "render": stack.render_queue_url}
        self.dead: dict[str, list[dict[str, Any]]] = {"ingest": [], "render": []}
        self.dropped: list[dict[str, Any]] = []  # stream records given up on
        self.invocations: dict[str, int] = {"ingest": 0, "render": 0, "indexer": 0}
        self._streamed = 0
        self._table = stack.services.settings.images_table
        self._arn = dynamodb.describe_table(TableName=self._table)["Table"]["LatestStreamArn"]

    def settle(self, rounds: int = 100) -> None:
        """Deliver until no queue holds a message and the stream is read to its end."""
        for _ in range(rounds):
            moved = [self.deliver(name) for name in self.queues]
            if not any(moved) and not self.deliver_stream():
                return
        raise AssertionError(f"still busy after {rounds} rounds")

    def messages(self, function: str) -> list[dict[str, Any]]:
        """Take every visible message off a queue without invoking anything (to reorder)."""
        taken = []
        url = self.queues[function]
        while got := self.stack.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", []):
            for message in got:
                self.stack.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                taken.append(message)
        return taken

    def send(self, function: str, bodies: list[str]) -> None:
        """Put message bodies on a queue, in this order."""
        for body in bodies:
            self.stack.sqs.send_message(QueueUrl=self.queues[function], MessageBody=body)

    def deliver(self, function: str) -> bool:
        """One delivery of every visible message of a queue, one message per invocation (the
        app's batch_size); False when there was none."""
        url = self.queues[function]
        got = self.stack.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=60
        ).get("Messages", [])
        for message in got:
            self._invoke_sqs(function, url, message)
        return bool(got)

    def _invoke_sqs(self, function: str, url: str, message: dict[str, Any]) -> None:
        record = _lambda_record(message, url)
        self.invocations[function] += 1
        try:
            answer = self.client.lambda_.invoke(function, {"Records": [record]}).payload
            failed = bool(answer.get("batchItemFailures"))
        except Exception:  # the whole invocation failed: SQS hands the message out again
            failed = True
        receipt = message["ReceiptHandle"]
        if not failed:
            self.stack.sqs.delete_message(QueueUrl=url, ReceiptHandle=receipt)
        elif int(message["Attributes"]["ApproximateReceiveCount"]) >= MAX_RECEIVES:
            self.stack.sqs.delete_message(QueueUrl=url, ReceiptHandle=receipt)
            self.dead[function].append(record)
        else:
            self.stack.sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=receipt, VisibilityTimeout=0)

    def deliver_stream(self) -> bool:
        """Hand the stream's new records to the indexer, in order; False when none."""
        records = stream_records(self.dynamodb, self.streams, self._table)[self._streamed:]
        self._streamed += len(records)
        for start in range(0, len(records), STREAM_BATCH):
            self.index(records[start:start + STREAM_BATCH])
        return bool(records)

    def index(self, records: list[dict[str, Any]]) -> None:
        """One stream batch to the indexer, retried as the mapping retries it."""
        event = {"Records": [lambda_record(r, self._arn) for r in records]}
        for attempt in range(1 + STREAM_RETRIES):
            if attempt:
                self.before_stream_retry()
            self.invocations["indexer"] += 1
            try:
                self.client.lambda_.invoke("indexer", event)
                return
            except Exception:
                continue
        self.dropped.extend(records)
