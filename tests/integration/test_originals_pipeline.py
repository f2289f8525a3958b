"""Issue 13 through the whole pipeline in one process (moto, libvips): the original kept
exactly, a full-size download without metadata, signed downloads, grant reuse, and a delete
that leaves no byte behind."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyvips
from chalice.test import Client

from tests.images import factory, quirks
from tests.integration.conftest import Stack
from tests.integration.test_pipeline import ALICE, LEAKS, _drive, _image, _upload, client
from tests.support.tokens import bearer

__all__ = ["client"]  # the fixture, shared with test_pipeline
MALLORY = bearer("sub-mallory", "mallory", "contributors")


def _download(client: Client, image_id: str, query: str = "", who: dict | None = None
              ) -> tuple[int, dict[str, Any]]:  # type: ignore[type-arg]
    answer = client.http.get(f"/images/{image_id}/download{query}", headers=who or {})
    return answer.status_code, json.loads(answer.body)


def _object(stack: Stack, bucket: str, key: str, version: str = "") -> bytes:
    extra = {"VersionId": version} if version else {}
    return bytes(stack.s3.get_object(Bucket=bucket, Key=key, **extra)["Body"].read())


def _versions(stack: Stack, bucket: str, prefix: str) -> list[str]:
    listing = stack.s3.list_object_versions(Bucket=bucket, Prefix=prefix)
    entries = listing.get("Versions", []) + listing.get("DeleteMarkers", [])
    return [f"{e['Key']}@{e['VersionId']}" for e in entries]


def test_the_original_is_kept_exactly_and_the_full_download_has_no_metadata(
    stack: Stack, client: Client
) -> None:
    # GIVEN a JPEG carrying GPS, a camera serial, XMP and IPTC
    original = quirks.jpeg_with_metadata()
    image_id = _upload(stack, client, original)
    _drive(stack, client)
    settings = stack.services.settings
    image = _image(client, image_id)
    assert image["status"] == "ready" and "full" not in image["renditions"]
    # THEN the exact bytes are kept privately, and nothing is left under uploads/
    kept = _object(stack, settings.originals_bucket, f"originals/{image_id}")
    assert hashlib.sha256(kept).digest() == hashlib.sha256(original).digest()
    assert _versions(stack, settings.uploads_bucket, f"uploads/{image_id}") == []
    # AND the full download is the whole picture as a JPEG with no metadata at all
    full = _object(stack, settings.originals_bucket, f"full/{image_id}.jpg")
    decoded = pyvips.Image.new_from_buffer(full, "")
    assert (decoded.width, decoded.height) == (160, 120)
    assert decoded.get("vips-loader") == "jpegload_buffer"
    assert not [f for f in decoded.get_fields() if f.split("-")[0] in ("exif", "xmp", "iptc")]
    for marker in (*quirks.METADATA_MARKERS, *LEAKS):
        assert marker not in full
    # AND the image offers it among its download sizes, largest first
    sizes = [s["size"] for s in image["download_sizes"]]
    assert sizes[0] == "full" and set(sizes) == {"full", "thumb", "small", "regular", "large"}


def test_downloads_are_signed_named_counted_and_the_original_is_the_owners(
    stack: Stack, client: Client
) -> None:
    image_id = _upload(stack, client, factory.photo(1600, 1200))
    _drive(stack, client)
    # WHEN anyone asks for the default size THEN a short-lived signed link to the private full
    status, full = _download(client, image_id)
    assert status == 200 and (full["width"], full["height"], full["format"]) == (1600, 1200,
                                                                                 "jpeg")
    assert full["filename"] == f"t-{image_id}.jpg" and full["expires_in"] == 300
    query = parse_qs(urlsplit(full["url"]).query)
    assert "attachment" in query["response-content-disposition"][0]
    assert stack.services.settings.originals_bucket in full["url"]
    assert full["attribution"].startswith("Photo by ")
    # AND a public size, the original for its owner, and refusals for everyone else
    assert _download(client, image_id, "?size=small")[1]["width"] == 400
    status, mine = _download(client, image_id, "?size=original", ALICE)
    assert status == 200 and "versionId" in urlsplit(mine["url"]).query
    assert _download(client, image_id, "?size=original", MALLORY)[0] == 403
    assert _download(client, image_id, "?size=original")[0] == 403
    status, bad = _download(client, image_id, "?size=poster")
    assert status == 400 and bad["error"]["code"] == "invalid_size"
    # AND every request was counted (the two refused and the bad one were not)
    assert _image(client, image_id)["downloads"] == 3


def test_posts_through_the_same_grant_never_replace_what_was_accepted(
    stack: Stack, client: Client
) -> None:
    settings = stack.services.settings
    first, second, third = (factory.photo(640, 480), factory.photo(800, 600),
                            factory.photo(320, 240))
    image_id = _upload(stack, client, first)
    # WHEN a second POST lands before ingest runs, and a third one after the image is ready
    stack.s3.put_object(Bucket=settings.uploads_bucket, Key=f"uploads/{image_id}", Body=second,
                        ContentType="image/jpeg")
    _drive(stack, client)
    before = _image(client, image_id)
    stack.s3.put_object(Bucket=settings.uploads_bucket, Key=f"uploads/{image_id}", Body=third,
                        ContentType="image/jpeg")
    _drive(stack, client)
    # THEN the first upload is what was accepted, kept and served; later posts left nothing
    after = _image(client, image_id)
    assert (before["width"], before["height"]) == (after["width"], after["height"]) == (640, 480)
    assert before["renditions"] == after["renditions"]
    kept = _object(stack, settings.originals_bucket, f"originals/{image_id}")
    assert kept == first
    assert _versions(stack, settings.uploads_bucket, f"uploads/{image_id}") == []


def test_delete_leaves_a_tombstone_and_no_byte_of_the_image(stack: Stack, client: Client) -> None:
    settings = stack.services.settings
    image_id = _upload(stack, client, factory.photo(3000, 2000))
    _drive(stack, client)
    assert _image(client, image_id)["status"] == "ready"
    # WHEN its owner deletes it
    assert client.http.delete(f"/images/{image_id}", headers=ALICE).status_code == 204
    # THEN every URL it had is gone, every version of every file, in every bucket
    assert client.http.get(f"/images/{image_id}", headers=ALICE).status_code == 404
    assert _download(client, image_id)[0] == 404
    for bucket in (settings.uploads_bucket, settings.originals_bucket):
        for prefix in (f"uploads/{image_id}", f"masters/{image_id}", f"originals/{image_id}",
                       f"full/{image_id}"):
            assert _versions(stack, bucket, prefix) == []
    listing = stack.s3.list_objects_v2(Bucket=settings.renditions_bucket, Prefix=image_id)
    assert listing.get("KeyCount", 0) == 0
    # AND the tombstone says who and why, and expires (the table's TTL attribute)
    item = stack.services.deps.repo.record.get(image_id)
    assert (item.status, item.deleted_by, item.reason) == ("deleted", "sub-alice",
                                                           "owner_request")
    assert item.expires_at > 0
