"""Stream records every local consumer has handled leave moto's state after a while.

DynamoDB Streams keeps a record 24 hours, then trims it. moto keeps every record for ever, so
the local stack's state grew by every write: after 500 photos its stream held 3,561 records,
6 MB of the 18.7 MB snapshot and a third of the time each snapshot holds moto's requests back
(0.14 of 0.41 s, every half second). Here a record goes once the stream pollers' checkpoints
are past it and it is older than LOCAL_STREAM_RETENTION seconds (60 by default), so a reader
from TRIM_HORIZON still sees the last minute, and nothing a poller has not handled is lost.
Sequence numbers stay as they were: the shard's first number moves up by what was dropped.
Call only while moto serves no request (the snapshot's hold): moto appends without a lock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from moto.backends import get_backend
from moto.core.utils import utcnow


def stream_tables() -> Iterator[Any]:
    """Every moto table that has a stream, in every account and region."""
    for _account, _region, backend in get_backend("dynamodb").iter_backends():
        tables: dict[str, Any] = getattr(backend, "tables", {})
        for table in list(tables.values()):
            if getattr(table, "stream_shard", None) is not None and table.latest_stream_label:
                yield table


def stream_arn(table: Any) -> str:
    """The table's LatestStreamArn, as describe_table gives it to the pollers."""
    return f"{table.table_arn}/stream/{table.latest_stream_label}"


def handled_count(records: list[Any], handled: int, before: datetime) -> int:
    """How many records from the front are handled (sequence number up to `handled`) and
    were written before `before`: they are in order of both."""
    count = 0
    for record in records:
        body = record.record["dynamodb"]
        if int(body["SequenceNumber"]) > handled or body["ApproximateCreationDateTime"] >= before:
            break
        count += 1
    return count


def trim_handled(positions: Mapping[str, Mapping[str, str]], retention_seconds: float,
                 now: datetime | None = None) -> int:
    """Drop the records each shard's checkpoint is past and older than the retention (module
    docstring); a shard no poller has a checkpoint for keeps everything. How many went."""
    before = (now or utcnow()) - timedelta(seconds=retention_seconds)
    dropped = 0
    for table in stream_tables():
        shard = table.stream_shard
        handled = positions.get(stream_arn(table), {}).get(shard.id)
        if handled is None:
            continue
        count = handled_count(shard.items, int(handled), before)
        if count:
            del shard.items[:count]
            shard.starting_sequence_number += count
            dropped += count
    return dropped
