"""Service times (issue 20 item 1): CPU and wall time of ingest, render and the indexer by
photo size, and the S3, DynamoDB and SQS requests and index bytes one upload costs.

    .venv/bin/python -m bench.service_times [--repeats 4] [--quick]

The harness is the memory benchmark's (bench/memory_stack.py): moto in its own process, the
template's resources, each function in a fresh interpreter with its environment, driven by the
event shapes the local stack's pollers build. Between the functions and moto sits a counting
forwarder (bench/request_tally.py). For each size, `repeats` photos go through ONE container
per function: the first invocation is a cold container's, the rest warm ones (the model's
service time). The indexer gets the images table's stream records of those uploads in one
batch, as its mapping would deliver them. Numbers, never assertions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import machine, memory_inputs
from bench.memory import Bench, _received
from bench.memory_stack import Driver, applied, configured_memory_mb, moto_server, provision
from bench.render_inputs import SAMPLES
from bench.request_tally import Tally, forwarding

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
# Width x height per size (3:2), and the bytes a camera JPEG of that size has (~0.35 MB/MP).
SIZES = {"1 MP": (1224, 816), "12 MP": (4242, 2828), "24 MP": (6000, 4000),
         "50 MP": (8660, 5773)}
QUICK_SIZES = {"1 MP": (1224, 816), "4 MP": (2449, 1633)}
BYTES_PER_MP = 350_000


def sources(folder: Path, count: int) -> list[Path]:
    """`count` different photos: the local stack's samples, then each one mirrored, flipped and
    turned (the duplicate check must not take one upload for another's copy)."""
    import pyvips

    samples = sorted(SAMPLES.glob("*.jpg"))
    turns = ("", "fliphor", "flipver", "rot90")
    made: list[Path] = []
    for index in range(count):
        sample, turn = samples[index % len(samples)], turns[index // len(samples) % len(turns)]
        if not turn:
            made.append(sample)
            continue
        image = pyvips.Image.new_from_file(str(sample))
        turned = image.rot("d90") if turn == "rot90" else image.flip(
            "horizontal" if turn == "fliphor" else "vertical")
        path = folder / f"{sample.stem}-{turn}.jpg"
        turned.jpegsave(str(path), Q=95)
        made.append(path)
    return made


def inputs(quick: bool, repeats: int, folder: Path) -> dict[str, list[dict[str, Any]]]:
    """`repeats` different JPEGs per size, grown from real photos with camera-like detail."""
    from chalicelib.domain.limits import Limits

    limit = Limits().max_upload_bytes
    sizes = QUICK_SIZES if quick else SIZES
    photos = iter(sources(folder, len(sizes) * repeats))
    made: dict[str, list[dict[str, Any]]] = {}
    for label, (width, height) in sizes.items():
        budget = min(limit, int(width * height / 1e6 * BYTES_PER_MP))
        made[label] = [{"data": memory_inputs.detailed_photo(next(photos), width, height, budget),
                        "width": width, "height": height, "type": "image/jpeg"}
                       for _ in range(repeats)]
    return made


def timings(report: dict[str, Any]) -> dict[str, Any]:
    """Cold init, the cold invocation, and the warm invocations' median wall and CPU."""
    calls = report["invocations"]
    failed = [c["error"] for c in calls if c.get("error")]
    if failed:
        raise RuntimeError(f"an invocation failed: {failed[0]}")
    warm = calls[1:] or calls
    return {"init_s": report["init_s"], "cold_wall_s": calls[0]["wall_s"],
            "warm_wall_s": statistics.median(c["wall_s"] for c in warm),
            "warm_cpu_s": statistics.median(c["cpu_s"] for c in warm),
            "invocations": len(calls)}


def per_invocation(requests: dict[str, int], count: int) -> dict[str, float]:
    """Request counts divided over `count` invocations."""
    return {key: round(value / count, 2) for key, value in sorted(requests.items())}


def one_size(bench: Bench, tally: Tally, label: str, photos: list[dict[str, Any]]
             ) -> dict[str, Any]:
    """Uploads of one size through ingest and render; their times and requests."""
    driver, settings = bench.driver, bench.driver.services.settings
    repeats, item = len(photos), photos[0]
    before = tally.snapshot()
    ids = [driver.upload(p["data"], p["type"], f"scale {label} {i}") for i, p in enumerate(photos)]
    grant_requests = tally.since(before)  # the API's grant (the browser's POST goes to moto)
    ingest_records = _received(driver, settings.ingest_queue, repeats)
    before = tally.snapshot()
    ingest = bench.child("ingest", [{"Records": [r]} for r in ingest_records], {})
    ingest_requests = tally.since(before)
    driver.delete(settings.ingest_queue, ingest_records)
    render_records = driver.receive(settings.render_queue)
    render, render_requests = None, {}
    if render_records:  # a photo no wider than ingest's own renditions fans nothing out
        before = tally.snapshot()
        render = timings(bench.child("render", [{"Records": [r]} for r in render_records], {}))
        render_requests = tally.since(before)
        driver.delete(settings.render_queue, render_records)
    statuses = sorted({f'{driver.image(i)["status"]} {driver.image(i)["reason"] or ""}'.strip()
                       for i in ids})
    return {"size": label, "megapixels": round(item["width"] * item["height"] / 1e6, 1),
            "bytes": round(statistics.mean(len(p["data"]) for p in photos)), "ids": ids,
            "statuses": statuses,
            "ingest": timings(ingest), "render": render,
            "renders_per_upload": round(len(render_records) / repeats, 2),
            "grant_requests": per_invocation(grant_requests, repeats),
            "ingest_requests": per_invocation(ingest_requests, repeats),
            "render_requests": per_invocation(render_requests, max(1, len(render_records)))}


def stream_records(endpoint: str, stream_arn: str) -> list[dict[str, Any]]:
    """Every record of the images table's stream so far, shaped as Lambda delivers them."""
    from infra.local.clients import client
    from infra.local.stream_poller import lambda_record

    streams = client("dynamodbstreams", endpoint)
    shards = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    records: list[dict[str, Any]] = []
    for shard in shards:
        iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            got = streams.get_records(ShardIterator=iterator, Limit=1000)
            records += [lambda_record(r, stream_arn) for r in got["Records"]]
            iterator = got.get("NextShardIterator") if got["Records"] else None
    return records


def indexing(bench: Bench, tally: Tally, endpoint: str, ids: Sequence[str]) -> dict[str, Any]:
    """The indexer over the uploads' stream records in batches of 100 (the mapping's size);
    records and bulk actions per upload, and the bytes of an image's search document."""
    settings = bench.driver.services.settings
    ours = set(ids)
    records = [r for r in stream_records(endpoint, settings.images_stream_arn)
               if r["dynamodb"].get("Keys", {}).get("image_id", {}).get("S") in ours]
    batches = [{"Records": records[i:i + 100]} for i in range(0, len(records), 100)]
    before = tally.snapshot()
    report = bench.child("indexer", batches, {})
    requests = tally.since(before)
    calls = report["invocations"]
    return {"records": len(records), "records_per_upload": round(len(records) / len(ids), 2),
            "batches": len(batches), "wall_s": round(sum(c["wall_s"] for c in calls), 4),
            "cpu_s": round(sum(c["cpu_s"] for c in calls), 4), "init_s": report["init_s"],
            "seconds_per_record": round(sum(c["wall_s"] for c in calls) / max(1, len(records)), 5),
            "requests_per_upload": per_invocation(requests, len(ids)),
            "document_bytes": document_bytes(bench.driver, ids[0])}


def document_bytes(driver: Driver, image_id: str) -> int:
    """Bytes of one ready image's search document as the bulk API receives it."""
    from chalicelib.adapters.search.opensearch.bulk import bulk_lines
    from chalicelib.services.indexing import change_for

    image = driver.services.deps.repo.get(image_id)
    change = change_for(None, image)
    if change is None:
        return 0
    return sum(len(json.dumps(line, default=str)) + 1 for line in bulk_lines("images", [change]))


def measure(quick: bool = False, repeats: int = 4) -> dict[str, Any]:
    """Every size's times and requests, then the indexer over all of them; JSON-ready."""
    repeats = 2 if quick else repeats
    with tempfile.TemporaryDirectory(prefix="bench-service-") as scratch:
        folder = Path(scratch)
        made = inputs(quick, repeats, folder)
        with moto_server(folder / "moto.log") as endpoint, forwarding(endpoint) as tally:
            env = {**provision(endpoint, folder), "AWS_ENDPOINT_URL": tally.url}
            with applied(env):  # the driver's grant goes through the tally too, its upload not
                bench = Bench(folder, env, Driver(endpoint), configured_memory_mb())
                sizes = [one_size(bench, tally, label, photos) for label, photos in made.items()]
                index = indexing(bench, tally, endpoint, [i for s in sizes for i in s["ids"]])
    return {"config": {"quick": quick, "repeats": repeats, "bytes_per_mp": BYTES_PER_MP},
            "memory_mb": configured_memory_mb(), "sizes": sizes, "indexer": index}


def main(argv: list[str] | None = None) -> int:
    """Measure and print the numbers as JSON (bench.all writes them into its results file)."""
    parser = argparse.ArgumentParser(prog="python -m bench.service_times", description=__doc__)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--save", type=Path, help="also write the JSON here (the scale model "
                        "reads bench/scale/service_times.json)")
    args = parser.parse_args(argv)
    machine.publish(measure(args.quick, args.repeats), args.save)
    return 0



def section(results: dict[str, Any]) -> str:
    """Item 9's tables: times by size, requests per upload, the indexer."""
    lines = ["## 9. Service times by photo size (issue 20)", "",
             f"{results['config']['repeats']} photos a size through one container per function "
             "(the first cold, the rest warm; medians of the warm ones); moto in another process "
             "behind a counting forwarder. Wall time is moto's and this machine's, not AWS's: "
             "the scale model takes the CPU and the requests (docs/scale.md).", "",
             "| size | MB | ingest CPU s | ingest wall s | render messages | render CPU s | "
             "render wall s | status |", "|---|---|---|---|---|---|---|---|"]
    for size in results["sizes"]:
        render = size["render"] or {"warm_cpu_s": "-", "warm_wall_s": "-"}
        lines.append(
            f"| {size['size']} | {size['bytes'] / 1e6:.1f} | {size['ingest']['warm_cpu_s']} | "
            f"{size['ingest']['warm_wall_s']} | {size['renders_per_upload']} | "
            f"{render['warm_cpu_s']} | {render['warm_wall_s']} | {', '.join(size['statuses'])} |")
    first = results["sizes"][-1]
    lines += ["", f"Requests of one upload ({first['size']}): grant "
              f"{_short(first['grant_requests'])}; ingest {_short(first['ingest_requests'])}; "
              f"each render {_short(first['render_requests'])}.", ""]
    index = results["indexer"]
    lines += [f"Indexer: {index['records']} stream records ({index['records_per_upload']} per "
              f"upload) in {index['batches']} batches, {index['cpu_s']} s CPU, "
              f"{index['seconds_per_record']} s wall a record; a search document is "
              f"{index['document_bytes']} bytes in a bulk request."]
    return "\n".join(lines)


def _short(requests: dict[str, float]) -> str:
    shown = [f"{key} {value:g}" for key, value in requests.items() if "@" not in key]
    return ", ".join(shown) or "none"


def verdicts(results: dict[str, Any]) -> list[str]:
    """No target: one line saying every size ended ready (else the numbers are not an upload's)."""
    statuses = sorted({status for size in results["sizes"] for status in size["statuses"]})
    verdict = "PASS" if statuses == ["ready"] else "FAIL"
    return [f"(9) service times measured on {len(results['sizes'])} sizes; every photo ended "
            f"{', '.join(statuses)}: {verdict}"]


if __name__ == "__main__":
    raise SystemExit(main())
