"""From `python -m bench.service_times` numbers to the model's service times in AWS.

What moto's wall time says about AWS is little (moto, the forwarder and the machine's load
are in it), so a function's AWS time is rebuilt from what was measured and what AWS charges
per request: its CPU seconds in a warm container (Lambda at 1,769 MB gives one full vCPU)
plus, for every request it made, a typical in-region latency, plus the bytes it moves at one
stream's S3 throughput. Latencies and throughput are parameters (docs/scale.md gives their
source); the request counts and the CPU are the measurement's."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.scale.params import Model, Views
from chalicelib.adapters.dynamodb.duplicates import LOOKUP_THREADS

MEASURED = Path(__file__).with_name("service_times.json")
MASTER_LONG_SIDE = 2048  # ingest's master: an uncompressed TIFF this wide, 3 bytes a pixel


@dataclass(frozen=True)
class Latency:
    """Typical in-region request latencies from Lambda (seconds) and S3 throughput (MB/s)."""

    dynamodb_item: float = 0.005  # GetItem, PutItem, UpdateItem, Query of a few items
    dynamodb_batch: float = 0.012  # BatchWriteItem, TransactWriteItems
    s3_request: float = 0.025  # first byte of a GET, a PUT's answer, HEAD, DELETE
    s3_list: float = 0.035
    sqs_request: float = 0.010
    s3_megabytes_per_second: float = 90.0  # one stream between Lambda and S3
    copy_megabytes_per_second: float = 200.0  # a server-side copy
    bulk_request: float = 0.030  # one bulk request to the search cluster


BAND_QUERIES = "dynamodb:Query@"  # + the duplicates table: the near-duplicate lookup's


def request_seconds(requests: Mapping[str, float], latency: Latency) -> float:
    """Time spent waiting on the requests of one invocation: one after another as the code
    makes them, except the band queries, which run LOOKUP_THREADS at a time
    (chalicelib/adapters/dynamodb/duplicates.py)."""
    total = 0.0
    for key, count in requests.items():
        if "@" not in key:  # per-table and per-item keys break down a request already counted
            service, _, action = key.partition(":")
            total += count * _one(service, action, latency)
        elif key.startswith(BAND_QUERIES) and key.endswith("-duplicates"):
            total -= count * latency.dynamodb_item * (1 - 1 / LOOKUP_THREADS)
    return total


def _one(service: str, action: str, latency: Latency) -> float:
    if service == "dynamodb":
        batch = action in ("BatchWriteItem", "TransactWriteItems", "BatchGetItem")
        return latency.dynamodb_batch if batch else latency.dynamodb_item
    if service == "s3":
        return latency.s3_list if action == "LIST" else latency.s3_request
    if service == "sqs":
        return latency.sqs_request
    return latency.dynamodb_item


def master_bytes(megapixels: float) -> float:
    """Bytes of ingest's master of a 3:2 photo of `megapixels`."""
    pixels = megapixels * 1e6
    long_side = (pixels * 1.5) ** 0.5
    scale = min(1.0, MASTER_LONG_SIDE / long_side)
    return pixels * scale * scale * 3


def ingest_seconds(size: Mapping[str, Any], latency: Latency) -> float:
    """One warm ingest in AWS: CPU, requests, reading the upload, copying it, writing the master."""
    megabytes = (size["bytes"] + master_bytes(size["megapixels"])) / 1e6
    moved = megabytes / latency.s3_megabytes_per_second
    copied = size["bytes"] / 1e6 / latency.copy_megabytes_per_second
    return (size["ingest"]["warm_cpu_s"] + request_seconds(size["ingest_requests"], latency)
            + moved + copied)


def render_seconds(size: Mapping[str, Any], latency: Latency) -> float:
    """One warm render message in AWS: CPU, requests, reading the master."""
    if not size.get("render"):
        return 0.0
    moved = master_bytes(size["megapixels"]) / 1e6 / latency.s3_megabytes_per_second
    return size["render"]["warm_cpu_s"] + request_seconds(size["render_requests"], latency) + moved


