"""Plays Lambda's DynamoDB-stream mapping: in order per shard, bisect on error, 5 retries."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import Any

from infra.local.checkpoints import Checkpoints
from infra.local.sources import StreamSource
from infra.local.workers import Outcome, WorkerPool

log = logging.getLogger(__name__)

MAX_RETRIES = 5
_FETCH_LIMIT = 1000


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A boto3 stream record as Lambda delivers it: JSON types, epoch time, with its ARN."""
    shaped: dict[str, Any] = _jsonable(record)
    shaped["eventSourceARN"] = stream_arn
    return shaped


def failed_index(records: list[dict[str, Any]], outcome: Outcome) -> int | None:
    """Index of the first record to retry from, or None when the whole batch succeeded."""
    if outcome.error is not None:
        return 0
    failures = outcome.result.get("batchItemFailures") if isinstance(outcome.result, dict) else None
    if not failures:
        return None
    positions = {r["dynamodb"]["SequenceNumber"]: i for i, r in enumerate(records)}
    named = [positions.get(str(f.get("itemIdentifier"))) if isinstance(f, dict) else None
             for f in failures]
    return 0 if None in named else min(i for i in named if i is not None)


class StreamPoller:
    """Reads one table's stream for one function, resuming from its checkpoints."""

    def __init__(
        self, source: StreamSource, streams: Any, stream_arn: str, pool: WorkerPool,
        checkpoints: Checkpoints, failures_path: Path, backoff_seconds: float = 0.2,
        idle_seconds: float = 0.25,  # an empty stream is read 4 times a second, as Lambda does
    ) -> None:
        self.source, self._streams, self._arn, self._pool = source, streams, stream_arn, pool
        self._checkpoints, self._failures_path = checkpoints, failures_path
        self._backoff, self._idle = backoff_seconds, idle_seconds
        self._iterators: dict[str, str | None] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"stream-{source.function}")

    def start(self) -> None:
        """Start polling in a thread."""
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = self._poll_once()
            except Exception as exc:
                if self._stopping.is_set():
                    return
                log.warning("%s: stream read failed: %s", self.source.function, exc)
                self._iterators.clear()  # iterators may have expired: start again from checkpoints
                busy = False
            if not busy:
                self._stopping.wait(self._idle)

    def _poll_once(self) -> bool:
        description = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]
        busy = False
        for shard in description["Shards"]:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._first_iterator(shard_id)
            iterator = self._iterators[shard_id]
            if iterator is None:
                continue  # a closed shard we read to its end
            page = self._streams.get_records(ShardIterator=iterator, Limit=_FETCH_LIMIT)
            self._iterators[shard_id] = page.get("NextShardIterator")
            records = [lambda_record(r, self._arn) for r in page.get("Records", [])]
            busy = busy or bool(records)
            for start in range(0, len(records), self.source.batch_size):
                if self._stopping.is_set():
                    return busy
                self._deliver(shard_id, records[start:start + self.source.batch_size])
        return busy

    def _iterator(self, shard_id: str, kind: str, after: str | None = None) -> str:
        extra = {"SequenceNumber": after} if after else {}
        return str(self._streams.get_shard_iterator(
            StreamArn=self._arn, ShardId=shard_id, ShardIteratorType=kind, **extra
        )["ShardIterator"])

    def _first_iterator(self, shard_id: str) -> str | None:
        position = self._checkpoints.get(self._arn, shard_id)
        if position:
            return self._iterator(shard_id, "AFTER_SEQUENCE_NUMBER", position)
        if self.source.starting_position != "LATEST":
            return self._iterator(shard_id, "TRIM_HORIZON")
        # LATEST only on the very first start: pin "now" as a checkpoint so a restart
        # resumes there instead of skipping what was written while the stack was down.
        iterator: str | None = self._iterator(shard_id, "TRIM_HORIZON")
        while iterator:
            page = self._streams.get_records(ShardIterator=iterator, Limit=_FETCH_LIMIT)
            if not page.get("Records"):
                return iterator
            last = page["Records"][-1]["dynamodb"]["SequenceNumber"]
            self._checkpoints.set(self._arn, shard_id, last)
            iterator = page.get("NextShardIterator")
        return iterator

    def _deliver(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        work = deque([(records, 0)])
        while work and not self._stopping.is_set():
            chunk, attempts = work.popleft()
            outcome = self._pool.invoke(self.source.function, {"Records": chunk})
            failed_at = failed_index(chunk, outcome)
            if failed_at is None:
                self._checkpoint(shard_id, chunk[-1])
                continue
            if self._stopping.is_set():
                return  # not checkpointed: redelivered after the restart
            if failed_at > 0:
                self._checkpoint(shard_id, chunk[failed_at - 1])
            rest = chunk[failed_at:]
            if attempts >= MAX_RETRIES:
                self._give_up(shard_id, rest, outcome)
                self._checkpoint(shard_id, rest[-1])
                continue
            self._stopping.wait(self._backoff * 2**attempts)
            middle = (len(rest) + 1) // 2
            halves = [rest[:middle], rest[middle:]] if len(rest) > 1 else [rest]
            work.extendleft(reversed([(half, attempts + 1) for half in halves]))

    def _checkpoint(self, shard_id: str, record: dict[str, Any]) -> None:
        self._checkpoints.set(self._arn, shard_id, record["dynamodb"]["SequenceNumber"])

    def _give_up(self, shard_id: str, records: list[dict[str, Any]], outcome: Outcome) -> None:
        """Lambda's on-failure destination, locally: one JSON line per abandoned batch."""
        log.error("%s: %d stream record(s) skipped after %d retries, see %s",
                  self.source.function, len(records), MAX_RETRIES, self._failures_path)
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "function": self.source.function, "eventSourceARN": self._arn, "shardId": shard_id,
            "error": outcome.error or json.dumps(outcome.result, default=str), "records": records,
        }
        with open(self._failures_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    def request_stop(self) -> None:
        """Stop reading; the batch in flight carries on."""
        self._stopping.set()

    def join(self) -> None:
        """Wait for the poll thread to end."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()
