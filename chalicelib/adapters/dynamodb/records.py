"""The pynamodb model of the images table, built for a table name at run time."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

OWNER_INDEX = "by_owner"
STAGE_INDEX = "by_stage"
SHA256_INDEX = "by_sha256"


def make_record_class(table_name: str, region: str) -> Any:
    """A Model class bound to one table (pynamodb reads Meta at class creation)."""
    name, aws_region = table_name, region

    class ByOwner(GlobalSecondaryIndex[Any]):
        class Meta:
            index_name = OWNER_INDEX
            projection = AllProjection()

        owner = UnicodeAttribute(hash_key=True)
        created_at = UnicodeAttribute(range_key=True)

    class ByStage(GlobalSecondaryIndex[Any]):
        """Sparse: only open images carry `stage` (see template.yaml)."""

        class Meta:
            index_name = STAGE_INDEX
            projection = KeysOnlyProjection()

        stage = UnicodeAttribute(hash_key=True)
        stage_at = UnicodeAttribute(range_key=True)

    class BySha256(GlobalSecondaryIndex[Any]):
        """Sparse: only images whose original was recorded carry `sha256` (exact duplicates)."""

        class Meta:
            index_name = SHA256_INDEX
            projection = KeysOnlyProjection()

        sha256 = UnicodeAttribute(hash_key=True)

    class ImageRecord(Model):
        class Meta:
            table_name = name
            region = aws_region

        image_id = UnicodeAttribute(hash_key=True)
        owner = UnicodeAttribute()
        owner_name = UnicodeAttribute(default="")
        status = UnicodeAttribute()
        created_at = UnicodeAttribute()
        updated_at = UnicodeAttribute(default="")
        title = UnicodeAttribute(default="")
        description = UnicodeAttribute(default="")
        tags = ListAttribute(of=UnicodeAttribute, default=list)
        filename = UnicodeAttribute(default="")
        content_type = UnicodeAttribute(default="")
        declared_bytes = NumberAttribute(default=0)
        reason = UnicodeAttribute(null=True)
        width = NumberAttribute(null=True)
        height = NumberAttribute(null=True)
        orientation = UnicodeAttribute(null=True)
        format = UnicodeAttribute(null=True)
        bytes = NumberAttribute(null=True)
        color = UnicodeAttribute(null=True)
        color_hex = UnicodeAttribute(null=True)
        blurhash = UnicodeAttribute(null=True)
        camera: MapAttribute[str, Any] = MapAttribute(null=True)  # Camera.as_json()
        expected = ListAttribute(of=UnicodeAttribute, default=list)
        renditions: MapAttribute[str, Any] = MapAttribute(default=dict)
        version = NumberAttribute(default=1)
        upload_pin = UnicodeAttribute(null=True)
        original: MapAttribute[str, Any] = MapAttribute(null=True)
        downloads = NumberAttribute(default=0)
        deleted_by = UnicodeAttribute(null=True)
        expires_at = NumberAttribute(null=True)  # the table's TTL: a tombstone's end, epoch s
        # Written only while the image is open; removed by every transition that ends it.
        stage = UnicodeAttribute(null=True)
        stage_at = UnicodeAttribute(null=True)
        repairs = NumberAttribute(default=0)
        # Moderation (adapters/dynamodb/moderation.py). An image in review is on `by_stage`
        # under stage `in_review`: that is the review queue.
        owner_admin = BooleanAttribute(null=True)
        review_reasons = ListAttribute(of=UnicodeAttribute, null=True)
        possible_duplicate_of = UnicodeAttribute(null=True)
        reporters = UnicodeSetAttribute(null=True)  # who reported it, ever (one report each)
        reports: ListAttribute[Any] = ListAttribute(null=True)  # [{by, reason, note, at}]
        open_reports = NumberAttribute(null=True)  # reports since the last decision
        decisions: ListAttribute[Any] = ListAttribute(null=True)  # [{by, at, decision, ...}]
        moderation_note = UnicodeAttribute(null=True)
        # Duplicates: the original's SHA-256 (top level, for `by_sha256`), the master's
        # perceptual hash (16 hex), the image a `duplicate` rejection repeats.
        sha256 = UnicodeAttribute(null=True)
        phash = UnicodeAttribute(null=True)
        duplicate_of = UnicodeAttribute(null=True)
        # Rendition profiles: the version the renditions were cut with (absent: before
        # versions), and a reprocess under way ({version, renditions}).
        profile_version = UnicodeAttribute(null=True)
        next_profile: MapAttribute[str, Any] = MapAttribute(null=True)
        # The keys the last flip replaced, and when (they stay for RETIRE_GRACE_HOURS).
        retiring = ListAttribute(of=UnicodeAttribute, null=True)
        retiring_since = UnicodeAttribute(null=True)
        by_owner = ByOwner()
        by_stage = ByStage()
        by_sha256 = BySha256()

    return ImageRecord
