"""Serve /renditions/<key> from the renditions bucket, as CloudFront would in front of S3."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from infra.local.clients import error_code

_CHUNK = 64 * 1024
_MISSING = ("NoSuchKey", "404", "NotFound", "NoSuchBucket")

Reply = tuple[int, dict[str, Any], Any]


def _json(status: int, code: str, message: str) -> Reply:
    body = json.dumps({"error": {"code": code, "message": message}}).encode("utf-8")
    return status, {"Content-Type": "application/json"}, body


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in wanted or etag in wanted


def _chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(_CHUNK)
    finally:
        body.close()


class RenditionStore:
    """Reads rendition objects through boto3 (against moto locally)."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3, self._bucket = s3, bucket

    def get(self, method: str, key: str, if_none_match: str | None = None) -> Reply:
        """The object with its type, caching headers and ETag; 304 on a matching If-None-Match."""
        if method not in ("GET", "HEAD"):
            return _json(405, "method_not_allowed", f"{method} is not allowed on renditions")
        if not key:
            return _json(404, "not_found", "no rendition named")
        try:
            found = self._s3.get_object(Bucket=self._bucket, Key=key)
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                return _json(404, "not_found", f"no rendition {key}")
            raise
        validators = {"ETag": found["ETag"]}
        if found.get("CacheControl"):
            validators["Cache-Control"] = found["CacheControl"]
        if _etag_matches(if_none_match, found["ETag"]) or method == "HEAD":
            found["Body"].close()
        if _etag_matches(if_none_match, found["ETag"]):
            return 304, validators, b""
        headers = {**validators, **_content_headers(found)}
        return 200, headers, b"" if method == "HEAD" else _chunks(found["Body"])


def _content_headers(found: dict[str, Any]) -> dict[str, str]:
    return {
        "Content-Type": found.get("ContentType") or "application/octet-stream",
        "Content-Length": str(found["ContentLength"]),
        "Last-Modified": found["LastModified"].strftime("%a, %d %b %Y %H:%M:%S GMT"),
    }