def fit_line(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares intercept and slope (the slope never below 0)."""
    n = len(points)
    if n == 1:
        return points[0][1], 0.0
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    slope = max(0.0, slope)
    return mean_y - slope * mean_x, slope


def per_upload(numbers: Mapping[str, Any],
               units_of: Callable[[Mapping[str, float]], float]) -> float:
    """`units_of` one invocation's requests, summed over an upload's grant, ingest and renders,
    averaged over the measured sizes."""
    sizes = numbers["sizes"]
    total = 0.0
    for size in sizes:
        renders = size.get("renders_per_upload", 0)
        for part, weight in (("grant_requests", 1.0), ("ingest_requests", 1.0),
                             ("render_requests", renders)):
            total += weight * units_of(size.get(part, {}))
    return total / len(sizes)


# Tables without a secondary index that copies what is written: their items (the duplicates
# table's band keys, about 100 bytes) cost one write unit each.
UNINDEXED_TABLES = ("-duplicates",)


def write_units(numbers: Mapping[str, Any], units_per_item: float = 2.0) -> float:
    """Write capacity one upload uses: every item written by the grant, ingest and its renders
    (a transaction's items twice), each `units_per_item` (an image item of 1-2 KB, plus the
    by_owner index that projects all of it), one for a table without an index."""
    def units_of(requests: Mapping[str, float]) -> float:
        total = 0.0
        for key, count in requests.items():
            if key.endswith("#items") and _is_write(key):
                table = key.partition("@")[2].removesuffix("#items")
                each = 1.0 if table.endswith(UNINDEXED_TABLES) else units_per_item
                total += count * (2.0 if "TransactWriteItems" in key else 1.0) * each
        return total

    return per_upload(numbers, units_of)


# Read units, items under 4 KB: the repository reads the image item strongly consistent (one
# unit a GetItem, found or not; one an item of a BatchGetItem); a Query is eventually
# consistent (half a unit, never less per request, even when it finds nothing).
def read_units(numbers: Mapping[str, Any]) -> float:
    """Read capacity one upload uses: what the grant, ingest and its renders read."""
    return per_upload(numbers, _read_units_of)


def _read_units_of(requests: Mapping[str, float]) -> float:
    batch_items = sum(count for key, count in requests.items()
                      if key.startswith("dynamodb:BatchGetItem@") and key.endswith("#items"))
    return (requests.get("dynamodb:GetItem", 0.0) + batch_items
            + 0.5 * requests.get("dynamodb:Query", 0.0))


def _is_write(key: str) -> bool:
    return any(op in key for op in ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                                    "TransactWriteItems"))


def s3_puts(numbers: Mapping[str, Any]) -> float:
    """S3 writes (PUT, COPY, LIST, POST) per upload, the browser's POST included."""
    sizes = numbers["sizes"]
    total = 0.0
    for size in sizes:
        renders = size.get("renders_per_upload", 0)
        for part, weight in (("ingest_requests", 1.0), ("render_requests", renders)):
            for key, count in size.get(part, {}).items():
                if key in ("s3:PUT", "s3:COPY", "s3:LIST", "s3:POST"):
                    total += weight * count
    return 1 + total / len(sizes)


def model_from(numbers: Mapping[str, Any], base: Model, latency: Latency = Latency()) -> Model:
    """`base` with its service times, fan-out, stream records and capacities measured."""
    sizes = numbers["sizes"]
    ingest = fit_line([(s["megapixels"], ingest_seconds(s, latency)) for s in sizes])
    rendered = [s for s in sizes if s.get("render")]
    render = fit_line([(s["megapixels"], render_seconds(s, latency)) for s in rendered])
    renders = sum(s["renders_per_upload"] for s in rendered) / max(1, len(rendered))
    index = numbers["indexer"]
    per_record = index["cpu_s"] / max(1, index["records"])
    return replace(
        base,
        ingest=replace(base.ingest, base_seconds=ingest[0], seconds_per_mp=ingest[1]),
        render=replace(base.render, base_seconds=render[0], seconds_per_mp=render[1]),
        indexer=replace(base.indexer, base_seconds=latency.bulk_request),
        renders_per_upload=max(1, round(renders)),
        stream=replace(base.stream, records_per_upload=round(index["records_per_upload"]),
                       seconds_per_record=per_record),
        write_units_per_upload=write_units(numbers),
        read_units_per_upload=read_units(numbers),
        s3_puts_per_upload=s3_puts(numbers),
    )


def load(path: Path = MEASURED) -> dict[str, Any]:
    """The committed measurement."""
    return dict(json.loads(path.read_text()))



PAGE_WEIGHT = Path(__file__).with_name("page_weight.json")
SHELL_KINDS = ("document", "script", "stylesheet", "other")


def views_from(pages: Mapping[str, Any], base: Views, views_per_visit: float = 5.0) -> Views:
    """An image view as the edge serves it: the photo page's own image and API answer (a view
    inside the single-page app), plus the app shell once per visit of `views_per_visit` views;
    first visits (an empty browser cache), the mean of the desktop and phone sizes."""
    photo = [entry["first"] for name, entry in pages["pages"].items() if name.startswith("photo")]
    if not photo:
        return base
    per_view_bytes, per_view_requests = [], []
    for first in photo:
        edge, count = first["edge_bytes_by_kind"], first["requests_by_kind"]
        own = edge.get("image", 0) + edge.get("api", 0)
        shell = sum(edge.get(kind, 0) for kind in SHELL_KINDS)
        own_requests = count.get("image", 0) + count.get("api", 0)
        shell_requests = sum(count.get(kind, 0) for kind in SHELL_KINDS)
        per_view_bytes.append(own + shell / views_per_visit)
        per_view_requests.append(own_requests + shell_requests / views_per_visit)
    api_calls = sum(first["requests_by_kind"].get("api", 0) for first in photo) / len(photo)
    images = sum(first["requests_by_kind"].get("image", 0) for first in photo) / len(photo)
    return replace(base, bytes_per_view=sum(per_view_bytes) / len(photo),
                   edge_requests_per_view=sum(per_view_requests) / len(photo),
                   api_calls_per_view=api_calls, image_requests_per_view=images)
