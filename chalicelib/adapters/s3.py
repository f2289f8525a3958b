"""BlobStore on one S3 bucket."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.ports import Listed, ObjectInfo, Pin, PostForm

MISSING = ("404", "NoSuchKey", "NotFound", "NoSuchVersion")
# A pinned read whose ETag no longer matches: those bytes are not there any more.
CHANGED = ("412", "PreconditionFailed")


def attachment(filename: str) -> str:
    """A Content-Disposition that saves the download as `filename` (ASCII, quoted; RFC 6266)."""
    safe = "".join(c for c in filename if c.isascii() and c.isprintable() and c not in '"\\')
    return f'attachment; filename="{safe or "download"}"'


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _real_version(version_id: str | None) -> str:
    """S3 names the version of an object stored unversioned "null": no version at all."""
    return "" if version_id in (None, "", "null") else str(version_id)


def _pinned(pin: Pin | None) -> dict[str, str]:
    """The request parameters that make a read return exactly the pinned bytes."""
    extra: dict[str, str] = {}
    if pin is not None and pin.version_id:
        extra["VersionId"] = pin.version_id
    if pin is not None and pin.etag:
        extra["IfMatch"] = f'"{pin.etag.strip(chr(34))}"'
    return extra


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

    def head(self, key: str, pin: Pin | None = None) -> ObjectInfo | None:
        """Size and type (of the pinned bytes), or None when absent."""
        try:
            meta = self.s3.head_object(Bucket=self.bucket, Key=key, **_pinned(pin))
        except ClientError as error:
            if _code(error) in MISSING or _code(error) in CHANGED:
                return None
            raise
        return ObjectInfo(
            int(meta["ContentLength"]), meta.get("ContentType", ""),
            str(meta.get("ETag", "")).strip('"'), _real_version(meta.get("VersionId")),
        )

    def read(
        self, key: str, start: int = 0, end: int | None = None, pin: Pin | None = None
    ) -> bytes:
        """Bytes [start, end] inclusive (whole object when end is None and start is 0)."""
        extra = _pinned(pin)
        if start or end is not None:
            extra["Range"] = f"bytes={start}-{'' if end is None else end}"
        body: bytes = self.s3.get_object(Bucket=self.bucket, Key=key, **extra)["Body"].read()
        return body

    def put(self, key: str, data: bytes, content_type: str, cache_control: str = "") -> str:
        """Store bytes; the new version's id ("" on an unversioned bucket)."""
        extra = {"CacheControl": cache_control} if cache_control else {}
        answer = self.s3.put_object(
            Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, **extra
        )
        return _real_version(answer.get("VersionId"))

    def find_version(self, key: str, etag: str) -> str:
        """The newest version of `key` whose ETag is `etag` ("" when none, or unversioned)."""
        for version in self._versions(key):
            if version.get("ETag", "").strip('"') == etag.strip('"'):
                return _real_version(version.get("VersionId"))
        return ""

    def delete(self, keys: Sequence[str]) -> None:
        """Remove objects; missing ones are fine."""
        self._delete_objects([{"Key": k} for k in keys])

    def delete_version(self, key: str, version_id: str) -> None:
        """Remove exactly one version, for good (S3 answers a missing one with success)."""
        self.s3.delete_object(Bucket=self.bucket, Key=key, VersionId=version_id)

    def purge(self, keys: Sequence[str]) -> None:
        """Every version and delete marker of each key, for good."""
        doomed: list[dict[str, str]] = []
        for key in keys:
            for entry in self._versions(key, markers=True):
                version = _real_version(entry.get("VersionId"))
                doomed.append({"Key": key, "VersionId": version} if version else {"Key": key})
        self._delete_objects(doomed)

    def presign_get(self, key: str, filename: str, expires: int, version_id: str = "") -> str:
        """A SigV4 presigned GET that the browser saves as `filename`."""
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": attachment(filename),
            **({"VersionId": version_id} if version_id else {}),
        }
        url: str = self.s3.generate_presigned_url("get_object", Params=params, ExpiresIn=expires)
        return url

    def listing(self, prefix: str, start_after: str = "", limit: int = 1000) -> list[Listed]:
        """Up to `limit` current objects under `prefix`, in key order, after `start_after`."""
        found: list[Listed] = []
        extra = {"StartAfter": start_after} if start_after else {}
        while len(found) < limit:
            page = self.s3.list_objects_v2(
                Bucket=self.bucket, Prefix=prefix, MaxKeys=min(1000, limit - len(found)), **extra
            )
            found += [Listed(o["Key"], o["LastModified"], str(o.get("ETag", "")).strip('"'))
                      for o in page.get("Contents", [])]
            if not page.get("IsTruncated") or not found:
                break
            extra = {"StartAfter": found[-1].key}
        return found[:limit]

    def _versions(self, key: str, markers: bool = False) -> list[dict[str, Any]]:
        """Every version of exactly `key`, newest first (one listing page holds plenty)."""
        listing = self.s3.list_object_versions(Bucket=self.bucket, Prefix=key)
        found = [v for v in listing.get("Versions", []) if v.get("Key") == key]
        if markers:
            found += [m for m in listing.get("DeleteMarkers", []) if m.get("Key") == key]
        return found

    def _delete_objects(self, objects: list[dict[str, str]]) -> None:
        for start in range(0, len(objects), 1000):
            chunk = objects[start : start + 1000]
            if chunk:
                self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": chunk, "Quiet": True})

    def url(self, key: str) -> str:
        """Public URL of an object (through CloudFront, or the local front)."""
        return f"{self.public_base_url}/{key}"
