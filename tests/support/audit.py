"""The one audit every fault scenario ends with: nothing lost, nothing left behind.

`collect` reads the world as it is (the table, the search index, every object version in the
three buckets, the table's whole stream); `problems` says what is wrong with it, one line per
problem, so a failing scenario shows all of them at once:

- every image terminal (ready, rejected, failed or deleted; none pending or processing);
- the index equal to the table: every ready image indexed at its current version, nothing else;
- no orphan objects: every object and every noncurrent version in the uploads, originals and
  renditions buckets belongs to a record that needs it (a ready or failed image's recorded
  original version and recorded renditions; a rejected image's original version and private
  full size, never a public rendition; nothing once an image was deleted, and never an upload
  or a master once the image has ended);
- no image published twice: exactly one transition to ready per image that was ever ready.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.adapters.dynamodb.stream import image_from_stream
from chalicelib.domain.model import Image, Status, full_key
from chalicelib.domain.search import SearchQuery, Sort
from chalicelib.ports import SearchIndex

KEEPS_BYTES = (Status.READY, Status.FAILED)


@dataclass(frozen=True)
class StoredVersion:
    """One object version in one bucket ("" as version id where the bucket keeps none)."""

    bucket: str
    key: str
    version_id: str


@dataclass
class World:
    """Everything the audit looks at."""

    images: list[Image]
    indexed: dict[str, int]  # image id -> indexed version
    objects: list[StoredVersion]
    readied: Counter[str] = field(default_factory=Counter)  # transitions to ready per image
    buckets: dict[str, str] = field(default_factory=dict)  # role -> bucket name


def problems(world: World) -> list[str]:
    """Every way the world breaks the promise; empty when nothing was lost or left behind."""
    return [
        *_not_terminal(world.images),
        *_index_differences(world.images, world.indexed),
        *_orphans(world),
        *_published_twice(world),
    ]


def _not_terminal(images: Iterable[Image]) -> list[str]:
    return [f"{i.image_id} is still {i.status.value}" for i in images if not i.status.terminal]


def _index_differences(images: Iterable[Image], indexed: dict[str, int]) -> list[str]:
    ready = {i.image_id: i.version for i in images if i.status is Status.READY}
    found = [f"{image_id} ready v{v} but indexed {indexed.get(image_id, 'not at all')}"
             for image_id, v in ready.items() if indexed.get(image_id) != v]
    return found + [f"{image_id} indexed but not ready" for image_id in set(indexed) - set(ready)]


def needed(image: Image, buckets: dict[str, str]) -> set[StoredVersion]:
    """The object versions a record needs kept."""
    if image.status not in KEEPS_BYTES and image.status is not Status.REJECTED:
        return set()
    keep: set[StoredVersion] = set()
    progress = image.next_profile.renditions.values() if image.next_profile else ()
    for rendition in [*image.renditions.values(), *progress]:  # a reprocess's too
        private = rendition.key == full_key(image.image_id)
        if not private and image.renditions_withdrawn:
            continue  # a moderator's reject takes the public renditions down
        bucket = buckets["originals"] if private else buckets["renditions"]
        keep.add(StoredVersion(bucket, rendition.key, ""))  # "": whichever single version
    if image.original is not None:
        keep.add(StoredVersion(buckets["originals"], image.original.key,
                               image.original.version_id))
    return keep


def _orphans(world: World) -> list[str]:
    keep: set[StoredVersion] = set()
    for image in world.images:
        keep |= needed(image, world.buckets)
    # An image still at work may hold anything of its own; it is reported as not terminal.
    busy = {i.image_id for i in world.images if not i.status.terminal}
    unversioned = {(v.bucket, v.key) for v in keep if not v.version_id}
    counted = Counter((o.bucket, o.key) for o in world.objects)
    found = []
    for stored in world.objects:
        if any(image_id in stored.key for image_id in busy):
            continue
        wanted = stored in keep or (
            (stored.bucket, stored.key) in unversioned and counted[(stored.bucket, stored.key)] == 1
        )
        if not wanted:
            found.append(f"orphan {stored.bucket}/{stored.key}@{stored.version_id or 'null'}")
    return found


def _published_twice(world: World) -> list[str]:
    ready = {i.image_id for i in world.images if i.status is Status.READY}
    wrong = {image_id: world.readied[image_id] for image_id in ready | set(world.readied)
             if world.readied[image_id] != 1}
    return [f"{image_id} became ready {n} times" for image_id, n in sorted(wrong.items())]


def collect(s3: Any, dynamodb: Any, streams: Any, index: SearchIndex,
            buckets: dict[str, str], table: str) -> World:
    """Read the world from boto3 clients (moto or real) and the search index."""
    items = dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    images = [image_from_stream(item) for page in items for item in page.get("Items", [])]
    objects = [v for bucket in buckets.values() for v in _versions(s3, bucket)]
    return World(images, indexed(index), objects, readied(stream_records(dynamodb, streams,
                                                                         table)), buckets)


def indexed(index: SearchIndex) -> dict[str, int]:
    """Every document in the index: image id -> version."""
    found: dict[str, int] = {}
    after = None
    while True:
        page = index.search(SearchQuery(sort=Sort.NEWEST, per_page=100, search_after=after))
        found |= {doc.image_id: doc.version for doc in page.hits}
        if page.next_after is None or not page.hits:
            return found
        after = page.next_after


def _versions(s3: Any, bucket: str) -> list[StoredVersion]:
    found = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for version in page.get("Versions", []):
            version_id = version.get("VersionId") or ""
            found.append(StoredVersion(bucket, version["Key"],
                                       "" if version_id == "null" else version_id))
    return found


def stream_records(dynamodb: Any, streams: Any, table: str) -> list[dict[str, Any]]:
    """Every record of the table's stream, oldest first."""
    arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            answer = streams.get_records(ShardIterator=iterator, Limit=1000)
            records.extend(answer["Records"])
            if not answer["Records"]:
                break
            iterator = answer.get("NextShardIterator")
    return records


def readied(records: Iterable[dict[str, Any]]) -> Counter[str]:
    """How many times each image became ready, from its stream records."""
    counts: Counter[str] = Counter()
    for record in records:
        change = record.get("dynamodb", {})
        new = change.get("NewImage", {}).get("status", {}).get("S")
        old = change.get("OldImage", {}).get("status", {}).get("S")
        if new == Status.READY.value and old != Status.READY.value:
            counts[change["Keys"]["image_id"]["S"]] += 1
    return counts


def narrowed(world: World, image_ids: set[str]) -> World:
    """Only what belongs to these images (a stack other tests share holds theirs too)."""
    def ours(text: str) -> bool:
        return any(image_id in text for image_id in image_ids)

    return World(
        [i for i in world.images if i.image_id in image_ids],
        {k: v for k, v in world.indexed.items() if k in image_ids},
        [o for o in world.objects if ours(o.key)],
        Counter({k: v for k, v in world.readied.items() if k in image_ids}),
        world.buckets,
    )
