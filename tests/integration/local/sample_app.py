"""A tiny Chalice app for the local stack's tests: routes, an SQS and a DynamoDB-stream handler.

Handlers append what they receive to $SAMPLE_OUT/events.jsonl so tests in another process can see.
Bodies/items steer them: "fail" -> batchItemFailures, "raise" -> exception, "crash" -> the
worker process dies on the first delivery, "hang" -> the handler sleeps for ten minutes; items
with a `poison` attribute are reported failed, with `explode` the handler raises.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from typing import Any

from chalice import Chalice
from chalice.app import DynamoDBEvent, SQSEvent

QUEUE = os.environ.get("SAMPLE_QUEUE", "stock-images-ingest")
TABLE = os.environ.get("SAMPLE_TABLE", "stock-images-images")

app = Chalice(app_name="sample")


def _record(function: str, records: list[dict[str, Any]]) -> None:
    out = os.environ.get("SAMPLE_OUT")
    if out:
        line = json.dumps({"function": function, "pid": os.getpid(), "records": records})
        with open(os.path.join(out, "events.jsonl"), "a", encoding="utf-8") as sink:
            sink.write(line + "\n")


@app.route("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.route("/items/{item_id}")
def item(item_id: str) -> dict[str, Any]:
    request = app.current_request
    params = request.query_params if request else None
    return {"id": item_id, "x": params.getlist("x") if params else []}


@app.route("/echo", methods=["POST"], content_types=["application/octet-stream"])
def echo() -> dict[str, Any]:
    request = app.current_request
    raw = request.raw_body if request else b""
    body = raw.encode() if isinstance(raw, str) else raw
    return {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}


@app.on_sqs_message(queue=QUEUE, batch_size=10)
def ingest(event: SQSEvent) -> dict[str, Any]:
    records = event.to_dict()["Records"]
    _record("ingest", records)
    first_time = [r["attributes"]["ApproximateReceiveCount"] == "1" for r in records]
    if any(r["body"] == "crash" and first for r, first in zip(records, first_time, strict=True)):
        os._exit(3)  # a worker killed mid-render
    if any(r["body"] == "raise" for r in records):
        raise RuntimeError("asked to raise")
    if any(r["body"] == "hang" for r in records):
        time.sleep(600)  # a handler still running when the stack stops
    return {"batchItemFailures": [
        {"itemIdentifier": r["messageId"]} for r in records if r["body"] == "fail"
    ]}


@app.on_dynamodb_record(
    stream_arn=f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}/stream/local",
    batch_size=10, starting_position="TRIM_HORIZON",
)
def indexer(event: DynamoDBEvent) -> dict[str, Any]:
    records = event.to_dict()["Records"]
    _record("indexer", records)
    images = [r["dynamodb"].get("NewImage") or {} for r in records]
    if any("explode" in image for image in images):
        raise RuntimeError("asked to explode")
    return {"batchItemFailures": [
        {"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
        for r, image in zip(records, images, strict=True) if "poison" in image
    ]}
