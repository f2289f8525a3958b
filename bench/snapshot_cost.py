"""How long the local stack's snapshot holds moto's requests back, with N images stored.

`python -m bench.snapshot_cost [--images 500 2000]` fills an in-process moto like the stack's
(per image: an original and four renditions in S3, one DynamoDB item and its stream record),
then times, with bodies outside the pickle (blobs/): the first snapshot (every body hashed and
written), and a steady one after one more image arrives (what happens each second during an
upload). For comparison, the same state pickled the old way, bodies inline. Prints a Markdown
table; numbers are the median of a few rounds and are reported, never asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import pickle
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from infra.local.files import write_atomic
from infra.local.settings import MOTO_ENV

# Bytes of an original and of the four renditions (thumb, small, regular, large): phone-photo
# sized originals would only make the first snapshot and the old inline pickle look worse.
SIZES = (400_000, 8_000, 30_000, 90_000, 200_000)
ROUNDS = 5
_FILLER = os.urandom(max(SIZES))


def _body(image: int, part: int) -> bytes:
    return f"{image}/{part}/".encode() + _FILLER[: SIZES[part]]  # distinct, so no dedupe


def _fill(endpoint: str, bucket: str, table: str, first: int, count: int) -> None:
    from infra.local.clients import client

    s3, dynamodb = client("s3", endpoint), client("dynamodb", endpoint)

    def one(image: int) -> None:
        for part in range(len(SIZES)):
            s3.put_object(Bucket=bucket, Key=f"img/{image}/{part}", Body=_body(image, part))
        dynamodb.put_item(TableName=table, Item={"id": {"S": str(image)},
                                                 "status": {"S": "ready"}})

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, range(first, first + count)))


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def _measure(server: Any, images: int, endpoint: str, names: tuple[str, str]) -> dict[str, Any]:
    from infra.local import snapshot

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "moto-state.pickle"
        store = snapshot.blob_store(path)
        began = time.perf_counter()
        first = snapshot.take(server.gate, store)
        first_hold = time.perf_counter() - began
        assert first is not None
        store.write(first.bodies.new)
        write_atomic(path, first.data, keep_previous=True)
        first.bodies.remember()
        first_total = time.perf_counter() - began
        holds, totals = [], []
        for round_ in range(ROUNDS):
            _fill(endpoint, *names, first=images + round_, count=1)
            began = time.perf_counter()
            taken = snapshot.take(server.gate, store)
            holds.append(time.perf_counter() - began)
            assert taken is not None
            store.write(taken.bodies.new)
            write_atomic(path, taken.data, keep_previous=True)
            taken.bodies.remember()
            totals.append(time.perf_counter() - began)
        pickle_mb = round(path.stat().st_size / 1e6, 2)
    inline_hold, inline_mb = _inline(server)
    return {"images": images, "objects": (images + ROUNDS) * len(SIZES),
            "first_hold_ms": round(first_hold * 1000, 1),
            "first_total_ms": round(first_total * 1000, 1),
            "steady_hold_ms": _median_ms(holds), "steady_total_ms": _median_ms(totals),
            "pickle_mb": pickle_mb, "inline_hold_ms": inline_hold, "inline_mb": inline_mb}


def _inline(server: Any) -> tuple[float, float]:
    """The format before blobs/: one pickle with every body in it (moto's own __getstate__)."""
    from infra.local import snapshot

    with server.gate.held() as drained:
        assert drained
        began = time.perf_counter()
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        table = snapshot._dispatch_table(snapshot.Externalised(snapshot.blob_store(Path("."))))
        table.pop(snapshot.FakeKey)
        pickler.dispatch_table = table
        pickler.dump(snapshot.capture())
        held = time.perf_counter() - began
    return round(held * 1000, 1), round(len(buffer.getvalue()) / 1e6, 1)


def main(argv: list[str] | None = None) -> None:
    """Fill moto to each size in turn and print one table row per size."""
    parser = argparse.ArgumentParser(prog="python -m bench.snapshot_cost")
    parser.add_argument("--images", type=int, nargs="+", default=[500, 2000])
    args = parser.parse_args(argv)
    os.environ.update(MOTO_ENV)
    from infra.local import resources
    from infra.local.motoserver import GatedMotoServer
    from tests.e2e.conftest import free_port

    server = GatedMotoServer(free_port())
    server.start()
    clients = resources.Clients(server.endpoint_url)
    names = ("bench-snapshot", "bench-snapshot")
    clients.s3.create_bucket(Bucket=names[0])
    resources.create_table(clients, {
        "TableName": names[1], "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}, resources.Options())
    print("| images | S3 objects | first snapshot: gate held / total ms | steady snapshot: gate"
          " held / total ms | pickle MB | old inline pickle: gate held ms / MB |")
    print("|---|---|---|---|---|---|")
    stored = 0
    try:
        for images in sorted(args.images):
            _fill(server.endpoint_url, *names, first=stored, count=images - stored)
            stored = images
            row = _measure(server, images, server.endpoint_url, names)
            stored += ROUNDS
            print(f"| {row['images']} | {row['objects']} | {row['first_hold_ms']} /"
                  f" {row['first_total_ms']} | {row['steady_hold_ms']} / {row['steady_total_ms']}"
                  f" | {row['pickle_mb']} | {row['inline_hold_ms']} / {row['inline_mb']} |",
                  flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
