"""The soak run's verdict, read straight from the stores (not through the code under test):
every record's status, every object version in the three buckets, every id the search API finds.

An object is an orphan when no record needs it:
- uploads bucket: `uploads/<id>` only while the image is pending or processing, `masters/<id>.tif`
  only while it is processing;
- renditions bucket: only the keys the record's renditions name;
- originals bucket: `originals/<id>` only the version the record names, `full/<id>.jpg` only
  when the record's renditions name it; nothing of a deleted image.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

OPEN = frozenset({"pending", "processing"})
TERMINAL = frozenset({"ready", "rejected", "failed", "deleted"})
SEARCH_PAGE = 100


@dataclass(frozen=True)
class Record:
    """What the audit needs of one table item."""

    image_id: str
    status: str
    version: int
    rendition_keys: frozenset[str]
    original_version: str


@dataclass
class Audit:
    """Counts and the ids behind every non-zero problem."""

    statuses: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    index_missing: list[str] = field(default_factory=list)
    index_extra: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Nothing lost, stuck, orphaned or out of step."""
        return not (self.lost or self.stuck or self.orphans or self.index_missing
                    or self.index_extra)

    def summary(self) -> dict[str, Any]:
        """Counts, plus up to five example ids per problem."""
        problems = {name: getattr(self, name) for name in
                    ("lost", "stuck", "orphans", "index_missing", "index_extra")}
        return {
            "statuses": dict(sorted(self.statuses.items())),
            **{name: len(ids) for name, ids in problems.items()},
            "examples": {name: ids[:5] for name, ids in problems.items() if ids},
        }


def record_of(item: Mapping[str, Any]) -> Record:
    """A low-level DynamoDB item as a Record."""
    renditions = item.get("renditions", {}).get("M", {})
    keys = frozenset(value["M"]["key"]["S"] for value in renditions.values()
                     if "key" in value.get("M", {}))
    original = item.get("original", {}).get("M", {})
    return Record(
        image_id=item["image_id"]["S"],
        status=item["status"]["S"],
        version=int(item.get("version", {}).get("N", "0")),
        rendition_keys=keys,
        original_version=original.get("version_id", {}).get("S", ""),
    )


def scan_records(dynamodb: Any, table: str) -> dict[str, Record]:
    """Every item of the table, by id."""
    records: dict[str, Record] = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            record = record_of(item)
            records[record.image_id] = record
    return records


def object_versions(s3: Any, bucket: str) -> Iterator[tuple[str, str]]:
    """(key, version id) of every version in the bucket; delete markers left out."""
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for version in page.get("Versions", []):
            yield version["Key"], version.get("VersionId") or ""


def orphans(records: Mapping[str, Record], buckets: Mapping[str, Iterable[tuple[str, str]]]
            ) -> list[str]:
    """`bucket/key@version (image status)` of every object version no record needs."""
    found = []
    for bucket_kind, versions in buckets.items():
        for key, version in versions:
            if not needed(records, bucket_kind, key, version):
                record = records.get(owner_of(bucket_kind, key))
                status = record.status if record else "no record"
                found.append(f"{bucket_kind}/{key}@{version} ({status})")
    return found


def needed(records: Mapping[str, Record], bucket_kind: str, key: str, version: str) -> bool:
    """Whether some record needs this object version (see the module's rules)."""
    image_id = owner_of(bucket_kind, key)
    record = records.get(image_id) if image_id else None
    if record is None or record.status == "deleted":
        return False
    if bucket_kind == "uploads":
        if key.startswith("masters/"):
            return record.status == "processing"
        return record.status in OPEN
    if bucket_kind == "originals" and key.startswith("originals/"):
        return version in ("", record.original_version)
    return key in record.rendition_keys


def owner_of(bucket_kind: str, key: str) -> str:
    """The image id a key belongs to ('' when it follows no known layout)."""
    if bucket_kind == "renditions":
        return key.split("/", 1)[0]
    head, _, rest = key.partition("/")
    if head not in ("uploads", "masters", "originals", "full"):
        return ""
    return rest.split(".", 1)[0]


def searchable_ids(base_url: str, session: requests.Session | None = None) -> set[str]:
    """Every id anonymous search lists (all pages, the cursor followed to the end)."""
    http = session or requests.Session()
    ids: set[str] = set()
    cursor = ""
    while True:
        params = {"per_page": str(SEARCH_PAGE), "sort": "newest"}
        if cursor:
            params["cursor"] = cursor
        answer = http.get(f"{base_url}/api/search", params=params, timeout=60)
        answer.raise_for_status()
        body = answer.json()
        ids.update(str(hit["id"]) for hit in body["results"])
        cursor = body.get("next_cursor") or ""
        if not cursor:
            return ids


def audit(records: Mapping[str, Record], acknowledged: Iterable[str],
          buckets: Mapping[str, Iterable[tuple[str, str]]], indexed: set[str]) -> Audit:
    """Compare what was acknowledged, what the table holds, what storage holds, what search
    lists."""
    result = Audit()
    result.statuses.update(record.status for record in records.values())
    for image_id in acknowledged:
        record = records.get(image_id)
        if record is None:
            result.lost.append(image_id)
        elif record.status in OPEN:
            result.stuck.append(image_id)
    result.orphans = orphans(records, buckets)
    ready = {image_id for image_id, record in records.items() if record.status == "ready"}
    result.index_missing = sorted(ready - indexed)
    result.index_extra = sorted(indexed - ready)
    return result
