"""Plays Lambda's SQS event-source mapping: long-poll, invoke, delete all but the failures."""

from __future__ import annotations

import base64
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from infra.local.clients import REGION
from infra.local.sources import QueueSource
from infra.local.workers import Outcome, WorkerPool

log = logging.getLogger(__name__)

WAIT_SECONDS = 1  # short long-polls so a stop never waits long
_SQS_MAX_BATCH = 10


def lambda_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """One received SQS message in the shape Lambda hands to functions."""
    attributes = {
        key: message.get("Attributes", {}).get(key, "")
        for key in ("ApproximateReceiveCount", "SentTimestamp", "SenderId",
                    "ApproximateFirstReceiveTimestamp")
    }
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {**message.get("Attributes", {}), **attributes},
        "messageAttributes": {
            name: _message_attribute(value)
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    binary = value.get("BinaryValue")
    shaped: dict[str, Any] = {
        "stringValue": value.get("StringValue"),
        "binaryValue": base64.b64encode(binary).decode("ascii") if binary else None,
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": value.get("DataType", "String"),
    }
    return {key: item for key, item in shaped.items() if item is not None}


def succeeded(records: list[dict[str, Any]], outcome: Outcome) -> list[dict[str, Any]]:
    """The records to delete: none if the handler raised, else all but batchItemFailures."""
    if outcome.error is not None:
        return []
    failures = outcome.result.get("batchItemFailures") if isinstance(outcome.result, dict) else None
    if not failures:
        return records
    ids = {record["messageId"] for record in records}
    failed = {str(item.get("itemIdentifier")) for item in failures if isinstance(item, dict)}
    if not failed <= ids or len(failed) != len(failures):
        log.warning("batchItemFailures names unknown messages: treating the batch as failed")
        return []
    return [record for record in records if record["messageId"] not in failed]


class SqsPoller:
    """Polls one queue for one function, with up to `concurrency` batches in flight."""

    def __init__(
        self, source: QueueSource, sqs: Any, queue_url: str, queue_arn: str,
        pool: WorkerPool, concurrency: int,
    ) -> None:
        self.source, self._sqs, self._url, self._arn, self._pool = (
            source, sqs, queue_url, queue_arn, pool)
        self._slots = threading.Semaphore(concurrency)
        self._batches = ThreadPoolExecutor(concurrency, thread_name_prefix=f"{source.function}-")
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"poll-{source.function}")

    def start(self) -> None:
        """Start polling in a thread."""
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            if not self._slots.acquire(timeout=0.5):
                continue
            try:
                messages = self._receive()
            except Exception as exc:
                self._slots.release()
                if not self._stopping.is_set():
                    log.warning("%s: receive failed: %s", self.source.function, exc)
                    self._stopping.wait(1)
                continue
            if messages:
                self._batches.submit(self._deliver, messages)
            else:
                self._slots.release()

    def _receive(self) -> list[dict[str, Any]]:
        response = self._sqs.receive_message(
            QueueUrl=self._url,
            MaxNumberOfMessages=min(self.source.batch_size, _SQS_MAX_BATCH),
            WaitTimeSeconds=WAIT_SECONDS,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        try:
            records = [lambda_record(message, self._arn) for message in messages]
            outcome = self._pool.invoke(self.source.function, {"Records": records})
            if outcome.error is not None:
                log.warning("%s failed:\n%s", self.source.function, outcome.error)
            if outcome.error is not None and self._stopping.is_set():
                self._change_visibility(records, 0)  # cut short by a stop: redeliver at next start
                return
            self._delete(succeeded(records, outcome))
        except Exception:
            log.exception("%s: batch handling failed", self.source.function)
        finally:
            self._slots.release()

    def _delete(self, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), _SQS_MAX_BATCH):
            chunk = records[start:start + _SQS_MAX_BATCH]
            self._sqs.delete_message_batch(QueueUrl=self._url, Entries=[
                {"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(chunk)
            ])

    def _change_visibility(self, records: list[dict[str, Any]], seconds: int) -> None:
        for record in records:
            self._sqs.change_message_visibility(
                QueueUrl=self._url, ReceiptHandle=record["receiptHandle"],
                VisibilityTimeout=seconds,
            )

    def request_stop(self) -> None:
        """Stop receiving; batches in flight carry on."""
        self._stopping.set()

    def join(self) -> None:
        """Wait for the poll loop and every batch in flight to end."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()
        self._batches.shutdown(wait=True)
