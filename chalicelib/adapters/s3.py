"""BlobStore on one S3 bucket."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.ports import ObjectInfo, PostForm

MISSING = ("404", "NoSuchKey", "NotFound")


class S3BlobStore:
    """One bucket; `public_base_url` is where its objects are served (if they are)."""

    def __init__(self, s3: Any, bucket: str, public_base_url: str = "") -> None:
        self.s3 = s3
        self.bucket = bucket
        self.public_base_url = public_base_url.rstrip("/")

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires: int) -> PostForm:
        """A browser form grant pinned to this key, this type and 1..max_bytes."""
        conditions: list[Any] = [
            {"key": key},
            {"Content-Type": content_type},
            ["content-length-range", 1, max_bytes],
        ]
        grant = self.s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=conditions,
            ExpiresIn=expires,
        )
        return PostForm(str(grant["url"]), {name: str(v) for name, v in grant["fields"].items()})

    def head(self, key: str) -> ObjectInfo | None:
        """Size and type, or None when absent."""
        try:
            meta = self.s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING:
                return None
            raise
        return ObjectInfo(int(meta["ContentLength"]), meta.get("ContentType", ""))

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Bytes [start, end] inclusive (whole object when end is None and start is 0)."""
        extra = {}
        if start or end is not None:
            extra["Range"] = f"bytes={start}-{'' if end is None else end}"
        body: bytes = self.s3.get_object(Bucket=self.bucket, Key=key, **extra)["Body"].read()
        return body

    def put(self, key: str, data: bytes, content_type: str, cache_control: str = "") -> None:
        """Store bytes."""
        extra = {"CacheControl": cache_control} if cache_control else {}
        self.s3.put_object(
            Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, **extra
        )

    def delete(self, keys: Sequence[str]) -> None:
        """Remove objects; missing ones are fine."""
        for start in range(0, len(keys), 1000):
            chunk = [{"Key": k} for k in keys[start : start + 1000]]
            if chunk:
                self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": chunk, "Quiet": True})

    def url(self, key: str) -> str:
        """Public URL of an object (through CloudFront, or the local front)."""
        return f"{self.public_base_url}/{key}"
